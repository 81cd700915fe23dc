// Convergence: the error of each iteration of an iterative range method (HQQ), mean |x - x^|
// on the left axis and the MSE on the right, over the iteration number. Other range methods
// make no iterations: the chart then says how to get one.
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/kind_charts.h"

#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QValueAxis>

#include <memory>

namespace qs::ui::kindchart {

using namespace chartcommon;

namespace {

// The points (iteration, value), iterations counted from 1.
QList<QPointF> perIteration(const std::vector<double>& values, MinMax& range)
{
    QList<QPointF> pts;
    for (size_t i = 0; i < values.size(); ++i) {
        pts.append(QPointF(double(i + 1), values[i]));
        range.add(values[i]);
    }
    return pts;
}

QLineSeries* errorSeries(const QString& name, const char* id, const QPen& pen,
                         const QList<QPointF>& pts)
{
    QLineSeries* s = lineSeries(name, QLatin1String(id), pen, pts);
    s->setPointsVisible(true);
    return s;
}

// A message in the middle of the plot area, wrapped to its width, placed again whenever the
// area changes.
void addCentredMessage(QChart* chart, const ChartStyle& st, const QString& text)
{
    auto* item = new QGraphicsSimpleTextItem(text, chart);
    item->setFont(chartFont(st, 15, true));
    item->setBrush(st.text());
    const auto place = [chart, item, text] {
        const QRectF area = chart->plotArea();
        if (isLaidOut(area))
            item->setText(
                wrapWords(text, QFontMetricsF(item->font()), area.width() - 8).join('\n'));
        const QRectF box = item->boundingRect();
        item->setPos(area.center().x() - box.width() / 2, area.center().y() - box.height() / 2);
    };
    place();
    QObject::connect(chart, &QChart::plotAreaChanged, chart, place);
}

QString emptyMessage(const QuantResult& r)
{
    if (r.config.range == RangeMethod::Hqq)
        return QStringLiteral("HQQ made no iterations: no slice has a finite value");
    return QStringLiteral("Choose the HQQ range method to see its convergence");
}

} // namespace

QChart* buildConvergence(const ChartData& d, const ChartStyle& st)
{
    const QuantResult& r = *d.input.result;
    const HqqTrace& trace = r.convergence;
    std::unique_ptr<QChart> chart(newKindChart(st, ChartKind::Convergence, d.input));
    QValueAxis* x = addValueAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Iteration"));
    QValueAxis* left = addValueAxis(chart.get(), st, Qt::AlignLeft,
                                    QStringLiteral("Mean |x \u2212 x\u0302|"), st.original());
    setAxisTitles(left, {QStringLiteral("Mean |x \u2212 x\u0302|"), QStringLiteral("MAE")});
    const int n = trace.iterations();
    if (n == 0) { // the axes of HQQ's iterations, a faint baseline and what to do
        const int most = HqqOptions().iterations;
        fitTicks(x, 1, most, xTicks(st), true, true);
        fitTicks(left, 0, 1, yTicks(st));
        QLineSeries* base = lineSeries(QString(), QStringLiteral("baseline"),
                                       seriesPen(axisLineColor(st), 1.0, Qt::DotLine),
                                       {QPointF(1, 0), QPointF(most, 0)});
        attach(chart.get(), base, x, left);
        hideFromLegend(chart.get(), base);
        addCentredMessage(chart.get(), st, emptyMessage(r));
        return chart.release();
    }
    fitTicks(x, 1, std::max(n, 2), xTicks(st), true, true);
    QValueAxis* right = addValueAxis(chart.get(), st, Qt::AlignRight,
                                     QStringLiteral("MSE (x \u2212 x\u0302)\u00b2"), st.error());
    setAxisTitles(right, {QStringLiteral("MSE (x \u2212 x\u0302)\u00b2"), QStringLiteral("MSE")});
    right->setGridLineVisible(false);
    MinMax absRange, mseRange;
    attach(chart.get(),
           errorSeries(QStringLiteral("Mean absolute error (left axis)"), "meanAbsError",
                       seriesPen(st.original(), st.lineWidth),
                       perIteration(trace.meanAbsError, absRange)),
           x, left);
    attach(chart.get(),
           errorSeries(QStringLiteral("MSE (right axis)"), "mse",
                       seriesPen(st.error(), st.lineWidth, Qt::DashLine),
                       perIteration(trace.meanSquaredError, mseRange)),
           x, right);
    paddedTicks(left, absRange.lo, absRange.hi, yTicks(st), 0.06);
    paddedTicks(right, mseRange.lo, mseRange.hi, yTicks(st), 0.06);
    return chart.release();
}

} // namespace qs::ui::kindchart
