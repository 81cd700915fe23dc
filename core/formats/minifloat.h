// Small floating-point formats used for weights and activations: 8-bit E4M3 (OCP "FN" variant)
// and E5M2, and 4-bit E2M1 (the MXFP4 element). A code is the format's bit pattern
// (sign | exponent | mantissa) in the low bits of a byte.
//
//   format  bias  max     min normal  min subnormal  special values
//   E4M3    7     448     2^-6        2^-9           no inf; NaN = S.1111.111
//   E5M2    15    57344   2^-14       2^-16          IEEE-like: inf = S.11111.00, NaN = S.11111.xx
//   E2M1    1     6       1           0.5            none
//
// Encoding rounds to nearest, ties to even, exactly (subnormals included): the value is rounded
// as if the exponent were unbounded above, and a result beyond the largest finite value is an
// overflow. Overflow saturates to +-max by default (as ONNX Cast with saturate=1 and the OCP MX
// conversion do); without saturation E4M3 overflows to NaN and E5M2 to +-inf. Infinite inputs
// follow the same rule. E2M1 has no inf or NaN and always saturates; a NaN input gets the code
// of +0 (and is counted as non-finite).
#pragma once

#include "core/formats/lowbit.h"

#include <cstdint>
#include <string>

namespace qs {

enum class MiniFloat { E4M3, E5M2, E2M1 };

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
    uint8_t maxCode; // bit pattern of +maxFinite
    int bits() const { return 1 + exponentBits + mantissaBits; }
};

const MiniFloatInfo& miniFloatInfo(MiniFloat f);
// "e4m3", "e5m2", "e2m1" (case-insensitive); throws qs::Error listing the names.
MiniFloat miniFloatFromName(const std::string& name);

// What happened to one value during encoding.
enum class EncodeEvent { None, Saturated, Flushed, NonFinite };

// Code of x in format f (round to nearest even). x may be any double; float inputs are exact.
// `saturate` false is accepted for E4M3 and E5M2 only (qs::Error for E2M1).
uint8_t encodeMiniFloat(MiniFloat f, double x, bool saturate = true, EncodeEvent* event = nullptr);
// Value of a code (only the low f.bits() bits are used); NaN / +-inf where the format has them.
double decodeMiniFloat(MiniFloat f, uint8_t code);

// The same result as encodeMiniFloat for a float32 input, by rounding the float32 bit pattern
// (no division, no search): the fast path of the element-wise and MX conversions.
uint8_t encodeMiniFloatFast(MiniFloat f, float x, bool saturate = true,
                            EncodeEvent* event = nullptr);

// Element-wise conversion of n float32 values. Counts saturated (finite |x| > max),
// flushed (nonzero finite values that became 0) and non-finite inputs; bitsPerElement is the
// format width. Throws qs::Error for n < 1.
LowbitResult quantizeMiniFloat(const float* x, int64_t n, MiniFloat f, bool saturate = true,
                               const CancelToken* cancel = nullptr);

} // namespace qs
