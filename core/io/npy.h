// NumPy .npy files (format versions 1.0, 2.0 and 3.0): reading into a float32 qs::Tensor and
// writing codes and dequantized values. Format reference: numpy/lib/format.py docs ("NEP 1").
//   magic "\x93NUMPY", major, minor, header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0),
//   a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }, padded
//   with spaces and '\n' so that the data starts at a multiple of 64, then the raw data.
// Supported dtypes: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order, C or Fortran order
// (Fortran data is transposed into row-major), 0-d to N-d. Everything is validated before any
// allocation: magic, version, header length, dict syntax, shape product overflow, and that the
// data size equals exactly what the header claims.
#pragma once

#include "core/base/code_buffer.h"
#include "core/base/tensor.h"
#include "core/io/element_convert.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// Headers longer than this are rejected (numpy itself writes a few hundred bytes).
constexpr size_t kNpyMaxHeaderLength = 1 << 20;

struct NpyHeader {
    int major = 1, minor = 0;
    std::string descr; // as written, e.g. "<f4", "|u1", ">i8"
    ElementType type = ElementType::F32;
    bool bigEndian = false;
    bool fortranOrder = false;
    std::vector<int64_t> shape;
    int64_t numel = 1;
    size_t dataOffset = 0; // from the start of the .npy bytes
    size_t dataBytes = 0;  // numel * element size
};

// Parses and validates the preamble of the .npy bytes [data, data + size). `where` (a file
// name, or "a.npz:w.npy") starts every error message. With checkDataSize the bytes after the
// header must be exactly dataBytes long.
NpyHeader parseNpyHeader(const uint8_t* data, size_t size, const std::string& where,
                         bool checkDataSize = true);

// Decodes complete .npy bytes into a tensor named `name`. Precision warnings (float64, wide
// integers) are appended to *warnings if given.
Tensor decodeNpy(const uint8_t* data, size_t size, const std::string& where,
                 const std::string& name, std::vector<std::string>* warnings = nullptr);

// Loads a .npy file (memory-mapped). The tensor is named after the file without ".npy".
Tensor loadNpy(const std::string& path, std::vector<std::string>* warnings = nullptr);

// The preamble (magic, version, length, dict, padding) for an array; version 1.0 unless the
// header needs 2.0. Data must follow immediately.
std::string encodeNpyHeader(const std::string& descr, bool fortranOrder,
                            const std::vector<int64_t>& shape);

// The smallest integer dtype holding every value in [minCode, maxCode], in the order u1, i1,
// u2, i2, i4 ("|u1", "|i1", "<u2", "<i2", "<i4").
std::string smallestCodeDtype(int64_t minCode, int64_t maxCode);

// Writers (atomic; throw qs::Error if path is one of protectedPaths or cannot be written).
// shape's product must equal the number of values.
void writeNpyFloat32(const std::string& path, const std::vector<int64_t>& shape,
                     const std::vector<float>& values,
                     const std::vector<std::string>& protectedPaths = {});
// Codes in smallestCodeDtype(min, max); returns the descr used.
std::string writeNpyCodes(const std::string& path, const std::vector<int64_t>& shape,
                          const std::vector<int32_t>& codes,
                          const std::vector<std::string>& protectedPaths = {});
std::string writeNpyCodes(const std::string& path, const std::vector<int64_t>& shape,
                          const CodeBuffer& codes,
                          const std::vector<std::string>& protectedPaths = {});

} // namespace qs
