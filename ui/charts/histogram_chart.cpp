// Histogram and ErrorHistogram: stepped outlines of the original and dequantized values over
// the quantization grid and the clipping bounds, and of the error x - x^ with the rounding
// bound +-s/2.
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/kind_charts.h"

#include <QAreaSeries>
#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <memory>

namespace qs::ui::kindchart {

using namespace chartcommon;

namespace {

// The count axis reaches a little above the tallest bin, so no bar touches the top of the plot.
constexpr double kHeadroom = 1.04;

constexpr int kMaxGridLines = 300; // above this the quantization grid is drawn as a band

struct Axes {
    QValueAxis* x = nullptr;
    QValueAxis* y = nullptr;
};

QValueAxis* countAxis(QChart* chart, const ChartStyle& st, const Histogram& h)
{
    const QString title = QStringLiteral("Count per bin (%1 bins)").arg(h.counts.size());
    QValueAxis* axis = addValueAxis(chart, st, Qt::AlignLeft, title);
    setAxisTitles(axis, {title, QStringLiteral("Count per bin"), QStringLiteral("Count")});
    return axis;
}

// A histogram as a filled stepped outline; objectNames id (the area) and id + "Outline".
void addFilledHistogram(QChart* chart, const Histogram& h, const QString& name, const QString& id,
                        const QColor& color, const ChartStyle& st, Axes axes)
{
    auto* upper = lineSeries(QString(), id + QStringLiteral("Outline"),
                             seriesPen(color, st.lineWidth), steppedHistogram(h));
    auto* area = areaSeries(upper);
    area->setName(name);
    area->setObjectName(id);
    area->setPen(seriesPen(color, st.lineWidth));
    area->setBrush(withAlpha(color, 90));
    attach(chart, area, axes.x, axes.y);
}

// A pair of single vertical lines (dashed bounds), one series each so that no joining segment
// is drawn; the second is left out of the legend. objectNames: id + "Low" / id + "High".
void addBoundLines(QChart* chart, double lo, double hi, double top, const QString& name,
                   const QString& id, const QPen& pen, Axes axes)
{
    auto* a = lineSeries(name, id + QStringLiteral("Low"), pen, {QPointF(lo, 0), QPointF(lo, top)});
    auto* b =
        lineSeries(name, id + QStringLiteral("High"), pen, {QPointF(hi, 0), QPointF(hi, top)});
    attach(chart, a, axes.x, axes.y);
    attach(chart, b, axes.x, axes.y);
    hideFromLegend(chart, b);
}

// How the grid and clipping entries name themselves in the legend: which slice they belong
// to, and (unless presentation-size fonts leave no room) their numbers.
struct LegendWords {
    QString ofSlice;
    bool compact = false;

    QString grid(size_t levels, double step, bool dense) const
    {
        QString name = QStringLiteral("Grid%1: %2 levels").arg(ofSlice).arg(levels);
        if (!compact)
            name += QStringLiteral(", step ") + num(step);
        return dense ? name + QStringLiteral(" (dense)") : name;
    }
};

LegendWords legendWords(const ChartData& d, const ChartStyle& st)
{
    const QuantParams& p = d.input.result->params;
    LegendWords w;
    if (p.numSlices() > 1)
        w.ofSlice = QStringLiteral(", %1 %2").arg(sliceWord(p.layout.kind)).arg(d.input.slice);
    w.compact = st.fontScale > 1.3;
    return w;
}

// The levels of the slice's grid that are drawn, and the smallest step between them. Low-bit
// grids are uneven and may reach far beyond the data: only the levels inside the plotted range
// [lo, hi] are kept.
std::vector<double> drawnGrid(const ChartData& d, double lo, double hi, double& step)
{
    const QuantResult& r = *d.input.result;
    const bool integer = r.config.isInteger();
    std::vector<double> grid = quantizationGrid(r.params, d.input.slice);
    if (!integer)
        grid.erase(
            std::remove_if(grid.begin(), grid.end(), [&](double v) { return v < lo || v > hi; }),
            grid.end());
    step = grid.size() > 1 ? grid[1] - grid[0] : 0.0;
    for (size_t i = 2; !integer && i < grid.size(); ++i)
        step = std::min(step, grid[i] - grid[i - 1]);
    return grid;
}

// The quantization grid: thin vertical lines, or a band when they would merge.
void addGrid(QChart* chart, const ChartData& d, const ChartStyle& st, Axes axes, double top,
             const LegendWords& words)
{
    const Histogram& hx = d.hist;
    double step = 0;
    const std::vector<double> grid = drawnGrid(d, hx.lo, hx.hi, step);
    if (grid.empty())
        return;
    // Lines closer than ~4 px on a 1000 px wide plot would merge into a solid block that
    // hides the histogram: such grids (and any above kMaxGridLines levels) become a band.
    const double spacing = step / std::max(1e-300, hx.hi - hx.lo) * 1000;
    const bool dense =
        static_cast<int64_t>(grid.size()) > kMaxGridLines || (grid.size() > 1 && spacing < 4);
    if (!dense) {
        // Thin translucent lines: dense grids read as texture, sparse ones as single lines.
        const int alpha = grid.size() > 64 ? 110 : 200;
        auto* g =
            lineSeries(words.grid(grid.size(), step, false), "grid",
                       seriesPen(withAlpha(st.grid(), alpha), 1.0), verticalLines(grid, 0, top));
        attach(chart, g, axes.x, axes.y);
        return;
    }
    auto* upper = lineSeries(QString(), "gridBandTop", QPen(Qt::NoPen),
                             {QPointF(grid.front(), top), QPointF(grid.back(), top)});
    auto* lower = lineSeries(QString(), "gridBandBottom", QPen(Qt::NoPen),
                             {QPointF(grid.front(), 0), QPointF(grid.back(), 0)});
    auto* band = areaSeries(upper, lower);
    band->setName(words.grid(grid.size(), step, true));
    band->setObjectName(QStringLiteral("gridBand"));
    band->setPen(Qt::NoPen);
    band->setBrush(withAlpha(st.grid(), 45));
    attach(chart, band, axes.x, axes.y);
}

// The dequantized values' outline, on its own right axis (up to maxQ) when ownAxis.
void addDequantized(QChart* chart, const Histogram& hq, bool ownAxis, double maxQ,
                    const ChartStyle& st, Axes axes)
{
    QValueAxis* ayq = axes.y;
    if (ownAxis) {
        ayq = addValueAxis(chart, st, Qt::AlignRight,
                           QStringLiteral("Count per bin, dequantized x\u0302"), st.dequantized());
        setAxisTitles(ayq, {QStringLiteral("Count per bin, dequantized x\u0302"),
                            QStringLiteral("Count, x\u0302")});
        fitTicks(ayq, 0, kHeadroom * maxQ, yTicks(st), false, true);
        ayq->setGridLineVisible(false);
    }
    auto* deq = lineSeries(
        ownAxis ? QStringLiteral("Dequantized (right axis)") : QStringLiteral("Dequantized"),
        "dequantized", seriesPen(st.dequantized(), st.lineWidth), steppedHistogram(hq));
    attach(chart, deq, axes.x, ayq);
}

void addClipping(QChart* chart, const ChartData& d, const ChartStyle& st, Axes axes, double top,
                 const LegendWords& words)
{
    const QuantParams& p = d.input.result->params;
    const size_t ss = static_cast<size_t>(d.input.slice);
    const QString name = words.compact
                             ? QStringLiteral("Clipping%1").arg(words.ofSlice)
                             : QStringLiteral("Clipping%1 [%2, %3]")
                                   .arg(words.ofSlice, num(p.rangeMin[ss]), num(p.rangeMax[ss]));
    addBoundLines(chart, p.rangeMin[ss], p.rangeMax[ss], top, name, QStringLiteral("clip"),
                  seriesPen(st.clip(), 2 * st.lineWidth, Qt::DashLine), axes);
}

} // namespace

QChart* buildHistogram(const ChartData& d, const ChartStyle& st)
{
    const QuantConfig& config = d.input.result->config;
    const Histogram& hx = d.hist;
    const Histogram& hq = d.hist2;

    std::unique_ptr<QChart> chart(newKindChart(st, ChartKind::Histogram, d.input));
    const Axes axes{addValueAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Value")),
                    countAxis(chart.get(), st, hx)};
    paddedTicks(axes.x, hx.lo, hx.hi, xTicks(st));

    const double maxX = double(maxCount(hx));
    const double maxQ = double(maxCount(hq));
    // The dequantized values pile up on the grid levels: with few levels their bins are far
    // higher than the original's. Then they get their own axis so the original stays readable.
    const bool ownAxis = maxQ > 3 * std::max(1.0, maxX);
    const NiceTicks yt =
        fitTicks(axes.y, 0, std::max(1.0, kHeadroom * (ownAxis ? maxX : std::max(maxX, maxQ))),
                 yTicks(st), false, true);

    const LegendWords words = legendWords(d, st);
    // The grid goes first so the histograms are drawn over it.
    if (config.isInteger() || config.isLowbit())
        addGrid(chart.get(), d, st, axes, yt.hi, words);
    addFilledHistogram(chart.get(), hx, QStringLiteral("Original"), QStringLiteral("original"),
                       st.original(), st, axes);
    addDequantized(chart.get(), hq, ownAxis, maxQ, st, axes);
    if (config.isInteger())
        addClipping(chart.get(), d, st, axes, yt.hi, words);
    return chart.release();
}

QChart* buildErrorHistogram(const ChartData& d, const ChartStyle& st)
{
    const QuantResult& r = *d.input.result;
    const QuantParams& p = r.params;
    const Histogram& h = d.hist;

    std::unique_ptr<QChart> chart(newKindChart(st, ChartKind::ErrorHistogram, d.input));
    const Axes axes{
        addValueAxis(chart.get(), st, Qt::AlignBottom, QStringLiteral("Error (x \u2212 x\u0302)")),
        countAxis(chart.get(), st, h)};

    // Without clipping, round-to-nearest keeps |x - x^| <= s/2: mark that bound (per tensor).
    const bool bound =
        r.config.isInteger() && p.numSlices() == 1 && p.scale[0] > 0 && std::isfinite(p.scale[0]);
    MinMax xr{h.lo, h.hi};
    if (bound) {
        xr.add(-p.scale[0] / 2);
        xr.add(p.scale[0] / 2);
    }
    paddedTicks(axes.x, xr.lo, xr.hi, xTicks(st));
    const NiceTicks yt = fitTicks(axes.y, 0, std::max(1.0, kHeadroom * double(maxCount(h))),
                                  yTicks(st), false, true);

    addFilledHistogram(chart.get(), h, QStringLiteral("Error (%1 finite values)").arg(h.total()),
                       QStringLiteral("error"), st.error(), st, axes);
    if (bound) {
        const double half = p.scale[0] / 2;
        addBoundLines(chart.get(), -half, half, yt.hi,
                      QStringLiteral("\u00b1s/2 = \u00b1%1 (rounding bound)").arg(num(half)),
                      QStringLiteral("rounding"), seriesPen(st.text(), st.lineWidth, Qt::DashLine),
                      axes);
    }
    return chart.release();
}

} // namespace qs::ui::kindchart
