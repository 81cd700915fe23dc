// Small floating-point formats used for weights and activations: 8-bit E4M3 (OCP "FN" variant)
// and E5M2, their "FNUZ" variants, 6-bit E2M3 and E3M2 (the MXFP6 elements) and 4-bit E2M1 (the
// MXFP4 and NVFP4 element). A code is the format's bit pattern (sign | exponent | mantissa) in
// the low bits of a byte.
//
//   format    bias  max     min normal  min subnormal  special values
//   E4M3      7     448     2^-6        2^-9           no inf; NaN = S.1111.111
//   E5M2      15    57344   2^-14       2^-16          IEEE-like: inf = S.11111.00, NaN =
//   S.11111.xx E2M1      1     6       1           0.5            none E2M3      1     7.5     1
//   0.125          none (OCP MX v1.0, FP6) E3M2      3     28      0.25        0.0625         none
//   (OCP MX v1.0, FP6) E4M3FNUZ  8     240     2^-7        2^-10          no inf, no -0; NaN = 0x80
//   only E5M2FNUZ  16    57344   2^-15       2^-17          no inf, no -0; NaN = 0x80 only
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

#include <cstdint>
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

// The same result as encodeMiniFloat for a float32 input, by a binary search over the exact
// float32 midpoints between neighbouring values (about 7 comparisons): the fast path of the
// element-wise and MX conversions.
uint8_t encodeMiniFloatFast(MiniFloat f, float x, bool saturate = true,
                            EncodeEvent* event = nullptr);

// Element-wise conversion of n float32 values. Counts saturated (finite |x| > max),
// flushed (nonzero finite values that became 0) and non-finite inputs; bitsPerElement is the
// format width. Throws qs::Error for n < 1.
LowbitResult quantizeMiniFloat(const float* x, int64_t n, MiniFloat f, bool saturate = true,
                               const CancelToken* cancel = nullptr);

} // namespace qs
