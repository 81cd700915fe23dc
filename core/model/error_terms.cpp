// The terms of a step of the error pass (error_terms.h): a portable loop and one of AVX2
// instructions with the same IEEE operations in each lane.
#include "core/model/error_terms.h"

#include <algorithm>
#include <cmath>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

namespace qs::error_detail {

namespace {

// The terms of elements [k0, m) of x and xhat, added to t's counts and their products to the
// lanes (x[0] in lane lane0); bins of `top` (lo 0, hi, scale) where counted.
void stepTermsScalar(const float* x, const float* xhat, int k0, int m, int lane0, double hi,
                     double scale, StepTerms& t, LaneSums& lanes)
{
    for (int k = k0; k < m; ++k) {
        const bool finite = finiteFloat(x[k]);
        const double xd = finite ? double(x[k]) : 0.0, hd = finite ? double(xhat[k]) : 0.0;
        const double e = xd - hd, ae = std::fabs(e);
        const double a = ae == ae ? ae : HUGE_VAL; // a NaN error ranks as infinite
        const int lane = (lane0 + k) & 3;
        const double dot = xd * hd, recon = hd * hd;
        lanes.dot[lane] += dot;
        lanes.recon[lane] += recon;
        t.error[k] = e;
        t.measured[k] = a;
        // Level::binOf of `top`, clamped into [0, kBins - 1] as a double.
        double b = a * scale;
        b = b < double(kBins - 1) ? b : double(kBins - 1);
        b = b > 0 ? b : 0.0;
        t.bin[k] = !(finite && a > 0) ? kBins : a < hi ? int32_t(b) : kBins - 1;
        t.count += finite ? 1 : 0;
        t.zeros += finite && a == 0 ? 1 : 0;
    }
}

#if defined(__GNUC__) && defined(__x86_64__)
#define QS_ERROR_AVX2 1

bool hasAvx2()
{
    static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
    return has;
}

// stepTermsScalar four elements per instruction from k0, whose element is in lane 0: the same
// IEEE operations in each lane, the branches as masks. The errors themselves are stored only
// WithErrors (the weighted sum reads them).
template <bool WithErrors>
__attribute__((target("avx2"))) void stepTermsAvx2(const float* x, const float* xhat, int k0, int m,
                                                   double hi, double scale, StepTerms& t,
                                                   LaneSums& lanes)
{
    const __m128i exponent = _mm_set1_epi32(0x7f800000);
    const __m256d absMask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d huge = _mm256_set1_pd(HUGE_VAL), zero = _mm256_setzero_pd();
    const __m256d hi4 = _mm256_set1_pd(hi), scale4 = _mm256_set1_pd(scale);
    const __m256d lastBin = _mm256_set1_pd(double(kBins - 1)), noBin = _mm256_set1_pd(kBins);
    __m256d dot = _mm256_load_pd(lanes.dot), recon = _mm256_load_pd(lanes.recon);
    int k = k0;
    for (; k + 4 <= m; k += 4) {
        const __m128 xf = _mm_loadu_ps(x + k), hf = _mm_loadu_ps(xhat + k);
        const __m128i nonfinite =
            _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(xf), exponent), exponent);
        const __m256d finite = _mm256_castsi256_pd(
            _mm256_cvtepi32_epi64(_mm_xor_si128(nonfinite, _mm_set1_epi32(-1))));
        const __m256d xd = _mm256_and_pd(_mm256_cvtps_pd(xf), finite);
        const __m256d hd = _mm256_and_pd(_mm256_cvtps_pd(hf), finite);
        const __m256d e = _mm256_sub_pd(xd, hd), ae = _mm256_and_pd(e, absMask);
        const __m256d a = _mm256_blendv_pd(ae, huge, _mm256_cmp_pd(ae, ae, _CMP_UNORD_Q));
        dot = _mm256_add_pd(dot, _mm256_mul_pd(xd, hd));
        recon = _mm256_add_pd(recon, _mm256_mul_pd(hd, hd));
        if (WithErrors)
            _mm256_storeu_pd(t.error + k, e);
        _mm256_storeu_pd(t.measured + k, a);
        const __m256d b = _mm256_max_pd(_mm256_min_pd(_mm256_mul_pd(a, scale4), lastBin), zero);
        const __m256d inRange = _mm256_blendv_pd(lastBin, b, _mm256_cmp_pd(a, hi4, _CMP_LT_OQ));
        const __m256d counted = _mm256_and_pd(finite, _mm256_cmp_pd(a, zero, _CMP_GT_OQ));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(t.bin + k),
                         _mm256_cvttpd_epi32(_mm256_blendv_pd(noBin, inRange, counted)));
        const int finiteBits = _mm256_movemask_pd(finite);
        t.count += __builtin_popcount(unsigned(finiteBits));
        t.zeros += __builtin_popcount(unsigned(
            _mm256_movemask_pd(_mm256_and_pd(finite, _mm256_cmp_pd(a, zero, _CMP_EQ_OQ)))));
    }
    _mm256_store_pd(lanes.dot, dot);
    _mm256_store_pd(lanes.recon, recon);
    stepTermsScalar(x, xhat, k, m, -k0, hi, scale, t, lanes);
}
#else
#define QS_ERROR_AVX2 0
#endif

} // namespace

void stepTerms(const float* x, const float* xhat, int m, int lane0, double hi, double scale,
               StepTerms& t, LaneSums& lanes, bool withErrors)
{
    t.count = t.zeros = 0;
#if QS_ERROR_AVX2
    if (hasAvx2()) {
        // The elements before the first one of lane 0, then four at a time from it.
        const int k0 = std::min(m, (4 - lane0) & 3);
        stepTermsScalar(x, xhat, 0, k0, lane0, hi, scale, t, lanes);
        if (withErrors)
            stepTermsAvx2<true>(x, xhat, k0, m, hi, scale, t, lanes);
        else
            stepTermsAvx2<false>(x, xhat, k0, m, hi, scale, t, lanes);
        return;
    }
#endif
    stepTermsScalar(x, xhat, 0, m, lane0, hi, scale, t, lanes);
}

} // namespace qs::error_detail
