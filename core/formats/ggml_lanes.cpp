// Lane-parallel inner loops of the GGML searches for processors with AVX2 (see ggml_search.h).
// Each lane computes exactly the float32 operations of the portable loop it replaces, in the
// same order: only independent sums run side by side, so the results are bit for bit the same.
#include "core/formats/ggml_search.h"

#include <algorithm>
#include <atomic>

#if defined(__GNUC__) && defined(__x86_64__)
#define QS_GGML_AVX2 1
#include <immintrin.h>
#else
#define QS_GGML_AVX2 0
#endif

namespace qs::ggml_detail {

#if QS_GGML_AVX2

namespace {

// For each integer u = floor(v) in [-127, 112]: the grid values at or below u (the largest
// index k < 15 with kIq4nlValues[k] <= u, or 0) and the next one, as int8 in the low two bytes.
struct Iq4Pairs {
    int32_t pair[240];
    Iq4Pairs()
    {
        for (int u = -127; u <= 112; ++u) {
            int k = 0;
            while (k + 1 < 15 && kIq4nlValues[k + 1] <= u)
                ++k;
            pair[u + 127] =
                int32_t(uint8_t(kIq4nlValues[k])) | (int32_t(uint8_t(kIq4nlValues[k + 1])) << 8);
        }
    }
};

const Iq4Pairs kIq4Pairs;

// kIq4nlValues[iq4Index(v)] for 8 finite v: the pair around floor(v) (clamped to the grid's
// range, which keeps the ends: below -127 the lower point wins, above 113 the upper), then the
// upper point unless v is strictly closer to the lower, as iq4Index decides.
__attribute__((target("avx2"))) __m256 iq4Values(__m256 v)
{
    const __m256 u = _mm256_min_ps(_mm256_max_ps(_mm256_floor_ps(v), _mm256_set1_ps(-127.0f)),
                                   _mm256_set1_ps(112.0f));
    const __m256i k = _mm256_add_epi32(_mm256_cvtps_epi32(u), _mm256_set1_epi32(127));
    const __m256i e = _mm256_i32gather_epi32(kIq4Pairs.pair, k, 4);
    const __m256 a = _mm256_cvtepi32_ps(_mm256_srai_epi32(_mm256_slli_epi32(e, 24), 24));
    const __m256 b = _mm256_cvtepi32_ps(_mm256_srai_epi32(_mm256_slli_epi32(e, 16), 24));
    const __m256 up = _mm256_cmp_ps(_mm256_sub_ps(v, a), _mm256_sub_ps(b, v), _CMP_GE_OQ);
    return _mm256_blendv_ps(a, b, up);
}

__attribute__((target("avx2"))) void iq4TrialSums16(const float* x, const float* w,
                                                    const float* ids, float* sumqx, float* sumq2)
{
    const __m256 id0 = _mm256_loadu_ps(ids), id1 = _mm256_loadu_ps(ids + 8);
    __m256 sqx0 = _mm256_setzero_ps(), sqx1 = sqx0, sq20 = sqx0, sq21 = sqx0;
    for (int j = 0; j < 32; ++j) {
        const __m256 xj = _mm256_set1_ps(x[j]), wj = _mm256_set1_ps(w[j]);
        const __m256 q0 = iq4Values(_mm256_mul_ps(id0, xj));
        const __m256 q1 = iq4Values(_mm256_mul_ps(id1, xj));
        const __m256 wq0 = _mm256_mul_ps(wj, q0), wq1 = _mm256_mul_ps(wj, q1);
        sqx0 = _mm256_add_ps(sqx0, _mm256_mul_ps(wq0, xj));
        sqx1 = _mm256_add_ps(sqx1, _mm256_mul_ps(wq1, xj));
        sq20 = _mm256_add_ps(sq20, _mm256_mul_ps(wq0, q0));
        sq21 = _mm256_add_ps(sq21, _mm256_mul_ps(wq1, q1));
    }
    _mm256_storeu_ps(sumqx, sqx0);
    _mm256_storeu_ps(sumqx + 8, sqx1);
    _mm256_storeu_ps(sumq2, sq20);
    _mm256_storeu_ps(sumq2 + 8, sq21);
}

__attribute__((target("avx2"))) void trialLanes8(int n, int nmax, const LaneFloats& xt,
                                                 const LaneFloats& wt, int g0, const float* iscale,
                                                 const float* min, LaneCodes& aux, float* sumL,
                                                 float* sumL2, float* sumXL)
{
    const __m256 is = _mm256_loadu_ps(iscale + g0), mn = _mm256_loadu_ps(min + g0);
    const __m256 magic = _mm256_set1_ps(12582912.0f); // nearestInt's 1.5 * 2^23
    const __m256i mant = _mm256_set1_epi32(0x007fffff), half = _mm256_set1_epi32(0x00400000);
    const __m256i zero = _mm256_setzero_si256(), top = _mm256_set1_epi32(nmax);
    __m256 sl = _mm256_setzero_ps(), sl2 = sl, sxl = sl;
    for (int i = 0; i < n; ++i) {
        const __m256 x = _mm256_loadu_ps(&xt[i][g0]), w = _mm256_loadu_ps(&wt[i][g0]);
        const __m256 shifted = _mm256_add_ps(_mm256_mul_ps(is, _mm256_sub_ps(x, mn)), magic);
        __m256i l = _mm256_sub_epi32(_mm256_and_si256(_mm256_castps_si256(shifted), mant), half);
        l = _mm256_min_epi32(_mm256_max_epi32(l, zero), top);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(&aux[i][g0]), l);
        const __m256 lf = _mm256_cvtepi32_ps(l), wl = _mm256_mul_ps(w, lf);
        sl = _mm256_add_ps(sl, wl);
        sl2 = _mm256_add_ps(sl2, _mm256_mul_ps(wl, lf));
        sxl = _mm256_add_ps(sxl, _mm256_mul_ps(wl, x));
    }
    _mm256_storeu_ps(sumL + g0, sl);
    _mm256_storeu_ps(sumL2 + g0, sl2);
    _mm256_storeu_ps(sumXL + g0, sxl);
}

__attribute__((target("avx2"))) void errorLanes8(int n, bool useMad, const LaneFloats& xt,
                                                 const LaneFloats& wt, const LaneCodes& aux, int g0,
                                                 const float* scale, const float* min, float* err)
{
    const __m256 sc = _mm256_loadu_ps(scale + g0), mn = _mm256_loadu_ps(min + g0);
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 e = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i) {
        const __m256 x = _mm256_loadu_ps(&xt[i][g0]), w = _mm256_loadu_ps(&wt[i][g0]);
        const __m256 l =
            _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(&aux[i][g0])));
        __m256 diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(sc, l), mn), x);
        diff = useMad ? _mm256_and_ps(diff, absMask) : _mm256_mul_ps(diff, diff);
        e = _mm256_add_ps(e, _mm256_mul_ps(w, diff));
    }
    _mm256_storeu_ps(err + g0, e);
}

// nearestInt (the 1.5 * 2^23 trick on the bit pattern) of 8 floats, clamped to [lo, hi].
__attribute__((target("avx2"))) __m256i nearestClamped(__m256 v, int lo, int hi)
{
    const __m256 shifted = _mm256_add_ps(v, _mm256_set1_ps(12582912.0f));
    const __m256i l = _mm256_sub_epi32(
        _mm256_and_si256(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x007fffff)),
        _mm256_set1_epi32(0x00400000));
    return _mm256_min_epi32(_mm256_max_epi32(l, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
}

__attribute__((target("avx2"))) void symmetricSums24(int n, int nmax, const float* x,
                                                     const float* weights, const float* iscales,
                                                     float* sumlx, float* suml2)
{
    __m256 is[3], slx[3], sl2[3];
    for (int k = 0; k < 3; ++k) {
        is[k] = _mm256_loadu_ps(iscales + 8 * k);
        slx[k] = sl2[k] = _mm256_setzero_ps();
    }
    for (int i = 0; i < n; ++i) {
        const float w = weights ? weights[i] : x[i] * x[i];
        const __m256 xi = _mm256_set1_ps(x[i]), wv = _mm256_set1_ps(w);
        const __m256 wx = _mm256_set1_ps(w * x[i]);
        for (int k = 0; k < 3; ++k) {
            const __m256 l =
                _mm256_cvtepi32_ps(nearestClamped(_mm256_mul_ps(is[k], xi), -nmax, nmax - 1));
            slx[k] = _mm256_add_ps(slx[k], _mm256_mul_ps(wx, l));
            sl2[k] = _mm256_add_ps(sl2[k], _mm256_mul_ps(_mm256_mul_ps(wv, l), l));
        }
    }
    for (int k = 0; k < 3; ++k) {
        _mm256_storeu_ps(sumlx + 8 * k, slx[k]);
        _mm256_storeu_ps(suml2 + 8 * k, sl2[k]);
    }
}

std::atomic<bool> g_avx2Allowed{true};

bool hasAvx2()
{
    static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
    return has && g_avx2Allowed.load(std::memory_order_relaxed);
}

} // namespace

void allowLanesAvx2(bool allowed)
{
    g_avx2Allowed.store(allowed, std::memory_order_relaxed);
}

bool trialLanesAvx2(int groups, int n, int nmax, const LaneFloats& xt, const LaneFloats& wt,
                    const float* iscale, const float* min, LaneCodes& aux, float* sumL,
                    float* sumL2, float* sumXL)
{
    if (!hasAvx2() || (groups != 8 && groups != 16))
        return false;
    for (int g0 = 0; g0 < groups; g0 += 8)
        trialLanes8(n, nmax, xt, wt, g0, iscale, min, aux, sumL, sumL2, sumXL);
    return true;
}

bool errorLanesAvx2(int groups, int n, bool useMad, const LaneFloats& xt, const LaneFloats& wt,
                    const LaneCodes& aux, const float* scale, const float* min, float* err)
{
    if (!hasAvx2() || (groups != 8 && groups != 16))
        return false;
    for (int g0 = 0; g0 < groups; g0 += 8)
        errorLanes8(n, useMad, xt, wt, aux, g0, scale, min, err);
    return true;
}

bool symmetricTrialSumsAvx2(int n, int nmax, const float* x, const float* weights,
                            const float* iscales, float* sumlx, float* suml2)
{
    if (!hasAvx2())
        return false;
    float is[24] = {}, slx[24], sl2[24]; // 18 trials in three vectors
    std::copy(iscales, iscales + kSymmetricTrials, is);
    symmetricSums24(n, nmax, x, weights, is, slx, sl2);
    std::copy(slx, slx + kSymmetricTrials, sumlx);
    std::copy(sl2, sl2 + kSymmetricTrials, suml2);
    return true;
}

bool iq4TrialSumsAvx2(const float* x, const float* w, const float* ids, float* sumqx, float* sumq2)
{
    if (!hasAvx2())
        return false;
    iq4TrialSums16(x, w, ids, sumqx, sumq2);
    return true;
}

#else

void allowLanesAvx2(bool) {}

bool trialLanesAvx2(int, int, int, const LaneFloats&, const LaneFloats&, const float*, const float*,
                    LaneCodes&, float*, float*, float*)
{
    return false;
}

bool errorLanesAvx2(int, int, bool, const LaneFloats&, const LaneFloats&, const LaneCodes&,
                    const float*, const float*, float*)
{
    return false;
}

bool symmetricTrialSumsAvx2(int, int, const float*, const float*, const float*, float*, float*)
{
    return false;
}

bool iq4TrialSumsAvx2(const float*, const float*, const float*, float*, float*)
{
    return false;
}

#endif

} // namespace qs::ggml_detail
