#include "core/io/npz.h"

#include "core/base/error.h"
#include "core/io/element_convert.h"
#include "core/io/mapped_file.h"
#include "core/io/npy.h"

#include <algorithm>
#include <unordered_set>

namespace qs {

namespace {

std::string memberStem(const std::string& name)
{
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
        return name.substr(0, name.size() - 4);
    return name;
}

// The members' tensor names: each name without ".npy", unless another member is called that
// (np.load's lookup would find the other one, so the full name is kept).
std::vector<std::string> tensorNames(const std::vector<ZipMember>& members)
{
    std::unordered_set<std::string> taken;
    for (const auto& m : members)
        taken.insert(m.name);
    std::vector<std::string> names;
    for (const auto& m : members) {
        const std::string stem = memberStem(m.name);
        names.push_back(stem != m.name && taken.count(stem) ? m.name : stem);
    }
    return names;
}

// "arr_0, w" for error messages.
std::string joinTensorNames(const std::vector<ZipMember>& members)
{
    std::string joined;
    for (const std::string& name : tensorNames(members))
        joined += (joined.empty() ? "" : ", ") + name;
    return joined;
}

const ZipMember& findMember(const std::vector<ZipMember>& members, const std::string& member,
                            const std::string& where)
{
    if (members.empty())
        throw Error(where + ": archive has no members");
    if (member.empty()) {
        if (members.size() == 1)
            return members[0];
        throw Error(where + ": holds " + std::to_string(members.size()) +
                    " arrays; pick one with PATH:NAME (" + joinTensorNames(members) + ")");
    }
    // np.load's order: the exact member name, then the name with ".npy".
    for (const std::string& name : {member, member + ".npy"})
        for (const auto& m : members)
            if (m.name == name)
                return m;
    throw Error(where + ": no array named '" + member + "' (arrays: " + joinTensorNames(members) +
                ")");
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

// Several entries of one name: np.load reads the last one, and so does every function here.
std::vector<ZipMember> npzMembers(const uint8_t* data, size_t size, const std::string& where)
{
    return readZipDirectory(data, size, where, DuplicateNames::LastWins);
}

} // namespace

std::vector<TensorInfo> listNpz(const uint8_t* data, size_t size, const std::string& where)
{
    const auto members = npzMembers(data, size, where);
    const std::vector<std::string> names = tensorNames(members);
    std::vector<TensorInfo> out;
    for (size_t i = 0; i < members.size(); ++i) {
        const ZipMember& m = members[i];
        const std::string w = where + ":" + m.name;
        checkZipMethod(m, where);
        const NpyHeader h = memberHeader(data, m, w);
        TensorInfo info;
        info.name = names[i];
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
    const auto members = npzMembers(data, size, where);
    const ZipMember& m = findMember(members, member, where);
    const std::string w = where + ":" + m.name;
    if (warnings && m.entries > 1)
        warnings->push_back(where + ": the archive holds " + std::to_string(m.entries) +
                            " members named '" + m.name +
                            "'; the last one is read, as np.load does");
    checkZipMethod(m, where);
    if (m.method != 0)
        memberHeader(data, m, w); // validates the npy header before the big allocation
    std::vector<uint8_t> buf;
    const uint8_t* bytes = zipMemberBytes(data, m, buf, w);
    return decodeNpy(bytes, static_cast<size_t>(m.uncompressedSize), w,
                     tensorNames(members)[size_t(&m - members.data())], warnings);
}

} // namespace qs
