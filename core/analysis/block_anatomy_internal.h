// Internals of block_anatomy.cpp: what a scheme's describe function gets, the describe functions
// of each family (block_anatomy_ggml.cpp, block_anatomy_scaled.cpp) and the field helpers they
// share.
#pragma once

#include "core/analysis/block_anatomy.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs::anatomy_detail {

// One block of a result: its elements (flat indices, in order) and its slices.
struct AnatomyInput {
    const Tensor& tensor;
    const QuantResult& result;
    int64_t firstSlice = 0, sliceCount = 1;
    int64_t blockSize = 0;        // elements of a whole block
    std::vector<int64_t> indices; // the block's elements (fewer than blockSize at a row's end)

    std::vector<float> values() const; // x of the block's elements, zero-padded to blockSize
    // The block's codes, padded to blockSize with `pad`.
    std::vector<int32_t> codes(int32_t pad) const;
};

// Fills a.bytes, a.layout, a.formula, a.fields and a.decodedFromBytes.
using DescribeFn = void (*)(const AnatomyInput& in, BlockAnatomy& a);

void describeGgml(const AnatomyInput& in, BlockAnatomy& a);   // Q8_0 ... IQ4_XS, MXFP4
void describeMx(const AnatomyInput& in, BlockAnatomy& a);     // MXFP8, MXFP6, MXINT8
void describeNvfp4(const AnatomyInput& in, BlockAnatomy& a);  // E4M3 block scale, fp32 tensor scale
void describeAbsmax(const AnatomyInput& in, BlockAnatomy& a); // NF4, FP4, code books, int8
void describeIntegerGroup(const AnatomyInput& in, BlockAnatomy& a);

// Fields.
AnatomyField fp16Field(const std::string& name, uint16_t bits, const std::string& meaning);
AnatomyField fp32Field(const std::string& name, float v, const std::string& meaning);
AnatomyField e8m0Field(uint8_t e);
AnatomyField intField(const std::string& name, int64_t value, uint64_t stored, int width,
                      const std::string& meaning);

// Appends the little-endian bytes of v.
template <class T> void appendLE(std::string& out, T v)
{
    for (size_t i = 0; i < sizeof(T); ++i)
        out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xffu));
}

// Codes packed at `bits` bits each: 8 one per byte, 4 two per byte with the first in the high
// nibble (bitsandbytes; highFirst false: in the low nibble, as ModelOpt packs NVFP4), other
// widths as a stream LSB first. Only the low `bits` bits are kept.
std::string packCodes(const std::vector<int32_t>& codes, int bits, bool highFirst = true);
// The inverse: n codes of `bits` bits, sign-extended when `isSigned`.
std::vector<int32_t> unpackCodes(const std::string& bytes, size_t offset, size_t n, int bits,
                                 bool isSigned, bool highFirst = true);

} // namespace qs::anatomy_detail
