#include "core/io/gguf.h"

#include "core/base/error.h"
#include "core/io/mapped_file.h"
#include "core/io/parsed_cache.h"

#include <set>
#include <utility>

namespace qs {

namespace {

constexpr int kMaxDims = 4;          // GGML_MAX_DIMS
constexpr int kMaxArrayNesting = 16; // arrays of arrays deeper than this are refused

// Reads little-endian fields from the file, checking each against the bytes left.
struct Reader {
    const uint8_t* data;
    size_t size;
    const std::string& where;
    bool keep = true; // store metadata values (false: validate only)
    size_t pos = 0;

    size_t left() const { return size - pos; }

    void need(uint64_t n, const char* what) const
    {
        if (n > left())
            throw Error(where + ": truncated: " + what + " at offset " + std::to_string(pos) +
                        " needs " + std::to_string(n) + " bytes but the file ends at " +
                        std::to_string(size));
    }

    uint64_t uint(int bytes, const char* what)
    {
        need(static_cast<uint64_t>(bytes), what);
        uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i)
            v = (v << 8) | data[pos + static_cast<size_t>(i)];
        pos += static_cast<size_t>(bytes);
        return v;
    }
    uint32_t u32(const char* what) { return static_cast<uint32_t>(uint(4, what)); }
    uint64_t u64(const char* what) { return uint(8, what); }

    // A string's bytes, left in the file.
    std::pair<const char*, size_t> stringBytes(const char* what)
    {
        const size_t at = pos;
        const uint64_t n = u64(what);
        if (n > left())
            throw Error(where + ": " + what + " at offset " + std::to_string(at) + " has length " +
                        std::to_string(n) + ", past the end of the file (" +
                        std::to_string(left()) + " bytes left)");
        const char* s = reinterpret_cast<const char*>(data + pos);
        pos += static_cast<size_t>(n);
        return {s, static_cast<size_t>(n)};
    }
    std::string string(const char* what)
    {
        const auto [s, n] = stringBytes(what);
        return std::string(s, n);
    }

    // Refuses a count of items needing at least minBytes each that cannot fit in the bytes left.
    void checkCount(uint64_t count, uint64_t minBytes, const char* what) const
    {
        if (count > left() / minBytes)
            throw Error(where + ": " + what + " " + std::to_string(count) + " at offset " +
                        std::to_string(pos) + " cannot fit in the " + std::to_string(left()) +
                        " bytes left in the file");
    }
};

// The fewest bytes a value of this type takes in the file.
uint64_t minValueBytes(GgufValueType t)
{
    if (t == GgufValueType::String)
        return 8; // its length
    if (t == GgufValueType::Array)
        return 12; // element type and count
    return ggufScalarSize(t);
}

GgufValueType valueType(uint32_t id, Reader& r, const std::string& key)
{
    if (id > static_cast<uint32_t>(GgufValueType::F64))
        throw Error(r.where + ": metadata '" + key + "' has unknown value type " +
                    std::to_string(id));
    return static_cast<GgufValueType>(id);
}

void checkBool(uint64_t b, Reader& r, const std::string& key)
{
    if (b > 1)
        throw Error(r.where + ": metadata '" + key + "' holds the bool value " + std::to_string(b) +
                    " (only 0 and 1 are valid)");
}

GgufValue readValue(Reader& r, GgufValueType type, const std::string& key, int depth);

void readArray(Reader& r, GgufValue& v, const std::string& key, int depth)
{
    if (depth >= kMaxArrayNesting)
        throw Error(r.where + ": metadata '" + key + "' nests arrays more than " +
                    std::to_string(kMaxArrayNesting) + " deep");
    v.elementType = valueType(r.u32("array element type"), r, key);
    v.count = r.u64("array length");
    const uint64_t minBytes = minValueBytes(v.elementType);
    r.checkCount(v.count, minBytes, "array length");
    if (v.elementType == GgufValueType::String) {
        for (uint64_t i = 0; i < v.count; ++i) {
            const auto [s, n] = r.stringBytes("metadata string");
            if (r.keep)
                v.strings.emplace_back(s, n);
        }
    } else if (v.elementType == GgufValueType::Array) {
        for (uint64_t i = 0; i < v.count; ++i) {
            GgufValue item = readValue(r, v.elementType, key, depth + 1);
            if (r.keep)
                v.items.push_back(std::move(item));
        }
    } else {
        const auto n = static_cast<size_t>(v.count * minBytes);
        if (v.elementType == GgufValueType::Bool)
            for (size_t i = 0; i < n; ++i)
                checkBool(r.data[r.pos + i], r, key);
        if (r.keep)
            v.raw.assign(reinterpret_cast<const char*>(r.data + r.pos), n);
        r.pos += n;
    }
}

GgufValue readValue(Reader& r, GgufValueType type, const std::string& key, int depth)
{
    GgufValue v;
    v.type = type;
    if (type == GgufValueType::String)
        v.text = r.string("metadata string");
    else if (type == GgufValueType::Array)
        readArray(r, v, key, depth);
    else
        v.bits = r.uint(static_cast<int>(ggufScalarSize(type)), "metadata value");
    if (type == GgufValueType::Bool)
        checkBool(v.bits, r, key);
    return v;
}

void readPreamble(Reader& r, GgufHeader& h)
{
    if (r.size == 0)
        throw Error(r.where + ": file is empty");
    if (r.size < 4 || std::string(reinterpret_cast<const char*>(r.data), 4) != "GGUF")
        throw Error(r.where + ": not a GGUF file (it does not start with \"GGUF\")");
    r.pos = 4;
    h.version = r.u32("version");
    if (h.version == 1)
        throw Error(r.where + ": GGUF version 1 is not supported (only versions 2 and 3); "
                              "convert the model with a current llama.cpp");
    if (h.version != 2 && h.version != 3 && (h.version & 0xffffu) == 0)
        throw Error(r.where + ": big-endian GGUF files are not supported");
    if (h.version != 2 && h.version != 3)
        throw Error(r.where + ": unsupported GGUF version " + std::to_string(h.version) +
                    " (supported: 2 and 3)");
}

void readMetadata(Reader& r, uint64_t count, GgufHeader& h)
{
    r.checkCount(count, 13, "metadata count"); // key length, value type, 1-byte value
    std::set<std::string> keys;
    for (uint64_t i = 0; i < count; ++i) {
        std::string key = r.string("metadata key");
        if (!keys.insert(key).second)
            throw Error(r.where + ": metadata key '" + key + "' appears twice");
        const GgufValueType type = valueType(r.u32("metadata value type"), r, key);
        GgufValue v = readValue(r, type, key, 0);
        if (r.keep || key == "general.alignment")
            h.metadata.emplace_back(std::move(key), std::move(v));
    }
    for (const auto& [key, v] : h.metadata) {
        if (key != "general.alignment")
            continue;
        if (v.type != GgufValueType::U32 || v.bits == 0 || (v.bits & (v.bits - 1)) != 0)
            throw Error(r.where + ": general.alignment must be a U32 power of two (it is " +
                        ggufValueTypeName(v.type) + " " + v.printable() + ")");
        h.alignment = v.bits;
    }
}

// Name, dimensions (validated, NumPy order), type and relative offset of one tensor.
GgufTensor readTensorInfo(Reader& r)
{
    GgufTensor t;
    t.info.name = r.string("tensor name");
    const std::string w = r.where + ": tensor '" + t.info.name + "'";
    const uint32_t nDims = r.u32("tensor dimension count");
    if (nDims < 1 || nDims > kMaxDims)
        throw Error(w + " has " + std::to_string(nDims) + " dimensions (1 to 4 are valid)");
    std::vector<int64_t> ne;
    int64_t numel = 1;
    for (uint32_t d = 0; d < nDims; ++d) {
        const uint64_t dim = r.u64("tensor dimension");
        if (dim == 0 || dim > uint64_t(INT64_MAX))
            throw Error(w + ": dimension " + std::to_string(d) + " is " + std::to_string(dim) +
                        " (must be between 1 and 2^63-1)");
        if (uint64_t(numel) > uint64_t(INT64_MAX) / dim)
            throw Error(w + ": shape has more elements than fit in 64 bits");
        numel *= static_cast<int64_t>(dim);
        ne.push_back(static_cast<int64_t>(dim));
    }
    const uint32_t typeId = r.u32("tensor type");
    t.type = ggmlTypeInfo(typeId);
    if (!t.type)
        throw Error(w + " has unknown ggml type id " + std::to_string(typeId));
    if (ne[0] % t.type->blockSize != 0)
        throw Error(w + ": rows of " + std::to_string(ne[0]) + " elements are not a multiple of " +
                    t.type->name + "'s block size " + std::to_string(t.type->blockSize));
    t.fileOffset = r.u64("tensor offset"); // relative until placeTensors()
    t.info.shape.assign(ne.rbegin(), ne.rend());
    t.info.numel = numel;
    t.info.dtype = t.type->name;
    t.info.bitsPerWeight = t.type->bitsPerWeight();
    return t;
}

// Checks alignment and bounds of every tensor and makes its offset absolute.
void placeTensors(Reader& r, GgufHeader& h)
{
    h.dataStart = r.pos + (h.alignment - r.pos % h.alignment) % h.alignment;
    const uint64_t dataBytes = h.dataStart <= r.size ? r.size - h.dataStart : 0;
    for (GgufTensor& t : h.tensors) {
        const std::string w = r.where + ": tensor '" + t.info.name + "'";
        const uint64_t blocks = uint64_t(t.info.numel) / uint64_t(t.type->blockSize);
        const uint64_t typeSize = uint64_t(t.type->typeSize);
        if (t.fileOffset % h.alignment != 0)
            throw Error(w + ": offset " + std::to_string(t.fileOffset) +
                        " is not a multiple of the alignment " + std::to_string(h.alignment));
        if (blocks > dataBytes / typeSize || t.fileOffset > dataBytes - blocks * typeSize)
            throw Error(w + ": data at offset " + std::to_string(t.fileOffset) + " (" +
                        (blocks > dataBytes / typeSize ? std::string("too many")
                                                       : std::to_string(blocks * typeSize)) +
                        " bytes) lies outside the " + std::to_string(dataBytes) +
                        "-byte data section");
        t.info.bytes = static_cast<int64_t>(blocks * typeSize);
        t.fileOffset += h.dataStart;
    }
}

const GgufTensor& pickTensor(const GgufHeader& h, const std::string& where, const std::string& name)
{
    std::vector<TensorInfo> infos;
    for (const auto& t : h.tensors)
        infos.push_back(t.info);
    return h.tensors[pickTensorIndex(infos, where, name)];
}

// The tensor's values as float32; types without a dequantizer are refused naming the type.
Tensor decodeGgufTensor(const uint8_t* data, const std::string& where, const GgufTensor& t)
{
    if (!t.type->decode)
        throw Error(where + ": tensor '" + t.info.name + "' is stored as " + t.type->name +
                    ", which cannot be dequantized (readable types: " + ggmlDecodableTypeNames() +
                    ")");
    std::vector<float> values(static_cast<size_t>(t.info.numel));
    t.type->decode(data + t.fileOffset, t.info.numel / t.type->blockSize, values.data());
    Tensor out(t.info.name, t.info.shape, std::move(values));
    out.dtype = t.info.dtype;
    return out;
}

} // namespace

GgufHeader parseGgufHeader(const uint8_t* data, size_t size, const std::string& where,
                           bool keepMetadata)
{
    Reader r{data, size, where, keepMetadata};
    GgufHeader h;
    readPreamble(r, h);
    const uint64_t tensorCount = r.u64("tensor count");
    const uint64_t kvCount = r.u64("metadata count");
    readMetadata(r, kvCount, h);
    r.checkCount(tensorCount, 24, "tensor count"); // name length, n_dims, type, offset
    std::set<std::string> names;
    for (uint64_t i = 0; i < tensorCount; ++i) {
        h.tensors.push_back(readTensorInfo(r));
        if (!names.insert(h.tensors.back().info.name).second)
            throw Error(where + ": tensor name '" + h.tensors.back().info.name + "' appears twice");
    }
    placeTensors(r, h);
    return h;
}

std::vector<TensorInfo> listGguf(const uint8_t* data, size_t size, const std::string& where)
{
    std::vector<TensorInfo> out;
    for (auto& t : parseGgufHeader(data, size, where, false).tensors)
        out.push_back(std::move(t.info));
    return out;
}

Tensor loadGgufTensor(const uint8_t* data, size_t size, const std::string& where,
                      const std::string& name)
{
    const GgufHeader h = parseGgufHeader(data, size, where, false);
    return decodeGgufTensor(data, where, pickTensor(h, where, name));
}

namespace {

// The file of the last listGguf / loadGguf, parsed once per version (parsed_cache.h).
std::shared_ptr<const GgufFile> cachedFile(const std::string& path)
{
    static ParsedFileCache<GgufFile> cache;
    return cache.get(path);
}

} // namespace

std::vector<TensorInfo> listGguf(const std::string& path)
{
    std::vector<TensorInfo> out;
    for (const GgufTensor& t : cachedFile(path)->header().tensors)
        out.push_back(t.info);
    return out;
}

Tensor loadGguf(const std::string& path, const std::string& name)
{
    const auto f = cachedFile(path);
    Tensor t = f->load(name);
    f->releasePages();
    return t;
}

std::vector<std::pair<std::string, std::string>> ggufMetadata(const std::string& path)
{
    const GgufFile model(path);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, v] : model.header().metadata)
        out.emplace_back(key, v.printable());
    return out;
}

bool ggufMetadataValue(const std::string& path, const std::string& key, GgufValue& value)
{
    const GgufValue* found = cachedFile(path)->header().find(key);
    if (found)
        value = *found;
    return found != nullptr;
}

const GgufValue* GgufHeader::find(const std::string& key) const
{
    for (const auto& [k, v] : metadata)
        if (k == key)
            return &v;
    return nullptr;
}

GgufFile::GgufFile(const std::string& path)
    : m_file(path), m_where(fileDisplayName(path)),
      m_header(parseGgufHeader(m_file.data(), m_file.size(), m_where))
{
}

Tensor GgufFile::load(const std::string& name) const
{
    return decodeGgufTensor(m_file.data(), m_where, pickTensor(m_header, m_where, name));
}

} // namespace qs
