// The tensor types of ggml (the GGUF file format of llama.cpp): one table with each type's
// id, name, block size and bytes per block, the byte layouts of the quantized blocks (ggml's
// ggml-common.h), and their dequantization to float32, computed exactly as llama.cpp's
// dequantize_row_* functions compute it (same operations in the same order, so the results
// agree bit for bit). Multi-byte fields are little-endian; the structs match the file layout
// on little-endian hosts and are filled by memcpy, so source bytes need no alignment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace qs {

constexpr int kGgmlSuperBlock = 256; // QK_K: elements in a K-quant or IQ4_XS super-block

// An fp16 value as stored in a block (ggml_half).
using GgmlHalf = uint16_t;

struct BlockQ4_0 {
    GgmlHalf d;
    uint8_t qs[16]; // element j in the low nibble of qs[j], element j + 16 in the high one
};
struct BlockQ4_1 {
    GgmlHalf d, m;
    uint8_t qs[16];
};
struct BlockQ5_0 {
    GgmlHalf d;
    uint8_t qh[4]; // fifth bits, element j at bit j of the little-endian 32-bit word
    uint8_t qs[16];
};
struct BlockQ5_1 {
    GgmlHalf d, m;
    uint8_t qh[4];
    uint8_t qs[16];
};
struct BlockQ8_0 {
    GgmlHalf d;
    int8_t qs[32];
};
struct BlockQ2_K {
    uint8_t scales[16]; // low nibble: scale, high nibble: min, per 16 elements
    uint8_t qs[64];
    GgmlHalf d, dmin;
};
struct BlockQ3_K {
    uint8_t hmask[32];
    uint8_t qs[64];
    uint8_t scales[12]; // sixteen 6-bit scales, biased by 32
    GgmlHalf d;
};
struct BlockQ4_K {
    GgmlHalf d, dmin;
    uint8_t scales[12]; // eight 6-bit scales and eight 6-bit mins
    uint8_t qs[128];
};
struct BlockQ5_K {
    GgmlHalf d, dmin;
    uint8_t scales[12];
    uint8_t qh[32];
    uint8_t qs[128];
};
struct BlockQ6_K {
    uint8_t ql[128];
    uint8_t qh[64];
    int8_t scales[16];
    GgmlHalf d;
};
struct BlockIQ4_NL {
    GgmlHalf d;
    uint8_t qs[16];
};
struct BlockIQ4_XS {
    GgmlHalf d;
    uint16_t scales_h; // two high bits of each 6-bit scale
    uint8_t scales_l[4];
    uint8_t qs[128];
};

struct BlockMXFP4 {
    uint8_t e;      // E8M0 shared exponent: the block scale is 2^(e - 127)
    uint8_t qs[16]; // E2M1 codes, nibbles as in Q4_0
};

static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20 && sizeof(BlockQ5_0) == 22 &&
                  sizeof(BlockQ5_1) == 24 && sizeof(BlockQ8_0) == 34,
              "ggml 32-element block layouts");
static_assert(sizeof(BlockQ2_K) == 84 && sizeof(BlockQ3_K) == 110 && sizeof(BlockQ4_K) == 144 &&
                  sizeof(BlockQ5_K) == 176 && sizeof(BlockQ6_K) == 210,
              "ggml K-quant super-block layouts");
static_assert(sizeof(BlockIQ4_NL) == 18 && sizeof(BlockIQ4_XS) == 136, "ggml IQ4 block layouts");
static_assert(sizeof(BlockMXFP4) == 17, "ggml MXFP4 block layout");

// The 16 levels of IQ4_NL and IQ4_XS (kvalues_iq4nl).
extern const int8_t kIq4nlValues[16];
// The E2M1 values of MXFP4 codes 0..15, doubled (kvalues_mxfp4): 0 1 2 3 4 6 8 12, then negated.
extern const int8_t kMxfp4Values[16];

// Dequantizes `blocks` consecutive blocks at src into out (blocks x blockSize floats).
using GgmlDequantizeFn = void (*)(const uint8_t* src, int64_t blocks, float* out);

struct GgmlTypeInfo {
    uint32_t id;             // ggml_type value stored in GGUF tensor infos
    const char* name;        // "Q4_K", "F16", "IQ2_XS" (upper case, as llama.cpp prints them)
    int blockSize;           // elements per block
    int typeSize;            // bytes per block
    GgmlDequantizeFn decode; // nullptr: a type QuantScope lists but cannot dequantize

    double bitsPerWeight() const { return 8.0 * typeSize / blockSize; }
};

// The type with this id, or nullptr for ids ggml does not define (or has removed).
const GgmlTypeInfo* ggmlTypeInfo(uint32_t id);
// By name, case-insensitive ("q4_k" finds Q4_K); nullptr if unknown.
const GgmlTypeInfo* ggmlTypeByName(const std::string& name);
// "F32 F16 ... IQ4_XS": the types that can be dequantized, for error messages.
std::string ggmlDecodableTypeNames();

// The sixteen 6-bit scales of a Q3_K block, still biased by 32: low four bits from bytes 0-7,
// high two bits from bytes 8-11.
void ggmlUnpackQ3Scales(const uint8_t packed[12], int s[16]);
// Scale and min j (0..7) of the 12 packed bytes of a Q4_K/Q5_K block (get_scale_min_k4).
void ggmlScaleMinK4(int j, const uint8_t q[12], int& sc, int& mn);

// An fp16 value as float32, exactly (NaN payloads kept, signalling NaNs quietened).
float ggmlHalfToFloat(GgmlHalf h);

} // namespace qs
