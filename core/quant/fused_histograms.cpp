// Histograms filled by the integer pass (fused_histograms.h).
#include "core/quant/fused_histograms.h"

#include "core/base/float_order.h"
#include "core/stats/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace qs::quantize_detail {

namespace {

size_t perThread(int64_t slots)
{
    return 4 * size_t(slots);
}

} // namespace

void FusedHistograms::prepare(int threads)
{
    ctx.assign(size_t(threads), HistCtx());
    const size_t vn = perThread(valueRule.slotCount()), en = perThread(errorRule.slotCount()),
                 fn = perThread(fineSums);
    if (value)
        valueCounts.assign(size_t(threads) * vn, 0);
    if (error)
        errorCounts.assign(size_t(threads) * en, 0);
    if (fineSums > 0)
        fineCounts.assign(size_t(threads) * fn, 0);
    const size_t jn = size_t(jointRows) * size_t(errorRule.bins);
    if (jointRows > 0)
        jointCounts.assign(size_t(threads) * jn, 0);
    for (int th = 0; th < threads; ++th) {
        HistCtx& h = ctx[size_t(th)];
        if (value) {
            h.value = &valueRule;
            h.valueCounts = valueCounts.data() + size_t(th) * vn;
        }
        if (error) {
            h.error = &errorRule;
            h.errorCounts = errorCounts.data() + size_t(th) * en;
        }
        if (fineSums > 0)
            h.fineCounts = fineCounts.data() + size_t(th) * fn;
        if (jointRows > 0) {
            h.jointCounts = jointCounts.data() + size_t(th) * jn;
            h.jointStride = errorRule.bins;
        }
    }
}

// Each thread's table goes to that thread's own fine and error counts, so the threads fold side by
// side (the counts are summed over threads and lanes afterwards).
void FusedHistograms::foldJointCounts()
{
    const size_t bins = size_t(errorRule.bins), rows = size_t(jointRows);
    const int64_t threads = rows > 0 ? int64_t(jointCounts.size() / (rows * bins)) : 0;
    const size_t fn = perThread(fineSums), en = perThread(errorRule.slotCount());
    parallelFor(threads, threads > 1, nullptr, [&](int64_t th) {
        const uint32_t* joint = jointCounts.data() + size_t(th) * rows * bins;
        int64_t* fine = fineCounts.data() + size_t(th) * fn;
        int64_t* error = errorCounts.data() + size_t(th) * en;
        for (size_t r = 0; r < rows; ++r) {
            int64_t row = 0;
            for (size_t b = 0; b < bins; ++b) {
                const uint32_t n = joint[r * bins + b];
                row += n;
                error[4 * b] += n;
            }
            fine[4 * r] += row;
        }
    });
}

std::vector<int64_t> FusedHistograms::total(const std::vector<int64_t>& counts, int64_t slots)
{
    std::vector<int64_t> t(size_t(slots), 0);
    for (size_t i = 0; i < counts.size(); ++i)
        t[(i / 4) % size_t(slots)] += counts[i];
    return t;
}

Histogram FusedHistograms::merge(const detail::BinRule& rule, const std::vector<int64_t>& counts)
{
    Histogram h;
    h.lo = rule.lo;
    h.hi = rule.hi;
    const std::vector<int64_t> t = total(counts, rule.slotCount());
    h.counts.assign(t.begin(), t.begin() + rule.bins);
    h.below = t[size_t(rule.bins)];
    h.above = t[size_t(rule.bins) + 1];
    h.nonfinite = t[size_t(rule.bins) + 2];
    return h;
}

void FusedHistograms::mergeInto(QuantResult& r) const
{
    if (value)
        r.valueHistogram = merge(valueRule, valueCounts);
    if (error)
        r.errorHistogram = merge(errorRule, errorCounts);
}

namespace {

// Values over [min, max] of the finite values ([0, 1] if there are none).
detail::BinRule valueRule(const QuantParams& p, const std::vector<uint8_t>& empty, int bins)
{
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int64_t s = 0; s < p.numSlices(); ++s) {
        if (empty[size_t(s)])
            continue;
        lo = std::min(lo, p.dataMin[size_t(s)]);
        hi = std::max(hi, p.dataMax[size_t(s)]);
    }
    if (!(lo <= hi)) {
        lo = 0;
        hi = 1;
    }
    checkHistogramRange(bins, lo, hi);
    return detail::BinRule(lo, hi, bins);
}

// The bound E of |x - x^| over the slices with finite values (HistogramRequest::errorBins).
double errorBound(const QuantParams& p, const std::vector<uint8_t>& empty,
                  const QuantConfig& config)
{
    const bool nearest = config.rounding == Rounding::HalfEven ||
                         config.rounding == Rounding::HalfAway ||
                         config.rounding == Rounding::HalfUp;
    const double codeSpan = double(std::max(std::abs(p.qmin), std::abs(p.qmax)));
    double bound = 0;
    for (int64_t s = 0; s < p.numSlices(); ++s) {
        const size_t i = size_t(s);
        if (empty[i])
            continue;
        const double sc = p.scale[i];
        // Rounding: |x/s + z - q| <= 1/2 (1 for floor, truncate, stochastic), plus the
        // float rounding of x/s + z (float32 parameters: 2^-23 of the code magnitude).
        double e =
            (nearest ? 0.5 : 1.0) * sc + sc * (codeSpan + std::fabs(p.zeroPointAt(s))) * 0x1p-22;
        e = std::max(e, p.dataMax[i] - p.rangeMax[i]);     // clipped above: x - x^(qmax)
        e = std::max(e, p.rangeMin[i] - p.dataMin[i]);     // clipped below
        if (!p.reciprocal.empty() && p.reciprocal[i] == 0) // every code 0: x^ = 0
            e = std::max({e, std::fabs(p.dataMin[i]), std::fabs(p.dataMax[i])});
        // x^ is a float: its rounding (2^-24 relative) adds to either.
        const double mag = std::max({std::fabs(p.rangeMin[i]), std::fabs(p.rangeMax[i]),
                                     std::fabs(p.dataMin[i]), std::fabs(p.dataMax[i])});
        bound = std::max(bound, e + mag * 0x1p-22);
    }
    return bound;
}

} // namespace

void prepareFused(const QuantParams& p, const std::vector<uint8_t>& empty,
                  const QuantConfig& config, const HistogramRequest& h, FusedHistograms& f)
{
    if (h.valueBins > 0) {
        f.valueRule = valueRule(p, empty, h.valueBins);
        f.value = true;
    }
    if (h.errorBins > 0) {
        const double bound = errorBound(p, empty, config);
        double lo = -bound, hi = bound;
        checkHistogramRange(h.errorBins, lo, hi);
        f.errorRule = detail::BinRule(lo, hi, h.errorBins);
        f.error = true;
    }
    const int64_t levels = p.qmax - p.qmin + 1;
    if (f.value && p.numSlices() == 1 && config.rounding != Rounding::Stochastic &&
        levels + f.valueRule.bins <= 1024)
        f.fineSums = levels + f.valueRule.bins;
    // 32-bit joint counters: fewer than 2^32 elements.
    if (f.fineSums > 0 && f.error && f.valueRule.floatFast && f.errorRule.floatFast &&
        f.fineSums * f.errorRule.bins <= (int64_t(1) << 17) &&
        p.layout.numel() < (int64_t(1) << 32))
        f.jointRows = f.fineSums;
}

using detail::fromOrderKey;
using detail::orderKey;

// Why the sum j = code + bin names one pair: with every rounding but the stochastic one, the
// code and the value bin of x are both nondecreasing in x, so two different pairs met along the
// line have different sums. The x of bin b form one run of floats [first, last] inside
// [dataMin, dataMax]; their codes run from code(first) to code(last), so a sum j counted for
// bin b stands for code j - b. The codes at the run ends come from the pass's own kernel.
template <class C>
void splitFineCounts(FusedHistograms& f, KernelFn<C> kernel, const SliceQ& q, uint64_t seed,
                     double dataMin, double dataMax, int64_t levels, uint8_t* used)
{
    const std::vector<int64_t> total = FusedHistograms::total(f.fineCounts, f.fineSums);
    int64_t all = 0;
    for (const int64_t n : total)
        all += n;
    if (all == 0)
        return;
    const detail::BinRule& rule = f.valueRule;
    const int bins = rule.bins;
    auto binOf = [&rule](uint32_t key) { return rule.exact(double(fromOrderKey(key))); };
    const uint32_t k0 = orderKey(float(dataMin)), k1 = orderKey(float(dataMax));
    // first[b]: the smallest key in [k0, k1] whose bin is >= b (k1 + 1 when there is none).
    std::vector<uint64_t> first(size_t(bins) + 1);
    uint64_t from = k0;
    for (int b = 0; b <= bins; ++b) {
        uint64_t lo = from, hi = uint64_t(k1) + 1;
        while (lo < hi) {
            const uint64_t mid = (lo + hi) / 2;
            if (binOf(uint32_t(mid)) >= b)
                hi = mid;
            else
                lo = mid + 1;
        }
        first[size_t(b)] = lo;
        from = lo;
    }
    // The two ends of every bin's run, coded by the kernel in one call.
    std::vector<int> binAt;
    std::vector<float> ends;
    for (int b = 0; b < bins; ++b) {
        const uint64_t a = first[size_t(b)], e = first[size_t(b) + 1];
        if (a >= e || binOf(uint32_t(a)) != b)
            continue; // no float of [dataMin, dataMax] falls in this bin
        binAt.push_back(b);
        ends.push_back(fromOrderKey(uint32_t(a)));
        ends.push_back(fromOrderKey(uint32_t(e - 1)));
    }
    const int64_t ne = int64_t(ends.size());
    std::vector<C> codes(static_cast<size_t>(ne));
    std::vector<float> deq(static_cast<size_t>(ne));
    std::vector<uint8_t> mark(size_t(levels), 0);
    Acc ignored;
    kernel(RunCtx<C>{ends.data(), codes.data(), deq.data(), seed, mark.data(), nullptr, 0}, q, 0,
           ne, 1, ignored);
    int64_t* value = f.valueCounts.data(); // thread 0, lane 0 of each slot
    int64_t counted = 0;
    for (size_t i = 0; i < binAt.size(); ++i) {
        const int64_t b = binAt[i];
        for (int64_t c = codes[2 * i]; c <= codes[2 * i + 1]; ++c) {
            const int64_t n = total[size_t(c + b)];
            value[4 * b] += n;
            used[c] |= uint8_t(n > 0);
            counted += n;
        }
    }
    if (counted != all)
        throw Error("internal error: the value histogram of the quantize pass does not add up (" +
                    std::to_string(counted) + " of " + std::to_string(all) +
                    " values); please report this with the tensor");
}

template void splitFineCounts<uint8_t>(FusedHistograms&, KernelFn<uint8_t>, const SliceQ&, uint64_t,
                                       double, double, int64_t, uint8_t*);
template void splitFineCounts<uint16_t>(FusedHistograms&, KernelFn<uint16_t>, const SliceQ&,
                                        uint64_t, double, double, int64_t, uint8_t*);

} // namespace qs::quantize_detail
