// Importance vectors from imatrix files and .npy vectors (see imatrix.h).
#include "core/io/imatrix.h"

#include "core/base/error.h"
#include "core/io/gguf.h"
#include "core/io/mapped_file.h"
#include "core/io/npy.h"

#include <cmath>
#include <cstring>
#include <utility>

namespace qs {

namespace {

const char kSums[] = ".in_sum2";
const char kCounts[] = ".counts";

bool isGguf(const uint8_t* data, size_t size)
{
    return size >= 4 && std::memcmp(data, "GGUF", 4) == 0;
}

// Every value finite and >= 0, else an error naming the entry and the first bad column.
void checkValues(const Importance& imp, const std::string& where)
{
    const int64_t columns = imp.source.columns;
    for (size_t i = 0; i < imp.values.size(); ++i) {
        const float v = imp.values[i];
        if (std::isfinite(v) && v >= 0)
            continue;
        std::string at = "column " + std::to_string(int64_t(i) % columns);
        if (imp.source.groups > 1)
            at += " of expert " + std::to_string(int64_t(i) / columns);
        const std::string entry = imp.source.tensor.empty() ? "" : " '" + imp.source.tensor + "'";
        throw Error(where + ": importance" + entry + " is " + std::to_string(v) + " at " + at +
                    "; importance must be finite and non-negative");
    }
}

// Little-endian reader over the legacy file with a bounds check on every read.
class LegacyReader {
public:
    LegacyReader(const uint8_t* data, size_t size, const std::string& where)
        : m_data(data), m_size(size), m_where(where)
    {
    }
    size_t left() const { return m_size - m_pos; }
    int32_t i32(const char* what)
    {
        need(4, what);
        int32_t v;
        std::memcpy(&v, m_data + m_pos, 4);
        m_pos += 4;
        return v;
    }
    // A count read as int32 that must lie in [lo, left() / unit].
    int64_t count(const char* what, int64_t lo, size_t unit)
    {
        const int64_t v = i32(what);
        if (v < lo || uint64_t(v) > left() / unit)
            throw Error(m_where + ": " + what + " is " + std::to_string(v) + " but " +
                        std::to_string(left()) + " bytes are left in the file (legacy imatrix)");
        return v;
    }
    const uint8_t* take(size_t n)
    {
        const uint8_t* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error(m_where + ": " + what + " (legacy imatrix)");
    }

private:
    void need(size_t n, const char* what) const
    {
        if (left() < n)
            fail("the file ends inside " + std::string(what) + " at byte " + std::to_string(m_pos));
    }
    const uint8_t* m_data;
    size_t m_size, m_pos = 0;
    std::string m_where;
};

// Walks the legacy entries: visit(name, ncall, values, nval) for each; validates the optional
// trailing dataset name.
template <class Visit>
void walkLegacy(const uint8_t* data, size_t size, const std::string& where, Visit&& visit)
{
    LegacyReader in(data, size, where);
    const int64_t entries = in.count("the entry count", 1, 12);
    for (int64_t e = 0; e < entries; ++e) {
        const int64_t length = in.count("a name length", 1, 1);
        const std::string name(reinterpret_cast<const char*>(in.take(size_t(length))),
                               size_t(length));
        const int32_t ncall = in.i32("a call count");
        const int64_t nval = in.count(("the value count of '" + name + "'").c_str(), 1, 4);
        visit(name, ncall, in.take(size_t(nval) * 4), nval);
    }
    if (in.left() == 0)
        return;
    in.i32("the chunk count after the entries");
    const int64_t length = in.count("the dataset name length", 0, 1);
    in.take(size_t(length));
    if (in.left() != 0)
        in.fail(std::to_string(in.left()) + " unexpected bytes after the dataset name");
}

Importance legacyEntry(const uint8_t* data, size_t size, const std::string& where,
                       const std::string& tensor)
{
    Importance imp;
    bool found = false;
    walkLegacy(data, size, where,
               [&](const std::string& name, int32_t ncall, const uint8_t* values, int64_t nval) {
                   if (name != tensor) // a repeated name: the last entry counts, as in llama.cpp
                       return;
                   found = true;
                   imp.values.resize(size_t(nval));
                   std::memcpy(imp.values.data(), values, size_t(nval) * 4);
                   if (ncall > 0)
                       for (float& v : imp.values)
                           v /= ncall;
                   imp.source.columns = nval;
               });
    if (!found)
        throw Error(where + ": the imatrix has no entry for tensor '" + tensor + "'");
    return imp;
}

const GgufTensor* findTensor(const GgufHeader& h, const std::string& name)
{
    for (const GgufTensor& t : h.tensors)
        if (t.info.name == name)
            return &t;
    return nullptr;
}

// The sums and counts of `tensor` in a GGUF imatrix, checked for type and shape.
std::pair<const GgufTensor*, const GgufTensor*>
ggufPair(const GgufHeader& h, const std::string& where, const std::string& tensor)
{
    const GgufTensor* sums = findTensor(h, tensor + kSums);
    const GgufTensor* counts = findTensor(h, tensor + kCounts);
    if (!sums && !counts)
        throw Error(where + ": the imatrix has no entry for tensor '" + tensor + "' (no '" +
                    tensor + kSums + "')");
    if (!sums || !counts)
        throw Error(where + ": the imatrix has '" + tensor + (sums ? kSums : kCounts) +
                    "' but no '" + tensor + (sums ? kCounts : kSums) + "'");
    for (const GgufTensor* t : {sums, counts})
        if (t->info.dtype != "F32")
            throw Error(where + ": '" + t->info.name + "' is " + t->info.dtype +
                        ", an imatrix stores F32");
    const int64_t columns = sums->info.shape.empty() ? 1 : sums->info.shape.back();
    const int64_t experts = columns > 0 ? sums->info.numel / columns : 0;
    if (counts->info.numel != experts)
        throw Error(where + ": '" + counts->info.name + "' holds " +
                    std::to_string(counts->info.numel) + " counts for the " +
                    std::to_string(experts) + " expert slice(s) of '" + sums->info.name + "'");
    return {sums, counts};
}

Importance ggufEntry(const uint8_t* data, size_t size, const std::string& where,
                     const std::string& tensor)
{
    const GgufHeader h = parseGgufHeader(data, size, where, false);
    const auto pair = ggufPair(h, where, tensor);
    const Tensor sums = loadGgufTensor(data, size, where, pair.first->info.name);
    const Tensor counts = loadGgufTensor(data, size, where, pair.second->info.name);
    Importance imp;
    imp.source.columns = sums.shape.empty() ? 1 : sums.shape.back();
    imp.source.groups = counts.numel();
    imp.values.resize(sums.data.size());
    for (int64_t j = 0; j < imp.source.groups; ++j) {
        const float count = counts.data[size_t(j)];
        if (!std::isfinite(count) || count < 0)
            throw Error(where + ": '" + counts.name + "' holds the count " + std::to_string(count) +
                        " for expert " + std::to_string(j) +
                        "; counts are finite and non-negative");
        const size_t first = size_t(j * imp.source.columns);
        for (size_t i = first; i < first + size_t(imp.source.columns); ++i)
            imp.values[i] = count > 0.0f ? sums.data[i] / count : 1.0f; // 1: never saw input
    }
    return imp;
}

} // namespace

Importance parseImatrix(const uint8_t* data, size_t size, const std::string& where,
                        const std::string& tensor)
{
    if (size == 0)
        throw Error(where + ": the imatrix file is empty");
    Importance imp = isGguf(data, size) ? ggufEntry(data, size, where, tensor)
                                        : legacyEntry(data, size, where, tensor);
    imp.source.file = where;
    imp.source.tensor = tensor;
    checkValues(imp, where);
    return imp;
}

std::vector<std::string> imatrixEntries(const uint8_t* data, size_t size, const std::string& where)
{
    std::vector<std::string> names;
    if (isGguf(data, size)) {
        const std::string suffix = kSums;
        for (const GgufTensor& t : parseGgufHeader(data, size, where, false).tensors) {
            const std::string& n = t.info.name;
            if (n.size() > suffix.size() &&
                n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
                names.push_back(n.substr(0, n.size() - suffix.size()));
        }
        return names;
    }
    walkLegacy(data, size, where, [&](const std::string& name, int32_t, const uint8_t*, int64_t) {
        names.push_back(name);
    });
    return names;
}

Importance loadImatrix(const std::string& path, const std::string& tensor)
{
    Importance imp = parseMappedFile(path, parseImatrix, tensor);
    imp.source.file = path;
    return imp;
}

Importance loadImportanceNpy(const std::string& path)
{
    const std::string where = fileDisplayName(path);
    Tensor t = loadNpy(path);
    if (t.shape.size() != 1)
        throw Error(where +
                    ": an importance vector is 1-D (one value per column); this array "
                    "is " +
                    shapeString(t.shape));
    Importance imp;
    imp.source.file = path;
    imp.source.columns = t.numel();
    imp.values = std::move(t.data);
    checkValues(imp, where);
    return imp;
}

namespace {

bool isNpyPath(const std::string& path)
{
    return path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
}

} // namespace

Importance loadImportance(const std::string& path, const std::string& tensor)
{
    return isNpyPath(path) ? loadImportanceNpy(path) : loadImatrix(path, tensor);
}

size_t checkImportanceFile(const std::string& path)
{
    if (isNpyPath(path)) {
        loadImportanceNpy(path);
        return 1;
    }
    const MappedFile file(path);
    const std::string where = fileDisplayName(path);
    const std::vector<std::string> entries = imatrixEntries(file.data(), file.size(), where);
    if (entries.empty())
        throw Error(where + ": the imatrix has no entries");
    for (const std::string& entry : entries)
        parseImatrix(file.data(), file.size(), where, entry);
    return entries.size();
}

void checkImportanceFits(const Importance& importance, const std::vector<int64_t>& shape,
                         const std::string& tensorName)
{
    const ImportanceSource& s = importance.source;
    const std::string from = fileDisplayName(s.file) + (s.tensor.empty() ? "" : ":" + s.tensor);
    const int64_t row = shape.empty() ? 1 : shape.back();
    if (s.columns != row)
        throw Error(from + ": the importance has " + std::to_string(s.columns) +
                    " columns, but the rows of tensor '" + tensorName + "' (" + shapeString(shape) +
                    ") have " + std::to_string(row));
    if (int64_t(importance.values.size()) != s.columns * s.groups)
        throw Error(from + ": the importance holds " + std::to_string(importance.values.size()) +
                    " values for " + std::to_string(s.groups) + " x " + std::to_string(s.columns));
    if (s.groups > 1 && (shape.size() != 3 || shape[0] != s.groups))
        throw Error(from + ": the importance has " + std::to_string(s.groups) +
                    " expert slices, so tensor '" + tensorName +
                    "' must be 3-D with as many experts first; its shape is " + shapeString(shape));
}

} // namespace qs
