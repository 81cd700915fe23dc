// Histograms of values and of errors.
//
// Bin rule (numpy.histogram's, see core/histogram_rule.h): the edges are
// e_k = lo + k * ((hi - lo) / bins) for k < bins and e_bins = hi; a finite value v (as double)
// goes to the bin k with e_k <= v < e_k+1, and v == hi to the last bin. Values below lo or above
// hi are counted in `below` / `above`.
// Counting runs on the OpenMP threads with per-thread counts merged at the end (integer counts:
// the result does not depend on the thread count).
#include "core/stats/histogram.h"

#include "core/base/error.h"
#include "core/stats/histogram_rule.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace qs {
namespace {

constexpr int64_t kParallelMin = int64_t(1) << 15;
constexpr int kMaxBins = 1 << 24;

void validate(int bins, double& lo, double& hi, int64_t n, bool hasData)
{
    if (bins < 1)
        throw Error("histogram: the number of bins must be at least 1 (got " +
                    std::to_string(bins) + ")");
    if (bins > kMaxBins)
        throw Error("histogram: at most " + std::to_string(kMaxBins) + " bins (got " +
                    std::to_string(bins) + ")");
    if (!std::isfinite(lo) || !std::isfinite(hi))
        throw Error("histogram: the range bounds must be finite (got [" + std::to_string(lo) +
                    ", " + std::to_string(hi) + "])");
    if (lo > hi)
        throw Error("histogram: the lower bound " + std::to_string(lo) +
                    " is above the upper bound " + std::to_string(hi));
    if (n < 0)
        throw Error("histogram: negative element count " + std::to_string(n));
    if (n > 0 && !hasData)
        throw Error("histogram: null data pointer for " + std::to_string(n) + " values");
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
    if (!std::isfinite(hi - lo))
        throw Error("histogram: the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "] is too wide to split into bins");
}

// Histogram of value(i) for i < n (non-finite values counted apart), by the rule of
// core/histogram_rule.h: most elements take the fast path with no other work.
template <class ValueFn> Histogram build(int64_t n, int bins, double lo, double hi, ValueFn value)
{
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(size_t(bins), 0);
    const detail::BinRule rule(lo, hi, bins);
    const int slots = rule.slotCount();
    std::vector<int64_t> total(size_t(slots), 0);
#pragma omp parallel if (n >= kParallelMin)
    {
        // Four interleaved count arrays (element i counts in array i % 4): runs of equal bins
        // do not wait on each other's increments. Summed at the end.
        std::vector<int64_t> local(size_t(4) * size_t(slots), 0);
        int64_t* c0 = local.data();
        int64_t* c1 = c0 + slots;
        int64_t* c2 = c1 + slots;
        int64_t* c3 = c2 + slots;
        auto one = [&](int64_t i, int64_t* c) { ++c[rule.slot(value(i))]; };
        // Contiguous blocks per thread (schedule static) of whole groups of four.
        const int64_t n4 = n / 4;
#pragma omp for schedule(static)
        for (int64_t q = 0; q < n4; ++q) {
            const int64_t i = 4 * q;
            one(i, c0);
            one(i + 1, c1);
            one(i + 2, c2);
            one(i + 3, c3);
        }
#pragma omp single
        for (int64_t i = 4 * n4; i < n; ++i)
            one(i, c0);
#pragma omp critical(qs_histogram_merge)
        for (int k = 0; k < slots; ++k)
            total[size_t(k)] += c0[k] + c1[k] + c2[k] + c3[k];
    }
    for (int k = 0; k < bins; ++k)
        h.counts[size_t(k)] = total[size_t(k)];
    h.below = total[size_t(bins)];
    h.above = total[size_t(bins) + 1];
    h.nonfinite = total[size_t(bins) + 2];
    return h;
}

// Min and max of value(i) over the finite ones; false if there are none.
template <class ValueFn> bool finiteRange(int64_t n, ValueFn value, double& lo, double& hi)
{
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
#pragma omp parallel for if (n >= kParallelMin) reduction(min : mn) reduction(max : mx)
    for (int64_t i = 0; i < n; ++i) {
        double v;
        if (value(i, v)) {
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
        }
    }
    if (!(mn <= mx))
        return false;
    lo = mn + 0.0; // +0.0 rather than -0.0, whichever thread saw which
    hi = mx + 0.0;
    return true;
}

} // namespace

int64_t Histogram::total() const
{
    int64_t t = 0;
    for (int64_t c : counts)
        t += c;
    return t;
}

void checkHistogramRange(int bins, double& lo, double& hi)
{
    validate(bins, lo, hi, 0, true);
}

Histogram histogram(const float* x, int64_t n, int bins, double lo, double hi)
{
    validate(bins, lo, hi, n, x != nullptr);
    return build(n, bins, lo, hi, [x](int64_t i) { return double(x[i]); });
}

Histogram histogram(const float* x, int64_t n, int bins)
{
    double lo = 0, hi = 1;
    if (n > 0 && x)
        finiteRange(
            n,
            [x](int64_t i, double& v) {
                v = double(x[i]);
                return std::isfinite(v);
            },
            lo, hi);
    return histogram(x, n, bins, lo, hi);
}

Histogram errorHistogram(const float* x, const float* xhat, int64_t n, int bins, double lo,
                         double hi)
{
    validate(bins, lo, hi, n, x != nullptr && xhat != nullptr);
    return build(n, bins, lo, hi, [x, xhat](int64_t i) { return double(x[i]) - double(xhat[i]); });
}

Histogram errorHistogram(const float* x, const float* xhat, int64_t n, int bins)
{
    double lo = 0, hi = 1;
    if (n > 0 && x && xhat)
        finiteRange(
            n,
            [x, xhat](int64_t i, double& v) {
                v = double(x[i]) - double(xhat[i]);
                return std::isfinite(v);
            },
            lo, hi);
    return errorHistogram(x, xhat, n, bins, lo, hi);
}

} // namespace qs
