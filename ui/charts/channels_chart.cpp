// Channels: per slice (channel, group) the data range as a band, the clipping range, the scale
// and the RMSE, as steps over the slice index; many slices are merged into fewer steps by
// prepareChannels.
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/kind_charts.h"

#include <QAreaSeries>
#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <memory>

namespace qs::ui::kindchart {

using namespace chartcommon;

namespace {

// The series of one chart, all drawn as steps over the slice buckets.
struct ChannelsPlot {
    ChannelsPlot(QChart* c, const ChartStyle& style, const std::vector<SliceBucket>& bs)
        : chart(c), st(style), buckets(bs)
    {
    }

    QChart* chart = nullptr;
    const ChartStyle& st;
    const std::vector<SliceBucket>& buckets;
    QValueAxis* x = nullptr;
    QValueAxis* values = nullptr; // left: data and clipping range
    QValueAxis* right = nullptr;  // scale and RMSE
    MinMax valueRange;
    MinMax rightRange{0, 0};

    // One step of width (last - first) per bucket, centred on the slice indices.
    template <class Field> QList<QPointF> stepped(Field value) const
    {
        QList<QPointF> pts;
        pts.reserve(static_cast<qsizetype>(2 * buckets.size()));
        for (const SliceBucket& k : buckets) {
            const double v = value(k);
            pts.append(QPointF(double(k.first) - 0.5, v));
            pts.append(QPointF(double(k.last) - 0.5, v));
        }
        return pts;
    }

    void addDataBand()
    {
        auto* upper = lineSeries(QString(), "dataMax", seriesPen(st.original(), st.lineWidth),
                                 stepped([](const SliceBucket& k) { return k.dataHi; }));
        auto* lower = lineSeries(QString(), "dataMin", seriesPen(st.original(), st.lineWidth),
                                 stepped([](const SliceBucket& k) { return k.dataLo; }));
        auto* band = areaSeries(upper, lower);
        band->setName(QStringLiteral("Data min..max"));
        band->setObjectName(QStringLiteral("dataRange"));
        band->setPen(seriesPen(st.original(), st.lineWidth));
        band->setBrush(withAlpha(st.original(), 70));
        attach(chart, band, x, values);
    }

    void addClippingAndScale()
    {
        const QPen clipPen = seriesPen(st.clip(), 1.5 * st.lineWidth, Qt::DashLine);
        auto* lo = lineSeries(QStringLiteral("Clipping range"), "clipLow", clipPen,
                              stepped([](const SliceBucket& k) { return k.clipLo; }));
        auto* hi = lineSeries(QStringLiteral("Clipping range (max)"), "clipHigh", clipPen,
                              stepped([](const SliceBucket& k) { return k.clipHi; }));
        attach(chart, lo, x, values);
        attach(chart, hi, x, values);
        hideFromLegend(chart, hi);
        auto* sc = lineSeries(QStringLiteral("Scale s (right axis)"), "scale",
                              seriesPen(st.dequantized(), st.lineWidth),
                              stepped([](const SliceBucket& k) { return k.scale; }));
        attach(chart, sc, x, right);
        for (const SliceBucket& k : buckets) {
            valueRange.add(k.clipLo);
            valueRange.add(k.clipHi);
            rightRange.add(k.scale);
        }
    }

    void addRmse()
    {
        auto* e = lineSeries(QStringLiteral("RMSE (right axis)"), "rmse",
                             seriesPen(st.error(), st.lineWidth, Qt::DashDotLine),
                             stepped([](const SliceBucket& k) { return k.rmse; }));
        attach(chart, e, x, right);
        for (const SliceBucket& k : buckets)
            rightRange.add(k.rmse);
    }

    void setRanges(int64_t slices)
    {
        for (const SliceBucket& k : buckets) {
            valueRange.add(k.dataLo);
            valueRange.add(k.dataHi);
        }
        if (!valueRange.valid())
            valueRange = MinMax{0, 1};
        fitTicks(x, -0.5, double(slices) - 0.5, xTicks(st), true, true);
        paddedTicks(values, valueRange.lo, valueRange.hi, yTicks(st), 0.04);
        fitTicks(right, 0, rightRange.hi > 0 ? rightRange.hi : 1, yTicks(st));
    }
};

// The slice axis' title: the slice word, and how slices were merged (the axis says so once, so
// that the legend entries stay short enough to show).
QString sliceAxisTitle(Granularity g, int64_t slices, int64_t buckets)
{
    const QString word = sliceWord(g);
    const QString Word = word.left(1).toUpper() + word.mid(1);
    if (buckets < slices)
        return QStringLiteral("%1 (%2 in %3 steps)").arg(Word).arg(slices).arg(buckets);
    return Word;
}

} // namespace

QChart* buildChannels(const ChartData& d, const ChartStyle& st)
{
    const QuantResult& r = *d.input.result;
    const QuantParams& p = r.params;
    const int64_t slices = p.numSlices();
    const int64_t buckets = static_cast<int64_t>(d.buckets.size());
    if (buckets == 0 || buckets > slices)
        fail(QStringLiteral("the channels chart data holds %1 slice steps for %2 slices: make it "
                            "with prepareChartData")
                 .arg(buckets)
                 .arg(slices));

    std::unique_ptr<QChart> chart(newKindChart(st, ChartKind::Channels, d.input));
    ChannelsPlot plot(chart.get(), st, d.buckets);
    plot.x = addValueAxis(chart.get(), st, Qt::AlignBottom,
                          sliceAxisTitle(p.layout.kind, slices, buckets));
    setAxisTitles(plot.x, {sliceAxisTitle(p.layout.kind, slices, buckets),
                           sliceAxisTitle(p.layout.kind, slices, slices)});
    plot.values = addValueAxis(chart.get(), st, Qt::AlignLeft, QStringLiteral("Value"));
    plot.right = addValueAxis(chart.get(), st, Qt::AlignRight, QStringLiteral("Scale s, RMSE"));
    setAxisTitles(plot.right, {QStringLiteral("Scale s, RMSE"), QStringLiteral("s, RMSE")});
    plot.right->setGridLineVisible(false);

    plot.addDataBand();
    if (r.config.isInteger())
        plot.addClippingAndScale();
    if (static_cast<int64_t>(r.sliceMetrics.size()) == slices)
        plot.addRmse();
    plot.setRanges(slices);
    return chart.release();
}

} // namespace qs::ui::kindchart
