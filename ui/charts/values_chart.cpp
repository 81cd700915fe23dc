// Values and Codes by index: the (downsampled) original and dequantized values, or the codes,
// over the index window; tiny tensors get a dot per value. On a long window the values chart
// shows the dequantized values as a translucent band (min to max per bucket) under the
// original's outline, and the error x - x^ per bucket as a band in the lower part of the plot
// on its own axis, so that where the two differ stays visible at millions of values. Zoomed in
// to a few hundred values, both lines mark every value with a dot.
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/chart_fit.h"
#include "ui/charts/kind_charts.h"

#include <QAreaSeries>
#include <QBrush>
#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <memory>

namespace qs::ui::kindchart {

using namespace chartcommon;

namespace {

// Up to this many values in the window (zoomed in), the lines also mark each value with a dot.
constexpr int64_t kPointsThreshold = 400;

QList<QPointF> toPoints(const std::vector<SeriesPoint>& pts)
{
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(pts.size()));
    for (const SeriesPoint& p : pts)
        out.append(QPointF(p.x, p.y));
    return out;
}

// The index axis over the window; tiny windows get half an index of room so that the first
// and last dots are not cut by the frame.
void indexTicks(QValueAxis* ax, const Window& w, bool tiny, const ChartStyle& st)
{
    if (tiny)
        fitTicks(ax, double(w.begin) - 0.5, double(w.end - 1) + 0.5, xTicks(st), true, true);
    else
        fitTicks(ax, double(w.begin), double(w.end - 1), xTicks(st), true, true);
}

// A dot per value on both series; the one drawn on top two thirds the size of the one below,
// so both stay visible where they coincide.
void showDots(QLineSeries* below, QLineSeries* onTop, double size)
{
    below->setPointsVisible(true);
    below->setMarkerSize(size);
    onTop->setPointsVisible(true);
    onTop->setMarkerSize(size * 2 / 3);
}

// Small tensors (the lessons' 10- and 20-value examples): every value as a dot; the dequantized
// dot is smaller and drawn on top so that both stay visible where they coincide.
void addTinyValues(QChart* chart, const ChartData& d, const ChartStyle& st, QValueAxis* ax,
                   QValueAxis* ay)
{
    QLineSeries* so = lineSeries(QStringLiteral("Original"), "original",
                                 seriesPen(st.original(), st.lineWidth), toPoints(d.first));
    QLineSeries* sd = lineSeries(QStringLiteral("Dequantized"), "dequantized",
                                 seriesPen(st.dequantized(), st.lineWidth), toPoints(d.second));
    showDots(so, sd, 9 * st.fontScale);
    attach(chart, so, ax, ay);
    attach(chart, sd, ax, ay);
}

// A band's upper and lower edges: per bucket its max and min at the bucket's middle index
// (one vertex per bucket keeps the filled polygon cheap to paint).
QAreaSeries* bandSeries(const QString& name, const QString& id,
                        const std::vector<BucketRange>& band, const QPen& pen, const QBrush& brush)
{
    QList<QPointF> upper, lower;
    upper.reserve(static_cast<qsizetype>(band.size()));
    lower.reserve(static_cast<qsizetype>(band.size()));
    for (const BucketRange& b : band) {
        const double mid = 0.5 * double(b.first + b.last - 1);
        upper.append(QPointF(mid, b.hi));
        lower.append(QPointF(mid, b.lo));
    }
    QAreaSeries* area = areaSeries(new QLineSeries, new QLineSeries);
    area->upperSeries()->replace(upper);
    area->lowerSeries()->replace(lower);
    area->setName(name);
    area->setObjectName(id);
    area->setPen(pen);
    area->setBrush(brush);
    return area;
}

// A value axis over [min, max] whose labels are only the ticks of source: the value axis labels
// the upper part of the plot (the values), the error axis the lower part (the error band).
QCategoryAxis* partAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align,
                        const QString& title, const QColor& titleColor, double min, double max,
                        TickSource source)
{
    auto* axis = static_cast<QCategoryAxis*>(addValueAxis(chart, st, align, title, titleColor));
    axis->setRange(min, max);
    if (ChartFit* fit = ChartFit::ofAxis(axis))
        fit->fitAxis(axis, yTicks(st), std::move(source));
    return axis;
}

// Nice ticks inside [lo, hi] only, whatever the axis' range.
TickSource ticksWithin(double lo, double hi)
{
    return [lo, hi](double, double, int maxTicks) {
        return compactTicks(niceTicks(lo, hi, maxTicks, true));
    };
}

MinMax rangeOf(const std::vector<BucketRange>& band)
{
    MinMax m;
    for (const BucketRange& b : band) {
        m.add(b.lo);
        m.add(b.hi);
    }
    return m;
}

// The error band in the lower quarter of the plot, on a right-hand axis labelled at its own
// extremes and zero only.
void addErrorBand(QChart* chart, const ChartData& d, const ChartStyle& st, QValueAxis* ax)
{
    MinMax er = rangeOf(d.errorBand);
    if (!er.valid())
        er = MinMax{0, 0};
    const double span = er.hi > er.lo ? er.hi - er.lo : std::max(std::fabs(er.hi), 1e-12);
    const double min = er.lo - 0.1 * span, max = er.lo + span / 0.27;
    // Three significant digits; two when the extremes are all there is room for.
    const auto ticksAt = [er](double digits) {
        const auto label = [digits](double v) { return compactNumber(v, std::fabs(v) / digits); };
        QList<Tick> ticks{{er.lo, label(er.lo)}};
        if (er.lo < 0 && er.hi > 0)
            ticks.append({0.0, QStringLiteral("0")});
        if (er.hi > er.lo)
            ticks.append({er.hi, label(er.hi)});
        return ticks;
    };
    const QList<Tick> ticks = ticksAt(100), extremes = ticksAt(10);
    const auto source = [ticks, extremes](double, double, int maxTicks) {
        return maxTicks >= int(ticks.size()) || ticks.size() < 3
                   ? ticks
                   : QList<Tick>{extremes.front(), extremes.back()};
    };
    QCategoryAxis* ae =
        partAxis(chart, st, Qt::AlignRight, QStringLiteral("Error x \u2212 x\u0302"), st.error(),
                 min, max, source);
    ae->setGridLineVisible(false);
    QAreaSeries* band = bandSeries(QStringLiteral("Error"), "errorBand", d.errorBand,
                                   seriesPen(st.error(), 1.0), withAlpha(st.error(), 150));
    attach(chart, band, ax, ae);
}

} // namespace

QChart* buildValues(const ChartData& d, const ChartStyle& st)
{
    const ChartInput& in = d.input;
    const Window w{d.begin, d.end};
    const int buckets = in.maxPoints / 2;
    const bool tiny = w.end - w.begin <= kMarkerThreshold;
    // downsampleMinMax returns short windows whole (minus non-finite values).
    const bool downsampled = w.end - w.begin > 2 * int64_t(buckets);
    // The legend keeps to short names (it must fit a narrow window); the index axis says what
    // a bucket is.
    const QString indexTitle =
        downsampled ? QStringLiteral("Index (min to max per %1 values)")
                          .arg(std::llround(double(w.end - w.begin) / bandBuckets(in)))
                    : QStringLiteral("Index");
    std::unique_ptr<QChart> chart(newKindChart(st, ChartKind::Values, in));
    QValueAxis* ax = addValueAxis(chart.get(), st, Qt::AlignBottom, indexTitle);
    setAxisTitles(ax, {indexTitle, QStringLiteral("Index")});
    indexTicks(ax, w, tiny, st);
    MinMax yr;
    for (const auto* pts : {&d.first, &d.second})
        for (const auto& p : *pts)
            yr.add(p.y);
    if (!yr.valid())
        yr = MinMax{0, 1};
    if (tiny) {
        QValueAxis* ay = addValueAxis(chart.get(), st, Qt::AlignLeft, QStringLiteral("Value"));
        addTinyValues(chart.get(), d, st, ax, ay);
        // Room so that extreme values (and their markers) do not sit on the frame.
        paddedTicks(ay, yr.lo, yr.hi, yTicks(st), 0.04);
        return chart.release();
    }
    // The values in the upper two thirds of the plot, the error band below them.
    const double span = yr.hi > yr.lo ? yr.hi - yr.lo : std::max(std::fabs(yr.hi), 1.0);
    QValueAxis* ay = partAxis(chart.get(), st, Qt::AlignLeft, QStringLiteral("Value"), st.text(),
                              yr.lo - 0.55 * span, yr.hi + 0.04 * span, ticksWithin(yr.lo, yr.hi));
    addErrorBand(chart.get(), d, st, ax);
    if (downsampled)
        attach(chart.get(),
               bandSeries(QStringLiteral("Dequantized"), "dequantizedBand", d.secondBand, Qt::NoPen,
                          withAlpha(st.dequantized(), 110)),
               ax, ay);
    QLineSeries* sd = lineSeries(QStringLiteral("Dequantized"), "dequantized",
                                 seriesPen(withAlpha(st.dequantized(), downsampled ? 60 : 220),
                                           downsampled ? 1.0 : st.lineWidth),
                                 toPoints(d.second));
    attach(chart.get(), sd, ax, ay);
    QLineSeries* so = lineSeries(QStringLiteral("Original"), "original",
                                 seriesPen(withAlpha(st.original(), downsampled ? 50 : 200),
                                           downsampled ? 1.0 : st.lineWidth),
                                 toPoints(d.first));
    attach(chart.get(), so, ax, ay);
    if (w.end - w.begin <= kPointsThreshold)
        showDots(sd, so, 6 * st.fontScale);
    if (downsampled) {
        // The band stands for the dequantized series and the outline for the original.
        hideFromLegend(chart.get(), sd);
        hideFromLegend(chart.get(), so);
        QAreaSeries* outline =
            bandSeries(QStringLiteral("Original"), "originalOutline", d.firstBand,
                       seriesPen(st.original(), st.lineWidth), Qt::NoBrush);
        attach(chart.get(), outline, ax, ay);
        // An unfilled area's legend box would be empty: show the outline's colour.
        for (QLegendMarker* m : chart->legend()->markers(outline))
            m->setBrush(st.original());
    }
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

    std::unique_ptr<QChart> chart(newKindChart(st, ChartKind::Codes, in));
    QValueAxis* ax = addValueAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Index"));
    const bool integer = r.config.isInteger();
    QValueAxis* ay =
        addValueAxis(chart.get(), st, Qt::AlignLeft,
                     integer || r.config.isLowbit() ? QStringLiteral("Code")
                                                    : QStringLiteral("Code (16-bit pattern)"));
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

    indexTicks(ax, w, tiny, st);
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
    fitTicks(ay, lo - pad, hi + pad, yTicks(st), true, true);
    return chart.release();
}

} // namespace qs::ui::kindchart
