// ONNX models (.onnx): the graph's initializers, parsed with libprotobuf from onnx_min.proto.
// Dtypes FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT8, UINT8, INT16, INT32, INT64, FLOAT8E4M3FN,
// FLOAT8E5M2, INT4 and UINT4 (two a byte, the first in the low nibble) are read from raw_data,
// from their typed field (float_data, int32_data for the 4/8/16-bit and float8 types,
// int64_data, double_data) or from external data: a plain file in
// the model's folder (no '/', '\', '..'), with offset and length checked against that file.
// Initializers of other dtypes are listed and refused on open with a message naming the dtype.
// Dims, element counts and payload sizes are checked before anything is allocated from them.
// An initializer that feeds input 0 of a DequantizeLinear node is listed as quantized:
// dtype "INT8 (DequantizeLinear, per tensor)", "UINT8 (DequantizeLinear, per axis 0)" or
// "INT4 (DequantizeLinear, blocks of 32 along axis 1)", and its TensorInfo::detail names the
// scale and zero point: "per tensor, scale 0.05, zero point 0", "per axis 0, scales 'w_scale'
// (64 values, 0.01 to 0.3), zero points 'w_zero' (64 values, 0 to 255)". The values loaded are
// the stored integers; the scale and zero point are separate initializers.
#pragma once

#include "core/base/tensor.h"
#include "core/io/tensor_file.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// modelDir: the folder external data files are read from; empty refuses external data.
// Listing checks every initializer's payload as loading does.
std::vector<TensorInfo> listOnnx(const uint8_t* data, size_t size, const std::string& where,
                                 const std::string& modelDir = {});
// Empty name: the only initializer (an error naming them if there are several).
Tensor loadOnnxTensor(const uint8_t* data, size_t size, const std::string& where,
                      const std::string& modelDir, const std::string& name,
                      std::vector<std::string>* warnings = nullptr);

std::vector<TensorInfo> listOnnx(const std::string& path);
Tensor loadOnnx(const std::string& path, const std::string& name,
                std::vector<std::string>* warnings = nullptr);

} // namespace qs
