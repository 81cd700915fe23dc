#include "core/stats/tensor_stats.h"

#include <algorithm>

namespace qs {

TensorStats tensorStats(const Tensor& t)
{
    TensorStats s;
    double sum = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (float v : t.data) {
        if (!std::isfinite(v)) {
            ++s.nonfinite;
            continue;
        }
        ++s.finite;
        sum += v;
        lo = std::min(lo, double(v));
        hi = std::max(hi, double(v));
    }
    if (s.finite == 0)
        return s;
    s.min = lo;
    s.max = hi;
    s.mean = sum / double(s.finite);
    double ss = 0;
    for (float v : t.data)
        if (std::isfinite(v))
            ss += (double(v) - s.mean) * (double(v) - s.mean);
    s.std = std::sqrt(ss / double(s.finite));
    return s;
}

} // namespace qs
