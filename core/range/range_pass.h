// Pieces shared by the range passes (minmax.cpp, percentile.cpp, mse_model.cpp, mse_search.cpp,
// entropy.cpp); not part of the public API, range.h is.
//
// Determinism: every pass over the data either computes order-free results (min, max, integer
// counts, selected order statistics) or cuts the data into fixed blocks of kBlock elements whose
// partial sums are combined in block order, so no result depends on the number of threads.
//
// Precision: values are float32; every statistic, candidate range and error sum is in double.
#pragma once

#include "core/base/float_order.h"
#include "core/range/range.h"

#include <cstdint>
#include <limits>

namespace qs::range_pass {

constexpr int64_t kBlock = int64_t(1) << 16;       // unit of deterministic partial sums
constexpr int64_t kParallelMin = int64_t(1) << 15; // below this, passes run on one thread

inline bool finiteF(float v)
{
    return (detail::bitsOf(v) & 0x7f800000u) != 0x7f800000u;
}

// Throws qs::Error: `what` found no finite value among the n.
[[noreturn]] void throwNoFinite(const char* what, int64_t n);

struct MinMaxCount {
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    int64_t count = 0;
};

// Min, max and number of the finite values (of |x| when `absolute`); zero is reported as +0.0.
MinMaxCount scanMinMax(const float* x, int64_t n, bool absolute);

} // namespace qs::range_pass
