// Bit-width sweep: SQNR and MSE of a tensor at every bit width (1..16 by default) for each range
// method, all other options of the configuration fixed, with the "6.02 dB per bit" reference
// line: each extra bit halves the step, quartering the rounding-noise power (20 log10 2 = 6.02
// dB).
//
// Reference anchor: the line passes through the first method's SQNR (min-max in the default
// order) at 8 bits, or at the valid bit width nearest to 8 when 8 is outside the sweep or
// invalid; ref(b) = SQNR(anchor) + 6.0206 (b - anchor). Near the anchor the measured curve
// follows it; at low bits clipping and the few levels bend the curve away from it.
//
// Subsampling: a per-tensor sweep of a tensor with more than maxElements values uses every k-th
// value (k = ceil(n / maxElements), starting at index 0), a deterministic sample whose metrics
// differ from the full tensor's by sampling noise only. Per-channel and per-group sweeps always
// use the whole tensor (a strided sample would cut across the slices).
#pragma once

#include "core/quant/quantize.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct SweepOptions {
    int minBits = 1, maxBits = 16;
    std::vector<RangeMethod> methods{RangeMethod::MinMax, RangeMethod::Percentile, RangeMethod::MSE,
                                     RangeMethod::Entropy};
    int64_t maxElements = int64_t(1) << 18; // 0 = never subsample
};

struct SweepPoint {
    int bits = 0;
    bool valid = true;  // false: the combination is impossible (e.g. symmetric at 1 bit)
    std::string reason; // why not valid
    double mse = 0, sqnrDb = 0;
    double clipped = 0; // fraction of values clipped (both ends)
};

struct SweepSeries {
    RangeMethod method = RangeMethod::MinMax;
    std::vector<SweepPoint> points; // one per bit width, minBits..maxBits
};

struct Sweep {
    std::vector<int> bits;
    std::vector<SweepSeries> series; // one per method, in SweepOptions order
    std::vector<double> referenceDb; // the 6.02 dB/bit line, one per bit width (NaN if no anchor)
    int anchorBits = 0;              // 0 when no valid point exists
    double anchorDb = 0;
    int64_t elementsUsed = 0;
    bool subsampled = false;
    // SQNR of fp16 and bf16 on the same values, for horizontal comparison lines.
    double fp16SqnrDb = 0, bf16SqnrDb = 0;
};

constexpr double kDbPerBit = 6.020599913279624; // 20 log10(2)

// Every k-th value of t (k = ceil(n / maxElements)) as a 1-D tensor; t itself when it is small
// enough or maxElements <= 0.
Tensor strideSubsample(const Tensor& t, int64_t maxElements);

// Throws qs::Error for an empty tensor, a float scheme (fp16/bf16 have no bit width), bits
// outside 1..16 or minBits > maxBits, no methods; qs::Cancelled when cancel fires.
Sweep bitWidthSweep(const Tensor& t, const QuantConfig& base, const SweepOptions& options = {},
                    const CancelToken* cancel = nullptr);

} // namespace qs
