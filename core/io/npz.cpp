#include "core/io/npz.h"

#include "core/base/error.h"
#include "core/io/element_convert.h"
#include "core/io/mapped_file.h"
#include "core/io/npy.h"

#include <algorithm>

namespace qs {

namespace {

std::string memberStem(const std::string& name)
{
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
        return name.substr(0, name.size() - 4);
    return name;
}

const ZipMember& findMember(const std::vector<ZipMember>& members, const std::string& member,
                            const std::string& where)
{
    if (members.empty())
        throw Error(where + ": archive has no members");
    if (member.empty()) {
        if (members.size() == 1)
            return members[0];
        std::string names;
        for (const auto& m : members)
            names += (names.empty() ? "" : ", ") + memberStem(m.name);
        throw Error(where + ": holds " + std::to_string(members.size()) +
                    " arrays; pick one with PATH:NAME (" + names + ")");
    }
    for (const auto& m : members)
        if (m.name == member || memberStem(m.name) == member || m.name == member + ".npy")
            return m;
    std::string names;
    for (const auto& m : members)
        names += (names.empty() ? "" : ", ") + memberStem(m.name);
    throw Error(where + ": no array named '" + member + "' (arrays: " + names + ")");
}

// The member's npy header, from the mapped bytes or by inflating just the preamble.
NpyHeader memberHeader(const uint8_t* data, const ZipMember& m, const std::string& where)
{
    const uint8_t* src = data + m.dataOffset;
    if (m.method == 0)
        return parseNpyHeader(src, static_cast<size_t>(m.uncompressedSize), where, true);
    std::vector<uint8_t> pre(static_cast<size_t>(std::min<uint64_t>(m.uncompressedSize, 12)));
    size_t got = inflateZipMember(src, m.compressedSize, pre.data(), pre.size(), false, where);
    pre.resize(got);
    size_t need = got;
    if (got >= 10 && pre[6] >= 1 && pre[6] <= 3) {
        const size_t lenBytes = pre[6] == 1 ? 2 : 4;
        if (got >= 8 + lenBytes) {
            const uint64_t hl = readLE(pre.data() + 8, static_cast<int>(lenBytes));
            if (hl <= kNpyMaxHeaderLength)
                need =
                    static_cast<size_t>(std::min<uint64_t>(m.uncompressedSize, 8 + lenBytes + hl));
        }
    }
    if (need > got) {
        pre.assign(need, 0);
        pre.resize(inflateZipMember(src, m.compressedSize, pre.data(), need, false, where));
    }
    NpyHeader h = parseNpyHeader(pre.data(), pre.size(), where, false);
    if (h.dataOffset + h.dataBytes != m.uncompressedSize)
        throw Error(where + ": header says " + std::to_string(h.numel) + " " +
                    elementTypeName(h.type) + " values (" + std::to_string(h.dataBytes) +
                    " bytes) but the member holds " +
                    std::to_string(m.uncompressedSize -
                                   std::min<uint64_t>(m.uncompressedSize, h.dataOffset)) +
                    " data bytes");
    return h;
}

} // namespace

std::vector<TensorInfo> listNpz(const uint8_t* data, size_t size, const std::string& where)
{
    const auto members = readZipDirectory(data, size, where);
    std::vector<TensorInfo> out;
    for (const auto& m : members) {
        const std::string w = where + ":" + m.name;
        checkZipMethod(m, where);
        const NpyHeader h = memberHeader(data, m, w);
        TensorInfo info;
        info.name = memberStem(m.name);
        info.dtype = h.descr;
        info.shape = h.shape;
        info.numel = h.numel;
        info.bytes = static_cast<int64_t>(h.dataBytes);
        out.push_back(std::move(info));
    }
    return out;
}

Tensor loadNpzMember(const uint8_t* data, size_t size, const std::string& where,
                     const std::string& member, std::vector<std::string>* warnings)
{
    const auto members = readZipDirectory(data, size, where);
    const ZipMember& m = findMember(members, member, where);
    const std::string w = where + ":" + m.name;
    checkZipMethod(m, where);
    if (m.method != 0)
        memberHeader(data, m, w); // validates the npy header before the big allocation
    std::vector<uint8_t> buf;
    const uint8_t* bytes = zipMemberBytes(data, m, buf, w);
    return decodeNpy(bytes, static_cast<size_t>(m.uncompressedSize), w, memberStem(m.name),
                     warnings);
}

} // namespace qs
