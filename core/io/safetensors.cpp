#include "core/io/safetensors.h"

#include "core/base/error.h"
#include "core/base/huge_pages.h"
#include "core/base/name_table.h"
#include "core/io/element_convert.h"
#include "core/io/mapped_file.h"
#include "core/io/parsed_cache.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace qs {

namespace {

using json = nlohmann::json;

struct Entry {
    TensorInfo info;
    ElementType type = ElementType::F32;
    uint64_t begin = 0, end = 0;
};

bool elementTypeFromName(const std::string& s, ElementType& t)
{
    static const Named<ElementType> names[] = {
        {ElementType::F64, "F64"},        {ElementType::F32, "F32"},
        {ElementType::F16, "F16"},        {ElementType::BF16, "BF16"},
        {ElementType::F8E4M3, "F8_E4M3"}, {ElementType::F8E5M2, "F8_E5M2"},
        {ElementType::I64, "I64"},        {ElementType::I32, "I32"},
        {ElementType::I16, "I16"},        {ElementType::I8, "I8"},
        {ElementType::U64, "U64"},        {ElementType::U32, "U32"},
        {ElementType::U16, "U16"},        {ElementType::U8, "U8"},
        {ElementType::Bool, "BOOL"}};
    const ElementType* found = valueIn(names, s);
    if (found)
        t = *found;
    return found != nullptr;
}

uint64_t readU64(const json& v, const std::string& what, const std::string& where)
{
    if (!v.is_number_unsigned())
        throw Error(where + ": " + what + " must be a non-negative integer");
    return v.get<uint64_t>();
}

// The JSON header after the 8-byte little-endian length; `bufferStart` receives the offset of
// the data buffer behind it.
json readJsonHeader(const uint8_t* data, size_t size, const std::string& where, size_t& bufferStart)
{
    if (size == 0)
        throw Error(where + ": file is empty");
    if (size < 8)
        throw Error(where + ": too short for a safetensors file (" + std::to_string(size) +
                    " bytes, the header length alone takes 8)");
    const uint64_t n = readLE(data, 8);
    if (n > kSafetensorsMaxHeader)
        throw Error(where + ": header length " + std::to_string(n) +
                    " bytes exceeds the limit of " + std::to_string(kSafetensorsMaxHeader));
    if (n > size - 8)
        throw Error(where + ": header length " + std::to_string(n) + " bytes but only " +
                    std::to_string(size - 8) + " bytes follow");
    if (n < 2 || data[8] != '{')
        throw Error(where + ": not a safetensors file (the header does not start with '{')");
    json header;
    try {
        header = json::parse(data + 8, data + 8 + n);
    } catch (const json::exception& e) {
        throw Error(where + ": invalid JSON header: " + e.what());
    }
    if (!header.is_object())
        throw Error(where + ": the JSON header is not an object");
    bufferStart = static_cast<size_t>(8 + n);
    return header;
}

// The entry's shape into e.info.shape; returns the number of elements.
int64_t readShape(const json& v, Entry& e, const std::string& w)
{
    const auto sh = v.find("shape");
    if (sh == v.end() || !sh->is_array())
        throw Error(w + ": missing array 'shape'");
    if (sh->size() > 64)
        throw Error(w + ": shape has more than 64 dimensions");
    int64_t numel = 1;
    for (const json& d : *sh) {
        const uint64_t dim = readU64(d, "every dimension of 'shape'", w);
        if (dim > uint64_t(INT64_MAX) || (dim != 0 && uint64_t(numel) > uint64_t(INT64_MAX) / dim))
            throw Error(w + ": shape has more elements than fit in 64 bits");
        numel *= static_cast<int64_t>(dim);
        e.info.shape.push_back(static_cast<int64_t>(dim));
    }
    return numel;
}

// The entry's data_offsets, checked against the buffer and against numel values of its dtype.
void readDataOffsets(const json& v, int64_t numel, uint64_t bufferSize, Entry& e,
                     const std::string& w)
{
    const auto off = v.find("data_offsets");
    if (off == v.end() || !off->is_array() || off->size() != 2)
        throw Error(w + ": 'data_offsets' must be an array [begin, end]");
    e.begin = readU64((*off)[0], "data_offsets", w);
    e.end = readU64((*off)[1], "data_offsets", w);
    if (e.end < e.begin)
        throw Error(w + ": data_offsets [" + std::to_string(e.begin) + ", " +
                    std::to_string(e.end) + "] end before they begin");
    if (e.end > bufferSize)
        throw Error(w + ": data_offsets [" + std::to_string(e.begin) + ", " +
                    std::to_string(e.end) + "] lie outside the " + std::to_string(bufferSize) +
                    "-byte data buffer");
    const size_t esz = elementSize(e.type);
    if (uint64_t(numel) > bufferSize / esz || uint64_t(numel) * esz != e.end - e.begin)
        throw Error(w + ": shape says " + std::to_string(numel) + " " + e.info.dtype + " values (" +
                    (uint64_t(numel) > UINT64_MAX / esz ? std::string("too many")
                                                        : std::to_string(uint64_t(numel) * esz)) +
                    " bytes) but data_offsets span " + std::to_string(e.end - e.begin) + " bytes");
}

// One tensor's header entry.
Entry parseEntry(const std::string& name, const json& v, uint64_t bufferSize,
                 const std::string& where)
{
    const std::string w = where + ": tensor '" + name + "'";
    if (!v.is_object())
        throw Error(w + ": entry is not an object");
    Entry e;
    e.info.name = name;
    const auto dt = v.find("dtype");
    if (dt == v.end() || !dt->is_string())
        throw Error(w + ": missing string 'dtype'");
    e.info.dtype = dt->get<std::string>();
    if (!elementTypeFromName(e.info.dtype, e.type))
        throw Error(w + ": unsupported dtype '" + e.info.dtype +
                    "' (supported: F64 F32 F16 BF16 F8_E4M3 F8_E5M2 I64 I32 I16 I8 U64 U32 "
                    "U16 U8 BOOL)");
    const int64_t numel = readShape(v, e, w);
    readDataOffsets(v, numel, bufferSize, e, w);
    e.info.numel = numel;
    e.info.bytes = static_cast<int64_t>(e.end - e.begin);
    return e;
}

// Sorted by begin, a range overlaps an earlier one iff it starts before the furthest end seen
// so far. Empty tensors occupy no bytes and cannot overlap anything.
void checkNoOverlap(const std::vector<Entry>& entries, const std::string& where)
{
    const Entry* furthest = nullptr;
    for (const Entry& b : entries) {
        if (b.end == b.begin)
            continue;
        if (furthest && b.begin < furthest->end) {
            const Entry& a = *furthest;
            throw Error(where + ": tensors '" + a.info.name + "' [" + std::to_string(a.begin) +
                        ", " + std::to_string(a.end) + ") and '" + b.info.name + "' [" +
                        std::to_string(b.begin) + ", " + std::to_string(b.end) +
                        ") overlap in the data buffer");
        }
        if (!furthest || b.end > furthest->end)
            furthest = &b;
    }
}

// Parses and validates the whole header; returns the entries sorted by begin offset and the
// start of the data buffer.
std::vector<Entry> parseHeader(const uint8_t* data, size_t size, const std::string& where,
                               size_t& bufferStart)
{
    const json header = readJsonHeader(data, size, where, bufferStart);
    const uint64_t bufferSize = size - bufferStart;
    std::vector<Entry> entries;
    for (auto it = header.begin(); it != header.end(); ++it)
        if (it.key() != "__metadata__")
            entries.push_back(parseEntry(it.key(), it.value(), bufferSize, where));
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    checkNoOverlap(entries, where);
    return entries;
}

// One tensor of a parsed file: `data` is the file, its data buffer starts at `start`.
Tensor loadEntry(const uint8_t* data, size_t start, const std::vector<Entry>& entries,
                 const std::string& where, const std::string& name,
                 std::vector<std::string>* warnings, std::vector<float> values)
{
    auto names = [&] {
        std::string s;
        for (const auto& e : entries)
            s += (s.empty() ? "" : ", ") + e.info.name;
        return s;
    };
    const Entry* chosen = nullptr;
    if (name.empty()) {
        if (entries.size() != 1)
            throw Error(where + (entries.empty()
                                     ? std::string(": holds no tensors")
                                     : ": holds " + std::to_string(entries.size()) +
                                           " tensors; pick one with PATH:NAME (" + names() + ")"));
        chosen = &entries[0];
    } else {
        for (const auto& e : entries)
            if (e.info.name == name)
                chosen = &e;
        if (!chosen)
            throw Error(where + ": no tensor named '" + name + "' (tensors: " + names() + ")");
    }
    if (values.capacity() < size_t(chosen->info.numel)) { // both threads fault in fresh memory
        reserveHugePages(values, size_t(chosen->info.numel));
        populatePages({capacityBytes(values)});
    }
    values.resize(static_cast<size_t>(chosen->info.numel));
    ConversionStats stats;
    convertToFloat(data + start + chosen->begin, chosen->type, false, chosen->info.numel,
                   values.data(), stats);
    if (warnings) {
        const std::string w = conversionWarning(where + ":" + chosen->info.name, chosen->type,
                                                chosen->info.numel, stats);
        if (!w.empty())
            warnings->push_back(w);
    }
    Tensor t(chosen->info.name, chosen->info.shape, std::move(values));
    t.dtype = chosen->info.dtype;
    return t;
}

std::vector<TensorInfo> infosOf(const std::vector<Entry>& entries)
{
    std::vector<TensorInfo> out;
    for (const Entry& e : entries)
        out.push_back(e.info);
    return out;
}

// A file mapped and its header parsed, kept between loads of its tensors.
struct ParsedFile {
    MappedFile file;
    std::string where;
    size_t start = 0;
    std::vector<Entry> entries;

    explicit ParsedFile(const std::string& path) : file(path), where(fileDisplayName(path))
    {
        entries = parseHeader(file.data(), file.size(), where, start);
    }
};

std::shared_ptr<const ParsedFile> parsedFile(const std::string& path)
{
    static ParsedFileCache<ParsedFile> cache;
    return cache.get(path);
}

} // namespace

std::vector<TensorInfo> listSafetensors(const uint8_t* data, size_t size, const std::string& where)
{
    size_t start = 0;
    return infosOf(parseHeader(data, size, where, start));
}

Tensor loadSafetensorsTensor(const uint8_t* data, size_t size, const std::string& where,
                             const std::string& name, std::vector<std::string>* warnings)
{
    size_t start = 0;
    const std::vector<Entry> entries = parseHeader(data, size, where, start);
    return loadEntry(data, start, entries, where, name, warnings, {});
}

std::vector<TensorInfo> listSafetensors(const std::string& path)
{
    return infosOf(parsedFile(path)->entries);
}

Tensor loadSafetensors(const std::string& path, const std::string& name,
                       std::vector<std::string>* warnings, std::vector<float> room)
{
    const auto f = parsedFile(path);
    Tensor t =
        loadEntry(f->file.data(), f->start, f->entries, f->where, name, warnings, std::move(room));
    f->file.releasePages();
    return t;
}

} // namespace qs
