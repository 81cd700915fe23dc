// The 32-element Q4 and Q5 quantizers and the IQ4 non-linear quantizers (see ggml_kquants.h).
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

// The IQ4 search weights of a group of 32: x^2, or with importance qw * sqrt(sigma2 + x^2).
void iq4Weights(const float* x, const float* qw, float sigma2, float* w)
{
    for (int j = 0; j < 32; ++j)
        w[j] = qw ? qw[j] * std::sqrt(sigma2 + x[j] * x[j]) : x[j] * x[j];
}

// sigma2 of the weighted IQ4 types: 2 * mean x^2 over the super-block of n elements.
float iq4Sigma2(const float* x, int n)
{
    float sigma2 = 0;
    for (int j = 0; j < n; ++j)
        sigma2 += x[j] * x[j];
    sigma2 *= 2.f / n;
    return sigma2;
}

// The IQ4 scale search of one group of 32: the best of the first fit from the signed largest
// magnitude and 15 trial scales. 0 for an all-zero group. The trial inverse scales are ids[0]
// (the first fit) and ids[1..15]; sums(ids, sumqx, sumq2) fills the weighted sums of each.
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

// The IQ4 scale of a group of 32 with search weights w, on the given path.
float iq4Scale(const float* x, const float* w, GgmlPath path)
{
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

// quantize_row_q4_0_ref / _q5_0_ref: d = max / -half of the signed largest magnitude, codes
// q = min(2 half - 1, trunc(x / d + half + 0.5)). Returns d.
float symmetricReference(const float* x, int half, int* q)
{
    float amax;
    const float max = signedMax(32, x, amax);
    const float d = max / -half;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    for (int j = 0; j < 32; ++j) {
        const int v = static_cast<int>(x[j] * id + (half + 0.5f)); // truncation, as C's cast
        q[j] = v < 2 * half - 1 ? v : 2 * half - 1;
    }
    return d;
}

// quantize_row_q4_1_ref / _q5_1_ref: d = (max - min) / (levels - 1), codes q = trunc((x - min)
// / d + 0.5) (never above levels - 1). Returns d; min is the block minimum.
float asymmetricReference(const float* x, int levels, int* q, float& min)
{
    float max = -FLT_MAX;
    min = FLT_MAX;
    for (int j = 0; j < 32; ++j) {
        if (x[j] < min)
            min = x[j];
        if (x[j] > max)
            max = x[j];
    }
    const float d = (max - min) / (levels - 1);
    const float id = d != 0 ? 1.0f / d : 0.0f;
    for (int j = 0; j < 32; ++j) {
        const int v = static_cast<int>((x[j] - min) * id + 0.5f);
        q[j] = v < levels - 1 ? v : levels - 1;
    }
    return d;
}

// The search weights of the weighted 32-element types: qw * sqrt(sigma2 + x^2).
void rowWeights(const float* x, const BlockImportance& imp, float* w)
{
    for (int j = 0; j < 32; ++j)
        w[j] = imp.weights[j] * std::sqrt(imp.rowSigma2 + x[j] * x[j]);
}

// Weighted Q4_0 / Q5_0 (make_qx_quants): codes 0..2 nmax - 1 (value q - nmax). Returns d.
float weightedSymmetric(const float* x, const BlockImportance& imp, int nmax, int* q, GgmlPath path)
{
    float w[32];
    int8_t L[32];
    rowWeights(x, imp, w);
    const float d = searchScaleSymmetric(32, nmax, x, L, w, path);
    for (int j = 0; j < 32; ++j)
        q[j] = L[j];
    return d;
}

// Weighted Q4_1 / Q5_1 (make_qkx3_quants): codes 0..nmax. Returns d; m = the block's min.
float weightedAsymmetric(const float* x, const BlockImportance& imp, int nmax, int* q, float& m)
{
    float w[32], negMin;
    uint8_t L[32];
    rowWeights(x, imp, w);
    const float d = searchScaleMin(32, nmax, x, w, L, &negMin, -0.9f, 0.05f, 36, false);
    m = -negMin;
    for (int j = 0; j < 32; ++j)
        q[j] = L[j];
    return d;
}

} // namespace

void quantizeQ4_0(const float* x, BlockQ4_0& y, const BlockImportance& imp, GgmlPath path)
{
    int q[32];
    if (imp.weights) {
        y.d = floatToHalf(weightedSymmetric(x, imp, 8, q, path));
    } else {
        y.d = floatToHalf(symmetricReference(x, 8, q));
    }
    for (int j = 0; j < 16; ++j)
        y.qs[j] = static_cast<uint8_t>(q[j] | (q[j + 16] << 4));
}

void quantizeQ4_1(const float* x, BlockQ4_1& y, const BlockImportance& imp, GgmlPath)
{
    int q[32];
    if (imp.weights) {
        float m;
        y.d = floatToHalf(weightedAsymmetric(x, imp, 15, q, m));
        y.m = floatToHalf(m);
    } else {
        float min;
        y.d = floatToHalf(asymmetricReference(x, 16, q, min));
        y.m = floatToHalf(min);
    }
    for (int j = 0; j < 16; ++j)
        y.qs[j] = static_cast<uint8_t>(q[j] | (q[j + 16] << 4));
}

void quantizeQ5_0(const float* x, BlockQ5_0& y, const BlockImportance& imp, GgmlPath path)
{
    int q[32];
    const float d =
        imp.weights ? weightedSymmetric(x, imp, 16, q, path) : symmetricReference(x, 16, q);
    y.d = floatToHalf(d);
    pack5Bit(q, y.qs, y.qh);
}

void quantizeQ5_1(const float* x, BlockQ5_1& y, const BlockImportance& imp, GgmlPath)
{
    int q[32];
    float m;
    const float d =
        imp.weights ? weightedAsymmetric(x, imp, 31, q, m) : asymmetricReference(x, 32, q, m);
    y.d = floatToHalf(d);
    y.m = floatToHalf(m);
    pack5Bit(q, y.qs, y.qh);
}

float rowSigma2(const float* x, int64_t n)
{
    float sumX2 = 0;
    for (int64_t j = 0; j < n; ++j)
        if (std::isfinite(x[j])) // non-finite values are quantized as 0
            sumX2 += x[j] * x[j];
    return sumX2 / n;
}

void quantizeIQ4_NL(const float* x, BlockIQ4_NL& y, const BlockImportance& imp, GgmlPath path)
{
    float w[32];
    iq4Weights(x, imp.weights, imp.weights ? iq4Sigma2(x, 32) : 0.f, w);
    const float d = iq4Scale(x, w, path);
    y.d = floatToHalf(d);
    iq4Codes(x, d != 0 ? 1 / d : 0, y.qs, path);
}

void quantizeIQ4_XS(const float* x, BlockIQ4_XS& y, const BlockImportance& imp, GgmlPath path)
{
    float scales[8], amaxScale, w[32];
    const float sigma2 = imp.weights ? iq4Sigma2(x, kGgmlSuperBlock) : 0.f;
    for (int ib = 0; ib < 8; ++ib) {
        iq4Weights(x + 32 * ib, imp.weights ? imp.weights + 32 * ib : nullptr, sigma2, w);
        scales[ib] = iq4Scale(x + 32 * ib, w, path);
    }
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
