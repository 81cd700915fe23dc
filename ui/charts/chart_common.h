// Internal helpers shared by the chart builders (ui/charts/ and ui/charts/teaching/) so that
// every chart gets the same fonts, pens, axis colours, two-line title and legend, and draws
// histograms and sets of vertical lines the same way. Not part of the ui API: only the chart
// builders include this header.
#pragma once

#include "ui/charts/axis_ticks.h"
#include "ui/charts/charts.h"

#include <QColor>
#include <QFont>
#include <QList>
#include <QPen>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

class QAbstractAxis;
class QFontMetricsF;
class QAbstractSeries;
class QAreaSeries;
class QChart;
class QLineSeries;
class QValueAxis;

namespace qs::ui::chartcommon {

QString num(double v); // 4 significant digits
// Whether a chart's plot area is that of a chart laid out to be seen: at least 64 pixels each
// way (a chart view that was never shown holds its chart at 100 pixels wide, with a plot of
// about 56 x 52).
inline bool isLaidOut(const QRectF& plot)
{
    return plot.width() >= 64 && plot.height() >= 64;
}
// text in lines of at most width pixels, broken at spaces (a longer word keeps its own line).
QStringList wrapWords(const QString& text, const QFontMetricsF& fm, double width);

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
// second paragraph, both wrapped to the chart's width) and a legend that wraps into rows below
// the plot or stands beside it (ChartFit, chart_fit.h).
QChart* newChart(const ChartStyle& st, const QString& title, const QString& subtitle);

// A styled value axis added to the chart at align; the title in titleColor (the text colour
// unless the axis belongs to one series). It is a QCategoryAxis with its labels on their values
// whose ticks ChartFit chooses from the axis' length: give it its range with fitTicks.
QValueAxis* addValueAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align,
                         const QString& title, const QColor& titleColor);
QValueAxis* addValueAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align,
                         const QString& title);
// The title of an axis of a chart made by newChart and shorter alternatives, longest first:
// the longest that fits the axis' length is shown.
void setAxisTitles(QAbstractAxis* axis, const QStringList& titles);

// The range of niceTicks(lo, hi, maxTicks, tight, integerSteps) on the axis, with nice ticks in
// compact labels (at most maxTicks, fewer when the axis is short); on an axis that ChartFit does
// not know, applyNiceTicks.
NiceTicks fitTicks(QValueAxis* axis, double lo, double hi, int maxTicks, bool tight = false,
                   bool integerSteps = false);

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
