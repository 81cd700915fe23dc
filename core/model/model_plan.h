// The planner (planner.h) on a model report: one PlanTensor per tensor from its schemes' sizes
// and errors, budgets in bits per weight, assignments by scheme name (a saved plan), and the
// plan as llama-quantize's --tensor-type arguments.
#pragma once

#include "core/model/model_report.h"
#include "core/model/planner.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qs {

// The name a tensor kept in its stored type has in an assignment.
inline const char* kStoredAssignment = "stored";

// One PlanTensor per report tensor, in the report's order: an option per scheme that applies
// (PlanOption::scheme indexes report.schemes) with its bytes and its squared error, or with
// `weighted` its importance-weighted squared error (tensors without importance values: the
// plain one). A tensor no scheme applies to (a norm or other 1-D tensor kept as stored, rows
// llama.cpp refuses) has the one option scheme -1: its stored size, error 0.
std::vector<PlanTensor> planTensorsOf(const ModelReport& report, bool weighted);

// True when the report has an importance-weighted error for some tensor and scheme.
bool hasWeightedErrors(const ModelReport& report);

// A budget of `bitsPerWeight` over the report's parameters, in whole bytes (rounded down).
// Throws qs::Error for a budget that is not a positive finite number.
int64_t budgetBytesForBpw(const ModelReport& report, double bitsPerWeight);

// The assignment as tensor name -> scheme name (kStoredAssignment for scheme -1).
std::map<std::string, std::string> assignmentByName(const ModelReport& report,
                                                    const std::vector<PlanTensor>& tensors,
                                                    const std::vector<int>& choice);
// The inverse, for re-evaluating a saved plan on this report: every tensor of the report must be
// assigned a scheme that applies to it. Throws qs::Error naming the tensors without an entry,
// entries for tensors the report does not have, and schemes the report does not list or that
// do not apply to a tensor.
std::vector<int> choiceFromAssignment(const ModelReport& report,
                                      const std::vector<PlanTensor>& tensors,
                                      const std::map<std::string, std::string>& assignment);

// llama-quantize's --tensor-type arguments for the plan, one "PATTERN=type" per line (the form
// --tensor-type-file reads): the tensor's GGUF name (model_pairing.h's ggufNameOf for Hugging
// Face names) as an anchored regular expression with its dots escaped, since llama-quantize
// searches each pattern in the names, and the ggml type in lower case ("q4_k"; the fallback
// type where llama.cpp's fallback replaced the scheme). Tensors kept as stored get no line.
// Throws qs::Error naming a scheme without a ggml type.
std::string llamaTensorTypes(const ModelReport& report, const std::vector<PlanTensor>& tensors,
                             const std::vector<int>& choice);

// The plan as the JSON report's "plan" object:
//   {"budget_bpw", "budget_bytes", "bits_per_element", "bytes", "sse", ["weighted_sse",]
//    "objective": "sse" | "weighted_sse", "exact", "lower_bound",
//    "uniform": {"scheme", "bytes", "bits_per_element", "error"} (null: no single scheme fits),
//    "assignment": {tensor: scheme}, "pareto": [[bits per element, error], ...]}
// `sse` is the plain squared error of the assignment, `weighted_sse` (with `weighted`) the
// importance-weighted one; the objective's error is the one minimised, and the one of
// `uniform`, `lower_bound` and the curve. budgetBpw: the budget as the user gave it in bits per
// weight (NaN: the budget in bytes over the parameters).
std::string planJson(const ModelReport& report, const std::vector<PlanTensor>& tensors,
                     const Plan& plan, bool weighted, double budgetBpw);

// The assignment of a saved plan: a JSON model report with a "plan" object, or the "plan"
// object alone. Throws qs::Error naming the file and the problem.
std::map<std::string, std::string> readPlanAssignment(const std::string& path);

} // namespace qs
