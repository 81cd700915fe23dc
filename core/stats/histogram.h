// Histograms with caller-chosen bins and range, computed in the core so charts get a few
// hundred bars instead of millions of values.
#pragma once

#include <cstdint>
#include <vector>

namespace qs {

struct Histogram {
    double lo = 0, hi = 1;        // bins cover [lo, hi]; the last bin includes hi
    std::vector<int64_t> counts;  // bins.size() == number of bins
    int64_t below = 0, above = 0; // finite values outside [lo, hi]
    int64_t nonfinite = 0;
    double binWidth() const { return counts.empty() ? 0 : (hi - lo) / double(counts.size()); }
    double binCenter(int64_t i) const { return lo + (double(i) + 0.5) * binWidth(); }
    int64_t total() const; // sum of counts
};

// Histogram of the finite values of x. lo == hi is widened by +-0.5 so one bin holds them.
// Throws qs::Error for bins < 1 or lo > hi or non-finite bounds.
Histogram histogram(const float* x, int64_t n, int bins, double lo, double hi);
// Same, over [min, max] of the finite values (a [0, 1] range if there are none).
Histogram histogram(const float* x, int64_t n, int bins);
// Histogram of x - xhat over the elements where x is finite.
Histogram errorHistogram(const float* x, const float* xhat, int64_t n, int bins, double lo,
                         double hi);
Histogram errorHistogram(const float* x, const float* xhat, int64_t n, int bins); // auto range

// Checks bins and [lo, hi] as histogram() does (throws the same qs::Error) and widens lo == hi
// by +-0.5: afterwards [lo, hi] is the range such a histogram covers.
void checkHistogramRange(int bins, double& lo, double& hi);

} // namespace qs
