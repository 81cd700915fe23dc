// The range dispatcher: which method's range a config gets. The methods live one per file:
// minmax.cpp, percentile.cpp (exact numpy percentiles by radix selection), mse_search.cpp with
// mse_model.cpp (MSE-optimal clipping), entropy.cpp (TensorRT's KL calibrator) and
// calibrators.cpp (the TensorRT and ONNX Runtime histogram calibrators).
#include "core/range/range.h"

#include "core/range/calibrators.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace qs {
namespace {

// A symmetric scheme's range: {-amax, amax} with amax = max(|lo|, |hi|).
Range symmetricAround(const Range& r)
{
    const double a = std::max(std::fabs(r.lo), std::fabs(r.hi));
    return {-a, a};
}

// An asymmetric scheme's range from a calibrated amax: the data range clipped to [-amax, amax].
Range clipToAmax(const Range& data, double amax)
{
    const double hi = std::min(data.hi, amax);
    return {std::min(std::max(data.lo, -amax), hi), hi};
}

} // namespace

Range estimateRange(const float* x, int64_t n, const QuantConfig& config)
{
    detail::checkValues(x, n, "range estimation");
    const bool sym = config.scheme == Scheme::Symmetric;
    if (!config.isInteger())
        return minMaxRange(x, n);
    if (usesPercentile(config.range) && !(config.percentile > 50 && config.percentile <= 100))
        throw Error("percentile must be in (50, 100], got " + std::to_string(config.percentile));
    switch (config.range) {
    case RangeMethod::MinMax:
    case RangeMethod::Hqq: // the optimizers start from min-max's range
                           // (core/quant/optimized_params)
    case RangeMethod::GridSearch: {
        const Range r = minMaxRange(x, n);
        return sym ? symmetricAround(r) : r;
    }
    case RangeMethod::Percentile: {
        if (!sym)
            return percentileRange(x, n, config.percentile);
        const double a = absPercentile(x, n, config.percentile);
        return {-a, a};
    }
    case RangeMethod::MSE:
        return mseOptimalRange(x, n, config);
    case RangeMethod::Entropy: {
        if (sym) {
            const double a = entropyAmax(x, n, config.bits, false);
            return {-a, a};
        }
        // Non-negative data is calibrated as unsigned (one more bit of resolution, as TensorRT
        // does after ReLU).
        const Range r = minMaxRange(x, n);
        return clipToAmax(r, entropyAmax(x, n, config.bits, r.lo >= 0));
    }
    case RangeMethod::TrtPercentile:
    case RangeMethod::TrtMse: {
        // TensorRT calibrates amax (non-negative data calibrated as unsigned for mse, as after
        // ReLU).
        const Range r = minMaxRange(x, n);
        const double a = config.range == RangeMethod::TrtPercentile
                             ? trtPercentileAmax(x, n, config.percentile)
                             : trtMseAmax(x, n, config.bits, !sym && r.lo >= 0);
        return sym ? Range{-a, a} : clipToAmax(r, a);
    }
    case RangeMethod::OrtPercentile:
    case RangeMethod::OrtEntropy: {
        // ONNX Runtime's thresholds; a symmetric scheme takes amax = max(|lo|, |hi|) as its
        // compute_scale_zp does.
        const Range r = config.range == RangeMethod::OrtPercentile
                            ? ortPercentileRange(x, n, config.percentile, true)
                            : ortEntropyRange(x, n);
        return sym ? symmetricAround(r) : r;
    }
    }
    throw Error("unknown range method");
}

} // namespace qs
