// Reduction of a tensor and its result to the few thousand numbers a chart draws: downsampled
// series, histograms and per-slice steps. Thread-safe: reads the tensor and result and creates
// no Qt objects, so the window runs it off the GUI thread.
#include "core/stats/downsample.h"
#include "core/stats/histogram.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/kind_charts.h"

#include <algorithm>
#include <cmath>

namespace qs::ui::kindchart {

using namespace chartcommon;

namespace {

MinMax finiteRange(const float* x, int64_t n)
{
    MinMax m;
    for (int64_t i = 0; i < n; ++i)
        m.add(x[i]);
    return m;
}

// Tiny tensors (the lessons' 10- and 20-value examples) get at most one bin per value but at
// least 16, instead of hundreds of mostly empty bins.
int binsFor(int requested, int64_t n)
{
    return static_cast<int>(std::min<int64_t>(requested, std::max<int64_t>(16, n)));
}

// Min/max per bucket of integer codes, with the bucket bounds and point order of
// qs::downsampleMinMax (bucket b = [begin + b*len/B, begin + (b+1)*len/B), first occurrence of
// the extremes, emitted in index order, one point when min and max coincide), but reading the
// int32 codes directly instead of a float copy of a 16M-element window.
std::vector<SeriesPoint> downsampleCodes(const CodeBuffer& q, int64_t begin, int64_t end,
                                         int buckets)
{
    std::vector<SeriesPoint> out;
    const int64_t len = end - begin;
    if (len < 2 * int64_t(buckets)) {
        out.reserve(static_cast<size_t>(len));
        for (int64_t i = begin; i < end; ++i)
            out.push_back({double(i), double(q[i])});
        return out;
    }
    out.reserve(2 * static_cast<size_t>(buckets));
    for (int64_t b = 0; b < buckets; ++b) {
        const int64_t s = begin + b * len / buckets;
        const int64_t e = begin + (b + 1) * len / buckets;
        int64_t imin = s, imax = s;
        for (int64_t i = s + 1; i < e; ++i) {
            if (q[i] < q[imin])
                imin = i;
            if (q[i] > q[imax])
                imax = i;
        }
        const int64_t i0 = std::min(imin, imax), i1 = std::max(imin, imax);
        out.push_back({double(i0), double(q[i0])});
        if (i1 != i0)
            out.push_back({double(i1), double(q[i1])});
    }
    return out;
}

} // namespace

void prepareValues(ChartData& d)
{
    const ChartInput& in = d.input;
    const Window w = viewWindow(in);
    const int buckets = in.maxPoints / 2;
    d.begin = w.begin;
    d.end = w.end;
    d.first = downsampleMinMax(in.tensor->data.data(), w.begin, w.end, buckets);
    d.second = downsampleMinMax(in.result->dequantized.data(), w.begin, w.end, buckets);
    if (w.end - w.begin <= kMarkerThreshold)
        return; // dots per value show the error directly
    const float* x = in.tensor->data.data();
    const float* xhat = in.result->dequantized.data();
    const int bands = bandBuckets(in);
    d.firstBand = bucketRanges(x, w.begin, w.end, bands);
    d.secondBand = bucketRanges(xhat, w.begin, w.end, bands);
    d.errorBand = errorBucketRanges(x, xhat, w.begin, w.end, bands);
}

void prepareCodes(ChartData& d)
{
    const ChartInput& in = d.input;
    const Window w = viewWindow(in);
    d.begin = w.begin;
    d.end = w.end;
    d.first = downsampleCodes(in.result->codes, w.begin, w.end, in.maxPoints / 2);
}

void prepareHistogram(ChartData& d)
{
    const ChartInput& in = d.input;
    const Tensor& t = *in.tensor;
    const QuantResult& r = *in.result;
    const QuantParams& p = r.params;
    const int64_t n = t.numel();
    if (in.slice < 0 || in.slice >= p.numSlices())
        fail(QStringLiteral("slice %1 does not exist: the result has %2 slice(s)")
                 .arg(in.slice)
                 .arg(p.numSlices()));
    const size_t ss = static_cast<size_t>(in.slice);
    // One set of bins for both histograms, covering the data, the dequantized values and the
    // clipping range, so every finite value is counted and the two outlines are comparable.
    MinMax range = finiteRange(t.data.data(), n);
    const MinMax deqRange = finiteRange(r.dequantized.data(), n);
    range.add(deqRange.lo);
    range.add(deqRange.hi);
    // Not for element-wise low-bit floats: their range (+-448, +-57344) dwarfs most data.
    if (r.config.isInteger() || r.config.isBlockwise()) {
        range.add(p.rangeMin[ss]);
        range.add(p.rangeMax[ss]);
    }
    if (!range.valid())
        range = MinMax{0, 1};
    const int bins = binsFor(in.valueBins, n);
    d.hist = histogram(t.data.data(), n, bins, range.lo, range.hi);
    d.hist2 = histogram(r.dequantized.data(), n, bins, d.hist.lo, d.hist.hi);
}

void prepareErrorHistogram(ChartData& d)
{
    const Tensor& t = *d.input.tensor;
    d.hist = errorHistogram(t.data.data(), d.input.result->dequantized.data(), t.numel(),
                            binsFor(d.input.errorBins, t.numel()));
}

void prepareChannels(ChartData& d)
{
    const QuantResult& r = *d.input.result;
    const QuantParams& p = r.params;
    const int64_t slices = p.numSlices();
    const bool haveMetrics = static_cast<int64_t>(r.sliceMetrics.size()) == slices;
    // Up to maxPoints/8 slices every slice is a step of width 1; beyond that consecutive slices
    // are merged into buckets (envelope: min of minima, max of maxima and of scale and error),
    // so each series holds at most maxPoints/4 points. Not more: the filled range band is
    // redrawn on the GUI thread at every repaint, and its cost grows with the steps.
    const int64_t maxSteps = std::max<int64_t>(1, d.input.maxPoints / 8);
    const int64_t buckets = std::min(slices, maxSteps);
    std::vector<SliceBucket>& bs = d.buckets;
    bs.clear();
    bs.reserve(static_cast<size_t>(buckets));
    for (int64_t b = 0; b < buckets; ++b) {
        SliceBucket k;
        k.first = b * slices / buckets;
        k.last = (b + 1) * slices / buckets;
        MinMax data, clip;
        double scale = 0, rmse = 0;
        for (int64_t s = k.first; s < k.last; ++s) {
            const size_t i = static_cast<size_t>(s);
            data.add(p.dataMin[i]);
            data.add(p.dataMax[i]);
            clip.add(p.rangeMin[i]);
            clip.add(p.rangeMax[i]);
            if (std::isfinite(p.scale[i]))
                scale = std::max(scale, p.scale[i]);
            if (haveMetrics && std::isfinite(r.sliceMetrics.rmse(i)))
                rmse = std::max(rmse, r.sliceMetrics.rmse(i));
        }
        k.dataLo = data.valid() ? data.lo : 0;
        k.dataHi = data.valid() ? data.hi : 0;
        k.clipLo = clip.valid() ? clip.lo : 0;
        k.clipHi = clip.valid() ? clip.hi : 0;
        k.scale = scale;
        k.rmse = rmse;
        bs.push_back(k);
    }
}

} // namespace qs::ui::kindchart
