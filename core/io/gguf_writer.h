// GgufWriter: writes GGUF version 3 files (ggml's docs/gguf.md), the format gguf.h reads.
//   "GGUF", u32 3, u64 tensor count, u64 metadata count, the metadata key/values in the order
//   they were set, the tensor infos {name, n_dims, ne[] (NumPy shape reversed), ggml type,
//   offset} in the order they were added, zero padding to general.alignment (a U32 power of
//   two, default 32), then the data section: each tensor's bytes at an offset that is a multiple
//   of the alignment, the section padded to the alignment at the end.
// Tensor payloads are the bytes ggml stores: float32 values converted to F32, F16 or BF16 as
// ggml converts them (addFloatTensor), or ready-made bytes of any type of the ggml type table
// (addTensor), such as the blocks encodeGgmlBlocks builds from QuantScope's codes. A tensor of
// a block type must have rows (its last NumPy dimension) of whole blocks.
#pragma once

#include "core/base/code_buffer.h"
#include "core/io/ggml_blocks.h"
#include "core/io/gguf.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qs {

class GgufWriter {
public:
    // Metadata; setting a key again replaces its value (and keeps its place).
    void set(const std::string& key, const GgufValue& value);
    void setString(const std::string& key, const std::string& value);
    void setU32(const std::string& key, uint32_t value);
    void setI32(const std::string& key, int32_t value);
    void setF32(const std::string& key, float value);
    void setBool(const std::string& key, bool value);
    void setU64(const std::string& key, uint64_t value);
    void setStringArray(const std::string& key, const std::vector<std::string>& values);
    // general.alignment as a U32; throws qs::Error unless it is a power of two.
    void setAlignment(uint32_t alignment);

    // A tensor of `type` with `bytes` in ggml's layout. Throws qs::Error naming the tensor for
    // an empty or repeated name, a shape of 0 or more than 4 dimensions or a zero / negative
    // dimension, rows that are not whole blocks of the type, or a byte count that does not
    // match the shape.
    void addTensor(const std::string& name, const std::vector<int64_t>& shape,
                   const GgmlTypeInfo& type, std::string bytes);
    // float32 values stored as F32, F16 or BF16 (`type`; other types are refused).
    void addFloatTensor(const std::string& name, const std::vector<int64_t>& shape,
                        const GgmlTypeInfo& type, const float* values);

    // The whole file.
    std::string bytes() const;
    // Writes bytes() to `path` atomically (AtomicFile), never over one of `protectedPaths`.
    void write(const std::string& path, const std::vector<std::string>& protectedPaths = {}) const;

private:
    struct Entry {
        std::string name;
        std::vector<int64_t> shape; // NumPy order
        const GgmlTypeInfo* type;
        std::string bytes;
    };
    uint64_t alignment() const;
    std::string header() const; // everything before the data section, padded

    std::vector<std::pair<std::string, GgufValue>> m_metadata;
    std::vector<Entry> m_tensors;
};

// Throws qs::Error naming the tensor, its shape and the type unless `shape` is one GGUF can
// hold for `type`: 1 to 4 dimensions of at least 1, the last a whole number of blocks.
void checkGgufTensor(const std::string& name, const std::vector<int64_t>& shape,
                     const GgmlTypeInfo& type);

// The blocks of a GGML block type for n elements (a multiple of its block size) from
// QuantScope's per-element codes and per-block parameters:
//   Q8_0   codes -127..127, scales = d (fp16 values)
//   Q4_0   codes 0..15 (the stored nibble; the value is code - 8), scales = d
//   Q4_1   codes 0..15, scales = d, offsets = m (fp16 values)
//   MXFP4  codes = E2M1 bit patterns 0..15, scales = the power of two 2^k, k in [-127, 127]
// Throws qs::Error for other types, a code out of range, a scale (or offset) the block cannot
// store exactly, or parameter counts that do not match the blocks.
std::string encodeGgmlBlocks(const GgmlTypeInfo& type, const CodeBuffer& codes,
                             const std::vector<float>& scales,
                             const std::vector<float>& offsets = {});

} // namespace qs
