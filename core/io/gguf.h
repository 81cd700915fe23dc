// GGUF files (llama.cpp and ggml models, versions 2 and 3; ggml's docs/gguf.md):
//   "GGUF", u32 version, u64 tensor count, u64 metadata count,
//   metadata: {string key, u32 value type, value}...  (values may be arrays, also nested)
//   tensor infos: {string name, u32 n_dims, u64 ne[n_dims], u32 ggml type, u64 offset}...
//   padding to general.alignment (default 32), then the data section; tensor offsets are
//   relative to its start. Strings are a u64 length and UTF-8 bytes; all little-endian.
// Shapes are reported in NumPy order: ggml's ne[0] (the contiguous row) is the last dimension.
// The header is parsed and validated completely before anything is allocated from its
// counts (counts and lengths against the bytes left, dimensions, overflow, type ids, row
// lengths against block sizes, every tensor inside the file); tensor bytes are read only
// when a tensor is loaded. Dequantization: ggml_blocks.h.
#pragma once

#include "core/base/tensor.h"
#include "core/io/ggml_blocks.h"
#include "core/io/mapped_file.h"
#include "core/io/tensor_file.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qs {

// gguf_metadata_value_type: the ids 0 to 12 in this order.
enum class GgufValueType : uint32_t {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    F32,
    Bool,
    String,
    Array,
    U64,
    I64,
    F64
};

// Bytes of one scalar value; 0 for String and Array.
size_t ggufScalarSize(GgufValueType t);

// One metadata value. Scalars keep their little-endian bytes in `bits` (zero-extended);
// arrays of scalars keep their elements' bytes back to back in `raw` (as compact as the
// file), arrays of strings their texts in `strings`, arrays of arrays one GgufValue per
// element in `items`.
struct GgufValue {
    GgufValueType type = GgufValueType::U8;
    uint64_t bits = 0;                             // scalars
    std::string text;                              // String
    GgufValueType elementType = GgufValueType::U8; // Array
    uint64_t count = 0;                            // Array: number of elements
    std::string raw;                               // Array of scalars
    std::vector<std::string> strings;              // Array of String
    std::vector<GgufValue> items;                  // Array of Array

    // Scalars (and element i of an array of scalars) as numbers; 0 for other types.
    uint64_t asUInt() const;
    int64_t asInt() const;
    double asDouble() const;
    GgufValue element(uint64_t i) const; // Array of scalars: element i as a scalar value
    // "4096", "3.5", "true", "llama", "[1, 2, 3, ...] (32000 items)": one line (control
    // characters in strings escaped); strings longer than 160 bytes and arrays longer than
    // maxItems are cut.
    std::string printable(size_t maxItems = 8) const;
};

// "U32", "STRING", "ARRAY", ...
std::string ggufValueTypeName(GgufValueType t);

struct GgufTensor {
    TensorInfo info; // dtype: the ggml type name ("Q4_K"); bitsPerWeight set
    const GgmlTypeInfo* type = nullptr;
    uint64_t fileOffset = 0; // start of the tensor's bytes in the file
};

struct GgufHeader {
    uint32_t version = 0;
    uint64_t alignment = 32;
    uint64_t dataStart = 0; // start of the data section in the file
    std::vector<std::pair<std::string, GgufValue>> metadata; // in file order
    std::vector<GgufTensor> tensors;                         // in file order

    // The value of metadata `key`; nullptr when the file has none.
    const GgufValue* find(const std::string& key) const;
};

// Throws qs::Error naming `where` and the problem. keepMetadata false: the metadata is
// validated just as thoroughly but not stored (only general.alignment is kept), which saves
// copying a tokenizer's vocabulary when only the tensors are wanted.
GgufHeader parseGgufHeader(const uint8_t* data, size_t size, const std::string& where,
                           bool keepMetadata = true);
std::vector<TensorInfo> listGguf(const uint8_t* data, size_t size, const std::string& where);
// Empty name: the only tensor (an error naming the tensors if there are several). Types
// without a dequantizer are refused with an error naming the type.
Tensor loadGgufTensor(const uint8_t* data, size_t size, const std::string& where,
                      const std::string& name);

std::vector<TensorInfo> listGguf(const std::string& path);
Tensor loadGguf(const std::string& path, const std::string& name);
// Every metadata key with its printable value, in file order.
std::vector<std::pair<std::string, std::string>> ggufMetadata(const std::string& path);
// The value of metadata `key` of the file at `path` (its header parsed once per file version);
// false when the file has no such key.
bool ggufMetadataValue(const std::string& path, const std::string& key, GgufValue& value);

// A GGUF file mapped and its header parsed once, for reading many of its tensors.
class GgufFile {
public:
    explicit GgufFile(const std::string& path); // throws qs::Error as parseGgufHeader
    const GgufHeader& header() const { return m_header; }
    // As loadGguf, without parsing the header again.
    Tensor load(const std::string& name) const;
    // MappedFile::releasePages of the file.
    void releasePages() const { m_file.releasePages(); }

private:
    MappedFile m_file;
    std::string m_where;
    GgufHeader m_header;
};

} // namespace qs
