// The 32-element Q5 quantizers and the IQ4 non-linear quantizers (see ggml_kquants.h).
#include "core/formats/ggml_kquants.h"
#include "core/formats/ggml_search.h"
#include "core/io/element_convert.h"

#include <cfloat>
#include <cmath>
#include <cstring>

namespace qs::ggml_detail {

namespace {

// Low nibbles of qs and fifth bits of qh from the 5-bit codes q[32] (element j in the low
// nibble of qs[j] and bit j of qh, element j + 16 in the high nibble and bit j + 16).
void pack5Bit(const int* q, uint8_t qs[16], uint8_t qhBytes[4])
{
    uint32_t qh = 0;
    for (int j = 0; j < 16; ++j) {
        qs[j] = static_cast<uint8_t>((q[j] & 0x0F) | ((q[j + 16] & 0x0F) << 4));
        qh |= uint32_t((q[j] & 0x10) >> 4) << j;
        qh |= uint32_t((q[j + 16] & 0x10) >> 4) << (j + 16);
    }
    std::memcpy(qhBytes, &qh, 4);
}

// The IQ4 scale search of one group of 32 (weights x^2): the best of the first fit from the
// signed largest magnitude and 15 trial scales. 0 for an all-zero group.
float iq4GroupScale(const float* x)
{
    float amax, w[32];
    const float max = signedMax(32, x, amax);
    for (int j = 0; j < 32; ++j)
        w[j] = x[j] * x[j];
    if (amax < kGroupMaxEps)
        return 0;
    const int8_t* values = kIq4nlValues;
    auto sums = [&](float id, float& sumqx, float& sumq2) {
        sumqx = sumq2 = 0;
        for (int j = 0; j < 32; ++j) {
            const float q = values[nearestIndex(16, values, id * x[j])];
            sumqx += w[j] * q * x[j];
            sumq2 += w[j] * q * q;
        }
    };
    float sumqx, sumq2;
    sums(1 / (-max / values[0]), sumqx, sumq2);
    float d = sumq2 > 0 ? sumqx / sumq2 : 0.f;
    float best = d * sumqx;
    for (int itry = -7; itry <= 7; ++itry) {
        sums((itry + values[0]) / max, sumqx, sumq2);
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            d = sumqx / sumq2;
            best = d * sumqx;
        }
    }
    return d;
}

// The IQ4 codes of 32 values for inverse scale id, packed as Q4_0's nibbles.
void iq4Codes(const float* x, float id, uint8_t qs[16])
{
    uint8_t L[32];
    for (int j = 0; j < 32; ++j)
        L[j] = static_cast<uint8_t>(nearestIndex(16, kIq4nlValues, id * x[j]));
    for (int j = 0; j < 16; ++j)
        qs[j] = static_cast<uint8_t>(L[j] | (L[j + 16] << 4));
}

} // namespace

void quantizeQ5_0(const float* x, BlockQ5_0& y)
{
    float amax;
    const float max = signedMax(32, x, amax);
    const float d = max / -16;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    y.d = floatToHalf(d);
    int q[32];
    for (int j = 0; j < 32; ++j) {
        const int v = static_cast<int>(x[j] * id + 16.5f); // truncation, as C's (int8_t) cast
        q[j] = v < 31 ? v : 31;
    }
    pack5Bit(q, y.qs, y.qh);
}

void quantizeQ5_1(const float* x, BlockQ5_1& y)
{
    float min = FLT_MAX, max = -FLT_MAX;
    for (int j = 0; j < 32; ++j) {
        if (x[j] < min)
            min = x[j];
        if (x[j] > max)
            max = x[j];
    }
    const float d = (max - min) / ((1 << 5) - 1);
    const float id = d != 0 ? 1.0f / d : 0.0f;
    y.d = floatToHalf(d);
    y.m = floatToHalf(min);
    int q[32];
    for (int j = 0; j < 32; ++j)
        q[j] = static_cast<int>((x[j] - min) * id + 0.5f);
    pack5Bit(q, y.qs, y.qh);
}

void quantizeIQ4_NL(const float* x, BlockIQ4_NL& y)
{
    const float d = iq4GroupScale(x);
    y.d = floatToHalf(d);
    iq4Codes(x, d != 0 ? 1 / d : 0, y.qs);
}

void quantizeIQ4_XS(const float* x, BlockIQ4_XS& y)
{
    float scales[8], amaxScale;
    for (int ib = 0; ib < 8; ++ib)
        scales[ib] = iq4GroupScale(x + 32 * ib);
    const float maxScale = signedMax(8, scales, amaxScale);
    const float d = -maxScale / 32;
    y.d = floatToHalf(d);
    y.scales_h = 0;
    const float id = d != 0 ? 1 / d : 0.f;
    for (int ib = 0; ib < 8; ++ib) {
        int l = clampInt(nearestInt(id * scales[ib]), -32, 31);
        const float dl = d * l;
        iq4Codes(x + 32 * ib, dl != 0 ? 1 / dl : 0.f, y.qs + 16 * ib);
        l += 32;
        if (ib % 2 == 0)
            y.scales_l[ib / 2] = static_cast<uint8_t>(l & 0xf);
        else
            y.scales_l[ib / 2] |= static_cast<uint8_t>((l & 0xf) << 4);
        y.scales_h = static_cast<uint16_t>(y.scales_h | ((l >> 4) << (2 * ib)));
    }
}

} // namespace qs::ggml_detail
