// Range estimation: the clipping range [alpha, beta] that a slice's parameters are computed
// from. Non-finite values are ignored. All functions throw qs::Error if no finite value exists.
#pragma once

#include "core/base/error.h"
#include "core/config/quant_config.h"

#include <cstdint>
#include <utility>

namespace qs {

struct Range {
    double lo = 0, hi = 0;
};

// Min and max of the finite values.
Range minMaxRange(const float* x, int64_t n);

// numpy.percentile(x, p) with the default 'linear' method, exactly: virtual index
// (n-1)*p/100 on the sorted finite values, lerp between the neighbours as numpy computes it.
// Selection-based, no full sort. p in [0, 100].
double percentile(const float* x, int64_t n, double p);
// Both tails at once: {percentile(100-p), percentile(p)}.
Range percentileRange(const float* x, int64_t n, double p);
// percentile of |x|.
double absPercentile(const float* x, int64_t n, double p);
// percentileRange() and the min / max of the finite values (percentiles 0 and 100) from the
// same selection passes, so a quantizer needs no separate min-max scan. finite = the number of
// finite values; when it is 0 nothing else is set. p in [0, 100].
struct PercentileExtremes {
    Range range;
    double min = 0, max = 0;
    int64_t finite = 0;
};
PercentileExtremes percentileRangeAndExtremes(const float* x, int64_t n, double p);

// Clipping range minimising the quantization MSE of x under `config` (bits, scheme, rounding,
// code range). Never worse than min-max on the actual MSE.
Range mseOptimalRange(const float* x, int64_t n, const QuantConfig& config);

// TensorRT (pytorch-quantization) entropy calibrator: 2048-bin histogram of |x| over
// [0, max|x|], KL divergence for every candidate from bin 128, last argmin wins. Returns amax.
double entropyAmax(const float* x, int64_t n, int bits, bool unsignedRange = false);

// The range the config's method picks for these values (before widening to include zero):
// symmetric schemes get {-amax, amax}.
Range estimateRange(const float* x, int64_t n, const QuantConfig& config);

namespace detail {
// Throws qs::Error naming `what` for a negative count, no values or a null pointer.
void checkValues(const float* x, int64_t n, const char* what);
} // namespace detail

} // namespace qs
