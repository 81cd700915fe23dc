// Values and Codes by index: the (downsampled) original and dequantized values, or the codes,
// over the index window; tiny tensors get a dot per value.
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/kind_charts.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <memory>

namespace qs::ui::kindchart {

using namespace chartcommon;

namespace {

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
        applyNiceTicks(ax, double(w.begin) - 0.5, double(w.end - 1) + 0.5, xTicks(st), true, true);
    else
        applyNiceTicks(ax, double(w.begin), double(w.end - 1), xTicks(st), true, true);
}

} // namespace

QChart* buildValues(const ChartData& d, const ChartStyle& st)
{
    const ChartInput& in = d.input;
    const Window w{d.begin, d.end};
    const int buckets = in.maxPoints / 2;
    const auto& orig = d.first;
    const auto& deq = d.second;
    const bool tiny = w.end - w.begin <= kMarkerThreshold;

    std::unique_ptr<QChart> chart(newKindChart(st, ChartKind::Values, in));
    QValueAxis* ax = addValueAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Index"));
    QValueAxis* ay = addValueAxis(chart.get(), st, Qt::AlignLeft, QStringLiteral("Value"));

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

    indexTicks(ax, w, tiny, st);
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
    applyNiceTicks(ay, lo - pad, hi + pad, yTicks(st), true, true);
    return chart.release();
}

} // namespace qs::ui::kindchart
