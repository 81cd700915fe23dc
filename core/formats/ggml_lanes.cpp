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

// nearestInt (the 1.5 * 2^23 trick on the bit pattern) of 8 floats, clamped to [lo, hi].
__attribute__((target("avx2"))) __m256i nearestClamped(__m256 v, __m256i lo, __m256i hi)
{
    const __m256 shifted = _mm256_add_ps(v, _mm256_set1_ps(12582912.0f));
    const __m256i l = _mm256_sub_epi32(
        _mm256_and_si256(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x007fffff)),
        _mm256_set1_epi32(0x00400000));
    return _mm256_min_epi32(_mm256_max_epi32(l, lo), hi);
}

__attribute__((target("avx2"))) __m256i nearestClamped(__m256 v, int lo, int hi)
{
    return nearestClamped(v, _mm256_set1_epi32(lo), _mm256_set1_epi32(hi));
}

// Transposes the 8x8 floats of t (t[r][c] becomes t[c][r]).
__attribute__((target("avx2"))) void transpose8(__m256* t)
{
    __m256 a[8], b[8];
    for (int k = 0; k < 8; k += 2) {
        a[k] = _mm256_unpacklo_ps(t[k], t[k + 1]);
        a[k + 1] = _mm256_unpackhi_ps(t[k], t[k + 1]);
    }
    for (int k = 0; k < 8; k += 4) {
        b[k] = _mm256_shuffle_ps(a[k], a[k + 2], 0x44);
        b[k + 1] = _mm256_shuffle_ps(a[k], a[k + 2], 0xEE);
        b[k + 2] = _mm256_shuffle_ps(a[k + 1], a[k + 3], 0x44);
        b[k + 3] = _mm256_shuffle_ps(a[k + 1], a[k + 3], 0xEE);
    }
    for (int k = 0; k < 4; ++k) {
        t[k] = _mm256_permute2f128_ps(b[k], b[k + 4], 0x20);
        t[k + 4] = _mm256_permute2f128_ps(b[k], b[k + 4], 0x31);
    }
}

// Values of 8 V groups of N, transposed: lanes[i][g] is element i of group g.
template <int V, int N> using Lanes = float[N][8 * V];

// xt[i][g] = x[g N + i] for 8 V groups of N (a multiple of 8).
template <int V, int N>
__attribute__((target("avx2"))) void transposeIn(const float* x, Lanes<V, N>& xt)
{
    constexpr int n = N;
    for (int g0 = 0; g0 < 8 * V; g0 += 8)
        for (int i0 = 0; i0 < n; i0 += 8) {
            __m256 t[8];
            for (int k = 0; k < 8; ++k)
                t[k] = _mm256_loadu_ps(x + (g0 + k) * n + i0);
            transpose8(t);
            for (int k = 0; k < 8; ++k)
                _mm256_storeu_ps(&xt[i0 + k][g0], t[k]);
        }
}

// plainWeights on lanes: wt[i][g] = sqrt(mean of x^2 over group g) + |xt[i][g]|.
template <int V, int N>
__attribute__((target("avx2"))) void plainWeightLanes(const Lanes<V, N>& xt, Lanes<V, N>& wt)
{
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (int v = 0; v < V; ++v) {
        __m256 sumX2 = _mm256_setzero_ps();
        for (int i = 0; i < N; ++i) {
            const __m256 x = _mm256_loadu_ps(&xt[i][8 * v]);
            sumX2 = _mm256_add_ps(sumX2, _mm256_mul_ps(x, x));
        }
        const __m256 avX = _mm256_sqrt_ps(_mm256_div_ps(sumX2, _mm256_set1_ps(float(N))));
        for (int i = 0; i < N; ++i)
            _mm256_storeu_ps(
                &wt[i][8 * v],
                _mm256_add_ps(avX, _mm256_and_ps(_mm256_loadu_ps(&xt[i][8 * v]), absMask)));
    }
}

// searchScaleMinGroups on V vectors of eight lanes (lane g of vector v: group 8 v + g) in
// lockstep, so that one vector's sums run while another's wait. Each lane computes exactly the
// float32 operations of searchScaleMin on its group, in its order.
template <int V, int N> struct MinSearch {
    MinSearch(int nmax_, const Lanes<V, N>& xt_, const Lanes<V, N>& wt_)
        : nmax(nmax_), xt(xt_), wt(wt_)
    {
    }
    static constexpr int n = N;
    int nmax;
    const Lanes<V, N>& xt;
    const Lanes<V, N>& wt;
    __m256 min[V], max[V], low[V], sumW[V], sumX[V];    // low: the smallest x
    __m256 live[V];                                     // max != min (all ones)
    __m256 best[V], scale[V], codeScale[V], codeMin[V]; // the best fit and its codes' iscale, min
    __m256 iscale[V], sumL[V], sumL2[V], sumXL[V], tScale[V], tMin[V], err[V];
    __m256 l[N][V]; // the codes of the current trial

    __attribute__((target("avx2"))) __m256 x(int i, int v) const
    {
        return _mm256_loadu_ps(&xt[i][8 * v]);
    }
    __attribute__((target("avx2"))) __m256 w(int i, int v) const
    {
        return _mm256_loadu_ps(&wt[i][8 * v]);
    }

    // The group's range (its min widened to 0) and weighted sums, as groupStats.
    __attribute__((target("avx2"))) void stats()
    {
        for (int v = 0; v < V; ++v) {
            min[v] = max[v] = x(0, v);
            sumW[v] = w(0, v);
            sumX[v] = _mm256_mul_ps(w(0, v), x(0, v));
        }
        for (int i = 1; i < n; ++i)
            for (int v = 0; v < V; ++v) {
                const __m256 xi = x(i, v), wi = w(i, v);
                min[v] = _mm256_min_ps(xi, min[v]); // x < min ? x : min
                max[v] = _mm256_max_ps(xi, max[v]); // x > max ? x : max
                sumW[v] = _mm256_add_ps(sumW[v], wi);
                sumX[v] = _mm256_add_ps(sumX[v], _mm256_mul_ps(wi, xi));
            }
        for (int v = 0; v < V; ++v) {
            low[v] = min[v];
            min[v] = _mm256_min_ps(_mm256_setzero_ps(), min[v]); // min > 0 ? 0 : min
            live[v] = _mm256_cmp_ps(max[v], min[v], _CMP_NEQ_UQ);
        }
    }
    // What the live lanes' v = iscale * (x - min) need: the products are monotone in x, so those
    // of the group's extremes bound them (in either order: a fitted min above the group's max
    // makes iscale negative). inRange: every |v| < 2^21, where nearestInt is rounding to an
    // integer in float arithmetic; low, high: some v may round below 0 or above nmax.
    struct Needs {
        bool inRange = true, low = false, high = false;
    };
    __attribute__((target("avx2"))) Needs needs() const
    {
        const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
        const __m256 limit = _mm256_set1_ps(2097152.0f), half = _mm256_set1_ps(-0.5f);
        const __m256 top = _mm256_set1_ps(float(nmax) + 0.5f);
        Needs r;
        for (int v = 0; v < V; ++v) {
            const __m256 lo = _mm256_mul_ps(iscale[v], _mm256_sub_ps(low[v], min[v]));
            const __m256 hi = _mm256_mul_ps(iscale[v], _mm256_sub_ps(max[v], min[v]));
            const __m256 ok =
                _mm256_and_ps(_mm256_cmp_ps(_mm256_and_ps(lo, absMask), limit, _CMP_LT_OQ),
                              _mm256_cmp_ps(_mm256_and_ps(hi, absMask), limit, _CMP_LT_OQ));
            const int liveBits = _mm256_movemask_ps(live[v]);
            r.inRange = r.inRange && (_mm256_movemask_ps(ok) & liveBits) == liveBits;
            // round(v) >= -0 for v >= -0.5 (a code of -0 adds nothing to any sum and squares
            // away in the error), <= nmax for v < nmax + 0.5 (ties go to even). A NaN bound
            // fails inRange, whose path clamps both ends.
            const __m256 least = _mm256_min_ps(lo, hi), most = _mm256_max_ps(lo, hi);
            r.low = r.low || (_mm256_movemask_ps(_mm256_cmp_ps(least, half, _CMP_GE_OQ)) &
                              liveBits) != liveBits;
            r.high = r.high || (_mm256_movemask_ps(_mm256_cmp_ps(most, top, _CMP_LT_OQ)) &
                                liveBits) != liveBits;
        }
        return r;
    }
    // Codes of iscale * (x - min) in l, and (withSums) their weighted sums.
    template <bool withSums> __attribute__((target("avx2"))) void codes()
    {
        const Needs n = needs();
        if (!n.inRange)
            codesAs<withSums, false, true, true>();
        else if (n.low)
            n.high ? codesAs<withSums, true, true, true>() : codesAs<withSums, true, true, false>();
        else
            n.high ? codesAs<withSums, true, false, true>()
                   : codesAs<withSums, true, false, false>();
    }
    // The codes by rounding to an integer in float arithmetic (ties to even: nearestInt for
    // |v| < 2^22), clamped to 0 (low) and nmax (high) where needed, or (inRange false) by
    // nearestInt's bit pattern, clamped.
    template <bool withSums, bool inRange, bool low, bool high>
    __attribute__((target("avx2"))) void codesAs()
    {
        const __m256i zero = _mm256_setzero_si256(), top = _mm256_set1_epi32(nmax);
        const __m256 topF = _mm256_set1_ps(float(nmax));
        for (int v = 0; v < V; ++v)
            sumL[v] = sumL2[v] = sumXL[v] = _mm256_setzero_ps();
        for (int i = 0; i < n; ++i)
            for (int v = 0; v < V; ++v) {
                const __m256 xi = x(i, v);
                const __m256 vi = _mm256_mul_ps(iscale[v], _mm256_sub_ps(xi, min[v]));
                __m256 li;
                if (inRange) {
                    li = _mm256_round_ps(vi, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                    if (low)
                        li = _mm256_max_ps(li, _mm256_setzero_ps()); // -0 becomes +0
                    if (high)
                        li = _mm256_min_ps(li, topF);
                } else {
                    li = _mm256_cvtepi32_ps(nearestClamped(vi, zero, top));
                }
                l[i][v] = li;
                if (!withSums)
                    continue;
                const __m256 wl = _mm256_mul_ps(w(i, v), li);
                sumL[v] = _mm256_add_ps(sumL[v], wl);
                sumL2[v] = _mm256_add_ps(sumL2[v], _mm256_mul_ps(wl, li));
                sumXL[v] = _mm256_add_ps(sumXL[v], _mm256_mul_ps(wl, xi));
            }
    }
    // The weighted error of the codes l with tScale and tMin.
    __attribute__((target("avx2"))) void errors(bool useMad)
    {
        const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
        for (int v = 0; v < V; ++v)
            err[v] = _mm256_setzero_ps();
        for (int i = 0; i < n; ++i)
            for (int v = 0; v < V; ++v) {
                __m256 diff = _mm256_sub_ps(
                    _mm256_add_ps(_mm256_mul_ps(tScale[v], l[i][v]), tMin[v]), x(i, v));
                diff = useMad ? _mm256_and_ps(diff, absMask) : _mm256_mul_ps(diff, diff);
                err[v] = _mm256_add_ps(err[v], _mm256_mul_ps(w(i, v), diff));
            }
    }
    __attribute__((target("avx2"))) void run(float rmin, float rdelta, int nstep, bool useMad)
    {
        stats();
        for (int v = 0; v < V; ++v) {
            iscale[v] = _mm256_div_ps(_mm256_set1_ps(float(nmax)), _mm256_sub_ps(max[v], min[v]));
            tScale[v] = scale[v] = _mm256_div_ps(_mm256_set1_ps(1.0f), iscale[v]);
            tMin[v] = codeMin[v] = min[v];
            codeScale[v] = iscale[v];
        }
        codes<false>();
        errors(useMad);
        for (int v = 0; v < V; ++v)
            best[v] = err[v];
        for (int is = 0; is <= nstep; ++is) {
            const __m256 num = _mm256_set1_ps(rmin + rdelta * float(is) + float(nmax));
            for (int v = 0; v < V; ++v)
                iscale[v] = _mm256_div_ps(num, _mm256_sub_ps(max[v], min[v]));
            codes<true>();
            __m256 D[V];
            for (int v = 0; v < V; ++v) {
                D[v] = _mm256_sub_ps(_mm256_mul_ps(sumW[v], sumL2[v]),
                                     _mm256_mul_ps(sumL[v], sumL[v]));
                tScale[v] = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sumW[v], sumXL[v]),
                                                        _mm256_mul_ps(sumX[v], sumL[v])),
                                          D[v]);
                tMin[v] = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sumL2[v], sumX[v]),
                                                      _mm256_mul_ps(sumL[v], sumXL[v])),
                                        D[v]);
                const __m256 positive = _mm256_cmp_ps(tMin[v], _mm256_setzero_ps(), _CMP_GT_OQ);
                tMin[v] = _mm256_andnot_ps(positive, tMin[v]);
                tScale[v] =
                    _mm256_blendv_ps(tScale[v], _mm256_div_ps(sumXL[v], sumL2[v]), positive);
            }
            errors(useMad);
            for (int v = 0; v < V; ++v) {
                const __m256 better = _mm256_and_ps(
                    _mm256_and_ps(live[v], _mm256_cmp_ps(D[v], _mm256_setzero_ps(), _CMP_GT_OQ)),
                    _mm256_cmp_ps(err[v], best[v], _CMP_LT_OQ));
                best[v] = _mm256_blendv_ps(best[v], err[v], better);
                scale[v] = _mm256_blendv_ps(scale[v], tScale[v], better);
                codeScale[v] = _mm256_blendv_ps(codeScale[v], iscale[v], better);
                codeMin[v] = _mm256_blendv_ps(codeMin[v], min[v], better);
                min[v] = _mm256_blendv_ps(min[v], tMin[v], better);
            }
        }
    }
    // The results: scale, -min and the best trial's codes (recomputed: the same operations).
    __attribute__((target("avx2"))) void store(float* scales, float* negMins, uint8_t* L)
    {
        for (int v = 0; v < V; ++v) {
            iscale[v] = codeScale[v];
            std::swap(min[v], codeMin[v]);
        }
        codes<false>();
        for (int v = 0; v < V; ++v) {
            std::swap(min[v], codeMin[v]);
            _mm256_storeu_ps(scales + 8 * v, _mm256_and_ps(live[v], scale[v]));
            _mm256_storeu_ps(negMins + 8 * v, _mm256_xor_ps(min[v], _mm256_set1_ps(-0.0f)));
            for (int i0 = 0; i0 < n; i0 += 8) {
                __m256 t[8];
                for (int k = 0; k < 8; ++k)
                    t[k] = _mm256_and_ps(live[v], l[i0 + k][v]);
                transpose8(t);
                for (int g = 0; g < 8; ++g) { // codes 0..63 as bytes
                    const __m256i c = _mm256_cvtps_epi32(t[g]);
                    const __m128i c16 =
                        _mm_packus_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
                    _mm_storel_epi64(reinterpret_cast<__m128i*>(L + (8 * v + g) * n + i0),
                                     _mm_packus_epi16(c16, c16));
                }
            }
        }
    }
};

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

struct MinSearchArgs {
    int nmax;
    float rmin, rdelta;
    int nstep;
    bool useMad;
};

template <int V, int N>
__attribute__((target("avx2"))) void minSearch(const MinSearchArgs& a, const float* x,
                                               const float* weights, uint8_t* L, float* scales,
                                               float* negMins)
{
    Lanes<V, N> xt, wt;
    transposeIn<V, N>(x, xt);
    if (weights)
        transposeIn<V, N>(weights, wt);
    else
        plainWeightLanes<V, N>(xt, wt);
    MinSearch<V, N> s(a.nmax, xt, wt);
    s.run(a.rmin, a.rdelta, a.nstep, a.useMad);
    s.store(scales, negMins, L);
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

bool searchLanesAvx2(int groups, int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     float* scales, float* negMins, float rmin, float rdelta, int nstep,
                     bool useMad)
{
    if (!hasAvx2() || (groups != 8 && groups != 16) || (n != 16 && n != 32))
        return false;
    const MinSearchArgs a{nmax, rmin, rdelta, nstep, useMad};
    if (groups == 8)
        (n == 16 ? minSearch<1, 16> : minSearch<1, 32>)(a, x, weights, L, scales, negMins);
    else
        (n == 16 ? minSearch<2, 16> : minSearch<2, 32>)(a, x, weights, L, scales, negMins);
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

bool searchLanesAvx2(int, int, int, const float*, const float*, uint8_t*, float*, float*, float,
                     float, int, bool)
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
