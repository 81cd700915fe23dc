// The size planner: one scheme per tensor, chosen to minimise the model's total (optionally
// importance-weighted) squared error under a size budget. A Lagrangian sweep over each tensor's
// lower convex hull of (bytes, error) gives every optimal point of the convex relaxation; an
// exact fill then spends what is left of the budget.
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
    // error, for comparison.
    int uniformScheme = -1;
    double uniformError = 0;
    std::vector<ParetoPoint> pareto; // the error-vs-size curve of the sweep, ascending bytes
};

// Throws qs::Error when even the smallest choice of every tensor exceeds the budget (naming the
// smallest possible size) or a tensor has no option.
Plan planAssignment(const std::vector<PlanTensor>& tensors, int64_t budgetBytes);

} // namespace qs
