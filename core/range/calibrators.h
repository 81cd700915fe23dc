// Histogram calibrators of TensorRT's pytorch-quantization (calib/histogram.py) and ONNX Runtime
// (quantization/calibrate.py), reproduced from their published algorithms: both read a clipping
// threshold off a numpy.histogram of the float32 data, so the result is always a bin edge as
// numpy computes it (float32), never an interpolated order statistic.
//
// numpy.histogram(v, bins, range) of float32 data, as numpy 1.x computes it:
//   edges[k] = float32(first + k * ((last - first) / bins)) with the linspace in float64 and
//   edges[bins] = last; an element goes to bin trunc(float32((v - first) / (last - first)) *
//   bins) (float32 arithmetic), moved down one bin when v < edges[bin] and up one when
//   v >= edges[bin + 1] (the last bin includes its right edge). A zero-width range becomes
//   [first - 0.5, last + 0.5]. Non-finite values are left out (numpy would refuse them).
//
// Cumulative distribution: cdf = numpy.cumsum(counts / total) (float64, summed in order) and
// numpy.searchsorted(cdf, q) = the first bin whose cdf is >= q.
#pragma once

#include "core/range/range.h"

#include <cstdint>
#include <vector>

namespace qs {

struct CalibHistogram {
    std::vector<int64_t> counts;    // per bin
    std::vector<float> edges;       // counts.size() + 1, float32 as numpy returns them
    float dataMin = 0, dataMax = 0; // of the finite (signed) input values
};

// numpy.histogram of the finite values (of |x| when `absolute`) over [first, last].
// Throws qs::Error for bins < 1, first > last or a non-finite bound.
CalibHistogram numpyHistogram(const float* x, int64_t n, int bins, bool absolute, double first,
                              double last);

// First index i with cdf[i] >= q, cdf = cumsum(counts / total) in float64 (counts.size() when
// no cdf value reaches q).
int64_t searchCdf(const std::vector<int64_t>& counts, double q);

// --- TensorRT (NVIDIA pytorch-quantization HistogramCalibrator) -------------------------------
// The histogram: 2048 bins of |x| over [0, max|x|] (numpy.histogram with range=(0, max), the
// calibrate_weights histogram, which its torch.histc path is written to match; torch.histc
// skips numpy's edge correction and torch.linspace computes the upper half of the edges from
// the top, so that path can put a value lying within a float32 ulp of an edge into the
// neighbouring bin, or return an edge one ulp away).
// Throws qs::Error for empty input or no finite value.
CalibHistogram trtHistogram(const float* x, int64_t n, int bins = 2048);

// _compute_amax_percentile: amax = edges[searchsorted(cdf, p / 100)], the left edge of the bin
// where the cdf reaches p percent. p in [0, 100]. 0 for an all-zero tensor.
double trtPercentileAmax(const float* x, int64_t n, double p);

// _compute_amax_mse: for every candidate i from start bin 128 to bins - 1, amax = centre of bin
// i (float32 (e_i + e_i+1) / 2); all bin centres are fake-quantized with it as
// fake_tensor_quant does (narrow range, s = float32(max_bound / amax), q = clamp(round-half-even(
// float32(c * s)), -max_bound, max_bound), c^ = float32(q / s)) and the error is
// sum count * float32((c^ - c)^2); the first minimum wins. max_bound = 2^(bits - 1) - 1
// (2^bits - 1 unsigned). The reference averages the float32 products on the GPU in an
// unspecified order; here they are summed in double (the non-empty bins in order, dealt round
// robin to four sums added as (s0 + s1) + (s2 + s3)), so two candidates whose errors agree to
// float32 rounding could be ranked differently. 0 for an all-zero tensor.
double trtMseAmax(const float* x, int64_t n, int bits, bool unsignedRange = false);

// --- ONNX Runtime (HistogramCollector) ---------------------------------------------------------
// Percentile calibrator (default 2048 bins, 99.999, symmetric):
//  symmetric: histogram of |x| over [min|x|, max|x|] (numpy's own range), edges cast to
//    float32, t = edges[searchsorted(cdf, p / 100)], thresholds (-t, t);
//  otherwise: histogram of x over [-T, T], T = max(|min x|, |max x|), cut = (100 - p) / 200,
//    thresholds (edges[searchsorted(cdf, cut)], edges[searchsorted(cdf, 1 - cut)]).
// Then a lower threshold below min(x) becomes min(x) and an upper one above max(x) becomes
// max(x). Returns the thresholds {lo, hi} (float32 values).
Range ortPercentileRange(const float* x, int64_t n, double p, bool symmetric = true,
                         int bins = 2048);

// Entropy calibrator (default 128 bins, 128 quantized bins): histogram of x over [-T, T]; for
// every window of 2i + 1 bins centred on the zero bin (i from quantizedBins / 2 to bins / 2,
// clipped to the histogram) the outliers are added to the end bins (P), the window is merged
// into quantizedBins groups of floor(size / quantizedBins) bins (the rest into the last group)
// and spread back over the non-zero bins (Q); both are smoothed (zeros get 1e-4, the non-zero
// bins lose 1e-4 * zeros / non-zeros) and the KL divergence P || Q is taken; the first minimum
// wins and the window's edges, clipped to [min x, max x], are the thresholds.
// With the defaults there is exactly one window, the whole histogram, so the result is
// [min x, max x]. The divergence follows scipy.stats.entropy on the float32 smoothed arrays
// (numpy's pairwise float32 sums, p * log(p / q) in double stored as float32), since windows
// often differ only in the float32 rounding of their divergences.
// Throws qs::Error for bins or quantizedBins < 2 or quantizedBins > bins.
Range ortEntropyRange(const float* x, int64_t n, int bins = 128, int quantizedBins = 128);

} // namespace qs
