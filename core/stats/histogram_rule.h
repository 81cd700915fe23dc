// The bin rule of core/histogram.h, shared by histogram.cpp and the histograms that
// quantizeInto() fills inside its quantization pass, so both give identical counts.
//
// numpy.histogram's rule: the edges are e_k = lo + k * ((hi - lo) / bins) for k < bins and
// e_bins = hi; a finite value v (as double) goes to the bin k with e_k <= v < e_k+1, and v == hi
// to the last bin. Fast path: t = (v - lo) * norm, k = int(t); when 0 <= t < bins and t is
// farther than `margin` from an integer, k is the bin the edges give (the rounding of t and of
// the edges can only move a value across an edge that close). Everything else (values on or
// next to an edge, outside [lo, hi], non-finite) takes the exact path through the edges.
// Slots: 0..bins-1 the bins, bins = below lo, bins + 1 = above hi, bins + 2 = non-finite.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace qs::detail {

struct BinRule {
    double lo = 0, hi = 1, norm = 1;
    int bins = 1;
    double cap = 1, margin = 0, upper = 1;
    std::vector<double> edges;
    // The same fast path in float32 (8 lanes instead of 4) for callers that vectorise it: t is
    // computed from float(lo) and float(norm), which moves it by at most ~4 * 2^-24 of
    // (|v| + |lo|) * norm bins; marginF adds that to the double margin. Used only when it leaves
    // most of each bin to the fast path (floatFast).
    float lof = 0, normf = 1, capf = 1, marginf = 0, upperf = 1;
    bool floatFast = false;
    // The bin of 0 (-1 if 0 lies outside [lo, hi]), which often sits on an edge (the exact zero
    // error of a value on the grid, as in sparse tensors): a fast path may compare with it
    // instead of taking the exact path.
    int zeroBin = -1;

    BinRule() = default;
    // lo < hi, both finite, bins >= 1 (histogram.cpp validates).
    BinRule(double lo_, double hi_, int bins_) : lo(lo_), hi(hi_), bins(bins_)
    {
        const double step = (hi - lo) / bins;
        edges.resize(size_t(bins) + 1);
        for (int k = 0; k < bins; ++k)
            edges[size_t(k)] = double(k) * step + lo;
        edges[size_t(bins)] = hi;
        norm = bins / (hi - lo);
        cap = double(bins);
        margin = 16.0 * 0x1p-52 * ((std::fabs(lo) + std::fabs(hi)) * norm + double(bins) + 1.0);
        upper = 1.0 - margin;
        const double mf =
            margin + 32.0 * 0x1p-24 * ((std::fabs(lo) + std::fabs(hi)) * norm + double(bins) + 1.0);
        lof = float(lo);
        normf = float(norm);
        capf = float(bins);
        marginf = float(mf * (1.0 + 0x1p-20)); // rounded up
        upperf = float(1.0 - double(marginf));
        floatFast = mf < 0.01 && bins < (1 << 22);
        zeroBin = binOf(0.0);
    }
    int slotCount() const { return bins + 3; }

    // The fast-path bin of v, or -1 when the exact path must decide. Branch-free (vectorises).
    int fast(double v) const
    {
        const double t = (v - lo) * norm;
        const bool in = t >= 0.0 && t < cap; // false for NaN
        const double tc = in ? t : 0.0;
        const int k = int(tc);
        const double f = tc - double(k);
        return in && f >= margin && f <= upper ? k : -1;
    }

    // The slot of v by the edges.
    int exact(double v) const
    {
        if (!(std::fabs(v) <= std::numeric_limits<double>::max()))
            return bins + 2;
        if (v < lo)
            return bins;
        if (v > hi)
            return bins + 1;
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

    // exact(v) for a v that the fast path left because it lies next to an edge: the step to the
    // neighbouring bin without a branch, since such values fall on either side as often.
    int exactNearEdge(double v) const
    {
        if (!(v >= lo && v <= hi)) // outside [lo, hi], or NaN
            return exact(v);
        int k = int((v - lo) * norm); // >= 0
        k = k < bins ? k : bins - 1;
        const int down = v < edges[size_t(k)];
        const int up = (1 - down) & int(k != bins - 1) & int(v >= edges[size_t(k) + 1]);
        return k - down + up;
    }

    // The bin of v by the edges, -1 when v is outside [lo, hi] or not finite.
    int binOf(double v) const
    {
        const int k = exact(v);
        return k < bins ? k : -1;
    }

    int slot(double v) const
    {
        const int k = fast(v);
        return k >= 0 ? k : exact(v);
    }
};

} // namespace qs::detail
