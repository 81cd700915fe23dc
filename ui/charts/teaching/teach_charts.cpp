// Chart builders of the teaching views (see teach_charts.h). Style follows ui/charts.cpp: the
// Okabe-Ito palette of ChartStyle, fonts and line widths scaled by the style, two-line titles.
#include "ui/charts/teaching/teach_charts.h"

#include "core/base/error.h"
#include "core/stats/downsample.h"
#include "core/stats/histogram.h"
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsSimpleTextItem>
#include <QGuiApplication>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
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
using chartcommon::newChart;
using chartcommon::num;
using chartcommon::seriesPen;
using chartcommon::styleAxis;
using chartcommon::withAlpha;
using chartcommon::xTicks;
using chartcommon::yTicks;

constexpr int kMaxGridTicks = 200;      // above this the grid is a band with every k-th code ticked
constexpr int kMaxCodeLabels = 16;      // code labels on the number line's axis
constexpr int64_t kCompareWindow = 300; // values shown by index in the comparison of a long tensor

QColor neutral(const ChartStyle& st)
{
    return st.dark ? QColor(0xB0, 0xB3, 0xB8) : QColor(0x70, 0x70, 0x70);
}

QString methodLabel(RangeMethod m)
{
    switch (m) {
    case RangeMethod::MinMax:
        return QStringLiteral("min-max");
    case RangeMethod::Percentile:
        return QStringLiteral("percentile");
    case RangeMethod::MSE:
        return QStringLiteral("MSE-opt.");
    case RangeMethod::Entropy:
        return QStringLiteral("entropy");
    case RangeMethod::TrtPercentile:
    case RangeMethod::TrtMse:
    case RangeMethod::OrtPercentile:
    case RangeMethod::OrtEntropy:
        return QString::fromStdString(toName(m));
    }
    return QStringLiteral("?");
}

// One colour per range method, fixed so the sweep and the clipping curve agree.
QColor methodColor(const ChartStyle& st, RangeMethod m)
{
    switch (m) {
    case RangeMethod::MinMax:
        return st.original();
    case RangeMethod::Percentile:
        return st.dequantized();
    case RangeMethod::MSE:
        return st.grid();
    case RangeMethod::Entropy:
    case RangeMethod::TrtPercentile:
    case RangeMethod::TrtMse:
    case RangeMethod::OrtPercentile:
    case RangeMethod::OrtEntropy:
        return st.clip();
    }
    return st.text();
}

// Range of a log axis covering the positive values vs: whole decades around them.
void logRange(QLogValueAxis* axis, double lo, double hi)
{
    if (!(lo > 0) || !std::isfinite(hi) || hi < lo) {
        axis->setRange(1e-6, 1);
        return;
    }
    axis->setRange(std::pow(10.0, std::floor(std::log10(lo))),
                   std::pow(10.0, std::ceil(std::log10(hi) + 1e-9)));
}

} // namespace

// ---- number line ----------------------------------------------------------------------------

NumberLineData prepareNumberLine(const Tensor& t, const QuantResult& r, int64_t slice,
                                 int maxSamples)
{
    if (!r.config.isInteger())
        throw Error("number line: " + toName(r.config.scheme) +
                    " has no integer grid to draw (use an integer scheme)");
    if (static_cast<int64_t>(r.codes.size()) != t.numel() ||
        static_cast<int64_t>(r.dequantized.size()) != t.numel())
        throw Error("number line: the result has " + std::to_string(r.codes.size()) +
                    " codes but the tensor has " + std::to_string(t.numel()) + " elements");
    if (slice < 0 || slice >= r.params.numSlices())
        throw Error("number line: slice " + std::to_string(slice) + " is out of range (0.." +
                    std::to_string(r.params.numSlices() - 1) + ")");
    if (maxSamples < 1)
        throw Error("number line: at least one sample is needed");
    NumberLineData d;
    d.slice = slice;
    d.qmin = r.params.qmin;
    d.qmax = r.params.qmax;
    d.grid = quantizationGrid(r.params, slice);
    d.rangeMin = r.params.rangeMin[size_t(slice)];
    d.rangeMax = r.params.rangeMax[size_t(slice)];

    // Finite elements of the slice, in index order.
    const float* x = t.data.data();
    std::vector<int64_t> idx;
    const SliceLayout& lay = r.params.layout;
    lay.forEachRun(slice, [&](int64_t off, int64_t count, int64_t stride) {
        for (int64_t k = 0; k < count; ++k) {
            const int64_t i = off + k * stride;
            if (std::isfinite(x[i]))
                idx.push_back(i);
        }
    });
    std::vector<int64_t> chosen;
    if (static_cast<int64_t>(idx.size()) <= maxSamples) {
        chosen = idx;
    } else if (!idx.empty()) {
        // Evenly spread, plus the extremes (replacing the two nearest picks).
        const int64_t n = static_cast<int64_t>(idx.size());
        const int spread = std::max(1, maxSamples - 2);
        for (int k = 0; k < spread; ++k)
            chosen.push_back(idx[size_t((n - 1) * (2 * k + 1) / (2 * spread))]);
        if (maxSamples >= 3) {
            const auto [mn, mx] = std::minmax_element(
                idx.begin(), idx.end(), [&](int64_t a, int64_t b) { return x[a] < x[b]; });
            chosen.push_back(*mn);
            chosen.push_back(*mx);
        }
        std::sort(chosen.begin(), chosen.end());
        chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    }
    for (int64_t i : chosen)
        d.samples.push_back(
            {i, double(x[i]), int64_t(r.codes[size_t(i)]), double(r.dequantized[size_t(i)])});
    std::stable_sort(
        d.samples.begin(), d.samples.end(),
        [](const NumberLineSample& a, const NumberLineSample& b) { return a.x < b.x; });
    d.subtitle =
        QStringLiteral("%1 \u2014 %2%3 \u2014 s = %4, z = %5")
            .arg(QString::fromStdString(t.name), QString::fromStdString(r.config.summary()),
                 r.params.numSlices() > 1 ? QStringLiteral(", slice %1").arg(slice) : QString())
            .arg(num(r.params.scale[size_t(slice)]))
            .arg(r.params.zeroPoint[size_t(slice)]);
    return d;
}

QChart* buildNumberLineChart(const NumberLineData& d, const ChartStyle& st)
{
    const int64_t nCodes = static_cast<int64_t>(d.grid.size());
    QChart* chart = newChart(st, QStringLiteral("Number line: values \u2192 codes"), d.subtitle);

    double lo = std::min(d.rangeMin, d.grid.empty() ? d.rangeMin : d.grid.front());
    double hi = std::max(d.rangeMax, d.grid.empty() ? d.rangeMax : d.grid.back());
    for (const NumberLineSample& s : d.samples) {
        lo = std::min(lo, s.x);
        hi = std::max(hi, s.x);
    }
    if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
    }
    const double pad = 0.04 * (hi - lo);
    lo -= pad;
    hi += pad;

    auto* xTop = styleAxis(new QValueAxis, st, QStringLiteral("real value x"));
    chart->addAxis(xTop, Qt::AlignTop);
    applyNiceTicks(xTop, lo, hi, xTicks(st), true);

    // Bottom axis: the codes at their dequantized positions.
    auto* xCodes = styleAxis(new QCategoryAxis, st,
                             QStringLiteral("code q (at its value s\u00b7(q \u2212 z))"));
    xCodes->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    xCodes->setGridLineVisible(false);
    const int64_t labelEvery =
        nCodes <= kMaxCodeLabels ? 1 : (nCodes + kMaxCodeLabels - 1) / kMaxCodeLabels;
    // Nice label stride: 1, 2, 4, 8, ... codes apart so labels fall on round codes.
    int64_t every = 1;
    while (every < labelEvery)
        every *= 2;
    xCodes->setStartValue(lo);
    for (int64_t i = 0; i < nCodes; ++i) {
        const int64_t q = d.qmin + i;
        if ((q % every) != 0 && i != 0 && i != nCodes - 1)
            continue;
        // Keep the ends labelled but not crowding the previous label.
        if ((i == nCodes - 1 || i == 0) && (q % every) != 0 && every > 1)
            continue;
        xCodes->append(QString::number(q), d.grid[size_t(i)]);
    }
    chart->addAxis(xCodes, Qt::AlignBottom);
    xCodes->setRange(lo, hi);

    auto* y = new QValueAxis;
    y->setRange(-0.45, 1.3);
    chart->addAxis(y, Qt::AlignLeft);
    y->setVisible(false);

    const double lw = st.lineWidth;
    // The real axis of the inputs (top row) and the code row.
    auto* axisLine = lineSeries(QString(), QStringLiteral("valueAxis"),
                                seriesPen(neutral(st), std::max(1.0, lw * 0.6)),
                                {QPointF(lo, 1), QPointF(hi, 1)});
    attach(chart, axisLine, xTop, y, xCodes);
    hideFromLegend(chart, axisLine);

    // Grid: one tick per code, or a band with every k-th code ticked.
    const QString gridName = QStringLiteral("grid: %1 codes, step %2")
                                 .arg(nCodes)
                                 .arg(num(nCodes > 1 ? d.grid[1] - d.grid[0] : 0));
    QList<QPointF> ticks;
    const bool band = nCodes > kMaxGridTicks;
    for (int64_t i = 0; i < nCodes; ++i) {
        if (band && ((d.qmin + i) % every) != 0)
            continue;
        const double g = d.grid[size_t(i)];
        const double h = band ? 0.16 : 0.12;
        ticks << QPointF(g, -0.02) << QPointF(g, h) << QPointF(g, -0.02);
    }
    if (band) {
        auto* upper = new QLineSeries;
        auto* lower = new QLineSeries;
        upper->replace({QPointF(d.grid.front(), 0.08), QPointF(d.grid.back(), 0.08)});
        lower->replace({QPointF(d.grid.front(), -0.02), QPointF(d.grid.back(), -0.02)});
        auto* area = new QAreaSeries(upper, lower);
        area->setName(gridName);
        area->setObjectName(QStringLiteral("gridBand"));
        area->setBrush(withAlpha(st.grid(), 110));
        area->setPen(Qt::NoPen);
        attach(chart, area, xTop, y, xCodes);
        auto* tickSeries = lineSeries(QString(), QStringLiteral("gridTicks"),
                                      seriesPen(st.grid(), std::max(1.0, lw * 0.8)), ticks);
        attach(chart, tickSeries, xTop, y, xCodes);
        hideFromLegend(chart, tickSeries);
    } else {
        auto* grid =
            lineSeries(gridName, QStringLiteral("grid"),
                       seriesPen(st.grid(), std::max(1.0, lw * (nCodes > 40 ? 0.7 : 1.3))), ticks);
        attach(chart, grid, xTop, y, xCodes);
    }

    // Clipping range.
    const QPen clipPen = seriesPen(st.clip(), lw, Qt::DashLine);
    auto* clipLow = lineSeries(
        QStringLiteral("clip [%1, %2]").arg(num(d.rangeMin), num(d.rangeMax)),
        QStringLiteral("clipLow"), clipPen, {QPointF(d.rangeMin, -0.3), QPointF(d.rangeMin, 1.22)});
    auto* clipHigh = lineSeries(QString(), QStringLiteral("clipHigh"), clipPen,
                                {QPointF(d.rangeMax, -0.3), QPointF(d.rangeMax, 1.22)});
    attach(chart, clipLow, xTop, y, xCodes);
    attach(chart, clipHigh, xTop, y, xCodes);
    hideFromLegend(chart, clipHigh);

    // Arrows from each sample down to the value of its code, with a small head.
    const double headDx = 0.008 * (hi - lo), headDy = 0.07;
    for (size_t i = 0; i < d.samples.size(); ++i) {
        const NumberLineSample& s = d.samples[i];
        QList<QPointF> pts{QPointF(s.x, 0.97), QPointF(s.xhat, 0.03),
                           QPointF(s.xhat - headDx, 0.03 + headDy), QPointF(s.xhat, 0.03),
                           QPointF(s.xhat + headDx, 0.03 + headDy)};
        auto* arrow = lineSeries(
            i == 0 ? QStringLiteral("x \u2192 code") : QString(), QStringLiteral("arrow%1").arg(i),
            seriesPen(withAlpha(st.text(), 170), std::max(1.0, lw * 0.8)), pts);
        attach(chart, arrow, xTop, y, xCodes);
        if (i > 0)
            hideFromLegend(chart, arrow);
    }

    auto* samples = new QScatterSeries;
    samples->setName(QStringLiteral("samples x"));
    samples->setObjectName(QStringLiteral("samples"));
    samples->setColor(st.original());
    samples->setBorderColor(st.original());
    samples->setMarkerSize(9 * st.fontScale);
    auto* landed = new QScatterSeries;
    landed->setName(QStringLiteral("code values"));
    landed->setObjectName(QStringLiteral("landed"));
    landed->setColor(st.dequantized());
    landed->setBorderColor(st.dequantized());
    landed->setMarkerSize(9 * st.fontScale);
    QList<QPointF> sp, lp;
    for (const NumberLineSample& s : d.samples) {
        sp << QPointF(s.x, 1);
        lp << QPointF(s.xhat, 0);
    }
    samples->replace(sp);
    landed->replace(lp);
    attach(chart, samples, xTop, y, xCodes);
    attach(chart, landed, xTop, y, xCodes);
    // Labels: each sample's value above its dot and its code below the value it lands on. They
    // are text items on the chart, placed again whenever the plot area changes (on screen and
    // in exports): left to right, each label takes the first of three rows where it does not
    // touch its left neighbour (the least crowded row when none is free).
    if (d.samples.size() <= 16) {
        struct Label {
            QGraphicsSimpleTextItem* item;
            QPointF at;
            bool above; // value label above the dot, or code label below the landing point
        };
        auto labels = std::make_shared<std::vector<Label>>();
        const QFont font = chartFont(st, 11);
        const double h = QFontMetricsF(font).height();
        for (const NumberLineSample& s : d.samples) {
            auto* xl = new QGraphicsSimpleTextItem(num(s.x), chart);
            xl->setFont(font);
            xl->setBrush(st.original());
            xl->setZValue(20);
            labels->push_back({xl, QPointF(s.x, 1), true});
            auto* ql = new QGraphicsSimpleTextItem(QStringLiteral("q=%1").arg(s.code), chart);
            ql->setFont(font);
            ql->setBrush(st.text());
            ql->setZValue(20);
            labels->push_back({ql, QPointF(s.xhat, 0), false});
        }
        QObject::connect(chart, &QChart::plotAreaChanged, chart, [chart, samples, labels, h] {
            constexpr int kRows = 3;
            const double gap = 0.4 * h;
            for (const bool above : {true, false}) {
                std::vector<std::pair<double, const Label*>> row; // centre x, label
                for (const Label& l : *labels)
                    if (l.above == above)
                        row.push_back({chart->mapToPosition(l.at, samples).x(), &l});
                std::stable_sort(row.begin(), row.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
                double right[kRows];
                std::fill(right, right + kRows, -1e300);
                for (const auto& [cx, l] : row) {
                    const QRectF r = l->item->boundingRect();
                    const double left = cx - r.width() / 2;
                    int k = 0;
                    while (k < kRows && left < right[k] + gap)
                        ++k;
                    if (k == kRows)
                        k = int(std::min_element(right, right + kRows) - right);
                    right[k] = left + r.width();
                    const QPointF p = chart->mapToPosition(l->at, samples);
                    const double dy = above ? -(1.1 + 1.1 * k) * h : (0.4 + 1.1 * k) * h;
                    l->item->setPos(left, p.y() + dy);
                }
            }
        });
    }
    return chart;
}

// ---- bit-width sweep -----------------------------------------------------------------------

QChart* buildSweepSqnrChart(const Sweep& s, const ChartStyle& st, const QString& subtitle)
{
    QChart* chart = newChart(st, QStringLiteral("SQNR against bit width"), subtitle);
    auto* x = styleAxis(new QValueAxis, st, QStringLiteral("bits"));
    auto* y = styleAxis(new QValueAxis, st, QStringLiteral("SQNR (dB)"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    const int b0 = s.bits.empty() ? 1 : s.bits.front();
    const int b1 = s.bits.empty() ? 16 : s.bits.back();
    applyNiceTicks(x, b0 - 0.5, b1 + 0.5, xTicks(st) + 6, true, true);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const SweepSeries& ser : s.series) {
        QList<QPointF> pts;
        for (const SweepPoint& p : ser.points)
            if (p.valid && std::isfinite(p.sqnrDb)) {
                pts << QPointF(p.bits, p.sqnrDb);
                lo = std::min(lo, p.sqnrDb);
                hi = std::max(hi, p.sqnrDb);
            }
        auto* line = lineSeries(methodLabel(ser.method), QString::fromStdString(toName(ser.method)),
                                seriesPen(methodColor(st, ser.method), st.lineWidth), pts);
        line->setPointsVisible(true);
        attach(chart, line, x, y);
    }
    QList<QPointF> ref;
    for (size_t i = 0; i < s.bits.size() && i < s.referenceDb.size(); ++i)
        if (std::isfinite(s.referenceDb[i])) {
            ref << QPointF(s.bits[i], s.referenceDb[i]);
            lo = std::min(lo, s.referenceDb[i]);
            hi = std::max(hi, s.referenceDb[i]);
        }
    if (!ref.isEmpty())
        attach(chart,
               lineSeries(QStringLiteral("6.02 dB/bit"), QStringLiteral("reference"),
                          seriesPen(neutral(st), st.lineWidth, Qt::DashLine), ref),
               x, y);
    const auto hline = [&](double db, const QString& name, const QString& id) {
        if (!std::isfinite(db) || db <= 0)
            return;
        attach(chart,
               lineSeries(
                   name, id,
                   seriesPen(id == QLatin1String("fp16") ? st.error() : QColor(0x56, 0xB4, 0xE9),
                             std::max(1.0, st.lineWidth * 0.7),
                             id == QLatin1String("fp16") ? Qt::DotLine : Qt::DashDotLine),
                   {QPointF(b0 - 0.5, db), QPointF(b1 + 0.5, db)}),
               x, y);
        lo = std::min(lo, db);
        hi = std::max(hi, db);
    };
    hline(s.fp16SqnrDb, QStringLiteral("fp16"), QStringLiteral("fp16"));
    hline(s.bf16SqnrDb, QStringLiteral("bf16"), QStringLiteral("bf16"));
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    applyNiceTicks(y, std::min(0.0, lo), hi, yTicks(st));
    return chart;
}

QChart* buildSweepMseChart(const Sweep& s, const ChartStyle& st, const QString& subtitle)
{
    QChart* chart = newChart(st, QStringLiteral("MSE against bit width"), subtitle);
    auto* x = styleAxis(new QValueAxis, st, QStringLiteral("bits"));
    auto* y = styleAxis(new QLogValueAxis, st, QStringLiteral("MSE (log scale)"));
    y->setBase(10);
    y->setLabelFormat(QStringLiteral("%.0e"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    const int b0 = s.bits.empty() ? 1 : s.bits.front();
    const int b1 = s.bits.empty() ? 16 : s.bits.back();
    applyNiceTicks(x, b0 - 0.5, b1 + 0.5, xTicks(st) + 6, true, true);
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (const SweepSeries& ser : s.series) {
        QList<QPointF> pts;
        for (const SweepPoint& p : ser.points)
            if (p.valid && p.mse > 0 && std::isfinite(p.mse)) {
                pts << QPointF(p.bits, p.mse);
                lo = std::min(lo, p.mse);
                hi = std::max(hi, p.mse);
            }
        auto* line = lineSeries(methodLabel(ser.method), QString::fromStdString(toName(ser.method)),
                                seriesPen(methodColor(st, ser.method), st.lineWidth), pts);
        line->setPointsVisible(true);
        attach(chart, line, x, y);
    }
    logRange(y, lo, hi);
    const double decades = std::log10(y->max() / y->min());
    y->setMinorTickCount(0);
    if (decades > 8)
        y->setBase(100);
    return chart;
}

// ---- clipping curve ------------------------------------------------------------------------

QChart* buildClippingChart(const ClippingCurve& c, const ChartStyle& st, const QString& subtitle)
{
    QChart* chart =
        newChart(st, QStringLiteral("Quantization error against clipping threshold"), subtitle);
    auto* x = styleAxis(new QValueAxis, st,
                        c.symmetric ? QStringLiteral("clipping threshold amax")
                                    : QStringLiteral("range kept (fraction of min-max, around "
                                                     "the median)"));
    auto* y = styleAxis(new QLogValueAxis, st, QStringLiteral("MSE (log scale)"));
    y->setBase(10);
    y->setLabelFormat(QStringLiteral("%.0e"));
    y->setMinorTickCount(0);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);

    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
    double ylo = std::numeric_limits<double>::infinity(), yhi = 0;
    const auto curve = [&](const QString& name, const QString& id, const QColor& color,
                           Qt::PenStyle style, double width, auto field) {
        QList<QPointF> pts;
        for (const ClippingPoint& p : c.points) {
            const double v = field(p);
            xlo = std::min(xlo, p.position);
            xhi = std::max(xhi, p.position);
            if (v > 0 && std::isfinite(v)) {
                pts << QPointF(p.position, v);
                ylo = std::min(ylo, v);
                yhi = std::max(yhi, v);
            }
        }
        attach(chart, lineSeries(name, id, seriesPen(color, width, style), pts), x, y);
    };
    curve(QStringLiteral("total MSE"), QStringLiteral("total"), st.text(), Qt::SolidLine,
          st.lineWidth * 1.4, [](const ClippingPoint& p) { return p.mse; });
    curve(QStringLiteral("rounding error"), QStringLiteral("rounding"), QColor(0x56, 0xB4, 0xE9),
          Qt::DashLine, st.lineWidth, [](const ClippingPoint& p) { return p.roundingMse; });
    curve(QStringLiteral("clipping error"), QStringLiteral("clipping"), st.error(), Qt::DashLine,
          st.lineWidth, [](const ClippingPoint& p) { return p.clippingMse; });
    if (!(yhi > 0)) {
        ylo = 1e-6;
        yhi = 1;
    }
    // Keep the interesting part: three decades below the smallest total error.
    double minTotal = yhi;
    for (const ClippingPoint& p : c.points)
        if (p.mse > 0)
            minTotal = std::min(minTotal, p.mse);
    ylo = std::max(ylo, minTotal * 1e-3);
    logRange(y, ylo, yhi);
    for (const ClippingMarker& m : c.markers) {
        const double pos = m.point.position;
        xlo = std::min(xlo, pos);
        xhi = std::max(xhi, pos);
        const QString name =
            QStringLiteral("%1 (%2)").arg(QString::fromStdString(m.label), num(m.point.mse));
        auto* line =
            lineSeries(name, QStringLiteral("marker-") + QString::fromStdString(toName(m.method)),
                       seriesPen(methodColor(st, m.method), st.lineWidth,
                                 m.method == RangeMethod::MinMax ? Qt::SolidLine : Qt::DashDotLine),
                       {QPointF(pos, y->min()), QPointF(pos, y->max())});
        attach(chart, line, x, y);
    }
    if (!std::isfinite(xlo)) {
        xlo = 0;
        xhi = 1;
    }
    applyNiceTicks(x, xlo, xhi, xTicks(st));
    return chart;
}

// ---- A/B comparison -------------------------------------------------------------------------

QColor compareColor(const ChartStyle& st, int i)
{
    const QColor colors[] = {st.original(),
                             st.dequantized(),
                             st.grid(),
                             st.clip(),
                             st.error(),
                             QColor(0x56, 0xB4, 0xE9),
                             QColor(0xF0, 0xE4, 0x42)};
    return colors[i % 7];
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
    auto* x = styleAxis(new QValueAxis, st, QStringLiteral("index"));
    auto* y = styleAxis(new QValueAxis, st, QStringLiteral("value"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
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
        seriesPen(neutral(st), std::max(1.0, st.lineWidth * 0.7)));
    for (size_t i = 0; i < results.size(); ++i) {
        if (static_cast<int64_t>(results[i].dequantized.size()) != n)
            throw Error("comparison chart: result " + std::to_string(i) +
                        " does not belong to the tensor");
        add(results[i].dequantized.data(),
            i < size_t(labels.size()) ? labels[qsizetype(i)] : QString::number(i),
            QStringLiteral("config%1").arg(i), seriesPen(compareColor(st, int(i)), st.lineWidth));
    }
    applyNiceTicks(x, 0, double(std::max<int64_t>(1, end - 1)), xTicks(st), true, true);
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    applyNiceTicks(y, lo, hi, yTicks(st));
    return chart;
}

QChart* buildCompareErrorChart(const Tensor& t, const std::vector<QuantResult>& results,
                               const QStringList& labels, const ChartStyle& st, int bins)
{
    QChart* chart = newChart(st, QStringLiteral("Error histograms (x \u2212 x\u0302)"),
                             QString::fromStdString(t.name));
    auto* x = styleAxis(new QValueAxis, st, QStringLiteral("error x \u2212 x\u0302"));
    auto* y = styleAxis(new QValueAxis, st, QStringLiteral("count"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
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
        QList<QPointF> pts;
        const double w = h.binWidth();
        pts << QPointF(h.lo, 0);
        for (size_t b = 0; b < h.counts.size(); ++b) {
            pts << QPointF(h.lo + double(b) * w, double(h.counts[b]))
                << QPointF(h.lo + double(b + 1) * w, double(h.counts[b]));
            top = std::max(top, h.counts[b]);
        }
        pts << QPointF(h.hi, 0);
        attach(chart,
               lineSeries(i < size_t(labels.size()) ? labels[qsizetype(i)] : QString::number(i),
                          QStringLiteral("config%1").arg(i),
                          seriesPen(compareColor(st, int(i)), st.lineWidth), pts),
               x, y);
    }
    applyNiceTicks(x, -m, m, xTicks(st), true);
    applyNiceTicks(y, 0, double(top) * 1.05, yTicks(st));
    return chart;
}

} // namespace qs::ui
