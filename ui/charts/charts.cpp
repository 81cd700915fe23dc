// Chart builders. Every chart follows the same recipe: validate the input, reduce the data in
// the core (downsampleMinMax, histogram, errorHistogram, quantizationGrid) to a few thousand
// points at most, then turn the reduced data into Qt Charts line and area series with the
// style's colours, fonts and nice axis ticks. Histograms are drawn as stepped outlines (one
// series per histogram) and sets of vertical lines as one zig-zag series along the baseline, so
// a chart holds a handful of graphics items whatever the data size.
#include "ui/charts/charts.h"

#include "core/base/error.h"
#include "core/stats/downsample.h"
#include "core/stats/histogram.h"
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"

#include <QAreaSeries>
#include <QChart>
#include <QGuiApplication>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace qs::ui {

namespace {

using chartcommon::attach;
using chartcommon::chartFont;
using chartcommon::hideFromLegend;
using chartcommon::lineSeries;
using chartcommon::num;
using chartcommon::seriesPen;
using chartcommon::styleAxis;
using chartcommon::withAlpha;
using chartcommon::xTicks;
using chartcommon::yTicks;

constexpr int kMaxGridLines = 300;   // above this the quantization grid is drawn as a band
constexpr int kMarkerThreshold = 64; // up to this many values, points get markers
constexpr int kMaxSeriesPoints = 100000;

[[noreturn]] void fail(const QString& message)
{
    throw Error(message.toStdString());
}

// ---- style helpers -------------------------------------------------------------------------

// Chart-kind charts show elided legend names as tool tips.
QChart* newChart(const ChartStyle& st, const QString& title, const QString& subtitle)
{
    return chartcommon::newChart(st, title, subtitle, true);
}

QValueAxis* newAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align, const QString& title,
                    const QColor& titleColor)
{
    auto* axis = styleAxis(new QValueAxis, st, title);
    axis->setTitleBrush(titleColor);
    chart->addAxis(axis, align);
    return axis;
}

// ---- data helpers --------------------------------------------------------------------------

QList<QPointF> toPoints(const std::vector<SeriesPoint>& pts, double xOffset = 0)
{
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(pts.size()));
    for (const SeriesPoint& p : pts)
        out.append(QPointF(p.x + xOffset, p.y));
    return out;
}

// Stepped outline of a histogram: (lo, 0), per bin (left, c), (right, c), then (hi, 0).
QList<QPointF> steppedHistogram(const Histogram& h)
{
    QList<QPointF> pts;
    const int64_t n = static_cast<int64_t>(h.counts.size());
    pts.reserve(static_cast<qsizetype>(2 * n + 2));
    const double w = h.binWidth();
    pts.append(QPointF(h.lo, 0));
    for (int64_t i = 0; i < n; ++i) {
        const double x0 = h.lo + double(i) * w;
        const double x1 = i + 1 == n ? h.hi : h.lo + double(i + 1) * w;
        const double c = static_cast<double>(h.counts[static_cast<size_t>(i)]);
        pts.append(QPointF(x0, c));
        pts.append(QPointF(x1, c));
    }
    pts.append(QPointF(h.hi, 0));
    return pts;
}

// Many vertical lines from y0 to y1 as one polyline, (x, y0), (x, y1), (x, y0) per line: the
// path returns along the baseline y0 (the x axis), so nothing is drawn outside [y0, y1] (SVG
// exports are not clipped to the plot area).
QList<QPointF> verticalLines(const std::vector<double>& xs, double y0, double y1)
{
    QList<QPointF> pts;
    pts.reserve(static_cast<qsizetype>(3 * xs.size()));
    for (double x : xs) {
        pts.append(QPointF(x, y0));
        pts.append(QPointF(x, y1));
        pts.append(QPointF(x, y0));
    }
    return pts;
}

// A pair of single vertical lines (dashed bounds), one series each so that no joining segment
// is drawn; the second is left out of the legend. objectNames: id + "Low" / id + "High".
void addBoundLines(QChart* chart, double lo, double hi, double y0, double y1, const QString& name,
                   const QString& id, const QPen& pen, QValueAxis* ax, QValueAxis* ay)
{
    auto* a = new QLineSeries;
    a->setName(name);
    a->setObjectName(id + QStringLiteral("Low"));
    a->setPen(pen);
    a->replace({QPointF(lo, y0), QPointF(lo, y1)});
    auto* b = new QLineSeries;
    b->setName(name);
    b->setObjectName(id + QStringLiteral("High"));
    b->setPen(pen);
    b->replace({QPointF(hi, y0), QPointF(hi, y1)});
    attach(chart, a, ax, ay);
    attach(chart, b, ax, ay);
    hideFromLegend(chart, b);
}

int64_t maxCount(const Histogram& h)
{
    int64_t m = 0;
    for (int64_t c : h.counts)
        m = std::max(m, c);
    return m;
}

struct MinMax {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    void add(double v)
    {
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    bool valid() const { return lo <= hi; }
};

MinMax finiteRange(const float* x, int64_t n)
{
    MinMax m;
    for (int64_t i = 0; i < n; ++i)
        m.add(x[i]);
    return m;
}

// ---- input checks --------------------------------------------------------------------------

void checkInput(const ChartInput& in)
{
    if (!in.tensor || !in.result)
        fail(QStringLiteral("chart input is incomplete: it needs a tensor and a quantization "
                            "result"));
    const Tensor& t = *in.tensor;
    const QuantResult& r = *in.result;
    const int64_t n = t.numel();
    if (n == 0)
        fail(QStringLiteral("cannot chart an empty tensor"));
    if (static_cast<int64_t>(r.dequantized.size()) != n ||
        static_cast<int64_t>(r.codes.size()) != n)
        fail(QStringLiteral("the quantization result has %1 values but the tensor has %2: the "
                            "result belongs to another tensor")
                 .arg(r.dequantized.size())
                 .arg(n));
    const QuantParams& p = r.params;
    const size_t s = p.scale.size();
    if (s == 0 || p.zeroPoint.size() != s || p.rangeMin.size() != s || p.rangeMax.size() != s ||
        p.dataMin.size() != s || p.dataMax.size() != s)
        fail(QStringLiteral("the quantization result has inconsistent per-slice parameters"));
    if (in.maxPoints < 4 || in.maxPoints > kMaxSeriesPoints)
        fail(QStringLiteral("maxPoints must be between 4 and %1 (got %2)")
                 .arg(kMaxSeriesPoints)
                 .arg(in.maxPoints));
    if (in.valueBins < 1 || in.valueBins > kMaxSeriesPoints / 2)
        fail(QStringLiteral("the number of value bins must be between 1 and %1 (got %2)")
                 .arg(kMaxSeriesPoints / 2)
                 .arg(in.valueBins));
    if (in.errorBins < 1 || in.errorBins > kMaxSeriesPoints / 2)
        fail(QStringLiteral("the number of error bins must be between 1 and %1 (got %2)")
                 .arg(kMaxSeriesPoints / 2)
                 .arg(in.errorBins));
}

struct Window {
    int64_t begin = 0, end = 0;
};

Window viewWindow(const ChartInput& in)
{
    const int64_t n = in.tensor->numel();
    Window w{in.viewBegin, in.viewEnd == -1 ? n : in.viewEnd};
    if (w.begin < 0 || w.end > n || w.begin >= w.end)
        fail(QStringLiteral("the index window [%1, %2) is not a non-empty part of the tensor's "
                            "indices [0, %3)")
                 .arg(in.viewBegin)
                 .arg(in.viewEnd)
                 .arg(n));
    return w;
}

QString tensorLabel(const Tensor& t)
{
    const QString name = QString::fromStdString(t.name);
    const QString shape = QString::fromStdString(t.shapeString());
    return name.isEmpty() ? shape : name + QStringLiteral(" (") + shape + QLatin1Char(')');
}

QString subtitleOf(const ChartInput& in)
{
    return tensorLabel(*in.tensor) + QStringLiteral(", ") +
           QString::fromStdString(in.result->config.summary());
}

QString sliceWord(Granularity g)
{
    switch (g) {
    case Granularity::PerChannel:
        return QStringLiteral("channel");
    case Granularity::PerGroup:
        return QStringLiteral("group");
    case Granularity::PerTensor:
        break;
    }
    return QStringLiteral("slice");
}

// ---- builders ------------------------------------------------------------------------------

// Tiny tensors (the lessons' 10- and 20-value examples) get at most one bin per value but at
// least 16, instead of hundreds of mostly empty bins.
int binsFor(int requested, int64_t n)
{
    return static_cast<int>(std::min<int64_t>(requested, std::max<int64_t>(16, n)));
}

// A tight axis over [lo, hi] with some room on each side (a fraction of the span), ticks
// inside. Tight value axes waste no space when a coarse step (large fonts) would otherwise
// round the range out to far beyond the data.
void paddedTicks(QValueAxis* axis, double lo, double hi, int maxTicks, double room = 0.02)
{
    const double pad = (hi - lo) * room;
    applyNiceTicks(axis, lo - pad, hi + pad, maxTicks, true);
}

// ---- reduction (thread-safe: reads the tensor and result, creates no Qt objects) ----------

void prepareValues(ChartData& d)
{
    const ChartInput& in = d.input;
    const Window w = viewWindow(in);
    const int buckets = in.maxPoints / 2;
    d.begin = w.begin;
    d.end = w.end;
    d.first = downsampleMinMax(in.tensor->data.data(), w.begin, w.end, buckets);
    d.second = downsampleMinMax(in.result->dequantized.data(), w.begin, w.end, buckets);
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
    // Up to maxPoints/8 slices (250 by default) every slice is a step of width 1; beyond that
    // consecutive slices are merged into buckets (envelope: min of minima, max of maxima and of
    // scale and error), so each series holds at most maxPoints/4 points. Not more: the filled
    // range band costs the GUI thread ~50 ms per repaint at 500 steps, ~15 ms at 250.
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

// ---- drawing (GUI thread) ------------------------------------------------------------------

QChart* buildValues(const ChartData& d, const ChartStyle& st)
{
    const ChartInput& in = d.input;
    const Window w{d.begin, d.end};
    const int buckets = in.maxPoints / 2;
    const auto& orig = d.first;
    const auto& deq = d.second;
    const bool tiny = w.end - w.begin <= kMarkerThreshold;

    std::unique_ptr<QChart> chart(newChart(st, chartKindTitle(ChartKind::Values), subtitleOf(in)));
    QValueAxis* ax = newAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Index"), st.text());
    QValueAxis* ay = newAxis(chart.get(), st, Qt::AlignLeft, QStringLiteral("Value"), st.text());

    // downsampleMinMax returns short windows whole (minus non-finite values).
    const bool downsampled = w.end - w.begin > 2 * int64_t(buckets);
    const QString suffix =
        downsampled ? QStringLiteral(" (min/max of %1 buckets)").arg(buckets) : QString();
    QLineSeries* so = lineSeries(QStringLiteral("Original") + suffix, "original",
                                 seriesPen(st.original(), st.lineWidth), toPoints(orig));
    QLineSeries* sd = lineSeries(QStringLiteral("Dequantized") + suffix, "dequantized",
                                 seriesPen(st.dequantized(), st.lineWidth), toPoints(deq));
    if (tiny) {
        // Small tensors (the lessons' 10- and 20-value examples): show every value as a dot;
        // the dequantized dot is smaller so that both stay visible where they coincide.
        so->setPointsVisible(true);
        so->setMarkerSize(9 * st.fontScale);
        sd->setPointsVisible(true);
        sd->setMarkerSize(6 * st.fontScale);
    }
    attach(chart.get(), so, ax, ay);
    attach(chart.get(), sd, ax, ay);

    if (tiny) // half an index of room so the first and last dots are not cut by the frame
        applyNiceTicks(ax, double(w.begin) - 0.5, double(w.end - 1) + 0.5, xTicks(st), true, true);
    else
        applyNiceTicks(ax, double(w.begin), double(w.end - 1), xTicks(st), true, true);
    MinMax yr;
    for (const auto& p : orig)
        yr.add(p.y);
    for (const auto& p : deq)
        yr.add(p.y);
    if (!yr.valid())
        yr = MinMax{0, 1};
    // Room so that extreme values (and their markers) do not sit on the frame.
    paddedTicks(ay, yr.lo, yr.hi, yTicks(st), 0.04);
    return chart.release();
}

QChart* buildCodes(const ChartData& d, const ChartStyle& st)
{
    const ChartInput& in = d.input;
    const QuantResult& r = *in.result;
    const Window w{d.begin, d.end};
    const int buckets = in.maxPoints / 2;
    const auto& pts = d.first;
    const bool tiny = w.end - w.begin <= kMarkerThreshold;

    std::unique_ptr<QChart> chart(newChart(st, chartKindTitle(ChartKind::Codes), subtitleOf(in)));
    QValueAxis* ax = newAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Index"), st.text());
    const bool integer = r.config.isInteger();
    QValueAxis* ay =
        newAxis(chart.get(), st, Qt::AlignLeft,
                integer || r.config.isLowbit() ? QStringLiteral("Code")
                                               : QStringLiteral("Code (16-bit pattern)"),
                st.text());
    const bool downsampled = w.end - w.begin > 2 * int64_t(buckets);
    QLineSeries* s =
        lineSeries(downsampled ? QStringLiteral("Code q (min/max of %1 buckets)").arg(buckets)
                               : QStringLiteral("Code q"),
                   "codes", seriesPen(st.dequantized(), st.lineWidth), toPoints(pts));
    if (tiny) {
        s->setPointsVisible(true);
        s->setMarkerSize(8 * st.fontScale);
    }
    attach(chart.get(), s, ax, ay);

    if (tiny)
        applyNiceTicks(ax, double(w.begin) - 0.5, double(w.end - 1) + 0.5, xTicks(st), true, true);
    else
        applyNiceTicks(ax, double(w.begin), double(w.end - 1), xTicks(st), true, true);
    double lo = 0, hi = 1;
    if (integer) {
        lo = double(r.params.qmin);
        hi = double(r.params.qmax);
    } else {
        MinMax m;
        for (const auto& p : pts)
            m.add(p.y);
        if (m.valid()) {
            lo = m.lo;
            hi = m.hi;
        }
    }
    // A little room above qmax and below qmin so that codes on the limits are not drawn on
    // the frame.
    const double pad = std::max(0.5, (hi - lo) * 0.03);
    applyNiceTicks(ay, lo - pad, hi + pad, yTicks(st), true, true);
    return chart.release();
}

QChart* buildHistogram(const ChartData& d, const ChartStyle& st)
{
    const ChartInput& in = d.input;
    const QuantResult& r = *in.result;
    const QuantParams& p = r.params;
    const int64_t slices = p.numSlices();
    const size_t ss = static_cast<size_t>(in.slice);
    const bool integer = r.config.isInteger();
    const Histogram& hx = d.hist;
    const Histogram& hq = d.hist2;
    const int bins = static_cast<int>(hx.counts.size());

    std::unique_ptr<QChart> chart(
        newChart(st, chartKindTitle(ChartKind::Histogram), subtitleOf(in)));
    QValueAxis* ax = newAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Value"), st.text());
    QValueAxis* ay = newAxis(chart.get(), st, Qt::AlignLeft,
                             QStringLiteral("Count per bin (%1 bins)").arg(bins), st.text());
    paddedTicks(ax, hx.lo, hx.hi, xTicks(st));
    const double xSpan = hx.hi - hx.lo;

    const double maxX = double(maxCount(hx));
    const double maxQ = double(maxCount(hq));
    // The dequantized values pile up on the grid levels: with few levels their bins are far
    // higher than the original's. Then they get their own axis so the original stays readable.
    const bool ownAxis = maxQ > 3 * std::max(1.0, maxX);
    const NiceTicks yt = applyNiceTicks(ay, 0, std::max(1.0, ownAxis ? maxX : std::max(maxX, maxQ)),
                                        yTicks(st), false, true);

    // The grid goes first so the histograms are drawn over it.
    const QString ofSlice =
        slices > 1 ? QStringLiteral(", %1 %2").arg(sliceWord(p.layout.kind)).arg(in.slice)
                   : QString();
    // With presentation-size fonts the legend holds fewer characters: names drop the numbers.
    const bool compact = st.fontScale > 1.3;
    auto gridName = [&](size_t levels, double step, bool dense) {
        QString name = QStringLiteral("Grid%1: %2 levels").arg(ofSlice).arg(levels);
        if (!compact)
            name += QStringLiteral(", step ") + num(step);
        return dense ? name + QStringLiteral(" (dense)") : name;
    };
    if (integer || r.config.isLowbit()) {
        std::vector<double> grid = quantizationGrid(p, in.slice);
        if (!integer) // low-bit grids are uneven and may reach far beyond the data: keep the
                      // levels inside the plotted range; the step shown is the smallest one
            grid.erase(std::remove_if(grid.begin(), grid.end(),
                                      [&](double v) { return v < hx.lo || v > hx.hi; }),
                       grid.end());
        double step = grid.size() > 1 ? grid[1] - grid[0] : 0.0;
        for (size_t i = 2; !integer && i < grid.size(); ++i)
            step = std::min(step, grid[i] - grid[i - 1]);
        // Lines closer than ~4 px on a 1000 px wide plot would merge into a solid block that
        // hides the histogram: such grids (and any above kMaxGridLines levels) become a band.
        const double spacing = step / std::max(1e-300, xSpan) * 1000;
        const bool dense =
            static_cast<int64_t>(grid.size()) > kMaxGridLines || (grid.size() > 1 && spacing < 4);
        if (!grid.empty() && !dense) {
            // Thin translucent lines: dense grids read as texture, sparse ones as single lines.
            const int alpha = grid.size() > 64 ? 110 : 200;
            auto* g = lineSeries(gridName(grid.size(), step, false), "grid",
                                 seriesPen(withAlpha(st.grid(), alpha), 1.0),
                                 verticalLines(grid, 0, yt.hi));
            attach(chart.get(), g, ax, ay);
        } else if (!grid.empty()) {
            auto* top = lineSeries(QString(), "gridBandTop", QPen(Qt::NoPen),
                                   {QPointF(grid.front(), yt.hi), QPointF(grid.back(), yt.hi)});
            auto* bottom = lineSeries(QString(), "gridBandBottom", QPen(Qt::NoPen),
                                      {QPointF(grid.front(), 0), QPointF(grid.back(), 0)});
            auto* band = new QAreaSeries(top, bottom);
            top->setParent(band);
            bottom->setParent(band);
            band->setName(gridName(grid.size(), step, true));
            band->setObjectName(QStringLiteral("gridBand"));
            band->setPen(Qt::NoPen);
            band->setBrush(withAlpha(st.grid(), 45));
            attach(chart.get(), band, ax, ay);
        }
    }
    auto* upper = lineSeries(QString(), "originalOutline", seriesPen(st.original(), st.lineWidth),
                             steppedHistogram(hx));
    auto* area = new QAreaSeries(upper);
    upper->setParent(area);
    area->setName(QStringLiteral("Original"));
    area->setObjectName(QStringLiteral("original"));
    area->setPen(seriesPen(st.original(), st.lineWidth));
    area->setBrush(withAlpha(st.original(), 90));
    attach(chart.get(), area, ax, ay);

    QValueAxis* ayq = ay;
    if (ownAxis) {
        ayq = newAxis(chart.get(), st, Qt::AlignRight,
                      QStringLiteral("Count per bin, dequantized x\u0302"), st.dequantized());
        applyNiceTicks(ayq, 0, maxQ, yTicks(st), false, true);
        ayq->setGridLineVisible(false);
    }
    auto* deq = lineSeries(
        ownAxis ? QStringLiteral("Dequantized (right axis)") : QStringLiteral("Dequantized"),
        "dequantized", seriesPen(st.dequantized(), st.lineWidth), steppedHistogram(hq));
    attach(chart.get(), deq, ax, ayq);

    if (integer) {
        addBoundLines(chart.get(), p.rangeMin[ss], p.rangeMax[ss], 0, yt.hi,
                      compact ? QStringLiteral("Clipping%1").arg(ofSlice)
                              : QStringLiteral("Clipping%1 [%2, %3]")
                                    .arg(ofSlice, num(p.rangeMin[ss]), num(p.rangeMax[ss])),
                      QStringLiteral("clip"), seriesPen(st.clip(), 2 * st.lineWidth, Qt::DashLine),
                      ax, ay);
    }
    return chart.release();
}

QChart* buildErrorHistogram(const ChartData& d, const ChartStyle& st)
{
    const ChartInput& in = d.input;
    const QuantResult& r = *in.result;
    const QuantParams& p = r.params;
    const Histogram& h = d.hist;
    const int bins = static_cast<int>(h.counts.size());

    std::unique_ptr<QChart> chart(
        newChart(st, chartKindTitle(ChartKind::ErrorHistogram), subtitleOf(in)));
    QValueAxis* ax = newAxis(chart.get(), st, Qt::AlignBottom,
                             QStringLiteral("Error (x \u2212 x\u0302)"), st.text());
    QValueAxis* ay = newAxis(chart.get(), st, Qt::AlignLeft,
                             QStringLiteral("Count per bin (%1 bins)").arg(bins), st.text());

    // Without clipping, round-to-nearest keeps |x - x^| <= s/2: mark that bound (per tensor).
    const bool bound =
        r.config.isInteger() && p.numSlices() == 1 && p.scale[0] > 0 && std::isfinite(p.scale[0]);
    MinMax xr{h.lo, h.hi};
    if (bound) {
        xr.add(-p.scale[0] / 2);
        xr.add(p.scale[0] / 2);
    }
    paddedTicks(ax, xr.lo, xr.hi, xTicks(st));
    const NiceTicks yt =
        applyNiceTicks(ay, 0, std::max(1.0, double(maxCount(h))), yTicks(st), false, true);

    auto* upper = lineSeries(QString(), "errorOutline", seriesPen(st.error(), st.lineWidth),
                             steppedHistogram(h));
    auto* area = new QAreaSeries(upper);
    upper->setParent(area);
    area->setName(QStringLiteral("Error (%1 finite values)").arg(h.total()));
    area->setObjectName(QStringLiteral("error"));
    area->setPen(seriesPen(st.error(), st.lineWidth));
    area->setBrush(withAlpha(st.error(), 90));
    attach(chart.get(), area, ax, ay);

    if (bound) {
        const double half = p.scale[0] / 2;
        addBoundLines(chart.get(), -half, half, 0, yt.hi,
                      QStringLiteral("\u00b1s/2 = \u00b1%1 (rounding bound)").arg(num(half)),
                      QStringLiteral("rounding"), seriesPen(st.text(), st.lineWidth, Qt::DashLine),
                      ax, ay);
    }
    return chart.release();
}

QChart* buildChannels(const ChartData& d, const ChartStyle& st)
{
    const ChartInput& in = d.input;
    const QuantResult& r = *in.result;
    const QuantParams& p = r.params;
    const int64_t slices = p.numSlices();
    const bool haveMetrics = static_cast<int64_t>(r.sliceMetrics.size()) == slices;
    const bool integer = r.config.isInteger();

    const std::vector<SliceBucket>& bs = d.buckets;
    const int64_t buckets = static_cast<int64_t>(bs.size());
    if (buckets == 0 || buckets > slices)
        fail(QStringLiteral("the channels chart data holds %1 slice steps for %2 slices: make it "
                            "with prepareChartData")
                 .arg(buckets)
                 .arg(slices));
    auto stepped = [&](auto value) {
        QList<QPointF> pts;
        pts.reserve(static_cast<qsizetype>(2 * bs.size()));
        for (const SliceBucket& k : bs) {
            const double v = value(k);
            pts.append(QPointF(double(k.first) - 0.5, v));
            pts.append(QPointF(double(k.last) - 0.5, v));
        }
        return pts;
    };

    const QString word = sliceWord(p.layout.kind);
    const QString Word = word.left(1).toUpper() + word.mid(1);
    // Merged slices (each step: min of the minima, max of the maxima, of the scales and of the
    // RMSEs): the x axis says so once, so that the legend entries stay short enough to show.
    const bool merged = buckets < slices;
    const QString axisTitle =
        merged ? QStringLiteral("%1 (%2 in %3 steps)").arg(Word).arg(slices).arg(buckets) : Word;

    std::unique_ptr<QChart> chart(
        newChart(st, chartKindTitle(ChartKind::Channels), subtitleOf(in)));
    QValueAxis* ax = newAxis(chart.get(), st, Qt::AlignBottom, axisTitle, st.text());
    QValueAxis* ay = newAxis(chart.get(), st, Qt::AlignLeft, QStringLiteral("Value"), st.text());
    QValueAxis* ar =
        newAxis(chart.get(), st, Qt::AlignRight, QStringLiteral("Scale s, RMSE"), st.text());
    ar->setGridLineVisible(false);

    auto* upper = lineSeries(QString(), "dataMax", seriesPen(st.original(), st.lineWidth),
                             stepped([](const SliceBucket& k) { return k.dataHi; }));
    auto* lower = lineSeries(QString(), "dataMin", seriesPen(st.original(), st.lineWidth),
                             stepped([](const SliceBucket& k) { return k.dataLo; }));
    auto* band = new QAreaSeries(upper, lower);
    upper->setParent(band);
    lower->setParent(band);
    band->setName(QStringLiteral("Data min..max"));
    band->setObjectName(QStringLiteral("dataRange"));
    band->setPen(seriesPen(st.original(), st.lineWidth));
    band->setBrush(withAlpha(st.original(), 70));
    attach(chart.get(), band, ax, ay);

    MinMax yr;
    MinMax rr{0, 0};
    if (integer) {
        auto* lo = lineSeries(QStringLiteral("Clipping range"), "clipLow",
                              seriesPen(st.clip(), 1.5 * st.lineWidth, Qt::DashLine),
                              stepped([](const SliceBucket& k) { return k.clipLo; }));
        auto* hi = lineSeries(QStringLiteral("Clipping range (max)"), "clipHigh",
                              seriesPen(st.clip(), 1.5 * st.lineWidth, Qt::DashLine),
                              stepped([](const SliceBucket& k) { return k.clipHi; }));
        attach(chart.get(), lo, ax, ay);
        attach(chart.get(), hi, ax, ay);
        hideFromLegend(chart.get(), hi);
        auto* sc = lineSeries(QStringLiteral("Scale s (right axis)"), "scale",
                              seriesPen(st.dequantized(), st.lineWidth),
                              stepped([](const SliceBucket& k) { return k.scale; }));
        attach(chart.get(), sc, ax, ar);
        for (const SliceBucket& k : bs) {
            yr.add(k.clipLo);
            yr.add(k.clipHi);
            rr.add(k.scale);
        }
    }
    if (haveMetrics) {
        auto* e = lineSeries(QStringLiteral("RMSE (right axis)"), "rmse",
                             seriesPen(st.error(), st.lineWidth, Qt::DashDotLine),
                             stepped([](const SliceBucket& k) { return k.rmse; }));
        attach(chart.get(), e, ax, ar);
        for (const SliceBucket& k : bs)
            rr.add(k.rmse);
    }
    for (const SliceBucket& k : bs) {
        yr.add(k.dataLo);
        yr.add(k.dataHi);
    }
    if (!yr.valid())
        yr = MinMax{0, 1};
    applyNiceTicks(ax, -0.5, double(slices) - 0.5, xTicks(st), true, true);
    paddedTicks(ay, yr.lo, yr.hi, yTicks(st), 0.04);
    applyNiceTicks(ar, 0, rr.hi > 0 ? rr.hi : 1, yTicks(st));
    return chart.release();
}

} // namespace

QString chartKindName(ChartKind kind)
{
    switch (kind) {
    case ChartKind::Values:
        return QStringLiteral("values");
    case ChartKind::Codes:
        return QStringLiteral("codes");
    case ChartKind::Histogram:
        return QStringLiteral("histogram");
    case ChartKind::ErrorHistogram:
        return QStringLiteral("error-histogram");
    case ChartKind::Channels:
        return QStringLiteral("channels");
    }
    return QString();
}

QString chartKindTitle(ChartKind kind)
{
    switch (kind) {
    case ChartKind::Values:
        return QStringLiteral("Values by index");
    case ChartKind::Codes:
        return QStringLiteral("Integer codes by index");
    case ChartKind::Histogram:
        return QStringLiteral("Histogram of values");
    case ChartKind::ErrorHistogram:
        return QStringLiteral("Histogram of the error");
    case ChartKind::Channels:
        return QStringLiteral("Range, scale and error per slice");
    }
    return QString();
}

QList<ChartKind> allChartKinds()
{
    return {ChartKind::Values, ChartKind::Codes, ChartKind::Histogram, ChartKind::ErrorHistogram,
            ChartKind::Channels};
}

ChartKind chartKindFromName(const QString& name)
{
    QStringList names;
    for (ChartKind k : allChartKinds()) {
        if (chartKindName(k) == name.trimmed().toLower())
            return k;
        names << chartKindName(k);
    }
    fail(QStringLiteral("unknown chart '%1'; valid charts: %2").arg(name, names.join(", ")));
}

ChartData prepareChartData(ChartKind kind, const ChartInput& input)
{
    checkInput(input);
    ChartData d;
    d.kind = kind;
    d.input = input;
    switch (kind) {
    case ChartKind::Values:
        prepareValues(d);
        break;
    case ChartKind::Codes:
        prepareCodes(d);
        break;
    case ChartKind::Histogram:
        prepareHistogram(d);
        break;
    case ChartKind::ErrorHistogram:
        prepareErrorHistogram(d);
        break;
    case ChartKind::Channels:
        prepareChannels(d);
        break;
    }
    return d;
}

QChart* buildChart(const ChartData& data, const ChartStyle& style)
{
    checkInput(data.input);
    if (!(style.fontScale > 0.2 && style.fontScale < 10) ||
        !(style.lineWidth > 0 && style.lineWidth < 50))
        fail(QStringLiteral("chart style out of range: font scale %1, line width %2")
                 .arg(style.fontScale)
                 .arg(style.lineWidth));
    switch (data.kind) {
    case ChartKind::Values:
        return buildValues(data, style);
    case ChartKind::Codes:
        return buildCodes(data, style);
    case ChartKind::Histogram:
        return buildHistogram(data, style);
    case ChartKind::ErrorHistogram:
        return buildErrorHistogram(data, style);
    case ChartKind::Channels:
        return buildChannels(data, style);
    }
    fail(QStringLiteral("unknown chart kind %1").arg(static_cast<int>(data.kind)));
}

QChart* buildChart(ChartKind kind, const ChartInput& input, const ChartStyle& style)
{
    return buildChart(prepareChartData(kind, input), style);
}

} // namespace qs::ui
