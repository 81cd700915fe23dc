#include "core/quant/gguf_export.h"

#include "core/base/error.h"
#include "core/config/choices.h"
#include "core/formats/ggml.h"
#include "core/quant/lowbit_quantize.h"

#include <cmath>
#include <utility>

namespace qs {

namespace {

bool isFloatScheme(Scheme s)
{
    return s == Scheme::FP16 || s == Scheme::BF16;
}

// The codes of fp16 / bf16 results are the 16-bit patterns: little-endian bytes as they are.
std::string patternBytes(const CodeBuffer& codes)
{
    std::string bytes(codes.size() * 2, '\0');
    for (size_t i = 0; i < codes.size(); ++i) {
        const auto bits = static_cast<uint32_t>(codes[i]);
        bytes[2 * i] = static_cast<char>(bits & 0xffu);
        bytes[2 * i + 1] = static_cast<char>((bits >> 8) & 0xffu);
    }
    return bytes;
}

std::vector<float> asFloats(const std::vector<double>& v)
{
    return std::vector<float>(v.begin(), v.end()); // the block parameters are float32 values
}

} // namespace

const GgmlTypeInfo* ggmlTypeOf(Scheme s)
{
    static const std::pair<Scheme, const char*> kTypes[] = {
        {Scheme::FP16, "F16"},  {Scheme::BF16, "BF16"},     {Scheme::MXFP4, "MXFP4"},
        {Scheme::Q8_0, "Q8_0"}, {Scheme::Q4_0, "Q4_0"},     {Scheme::Q4_1, "Q4_1"},
        {Scheme::Q5_0, "Q5_0"}, {Scheme::Q5_1, "Q5_1"},     {Scheme::Q2_K, "Q2_K"},
        {Scheme::Q3_K, "Q3_K"}, {Scheme::Q4_K, "Q4_K"},     {Scheme::Q5_K, "Q5_K"},
        {Scheme::Q6_K, "Q6_K"}, {Scheme::IQ4_NL, "IQ4_NL"}, {Scheme::IQ4_XS, "IQ4_XS"}};
    for (const auto& [scheme, name] : kTypes)
        if (scheme == s)
            return ggmlTypeByName(name);
    return nullptr;
}

std::string ggufWritableSchemes()
{
    std::string names;
    for (const Choice<Scheme>& c : choices<Scheme>())
        if (ggmlTypeOf(c.value))
            names += (names.empty() ? "" : ", ") + std::string(c.name);
    return names;
}

void addQuantizedTensor(GgufWriter& w, const std::string& name, const Tensor& t,
                        const QuantResult& r)
{
    const Scheme s = r.config.scheme;
    const GgmlTypeInfo* type = ggmlTypeOf(s);
    if (!type)
        throw Error("scheme '" + toName(s) + "' has no GGUF type; the schemes GGUF stores are " +
                    ggufWritableSchemes());
    if (r.codes.size() != t.data.size())
        throw Error("tensor '" + name + "': the result does not belong to this tensor");
    const std::vector<int64_t> shape = t.shape.empty() ? std::vector<int64_t>{1} : t.shape;
    if (isFloatScheme(s)) {
        w.addTensor(name, shape, *type, patternBytes(r.codes));
        return;
    }
    checkGgufTensor(name, shape, *type); // rows of whole blocks, before encoding them
    if (r.importance.columns > 0 && !r.importanceValues)
        throw Error("tensor '" + name + "' was quantized with the importance of " +
                    r.importance.file + ", but the result does not hold its values");
    if (isSearchedGgmlScheme(s)) { // the same deterministic search gives the result's bytes again
        GgmlImportance weights;
        if (r.importanceValues) {
            weights.weights = r.importanceValues->data();
            weights.groups = r.importance.groups;
        }
        w.addTensor(name, shape, *type,
                    ggmlQuantizedBytes(t.data.data(), t.numel(), ggmlTypeFromName(type->name),
                                       shape.back(), nullptr,
                                       r.importanceValues ? &weights : nullptr));
        return;
    }
    w.addTensor(
        name, shape, *type,
        encodeGgmlBlocks(*type, r.codes, asFloats(r.params.scale), asFloats(r.params.offset)));
}

void setQuantizationMetadata(GgufWriter& w, const std::string& name, const QuantConfig& config)
{
    w.setString("general.name", name);
    w.setString("quantscope.scheme", toName(config.scheme));
    w.setString("quantscope.config", config.summary());
    w.setAlignment(32);
}

std::vector<std::string> ggufWarnings(const Tensor& t, const QuantResult& r)
{
    std::vector<std::string> w;
    const GgmlTypeInfo* type = ggmlTypeOf(r.config.scheme);
    if (!type || isFloatScheme(r.config.scheme))
        return w;
    int64_t nonfinite = 0, negativeZeros = 0;
    for (size_t i = 0; i < t.data.size(); ++i) {
        nonfinite += !std::isfinite(t.data[i]);
        negativeZeros += r.dequantized[i] == 0.0f && std::signbit(r.dequantized[i]);
    }
    const std::string name = type->name;
    if (nonfinite > 0)
        w.push_back(
            std::to_string(nonfinite) + " non-finite values have no code in " + name +
            (isSearchedGgmlScheme(r.config.scheme) || r.importance.columns > 0
                 ? ": the file stores them quantized as 0"
                 : ": the file stores NaN as the code of 0 and +-Inf as the extreme codes"));
    if (r.config.scheme == Scheme::MXFP4 && negativeZeros > 0)
        w.push_back(std::to_string(negativeZeros) +
                    " values are -0 in E2M1 and read back as +0 (llama.cpp's MXFP4 table has no "
                    "negative zero)");
    return w;
}

} // namespace qs
