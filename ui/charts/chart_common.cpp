#include "ui/charts/chart_common.h"

#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_fit.h"

#include <QAbstractAxis>
#include <QAbstractSeries>
#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace qs::ui::chartcommon {

QString num(double v)
{
    return QString::number(v, 'g', 4);
}

QFont chartFont(const ChartStyle& st, double px, bool bold)
{
    QFont f = QGuiApplication::font();
    f.setPixelSize(std::max(6, static_cast<int>(std::lround(px * st.fontScale))));
    f.setBold(bold);
    return f;
}

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

QColor axisGridColor(const ChartStyle& st)
{
    return st.dark ? QColor(0x3A, 0x3D, 0x42) : QColor(0xE3, 0xE3, 0xE3);
}

QColor axisLineColor(const ChartStyle& st)
{
    return st.dark ? QColor(0x9A, 0x9D, 0xA1) : QColor(0x60, 0x60, 0x60);
}

QPen seriesPen(const QColor& c, double width, Qt::PenStyle style)
{
    QPen pen(c);
    pen.setWidthF(width);
    pen.setStyle(style);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::MiterJoin);
    pen.setCosmetic(false);
    return pen;
}

int xTicks(const ChartStyle& st)
{
    return std::max(3, static_cast<int>(std::lround(10.0 / std::max(0.5, st.fontScale))));
}

int yTicks(const ChartStyle& st)
{
    return std::max(3, static_cast<int>(std::lround(8.0 / std::max(0.5, st.fontScale))));
}

QChart* newChart(const ChartStyle& st, const QString& title, const QString& subtitle)
{
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setLocalizeNumbers(false);
    chart->setBackgroundBrush(st.background());
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundRoundness(0);
    chart->setDropShadowEnabled(false);
    chart->setPlotAreaBackgroundVisible(false);
    const int m = static_cast<int>(std::lround(10 * st.fontScale));
    chart->setMargins(QMargins(m, m / 2, m + m / 2, m / 2));
    chart->setTitleFont(chartFont(st, 16, true));
    chart->setTitleBrush(st.text());
    QLegend* legend = chart->legend();
    legend->setFont(chartFont(st, 13));
    legend->setLabelColor(st.text());
    // Two paragraphs: the chart's name and, smaller, what it shows (tensor and configuration),
    // so an exported chart explains itself.
    new ChartFit(chart, st, title, subtitle);
    return chart;
}

QValueAxis* addValueAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align,
                         const QString& title, const QColor& titleColor)
{
    auto* axis = styleAxis(new QCategoryAxis, st, title);
    axis->setTitleBrush(titleColor);
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    chart->addAxis(axis, align);
    if (ChartFit* fit = ChartFit::of(chart)) {
        fit->setAxisTitles(axis, {title});
        fit->fitAxis(axis, (align & Qt::AlignHorizontal_Mask) ? yTicks(st) : xTicks(st),
                     niceTickSource(false));
    }
    return axis;
}

QValueAxis* addValueAxis(QChart* chart, const ChartStyle& st, Qt::Alignment align,
                         const QString& title)
{
    return addValueAxis(chart, st, align, title, st.text());
}

void setAxisTitles(QAbstractAxis* axis, const QStringList& titles)
{
    if (ChartFit* fit = ChartFit::ofAxis(axis))
        fit->setAxisTitles(axis, titles);
    else
        axis->setTitleText(titles.value(0));
}

NiceTicks fitTicks(QValueAxis* axis, double lo, double hi, int maxTicks, bool tight,
                   bool integerSteps)
{
    auto* category = qobject_cast<QCategoryAxis*>(axis);
    ChartFit* fit = ChartFit::ofAxis(axis);
    if (!category || !fit)
        return applyNiceTicks(axis, lo, hi, maxTicks, tight, integerSteps);
    const NiceTicks t = niceTicks(lo, hi, maxTicks, tight, integerSteps);
    axis->setRange(t.lo, t.hi);
    fit->fitAxis(category, maxTicks, niceTickSource(integerSteps));
    return t;
}

void paddedTicks(QValueAxis* axis, double lo, double hi, int maxTicks, double room)
{
    const double pad = (hi - lo) * room;
    fitTicks(axis, lo - pad, hi + pad, maxTicks, true);
}

QStringList wrapWords(const QString& text, const QFontMetricsF& fm, double width)
{
    QStringList lines;
    QString line;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (!line.isEmpty() && fm.horizontalAdvance(longer) > width) {
            lines << line;
            line = word;
        } else {
            line = longer;
        }
    }
    if (!line.isEmpty() || lines.isEmpty())
        lines << line;
    return lines;
}

void attach(QChart* chart, QAbstractSeries* s, QAbstractAxis* x, QAbstractAxis* y,
            QAbstractAxis* x2)
{
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
    if (x2)
        s->attachAxis(x2);
}

void hideFromLegend(QChart* chart, QAbstractSeries* s)
{
    const auto markers = chart->legend()->markers(s);
    for (QLegendMarker* m : markers)
        m->setVisible(false);
}

QLineSeries* lineSeries(const QString& name, const QString& id, const QPen& pen,
                        const QList<QPointF>& pts)
{
    auto* s = new QLineSeries;
    s->setName(name);
    s->setObjectName(id);
    s->setPen(pen);
    s->replace(pts);
    return s;
}

QAreaSeries* areaSeries(QLineSeries* upper, QLineSeries* lower)
{
    // The constructor makes the area a child of upper; turned around, upper (and lower) die
    // with the area.
    auto* area = new QAreaSeries(upper, lower);
    area->setParent(nullptr);
    upper->setParent(area);
    if (lower)
        lower->setParent(area);
    return area;
}

QList<QPointF> steppedHistogram(const Histogram& h)
{
    QList<QPointF> pts;
    const int64_t n = static_cast<int64_t>(h.counts.size());
    pts.reserve(static_cast<qsizetype>(2 * n + 2));
    const double w = h.binWidth();
    pts.append(QPointF(h.lo, 0));
    for (int64_t i = 0; i < n; ++i) {
        const double x0 = h.lo + double(i) * w;
        const double x1 = i + 1 == n ? h.hi : h.lo + double(i + 1) * w;
        const double c = static_cast<double>(h.counts[static_cast<size_t>(i)]);
        pts.append(QPointF(x0, c));
        pts.append(QPointF(x1, c));
    }
    pts.append(QPointF(h.hi, 0));
    return pts;
}

int64_t maxCount(const Histogram& h)
{
    int64_t m = 0;
    for (int64_t c : h.counts)
        m = std::max(m, c);
    return m;
}

QList<QPointF> verticalLines(const std::vector<double>& xs, double y0, double y1)
{
    QList<QPointF> pts;
    pts.reserve(static_cast<qsizetype>(3 * xs.size()));
    for (double x : xs) {
        pts.append(QPointF(x, y0));
        pts.append(QPointF(x, y1));
        pts.append(QPointF(x, y0));
    }
    return pts;
}

} // namespace qs::ui::chartcommon
