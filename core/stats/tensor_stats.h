// Summary statistics of a tensor's finite values, computed in double: the source panel's facts
// and `quantscope-cli info` print them.
#pragma once

#include "core/base/tensor.h"

#include <cmath>
#include <cstdint>

namespace qs {

struct TensorStats {
    int64_t finite = 0, nonfinite = 0;
    // NaN when there is no finite value.
    double min = NAN, max = NAN, mean = NAN, std = NAN; // population std (numpy's ddof=0)
};

// Two passes: the mean first, then the squares around it (no cancellation for large offsets).
TensorStats tensorStats(const Tensor& t);

} // namespace qs
