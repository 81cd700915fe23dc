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

} // namespace qs
