// IEEE binary16 (fp16) and bfloat16 rounding of float32 values, built on Eigen::half and
// Eigen::bfloat16 (round to nearest, ties to even). Used by the fp16 / bf16 schemes of
// quantize(): the "code" of a value is its 16-bit pattern, and a conversion also counts the
// values that overflow to +-inf, flush to zero or land in the subnormal range of the format.
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <vector>

namespace qs {

enum class FloatFormat { Half, BFloat16 };

// Limits of a 16-bit format (see the float limits table in the README's conventions).
struct FloatFormatInfo {
    double maxFinite;    // fp16 65504, bf16 3.3895e38
    double minNormal;    // fp16 2^-14, bf16 2^-126
    double minSubnormal; // fp16 2^-24, bf16 2^-133
};
FloatFormatInfo floatFormatInfo(FloatFormat f);

// Bit pattern of x rounded to the format (NaN stays NaN, +-inf stays +-inf).
inline uint16_t toFormatBits(FloatFormat f, float x)
{
    if (f == FloatFormat::Half)
        return Eigen::numext::bit_cast<uint16_t>(Eigen::half(x));
    return Eigen::numext::bit_cast<uint16_t>(Eigen::bfloat16(x));
}

// float32 value of a 16-bit pattern of the format (exact: both formats embed in float32).
inline float fromFormatBits(FloatFormat f, uint16_t bits)
{
    if (f == FloatFormat::Half)
        return static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits));
    return static_cast<float>(Eigen::numext::bit_cast<Eigen::bfloat16>(bits));
}

// x rounded to the format and widened back to float32.
inline float roundToFormat(FloatFormat f, float x)
{
    return fromFormatBits(f, toFormatBits(f, x));
}

// What happened to the values of one conversion. Non-finite inputs are not counted.
struct FloatConversionCounts {
    int64_t overflow = 0;      // finite inputs that became +-inf
    int64_t flushedToZero = 0; // nonzero finite inputs that became +-0
    int64_t subnormal = 0;     // nonzero results below the smallest normal of the format
};

// Rounds n values into out (may alias x) and, if codes is not null, stores the bit patterns
// (0..65535). Returns the counts.
FloatConversionCounts convertToFormat(FloatFormat f, const float* x, int64_t n, float* out,
                                      uint16_t* codes);

// Every finite value of the format, ascending, without duplicate zero (for grid plots).
std::vector<double> finiteFormatValues(FloatFormat f);

} // namespace qs
