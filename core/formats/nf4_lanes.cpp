// NF4 blocks eight elements at a time (see nf4_lanes.h).
#include "core/formats/nf4_lanes.h"

#if QS_BLOCKS_AVX2
#include <immintrin.h>
#endif

namespace qs::formats_detail {

#if QS_BLOCKS_AVX2

namespace {

// The count of thresholds below x / absmax by a branch-free binary search over the sorted
// thresholds t (the same count: x / absmax > t holds for a prefix of them, for none when NaN),
// the value by a lookup in the code book's two halves.
template <class C>
__attribute__((target("avx2"))) int64_t eights(const float* x, int64_t len, C* codes, float* y,
                                               const float* t, const float* values, float absmax,
                                               float inv, int64_t& flushed)
{
    const __m256 t7 = _mm256_set1_ps(t[7]), t3 = _mm256_set1_ps(t[3]), t11 = _mm256_set1_ps(t[11]);
    const __m256 odd = _mm256_setr_ps(t[1], t[5], t[9], t[13], t[13], t[13], t[13], t[13]);
    const __m256 even = _mm256_setr_ps(t[0], t[2], t[4], t[6], t[8], t[10], t[12], t[14]);
    const __m256 lowValues = _mm256_loadu_ps(values), highValues = _mm256_loadu_ps(values + 8);
    const __m256 scale = _mm256_set1_ps(absmax), invV = _mm256_set1_ps(inv);
    const __m256 zero = _mm256_setzero_ps();
    int64_t n = 0;
    const int64_t whole = len - len % 8;
    for (int64_t i = 0; i < whole; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 sc = _mm256_mul_ps(v, invV);
        const __m256 m8 = _mm256_cmp_ps(sc, t7, _CMP_GT_OQ);
        __m256i k = _mm256_and_si256(_mm256_castps_si256(m8), _mm256_set1_epi32(8));
        const __m256 m4 = _mm256_cmp_ps(sc, _mm256_blendv_ps(t3, t11, m8), _CMP_GT_OQ);
        k = _mm256_add_epi32(k, _mm256_and_si256(_mm256_castps_si256(m4), _mm256_set1_epi32(4)));
        const __m256 m2 =
            _mm256_cmp_ps(sc, _mm256_permutevar8x32_ps(odd, _mm256_srli_epi32(k, 2)), _CMP_GT_OQ);
        k = _mm256_add_epi32(k, _mm256_and_si256(_mm256_castps_si256(m2), _mm256_set1_epi32(2)));
        const __m256 m1 =
            _mm256_cmp_ps(sc, _mm256_permutevar8x32_ps(even, _mm256_srli_epi32(k, 1)), _CMP_GT_OQ);
        k = _mm256_add_epi32(k, _mm256_and_si256(_mm256_castps_si256(m1), _mm256_set1_epi32(1)));
        const __m256 value = _mm256_blendv_ps(_mm256_permutevar8x32_ps(lowValues, k),
                                              _mm256_permutevar8x32_ps(highValues, k), m8);
        const __m256 dq = _mm256_mul_ps(value, scale);
        _mm256_storeu_ps(y + i, dq);
        const __m128i c16 =
            _mm_packus_epi32(_mm256_castsi256_si128(k), _mm256_extracti128_si256(k, 1));
        if constexpr (sizeof(C) == 1)
            _mm_storel_epi64(reinterpret_cast<__m128i*>(codes + i), _mm_packus_epi16(c16, c16));
        else
            _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + i), c16);
        const __m256 lost =
            _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_NEQ_UQ), _mm256_cmp_ps(dq, zero, _CMP_EQ_OQ));
        n += __builtin_popcount(unsigned(_mm256_movemask_ps(lost)));
    }
    flushed += n;
    return whole;
}

} // namespace

int64_t nf4Eights(const float* x, const BlockSpan& s, const LowbitOut& out, const float* thresholds,
                  const float* values, float absmax, float inv, int64_t& flushed)
{
    if (!hasAvx2() || out.codeOffset != 0)
        return 0;
    const int64_t len = s.end - s.start;
    return out.narrow ? eights(x + s.start, len, out.codesAt<uint8_t>(s.start),
                               out.valuesAt(s.start), thresholds, values, absmax, inv, flushed)
                      : eights(x + s.start, len, out.codesAt<uint16_t>(s.start),
                               out.valuesAt(s.start), thresholds, values, absmax, inv, flushed);
}

#else

int64_t nf4Eights(const float*, const BlockSpan&, const LowbitOut&, const float*, const float*,
                  float, float, int64_t&)
{
    return 0;
}

#endif

} // namespace qs::formats_detail
