#include "core/io/onnx.h"

#include "core/base/error.h"
#include "core/io/element_convert.h"
#include "core/io/mapped_file.h"
#include "core/io/parsed_cache.h"
#include "onnx_min.pb.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <sys/stat.h>

namespace qs {

namespace {

using onnxmin::GraphProto;
using onnxmin::ModelProto;
using onnxmin::NodeProto;
using onnxmin::TensorProto;

// Which typed field holds an initializer's values when it has no raw_data.
enum class TypedField { Float, Int32, Int64, Double, None };

// ONNX's TensorProto.DataType ids. `readable` types convert to float32 through `element`;
// int32_data values must lie in [lo, hi] (the low bytes of each value are the element).
struct OnnxType {
    int id;
    const char* name;
    bool readable;
    ElementType element;
    TypedField field;
    int64_t lo, hi;
};

constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();

const OnnxType kTypes[] = {
    {1, "FLOAT", true, ElementType::F32, TypedField::Float, 0, 0},
    {2, "UINT8", true, ElementType::U8, TypedField::Int32, 0, 255},
    {3, "INT8", true, ElementType::I8, TypedField::Int32, -128, 127},
    {4, "UINT16", false, ElementType::U16, TypedField::None, 0, 0},
    {5, "INT16", true, ElementType::I16, TypedField::Int32, -32768, 32767},
    {6, "INT32", true, ElementType::I32, TypedField::Int32, kI32Min, kI32Max},
    {7, "INT64", true, ElementType::I64, TypedField::Int64, 0, 0},
    {8, "STRING", false, ElementType::U8, TypedField::None, 0, 0},
    {9, "BOOL", false, ElementType::Bool, TypedField::None, 0, 0},
    {10, "FLOAT16", true, ElementType::F16, TypedField::Int32, 0, 65535},
    {11, "DOUBLE", true, ElementType::F64, TypedField::Double, 0, 0},
    {12, "UINT32", false, ElementType::U32, TypedField::None, 0, 0},
    {13, "UINT64", false, ElementType::U64, TypedField::None, 0, 0},
    {14, "COMPLEX64", false, ElementType::F32, TypedField::None, 0, 0},
    {15, "COMPLEX128", false, ElementType::F64, TypedField::None, 0, 0},
    {16, "BFLOAT16", true, ElementType::BF16, TypedField::Int32, 0, 65535},
    {17, "FLOAT8E4M3FN", true, ElementType::F8E4M3, TypedField::Int32, 0, 255},
    {18, "FLOAT8E4M3FNUZ", false, ElementType::U8, TypedField::None, 0, 0},
    {19, "FLOAT8E5M2", true, ElementType::F8E5M2, TypedField::Int32, 0, 255},
    {20, "FLOAT8E5M2FNUZ", false, ElementType::U8, TypedField::None, 0, 0},
    {21, "UINT4", true, ElementType::U8, TypedField::Int32, 0, 255},
    {22, "INT4", true, ElementType::I8, TypedField::Int32, 0, 255},
};

// INT4 and UINT4 hold two elements a byte, the first in the low nibble (raw_data and each
// int32_data value alike); an odd count leaves the last high nibble unused.
bool isPacked4(const OnnxType& t)
{
    return t.id == 21 || t.id == 22;
}

const OnnxType* onnxType(int id)
{
    for (const OnnxType& t : kTypes)
        if (t.id == id)
            return &t;
    return nullptr;
}

// One initializer as listed: its info and where its values are.
struct Initializer {
    TensorInfo info;
    const OnnxType* type = nullptr; // nullptr: a data_type id ONNX does not define
    const TensorProto* proto = nullptr;
};

struct Model {
    ModelProto proto;
    std::vector<Initializer> initializers;
    std::map<std::string, size_t> byName; // initializer name -> index
};

void parseModel(const uint8_t* data, size_t size, const std::string& where, ModelProto& m)
{
    if (size > static_cast<size_t>(INT_MAX))
        throw Error(where + ": larger than 2 GiB, the protobuf limit (large ONNX models keep "
                            "their weights as external data)");
    if (!m.ParseFromArray(data, static_cast<int>(size)))
        throw Error(where + ": not an ONNX model (the protobuf message does not parse)");
    if (!m.has_graph())
        throw Error(where + ": not an ONNX model (no graph)");
}

// The shape and element count of an initializer; dims non-negative, no overflow.
void readShape(const TensorProto& t, const std::string& where, TensorInfo& info)
{
    info.shape.assign(t.dims().begin(), t.dims().end());
    try {
        info.numel = shapeProduct(info.shape);
    } catch (const Error& e) {
        throw Error(where + ": initializer '" + t.name() + "': " + e.what());
    }
}

void listInitializers(Model& m, const std::string& where)
{
    for (const TensorProto& t : m.proto.graph().initializer()) {
        Initializer init;
        init.proto = &t;
        init.type = onnxType(t.data_type());
        init.info.name = t.name();
        readShape(t, where, init.info);
        const bool readable = init.type && init.type->readable;
        init.info.dtype =
            init.type ? init.type->name : "data type " + std::to_string(t.data_type());
        if (readable && isPacked4(*init.type)) {
            init.info.bytes = init.info.numel / 2 + init.info.numel % 2;
        } else if (readable) {
            const int64_t width = static_cast<int64_t>(elementSize(init.type->element));
            if (init.info.numel > std::numeric_limits<int64_t>::max() / width)
                throw Error(where + ": initializer '" + t.name() + "' is too large");
            init.info.bytes = init.info.numel * width;
        }
        if (!m.byName.emplace(t.name(), m.initializers.size()).second)
            throw Error(where + ": initializer name '" + t.name() + "' appears twice");
        m.initializers.push_back(std::move(init));
    }
}

// The bytes of one initializer's values, little-endian as raw_data holds them: a view of
// raw_data or of an external file, or bytes packed from a typed field. pack false: a typed
// field is only checked (count and value ranges), not packed.
struct Payload {
    bool pack = true;
    std::unique_ptr<MappedFile> file;
    std::string packed;
    const uint8_t* view = nullptr; // raw_data or the external file; nullptr: `packed`
    size_t size = 0;

    const uint8_t* bytes() const
    {
        return view ? view : reinterpret_cast<const uint8_t*>(packed.data());
    }
};

void appendLE(std::string& out, uint64_t bits, size_t width)
{
    for (size_t b = 0; b < width; ++b)
        out.push_back(static_cast<char>((bits >> (8 * b)) & 0xFF));
}

// A typed field's values as raw bytes. Counts are checked against the element count first.
template <class Field, class Bits>
void packField(const Field& field, const Initializer& init, const std::string& what,
               const std::string& where, Payload& p, Bits bits)
{
    // Packed 4-bit types hold a byte in each value.
    const bool packed = isPacked4(*init.type);
    const int64_t count = packed ? init.info.bytes : init.info.numel;
    if (static_cast<int64_t>(field.size()) != count)
        throw Error(where + ": initializer '" + init.info.name + "' has " +
                    std::to_string(field.size()) + " values in " + what +
                    (packed ? " but its dims need " + std::to_string(count) + " packed bytes"
                            : " but its dims hold " + std::to_string(count)));
    const size_t width = elementSize(init.type->element);
    if (p.pack)
        p.packed.reserve(field.size() * width);
    for (const auto& v : field) {
        const uint64_t b = bits(v);
        if (p.pack)
            appendLE(p.packed, b, width);
    }
}

void packTyped(const Initializer& init, const std::string& where, Payload& p)
{
    const TensorProto& t = *init.proto;
    const OnnxType& type = *init.type;
    switch (type.field) {
    case TypedField::Float:
        packField(t.float_data(), init, "float_data", where, p, [](float v) {
            uint32_t u;
            std::memcpy(&u, &v, 4);
            return uint64_t(u);
        });
        break;
    case TypedField::Double:
        packField(t.double_data(), init, "double_data", where, p, [](double v) {
            uint64_t u;
            std::memcpy(&u, &v, 8);
            return u;
        });
        break;
    case TypedField::Int64:
        packField(t.int64_data(), init, "int64_data", where, p,
                  [](int64_t v) { return static_cast<uint64_t>(v); });
        break;
    case TypedField::Int32:
        packField(t.int32_data(), init, "int32_data", where, p, [&](int32_t v) {
            if (v < type.lo || v > type.hi)
                throw Error(where + ": initializer '" + init.info.name + "': int32_data value " +
                            std::to_string(v) + " is out of range for " + type.name);
            return static_cast<uint64_t>(static_cast<int64_t>(v));
        });
        break;
    case TypedField::None:
        break;
    }
    p.size = static_cast<size_t>(init.info.bytes);
}

// A decimal offset or length of external_data: digits only, no overflow.
uint64_t parseDecimal(const std::string& text, const std::string& what, const std::string& where)
{
    uint64_t v = 0;
    if (text.empty() || text.size() > 19)
        throw Error(where + ": external data " + what + " '" + text + "' is not a number");
    for (char c : text) {
        if (c < '0' || c > '9')
            throw Error(where + ": external data " + what + " '" + text + "' is not a number");
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

// A location must be a plain file name in the model's folder.
void checkLocation(const std::string& location, const std::string& where)
{
    const bool plain = !location.empty() && location != "." && location != ".." &&
                       location.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
    if (!plain)
        throw Error(where + ": external data location '" + location +
                    "' is not a plain file name in the model's folder");
}

void mapExternal(const Initializer& init, const std::string& where, const std::string& modelDir,
                 Payload& p)
{
    const std::string tensor = where + ": initializer '" + init.info.name + "'";
    std::string location;
    uint64_t offset = 0, length = 0;
    bool hasLength = false;
    for (const auto& kv : init.proto->external_data()) {
        if (kv.key() == "location")
            location = kv.value();
        else if (kv.key() == "offset")
            offset = parseDecimal(kv.value(), "offset", tensor);
        else if (kv.key() == "length") {
            length = parseDecimal(kv.value(), "length", tensor);
            hasLength = true;
        }
    }
    checkLocation(location, tensor);
    if (modelDir.empty())
        throw Error(tensor + ": external data is read only from a model file on disk");
    const std::string file = modelDir + "/" + location;
    struct stat st {};
    if (::lstat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw Error(tensor + ": external data location '" + location +
                    "' is not a regular file (links are not followed)");
    p.file = std::make_unique<MappedFile>(file);
    const uint64_t fileSize = p.file->size();
    if (offset > fileSize)
        throw Error(tensor + ": external data offset " + std::to_string(offset) +
                    " is past the end of " + location + " (" + std::to_string(fileSize) +
                    " bytes)");
    if (!hasLength)
        length = fileSize - offset;
    if (length > fileSize - offset)
        throw Error(tensor + ": external data " + std::to_string(offset) + "+" +
                    std::to_string(length) + " runs past the end of " + location + " (" +
                    std::to_string(fileSize) + " bytes)");
    p.view = p.file->data() + offset;
    p.size = length;
}

Payload payloadOf(const Initializer& init, const std::string& where, const std::string& modelDir,
                  bool pack)
{
    const TensorProto& t = *init.proto;
    Payload p;
    p.pack = pack;
    if (t.data_location() == 1) {
        mapExternal(init, where, modelDir, p);
    } else if (t.has_raw_data()) {
        p.view = reinterpret_cast<const uint8_t*>(t.raw_data().data());
        p.size = t.raw_data().size();
    } else {
        packTyped(init, where, p);
    }
    if (static_cast<int64_t>(p.size) != init.info.bytes)
        throw Error(where + ": initializer '" + init.info.name + "' holds " +
                    std::to_string(p.size) + " bytes but its dims and " + init.type->name +
                    " need " + std::to_string(init.info.bytes));
    return p;
}

void markDequantizeInputs(Model& m, const std::string& where, const std::string& modelDir);

// Parses the model and checks every readable initializer's payload against its dims and
// dtype, so that listing a model already refuses what loading would.
void readModel(const uint8_t* data, size_t size, const std::string& where,
               const std::string& modelDir, Model& m)
{
    parseModel(data, size, where, m.proto);
    listInitializers(m, where);
    for (const Initializer& init : m.initializers)
        if (init.type && init.type->readable)
            payloadOf(init, where, modelDir, false);
    markDequantizeInputs(m, where, modelDir);
}

std::vector<TensorInfo> infosOf(const Model& m)
{
    std::vector<TensorInfo> infos;
    for (const Initializer& init : m.initializers)
        infos.push_back(init.info);
    return infos;
}

// Two 4-bit elements a byte, the first in the low nibble; INT4 sign-extended.
void unpack4(const uint8_t* src, bool isSigned, int64_t n, float* out)
{
    for (int64_t i = 0; i < n; ++i) {
        const int nibble = (src[i / 2] >> (4 * (i % 2))) & 0xF;
        out[i] = static_cast<float>(isSigned && nibble > 7 ? nibble - 16 : nibble);
    }
}

// One initializer's values as float32.
Tensor readInitializer(const Initializer& init, const std::string& where,
                       const std::string& modelDir, std::vector<std::string>* warnings)
{
    if (!init.type || !init.type->readable)
        throw Error(where + ": initializer '" + init.info.name + "' has dtype " + init.info.dtype +
                    ", which QuantScope does not read");
    const Payload p = payloadOf(init, where, modelDir, true);
    std::vector<float> values(static_cast<size_t>(init.info.numel));
    if (isPacked4(*init.type)) {
        unpack4(p.bytes(), init.type->element == ElementType::I8, init.info.numel, values.data());
    } else {
        ConversionStats stats;
        convertToFloat(p.bytes(), init.type->element, false, init.info.numel, values.data(), stats);
        const std::string w = conversionWarning(where + ":" + init.info.name, init.type->element,
                                                init.info.numel, stats);
        if (warnings && !w.empty())
            warnings->push_back(w);
    }
    Tensor t(init.info.name, init.info.shape, std::move(values));
    t.dtype = init.info.dtype;
    return t;
}

Tensor loadInitializer(const Model& m, const std::string& where, const std::string& modelDir,
                       const std::string& name, std::vector<std::string>* warnings)
{
    const Initializer& init = m.initializers[pickTensorIndex(infosOf(m), where, name)];
    return readInitializer(init, where, modelDir, warnings);
}

// "scale 0.05" for one value, "scales 'w_scale' (64 values, 0.01 to 0.3)" for several, or
// where the graph computes them. Empty input name: the operator's default.
std::string describeParameter(const Model& m, const NodeProto& n, int input, const char* one,
                              const char* many, const std::string& where,
                              const std::string& modelDir)
{
    if (n.input_size() <= input || n.input(input).empty())
        return std::string(one) + " 0 (default)";
    const std::string& name = n.input(input);
    const auto it = m.byName.find(name);
    if (it == m.byName.end())
        return std::string(one) + " computed in the graph ('" + name + "')";
    const Initializer& init = m.initializers[it->second];
    if (!init.type || !init.type->readable || init.info.numel < 1)
        return std::string(one) + " '" + name + "' (" + init.info.dtype + ")";
    const Tensor t = readInitializer(init, where, modelDir, nullptr);
    const auto [lo, hi] = std::minmax_element(t.data.begin(), t.data.end());
    if (t.numel() == 1)
        return std::string(one) + " " + shortestDecimal(*lo);
    return std::string(many) + " '" + name + "' (" + std::to_string(t.numel()) + " values, " +
           shortestDecimal(*lo) + " to " + shortestDecimal(*hi) + ")";
}

// Marks each initializer feeding input 0 of a DequantizeLinear node as quantized: its dtype
// gains "(DequantizeLinear, per tensor)" (or "per axis 1", "blocks of 32 along axis 1"), its
// detail says the scale and zero point.
void markDequantizeInputs(Model& m, const std::string& where, const std::string& modelDir)
{
    for (const NodeProto& n : m.proto.graph().node()) {
        if (n.op_type() != "DequantizeLinear" || n.input_size() < 1)
            continue;
        const auto x = m.byName.find(n.input(0));
        if (x == m.byName.end())
            continue;
        TensorInfo& info = m.initializers[x->second].info;
        int64_t axis = 1, block = 0; // the operator's defaults
        for (const auto& a : n.attribute()) {
            if (a.name() == "axis")
                axis = a.i();
            else if (a.name() == "block_size")
                block = a.i();
        }
        if (axis < 0)
            axis += static_cast<int64_t>(info.shape.size());
        const auto scale = n.input_size() > 1 ? m.byName.find(n.input(1)) : m.byName.end();
        const bool perAxis =
            scale != m.byName.end() && m.initializers[scale->second].info.numel > 1;
        const std::string how =
            block > 0 ? "blocks of " + std::to_string(block) + " along axis " + std::to_string(axis)
            : perAxis ? "per axis " + std::to_string(axis)
                      : "per tensor";
        info.detail = how + ", " + describeParameter(m, n, 1, "scale", "scales", where, modelDir) +
                      ", " +
                      describeParameter(m, n, 2, "zero point", "zero points", where, modelDir);
        info.dtype += " (DequantizeLinear, " + how + ")";
    }
}

// The parsed model of the last ONNX file read by path. Parsing copies every raw_data, and
// `info` lists a model and then loads each initializer, so a file is parsed once per version
// (path, inode, size, modification time). Loading still checks the payload again.
std::shared_ptr<const Model> cachedModel(const std::string& path)
{
    static ParsedFileCache<Model> cache;
    return cache.get(path, [](const std::string& p) {
        auto m = std::make_shared<Model>();
        MappedFile f(p);
        readModel(f.data(), f.size(), fileDisplayName(p), fileFolder(p), *m);
        return std::shared_ptr<const Model>(std::move(m));
    });
}

} // namespace

std::vector<TensorInfo> listOnnx(const uint8_t* data, size_t size, const std::string& where,
                                 const std::string& modelDir)
{
    Model m;
    readModel(data, size, where, modelDir, m);
    return infosOf(m);
}

Tensor loadOnnxTensor(const uint8_t* data, size_t size, const std::string& where,
                      const std::string& modelDir, const std::string& name,
                      std::vector<std::string>* warnings)
{
    Model m;
    readModel(data, size, where, modelDir, m);
    return loadInitializer(m, where, modelDir, name, warnings);
}

std::vector<TensorInfo> listOnnx(const std::string& path)
{
    return infosOf(*cachedModel(path));
}

Tensor loadOnnx(const std::string& path, const std::string& name,
                std::vector<std::string>* warnings)
{
    return loadInitializer(*cachedModel(path), fileDisplayName(path), fileFolder(path), name,
                           warnings);
}

} // namespace qs
