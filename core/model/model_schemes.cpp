// The schemes of a model report: names parsed into configs, and how a scheme applies to a tensor
// of a given shape under llama.cpp's rules for the GGML types.
#include "core/model/model_report.h"

#include "core/base/name_table.h"
#include "core/config/presets.h"

#include <algorithm>
#include <regex>

namespace qs {

namespace {

std::string trimmed(const std::string& s)
{
    const size_t a = s.find_first_not_of(" \t");
    if (a == std::string::npos)
        return {};
    return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

bool isPresetName(const std::string& name)
{
    const std::vector<std::string> names = presetNames();
    return std::find(names.begin(), names.end(), currentPresetName(name)) != names.end();
}

// "int8-channel", "uint4-g128", "int8-tensor": uniform integer quantization of that many bits
// (int: symmetric, uint: asymmetric), per output channel (axis 0), per group along the rows
// or per tensor; the other options come from `base`.
bool integerShorthand(const std::string& name, const QuantConfig& base, QuantConfig& out)
{
    static const std::regex form("(u?)int([0-9]{1,2})-(tensor|channel|g([0-9]{1,6}))");
    std::smatch m;
    if (!std::regex_match(name, m, form))
        return false;
    out = base;
    out.preset.clear();
    out.scheme = m[1].length() ? Scheme::Asymmetric : Scheme::Symmetric;
    out.bits = std::stoi(m[2].str());
    if (m[3] == "tensor") {
        out.granularity = Granularity::PerTensor;
    } else if (m[3] == "channel") {
        out.granularity = Granularity::PerChannel;
        out.axis = 0;
    } else {
        out.granularity = Granularity::PerGroup;
        out.axis = -1;
        out.groupSize = std::stoll(m[4].str());
    }
    return true;
}

QuantConfig configOfName(const std::string& name, const QuantConfig& base)
{
    if (isPresetName(name))
        return presetByName(name).config;
    QuantConfig c;
    if (integerShorthand(name, base, c))
        return c;
    const std::vector<std::string> schemes = schemeNames();
    for (const std::string& s : schemes)
        if (sameNameIgnoringCase(s, name)) { // as quantize --scheme reads them
            c = base;
            c.preset.clear();
            c.scheme = schemeFromName(s);
            return c;
        }
    std::vector<std::string> known = presetNames();
    known.insert(known.end(), schemes.begin(), schemes.end());
    known.insert(known.end(), {"int8-channel", "int8-tensor", "uint8-tensor", "int4-channel",
                               "uint4-g128", "uint4-g64", "uint4-g32"});
    const std::string hint = didYouMean(name, known);
    throw Error("unknown scheme '" + name + "'" + hint + (hint.empty() ? ": give" : " Give") +
                " a preset (" + joinedNames(presetNames()) + "), a scheme (" +
                joinedNames(schemes) +
                ") or an integer shorthand (int8-channel, uint4-g128, int8-tensor)");
}

bool isGgmlScheme(Scheme s)
{
    return s >= Scheme::Q8_0 && s <= Scheme::IQ4_XS;
}

// The GGML types stored in super-blocks of 256 and what llama.cpp stores instead when a row
// is not whole super-blocks.
bool superBlockFallback(Scheme s, Scheme& fallback)
{
    switch (s) {
    case Scheme::Q2_K:
    case Scheme::Q3_K:
    case Scheme::IQ4_XS:
        fallback = Scheme::IQ4_NL;
        return true;
    case Scheme::Q4_K:
        fallback = Scheme::Q5_0;
        return true;
    case Scheme::Q5_K:
        fallback = Scheme::Q5_1;
        return true;
    case Scheme::Q6_K:
        fallback = Scheme::Q8_0;
        return true;
    default:
        return false;
    }
}

} // namespace

std::vector<ModelScheme> parseModelSchemes(const std::string& list, const QuantConfig& base)
{
    std::vector<ModelScheme> out;
    size_t start = 0;
    while (start <= list.size()) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string name = trimmed(list.substr(start, comma - start));
        start = comma + 1;
        if (name.empty())
            throw Error("empty scheme name in the list '" + list + "'");
        for (const ModelScheme& s : out)
            if (s.name == name)
                throw Error("scheme '" + name + "' is listed twice");
        ModelScheme s{name, configOfName(name, base)};
        s.config.validate();
        out.push_back(std::move(s));
    }
    return out;
}

SchemeApplication applySchemeToShape(const QuantConfig& config, const std::vector<int64_t>& shape)
{
    SchemeApplication a{config, {}, {}};
    if (!isGgmlScheme(config.scheme))
        return a;
    const int64_t row = shape.empty() ? 1 : shape.back();
    Scheme fallback = config.scheme;
    if (superBlockFallback(config.scheme, fallback)) {
        if (row % 256 == 0)
            return a;
        a.config.scheme = row % 32 == 0 ? fallback : Scheme::FP16;
        a.config.preset.clear();
        a.fallback = toName(a.config.scheme);
        return a;
    }
    if (row % 32 != 0)
        a.skipped = "row length " + std::to_string(row) + " is not a multiple of 32, which " +
                    toName(config.scheme) + " needs (llama.cpp refuses such a tensor)";
    return a;
}

} // namespace qs
