// A/B comparison overlays: the dequantized values of several results by index, and their error
// histograms on a common range.
#include "core/base/error.h"
#include "core/stats/downsample.h"
#include "core/stats/histogram.h"
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/teaching/teach_charts.h"
#include "ui/charts/teaching/teach_common.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs::ui {

namespace {

using namespace chartcommon;

constexpr int64_t kCompareWindow = 300; // values shown by index in the comparison of a long tensor

QString labelOf(const QStringList& labels, size_t i)
{
    return i < size_t(labels.size()) ? labels[qsizetype(i)] : QString::number(i);
}

} // namespace

QColor compareColor(const ChartStyle& st, int i)
{
    return st.cycle(i);
}

QChart* buildCompareValuesChart(const Tensor& t, const std::vector<QuantResult>& results,
                                const QStringList& labels, const ChartStyle& st, int maxPoints)
{
    // A long tensor drawn whole is a solid block: show a window where single values are
    // visible instead.
    const int64_t n = t.numel();
    const int64_t end = n <= 2 * int64_t(maxPoints) ? n : std::min<int64_t>(n, kCompareWindow);
    QChart* chart = newChart(st, QStringLiteral("Dequantized values by index"),
                             end < n ? QStringLiteral("%1 \u2014 first %2 of %3 values")
                                           .arg(QString::fromStdString(t.name))
                                           .arg(end)
                                           .arg(n)
                                     : QString::fromStdString(t.name));
    QValueAxis* x = addValueAxis(chart, st, Qt::AlignBottom, QStringLiteral("index"));
    QValueAxis* y = addValueAxis(chart, st, Qt::AlignLeft, QStringLiteral("value"));
    const int buckets = std::max(1, maxPoints / 2);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    const auto add = [&](const float* v, const QString& name, const QString& id, const QPen& pen) {
        QList<QPointF> pts;
        for (const SeriesPoint& p : downsampleMinMax(v, 0, end, buckets)) {
            pts << QPointF(p.x, p.y);
            lo = std::min(lo, p.y);
            hi = std::max(hi, p.y);
        }
        attach(chart, lineSeries(name, id, pen, pts), x, y);
    };
    add(t.data.data(), QStringLiteral("original"), QStringLiteral("original"),
        seriesPen(teachchart::neutral(st), std::max(1.0, st.lineWidth * 0.7)));
    for (size_t i = 0; i < results.size(); ++i) {
        if (static_cast<int64_t>(results[i].dequantized.size()) != n)
            throw Error("comparison chart: result " + std::to_string(i) +
                        " does not belong to the tensor");
        add(results[i].dequantized.data(), labelOf(labels, i), QStringLiteral("config%1").arg(i),
            seriesPen(compareColor(st, int(i)), st.lineWidth));
    }
    fitTicks(x, 0, double(std::max<int64_t>(1, end - 1)), xTicks(st), true, true);
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    fitTicks(y, lo, hi, yTicks(st));
    return chart;
}

QChart* buildCompareErrorChart(const Tensor& t, const std::vector<QuantResult>& results,
                               const QStringList& labels, const ChartStyle& st, int bins)
{
    QChart* chart = newChart(st, QStringLiteral("Error histograms (x \u2212 x\u0302)"),
                             QString::fromStdString(t.name));
    QValueAxis* x =
        addValueAxis(chart, st, Qt::AlignBottom, QStringLiteral("error x \u2212 x\u0302"));
    QValueAxis* y = addValueAxis(chart, st, Qt::AlignLeft, QStringLiteral("count"));
    const int64_t n = t.numel();
    // Common range: the largest error, but no wider than 6 RMSE of the noisiest result, so a few
    // clipped outliers do not squeeze the rounding-error bumps into a line.
    double m = 0, rmse = 0;
    for (const QuantResult& r : results) {
        if (static_cast<int64_t>(r.dequantized.size()) != n)
            throw Error("comparison chart: a result does not belong to the tensor");
        if (std::isfinite(r.metrics.maxAbsError))
            m = std::max(m, r.metrics.maxAbsError);
        if (std::isfinite(r.metrics.rmse))
            rmse = std::max(rmse, r.metrics.rmse);
    }
    if (rmse > 0)
        m = std::min(m, 6 * rmse);
    if (!(m > 0))
        m = 1;
    int64_t top = 1;
    for (size_t i = 0; i < results.size(); ++i) {
        const Histogram h =
            errorHistogram(t.data.data(), results[i].dequantized.data(), n, bins, -m, m);
        top = std::max(top, chartcommon::maxCount(h));
        attach(chart,
               lineSeries(labelOf(labels, i), QStringLiteral("config%1").arg(i),
                          seriesPen(compareColor(st, int(i)), st.lineWidth),
                          chartcommon::steppedHistogram(h)),
               x, y);
    }
    fitTicks(x, -m, m, xTicks(st), true);
    fitTicks(y, 0, double(top) * 1.05, yTicks(st));
    return chart;
}

} // namespace qs::ui
