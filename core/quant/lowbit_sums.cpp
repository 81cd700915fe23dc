// Per-block sums of the low-bit results (see lowbit_sums.h).
#include "core/quant/lowbit_sums.h"

#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#if defined(__GNUC__) && defined(__x86_64__)
#define QS_SUMS_AVX2 1
#include <immintrin.h>
#else
#define QS_SUMS_AVX2 0
#endif

namespace qs::quantize_detail {

namespace {

// The portable loop: element after element.
SliceMetrics::Sums blockSumsPortable(const float* x, const float* xh,
                                     CodeBuffer::const_iterator codes, int64_t cnt, double lo,
                                     double hi, int64_t qmin, int64_t levels, double& dataMin,
                                     double& dataMax, CodeMask& seen)
{
    Acc a;
    double dmin = std::numeric_limits<double>::infinity(), dmax = -dmin;
    CodeMask small; // this block's codes when levels <= 256
    thread_local std::vector<int32_t> used;
    used.clear();
    for (int64_t i = 0; i < cnt; ++i) {
        const float v = x[i];
        if (!std::isfinite(v))
            continue;
        a.addPair(v, xh[i]);
        a.clipLow += v < lo;
        a.clipHigh += v > hi;
        dmin = std::min(dmin, double(v));
        dmax = std::max(dmax, double(v));
        const int64_t k = int64_t(codes[i]) - qmin;
        if (levels <= 256) {
            if (k >= 0 && k < 256)
                small.set(k);
        } else {
            used.push_back(codes[i]);
        }
    }
    a.nonfinite = cnt - a.count;
    int64_t levelsUsed = 0;
    if (levels <= 256) {
        levelsUsed = small.count();
        seen.add(small);
    } else {
        std::sort(used.begin(), used.end());
        levelsUsed = std::unique(used.begin(), used.end()) - used.begin();
    }
    dataMin = a.count > 0 ? dmin : 0.0;
    dataMax = a.count > 0 ? dmax : 0.0;
    return sumsOf(a, levelsUsed);
}

#if QS_SUMS_AVX2

int popcount4(__m128 m)
{
    return __builtin_popcount(unsigned(_mm_movemask_ps(m)));
}

// Four elements per step: the finite ones masked in, their terms summed in four double lanes.
// Requires levels <= 256 (the code mask).
__attribute__((target("avx2"))) SliceMetrics::Sums
blockSumsAvx2(const float* x, const float* xh, CodeBuffer::const_iterator codes, int64_t cnt,
              float lo, float hi, int64_t qmin, double& dataMin, double& dataMax, CodeMask& mask)
{
    const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    const __m128 inf = _mm_set1_ps(std::numeric_limits<float>::infinity());
    const __m128 lo4 = _mm_set1_ps(lo), hi4 = _mm_set1_ps(hi);
    const __m256d absMaskD = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d infD = _mm256_set1_pd(std::numeric_limits<double>::infinity());
    __m256d sq = _mm256_setzero_pd(), ab = sq, mx = sq, sg = sq;
    __m256d mn = infD, mxv = _mm256_sub_pd(_mm256_setzero_pd(), infD);
    SliceMetrics::Sums v;
    int64_t i = 0;
    for (; i + 4 <= cnt; i += 4) {
        const __m128 xf = _mm_loadu_ps(x + i), hf = _mm_loadu_ps(xh + i);
        const __m128 finite = _mm_cmplt_ps(_mm_and_ps(xf, absMask), inf); // false for NaN
        const int bits = _mm_movemask_ps(finite);
        v.count += __builtin_popcount(unsigned(bits));
        v.clippedLow += popcount4(_mm_and_ps(_mm_cmplt_ps(xf, lo4), finite));
        v.clippedHigh += popcount4(_mm_and_ps(_mm_cmpgt_ps(xf, hi4), finite));
        const __m256d keep = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_castps_si128(finite)));
        const __m256d xd = _mm256_cvtps_pd(xf);
        const __m256d e = _mm256_and_pd(_mm256_sub_pd(xd, _mm256_cvtps_pd(hf)), keep);
        const __m256d ae = _mm256_and_pd(e, absMaskD);
        const __m256d xk = _mm256_and_pd(xd, keep);
        sq = _mm256_add_pd(sq, _mm256_mul_pd(e, e));
        ab = _mm256_add_pd(ab, ae);
        mx = _mm256_max_pd(mx, ae);
        sg = _mm256_add_pd(sg, _mm256_mul_pd(xk, xk));
        mn = _mm256_min_pd(mn, _mm256_blendv_pd(infD, xd, keep));
        mxv = _mm256_max_pd(mxv,
                            _mm256_blendv_pd(_mm256_sub_pd(_mm256_setzero_pd(), infD), xd, keep));
        for (int l = 0; l < 4; ++l) {
            const int64_t k = int64_t(codes[i + l]) - qmin;
            if ((bits >> l) & 1 && k >= 0 && k < 256)
                mask.set(k);
        }
    }
    double lane[4][6];
    const __m256d parts[6] = {sq, ab, mx, sg, mn, mxv};
    for (int p = 0; p < 6; ++p) {
        double t[4];
        _mm256_storeu_pd(t, parts[p]);
        for (int l = 0; l < 4; ++l)
            lane[l][p] = t[l];
    }
    double dmin = std::numeric_limits<double>::infinity(), dmax = -dmin;
    for (int l = 0; l < 4; ++l) {
        v.errorPower += lane[l][0];
        v.absError += lane[l][1];
        v.maxAbsError = std::max(v.maxAbsError, lane[l][2]);
        v.signalPower += lane[l][3];
        dmin = std::min(dmin, lane[l][4]);
        dmax = std::max(dmax, lane[l][5]);
    }
    for (; i < cnt; ++i) { // the last cnt % 4 elements
        const float xv = x[i];
        if (!std::isfinite(xv))
            continue;
        const double e = double(xv) - double(xh[i]);
        ++v.count;
        v.errorPower += e * e;
        v.absError += std::fabs(e);
        v.maxAbsError = std::max(v.maxAbsError, std::fabs(e));
        v.signalPower += double(xv) * double(xv);
        v.clippedLow += xv < lo;
        v.clippedHigh += xv > hi;
        dmin = std::min(dmin, double(xv));
        dmax = std::max(dmax, double(xv));
        const int64_t k = int64_t(codes[i]) - qmin;
        if (k >= 0 && k < 256)
            mask.set(k);
    }
    v.nonfinite = cnt - v.count;
    dataMin = v.count > 0 ? dmin : 0.0;
    dataMax = v.count > 0 ? dmax : 0.0;
    return v;
}

bool hasAvx2()
{
    static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
    return has;
}

#endif

} // namespace

SliceMetrics::Sums blockSums(const float* x, const float* xh, CodeBuffer::const_iterator codes,
                             int64_t cnt, double lo, double hi, int64_t qmin, int64_t levels,
                             double& dataMin, double& dataMax, CodeMask& seen)
{
#if QS_SUMS_AVX2
    if (levels <= 256 && hasAvx2()) {
        CodeMask small;
        SliceMetrics::Sums v =
            blockSumsAvx2(x, xh, codes, cnt, float(lo), float(hi), qmin, dataMin, dataMax, small);
        v.levelsUsed = small.count();
        seen.add(small);
        return v;
    }
#endif
    return blockSumsPortable(x, xh, codes, cnt, lo, hi, qmin, levels, dataMin, dataMax, seen);
}

} // namespace qs::quantize_detail
