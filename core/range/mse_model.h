// MSE-optimal clipping, the error model: what a candidate range costs.
//
// 1. A histogram of the values (up to kMseBins bins over [min, max]) with a uniform density
//    inside each bin gives closed-form prefix moments C0, C1, C2 (count, sum, sum of squares of
//    the values below a point). The quantization error of a candidate range is then a sum over
//    the code cells (the x-interval that maps to each code, the end cells extended to +-inf by
//    clipping): sum (v - g)^2 = dC2 - 2 g dC1 + g^2 dC0 with g the cell's dequantized value.
//    Cost O(codes) per candidate; above kMaxCells codes the interior error is
//    count * s^2 * E[r^2] instead. Slices with fewer values than codes skip the model and
//    evaluate every candidate on the data.
// 2. The search over candidates (mse_search.cpp) ranks them with the model.
// 3. The model's best candidate(s) and min-max itself are evaluated exactly on the data with the
//    same parameter formulas and rounding as the quantizer (exactErrors).
#pragma once

#include "core/config/quant_config.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace qs::range_pass {

constexpr int64_t kMaxCells = 4096; // above this many codes the model's interior is averaged

// Scale and zero point of a candidate range, by the quantizer's formulas (see quantize.h):
// widening to include zero, float32 parameters, zero-point rounding, constant ranges.
struct Grid {
    double s = 1, z = 0, inv = 1;
    float sf = 1, zf = 0, invf = 1;
    double qmin = 0, qmax = 255;
    bool valid = false;
};

Grid gridFor(double lo, double hi, const QuantConfig& c);

// Histogram with uniform density per bin, in coordinates centred on the data (u = v - centre)
// so that differences of prefix moments keep their precision.
struct BinModel {
    double centre = 0, lo = 0, w = 1; // bins cover [lo, lo + nb * w] in centred units
    int nb = 0;
    std::vector<double> c, P0, P1, P2; // counts; prefix moments at the bin edges (nb + 1)
    double total = 0;

    // Moments of the values below u.
    void at(double u, double& m0, double& m1, double& m2) const
    {
        if (!(u > lo)) {
            m0 = m1 = m2 = 0;
            return;
        }
        double f = (u - lo) / w;
        if (f >= nb) {
            m0 = P0[size_t(nb)];
            m1 = P1[size_t(nb)];
            m2 = P2[size_t(nb)];
            return;
        }
        const int i = std::min(nb - 1, int(f));
        const double e = lo + double(i) * w;
        const double d = u - e;
        const double k = c[size_t(i)] / w;
        m0 = P0[size_t(i)] + k * d;
        m1 = P1[size_t(i)] + k * d * (e + 0.5 * d);
        m2 = P2[size_t(i)] + k * d * (e * e + e * d + d * d / 3.0);
    }
};

// The model of the finite values of x, `bins` bins over [mn, mx] (mn < mx).
BinModel buildModel(const float* x, int64_t n, double mn, double mx, int bins);

// Modelled sum of squared errors of a grid over the histogram.
double modelError(const BinModel& m, const Grid& g, const QuantConfig& c);

// Sum of squared errors of one grid over x[b, e), as the quantizer computes the codes.
double blockErrors(const float* x, int64_t b, int64_t e, const Grid& g, const QuantConfig& c);

// Exact sums of squared errors of several grids on the data (stochastic rounding: the expected
// squared error). Deterministic: fixed blocks summed in order.
std::vector<double> exactErrors(const float* x, int64_t n, const std::vector<Grid>& grids,
                                const QuantConfig& c);

} // namespace qs::range_pass
