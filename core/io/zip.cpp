#include "core/io/zip.h"

#include "core/base/error.h"
#include "core/io/element_convert.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace qs {

namespace {

constexpr uint32_t kEocdSig = 0x06054b50;
constexpr uint32_t kZip64EocdSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kLocalSig = 0x04034b50;
// Deflate cannot expand data by more than about 1032:1; a member claiming more is corrupt.
constexpr uint64_t kMaxDeflateRatio = 1032;

// Checks the archive's first bytes and finds the end-of-central-directory record: the last 22
// bytes plus a comment of <= 65535.
size_t findEndRecord(const uint8_t* data, size_t size, const std::string& where)
{
    if (size == 0)
        throw Error(where + ": file is empty");
    if (size < 22)
        throw Error(where + ": not a zip archive (too short: " + std::to_string(size) + " bytes)");
    if (readLE(data, 4) != kLocalSig && readLE(data, 4) != kEocdSig)
        throw Error(where + ": not a zip archive (wrong magic; expected PK\\3\\4)");
    const size_t lowest = size >= 22 + 65535 ? size - 22 - 65535 : 0;
    for (size_t pos = size - 22 + 1; pos-- > lowest;)
        if (readLE(data + pos, 4) == kEocdSig && pos + 22 + readLE(data + pos + 20, 2) <= size)
            return pos;
    throw Error(where + ": truncated or corrupt zip archive (no end of central directory)");
}

struct CentralDirectory {
    uint64_t count = 0, size = 0, offset = 0;
};

// The central directory the end record (or its zip64 record) points to, checked to lie inside
// the archive.
CentralDirectory centralDirectory(const uint8_t* data, size_t eocd, const std::string& where)
{
    const uint8_t* e = data + eocd;
    if (readLE(e + 4, 2) != 0 || readLE(e + 6, 2) != 0)
        throw Error(where + ": multi-disk zip archives are not supported");
    CentralDirectory cd{readLE(e + 10, 2), readLE(e + 12, 4), readLE(e + 16, 4)};
    uint64_t cdEnd = eocd;
    if (cd.count == 0xffff || cd.size == 0xffffffff || cd.offset == 0xffffffff) {
        // zip64: a locator (20 bytes) just before the EOCD points to the zip64 EOCD record.
        if (eocd < 20 || readLE(data + eocd - 20, 4) != kZip64LocatorSig)
            throw Error(where + ": corrupt zip64 archive (no zip64 locator)");
        const uint64_t z = readLE(data + eocd - 20 + 8, 8);
        if (z > eocd - 20 || eocd - 20 - z < 56 || readLE(data + z, 4) != kZip64EocdSig)
            throw Error(where + ": corrupt zip64 archive (bad zip64 end record offset)");
        cd = {readLE(data + z + 32, 8), readLE(data + z + 40, 8), readLE(data + z + 48, 8)};
        cdEnd = z;
    }
    if (cd.offset > cdEnd || cd.size > cdEnd - cd.offset)
        throw Error(where + ": central directory (offset " + std::to_string(cd.offset) + ", " +
                    std::to_string(cd.size) + " bytes) lies outside the archive");
    if (cd.count > cd.size / 46)
        throw Error(where + ": central directory claims " + std::to_string(cd.count) +
                    " entries but has room for " + std::to_string(cd.size / 46));
    return cd;
}

// zip64 extra field (id 1): the 64-bit values of the fields that hold 0xffffffff.
void readZip64Extra(const uint8_t* x, uint64_t extraLen, ZipMember& m, uint64_t& localOffset,
                    const std::string& where)
{
    uint64_t xi = 0;
    while (xi + 4 <= extraLen) {
        const uint64_t id = readLE(x + xi, 2), len = readLE(x + xi + 2, 2);
        if (xi + 4 + len > extraLen)
            throw Error(where + ": member '" + m.name + "' has a corrupt extra field");
        if (id == 1) {
            uint64_t q = xi + 4;
            auto take = [&](uint64_t& field) {
                if (field != 0xffffffff)
                    return;
                if (q + 8 > xi + 4 + len)
                    throw Error(where + ": member '" + m.name +
                                "' has a truncated zip64 extra field");
                field = readLE(x + q, 8);
                q += 8;
            };
            take(m.uncompressedSize);
            take(m.compressedSize);
            take(localOffset);
        }
        xi += 4 + len;
    }
}

// Local header: 30 bytes + its own name and extra lengths, then the data (before the central
// directory).
void locateMemberData(const uint8_t* data, uint64_t cdOffset, uint64_t localOffset, ZipMember& m,
                      const std::string& where)
{
    if (localOffset > cdOffset || cdOffset - localOffset < 30 ||
        readLE(data + localOffset, 4) != kLocalSig)
        throw Error(where + ": member '" + m.name + "' has a bad local header offset " +
                    std::to_string(localOffset));
    const uint64_t lhSize =
        30 + readLE(data + localOffset + 26, 2) + readLE(data + localOffset + 28, 2);
    if (cdOffset - localOffset < lhSize || m.compressedSize > cdOffset - localOffset - lhSize)
        throw Error(where + ": member '" + m.name + "' claims " + std::to_string(m.compressedSize) +
                    " bytes of data, more than the archive holds at that offset");
    m.dataOffset = localOffset + lhSize;
    if (m.method == 0 && m.compressedSize != m.uncompressedSize)
        throw Error(where + ": stored member '" + m.name + "' has different compressed (" +
                    std::to_string(m.compressedSize) + ") and uncompressed (" +
                    std::to_string(m.uncompressedSize) + ") sizes");
}

// Central directory entry i at offset p (the directory ends at `end`); `entrySize` receives its
// length.
ZipMember readCentralEntry(const uint8_t* data, uint64_t p, const CentralDirectory& cd, uint64_t i,
                           uint64_t& entrySize, const std::string& where)
{
    const uint64_t end = cd.offset + cd.size;
    if (end - p < 46 || readLE(data + p, 4) != kCentralSig)
        throw Error(where + ": corrupt central directory entry " + std::to_string(i));
    const uint8_t* c = data + p;
    const uint64_t flags = readLE(c + 8, 2);
    ZipMember m;
    m.method = static_cast<uint16_t>(readLE(c + 10, 2));
    m.crc32 = static_cast<uint32_t>(readLE(c + 16, 4));
    m.compressedSize = readLE(c + 20, 4);
    m.uncompressedSize = readLE(c + 24, 4);
    const uint64_t nameLen = readLE(c + 28, 2), extraLen = readLE(c + 30, 2),
                   commentLen = readLE(c + 32, 2);
    uint64_t localOffset = readLE(c + 42, 4);
    if (end - p - 46 < nameLen + extraLen + commentLen)
        throw Error(where + ": central directory entry " + std::to_string(i) +
                    " runs past the directory");
    m.name.assign(reinterpret_cast<const char*>(c + 46), static_cast<size_t>(nameLen));
    if (flags & 1u)
        throw Error(where + ": member '" + m.name + "' is encrypted");
    readZip64Extra(c + 46 + nameLen, extraLen, m, localOffset, where);
    locateMemberData(data, cd.offset, localOffset, m, where);
    entrySize = 46 + nameLen + extraLen + commentLen;
    return m;
}

// Adds entry m to the distinct members: a new name is appended; a repeated one replaces the
// earlier entry in place (LastWins) or is refused.
void addMember(std::vector<ZipMember>& members, std::unordered_map<std::string, size_t>& slots,
               ZipMember m, DuplicateNames duplicates, const std::string& where)
{
    const auto [slot, fresh] = slots.emplace(m.name, members.size());
    if (fresh) {
        members.push_back(std::move(m));
        return;
    }
    if (duplicates == DuplicateNames::Refuse)
        throw Error(where + ": the archive holds more than one member named '" + m.name +
                    "' (which one is meant is ambiguous)");
    ZipMember& kept = members[slot->second];
    m.entries = kept.entries + 1;
    kept = std::move(m);
}

} // namespace

std::vector<ZipMember> readZipDirectory(const uint8_t* data, size_t size, const std::string& where,
                                        DuplicateNames duplicates)
{
    const CentralDirectory cd = centralDirectory(data, findEndRecord(data, size, where), where);
    std::vector<ZipMember> members;
    std::unordered_map<std::string, size_t> slots;
    members.reserve(static_cast<size_t>(cd.count));
    uint64_t p = cd.offset;
    for (uint64_t i = 0; i < cd.count; ++i) {
        uint64_t entrySize = 0;
        addMember(members, slots, readCentralEntry(data, p, cd, i, entrySize, where), duplicates,
                  where);
        p += entrySize;
    }
    return members;
}

// Inflates the first `want` bytes (or all of them) of a raw-deflate member into out.
// Returns the number of bytes produced; with `all`, also checks the stream ends exactly there.
size_t inflateZipMember(const uint8_t* src, uint64_t srcLen, uint8_t* out, size_t want, bool all,
                        const std::string& where)
{
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
        throw Error(where + ": cannot initialise zlib");
    size_t produced = 0;
    uint64_t consumed = 0;
    int ret = Z_OK;
    const uInt kMaxChunk = std::numeric_limits<uInt>::max() / 2;
    while (produced < want) {
        if (zs.avail_in == 0 && consumed < srcLen) {
            const uint64_t chunk = std::min<uint64_t>(srcLen - consumed, kMaxChunk);
            zs.next_in = const_cast<Bytef*>(src + consumed);
            zs.avail_in = static_cast<uInt>(chunk);
            consumed += chunk;
        }
        zs.next_out = out + produced;
        zs.avail_out = static_cast<uInt>(std::min<size_t>(want - produced, kMaxChunk));
        const uInt before = zs.avail_out;
        ret = inflate(&zs, Z_NO_FLUSH);
        produced += before - zs.avail_out;
        if (ret == Z_STREAM_END)
            break;
        if (ret != Z_OK && ret != Z_BUF_ERROR) {
            const std::string msg = zs.msg ? zs.msg : "error " + std::to_string(ret);
            inflateEnd(&zs);
            throw Error(where + ": corrupt deflate data (" + msg + ")");
        }
        if (ret == Z_BUF_ERROR && zs.avail_in == 0 && consumed >= srcLen) {
            inflateEnd(&zs);
            throw Error(where + ": compressed data ends early (" + std::to_string(produced) +
                        " of " + std::to_string(want) + " bytes)");
        }
    }
    if (all && ret != Z_STREAM_END) {
        // The output is full: the stream must end now, with no further data.
        uint8_t extra;
        zs.next_out = &extra;
        zs.avail_out = 1;
        if (zs.avail_in == 0 && consumed < srcLen) {
            const uint64_t chunk = std::min<uint64_t>(srcLen - consumed, kMaxChunk);
            zs.next_in = const_cast<Bytef*>(src + consumed);
            zs.avail_in = static_cast<uInt>(chunk);
            consumed += chunk;
        }
        ret = inflate(&zs, Z_NO_FLUSH);
        if (ret != Z_STREAM_END || zs.avail_out == 0) {
            inflateEnd(&zs);
            throw Error(where + ": member inflates to more than the " + std::to_string(want) +
                        " bytes the directory claims");
        }
    }
    inflateEnd(&zs);
    if (all && produced != want)
        throw Error(where + ": member inflates to " + std::to_string(produced) +
                    " bytes but the directory claims " + std::to_string(want));
    return produced;
}

void checkZipMethod(const ZipMember& m, const std::string& where)
{
    if (m.method != 0 && m.method != 8)
        throw Error(where + ": member '" + m.name + "' uses compression method " +
                    std::to_string(m.method) + " (only stored and deflated are supported)");
    if (m.method == 8 && m.uncompressedSize > m.compressedSize * kMaxDeflateRatio + 1024)
        throw Error(where + ": member '" + m.name + "' claims " +
                    std::to_string(m.uncompressedSize) + " bytes from " +
                    std::to_string(m.compressedSize) +
                    " compressed bytes, more than deflate can produce");
}

const uint8_t* zipMemberBytes(const uint8_t* data, const ZipMember& m, std::vector<uint8_t>& buffer,
                              const std::string& where)
{
    checkZipMethod(m, where);
    const uint8_t* src = data + m.dataOffset;
    if (m.method == 8) {
        buffer.assign(static_cast<size_t>(m.uncompressedSize), 0);
        inflateZipMember(src, m.compressedSize, buffer.data(), buffer.size(), true, where);
        src = buffer.data();
    }
    const uLong crc = crc32_z(0L, src, static_cast<z_size_t>(m.uncompressedSize));
    if (crc != m.crc32)
        throw Error(where + ": CRC-32 mismatch (data corrupt)");
    return src;
}

} // namespace qs
