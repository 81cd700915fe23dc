// Float16 pitfalls: what fp16 (IEEE binary16) and bf16 (bfloat16) make of chosen values, such as
// a LayerNorm epsilon of 1e-12 (flushed to zero in fp16) or 70000 (beyond fp16's 65504). Each
// value is first stored as float32 (as QuantScope's tensors are), then rounded to the 16-bit
// format with round to nearest, ties to even (Eigen::half / Eigen::bfloat16).
#pragma once

#include "core/formats/float16.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

enum class FloatOutcome {
    Exact,         // the value is representable
    Rounded,       // a normal number, rounded
    Subnormal,     // the result lies below the smallest normal (precision lost)
    FlushedToZero, // a nonzero value became +-0
    Overflow,      // a finite value became +-inf
    NonFinite,     // NaN or +-inf in, the same out
};

struct FloatConversion {
    double value = 0;  // the 16-bit result widened (may be +-inf)
    uint16_t bits = 0; // its bit pattern
    FloatOutcome outcome = FloatOutcome::Exact;
    double relativeError = 0; // |result - x| / |x| (x = the float32 input); inf on overflow;
                              // 1 when flushed to zero; 0 for x = 0
};

struct FloatPitfall {
    double input = 0;   // as given
    double float32 = 0; // as stored in a float32 tensor
    FloatConversion fp16, bf16;
};

// 1e-12, 1e-8, 6e-8, 6.1e-5, 1, 65504, 65520, 70000, 1e30, 3.4e38.
std::vector<double> defaultPitfallValues();

FloatConversion convertValue(FloatFormat format, float x);
// One row per value (any double; values beyond float32 become +-inf before the 16-bit step and
// are reported as Overflow).
std::vector<FloatPitfall> floatPitfalls(const std::vector<double>& values);

std::string toName(FloatOutcome o); // "exact", "rounded", "subnormal", "flushed to zero", ...

} // namespace qs
