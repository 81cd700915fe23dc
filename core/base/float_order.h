// Float bit patterns and order-preserving 32-bit keys: a finite (or infinite) float maps to a
// key whose unsigned order is the numeric order (sign bit set for positives, all bits flipped
// for negatives; -0 comes just before +0). Used by the radix selection of the percentiles
// (core/range/percentile.cpp) and by the binary searches over floats in core/quant/quantize.cpp.
// Also the finiteness test of the low-bit blocks.
#pragma once

#include <cstdint>
#include <cstring>

namespace qs::detail {

inline uint32_t bitsOf(float v)
{
    uint32_t u;
    std::memcpy(&u, &v, sizeof u);
    return u;
}

inline float floatOf(uint32_t u)
{
    float v;
    std::memcpy(&v, &u, sizeof v);
    return v;
}

inline uint32_t orderKey(float v)
{
    const uint32_t u = bitsOf(v);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

inline float fromOrderKey(uint32_t k)
{
    return floatOf((k & 0x80000000u) ? (k & 0x7fffffffu) : ~k);
}

// Whether x[0, n) holds no NaN or +-inf (an exponent field of all ones): the field plus one sets
// the sign bit exactly for those. ORs of integers, whose one-cycle chain (unlike a sum of floats)
// does not bound the loop; vectorised with the caller's instructions when inlined.
inline bool allFiniteFloats(const float* x, int64_t n)
{
    uint32_t any = 0;
#if defined(_OPENMP)
#pragma omp simd reduction(| : any)
#endif
    for (int64_t i = 0; i < n; ++i)
        any |= (bitsOf(x[i]) & 0x7f800000u) + 0x00800000u;
    return (any & 0x80000000u) == 0;
}

} // namespace qs::detail
