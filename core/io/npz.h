// NumPy .npz archives (np.savez: stored members; np.savez_compressed: deflated members). The zip
// structure is read by zip.h (numpy writes zip64 extra fields); the CRC-32 is verified.
// A member is a complete .npy file (see npy.h); its tensor name is the member name without
// ".npy". Stored members are decoded straight from the memory-mapped file.
#pragma once

#include "core/base/tensor.h"
#include "core/io/tensor_file.h"
#include "core/io/zip.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// Listing and loading from bytes (used by the file functions and the fuzzer).
std::vector<TensorInfo> listNpz(const uint8_t* data, size_t size, const std::string& where);
Tensor loadNpzMember(const uint8_t* data, size_t size, const std::string& where,
                     const std::string& member, std::vector<std::string>* warnings = nullptr);

} // namespace qs
