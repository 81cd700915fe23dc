// Internal helpers shared by the chart builders (ui/charts.cpp and ui/teach_charts.cpp) so that
// every chart gets the same fonts, pens, axis colours, two-line title and legend. Not part of
// the ui API: only the chart builders include this header.
#pragma once

#include "ui/charts/charts.h"

#include <QColor>
#include <QFont>
#include <QList>
#include <QPen>
#include <QPointF>
#include <QString>

class QAbstractAxis;
class QAbstractSeries;
class QChart;
class QLineSeries;

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

} // namespace qs::ui::chartcommon
