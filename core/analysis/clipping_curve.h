// Clipping curve: the quantization MSE of a tensor against the clipping threshold at the
// configuration's bit width, split into the rounding error of the values inside the clipping
// range and the clipping error of the values outside it, with the places where the range
// methods (min-max, percentile, MSE-optimal, entropy) land.
//
// Thresholds (per-tensor parameters; the configuration's granularity is ignored):
//   symmetric : amax = t * max|x| for t = 1/N, 2/N, ..., 1; the range is [-amax, amax].
//   asymmetric: the min-max range shrunk toward the median m by the factor t = 1/N .. 1:
//               [m - t (m - min), m + t (max - m)] (then widened to include 0 if the config
//               says so). t = 1 is min-max.
// Each point is computed exactly, not from a histogram: the scale and zero point come from the
// engine (qs::quantize of the two range ends, so the range ends are rounded to float32), the
// errors from qs::quantizeWithParams on the tensor, or on its deterministic subsample (every
// k-th value, see strideSubsample) when it holds more than maxElements values.
// A value counts as clipped when its rounded code fell outside [qmin, qmax], as the engine counts
// it (so a value up to half a step beyond [rangeMin, rangeMax] is still a rounding error);
// mse = roundingMse + clippingMse (both are sums over their values divided by the number of all
// finite values).
// Markers: qs::estimateRange with each method on the whole tensor; their MSE is measured like
// the curve's points, their position is amax (symmetric) or the width ratio
// (hi - lo) / (max - min) (asymmetric), so a marker of an asymmetric method that clips the two
// tails unevenly may lie off the curve.
#pragma once

#include "core/quant/quantize.h"
#include "core/range/range.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct ClippingPoint {
    double position = 0;   // symmetric: amax; asymmetric: shrink factor t (or width ratio)
    double lo = 0, hi = 0; // the clipping range [rangeMin, rangeMax] the engine used
    double mse = 0, roundingMse = 0, clippingMse = 0;
    double clipped = 0; // fraction of values clipped (the engine's count)
};

struct ClippingMarker {
    RangeMethod method = RangeMethod::MinMax;
    std::string label; // "min-max", "percentile 99.99", "MSE-optimal", "entropy"
    ClippingPoint point;
};

struct ClippingCurve {
    bool symmetric = false;
    double dataMin = 0, dataMax = 0, median = 0, absMax = 0;
    std::vector<ClippingPoint> points;
    std::vector<ClippingMarker> markers;
    int64_t elementsUsed = 0;
    bool subsampled = false;
};

struct ClippingOptions {
    int points = 150;                       // 10..1000
    int64_t maxElements = int64_t(1) << 16; // 0 = never subsample
};

// Throws qs::Error for an empty tensor or one without finite values, a float scheme, or points
// outside 10..1000; qs::Cancelled when cancel fires.
ClippingCurve clippingCurve(const Tensor& t, const QuantConfig& config,
                            const ClippingOptions& options = {},
                            const CancelToken* cancel = nullptr);

// The error of x quantized with per-tensor parameters for the clipping range [lo, hi] (before
// widening), as the curve measures it. Exposed for tests and single markers.
ClippingPoint clippingPointFor(const Tensor& x, const QuantConfig& config, double lo, double hi,
                               const CancelToken* cancel = nullptr);

} // namespace qs
