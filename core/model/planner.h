// The size planner: one scheme per tensor, chosen to minimise the model's total (optionally
// importance-weighted) squared error under a size budget. A Lagrangian sweep over each tensor's
// lower convex hull of (bytes, error) gives every optimal point of the convex relaxation; an
// exact fill then spends what is left of the budget.
//
// What is exact:
// - Every point of the Pareto curve (the sweep) is an optimal assignment for its own size: it
//   minimises error + lambda * bytes for some lambda > 0, so no assignment of at most its bytes
//   has a smaller error (and none of fewer bytes an equal one).
// - Between two points the budget is spent by a dynamic program over the budget, in units of the
//   greatest common divisor of the options' byte differences, when tensors x units is at most
//   PlanOptions::exactCells: then the plan is the optimum (Plan::exact). Otherwise the fill is
//   greedy from the largest curve point that fits (the single upgrade with the largest error
//   reduction per byte, repeated while one fits); the convex relaxation's value at the budget
//   (Plan::lowerBound) bounds how far it can be from the optimum.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct PlanOption {
    int scheme = 0;    // index into the caller's scheme list
    int64_t bytes = 0; // stored size of the tensor under this scheme
    double error = 0;  // its squared error (or weighted squared error)
};

struct PlanTensor {
    std::string name;
    int64_t params = 0;
    // The schemes allowed for this tensor (a tensor kept in its stored type has one option).
    std::vector<PlanOption> options;
};

struct ParetoPoint {
    double bitsPerElement = 0;
    int64_t bytes = 0;
    double error = 0;
};

struct Plan {
    int64_t budgetBytes = 0;
    std::vector<int> choice; // per tensor: the index into its options
    int64_t bytes = 0;
    double bitsPerElement = 0, error = 0;
    // The best single scheme for every tensor that fits the same budget (-1: none fits) and its
    // error and size, for comparison: every tensor with more than one option takes that scheme
    // (a scheme one of them lacks is no candidate), a tensor with one option keeps it.
    int uniformScheme = -1;
    double uniformError = 0;
    std::vector<ParetoPoint> pareto; // the error-vs-size curve of the sweep, ascending bytes
    // True when `error` is the optimum for the budget (the dynamic program ran, or the plan meets
    // the relaxation's bound); lowerBound: no assignment within the budget has a smaller error.
    bool exact = false;
    double lowerBound = 0;
    int64_t uniformBytes = 0;
};

struct PlanOptions {
    // The largest dynamic program of the exact fill, in tensors x budget units (8 bytes of
    // memory and a few operations per option each).
    int64_t exactCells = int64_t(1) << 22;
};

// Throws qs::Error when even the smallest choice of every tensor exceeds the budget (naming the
// smallest possible size in bytes and bits per weight), there is no tensor, or a tensor has no
// option.
Plan planAssignment(const std::vector<PlanTensor>& tensors, int64_t budgetBytes,
                    const PlanOptions& options = {});

// The size and error of a given assignment (`choice`: an option index per tensor); budgetBytes
// is set to its size. Throws qs::Error when `choice` does not fit the tensors.
Plan evaluateAssignment(const std::vector<PlanTensor>& tensors, const std::vector<int>& choice);

// The error-vs-size curve of the sweep alone (Plan::pareto without a budget).
std::vector<ParetoPoint> paretoCurve(const std::vector<PlanTensor>& tensors);

} // namespace qs
