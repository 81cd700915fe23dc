// The k-quant super-block quantizers (see ggml_kquants.h): per sub-block a searched scale (and
// min), then 4-, 6- or 8-bit sub-block scales relative to fp16 super-block scales, then the
// codes again from the stored scales.
#include "core/formats/ggml_kquants.h"

#include "core/formats/ggml_search.h"
#include "core/io/element_convert.h"

#include <cmath>
#include <cstring>

namespace qs::ggml_detail {

namespace {

constexpr int K = kGgmlSuperBlock;

// Four 2-bit codes per byte: byte l of each 32-byte half holds elements l, l+32, l+64, l+96.
void pack2Bit(const uint8_t* L, uint8_t* qs)
{
    for (int j = 0; j < K; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 2) |
                                                 (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

// The weighted scale and min search of each sub-block: side by side (Fast) or one after the
// other (Scalar), with the same results.
void searchSubBlocks(int subs, int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     float* scales, float* mins, float rmin, float rdelta, int nstep, bool useMad,
                     GgmlPath path)
{
    if (path == GgmlPath::Fast) {
        searchScaleMinGroups(subs, n, nmax, x, weights, L, scales, mins, rmin, rdelta, nstep,
                             useMad);
        return;
    }
    for (int j = 0; j < subs; ++j)
        scales[j] = searchScaleMin(n, nmax, x + n * j, weights + n * j, L + n * j, &mins[j], rmin,
                                   rdelta, nstep, useMad);
}

// Largest of the per-sub-block scales and mins.
void maxima(const float* scales, const float* mins, int count, float& maxScale, float& maxMin)
{
    maxScale = maxMin = 0;
    for (int j = 0; j < count; ++j) {
        if (scales[j] > maxScale)
            maxScale = scales[j];
        if (mins[j] > maxMin)
            maxMin = mins[j];
    }
}

// Packs sub-block j's 6-bit scale ls and min lm into the 12 bytes of Q4_K / Q5_K.
void packScaleMin(int j, uint8_t ls, uint8_t lm, uint8_t packed[12])
{
    if (j < 4) {
        packed[j] = ls;
        packed[j + 4] = lm;
    } else {
        packed[j + 4] = static_cast<uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
        packed[j - 4] |= static_cast<uint8_t>((ls >> 4) << 6);
        packed[j] |= static_cast<uint8_t>((lm >> 4) << 6);
    }
}

// Stores sub-block j's 6-bit Q3_K scale l (0..63) in the 12 scale bytes.
void packQ3Scale(int j, int l, uint8_t scales[12])
{
    if (j < 8)
        scales[j] = static_cast<uint8_t>(l & 0xF);
    else
        scales[j - 8] |= static_cast<uint8_t>((l & 0xF) << 4);
    l >>= 4;
    scales[j % 4 + 8] |= static_cast<uint8_t>(l << (2 * (j / 4)));
}

// The sums of x^2 over a super-block, in order.
float superBlockSumX2(const float* x)
{
    float sumX2 = 0;
    for (int l = 0; l < K; ++l)
        sumX2 += x[l] * x[l];
    return sumX2;
}

// Search weights qw * sqrt(sigma2 + x^2) of n elements and their sum.
float importanceWeights(int n, const float* x, const float* qw, float sigma2, float* w)
{
    float sumw = 0;
    for (int l = 0; l < n; ++l)
        w[l] = qw[l] * std::sqrt(sigma2 + x[l] * x[l]);
    for (int l = 0; l < n; ++l)
        sumw += w[l];
    return sumw;
}

// Q4_K / Q5_K unweighted: the 6-bit sub-block scales and mins relative to the largest.
void plainScalesK4K5(const float* scales, const float* mins, GgmlHalf& dh, GgmlHalf& dminh,
                     uint8_t packed[12])
{
    float maxScale, maxMin;
    maxima(scales, mins, 8, maxScale, maxMin);
    const float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
    const float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
    for (int j = 0; j < 8; ++j) {
        uint8_t ls = static_cast<uint8_t>(nearestInt(invScale * scales[j]));
        uint8_t lm = static_cast<uint8_t>(nearestInt(invMin * mins[j]));
        ls = ls < 63 ? ls : 63;
        lm = lm < 63 ? lm : 63;
        packScaleMin(j, ls, lm, packed);
    }
    dh = floatToHalf(maxScale / 63.f);
    dminh = floatToHalf(maxMin / 63.f);
}

// Q4_K / Q5_K weighted (quantize_row_q4_K_impl / _q5_K_impl): the 6-bit scales and mins by a
// weighted search over the sub-blocks, weighted by their sums of weights sw. Q5_K clamps the
// 6-bit values to 63 (clamp63), Q4_K stores them as they come.
void weightedScalesK4K5(const float* scales, const float* mins, const float* sw, bool clamp63,
                        GgmlHalf& dh, GgmlHalf& dminh, uint8_t packed[12])
{
    uint8_t Ls[8], Lm[8];
    const float dBlock = searchScalePositive(8, 63, scales, Ls, sw);
    const float mBlock = searchScalePositive(8, 63, mins, Lm, sw);
    for (int j = 0; j < 8; ++j) {
        const uint8_t ls = clamp63 && Ls[j] > 63 ? 63 : Ls[j];
        const uint8_t lm = clamp63 && Lm[j] > 63 ? 63 : Lm[j];
        packScaleMin(j, ls, lm, packed);
    }
    dh = floatToHalf(dBlock);
    dminh = floatToHalf(mBlock);
}

// The fields of a Q4_K / Q5_K super-block before its codes are packed.
struct K4K5 {
    GgmlHalf d, dmin;
    uint8_t scales[12];
};

// The codes 0..nmax of a Q4_K / Q5_K super-block from its stored scales and mins (a sub-block
// whose scale is 0 keeps the search's codes).
void codesK4K5(const float* x, const K4K5& b, int nmax, uint8_t* L)
{
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        ggmlScaleMinK4(j, b.scales, sc, m);
        const float d = ggmlHalfToFloat(b.d) * sc;
        if (!(d != 0))
            continue;
        const float dm = ggmlHalfToFloat(b.dmin) * m;
        for (int i = 0; i < 32; ++i)
            L[32 * j + i] =
                static_cast<uint8_t>(clampInt(nearestInt((x[32 * j + i] + dm) / d), 0, nmax));
    }
}

// Q4_K / Q5_K of `count` consecutive super-blocks of x (1 or 2; imp[c] the importance of block
// c, all weighted or none): the sub-block searches of all of them side by side, then per block
// the 6-bit scales and mins packed in 12 bytes, fp16 d and dmin, and the codes 0..nmax (L,
// count * 256) from the stored values.
void quantizeK4K5(const float* x, const BlockImportance* imp, int count, int nmax, float rmin,
                  int nstep, K4K5* y, uint8_t* L, GgmlPath path)
{
    float scales[8 * kGgmlTogether], mins[8 * kGgmlTogether], sw[8 * kGgmlTogether];
    float weights[kGgmlTogether * K];
    const bool weighted = imp[0].weights != nullptr;
    for (int c = 0; weighted && c < count; ++c) {
        const float* xc = x + K * c;
        const float sigma2 = 2 * superBlockSumX2(xc) / K;
        for (int j = 0; j < 8; ++j)
            sw[8 * c + j] = importanceWeights(32, xc + 32 * j, imp[c].weights + 32 * j, sigma2,
                                              weights + K * c + 32 * j);
    }
    if (weighted)
        searchSubBlocks(8 * count, 32, nmax, x, weights, L, scales, mins, -0.9f, 0.05f, 36, false,
                        path);
    else if (path == GgmlPath::Fast) // the groups' plain weights formed in the search
        searchSubBlocks(8 * count, 32, nmax, x, nullptr, L, scales, mins, rmin, 0.1f, nstep, false,
                        path);
    else {
        plainWeights(8 * count, 32, x, weights);
        searchSubBlocks(8 * count, 32, nmax, x, weights, L, scales, mins, rmin, 0.1f, nstep, false,
                        path);
    }
    for (int c = 0; c < count; ++c) {
        K4K5& b = y[c];
        if (weighted)
            weightedScalesK4K5(scales + 8 * c, mins + 8 * c, sw + 8 * c, nmax == 31, b.d, b.dmin,
                               b.scales);
        else
            plainScalesK4K5(scales + 8 * c, mins + 8 * c, b.d, b.dmin, b.scales);
        codesK4K5(x + K * c, b, nmax, L + K * c);
    }
}

// Q2_K weighted (quantize_row_q2_K_impl): the sub-block scales and mins and their 4-bit codes.
void weightedScalesQ2_K(const float* x, const float* qw, BlockQ2_K& y, uint8_t* L, GgmlPath path)
{
    float scales[16], mins[16], sw[16], weights[K];
    const float sigma2 = superBlockSumX2(x) / K;
    for (int j = 0; j < 16; ++j)
        sw[j] = importanceWeights(16, x + 16 * j, qw + 16 * j, sigma2, weights + 16 * j);
    searchSubBlocks(16, 16, 3, x, weights, L, scales, mins, -0.9f, 0.05f, 36, false, path);
    uint8_t Ls[16], Lm[16];
    const float dm = searchScalePositive(16, 15, scales, Ls, sw);
    const float mm = searchScalePositive(16, 15, mins, Lm, sw);
    y.d = floatToHalf(dm);
    y.dmin = floatToHalf(mm);
    for (int j = 0; j < 16; ++j)
        y.scales[j] = static_cast<uint8_t>(Ls[j] | (Lm[j] << 4));
}

// Q2_K unweighted: the sub-block scales and mins relative to the largest.
void scalesQ2_K(const float* x, BlockQ2_K& y, uint8_t* L, GgmlPath path)
{
    float weights[K], mins[16], scales[16];
    for (int l = 0; l < K; ++l)
        weights[l] = std::fabs(x[l]);
    searchSubBlocks(16, 16, 3, x, weights, L, scales, mins, -0.5f, 0.1f, 15, true, path);
    float maxScale, maxMin;
    maxima(scales, mins, 16, maxScale, maxMin);
    std::memset(y.scales, 0, sizeof y.scales);
    y.d = y.dmin = floatToHalf(0.f);
    if (maxScale > 0) {
        const float iscale = 15.f / maxScale;
        for (int j = 0; j < 16; ++j)
            y.scales[j] = static_cast<uint8_t>(nearestInt(iscale * scales[j]));
        y.d = floatToHalf(maxScale / 15.f);
    }
    if (maxMin > 0) {
        const float iscale = 15.f / maxMin;
        for (int j = 0; j < 16; ++j)
            y.scales[j] = static_cast<uint8_t>(y.scales[j] | (nearestInt(iscale * mins[j]) << 4));
        y.dmin = floatToHalf(maxMin / 15.f);
    }
}

// Q3_K unweighted: per sub-block the refined symmetric scale, 6-bit scales relative to the
// largest.
void scalesQ3_K(const float* x, BlockQ3_K& y, int8_t* L)
{
    float scales[16], amax;
    for (int j = 0; j < 16; ++j)
        scales[j] = searchScaleRefine(16, 4, x + 16 * j, L + 16 * j);
    const float maxScale = signedMax(16, scales, amax);
    std::memset(y.scales, 0, sizeof y.scales);
    y.d = floatToHalf(0.f);
    if (maxScale != 0) {
        const float iscale = -32.f / maxScale;
        for (int j = 0; j < 16; ++j)
            packQ3Scale(j,
                        clampInt(static_cast<int8_t>(nearestInt(iscale * scales[j])), -32, 31) + 32,
                        y.scales);
        y.d = floatToHalf(1 / iscale);
    }
}

// Q3_K weighted (quantize_row_q3_K_impl): per sub-block the weighted symmetric search, the
// 6-bit scales by a symmetric search over the sub-block scales weighted by the sums of weights.
void weightedScalesQ3_K(const float* x, const float* qw, BlockQ3_K& y, int8_t* L, GgmlPath path)
{
    float scales[16], sw[16], weights[16];
    const float sigma2 = 2 * superBlockSumX2(x) / K;
    for (int j = 0; j < 16; ++j) {
        sw[j] = importanceWeights(16, x + 16 * j, qw + 16 * j, sigma2, weights);
        scales[j] = searchScaleSymmetric(16, 4, x + 16 * j, L + 16 * j, weights, path);
    }
    std::memset(y.scales, 0, sizeof y.scales);
    int8_t Ls[16];
    const float dBlock = searchScaleSymmetric(16, 32, scales, Ls, sw, path);
    for (int j = 0; j < 16; ++j)
        packQ3Scale(j, Ls[j], y.scales);
    y.d = floatToHalf(dBlock);
}

} // namespace

void quantizeQ2_K(const float* x, BlockQ2_K& y, const BlockImportance& imp, GgmlPath path)
{
    uint8_t L[K];
    imp.weights ? weightedScalesQ2_K(x, imp.weights, y, L, path) : scalesQ2_K(x, y, L, path);
    for (int j = 0; j < 16; ++j) {
        const float d = ggmlHalfToFloat(y.d) * (y.scales[j] & 0xF);
        if (!(d != 0))
            continue;
        const float dm = ggmlHalfToFloat(y.dmin) * (y.scales[j] >> 4);
        for (int i = 0; i < 16; ++i)
            L[16 * j + i] =
                static_cast<uint8_t>(clampInt(nearestInt((x[16 * j + i] + dm) / d), 0, 3));
    }
    pack2Bit(L, y.qs);
}

void quantizeQ3_K(const float* x, BlockQ3_K& y, const BlockImportance& imp, GgmlPath path)
{
    int8_t L[K];
    imp.weights ? weightedScalesQ3_K(x, imp.weights, y, L, path) : scalesQ3_K(x, y, L);
    int sc[16];
    ggmlUnpackQ3Scales(y.scales, sc);
    for (int j = 0; j < 16; ++j) {
        const float d = ggmlHalfToFloat(y.d) * static_cast<int8_t>(sc[j] - 32);
        if (!(d != 0))
            continue;
        for (int i = 0; i < 16; ++i)
            L[16 * j + i] = static_cast<int8_t>(clampInt(nearestInt(x[16 * j + i] / d), -4, 3) + 4);
    }
    std::memset(y.hmask, 0, sizeof y.hmask);
    uint8_t low[K];
    for (int j = 0; j < K; ++j) {
        int l = L[j];
        if (l > 3) {
            y.hmask[j % 32] |= static_cast<uint8_t>(1 << (j / 32));
            l -= 4;
        }
        low[j] = static_cast<uint8_t>(l);
    }
    pack2Bit(low, y.qs);
}

namespace {

// Q4_K's codes L, two nibbles per byte.
void packQ4_K(const uint8_t* L, BlockQ4_K& y)
{
    for (int j = 0; j < K; j += 64)
        for (int l = 0; l < 32; ++l)
            y.qs[j / 2 + l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
}

// Q5_K's low nibbles in qs and fifth bits in qh of codes L.
void packQ5_K(const uint8_t* L, BlockQ5_K& y)
{
    std::memset(y.qh, 0, sizeof y.qh);
    for (int n = 0, bit = 0; n < K; n += 64, bit += 2)
        for (int j = 0; j < 32; ++j) {
            int l1 = L[n + j], l2 = L[n + j + 32];
            if (l1 > 15) {
                l1 -= 16;
                y.qh[j] |= static_cast<uint8_t>(1 << bit);
            }
            if (l2 > 15) {
                l2 -= 16;
                y.qh[j] |= static_cast<uint8_t>(2 << bit);
            }
            y.qs[n / 2 + j] = static_cast<uint8_t>(l1 | (l2 << 4));
        }
}

// Q4_K / Q5_K blocks from quantizeK4K5, their codes packed by pack.
template <class B>
void blocksK4K5(const float* x, B* y, int count, const BlockImportance* imp, int nmax, float rmin,
                int nstep, void (*pack)(const uint8_t*, B&), GgmlPath path)
{
    K4K5 f[kGgmlTogether];
    uint8_t L[kGgmlTogether * K];
    quantizeK4K5(x, imp, count, nmax, rmin, nstep, f, L, path);
    for (int c = 0; c < count; ++c) {
        y[c].d = f[c].d;
        y[c].dmin = f[c].dmin;
        std::memcpy(y[c].scales, f[c].scales, sizeof y[c].scales);
        pack(L + K * c, y[c]);
    }
}

} // namespace

void quantizeQ4_K(const float* x, BlockQ4_K* y, int count, const BlockImportance* imp,
                  GgmlPath path)
{
    blocksK4K5(x, y, count, imp, 15, -1.f, 20, packQ4_K, path);
}

void quantizeQ5_K(const float* x, BlockQ5_K* y, int count, const BlockImportance* imp,
                  GgmlPath path)
{
    blocksK4K5(x, y, count, imp, 31, -0.5f, 15, packQ5_K, path);
}

void quantizeQ6_K(const float* x, BlockQ6_K& y, const BlockImportance& imp, GgmlPath path)
{
    int8_t L[K];
    float scales[16], maxAbsScale;
    for (int ib = 0; ib < 16; ++ib) // weighted: the importance itself is the search weight
        scales[ib] = searchScaleSymmetric(16, 32, x + 16 * ib, L + 16 * ib,
                                          imp.weights ? imp.weights + 16 * ib : nullptr, path);
    const float maxScale = signedMax(16, scales, maxAbsScale);
    if (maxAbsScale < kGroupMaxEps) {
        std::memset(&y, 0, sizeof y);
        y.d = floatToHalf(0.f);
        return;
    }
    const float iscale = -128.f / maxScale;
    y.d = floatToHalf(1 / iscale);
    for (int ib = 0; ib < 16; ++ib) {
        const int s = nearestInt(iscale * scales[ib]);
        y.scales[ib] = static_cast<int8_t>(s < 127 ? s : 127);
    }
    for (int j = 0; j < 16; ++j) {
        const float d = ggmlHalfToFloat(y.d) * y.scales[j];
        if (!(d != 0))
            continue;
        for (int i = 0; i < 16; ++i)
            L[16 * j + i] =
                static_cast<int8_t>(clampInt(nearestInt(x[16 * j + i] / d), -32, 31) + 32);
    }
    for (int j = 0; j < K; j += 128) {
        uint8_t* ql = y.ql + j / 2;
        uint8_t* qh = y.qh + j / 4;
        for (int l = 0; l < 32; ++l) {
            const int q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
            ql[l] = static_cast<uint8_t>((q1 & 0xF) | ((q3 & 0xF) << 4));
            ql[l + 32] = static_cast<uint8_t>((q2 & 0xF) | ((q4 & 0xF) << 4));
            qh[l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) |
                                         ((q4 >> 4) << 6));
        }
    }
}

} // namespace qs::ggml_detail
