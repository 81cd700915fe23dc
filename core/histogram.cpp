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

// Histogram of value(i) for i < n (non-finite values counted apart).
//
// Per element: t = (v - lo) * norm and k = int(t). When 0 <= t < bins and t is farther than
// `margin` from an integer, k is the bin the edges give (the rounding of t and of the edges can
// only move a value across an edge that close), and the element is counted with no other work.
// Everything else, rare in practice (values on or next to an edge, outside [lo, hi], non-finite),
// takes the exact path: the edges decide, as numpy does. Below, above and non-finite values go
// to three extra slots after the bins.
template <class ValueFn> Histogram build(int64_t n, int bins, double lo, double hi, ValueFn value)
{
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(size_t(bins), 0);
    const Binner binner(lo, hi, bins);
    const int slots = bins + 3; // bins, below, above, non-finite
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
        const double blo = binner.lo, norm = binner.norm;
        const double cap = double(bins);
        // Bound, in bins, of the rounding in t = (v - lo) * norm and in the edges: farther
        // than this from an integer, floor(t) is the bin the edges give.
        const double margin =
            16.0 * 0x1p-52 * ((std::fabs(blo) + std::fabs(binner.hi)) * norm + double(bins) + 1.0);
        const double upper = 1.0 - margin;
        auto exact = [&](double v) {
            if (!(std::fabs(v) <= std::numeric_limits<double>::max()))
                return bins + 2;
            const int k = binner.binOf(v);
            return k < 0 ? bins : (k == bins ? bins + 1 : k);
        };
        auto one = [&](int64_t i, int64_t* c) {
            const double v = value(i);
            const double t = (v - blo) * norm;
            if (t >= 0.0 && t < cap) { // false for NaN
                const int k = int(t);
                const double f = t - double(k);
                if (f >= margin && f <= upper) {
                    ++c[k];
                    return;
                }
            }
            ++c[exact(v)];
        };
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
