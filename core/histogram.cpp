// Histograms of values and of errors.
//
// Bin rule (numpy.histogram's): the edges are e_k = lo + k * ((hi - lo) / bins) for k < bins and
// e_bins = hi; a finite value v (as double) goes to the bin k with e_k <= v < e_k+1, and v == hi
// to the last bin. The bin is found by multiplication and then corrected against the edges, so
// the rule holds exactly. Values below lo or above hi are counted in `below` / `above`.
// Counting runs on the OpenMP threads with per-thread counts merged at the end (integer counts:
// the result does not depend on the thread count).
#include "core/histogram.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace qs {
namespace {

constexpr int64_t kParallelMin = int64_t(1) << 15;
constexpr int kMaxBins = 1 << 24;

struct Binner {
    double lo, hi, norm;
    int bins;
    std::vector<double> edges;

    Binner(double lo_, double hi_, int bins_) : lo(lo_), hi(hi_), bins(bins_)
    {
        const double step = (hi - lo) / bins;
        edges.resize(size_t(bins) + 1);
        for (int k = 0; k < bins; ++k)
            edges[size_t(k)] = double(k) * step + lo;
        edges[size_t(bins)] = hi;
        norm = bins / (hi - lo);
    }

    // -1: below, bins: above, else the bin.
    int binOf(double v) const
    {
        if (v < lo)
            return -1;
        if (v > hi)
            return bins;
        int k = int((v - lo) * norm);
        if (k >= bins)
            k = bins - 1;
        if (k < 0)
            k = 0;
        if (v < edges[size_t(k)])
            --k;
        else if (k != bins - 1 && v >= edges[size_t(k) + 1])
            ++k;
        return k;
    }
};

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

// Histogram of value(i) for i < n; value returns false for a non-finite value.
template <class ValueFn> Histogram build(int64_t n, int bins, double lo, double hi, ValueFn value)
{
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(size_t(bins), 0);
    const Binner binner(lo, hi, bins);
    int64_t below = 0, above = 0, nonfinite = 0;
#pragma omp parallel if (n >= kParallelMin) reduction(+ : below, above, nonfinite)
    {
        std::vector<int64_t> local(size_t(bins), 0);
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; ++i) {
            double v;
            if (!value(i, v)) {
                ++nonfinite;
                continue;
            }
            const int k = binner.binOf(v);
            if (k < 0)
                ++below;
            else if (k >= bins)
                ++above;
            else
                ++local[size_t(k)];
        }
#pragma omp critical(qs_histogram_merge)
        for (int k = 0; k < bins; ++k)
            h.counts[size_t(k)] += local[size_t(k)];
    }
    h.below = below;
    h.above = above;
    h.nonfinite = nonfinite;
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

Histogram histogram(const float* x, int64_t n, int bins, double lo, double hi)
{
    validate(bins, lo, hi, n, x != nullptr);
    return build(n, bins, lo, hi, [x](int64_t i, double& v) {
        v = double(x[i]);
        return std::isfinite(v);
    });
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
    return build(n, bins, lo, hi, [x, xhat](int64_t i, double& v) {
        v = double(x[i]) - double(xhat[i]);
        return std::isfinite(v);
    });
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
