// Min-max ranges: the one scan of the finite values every other method starts from, and the
// input checks shared by all range methods.
#include "core/range/range_pass.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace qs {
namespace range_pass {

void throwNoFinite(const char* what, int64_t n)
{
    throw Error(std::string(what) + ": none of the " + std::to_string(n) +
                " values is finite (all NaN or Inf)");
}

MinMaxCount scanMinMax(const float* x, int64_t n, bool absolute)
{
    MinMaxCount total;
    const int64_t nb = (n + kBlock - 1) / kBlock;
#pragma omp parallel if (n >= kParallelMin)
    {
        MinMaxCount local;
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nb; ++b) {
            const int64_t e = std::min(n, (b + 1) * kBlock);
            float lo = local.lo, hi = local.hi;
            int64_t c = 0;
#pragma omp simd reduction(min : lo) reduction(max : hi) reduction(+ : c)
            for (int64_t i = b * kBlock; i < e; ++i) {
                float v = x[i];
                if (absolute)
                    v = std::fabs(v);
                const bool ok = finiteF(v);
                c += ok;
                lo = (ok && v < lo) ? v : lo;
                hi = (ok && v > hi) ? v : hi;
            }
            local.lo = lo;
            local.hi = hi;
            local.count += c;
        }
#pragma omp critical(qs_range_minmax)
        {
            total.lo = std::min(total.lo, local.lo);
            total.hi = std::max(total.hi, local.hi);
            total.count += local.count;
        }
    }
    // -0.0 and +0.0 compare equal, so which one survives would depend on the order of the
    // threads: report zero as +0.0.
    total.lo += 0.0f;
    total.hi += 0.0f;
    return total;
}

} // namespace range_pass

Range minMaxRange(const float* x, int64_t n)
{
    detail::checkValues(x, n, "min-max range");
    const range_pass::MinMaxCount m = range_pass::scanMinMax(x, n, false);
    if (m.count == 0)
        range_pass::throwNoFinite("min-max range", n);
    return {double(m.lo), double(m.hi)};
}

namespace detail {

void checkValues(const float* x, int64_t n, const char* what)
{
    if (n < 0)
        throw Error(std::string(what) + ": negative element count " + std::to_string(n));
    if (n == 0)
        throw Error(std::string(what) + ": no values (empty input)");
    if (!x)
        throw Error(std::string(what) + ": null data pointer for " + std::to_string(n) + " values");
}

} // namespace detail

} // namespace qs
