// Internal to the chart builders: what a chart redoes whenever its size changes, so that no
// text is elided and no two texts overlap at any size (a narrow window, a projector, an export).
// Qt Charts shortens a label to "..." when it is wider than its share of the axis (the axis
// length over the number of ticks), a legend entry when the entries do not fit in one row and a
// title when it is wider than the chart; ChartFit avoids all three:
//  - axes: the ticks of each fitted axis (a QCategoryAxis, labels on values) are chosen again
//    from the plot's length and the measured width of their labels (a vertical axis gets at
//    most its share of 0.4 of the chart's width) whenever the plot area or the axis range
//    changes; an axis title has shorter alternatives for short axes (a horizontal axis of a
//    chart under 12 title heights shows none);
//  - logarithmic axes: a base (10, 100, ...) that leaves room between the labels;
//  - title: the title and the subtitle wrap onto more lines at word boundaries; a chart less
//    than 16 title heights high shows the title alone;
//  - legend: Qt's single-row legend is made transparent and takes no room; a ChartLegend
//    (chart_legend.h) draws its markers in rows that wrap, or in a column beside the plot when
//    rows would take too much height, inside margins reserved for it.
// Every chart made by chartcommon::newChart has one (ChartFit::of).
#pragma once

#include "ui/charts/axis_ticks.h"
#include "ui/charts/charts.h"

#include <QFont>
#include <QList>
#include <QMargins>
#include <QObject>
#include <QPointer>
#include <QRectF>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

class QAbstractAxis;
class QCategoryAxis;
class QChart;
class QLogValueAxis;

namespace qs::ui::chartcommon {

class ChartLegend;

// The ticks to label inside [lo, hi] with at most maxTicks labels.
using TickSource = std::function<QList<Tick>(double lo, double hi, int maxTicks)>;

// Nice ticks (1, 2, 5 x 10^k) inside [lo, hi] with compact labels; integerSteps: steps >= 1.
TickSource niceTickSource(bool integerSteps);

class ChartFit : public QObject {
    Q_OBJECT
public:
    ChartFit(QChart* chart, const ChartStyle& st, const QString& title, const QString& subtitle);

    static ChartFit* of(const QChart* chart);
    static ChartFit* ofAxis(const QAbstractAxis* axis); // null for an axis not fitted

    // Labels of axis from source, as many as fit along it, at most maxTicks.
    void fitAxis(QCategoryAxis* axis, int maxTicks, TickSource source);
    // Title alternatives of an axis, longest first: the first that fits its length is shown.
    void setAxisTitles(QAbstractAxis* axis, const QStringList& titles);
    void fitLogAxis(QLogValueAxis* axis);

    // Everything for the chart's present size (called on every resize; public for tests).
    void refit();

private:
    struct FittedAxis {
        QPointer<QCategoryAxis> axis;
        int maxTicks = 8;
        TickSource source;
    };
    struct AxisTitles {
        QPointer<QAbstractAxis> axis;
        QStringList titles;
    };

    void fitGeometry(); // title and legend: they depend on the chart's width
    void settle();
    void fitPlotArea(const QRectF& plot); // axes: they depend on the plot's size
    void refitAxis(FittedAxis& a, const QRectF& plot);
    void fitTitle(const AxisTitles& t, const QRectF& plot);
    double labelWidth(const QAbstractAxis* axis) const;
    void fitLog(QLogValueAxis* axis, const QRectF& plot);
    QString titleHtml(double width, bool withSubtitle) const;

    QChart* m_chart;
    QFont m_titleFont, m_subtitleFont;
    QString m_title, m_subtitle;
    QMargins m_margins;          // the chart's own margins, without the legend's room
    double m_contentWidth = 1e9; // the width inside the margins, legend included
    bool m_settling = false;
    bool m_short = false; // under 12 title heights: no horizontal axis title
    ChartLegend* m_legend;
    std::vector<FittedAxis> m_axes;
    std::vector<AxisTitles> m_titles;
    std::vector<QPointer<QLogValueAxis>> m_logAxes;
};

} // namespace qs::ui::chartcommon
