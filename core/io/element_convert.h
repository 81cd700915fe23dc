// Conversion of the element types found in tensor files (npy, npz, safetensors) to float32,
// the storage type of qs::Tensor. Every conversion is exact except float64 and wide integers;
// those are counted so the loader can warn that precision was lost. Reads are byte-wise, so
// source data may be unaligned (memory-mapped files, zip members).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace qs {

enum class ElementType {
    F16,
    BF16,
    F32,
    F64,
    F8E4M3,
    F8E5M2,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Bool
};

size_t elementSize(ElementType t);

// The n-byte (n <= 8) little-endian unsigned integer at p: file headers, zip records.
uint64_t readLE(const uint8_t* p, int n);
std::string elementTypeName(ElementType t); // "float16", "bfloat16", "int32", "bool", ...

struct ConversionStats {
    int64_t inexact = 0;  // finite values that float32 does not represent exactly (rounded)
    int64_t overflow = 0; // finite float64 values beyond the float32 range (became +-inf)
};

// Converts n elements starting at src (byte order: big-endian if bigEndian) into out[0..n).
// Bool: any nonzero byte is 1. F8E4M3 is the "fn" variant (no infinities, S.1111.111 = NaN).
void convertToFloat(const uint8_t* src, ElementType type, bool bigEndian, int64_t n, float* out,
                    ConversionStats& stats);

// "w.npy: 3 of 1000 int64 values are not exactly representable in float32 and were rounded"
// or "" when nothing was lost.
std::string conversionWarning(const std::string& where, ElementType type, int64_t n,
                              const ConversionStats& stats);

// A double as float32 (round to nearest even), counting rounding and overflow in stats.
float doubleToFloat(double d, ConversionStats& stats);

// The shortest decimal text (at least 6 significant digits) that reads back as the same
// value: "0.05", "1e-08", "inf".
std::string shortestDecimal(float v);
std::string shortestDecimal(double v);

// Single-value decoders (also used by tests).
float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t b);
float float8E4M3ToFloat(uint8_t b);
float float8E5M2ToFloat(uint8_t b);

// float32 to the 16-bit formats as ggml stores them (GGML_FP32_TO_FP16, GGML_FP32_TO_BF16):
// round to nearest, ties to even, overflow to +-inf, subnormals kept. NaN: fp16 0x7e00 with
// the sign; bfloat16 the top half of the float32 pattern with the quiet bit set.
uint16_t floatToHalf(float f);
uint16_t floatToBfloat16(float f);

} // namespace qs
