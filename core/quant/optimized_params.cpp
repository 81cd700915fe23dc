// The range methods that choose a slice's scale and real zero point themselves (HQQ, the grid
// search): run after the range phase set min-max's parameters, they replace them slice by
// slice, unless the optimised pair gives a larger squared error than min-max's on the slice's
// values. That error is measured by the quantize loop itself (the kernel of the integer pass on
// the slice's finite values) and summed in element order, so "never worse than min-max" holds
// for the errors the result reports, exactly.
#include "core/quant/quantize_internal.h"
#include "core/range/grid_search.h"
#include "core/range/hqq.h"

#include <cmath>
#include <vector>

namespace qs::quantize_detail {
namespace {

// The finite values of every slice, one after the other in slice order (and in each slice's
// element order), with where each slice starts.
struct SliceValues {
    std::vector<float> values;
    std::vector<int64_t> start; // numSlices + 1 entries

    const float* of(int64_t s) const { return values.data() + start[size_t(s)]; }
    int64_t count(int64_t s) const { return start[size_t(s) + 1] - start[size_t(s)]; }
};

SliceValues finiteValues(const Tensor& t, const SliceLayout& layout, const CancelToken* cancel)
{
    SliceValues v;
    const int64_t ns = layout.numSlices();
    v.values.reserve(size_t(t.numel()));
    v.start.reserve(size_t(ns) + 1);
    v.start.push_back(0);
    const float* x = t.data.data();
    for (int64_t s = 0; s < ns; ++s) {
        layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
            for (int64_t k = 0; k < cnt; ++k) {
                const float xv = x[off + k * stride];
                if (std::isfinite(xv))
                    v.values.push_back(xv);
            }
        });
        v.start.push_back(int64_t(v.values.size()));
        if ((s & 1023) == 0)
            throwIfCancelled(cancel);
    }
    return v;
}

// HQQ's starting zero point: the real z of min-max's scale, qmin - lo / s with lo the low end
// of the slice's range (widened to 0 when the range includes zero), as hqq computes
// zero = -min * (1 / s) before rounding it; a constant slice keeps its integer z.
double realMinMaxZero(const QuantParams& p, const QuantConfig& config, int64_t s)
{
    const double lo =
        config.includeZero ? std::min(p.dataMin[size_t(s)], 0.0) : p.dataMin[size_t(s)];
    const double hi =
        config.includeZero ? std::max(p.dataMax[size_t(s)], 0.0) : p.dataMax[size_t(s)];
    if (!(hi > lo))
        return double(p.zeroPoint[size_t(s)]);
    return double(config.paramQmin()) - lo / p.scale[size_t(s)];
}

// Candidate scale and zero point per slice; found[s] = 0 keeps min-max's.
struct Candidates {
    std::vector<double> scale, zero;
    std::vector<uint8_t> found;
};

Candidates hqqCandidates(const SliceValues& v, const QuantParams& p, const QuantConfig& config,
                         const std::vector<uint8_t>& empty, HqqTrace& trace)
{
    const int64_t ns = p.numSlices();
    std::vector<HqqGroup> groups(static_cast<size_t>(ns));
    for (int64_t s = 0; s < ns; ++s)
        if (!empty[size_t(s)])
            groups[size_t(s)] = {v.of(s), v.count(s), p.scale[size_t(s)],
                                 realMinMaxZero(p, config, s)};
    trace = hqqOptimize(groups, config.paramQmin(), config.paramQmax());
    Candidates c{p.scale, std::vector<double>(size_t(ns)), std::vector<uint8_t>(size_t(ns))};
    for (int64_t s = 0; s < ns; ++s) {
        c.zero[size_t(s)] = groups[size_t(s)].zero;
        c.found[size_t(s)] = !empty[size_t(s)] && std::isfinite(groups[size_t(s)].zero) &&
                             std::fabs(groups[size_t(s)].zero) <= kMaxZeroPoint;
    }
    return c;
}

Candidates gridCandidates(const SliceValues& v, const QuantParams& p, const QuantConfig& config,
                          const std::vector<uint8_t>& empty, const CancelToken* cancel)
{
    const int64_t ns = p.numSlices();
    Candidates c{p.scale, std::vector<double>(size_t(ns)), std::vector<uint8_t>(size_t(ns))};
    std::vector<std::vector<float>> scratch(static_cast<size_t>(threadCount()));
    parallelFor(ns, v.values.size() >= size_t(kParallelMin), cancel, [&](int64_t s) {
        if (empty[size_t(s)])
            return;
        const GridFit f = gridSearchFit(v.of(s), v.count(s), config.bits, config.paramQmin(),
                                        scratch[size_t(threadId())]);
        c.scale[size_t(s)] = f.scale;
        c.zero[size_t(s)] = f.zero;
        c.found[size_t(s)] = f.found && std::fabs(f.zero) <= kMaxZeroPoint;
    });
    return c;
}

// Per-thread room for one slice's codes (of the scheme's code type C), values and code marks
// in squaredError.
template <class C> struct KernelScratch {
    std::vector<C> codes;
    std::vector<float> deq;
    std::vector<uint8_t> marks;
};

// Sum of (x - x^)^2 over the n finite values x with scale s and zero point z, x^ as the
// quantize loop computes it, summed in element order.
template <class C>
double squaredError(const float* x, int64_t n, double s, double z, const QuantConfig& config,
                    const QuantParams& p, KernelFn<C> kernel, KernelScratch<C>& k)
{
    if (int64_t(k.deq.size()) < n) {
        k.codes.resize(size_t(n));
        k.deq.resize(size_t(n));
    }
    k.marks.assign(size_t(p.qmax - p.qmin + 1), 0);
    const RunCtx<C> ctx{x, k.codes.data(), k.deq.data(), config.seed, k.marks.data(), nullptr, 0};
    Acc unused;
    kernel(ctx, makeSliceQ(s, z, config, p.qmin, p.qmax, -1.0f), 0, n, 1, unused);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double e = double(x[i]) - double(k.deq[size_t(i)]);
        sum += e * e;
    }
    return sum;
}

// Whether the quantize loop can use the pair (checkParams' rules).
bool usable(double s, double z, const QuantConfig& config, int64_t slice)
{
    try {
        checkParams(s, int64_t(std::nearbyint(z)), config, slice);
        return true;
    } catch (const Error&) {
        return false;
    }
}

// Each slice's parameters: the candidate's unless min-max's have less squared error (measured
// by `kernel`, of code type C).
template <class C>
void chooseWith(const SliceValues& v, const Candidates& c, const QuantConfig& config,
                QuantParams& p, KernelFn<C> kernel, const CancelToken* cancel)
{
    const int64_t ns = p.numSlices();
    p.realZeroPoint.resize(size_t(ns));
    std::vector<KernelScratch<C>> scratch(static_cast<size_t>(threadCount()));
    parallelFor(ns, v.values.size() >= size_t(kParallelMin), cancel, [&](int64_t s) {
        const size_t i = size_t(s);
        p.realZeroPoint[i] = double(p.zeroPoint[i]);
        if (!c.found[i] || !usable(c.scale[i], c.zero[i], config, s))
            return;
        KernelScratch<C>& k = scratch[size_t(threadId())];
        const double minMax =
            squaredError(v.of(s), v.count(s), p.scale[i], p.realZeroPoint[i], config, p, kernel, k);
        const double optimised =
            squaredError(v.of(s), v.count(s), c.scale[i], c.zero[i], config, p, kernel, k);
        if (optimised > minMax)
            return;
        const double z = c.zero[i];
        p.scale[i] = c.scale[i];
        p.realZeroPoint[i] = z;
        p.zeroPoint[i] = int64_t(std::nearbyint(z));
        p.rangeMin[i] = c.scale[i] * (double(p.qmin) - z);
        p.rangeMax[i] = c.scale[i] * (double(p.qmax) - z);
    });
}

void choose(const SliceValues& v, const Candidates& c, const QuantConfig& config, QuantParams& p,
            const CancelToken* cancel)
{
    withCodeType(p.qmin, p.qmax, [&](auto code) {
        using C = decltype(code);
        chooseWith(v, c, config, p, pickKernel<C>(config), cancel);
    });
}

} // namespace

void optimizeSliceParams(const Tensor& t, const QuantConfig& config, QuantParams& p,
                         const std::vector<uint8_t>& empty, HqqTrace& trace,
                         const CancelToken* cancel)
{
    const SliceValues v = finiteValues(t, p.layout, cancel);
    const Candidates c = config.range == RangeMethod::Hqq
                             ? hqqCandidates(v, p, config, empty, trace)
                             : gridCandidates(v, p, config, empty, cancel);
    throwIfCancelled(cancel);
    choose(v, c, config, p, cancel);
}

} // namespace qs::quantize_detail
