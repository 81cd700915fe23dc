// Hugging Face .safetensors files: an 8-byte little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {...}}
// and the data buffer; offsets are relative to the start of the buffer, data is little-endian
// and row-major. Supported dtypes: F64 F32 F16 BF16 F8_E4M3 F8_E5M2 I64 I32 I16 I8 U64 U32 U16
// U8 BOOL. Validation before any allocation: header length (at most 100 MB, inside the file),
// a JSON object of well-formed entries, shape product without overflow, end - begin equal to
// dtype size x numel, every range inside the buffer, no two ranges overlapping.
// __metadata__ is ignored.
#pragma once

#include "core/base/tensor.h"
#include "core/io/tensor_file.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

constexpr uint64_t kSafetensorsMaxHeader = 100u * 1000u * 1000u;

// Tensors in data-offset order.
std::vector<TensorInfo> listSafetensors(const uint8_t* data, size_t size, const std::string& where);
// Empty name: the only tensor (an error naming the tensors if there are several).
Tensor loadSafetensorsTensor(const uint8_t* data, size_t size, const std::string& where,
                             const std::string& name, std::vector<std::string>* warnings = nullptr);

// The same by path: the file is mapped and its header parsed once per version of the file
// (parsed_cache.h), so loading many tensors of one file in turn does not parse it each time.
// `room`: a vector whose storage the values reuse (its contents do not matter), so that a
// caller loading tensors in turn touches fresh memory once.
std::vector<TensorInfo> listSafetensors(const std::string& path);
Tensor loadSafetensors(const std::string& path, const std::string& name,
                       std::vector<std::string>* warnings = nullptr, std::vector<float> room = {});

} // namespace qs
