#include "core/io/gguf_writer.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/io/element_convert.h"

#include <cmath>
#include <cstring>

namespace qs {

namespace {

constexpr uint32_t kVersion = 3;
constexpr size_t kMaxDims = 4; // GGML_MAX_DIMS

void putLE(std::string& out, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

void putString(std::string& out, const std::string& s)
{
    putLE(out, s.size(), 8);
    out += s;
}

void padTo(std::string& out, uint64_t alignment)
{
    out.append(static_cast<size_t>((alignment - out.size() % alignment) % alignment), '\0');
}

void putValue(std::string& out, const GgufValue& v)
{
    switch (v.type) {
    case GgufValueType::String:
        putString(out, v.text);
        return;
    case GgufValueType::Array:
        putLE(out, static_cast<uint32_t>(v.elementType), 4);
        putLE(out, v.count, 8);
        if (v.elementType == GgufValueType::String)
            for (const std::string& s : v.strings)
                putString(out, s);
        else if (v.elementType == GgufValueType::Array)
            for (const GgufValue& item : v.items)
                putValue(out, item);
        else
            out += v.raw;
        return;
    default:
        putLE(out, v.bits, static_cast<int>(ggufScalarSize(v.type)));
    }
}

GgufValue scalar(GgufValueType type, uint64_t bits)
{
    GgufValue v;
    v.type = type;
    v.bits = bits;
    return v;
}

bool isFloatType(const GgmlTypeInfo& type)
{
    const std::string name = type.name;
    return name == "F32" || name == "F16" || name == "BF16";
}

// The fp16 pattern of a value that fp16 holds exactly; throws otherwise.
uint16_t exactHalf(float v, const char* what, size_t block, const GgmlTypeInfo& type)
{
    const uint16_t h = floatToHalf(v);
    const float back = ggmlHalfToFloat(h);
    if (std::memcmp(&back, &v, 4) != 0 && !(std::isnan(v) && std::isnan(back)))
        throw Error(std::string(type.name) + " block " + std::to_string(block) + ": " + what + " " +
                    std::to_string(v) + " is not an fp16 value");
    return h;
}

// E8M0 of a power of two 2^k, k in [-127, 127]: k + 127.
uint8_t exactE8M0(float v, size_t block)
{
    int e = 0;
    const float m = std::frexp(v, &e); // v = m x 2^e, m in [0.5, 1)
    if (!(v > 0.0f) || m != 0.5f || e - 1 < -127 || e - 1 > 127)
        throw Error("MXFP4 block " + std::to_string(block) + ": scale " + std::to_string(v) +
                    " is not a power of two in [2^-127, 2^127]");
    return static_cast<uint8_t>(e - 1 + 127);
}

int32_t codeIn(const CodeBuffer& codes, size_t i, int32_t lo, int32_t hi, const GgmlTypeInfo& type)
{
    const int32_t q = codes[i];
    if (q < lo || q > hi)
        throw Error(std::string(type.name) + ": code " + std::to_string(q) + " of element " +
                    std::to_string(i) + " is outside " + std::to_string(lo) + ".." +
                    std::to_string(hi));
    return q;
}

// qs[j] holds element j in its low nibble and element j + 16 in its high one.
void packNibbles(const CodeBuffer& codes, size_t first, const GgmlTypeInfo& type, uint8_t qs[16])
{
    for (size_t j = 0; j < 16; ++j)
        qs[j] = static_cast<uint8_t>(codeIn(codes, first + j, 0, 15, type) |
                                     (codeIn(codes, first + j + 16, 0, 15, type) << 4));
}

template <class Block> void append(std::string& out, const Block& b)
{
    out.append(reinterpret_cast<const char*>(&b), sizeof b);
}

void encodeBlock(const GgmlTypeInfo& type, const CodeBuffer& codes, size_t b, float scale,
                 const std::vector<float>& offsets, std::string& out)
{
    const std::string name = type.name;
    const size_t first = b * 32;
    if (name == "Q8_0") {
        BlockQ8_0 q{};
        q.d = exactHalf(scale, "scale", b, type);
        for (size_t j = 0; j < 32; ++j)
            q.qs[j] = static_cast<int8_t>(codeIn(codes, first + j, -127, 127, type));
        append(out, q);
    } else if (name == "Q4_0") {
        BlockQ4_0 q{};
        q.d = exactHalf(scale, "scale", b, type);
        packNibbles(codes, first, type, q.qs);
        append(out, q);
    } else if (name == "Q4_1") {
        BlockQ4_1 q{};
        q.d = exactHalf(scale, "scale", b, type);
        q.m = exactHalf(offsets[b], "offset", b, type);
        packNibbles(codes, first, type, q.qs);
        append(out, q);
    } else {
        BlockMXFP4 q{};
        q.e = exactE8M0(scale, b);
        packNibbles(codes, first, type, q.qs);
        append(out, q);
    }
}

} // namespace

std::string encodeGgmlBlocks(const GgmlTypeInfo& type, const CodeBuffer& codes,
                             const std::vector<float>& scales, const std::vector<float>& offsets)
{
    const std::string name = type.name;
    if (name != "Q8_0" && name != "Q4_0" && name != "Q4_1" && name != "MXFP4")
        throw Error("cannot encode " + name + " blocks (only Q8_0, Q4_0, Q4_1 and MXFP4)");
    const size_t n = codes.size(), blocks = n / 32;
    if (n % 32 != 0 || scales.size() != blocks || (name == "Q4_1") != (offsets.size() == blocks))
        throw Error(name + ": " + std::to_string(n) + " codes with " +
                    std::to_string(scales.size()) + " scales and " +
                    std::to_string(offsets.size()) + " offsets are not whole blocks of 32");
    std::string out;
    out.reserve(blocks * static_cast<size_t>(type.typeSize));
    for (size_t b = 0; b < blocks; ++b)
        encodeBlock(type, codes, b, scales[b], offsets, out);
    return out;
}

void GgufWriter::set(const std::string& key, const GgufValue& value)
{
    for (auto& [k, v] : m_metadata)
        if (k == key) {
            v = value;
            return;
        }
    m_metadata.emplace_back(key, value);
}

void GgufWriter::setString(const std::string& key, const std::string& value)
{
    GgufValue v;
    v.type = GgufValueType::String;
    v.text = value;
    set(key, v);
}

void GgufWriter::setU32(const std::string& key, uint32_t value)
{
    set(key, scalar(GgufValueType::U32, value));
}

void GgufWriter::setI32(const std::string& key, int32_t value)
{
    set(key, scalar(GgufValueType::I32, static_cast<uint32_t>(value)));
}

void GgufWriter::setF32(const std::string& key, float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    set(key, scalar(GgufValueType::F32, bits));
}

void GgufWriter::setBool(const std::string& key, bool value)
{
    set(key, scalar(GgufValueType::Bool, value ? 1 : 0));
}

void GgufWriter::setU64(const std::string& key, uint64_t value)
{
    set(key, scalar(GgufValueType::U64, value));
}

void GgufWriter::setStringArray(const std::string& key, const std::vector<std::string>& values)
{
    GgufValue v;
    v.type = GgufValueType::Array;
    v.elementType = GgufValueType::String;
    v.count = values.size();
    v.strings = values;
    set(key, v);
}

void GgufWriter::setAlignment(uint32_t alignment)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw Error("general.alignment must be a power of two (not " + std::to_string(alignment) +
                    ")");
    setU32("general.alignment", alignment);
}

uint64_t GgufWriter::alignment() const
{
    for (const auto& [key, v] : m_metadata)
        if (key == "general.alignment") {
            if (v.type != GgufValueType::U32 || v.bits == 0 || (v.bits & (v.bits - 1)) != 0)
                throw Error("general.alignment must be a U32 power of two (it is " +
                            ggufValueTypeName(v.type) + " " + v.printable() + ")");
            return v.bits;
        }
    return 32;
}

void checkGgufTensor(const std::string& name, const std::vector<int64_t>& shape,
                     const GgmlTypeInfo& type)
{
    std::string shapeText;
    for (size_t i = 0; i < shape.size(); ++i)
        shapeText += (i ? "x" : "") + std::to_string(shape[i]);
    const std::string w = "tensor '" + name + "' (shape " + shapeText + ", " + type.name + ")";
    if (name.empty())
        throw Error("a GGUF tensor needs a name");
    if (shape.empty() || shape.size() > kMaxDims)
        throw Error(w + ": GGUF tensors have 1 to 4 dimensions");
    for (int64_t d : shape)
        if (d < 1)
            throw Error(w + ": every dimension must be at least 1");
    if (shape.back() % type.blockSize != 0)
        throw Error(w + ": its rows of " + std::to_string(shape.back()) +
                    " elements are not whole blocks of " + std::to_string(type.blockSize) +
                    " (GGML blocks run along the last dimension)");
}

void GgufWriter::addTensor(const std::string& name, const std::vector<int64_t>& shape,
                           const GgmlTypeInfo& type, std::string bytes)
{
    checkGgufTensor(name, shape, type);
    for (const Entry& e : m_tensors)
        if (e.name == name)
            throw Error("tensor '" + name + "' is added twice");
    uint64_t blocks = 1;
    for (int64_t d : shape)
        blocks *= static_cast<uint64_t>(d);
    blocks /= static_cast<uint64_t>(type.blockSize);
    if (bytes.size() / static_cast<uint64_t>(type.typeSize) != blocks ||
        bytes.size() % static_cast<uint64_t>(type.typeSize) != 0)
        throw Error("tensor '" + name + "': " + std::to_string(bytes.size()) + " bytes for " +
                    std::to_string(blocks) + " " + type.name + " blocks of " +
                    std::to_string(type.typeSize) + " bytes");
    m_tensors.push_back({name, shape, &type, std::move(bytes)});
}

void GgufWriter::addFloatTensor(const std::string& name, const std::vector<int64_t>& shape,
                                const GgmlTypeInfo& type, const float* values)
{
    if (!isFloatType(type))
        throw Error("tensor '" + name + "': float values are stored as F32, F16 or BF16, not " +
                    type.name);
    checkGgufTensor(name, shape, type);
    size_t n = 1;
    for (int64_t d : shape)
        n *= static_cast<size_t>(d);
    std::string bytes;
    bytes.reserve(n * static_cast<size_t>(type.typeSize));
    const std::string typeName = type.name;
    for (size_t i = 0; i < n; ++i) {
        if (typeName == "F32") {
            bytes.append(reinterpret_cast<const char*>(values + i), 4);
            continue;
        }
        putLE(bytes, typeName == "F16" ? floatToHalf(values[i]) : floatToBfloat16(values[i]), 2);
    }
    addTensor(name, shape, type, std::move(bytes));
}

std::string GgufWriter::header() const
{
    const uint64_t align = alignment();
    std::string out = "GGUF";
    putLE(out, kVersion, 4);
    putLE(out, m_tensors.size(), 8);
    putLE(out, m_metadata.size(), 8);
    for (const auto& [key, v] : m_metadata) {
        putString(out, key);
        putLE(out, static_cast<uint32_t>(v.type), 4);
        putValue(out, v);
    }
    uint64_t offset = 0;
    for (const Entry& t : m_tensors) {
        putString(out, t.name);
        putLE(out, t.shape.size(), 4);
        for (auto d = t.shape.rbegin(); d != t.shape.rend(); ++d) // ne[0]: the contiguous row
            putLE(out, static_cast<uint64_t>(*d), 8);
        putLE(out, t.type->id, 4);
        putLE(out, offset, 8);
        offset += t.bytes.size() + (align - t.bytes.size() % align) % align;
    }
    padTo(out, align);
    return out;
}

std::string GgufWriter::bytes() const
{
    const uint64_t align = alignment();
    std::string out = header();
    for (const Entry& t : m_tensors) {
        out += t.bytes;
        padTo(out, align);
    }
    return out;
}

void GgufWriter::write(const std::string& path,
                       const std::vector<std::string>& protectedPaths) const
{
    const uint64_t align = alignment();
    const std::string head = header();
    AtomicFile f(path, protectedPaths);
    f.write(head);
    for (const Entry& t : m_tensors) { // the data section starts aligned: pad each tensor
        f.write(t.bytes);
        f.write(std::string(static_cast<size_t>((align - t.bytes.size() % align) % align), '\0'));
    }
    f.commit();
}

} // namespace qs
