// The terms of a step of the error pass (error_terms.h): a portable loop and one of AVX2
// instructions with the same IEEE operations in each lane.
#include "core/model/error_terms.h"

#include "core/base/float_order.h"

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
                     double scale, StepTerms& t, LaneSums& lanes, Gather* g)
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
        // Level::binOf of `top`, clamped into [0, kBins - 1] as a double.
        double b = a * scale;
        b = b < double(kBins - 1) ? b : double(kBins - 1);
        b = b > 0 ? b : 0.0;
        const int32_t bin = !(finite && a > 0) ? kBins : a < hi ? int32_t(b) : kBins - 1;
        t.bin[k] = bin;
        if (g && g->chosen(bin))
            g->out[g->at++] = a;
        t.count += finite ? 1 : 0;
    }
}

#if defined(__GNUC__) && defined(__x86_64__)
#define QS_ERROR_AVX2 1

bool hasAvx2()
{
    static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
    return has;
}

// For each 4-bit mask of chosen lanes, the permutation of eight 32-bit halves that moves the
// chosen doubles to the front, in order.
struct CompressTable {
    alignas(32) int32_t index[16][8];
    constexpr CompressTable() : index()
    {
        for (int mask = 0; mask < 16; ++mask) {
            int to = 0;
            for (int lane = 0; lane < 4; ++lane)
                if (mask & (1 << lane)) {
                    index[mask][2 * to] = 2 * lane;
                    index[mask][2 * to + 1] = 2 * lane + 1;
                    ++to;
                }
            for (; to < 4; ++to) // the rest: anything (written past the kept ones)
                index[mask][2 * to] = index[mask][2 * to + 1] = 0;
        }
    }
};
constexpr CompressTable kCompress;

// stepTermsScalar four elements per instruction from k0, whose element is in lane 0: the same
// IEEE operations in each lane, the branches as masks. The errors themselves are stored only
// WithErrors (the weighted sum reads them); Gathering: those in chosen bins are moved to the
// front of a vector stored at g->out + g->at, and at moves on by their number (no branch).
// Finite: every x and x^ of the step is finite, so that no mask is needed (every x counts, no
// error is NaN): the same terms as with the masks.
template <bool WithErrors, bool Gathering, bool Finite>
__attribute__((target("avx2"))) void stepTermsAvx2(const float* x, const float* xhat, int k0, int m,
                                                   double hi, double scale, StepTerms& t,
                                                   LaneSums& lanes, Gather* g)
{
    __m128i above[2], below[2]; // b > lo - 1 and b < hi + 1
    for (int r = 0; r < 2; ++r) {
        above[r] = _mm_set1_epi32(Gathering ? g->lo[r] - 1 : 0);
        below[r] = _mm_set1_epi32(Gathering ? g->hi[r] + 1 : 0);
    }
    double* const out = Gathering ? g->out : nullptr;
    size_t at = Gathering ? g->at : 0;
    const __m128i exponent = _mm_set1_epi32(0x7f800000);
    const __m256d absMask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d huge = _mm256_set1_pd(HUGE_VAL), zero = _mm256_setzero_pd();
    const __m256d hi4 = _mm256_set1_pd(hi), scale4 = _mm256_set1_pd(scale);
    const __m256d lastBin = _mm256_set1_pd(double(kBins - 1)), noBin = _mm256_set1_pd(kBins);
    __m256d dot = _mm256_load_pd(lanes.dot), recon = _mm256_load_pd(lanes.recon);
    int k = k0;
    for (; k + 4 <= m; k += 4) {
        const __m128 xf = _mm_loadu_ps(x + k), hf = _mm_loadu_ps(xhat + k);
        __m256d finite = _mm256_castsi256_pd(_mm256_set1_epi64x(-1)), xd = _mm256_cvtps_pd(xf),
                hd = _mm256_cvtps_pd(hf);
        if (!Finite) {
            const __m128i nonfinite =
                _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(xf), exponent), exponent);
            finite = _mm256_castsi256_pd(
                _mm256_cvtepi32_epi64(_mm_xor_si128(nonfinite, _mm_set1_epi32(-1))));
            xd = _mm256_and_pd(xd, finite);
            hd = _mm256_and_pd(hd, finite);
        }
        const __m256d e = _mm256_sub_pd(xd, hd), ae = _mm256_and_pd(e, absMask);
        const __m256d a =
            Finite ? ae : _mm256_blendv_pd(ae, huge, _mm256_cmp_pd(ae, ae, _CMP_UNORD_Q));
        dot = _mm256_add_pd(dot, _mm256_mul_pd(xd, hd));
        recon = _mm256_add_pd(recon, _mm256_mul_pd(hd, hd));
        if (WithErrors)
            _mm256_storeu_pd(t.error + k, e);
        const __m256d b = _mm256_max_pd(_mm256_min_pd(_mm256_mul_pd(a, scale4), lastBin), zero);
        const __m256d inRange = _mm256_blendv_pd(lastBin, b, _mm256_cmp_pd(a, hi4, _CMP_LT_OQ));
        const __m256d positive = _mm256_cmp_pd(a, zero, _CMP_GT_OQ);
        const __m256d counted = Finite ? positive : _mm256_and_pd(finite, positive);
        const __m128i bins = _mm256_cvttpd_epi32(_mm256_blendv_pd(noBin, inRange, counted));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(t.bin + k), bins);
        if (Gathering) {
            const __m128i chosen = _mm_or_si128(
                _mm_and_si128(_mm_cmpgt_epi32(bins, above[0]), _mm_cmpgt_epi32(below[0], bins)),
                _mm_and_si128(_mm_cmpgt_epi32(bins, above[1]), _mm_cmpgt_epi32(below[1], bins)));
            const int mask = _mm_movemask_ps(_mm_castsi128_ps(chosen));
            const __m256i order =
                _mm256_load_si256(reinterpret_cast<const __m256i*>(kCompress.index[mask]));
            _mm256_storeu_pd(
                out + at, _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(a), order)));
            at += size_t(__builtin_popcount(unsigned(mask)));
        }
        if (!Finite)
            t.count += __builtin_popcount(unsigned(_mm256_movemask_pd(finite)));
    }
    if (Finite)
        t.count += (k - k0);
    _mm256_store_pd(lanes.dot, dot);
    _mm256_store_pd(lanes.recon, recon);
    if (Gathering)
        g->at = at;
    stepTermsScalar(x, xhat, k, m, -k0, hi, scale, t, lanes, g);
}
#else
#define QS_ERROR_AVX2 0
#endif

} // namespace

bool gatherIntervals(const std::vector<int8_t>& slot, Gather& g)
{
    g = Gather{};
    int runs = 0;
    for (int32_t b = 0; b < kBins && b < int32_t(slot.size()); ++b) {
        if (!slot[size_t(b)])
            continue;
        if (b > 0 && slot[size_t(b - 1)]) {
            g.hi[runs - 1] = b;
            continue;
        }
        if (runs == 2)
            return false;
        g.lo[runs] = g.hi[runs] = b;
        ++runs;
    }
    return true;
}

// stepTermsAvx2 for the step's kind: with or without errors, gathering and non-finite values.
using StepAvx2 = void (*)(const float*, const float*, int, int, double, double, StepTerms&,
                          LaneSums&, Gather*);
template <bool WithErrors, bool Gathering> StepAvx2 stepAvx2(bool finite)
{
    return finite ? stepTermsAvx2<WithErrors, Gathering, true>
                  : stepTermsAvx2<WithErrors, Gathering, false>;
}

void stepTerms(const float* x, const float* xhat, int m, int lane0, double hi, double scale,
               StepTerms& t, LaneSums& lanes, bool withErrors, Gather* gather)
{
    t.count = 0;
#if QS_ERROR_AVX2
    if (hasAvx2()) {
        // The elements before the first one of lane 0, then four at a time from it.
        const int k0 = std::min(m, (4 - lane0) & 3);
        stepTermsScalar(x, xhat, 0, k0, lane0, hi, scale, t, lanes, gather);
        const bool finite =
            detail::allFiniteFloats(x + k0, m - k0) && detail::allFiniteFloats(xhat + k0, m - k0);
        const StepAvx2 run =
            withErrors ? (gather ? stepAvx2<true, true>(finite) : stepAvx2<true, false>(finite))
                       : (gather ? stepAvx2<false, true>(finite) : stepAvx2<false, false>(finite));
        run(x, xhat, k0, m, hi, scale, t, lanes, gather);
        return;
    }
#endif
    stepTermsScalar(x, xhat, 0, m, lane0, hi, scale, t, lanes, gather);
}

} // namespace qs::error_detail
