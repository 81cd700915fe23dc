// NumPy .npz archives (np.savez: stored members; np.savez_compressed: deflated members). The zip
// structure is parsed here with strict bounds checks: end-of-central-directory record (and its
// zip64 form), central directory entries (with zip64 extra fields, which numpy writes), local
// headers. Deflated members are inflated with zlib's inflate API; the CRC-32 is verified.
// A member is a complete .npy file (see npy.h); its tensor name is the member name without
// ".npy". Stored members are decoded straight from the memory-mapped file.
#pragma once

#include "core/base/tensor.h"
#include "core/io/tensor_file.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct ZipMember {
    std::string name;    // as stored, e.g. "arr_0.npy"
    uint16_t method = 0; // 0 stored, 8 deflated
    uint32_t crc32 = 0;
    uint64_t compressedSize = 0;
    uint64_t uncompressedSize = 0;
    uint64_t dataOffset = 0; // of the member's (compressed) bytes in the archive
};

// Parses the zip directory of [data, data + size). `where` starts every error message.
std::vector<ZipMember> readZipDirectory(const uint8_t* data, size_t size, const std::string& where);

// Listing and loading from bytes (used by the file functions and the fuzzer).
std::vector<TensorInfo> listNpz(const uint8_t* data, size_t size, const std::string& where);
Tensor loadNpzMember(const uint8_t* data, size_t size, const std::string& where,
                     const std::string& member, std::vector<std::string>* warnings = nullptr);

std::vector<TensorInfo> listNpz(const std::string& path);
// Empty member: the only member (an error naming the members if there are several).
Tensor loadNpz(const std::string& path, const std::string& member,
               std::vector<std::string>* warnings = nullptr);

} // namespace qs
