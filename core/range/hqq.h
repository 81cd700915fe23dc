// HQQ, half-quadratic quantization (Badri & Shaji 2023): the zero points of asymmetric
// groups with fixed scales, fitted to the values by proximal iterations of an lp error
// (p < 1), as mobiusml/hqq's optimize_weights_proximal_legacy computes them.
#pragma once

#include <cstdint>
#include <vector>

namespace qs {

// The defaults of hqq (opt_params of optimize_weights_proximal_legacy).
struct HqqOptions {
    double p = 0.7;      // lp_norm
    double beta = 10;    // beta: weight of the quadratic term, times kappa every iteration
    double kappa = 1.01; // kappa
    int iterations = 20; // iters
};

// One group: its finite values and its grid x^ = scale (q - zero), q = clamp(round(x / scale +
// zero), qmin, qmax). hqqOptimize replaces `zero` by the optimised zero point.
struct HqqGroup {
    const float* x = nullptr;
    int64_t n = 0;
    double scale = 1;
    double zero = 0;
};

// Per iteration, the error of the zero points that iteration started from, over the values of
// every group: mean |x - x^| (hqq's stopping measure) and mean (x - x^)^2.
struct HqqTrace {
    std::vector<double> meanAbsError, meanSquaredError;
    int iterations() const { return int(meanAbsError.size()); }
};

// hqq's generalised soft threshold shrink_lp_op: sign(e) relu(|e| - |e|^(p-1) / beta); 0 at 0.
double hqqShrink(double e, double beta, double p);

// Optimises the zero point of every group, all groups together as hqq does for one tensor.
// Iteration i, for every group (in double precision, hqq uses float16 / float32):
//   q = clamp(round_half_even(x / s + z), qmin, qmax),  x^ = (q - z) s,
//   e = hqqShrink(x - x^, beta, p),                     z <- mean(q - (x - e) / s),
// then beta <- kappa beta, and the mean |x - x^| of this iteration's start over all values is
// recorded; the loop stops when it is not below the best so far. As in hqq, the zero points
// keep the update of the iteration that stopped the loop. hqq starts from a best error of
// 1e4 (meant as "none yet" for weights of unit size); here it is +infinity, so the first
// iteration never stops the loop whatever the magnitude of the values. Groups with n = 0 are
// left as they are. Deterministic: sums are made in fixed blocks, combined in order.
HqqTrace hqqOptimize(std::vector<HqqGroup>& groups, int64_t qmin, int64_t qmax,
                     const HqqOptions& options = HqqOptions());

} // namespace qs
