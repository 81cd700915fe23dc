// divide_chunk_avx2-inl.h: chunkLoop of the most common integer pass (rounding half to even,
// zero point added before rounding, double parameters, x / s, contiguous) eight elements per
// step, for the AVX2 build of quant_kernel-inl.h (included there, inside the build's namespace;
// deliberately without include guard).
//
// The code of x is round(x / s + z) in double. Here it is formed in float32 as round(x * (1/s) +
// z), which differs from the double value by less than (|x / s| + |z|) * 2^-22 (the float
// roundings of 1/s, the product and the sum, each at most 2^-24 of their size, and the double
// ones); when the float value lies closer than twice that, E = (|x * (1/s)| + |z|) * 2^-21, to
// a half-integer, the double rounding might differ, and the step takes quantizeOne's double
// arithmetic for its eight elements instead. Everything after the code is the double arithmetic
// of chunkLoop: x^ = float(s * (q - z)), the error and its sums in double. So the codes and
// values are those of chunkLoop's loop, bit for bit; the sums take their own lane order (each
// build has its own, quant_kernel-inl.h).

struct DivideSums {
    __m256d sq[2], ab[2], mx[2], sg[2];
    __m256i low, high; // per-lane counts of codes rounded below qmin / above qmax
};

// The codes (clamped, as floats), and whether each lay below qmin / above qmax, of x[0, 8)
// by quantizeOne: the steps whose float codes might differ from the double ones.
template <Rounding R, bool Before, bool F32, ScaleMode M>
QS_NOINLINE void divideCodesExact(const float* x, int64_t base, const SliceQ& q, __m256& r,
                                  __m256& low, __m256& high)
{
    alignas(32) float rr[8];
    alignas(32) int32_t lo[8], hi[8];
    for (int k = 0; k < 8; ++k) {
        double rk;
        float dq;
        bool l, h;
        quantizeOne<R, Before, F32, M>(x[k], base + k, q, 0, rk, dq, l, h);
        rr[k] = float(rk);
        lo[k] = l ? -1 : 0;
        hi[k] = h ? -1 : 0;
    }
    r = _mm256_load_ps(rr);
    low = _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(lo)));
    high = _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(hi)));
}

// Elements [0, m) of a chunk (m a multiple of 8): codes (code - qmin) into vc, x^ into deq, the
// sums into s. Returns false, leaving the chunk to chunkLoop's loops, when a value is not
// finite (its float code means nothing then).
template <Rounding R, bool Before, bool F32, ScaleMode M>
QS_ALWAYS_INLINE inline bool divideChunkAvx2(const float* QS_RESTRICT x, uint16_t* QS_RESTRICT vc,
                                             float* QS_RESTRICT deq, int64_t m, int64_t base,
                                             const SliceQ& q, ChunkSums& out)
{
    const __m256 inv = _mm256_set1_ps(float(1.0 / q.s)), zf = _mm256_set1_ps(float(q.z));
    const __m256 absF = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 zeroSlack = _mm256_set1_ps(std::fabs(float(q.z)) * 0x1p-21f + 0x1p-40f);
    const __m256 half = _mm256_set1_ps(0.5f), rel = _mm256_set1_ps(0x1p-21f);
    const __m256 qmin = _mm256_set1_ps(float(q.qmin)), qmax = _mm256_set1_ps(float(q.qmax));
    const __m256i qminI = _mm256_set1_epi32(int32_t(q.qmin));
    const __m256d s = _mm256_set1_pd(q.s), z = _mm256_set1_pd(q.z);
    const __m256d absD = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    DivideSums a;
    for (int h = 0; h < 2; ++h)
        a.sq[h] = a.ab[h] = a.mx[h] = a.sg[h] = _mm256_setzero_pd();
    a.low = a.high = _mm256_setzero_si256();
    __m256 probe = _mm256_setzero_ps(); // x * 0: NaN for NaN and +-inf
    for (int64_t k = 0; k < m; k += 8) {
        const __m256 xv = _mm256_loadu_ps(x + k);
        probe = _mm256_add_ps(probe, _mm256_mul_ps(xv, _mm256_setzero_ps()));
        const __m256 p = _mm256_mul_ps(xv, inv);
        const __m256 t = _mm256_add_ps(p, zf);
        // + 0: a code of -0 (t in (-0.5, 0)) becomes +0, as the double rounding gives it.
        __m256 r = _mm256_add_ps(_mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
                                 _mm256_setzero_ps());
        const __m256 d = _mm256_and_ps(_mm256_sub_ps(t, r), absF);
        const __m256 slack = _mm256_add_ps(_mm256_mul_ps(_mm256_and_ps(p, absF), rel), zeroSlack);
        __m256 low, high;
        // Close to a tie, or not finite (NaN compares true here): the double arithmetic.
        if (_mm256_movemask_ps(_mm256_cmp_ps(d, _mm256_sub_ps(half, slack), _CMP_NLT_UQ)) != 0) {
            divideCodesExact<R, Before, F32, M>(x + k, base + k, q, r, low, high);
        } else {
            low = _mm256_cmp_ps(r, qmin, _CMP_LT_OQ);
            high = _mm256_cmp_ps(r, qmax, _CMP_GT_OQ);
            r = _mm256_min_ps(_mm256_max_ps(r, qmin), qmax);
        }
        a.low = _mm256_sub_epi32(a.low, _mm256_castps_si256(low));
        a.high = _mm256_sub_epi32(a.high, _mm256_castps_si256(high));
        const __m256i code = _mm256_sub_epi32(_mm256_cvttps_epi32(r), qminI);
        _mm_storeu_si128(
            reinterpret_cast<__m128i*>(vc + k),
            _mm_packus_epi32(_mm256_castsi256_si128(code), _mm256_extracti128_si256(code, 1)));
        __m128 dqh[2];
        for (int h = 0; h < 2; ++h) {
            const __m256d rd =
                _mm256_cvtps_pd(h ? _mm256_extractf128_ps(r, 1) : _mm256_castps256_ps128(r));
            dqh[h] = _mm256_cvtpd_ps(_mm256_mul_pd(s, _mm256_sub_pd(rd, z)));
            const __m256d xd =
                _mm256_cvtps_pd(h ? _mm256_extractf128_ps(xv, 1) : _mm256_castps256_ps128(xv));
            const __m256d e = _mm256_sub_pd(xd, _mm256_cvtps_pd(dqh[h]));
            const __m256d ae = _mm256_and_pd(e, absD);
            a.sq[h] = _mm256_add_pd(a.sq[h], _mm256_mul_pd(e, e));
            a.ab[h] = _mm256_add_pd(a.ab[h], ae);
            a.mx[h] = _mm256_max_pd(a.mx[h], ae);
            a.sg[h] = _mm256_add_pd(a.sg[h], _mm256_mul_pd(xd, xd));
        }
        _mm256_storeu_ps(deq + k, _mm256_set_m128(dqh[1], dqh[0]));
    }
    alignas(32) float pr[8];
    _mm256_store_ps(pr, probe);
    for (float v : pr)
        if (v != 0.0f)
            return false;
    alignas(32) double t[4][2][4];
    for (int h = 0; h < 2; ++h) {
        _mm256_store_pd(t[0][h], a.sq[h]);
        _mm256_store_pd(t[1][h], a.ab[h]);
        _mm256_store_pd(t[2][h], a.mx[h]);
        _mm256_store_pd(t[3][h], a.sg[h]);
    }
    double sums[4] = {0, 0, 0, 0};
    for (int f = 0; f < 4; ++f)
        for (int h = 0; h < 2; ++h)
            for (int l = 0; l < 4; ++l)
                sums[f] = f == 2 ? std::max(sums[f], t[f][h][l]) : sums[f] + t[f][h][l];
    alignas(32) int32_t lows[8], highs[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lows), a.low);
    _mm256_store_si256(reinterpret_cast<__m256i*>(highs), a.high);
    out.count = m;
    out.clipLow = out.clipHigh = 0;
    for (int l = 0; l < 8; ++l) {
        out.clipLow += lows[l];
        out.clipHigh += highs[l];
    }
    out.errSq = sums[0];
    out.errAbs = sums[1];
    out.errMax = sums[2];
    out.signal = sums[3];
    return true;
}
