// The anatomy of one block of a quantized tensor: the bytes the format stores for it, the fields
// decoded from those bytes (fp16 d and dmin, sub-block scales and mins, an E8M0 shared exponent,
// an fp32 absmax, a scale and zero point) and a row per element (x, stored code, grid index and
// value, x^, error). The block inspector of the window and `quantscope-cli inspect` show it.
//
// A block here is the unit the format stores with its own parameters: 32 elements for Q8_0 ...
// Q5_1, IQ4_NL and MX, a super-block of 256 for the K types and IQ4_XS (the result's slices are
// its 16- or 32-element sub-blocks), groupSize for NF4, FP4, AbsmaxInt8, Dynamic8, a blockwise
// code book and the integer schemes per group.
//
// Bytes, by family:
//   GGML (Q8_0 ... IQ4_XS)  llama.cpp's block_* struct (core/io/ggml_blocks.h), little-endian
//   MXFP4                   llama.cpp's block_mxfp4: E8M0 byte, then nibbles as Q4_0
//   MXFP8, MXINT8           the E8M0 byte, then one byte per element
//   NF4, FP4, code books,   the fp32 absmax, then the codes (4-bit: two per byte, the first
//   AbsmaxInt8, Dynamic8    element in the high nibble, as bitsandbytes packs them)
//   integer per group       the scale (float64; float32 when the config computes in float32),
//                           the zero point (int16), then the codes at `bits` bits, LSB first
// A block shorter than the format's (the end of a row that is not whole blocks) is padded with
// the code of zero, as storing it would require. decodedFromBytes equals the result's x^ bit for
// bit for finite inputs, except that a -0 of the result reads back as +0 where its code carries
// no sign (integer codes; MXFP4, whose llama.cpp table has no -0).
//
// Adding a block scheme: one row in the table kSchemes of block_anatomy.cpp (the scheme, whether
// its codes index a non-linear grid, the super-block size when the result's slices are
// sub-blocks, and a DescribeFn of block_anatomy_internal.h that fills `bytes`, `layout`,
// `formula`, `fields` and `decodedFromBytes`). Elements (x, code, grid value from the result's
// code table, x^, error) come from the result for every scheme, and the tests check every row's
// bytes against the result. NVFP4 (describeNvfp4) shows how a format with two levels of scale
// fits: g and s are recomputed from the tensor as the format does, the bytes are the E4M3 byte
// of s then the E2M1 nibbles, and decodedFromBytes uses s * g read back from those bytes.
#pragma once

#include "core/base/tensor.h"
#include "core/quant/quantize.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// A stored parameter of the block, as decoded from its bytes.
struct AnatomyField {
    std::string name;    // "d", "dmin", "scale[3]", "E8M0", "absmax", "zero point"
    double value = 0;    // what the decoder uses (a 6-bit scale as the integer it is)
    std::string bits;    // the stored bit pattern, most significant bit first ("0 01110 ...")
    std::string meaning; // one line: what it is and how the decoder uses it
};

// One element of the block.
struct AnatomyElement {
    int64_t index = 0;      // flat index in the tensor
    float x = 0;            // original value
    int32_t code = 0;       // the stored code: nibble, 6-bit value, E2M1 pattern, table index
    int32_t gridIndex = -1; // index into the non-linear grid (IQ4, NF4/FP4, code books), else -1
    float gridValue = 0;    // the code's value before the block's scale (and offset)
    float xhat = 0;         // the result's dequantized value
    double error = 0;       // x - x^
};

struct BlockAnatomy {
    std::string scheme;  // the scheme's name ("q4_k")
    std::string layout;  // the byte layout in one line ("block_q4_K (144 bytes): ...")
    std::string formula; // how x^ follows from the fields ("x^ = d*scale[j]*q - dmin*min[j]")
    int64_t block = 0, numBlocks = 0;
    int64_t blockSize = 0; // elements of a whole block (the last of a row may have fewer)
    bool hasGridIndex = false;
    std::string bytes;                // the block as stored
    std::vector<AnatomyField> fields; // in storage order
    std::vector<AnatomyElement> elements;
    std::vector<float> decodedFromBytes; // the bytes decoded by the format's decoder, per element
};

// True when the config's result has blocks to inspect (the block schemes and the integer schemes
// per group).
bool hasBlockAnatomy(const QuantConfig& config);
// The sentence a view shows for a config without blocks ("Per-tensor 8-bit has no blocks: ...").
std::string noBlocksMessage(const QuantConfig& config);
// Number of blocks of r (0 without blocks) and the block holding element i.
int64_t anatomyBlockCount(const QuantResult& r);
int64_t anatomyBlockOf(const QuantResult& r, int64_t element);

// The anatomy of block `block` of r, the result of quantizing t. Throws qs::Error for a config
// without blocks, a result that does not belong to t, or a block outside [0, count) (naming the
// count).
BlockAnatomy blockAnatomy(const Tensor& t, const QuantResult& r, int64_t block);

// "0011 1100" style: `width` bits of v, most significant first, a space every `group` bits
// (0: no spaces).
std::string bitPattern(uint64_t v, int width, int group = 4);
// The anatomy as JSON text (2-space indent): scheme, layout, formula, block, blocks, bytes (hex
// string), fields, elements.
std::string blockAnatomyJson(const BlockAnatomy& a);
// The bytes as hex, 16 per line, each line led by its offset ("0000  3c 00 ...").
std::string hexDump(const std::string& bytes);

} // namespace qs
