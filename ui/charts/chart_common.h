// Internal helpers shared by the chart builders (ui/charts/ and ui/charts/teaching/) so that
// every chart gets the same fonts, pens, axis colours, two-line title and legend, and draws
// histograms and sets of vertical lines the same way. Not part of the ui API: only the chart
// builders include this header.
#pragma once

#include "ui/charts/charts.h"

#include <QColor>
#include <QFont>
#include <QList>
#include <QPen>
#include <QPointF>
#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

class QAbstractAxis;
class QAbstractSeries;
class QAreaSeries;
class QChart;
class QLineSeries;
class QValueAxis;

namespace qs::ui::chartcommon {

QString num(double v); // 4 significant digits

// The application font at px pixels scaled by the style's fontScale (at least 6 px).
QFont chartFont(const ChartStyle& st, double px, bool bold = false);
QColor withAlpha(QColor c, int alpha);
QColor axisGridColor(const ChartStyle& st);
QColor axisLineColor(const ChartStyle& st);
QPen seriesPen(const QColor& c, double width, Qt::PenStyle style = Qt::SolidLine);

// Ticks per axis: fewer when fonts grow, so labels never collide.
int xTicks(const ChartStyle& st);
int yTicks(const ChartStyle& st);

// An empty chart in the style: background, margins, the title (with the subtitle as a smaller
// second line) and the legend at the bottom; legendToolTips shows elided legend names as tips.
QChart* newChart(const ChartStyle& st, const QString& title, const QString& subtitle,
                 bool legendToolTips = false);

// A styled QValueAxis added to the chart at align; the title in titleColor (the text colour
// unless the axis belongs to one series).
QValueAxis* addValueAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align,
                         const QString& title, const QColor& titleColor);
QValueAxis* addValueAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align,
                         const QString& title);

// A tight axis over [lo, hi] with some room on each side (a fraction of the span), ticks
// inside. Tight value axes waste no space when a coarse step (large fonts) would otherwise
// round the range out to far beyond the data.
void paddedTicks(QValueAxis* axis, double lo, double hi, int maxTicks, double room = 0.02);

// Title, label fonts and colours of any axis type.
template <class Axis> Axis* styleAxis(Axis* axis, const ChartStyle& st, const QString& title)
{
    axis->setTitleText(title);
    axis->setTitleFont(chartFont(st, 14, true));
    axis->setTitleBrush(st.text());
    axis->setLabelsFont(chartFont(st, 12));
    axis->setLabelsColor(st.text());
    axis->setGridLineColor(axisGridColor(st));
    axis->setLinePenColor(axisLineColor(st));
    axis->setMinorGridLineVisible(false);
    axis->setShadesVisible(false);
    return axis;
}

// Adds the series to the chart and attaches it to x, y and (if given) a second axis x2.
void attach(QChart* chart, QAbstractSeries* s, QAbstractAxis* x, QAbstractAxis* y,
            QAbstractAxis* x2 = nullptr);
void hideFromLegend(QChart* chart, QAbstractSeries* s);
// A line series with a name (legend), an objectName (for tests and export) and a pen.
QLineSeries* lineSeries(const QString& name, const QString& id, const QPen& pen,
                        const QList<QPointF>& pts);
// An area between upper and lower (the x axis without lower). QAreaSeries does not own its
// bounding series: they are made its children here, so the chart that takes the area frees them.
QAreaSeries* areaSeries(QLineSeries* upper, QLineSeries* lower = nullptr);

// ---- data to points ----

// The range of the finite values added (invalid while none was).
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

// Stepped outline of a histogram: (lo, 0), per bin (left, c), (right, c), then (hi, 0).
QList<QPointF> steppedHistogram(const Histogram& h);
int64_t maxCount(const Histogram& h);

// Many vertical lines from y0 to y1 as one polyline, (x, y0), (x, y1), (x, y0) per line: the
// path returns along the baseline y0 (the x axis), so nothing is drawn outside [y0, y1] (SVG
// exports are not clipped to the plot area).
QList<QPointF> verticalLines(const std::vector<double>& xs, double y0, double y1);

} // namespace qs::ui::chartcommon
