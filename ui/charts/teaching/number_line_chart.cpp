// The number line: a slice's grid of representable values with its codes, the clipping range,
// and sample values with arrows down to the value of the code each one lands on.
#include "core/base/error.h"
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/chart_fit.h"
#include "ui/charts/teaching/teach_charts.h"
#include "ui/charts/teaching/teach_common.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <memory>

namespace qs::ui {

namespace {

using namespace chartcommon;

constexpr int kMaxGridTicks = 200;     // above this the grid is a band with every k-th code ticked
constexpr int kMaxCodeLabels = 16;     // code labels on the number line's axis
constexpr size_t kMaxValueLabels = 16; // samples whose value and code are written on the chart

// The finite elements of the slice, in index order.
std::vector<int64_t> finiteIndices(const Tensor& t, const SliceLayout& lay, int64_t slice)
{
    const float* x = t.data.data();
    std::vector<int64_t> idx;
    lay.forEachRun(slice, [&](int64_t off, int64_t count, int64_t stride) {
        for (int64_t k = 0; k < count; ++k) {
            const int64_t i = off + k * stride;
            if (std::isfinite(x[i]))
                idx.push_back(i);
        }
    });
    return idx;
}

// All of idx when it has at most maxSamples entries, else maxSamples - 2 evenly spread plus
// the smallest and largest value (fewer when picks coincide), in index order.
std::vector<int64_t> chooseSamples(const float* x, const std::vector<int64_t>& idx, int maxSamples)
{
    if (static_cast<int64_t>(idx.size()) <= maxSamples || idx.empty())
        return idx;
    std::vector<int64_t> chosen;
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
    return chosen;
}

} // namespace

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

    const float* x = t.data.data();
    for (int64_t i : chooseSamples(x, finiteIndices(t, r.params.layout, slice), maxSamples))
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
            .arg(r.params.realZeroPoint.empty() ? QString::number(r.params.zeroPoint[size_t(slice)])
                                                : num(r.params.zeroPointAt(slice)));
    return d;
}

namespace {

// The three axes every series of the number line is attached to: the real value on top, the
// codes at their values at the bottom, and a hidden vertical axis (value row at 1, codes at 0).
struct NumberLine {
    QChart* chart = nullptr;
    const NumberLineData& d;
    const ChartStyle& st;
    double lo = 0, hi = 1; // the plotted value range
    int64_t every = 1;     // code label stride
    QValueAxis* top = nullptr;
    QCategoryAxis* codes = nullptr;
    QValueAxis* y = nullptr;

    int64_t codeCount() const { return static_cast<int64_t>(d.grid.size()); }
    void add(QAbstractSeries* s) const { attach(chart, s, top, y, codes); }
    void addHidden(QAbstractSeries* s) const
    {
        add(s);
        hideFromLegend(chart, s);
    }
};

// The grid, the clipping range and the samples, padded by a little on each side.
void setValueRange(NumberLine& nl)
{
    const NumberLineData& d = nl.d;
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
    nl.lo = lo - pad;
    nl.hi = hi + pad;
}

// Nice label stride: 1, 2, 4, 8, ... codes apart so that at most maxLabels labels fall on round
// codes.
int64_t codeLabelStride(int64_t nCodes, int maxLabels)
{
    maxLabels = std::max(1, maxLabels);
    const int64_t labelEvery = nCodes <= maxLabels ? 1 : (nCodes + maxLabels - 1) / maxLabels;
    int64_t every = 1;
    while (every < labelEvery)
        every *= 2;
    return every;
}

// Every code on a multiple of the stride, at its value (grid[i] is the value of qmin + i).
QList<Tick> codeTicks(int64_t qmin, const std::vector<double>& grid, int maxLabels)
{
    const int64_t nCodes = static_cast<int64_t>(grid.size());
    const int64_t every = codeLabelStride(nCodes, maxLabels);
    QList<Tick> ticks;
    for (int64_t i = 0; i < nCodes; ++i)
        if ((qmin + i) % every == 0)
            ticks.append({grid[size_t(i)], QString::number(qmin + i)});
    return ticks;
}

void addAxes(NumberLine& nl)
{
    const ChartStyle& st = nl.st;
    nl.top = addValueAxis(nl.chart, st, Qt::AlignTop, QStringLiteral("real value x"));
    fitTicks(nl.top, nl.lo, nl.hi, xTicks(st), true);

    // Bottom axis: the codes at their dequantized positions, as many as fit.
    auto* codes = styleAxis(new QCategoryAxis, st, QString());
    codes->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    codes->setGridLineVisible(false);
    nl.every = codeLabelStride(nl.codeCount(), kMaxCodeLabels);
    nl.chart->addAxis(codes, Qt::AlignBottom);
    codes->setRange(nl.lo, nl.hi);
    setAxisTitles(codes, {QStringLiteral("code q (at its value s\u00b7(q \u2212 z))"),
                          QStringLiteral("code q")});
    if (ChartFit* fit = ChartFit::of(nl.chart))
        fit->fitAxis(
            codes, kMaxCodeLabels,
            [qmin = nl.d.qmin, grid = std::make_shared<const std::vector<double>>(nl.d.grid)](
                double, double, int maxLabels) { return codeTicks(qmin, *grid, maxLabels); });
    nl.codes = codes;

    nl.y = new QValueAxis;
    nl.y->setRange(-0.45, 1.45);
    nl.chart->addAxis(nl.y, Qt::AlignLeft);
    nl.y->setVisible(false);
}

// Grid: one tick per code, or a band with every k-th code ticked.
void addGrid(const NumberLine& nl)
{
    const NumberLineData& d = nl.d;
    const ChartStyle& st = nl.st;
    const int64_t nCodes = nl.codeCount();
    const QString gridName = QStringLiteral("grid: %1 codes, step %2")
                                 .arg(nCodes)
                                 .arg(num(nCodes > 1 ? d.grid[1] - d.grid[0] : 0));
    QList<QPointF> ticks;
    const bool band = nCodes > kMaxGridTicks;
    for (int64_t i = 0; i < nCodes; ++i) {
        if (band && ((d.qmin + i) % nl.every) != 0)
            continue;
        const double g = d.grid[size_t(i)];
        const double h = band ? 0.16 : 0.12;
        ticks << QPointF(g, -0.02) << QPointF(g, h) << QPointF(g, -0.02);
    }
    const double lw = st.lineWidth;
    if (!band) {
        nl.add(lineSeries(gridName, QStringLiteral("grid"),
                          seriesPen(st.grid(), std::max(1.0, lw * (nCodes > 40 ? 0.7 : 1.3))),
                          ticks));
        return;
    }
    auto* upper = new QLineSeries;
    auto* lower = new QLineSeries;
    upper->replace({QPointF(d.grid.front(), 0.08), QPointF(d.grid.back(), 0.08)});
    lower->replace({QPointF(d.grid.front(), -0.02), QPointF(d.grid.back(), -0.02)});
    auto* area = areaSeries(upper, lower);
    area->setName(gridName);
    area->setObjectName(QStringLiteral("gridBand"));
    area->setBrush(withAlpha(st.grid(), 110));
    area->setPen(Qt::NoPen);
    nl.add(area);
    nl.addHidden(lineSeries(QString(), QStringLiteral("gridTicks"),
                            seriesPen(st.grid(), std::max(1.0, lw * 0.8)), ticks));
}

void addClipping(const NumberLine& nl)
{
    const NumberLineData& d = nl.d;
    const QPen clipPen = seriesPen(nl.st.clip(), nl.st.lineWidth, Qt::DashLine);
    nl.add(lineSeries(QStringLiteral("clip [%1, %2]").arg(num(d.rangeMin), num(d.rangeMax)),
                      QStringLiteral("clipLow"), clipPen,
                      {QPointF(d.rangeMin, -0.3), QPointF(d.rangeMin, 1.22)}));
    nl.addHidden(lineSeries(QString(), QStringLiteral("clipHigh"), clipPen,
                            {QPointF(d.rangeMax, -0.3), QPointF(d.rangeMax, 1.22)}));
}

// Arrows from each sample down to the value of its code, with a small head.
void addArrows(const NumberLine& nl)
{
    const ChartStyle& st = nl.st;
    const double headDx = 0.008 * (nl.hi - nl.lo), headDy = 0.07;
    for (size_t i = 0; i < nl.d.samples.size(); ++i) {
        const NumberLineSample& s = nl.d.samples[i];
        QList<QPointF> pts{QPointF(s.x, 0.97), QPointF(s.xhat, 0.03),
                           QPointF(s.xhat - headDx, 0.03 + headDy), QPointF(s.xhat, 0.03),
                           QPointF(s.xhat + headDx, 0.03 + headDy)};
        auto* arrow = lineSeries(
            i == 0 ? QStringLiteral("x \u2192 code") : QString(), QStringLiteral("arrow%1").arg(i),
            seriesPen(withAlpha(st.text(), 170), std::max(1.0, st.lineWidth * 0.8)), pts);
        if (i > 0)
            nl.addHidden(arrow);
        else
            nl.add(arrow);
    }
}

QScatterSeries* dots(const QString& name, const QString& id, const QColor& color,
                     const ChartStyle& st)
{
    auto* s = new QScatterSeries;
    s->setName(name);
    s->setObjectName(id);
    s->setColor(color);
    s->setBorderColor(color);
    s->setMarkerSize(9 * st.fontScale);
    return s;
}

// The samples on the value row and where they land on the code row; returns the samples.
QScatterSeries* addDots(const NumberLine& nl)
{
    auto* samples =
        dots(QStringLiteral("samples x"), QStringLiteral("samples"), nl.st.original(), nl.st);
    auto* landed =
        dots(QStringLiteral("code values"), QStringLiteral("landed"), nl.st.dequantized(), nl.st);
    QList<QPointF> sp, lp;
    for (const NumberLineSample& s : nl.d.samples) {
        sp << QPointF(s.x, 1);
        lp << QPointF(s.xhat, 0);
    }
    samples->replace(sp);
    landed->replace(lp);
    nl.add(samples);
    nl.add(landed);
    return samples;
}

struct ValueLabel {
    QGraphicsSimpleTextItem* item;
    QGraphicsRectItem* back;   // the chart's background under the text: lines pass behind it
    QGraphicsLineItem* leader; // from the label to its point, shown when the label moved away
    QPointF at;
    bool above; // value label above the dot, or code label below the landing point
};
using ValueLabels = std::vector<ValueLabel>;

// One label's place: its row (-1: none, the label is hidden) and its left edge; cx is the x of
// its point.
struct LabelPlace {
    const ValueLabel* label;
    double cx;
    int row = -1;
    double left = 0;
};

// The labels of one side, left to right: each takes the place nearest to its point that keeps
// clear of the labels placed before it: in the first row right at its point, else shifted to
// the right or in a row further out, whichever moves it less (a row counts as two text heights),
// using at most maxRows rows. Returns the rows used.
int assignRows(std::vector<LabelPlace>& side, const QRectF& plot, double h, int maxRows)
{
    std::stable_sort(side.begin(), side.end(),
                     [](const LabelPlace& a, const LabelPlace& b) { return a.cx < b.cx; });
    std::vector<double> right; // per row, the right edge of its last label
    for (LabelPlace& p : side) {
        const double w = p.label->item->boundingRect().width();
        const double natural =
            std::clamp(p.cx - w / 2, plot.left(), std::max(plot.left(), plot.right() - w));
        double bestCost = 1e300;
        for (int k = 0; k < std::min(maxRows, int(right.size()) + 1); ++k) {
            const double left =
                k < int(right.size()) ? std::max(natural, right[size_t(k)] + 0.4 * h) : natural;
            const double cost = left - natural + 2 * h * k;
            if (left + w <= plot.right() + 0.5 && cost < bestCost) {
                p.row = k;
                p.left = left;
                bestCost = cost;
            }
        }
        if (p.row == int(right.size()))
            right.push_back(0);
        if (p.row >= 0)
            right[size_t(p.row)] = p.left + w;
    }
    return int(right.size());
}

// Puts a label in row k counted away from its point's row at pixel y (points of radius r), with
// a leader line to its point when it no longer sits right at it; hides it without a row.
void putLabel(const LabelPlace& p, double y, double r, double h, bool above)
{
    const ValueLabel& l = *p.label;
    l.item->setVisible(p.row >= 0);
    l.back->setVisible(p.row >= 0);
    const double w = l.item->boundingRect().width();
    const double top = above ? y - r - h - 1.1 * h * p.row : y + r + 1.1 * h * p.row;
    l.item->setPos(p.left, top);
    l.back->setRect(QRectF(p.left - 1, top, w + 2, h));
    const bool away = p.row > 0 || p.cx < p.left || p.cx > p.left + w;
    l.leader->setVisible(p.row >= 0 && away);
    l.leader->setLine(p.cx, above ? y - r : y + r, std::clamp(p.cx, p.left, p.left + w),
                      above ? top + h : top);
}

// The labels in rows above the value row and below the code row, as many rows as the crowding
// needs (each side at most 0.4 of the plot); the hidden vertical axis then gets the range
// that leaves just that room above and below (the arrows take the rest). h is the text height.
void placeLabels(QChart* chart, QScatterSeries* series, QValueAxis* yAxis,
                 const ValueLabels& labels, double h)
{
    const QRectF plot = chart->plotArea();
    const double r = series->markerSize() / 2 + 2;
    const int maxRows = std::max(0, int(std::floor((0.4 * plot.height() - r - h) / (1.1 * h))) + 1);
    std::vector<LabelPlace> sides[2]; // above, below
    for (const ValueLabel& l : labels)
        sides[l.above ? 0 : 1].push_back({&l, chart->mapToPosition(l.at, series).x()});
    double room[2];
    for (int side = 0; side < 2; ++side) {
        const int rows = assignRows(sides[side], plot, h, maxRows);
        room[side] = r + (rows > 0 ? h + 1.1 * h * (rows - 1) : 0) + 0.3 * h;
    }
    // Values at 1 and codes at 0: 1 unit is the height between the two rooms.
    const double unit = std::max(1.0, plot.height() - room[0] - room[1]);
    const double lo = -room[1] / unit, hi = 1 + room[0] / unit;
    if (yAxis->min() != lo || yAxis->max() != hi)
        yAxis->setRange(lo, hi);
    for (int side = 0; side < 2; ++side)
        for (const LabelPlace& p : sides[side])
            putLabel(p, side == 0 ? plot.top() + room[0] : plot.bottom() - room[1], r, h,
                     side == 0);
}

// Labels: each sample's value above its dot and its code below the value it lands on (once per
// code). They are text items on the chart, placed again whenever the plot area changes (on
// screen and in exports). Without labels the vertical range stays [-0.45, 1.45].
void addValueLabels(const NumberLine& nl, QScatterSeries* samples)
{
    QChart* chart = nl.chart;
    auto labels = std::make_shared<ValueLabels>();
    const QFont font = chartFont(nl.st, 11);
    const double h = QFontMetricsF(font).height();
    const QPen leaderPen = seriesPen(withAlpha(nl.st.text(), 120), 1.0);
    const auto label = [&](const QString& text, const QColor& color, QPointF at, bool above) {
        for (const ValueLabel& l : *labels)
            if (l.above == above && l.item->text() == text)
                return;
        auto* item = new QGraphicsSimpleTextItem(text, chart);
        item->setFont(font);
        item->setBrush(color);
        item->setZValue(20);
        auto* back = new QGraphicsRectItem(chart);
        back->setBrush(nl.st.background());
        back->setPen(Qt::NoPen);
        back->setZValue(19.5);
        auto* leader = new QGraphicsLineItem(chart);
        leader->setPen(leaderPen);
        leader->setZValue(19);
        leader->setVisible(false);
        labels->push_back({item, back, leader, at, above});
    };
    for (const NumberLineSample& s : nl.d.samples) {
        label(num(s.x), nl.st.original(), QPointF(s.x, 1), true);
        label(QStringLiteral("q=%1").arg(s.code), nl.st.text(), QPointF(s.xhat, 0), false);
    }
    QObject::connect(chart, &QChart::plotAreaChanged, chart, [chart, samples, y = nl.y, labels, h] {
        placeLabels(chart, samples, y, *labels, h);
    });
}

} // namespace

QChart* buildNumberLineChart(const NumberLineData& d, const ChartStyle& st)
{
    NumberLine nl{newChart(st, QStringLiteral("Number line: values \u2192 codes"), d.subtitle), d,
                  st};
    setValueRange(nl);
    addAxes(nl);
    // The real axis of the inputs (top row) and the code row.
    nl.addHidden(lineSeries(QString(), QStringLiteral("valueAxis"),
                            seriesPen(teachchart::neutral(st), std::max(1.0, st.lineWidth * 0.6)),
                            {QPointF(nl.lo, 1), QPointF(nl.hi, 1)}));
    addGrid(nl);
    addClipping(nl);
    addArrows(nl);
    QScatterSeries* samples = addDots(nl);
    if (d.samples.size() <= kMaxValueLabels)
        addValueLabels(nl, samples);
    return nl.chart;
}

} // namespace qs::ui
