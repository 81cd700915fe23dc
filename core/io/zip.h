// Zip archives (npz, PyTorch checkpoints), parsed with strict bounds checks: end-of-central-
// directory record (and its zip64 form), central directory entries (with zip64 extra fields),
// local headers. Members are stored or deflated; deflated members are inflated with zlib's
// inflate API and every member's CRC-32 is verified when its bytes are taken.
#pragma once

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
    uint32_t entries = 1;    // central directory entries with this name (see DuplicateNames)
};

// What readZipDirectory does with several central directory entries of the same name.
enum class DuplicateNames {
    // Python's zipfile (and so np.load) reads the last entry of a name: the member keeps the
    // position of the name's first entry, takes the last entry's data, and counts them all.
    LastWins,
    // An error naming the member, for readers whose reference picks an entry unpredictably.
    Refuse,
};

// Parses the zip directory of [data, data + size), one ZipMember per distinct name. `where`
// starts every error message.
std::vector<ZipMember> readZipDirectory(const uint8_t* data, size_t size, const std::string& where,
                                        DuplicateNames duplicates);

// Refuses compression methods other than stored and deflated, and deflated members that claim
// more bytes than deflate can produce from their compressed size.
void checkZipMethod(const ZipMember& m, const std::string& where);

// Inflates the first `want` bytes (or all of them) of a raw-deflate member into out.
// Returns the number of bytes produced; with `all`, also checks the stream ends exactly there.
size_t inflateZipMember(const uint8_t* src, uint64_t srcLen, uint8_t* out, size_t want, bool all,
                        const std::string& where);

// The member's whole content (m.uncompressedSize bytes), CRC-checked: a pointer into the archive
// for a stored member, or into `buffer` where a deflated member is inflated.
const uint8_t* zipMemberBytes(const uint8_t* data, const ZipMember& m, std::vector<uint8_t>& buffer,
                              const std::string& where);

} // namespace qs
