// Small floating-point formats used for weights and activations: 8-bit E4M3 (OCP "FN" variant)
// and E5M2, their "FNUZ" variants, 6-bit E2M3 and E3M2 (the MXFP6 elements) and 4-bit E2M1 (the
// MXFP4 and NVFP4 element). A code is the format's bit pattern (sign | exponent | mantissa) in
// the low bits of a byte.
//
// clang-format off
//   format    bias  max     min normal  min subnormal  special values
//   E4M3      7     448     2^-6        2^-9           no inf; NaN = S.1111.111
//   E5M2      15    57344   2^-14       2^-16          IEEE-like: inf = S.11111.00,
//                                                      NaN = S.11111.xx
//   E2M1      1     6       1           0.5            none
//   E2M3      1     7.5     1           0.125          none (OCP MX v1.0, FP6)
//   E3M2      3     28      0.25        0.0625         none (OCP MX v1.0, FP6)
//   E4M3FNUZ  8     240     2^-7        2^-10          no inf, no -0; NaN = 0x80 only
//   E5M2FNUZ  16    57344   2^-15       2^-17          no inf, no -0; NaN = 0x80 only
// clang-format on
//
// FNUZ ("finite, NaN, unsigned zero") as the ONNX spec defines float8e4m3fnuz / float8e5m2fnuz
// (and LLVM APFloat, AMD MI300): the code 0x80 that would be -0 is the one NaN, every other code
// with the exponent all ones is an ordinary number, and a negative value that rounds to zero is
// +0 (code 0x00).
//
// Encoding rounds to nearest, ties to even, exactly (subnormals included): the value is rounded
// as if the exponent were unbounded above, and a result beyond the largest finite value is an
// overflow. Overflow saturates to +-max by default (as ONNX Cast with saturate=1 and the OCP MX
// conversion do); without saturation E4M3 and the FNUZ formats overflow to NaN and E5M2 to
// +-inf. Infinite inputs follow the same rule. E2M1, E2M3 and E3M2 have no inf or NaN and always
// saturate; a NaN input gets the code of +0 (and is counted as non-finite).
#pragma once

#include "core/formats/lowbit.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace qs {

enum class MiniFloat { E4M3, E5M2, E2M1, E2M3, E3M2, E4M3FNUZ, E5M2FNUZ };

struct MiniFloatInfo {
    const char* name;
    int exponentBits;
    int mantissaBits;
    int bias;
    bool hasInf;
    bool hasNaN;
    double maxFinite;
    double minNormal;
    double minSubnormal;
    uint8_t maxCode;   // bit pattern of +maxFinite
    bool unsignedZero; // FNUZ: 0x80 is NaN, not -0
    int bits() const { return 1 + exponentBits + mantissaBits; }
    // Has neither inf nor NaN, so it always saturates (E2M1, E2M3, E3M2).
    bool alwaysSaturates() const { return !hasInf && !hasNaN; }
};

const MiniFloatInfo& miniFloatInfo(MiniFloat f);
// "e4m3", "e5m2", "e2m1", "e2m3", "e3m2", "e4m3fnuz", "e5m2fnuz" (case-insensitive); throws
// qs::Error listing the names.
MiniFloat miniFloatFromName(const std::string& name);

// What happened to one value during encoding.
enum class EncodeEvent { None, Saturated, Flushed, NonFinite };

// Code of x in format f (round to nearest even). x may be any double; float inputs are exact.
// `saturate` false is accepted for the formats with NaN or inf only (qs::Error for E2M1, E2M3 and
// E3M2).
uint8_t encodeMiniFloat(MiniFloat f, double x, bool saturate = true, EncodeEvent* event = nullptr);
// Value of a code (only the low f.bits() bits are used); NaN / +-inf where the format has them.
double decodeMiniFloat(MiniFloat f, uint8_t code);

// The same result as encodeMiniFloat for a float32 input, by rounding the float32 bit pattern
// (no division, no search): the fast path of the element-wise and MX conversions.
namespace minifloat_detail {

// |a| (finite, >= 0) rounded to the format's grid with ties to even, as the code of its
// magnitude (above maxCode: overflow). Below the smallest normal the grid is uniform with step
// minSubnormal, so the code is a / step rounded (exact power-of-two scaling, then float32's own
// round-to-nearest-even through the 2^23 trick); above, the float32 mantissa is rounded to m bits
// on its bit pattern, where a carry moves into the exponent as the format's does.
inline uint32_t roundedMagnitudeCode(const MiniFloatInfo& fi, float a)
{
    const int m = fi.mantissaBits;
    if (a < static_cast<float>(fi.minNormal)) { // minNormal, 1 / minSubnormal: powers of two
        const float q = (a * static_cast<float>(1.0 / fi.minSubnormal) + 8388608.0f) - 8388608.0f;
        return static_cast<uint32_t>(q);
    }
    uint32_t bits;
    std::memcpy(&bits, &a, sizeof bits);
    const int shift = 23 - m;
    const uint32_t rounded =
        (bits + ((1u << (shift - 1)) - 1u) + ((bits >> shift) & 1u)) >> shift; // ties to even
    return rounded - (static_cast<uint32_t>(127 - fi.bias) << m);
}

// The code of an overflowing value (or an infinite input) of the given sign bit.
uint8_t overflowCode(const MiniFloatInfo& fi, uint8_t sign, bool saturate);

} // namespace minifloat_detail

// encodeMiniFloatFast of a finite x, inline for the conversion loops (the caller has checked
// that a format without inf or NaN is not asked to overflow without saturation).
inline uint8_t encodeFiniteMiniFloat(const MiniFloatInfo& fi, float x, bool saturate,
                                     EncodeEvent& ev)
{
    const uint8_t sign = std::signbit(x) ? static_cast<uint8_t>(1u << (fi.bits() - 1)) : 0;
    const float a = std::fabs(x);
    const uint32_t p = minifloat_detail::roundedMagnitudeCode(fi, a);
    ev = a > fi.maxFinite ? EncodeEvent::Saturated : EncodeEvent::None;
    if (p > fi.maxCode) // rounds to the value beyond the largest
        return minifloat_detail::overflowCode(fi, sign, saturate);
    if (p == 0) {
        if (a > 0.0f)
            ev = EncodeEvent::Flushed;
        return fi.unsignedZero ? 0 : sign; // FNUZ: no -0
    }
    return static_cast<uint8_t>(sign | p);
}

uint8_t encodeMiniFloatFast(MiniFloat f, float x, bool saturate = true,
                            EncodeEvent* event = nullptr);

// encodeFiniteMiniFloat without a branch, for loops that vectorise: the same code for a finite
// x, its value (decodeMiniFloat's, as float) without a table, and its events as flags
// (saturated: |x| > max; flushed: a nonzero x became a zero).
// Both rounding paths are computed and one is selected; the subnormal one on min(|x|, min
// normal), so that no conversion overflows. The value of a rounded magnitude p is p times the
// smallest subnormal below 2^m, else the float32 whose exponent and top m mantissa bits p holds.
struct MiniFloatEncoder {
    float minNormal, invMinSubnormal, minSubnormal, maxFinite, overflowValuePlus,
        overflowValueMinus;
    uint32_t signBit, maxCode, firstNormal, shift, roundDown, exponentShift, overflowPlus,
        overflowMinus;
    bool unsignedZero;

    MiniFloatEncoder(MiniFloat f, bool saturate) : MiniFloatEncoder(f, miniFloatInfo(f), saturate)
    {
    }

    uint32_t encode(float x, int32_t& saturated, int32_t& flushed) const
    {
        float value;
        return encode(x, value, saturated, flushed);
    }

    uint32_t encode(float x, float& value, int32_t& saturated, int32_t& flushed) const
    {
        uint32_t bits;
        std::memcpy(&bits, &x, sizeof bits);
        const uint32_t negative = bits >> 31;
        const uint32_t magnitude = bits & 0x7fffffffu;
        float a;
        std::memcpy(&a, &magnitude, sizeof a);
        const bool sub = a < minNormal;
        const float small = sub ? a : minNormal;
        const uint32_t pSub = static_cast<uint32_t>( // at most 2^m: through int32, which vectorises
            static_cast<int32_t>((small * invMinSubnormal + 8388608.0f) - 8388608.0f));
        const uint32_t pNormal =
            ((magnitude + roundDown + ((magnitude >> shift) & 1u)) >> shift) - exponentShift;
        const uint32_t pick = 0u - static_cast<uint32_t>(sub); // a mask: never a branch, which
        const uint32_t p = (pSub & pick) | (pNormal & ~pick);  // values near min normal mispredict
        saturated = a > maxFinite;
        flushed = (p == 0) & (a > 0.0f);
        const uint32_t sign = negative * signBit;
        const uint32_t zero = unsignedZero ? 0u : sign;
        const bool over = p > maxCode;
        // The value of p <= maxCode with the code's sign (none on a zero without sign).
        const float subValue = static_cast<float>(static_cast<int32_t>(p)) * minSubnormal;
        const uint32_t normalBits = (p + exponentShift) << shift;
        float magnitudeValue;
        std::memcpy(&magnitudeValue, &normalBits, sizeof magnitudeValue);
        magnitudeValue = p < firstNormal ? subValue : magnitudeValue;
        uint32_t valueBits;
        std::memcpy(&valueBits, &magnitudeValue, sizeof valueBits);
        valueBits |= (p == 0 && unsignedZero ? 0u : negative) << 31;
        std::memcpy(&value, &valueBits, sizeof value);
        value = over ? (negative ? overflowValueMinus : overflowValuePlus) : value;
        return over ? (negative ? overflowMinus : overflowPlus) : (p == 0 ? zero : (sign | p));
    }

private:
    MiniFloatEncoder(MiniFloat f, const MiniFloatInfo& fi, bool saturate)
        : minNormal(static_cast<float>(fi.minNormal)),
          invMinSubnormal(static_cast<float>(1.0 / fi.minSubnormal)),
          minSubnormal(static_cast<float>(fi.minSubnormal)),
          maxFinite(static_cast<float>(fi.maxFinite)), signBit(1u << (fi.bits() - 1)),
          maxCode(fi.maxCode), firstNormal(1u << fi.mantissaBits),
          shift(static_cast<uint32_t>(23 - fi.mantissaBits)),
          roundDown((1u << (22 - fi.mantissaBits)) - 1u),
          exponentShift(static_cast<uint32_t>(127 - fi.bias) << fi.mantissaBits),
          overflowPlus(minifloat_detail::overflowCode(fi, 0, saturate)),
          overflowMinus(
              minifloat_detail::overflowCode(fi, static_cast<uint8_t>(signBit), saturate)),
          unsignedZero(fi.unsignedZero)
    {
        overflowValuePlus = static_cast<float>(decodeMiniFloat(f, uint8_t(overflowPlus)));
        overflowValueMinus = static_cast<float>(decodeMiniFloat(f, uint8_t(overflowMinus)));
    }
};

// Element-wise conversion of n float32 values. Counts saturated (finite |x| > max),
// flushed (nonzero finite values that became 0) and non-finite inputs; bitsPerElement is the
// format width. Throws qs::Error for n < 1.
LowbitResult quantizeMiniFloat(const float* x, int64_t n, MiniFloat f, bool saturate = true,
                               const CancelToken* cancel = nullptr);

} // namespace qs
