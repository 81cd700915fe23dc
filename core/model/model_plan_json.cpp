// The plan of the size planner as JSON, and the assignment of a saved plan read back.
#include "core/model/model_plan.h"

#include "core/base/error.h"
#include "core/io/mapped_file.h"
#include "core/report/json_number.h"

#include <cmath>
#include <limits>

namespace qs {

namespace {

using ojson = nlohmann::ordered_json;

double bitsPer(int64_t bytes, int64_t params)
{
    return params > 0 ? 8.0 * double(bytes) / double(params) : 0.0;
}

ojson uniformJson(const ModelReport& report, const Plan& plan, int64_t params)
{
    if (plan.uniformScheme < 0)
        return nullptr;
    ojson u = ojson::object();
    u["scheme"] = report.schemes[size_t(plan.uniformScheme)].name;
    u["bytes"] = plan.uniformBytes;
    u["bits_per_element"] = jsonNumber(bitsPer(plan.uniformBytes, params));
    u["error"] = jsonNumber(plan.uniformError);
    return u;
}

} // namespace

std::string planJson(const ModelReport& report, const std::vector<PlanTensor>& tensors,
                     const Plan& plan, bool weighted, double budgetBpw)
{
    int64_t params = 0;
    for (const PlanTensor& t : tensors)
        params += t.params;
    const Plan plain = evaluateAssignment(planTensorsOf(report, false), plan.choice);
    ojson j = ojson::object();
    j["budget_bpw"] =
        jsonNumber(std::isnan(budgetBpw) ? bitsPer(plan.budgetBytes, params) : budgetBpw);
    j["budget_bytes"] = plan.budgetBytes;
    j["bits_per_element"] = jsonNumber(plan.bitsPerElement);
    j["bytes"] = plan.bytes;
    j["sse"] = jsonNumber(plain.error);
    if (weighted)
        j["weighted_sse"] = jsonNumber(plan.error);
    j["objective"] = weighted ? "weighted_sse" : "sse";
    j["exact"] = plan.exact;
    j["lower_bound"] = jsonNumber(plan.lowerBound);
    j["uniform"] = uniformJson(report, plan, params);
    ojson assignment = ojson::object();
    for (const auto& [tensor, scheme] : assignmentByName(report, tensors, plan.choice))
        assignment[tensor] = scheme;
    j["assignment"] = std::move(assignment);
    ojson pareto = ojson::array();
    for (const ParetoPoint& p : plan.pareto)
        pareto.push_back({jsonNumber(p.bitsPerElement), jsonNumber(p.error)});
    j["pareto"] = std::move(pareto);
    return j.dump(2);
}

std::map<std::string, std::string> readPlanAssignment(const std::string& path)
{
    const MappedFile file(path);
    ojson j;
    try {
        j = ojson::parse(file.data(), file.data() + file.size());
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": not a JSON file (" + e.what() + ")");
    }
    const ojson& plan = j.is_object() && j.contains("plan") ? j["plan"] : j;
    if (!plan.is_object() || !plan.contains("assignment") || !plan["assignment"].is_object())
        throw Error(path + ": no plan in it (a JSON model report with a \"plan\" object, or "
                           "the object alone, whose \"assignment\" maps tensors to schemes)");
    std::map<std::string, std::string> out;
    for (const auto& [tensor, scheme] : plan["assignment"].items()) {
        if (!scheme.is_string())
            throw Error(path + ": the assignment of tensor '" + tensor + "' is not a scheme name");
        out[tensor] = scheme.get<std::string>();
    }
    return out;
}

} // namespace qs
