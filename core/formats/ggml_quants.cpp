// The 32-element Q5 quantizers and the IQ4 non-linear quantizers (see ggml_kquants.h).
#include "core/formats/ggml_kquants.h"
#include "core/formats/ggml_search.h"
#include "core/io/element_convert.h"

#include <cfloat>
#include <cmath>
#include <cstring>

namespace qs::ggml_detail {

namespace {

constexpr int kIq4Trials = 16; // the first fit and 15 trial scales (iq4TrialSumsAvx2's 16)

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
// signed largest magnitude and 15 trial scales. 0 for an all-zero group. The trial inverse
// scales are ids[0] (the first fit) and ids[1..15]; sums(ids, sumqx, sumq2) fills the weighted
// sums of each.
template <class Sums> float iq4GroupScale(const float* x, Sums&& sums)
{
    float amax;
    const float max = signedMax(32, x, amax);
    if (amax < kGroupMaxEps)
        return 0;
    const int8_t* values = kIq4nlValues;
    float ids[kIq4Trials], sumqx[kIq4Trials], sumq2[kIq4Trials];
    ids[0] = 1 / (-max / values[0]);
    for (int itry = -7; itry <= 7; ++itry)
        ids[itry + 8] = (itry + values[0]) / max;
    sums(ids, sumqx, sumq2);
    float d = sumq2[0] > 0 ? sumqx[0] / sumq2[0] : 0.f;
    float best = d * sumqx[0];
    for (int t = 1; t < kIq4Trials; ++t) {
        if (sumq2[t] > 0 && sumqx[t] * sumqx[t] > best * sumq2[t]) {
            d = sumqx[t] / sumq2[t];
            best = d * sumqx[t];
        }
    }
    return d;
}

// The sums of each trial, one trial after the other (the loops of ggml-quants.c).
void iq4SumsScalar(const float* x, const float* w, const float* ids, float* sumqx, float* sumq2)
{
    for (int t = 0; t < kIq4Trials; ++t) {
        sumqx[t] = sumq2[t] = 0;
        for (int j = 0; j < 32; ++j) {
            const float q = kIq4nlValues[nearestIndex(16, kIq4nlValues, ids[t] * x[j])];
            sumqx[t] += w[j] * q * x[j];
            sumq2[t] += w[j] * q * q;
        }
    }
}

// The same sums with the trials side by side (independent chains, each summed in element
// order as above) and the table lookup of iq4Index.
void iq4SumsFast(const float* x, const float* w, const float* ids, float* sumqx, float* sumq2)
{
    for (int t = 0; t < kIq4Trials; ++t)
        sumqx[t] = sumq2[t] = 0;
    for (int j = 0; j < 32; ++j) {
        const float xj = x[j], wj = w[j];
        for (int t = 0; t < kIq4Trials; ++t) {
            const float q = kIq4nlValues[iq4Index(ids[t] * xj)];
            sumqx[t] += wj * q * xj;
            sumq2[t] += wj * q * q;
        }
    }
}

float iq4Scale(const float* x, GgmlPath path)
{
    float w[32];
    for (int j = 0; j < 32; ++j)
        w[j] = x[j] * x[j];
    return iq4GroupScale(x, [&](const float* ids, float* sumqx, float* sumq2) {
        if (path == GgmlPath::Scalar)
            iq4SumsScalar(x, w, ids, sumqx, sumq2);
        else if (!iq4TrialSumsAvx2(x, w, ids, sumqx, sumq2))
            iq4SumsFast(x, w, ids, sumqx, sumq2);
    });
}

// The IQ4 codes of 32 values for inverse scale id, packed as Q4_0's nibbles.
void iq4Codes(const float* x, float id, uint8_t qs[16], GgmlPath path)
{
    uint8_t L[32];
    for (int j = 0; j < 32; ++j)
        L[j] = static_cast<uint8_t>(path == GgmlPath::Scalar
                                        ? nearestIndex(16, kIq4nlValues, id * x[j])
                                        : iq4Index(id * x[j]));
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

void quantizeIQ4_NL(const float* x, BlockIQ4_NL& y, GgmlPath path)
{
    const float d = iq4Scale(x, path);
    y.d = floatToHalf(d);
    iq4Codes(x, d != 0 ? 1 / d : 0, y.qs, path);
}

void quantizeIQ4_XS(const float* x, BlockIQ4_XS& y, GgmlPath path)
{
    float scales[8], amaxScale;
    for (int ib = 0; ib < 8; ++ib)
        scales[ib] = iq4Scale(x + 32 * ib, path);
    const float maxScale = signedMax(8, scales, amaxScale);
    const float d = -maxScale / 32;
    y.d = floatToHalf(d);
    y.scales_h = 0;
    const float id = d != 0 ? 1 / d : 0.f;
    for (int ib = 0; ib < 8; ++ib) {
        int l = clampInt(nearestInt(id * scales[ib]), -32, 31);
        const float dl = d * l;
        iq4Codes(x + 32 * ib, dl != 0 ? 1 / dl : 0.f, y.qs + 16 * ib, path);
        l += 32;
        if (ib % 2 == 0)
            y.scales_l[ib / 2] = static_cast<uint8_t>(l & 0xf);
        else
            y.scales_l[ib / 2] |= static_cast<uint8_t>((l & 0xf) << 4);
        y.scales_h = static_cast<uint16_t>(y.scales_h | ((l >> 4) << (2 * ib)));
    }
}

} // namespace qs::ggml_detail
