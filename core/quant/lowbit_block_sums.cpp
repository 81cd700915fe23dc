// The sums of one block of a low-bit result, blockSums and addSums of lowbit_sums.h: a
// portable loop, and one of AVX2 instructions with the same sums.
#include "core/quant/lowbit_sums.h"

#include "core/base/float_order.h"
#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include <omp.h>

#if defined(__GNUC__) && defined(__x86_64__)
#define QS_SUMS_AVX2 1
#include <immintrin.h>
#else
#define QS_SUMS_AVX2 0
#endif

namespace qs::quantize_detail {

namespace {

// The portable loop: element after element.
template <class C>
SliceMetrics::Sums blockSumsPortable(const float* x, const float* xh, const C* raw,
                                     int32_t codeOffset, int64_t cnt, double lo, double hi,
                                     int64_t qmin, int64_t levels, double& dataMin, double& dataMax,
                                     CodeMask& seen)
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
        const int32_t code = codeOffset + int32_t(raw[i]);
        const int64_t k = int64_t(code) - qmin;
        if (levels <= 256) {
            if (k >= 0 && k < 256)
                small.set(k);
        } else {
            used.push_back(code);
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

// Flags in `mask` the codes of the finite x (those within 256 codes of qmin), four elements
// per step: each code's bit is ORed into the lane of its 64-bit word, no branch, no memory
// dependency. OneWord: at most 64 codes.
template <bool OneWord, class C>
__attribute__((target("avx2"))) void markCodes(const float* x, const C* raw, int32_t codeOffset,
                                               int64_t cnt, int64_t qmin, CodeMask& mask)
{
    const __m256i one = _mm256_set1_epi64x(1), low6 = _mm256_set1_epi64x(63);
    const __m256i shift = _mm256_set1_epi64x(int64_t(codeOffset) - qmin);
    const __m128i exponent = _mm_set1_epi32(0x7f800000);
    const __m256i zero = _mm256_setzero_si256();
    __m256i w[4] = {zero, zero, zero, zero};
    int64_t i = 0;
    for (; i + 4 <= cnt; i += 4) {
        __m256i k;
        if constexpr (sizeof(C) == 1) {
            int32_t four;
            std::memcpy(&four, raw + i, sizeof four);
            k = _mm256_add_epi64(_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(four)), shift);
        } else {
            const __m128i c16 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(raw + i));
            k = _mm256_add_epi64(_mm256_cvtepu16_epi64(c16), shift);
        }
        const __m128i xb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
        const __m128i nonfinite = _mm_cmpeq_epi32(_mm_and_si128(xb, exponent), exponent);
        const __m256i inRange = _mm256_cmpeq_epi64(_mm256_srli_epi64(k, OneWord ? 6 : 8), zero);
        const __m256i use = _mm256_andnot_si256(_mm256_cvtepi32_epi64(nonfinite), inRange);
        const __m256i bit =
            _mm256_and_si256(_mm256_sllv_epi64(one, _mm256_and_si256(k, low6)), use);
        if constexpr (OneWord) {
            w[0] = _mm256_or_si256(w[0], bit);
        } else {
            const __m256i word = _mm256_srli_epi64(k, 6);
            for (int j = 0; j < 4; ++j)
                w[j] = _mm256_or_si256(
                    w[j], _mm256_and_si256(bit, _mm256_cmpeq_epi64(word, _mm256_set1_epi64x(j))));
        }
    }
    for (int j = 0; j < 4; ++j) {
        uint64_t lanes[4];
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes), w[j]);
        mask.bits[j] |= lanes[0] | lanes[1] | lanes[2] | lanes[3];
    }
    for (; i < cnt; ++i) { // the last cnt % 4 elements
        const int64_t k = int64_t(codeOffset) + raw[i] - qmin;
        if (std::isfinite(x[i]) && k >= 0 && k < (OneWord ? 64 : 256))
            mask.set(k);
    }
}

// The running sums of blockSumsAvx2, four double lanes each.
struct SumLanes {
    __m256d sq, ab, mx, sg, mn, mxv;
};

__attribute__((target("avx2"))) inline SumLanes emptyLanes()
{
    const __m256d inf = _mm256_set1_pd(std::numeric_limits<double>::infinity());
    const __m256d zero = _mm256_setzero_pd();
    return {zero, zero, zero, zero, inf, _mm256_sub_pd(zero, inf)};
}

// Four elements into `s`: the finite ones masked in, or (AllFinite: the block has no NaN or
// inf) all of them, without the masks (the same sums: the masks keep every lane then).
template <bool AllFinite>
__attribute__((target("avx2"), always_inline)) inline void
addFour(const float* x, const float* xh, __m128 lo4, __m128 hi4, SumLanes& s, SliceMetrics::Sums& v)
{
    const __m256d absMaskD = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m128 xf = _mm_loadu_ps(x), hf = _mm_loadu_ps(xh);
    const __m256d xd = _mm256_cvtps_pd(xf);
    __m256d e = _mm256_sub_pd(xd, _mm256_cvtps_pd(hf)), xk = xd, lowX = xd, highX = xd;
    if constexpr (AllFinite) {
        v.clippedLow += popcount4(_mm_cmplt_ps(xf, lo4));
        v.clippedHigh += popcount4(_mm_cmpgt_ps(xf, hi4));
    } else {
        const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
        const __m128 inf = _mm_set1_ps(std::numeric_limits<float>::infinity());
        const __m256d infD = _mm256_set1_pd(std::numeric_limits<double>::infinity());
        const __m128 finite = _mm_cmplt_ps(_mm_and_ps(xf, absMask), inf); // false for NaN
        const int bits = _mm_movemask_ps(finite);
        v.count += __builtin_popcount(unsigned(bits));
        v.clippedLow += popcount4(_mm_and_ps(_mm_cmplt_ps(xf, lo4), finite));
        v.clippedHigh += popcount4(_mm_and_ps(_mm_cmpgt_ps(xf, hi4), finite));
        const __m256d keep = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_castps_si128(finite)));
        e = _mm256_and_pd(e, keep);
        xk = _mm256_and_pd(xd, keep);
        lowX = _mm256_blendv_pd(infD, xd, keep);
        highX = _mm256_blendv_pd(_mm256_sub_pd(_mm256_setzero_pd(), infD), xd, keep);
    }
    const __m256d ae = _mm256_and_pd(e, absMaskD);
    s.sq = _mm256_add_pd(s.sq, _mm256_mul_pd(e, e));
    s.ab = _mm256_add_pd(s.ab, ae);
    s.mx = _mm256_max_pd(s.mx, ae);
    s.sg = _mm256_add_pd(s.sg, _mm256_mul_pd(xk, xk));
    s.mn = _mm256_min_pd(s.mn, lowX);
    s.mxv = _mm256_max_pd(s.mxv, highX);
}

// Steps of eight over the block (then four), the finite masks applied unless AllFinite.
template <bool AllFinite>
__attribute__((target("avx2"), always_inline)) inline int64_t
addSteps(const float* x, const float* xh, int64_t cnt, __m128 lo4, __m128 hi4, SumLanes& a,
         SumLanes& b, SliceMetrics::Sums& v)
{
    int64_t i = 0;
    for (; i + 8 <= cnt; i += 8) {
        addFour<AllFinite>(x + i, xh + i, lo4, hi4, a, v);
        addFour<AllFinite>(x + i + 4, xh + i + 4, lo4, hi4, b, v);
    }
    if (i + 4 <= cnt) {
        addFour<AllFinite>(x + i, xh + i, lo4, hi4, a, v);
        i += 4;
    }
    if (AllFinite)
        v.count += i;
    return i;
}

// Eight elements per step in two independent sets of lanes (the adds' latency, not their
// count, bounds one set), the finite ones masked in; the sets and lanes summed at the end.
// Requires levels <= 256 (the code mask; levelsUsed counts its bits).
template <class C>
__attribute__((target("avx2"))) SliceMetrics::Sums
blockSumsAvx2(const float* x, const float* xh, const C* codes, int32_t codeOffset, int64_t cnt,
              float lo, float hi, int64_t qmin, int64_t levels, double& dataMin, double& dataMax,
              CodeMask& mask)
{
    if (levels <= 64)
        markCodes<true, C>(x, codes, codeOffset, cnt, qmin, mask);
    else
        markCodes<false, C>(x, codes, codeOffset, cnt, qmin, mask);
    const __m128 lo4 = _mm_set1_ps(lo), hi4 = _mm_set1_ps(hi);
    SumLanes a = emptyLanes(), b = emptyLanes();
    SliceMetrics::Sums v;
    int64_t i = detail::allFiniteFloats(x, cnt) ? addSteps<true>(x, xh, cnt, lo4, hi4, a, b, v)
                                                : addSteps<false>(x, xh, cnt, lo4, hi4, a, b, v);
    double t[6][4];
    const __m256d parts[6] = {_mm256_add_pd(a.sq, b.sq), _mm256_add_pd(a.ab, b.ab),
                              _mm256_max_pd(a.mx, b.mx), _mm256_add_pd(a.sg, b.sg),
                              _mm256_min_pd(a.mn, b.mn), _mm256_max_pd(a.mxv, b.mxv)};
    for (int p = 0; p < 6; ++p)
        _mm256_storeu_pd(t[p], parts[p]);
    v.errorPower = t[0][0] + t[0][1] + t[0][2] + t[0][3];
    v.absError = t[1][0] + t[1][1] + t[1][2] + t[1][3];
    v.maxAbsError = std::max({t[2][0], t[2][1], t[2][2], t[2][3]});
    v.signalPower = t[3][0] + t[3][1] + t[3][2] + t[3][3];
    double dmin = std::min({t[4][0], t[4][1], t[4][2], t[4][3]});
    double dmax = std::max({t[5][0], t[5][1], t[5][2], t[5][3]});
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
    }
    v.nonfinite = cnt - v.count;
    v.levelsUsed = mask.count(); // popcnt here, a library call in the baseline build
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

namespace {

template <class C>
SliceMetrics::Sums blockSumsOf(const float* x, const float* xh, const C* codes, int32_t codeOffset,
                               int64_t cnt, double lo, double hi, int64_t qmin, int64_t levels,
                               double& dataMin, double& dataMax, CodeMask& seen)
{
#if QS_SUMS_AVX2
    if (levels <= 256 && hasAvx2()) {
        CodeMask small;
        SliceMetrics::Sums v = blockSumsAvx2(x, xh, codes, codeOffset, cnt, float(lo), float(hi),
                                             qmin, levels, dataMin, dataMax, small);
        seen.add(small);
        return v;
    }
#endif
    return blockSumsPortable(x, xh, codes, codeOffset, cnt, lo, hi, qmin, levels, dataMin, dataMax,
                             seen);
}

} // namespace

SliceMetrics::Sums blockSums(const float* x, const float* xh, const StoredCodes& codes, int64_t cnt,
                             double lo, double hi, int64_t qmin, int64_t levels, double& dataMin,
                             double& dataMax, CodeMask& seen)
{
    if (codes.narrow)
        return blockSumsOf(x, xh, static_cast<const uint8_t*>(codes.data), codes.offset, cnt, lo,
                           hi, qmin, levels, dataMin, dataMax, seen);
    return blockSumsOf(x, xh, static_cast<const uint16_t*>(codes.data), codes.offset, cnt, lo, hi,
                       qmin, levels, dataMin, dataMax, seen);
}

void addSums(SliceMetrics::Sums& total, const SliceMetrics::Sums& v)
{
    total.count += v.count;
    total.nonfinite += v.nonfinite;
    total.clippedLow += v.clippedLow;
    total.clippedHigh += v.clippedHigh;
    total.signalPower += v.signalPower;
    total.errorPower += v.errorPower;
    total.absError += v.absError;
    total.maxAbsError = std::max(total.maxAbsError, v.maxAbsError);
}

} // namespace qs::quantize_detail
