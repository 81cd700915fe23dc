#include "core/io/torch_checkpoint.h"

#include "core/base/error.h"
#include "core/io/element_convert.h"
#include "core/io/mapped_file.h"
#include "core/io/parsed_cache.h"
#include "core/io/pickle.h"
#include "core/io/zip.h"

#include <map>

namespace qs {

namespace {

using Kind = PickleValue::Kind;

constexpr int kMaxNesting = 64;
// Paths walked while naming tensors: shared sub-dicts are walked once per path that reaches them.
constexpr size_t kMaxVisits = size_t(1) << 20;
constexpr size_t kMaxTensors = size_t(1) << 17;
constexpr size_t kMaxNameLength = 512;

struct NamedTensor {
    std::string name;
    size_t value; // a Tensor in the program
};

struct Checkpoint {
    std::vector<ZipMember> members;
    std::string prefix; // "archive/" of "archive/data.pkl"
    PickleProgram program;
    std::vector<NamedTensor> tensors;
};

[[noreturn]] void refuseLegacy(const std::string& where)
{
    throw Error(where + ": legacy PyTorch format (before 1.6) is not supported: re-save with "
                        "torch.save in a newer PyTorch");
}

const ZipMember* memberNamed(const std::vector<ZipMember>& members, const std::string& name)
{
    for (const auto& m : members)
        if (m.name == name)
            return &m;
    return nullptr;
}

// <prefix>/data.pkl with a prefix of one folder (torch names it after the file).
const ZipMember& findPickle(const std::vector<ZipMember>& members, std::string& prefix,
                            const std::string& where)
{
    const std::string tail = "/data.pkl";
    for (const auto& m : members) {
        const size_t slash = m.name.find('/');
        if (slash != std::string::npos && slash > 0 &&
            m.name.compare(slash, std::string::npos, tail) == 0) {
            prefix = m.name.substr(0, slash + 1);
            return m;
        }
    }
    throw Error(where + ": zip archive has no <name>/data.pkl: not a PyTorch checkpoint");
}

class Namer {
public:
    Namer(const PickleProgram& p, const std::string& where) : m_p(p), m_where(where) {}

    std::vector<NamedTensor> run()
    {
        const PickleValue& root = m_p.values[m_p.root];
        visit(m_p.root, root.kind == Kind::Tensor ? "tensor" : "", 0);
        std::vector<NamedTensor> out;
        for (const auto& name : m_order)
            out.push_back({name, m_byName[name]});
        return out;
    }

private:
    const PickleProgram& m_p;
    const std::string& m_where;
    size_t m_visits = 0;
    std::vector<std::string> m_order;
    std::map<std::string, size_t> m_byName;

    static std::string join(const std::string& a, const std::string& b)
    {
        return a.empty() ? b : a + "." + b;
    }

    void visit(size_t v, const std::string& name, int depth)
    {
        if (++m_visits > kMaxVisits)
            throw Error(m_where + ": checkpoint structure has more than " +
                        std::to_string(kMaxVisits) + " entries");
        if (depth > kMaxNesting)
            throw Error(m_where + ": checkpoint nests deeper than " + std::to_string(kMaxNesting) +
                        " levels");
        if (name.size() > kMaxNameLength)
            throw Error(m_where + ": checkpoint has a name longer than " +
                        std::to_string(kMaxNameLength) + " characters");
        const PickleValue& x = m_p.values[v];
        if (x.kind == Kind::Tensor) {
            if (m_order.size() >= kMaxTensors)
                throw Error(m_where + ": checkpoint holds more than " +
                            std::to_string(kMaxTensors) + " tensors");
            if (m_byName.emplace(name, v).second)
                m_order.push_back(name);
            else
                m_byName[name] = v;
        } else if (x.kind == Kind::Dict) {
            for (size_t i = 0; i + 1 < x.items.size(); i += 2) {
                const PickleValue& key = m_p.values[x.items[i]];
                if (key.kind == Kind::String)
                    visit(x.items[i + 1], join(name, key.text), depth + 1);
                else if (key.kind == Kind::Int)
                    visit(x.items[i + 1], join(name, std::to_string(key.integer)), depth + 1);
            }
        } else if (x.kind == Kind::List || x.kind == Kind::Tuple) {
            for (size_t i = 0; i < x.items.size(); ++i)
                visit(x.items[i], join(name, std::to_string(i)), depth + 1);
        }
    }
};

const ZipMember& storageMember(const Checkpoint& c, const PickleValue& storage,
                               const std::string& where)
{
    const ZipMember* m = memberNamed(c.members, c.prefix + "data/" + storage.text);
    if (!m)
        throw Error(where + ": storage '" + storage.text + "' has no member " + c.prefix + "data/" +
                    storage.text);
    return *m;
}

// Checks the view against the storage: the storage's elements fit its member and the largest
// element index the view reaches lies inside the storage.
void checkView(const Checkpoint& c, const NamedTensor& t, const std::string& where)
{
    const PickleValue& v = c.program.values[t.value];
    const PickleValue& s = c.program.values[v.items[0]];
    const std::string w = where + ":" + t.name;
    const ZipMember& m = storageMember(c, s, w);
    const uint64_t es = elementSize(s.type);
    if (static_cast<uint64_t>(s.integer) > m.uncompressedSize / es)
        throw Error(w + ": storage claims " + std::to_string(s.integer) +
                    " elements but its member holds " + std::to_string(m.uncompressedSize) +
                    " bytes");
    const int64_t numel = shapeProduct(v.size);
    if (numel == 0)
        return;
    if (numel > s.integer)
        throw Error(w + ": view of " + std::to_string(numel) +
                    " elements is larger than its storage of " + std::to_string(s.integer));
    int64_t last = v.integer;
    for (size_t i = 0; i < v.size.size(); ++i) {
        int64_t step = 0;
        if (__builtin_mul_overflow(v.size[i] - 1, v.stride[i], &step) ||
            __builtin_add_overflow(last, step, &last))
            last = INT64_MAX;
    }
    if (last >= s.integer)
        throw Error(w + ": view (offset " + std::to_string(v.integer) + ") reaches element " +
                    std::to_string(last) + " of a storage of " + std::to_string(s.integer));
}

Checkpoint openCheckpoint(const uint8_t* data, size_t size, const std::string& where)
{
    if (size >= 2 && data[0] == 0x80 && data[1] <= 5)
        refuseLegacy(where);
    Checkpoint c;
    // torch.load finds a member by a binary search over the sorted names, so which of two
    // entries of one name it reads depends on the rest of the archive: such a file is refused.
    c.members = readZipDirectory(data, size, where, DuplicateNames::Refuse);
    const ZipMember& pkl = findPickle(c.members, c.prefix, where);
    std::vector<uint8_t> buffer;
    if (const ZipMember* order = memberNamed(c.members, c.prefix + "byteorder")) {
        const uint8_t* b = zipMemberBytes(data, *order, buffer, where);
        if (std::string(reinterpret_cast<const char*>(b),
                        static_cast<size_t>(order->uncompressedSize)) != "little")
            throw Error(where + ": big-endian checkpoints are not supported");
    }
    const uint8_t* bytes = zipMemberBytes(data, pkl, buffer, where);
    c.program = unpickleRestricted(bytes, static_cast<size_t>(pkl.uncompressedSize), where);
    c.tensors = Namer(c.program, where).run();
    for (const NamedTensor& t : c.tensors)
        checkView(c, t, where);
    return c;
}

TensorInfo infoOf(const Checkpoint& c, const NamedTensor& t)
{
    const PickleValue& v = c.program.values[t.value];
    TensorInfo info;
    info.name = t.name;
    info.dtype = elementTypeName(v.type);
    info.shape = v.size;
    info.numel = shapeProduct(v.size);
    info.bytes = info.numel * static_cast<int64_t>(elementSize(v.type));
    return info;
}

const NamedTensor& findTensor(const Checkpoint& c, const std::string& name,
                              const std::string& where)
{
    std::string names;
    for (const auto& t : c.tensors) {
        if (t.name == name || (name.empty() && c.tensors.size() == 1))
            return t;
        names += (names.empty() ? "" : ", ") + t.name;
    }
    if (c.tensors.empty())
        throw Error(where + ": checkpoint holds no tensors");
    if (name.empty())
        throw Error(where + ": holds " + std::to_string(c.tensors.size()) +
                    " tensors; pick one with PATH:NAME (" + names + ")");
    throw Error(where + ": no tensor named '" + name + "' (tensors: " + names + ")");
}

// Converts the view's elements in row-major order: runs along the last axis when it is
// contiguous, element by element otherwise.
void gatherView(const uint8_t* storage, const PickleValue& v, float* out, ConversionStats& stats)
{
    const size_t es = elementSize(v.type);
    const size_t rank = v.size.size();
    const int64_t numel = shapeProduct(v.size);
    if (numel == 0)
        return;
    const int64_t inner = rank ? v.size[rank - 1] : 1, innerStride = rank ? v.stride[rank - 1] : 1;
    std::vector<int64_t> index(rank, 0);
    for (int64_t done = 0; done < numel; done += inner) {
        int64_t at = v.integer;
        for (size_t d = 0; d + 1 < rank; ++d)
            at += index[d] * v.stride[d];
        if (innerStride == 1 || inner == 1)
            convertToFloat(storage + static_cast<size_t>(at) * es, v.type, false, inner, out + done,
                           stats);
        else
            for (int64_t j = 0; j < inner; ++j)
                convertToFloat(storage + static_cast<size_t>(at + j * innerStride) * es, v.type,
                               false, 1, out + done + j, stats);
        for (size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
            if (++index[d] < v.size[d])
                break;
            index[d] = 0;
        }
    }
}

std::vector<TensorInfo> infosOf(const Checkpoint& c)
{
    std::vector<TensorInfo> out;
    for (const NamedTensor& t : c.tensors)
        out.push_back(infoOf(c, t));
    return out;
}

// One tensor of an opened checkpoint whose archive is `data`.
Tensor loadNamed(const uint8_t* data, const Checkpoint& c, const std::string& where,
                 const std::string& name, std::vector<std::string>* warnings)
{
    const NamedTensor& t = findTensor(c, name, where);
    const PickleValue& v = c.program.values[t.value];
    const PickleValue& s = c.program.values[v.items[0]];
    const std::string w = where + ":" + t.name;
    std::vector<uint8_t> buffer;
    const uint8_t* storage = zipMemberBytes(data, storageMember(c, s, w), buffer, w);
    std::vector<float> values(static_cast<size_t>(shapeProduct(v.size)));
    ConversionStats stats;
    gatherView(storage, v, values.data(), stats);
    const std::string warning =
        conversionWarning(w, v.type, static_cast<int64_t>(values.size()), stats);
    if (warnings && !warning.empty())
        warnings->push_back(warning);
    Tensor out(t.name, v.size, std::move(values));
    out.dtype = elementTypeName(v.type);
    return out;
}

// A checkpoint mapped and its pickle read, kept between loads of its tensors.
struct OpenedFile {
    MappedFile file;
    std::string where;
    Checkpoint checkpoint;

    explicit OpenedFile(const std::string& path)
        : file(path), where(fileDisplayName(path)),
          checkpoint(openCheckpoint(file.data(), file.size(), where))
    {
    }
};

std::shared_ptr<const OpenedFile> openedFile(const std::string& path)
{
    static ParsedFileCache<OpenedFile> cache;
    return cache.get(path);
}

} // namespace

std::vector<TensorInfo> listTorch(const uint8_t* data, size_t size, const std::string& where)
{
    return infosOf(openCheckpoint(data, size, where));
}

Tensor loadTorchTensor(const uint8_t* data, size_t size, const std::string& where,
                       const std::string& name, std::vector<std::string>* warnings)
{
    return loadNamed(data, openCheckpoint(data, size, where), where, name, warnings);
}

std::vector<TensorInfo> listTorch(const std::string& path)
{
    return infosOf(openedFile(path)->checkpoint);
}

Tensor loadTorch(const std::string& path, const std::string& name,
                 std::vector<std::string>* warnings)
{
    const auto f = openedFile(path);
    return loadNamed(f->file.data(), f->checkpoint, f->where, name, warnings);
}

} // namespace qs
