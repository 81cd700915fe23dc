// The planner on a model report: options from the report's metrics, assignments by name, and
// llama-quantize's tensor types.
#include "core/model/model_plan.h"

#include "core/base/error.h"
#include "core/model/model_pairing.h"
#include "core/quant/gguf_export.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace qs {

namespace {

// The report's scheme index of `name`; -1 for kStoredAssignment; throws for an unknown name.
int schemeIndex(const ModelReport& report, const std::string& name)
{
    if (name == kStoredAssignment)
        return -1;
    std::string known;
    for (size_t s = 0; s < report.schemes.size(); ++s) {
        if (report.schemes[s].name == name)
            return int(s);
        known += (known.empty() ? "" : ", ") + report.schemes[s].name;
    }
    throw Error("the plan's scheme '" + name + "' is not one of the report's schemes (" + known +
                "); give it in --schemes");
}

// "^blk\.0\.attn_q\.weight$": the name as a regular expression that matches only itself.
std::string anchoredPattern(const std::string& name)
{
    std::string out = "^";
    for (char c : name) {
        if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos)
            out += '\\';
        out += c;
    }
    return out + "$";
}

// The ggml type a tensor is stored in under scheme s of the report, in lower case.
std::string ggmlTypeName(const ModelReport& report, size_t tensor, size_t s)
{
    const SchemeMetrics& m = report.tensors[tensor].results[s];
    const Scheme scheme =
        m.fallback.empty() ? report.schemes[s].config.scheme : schemeFromName(m.fallback);
    const GgmlTypeInfo* type = ggmlTypeOf(scheme);
    if (!type)
        throw Error("scheme '" + report.schemes[s].name +
                    "' has no llama.cpp type for --tensor-types; the schemes that have one are " +
                    ggufWritableSchemes());
    std::string name = type->name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return name;
}

} // namespace

std::vector<PlanTensor> planTensorsOf(const ModelReport& report, bool weighted)
{
    std::vector<PlanTensor> out;
    for (const TensorReport& t : report.tensors) {
        PlanTensor p;
        p.name = t.name;
        p.params = t.params;
        for (size_t s = 0; s < t.results.size(); ++s) {
            const SchemeMetrics& m = t.results[s];
            if (m.ok)
                p.options.push_back(
                    {int(s), m.bytes,
                     weighted && std::isfinite(m.weightedSse) ? m.weightedSse : m.sse});
        }
        if (p.options.empty())
            p.options.push_back({-1, t.results.empty() ? 0 : t.results.front().bytes, 0.0});
        out.push_back(std::move(p));
    }
    return out;
}

bool hasWeightedErrors(const ModelReport& report)
{
    for (const TensorReport& t : report.tensors)
        for (const SchemeMetrics& m : t.results)
            if (m.ok && std::isfinite(m.weightedSse))
                return true;
    return false;
}

int64_t budgetBytesForBpw(const ModelReport& report, double bitsPerWeight)
{
    if (!std::isfinite(bitsPerWeight) || bitsPerWeight <= 0)
        throw Error("the budget must be a positive number of bits per weight, not " +
                    std::to_string(bitsPerWeight));
    int64_t params = 0;
    for (const TensorReport& t : report.tensors)
        params += t.params;
    return int64_t(std::floor(bitsPerWeight * double(params) / 8.0));
}

std::map<std::string, std::string> assignmentByName(const ModelReport& report,
                                                    const std::vector<PlanTensor>& tensors,
                                                    const std::vector<int>& choice)
{
    std::map<std::string, std::string> out;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const int s = tensors[i].options[size_t(choice[i])].scheme;
        out[tensors[i].name] = s < 0 ? kStoredAssignment : report.schemes[size_t(s)].name;
    }
    return out;
}

std::vector<int> choiceFromAssignment(const ModelReport& report,
                                      const std::vector<PlanTensor>& tensors,
                                      const std::map<std::string, std::string>& assignment)
{
    std::vector<int> choice;
    std::string missing;
    for (const PlanTensor& t : tensors) {
        const auto it = assignment.find(t.name);
        if (it == assignment.end()) {
            missing += (missing.empty() ? "" : ", ") + t.name;
            continue;
        }
        const int s = schemeIndex(report, it->second);
        const auto o = std::find_if(t.options.begin(), t.options.end(),
                                    [&](const PlanOption& p) { return p.scheme == s; });
        if (o == t.options.end())
            throw Error("the plan assigns '" + it->second + "' to tensor '" + t.name +
                        "', which it does not apply to");
        choice.push_back(int(o - t.options.begin()));
    }
    if (!missing.empty())
        throw Error("the plan has no scheme for the tensors " + missing);
    for (const auto& entry : assignment) {
        const std::string& name = entry.first;
        if (std::none_of(tensors.begin(), tensors.end(),
                         [&](const PlanTensor& t) { return t.name == name; }))
            throw Error("the plan names tensor '" + name + "', which this model does not have");
    }
    return choice;
}

std::string llamaTensorTypes(const ModelReport& report, const std::vector<PlanTensor>& tensors,
                             const std::vector<int>& choice)
{
    std::string out;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const int s = tensors[i].options[size_t(choice[i])].scheme;
        if (s < 0)
            continue;
        const std::string gguf = ggufNameOf(tensors[i].name);
        out += anchoredPattern(gguf.empty() ? tensors[i].name : gguf) + "=" +
               ggmlTypeName(report, i, size_t(s)) + "\n";
    }
    return out;
}

} // namespace qs
