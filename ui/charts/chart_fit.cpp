#include "ui/charts/chart_fit.h"

#include "ui/charts/chart_common.h"
#include "ui/charts/chart_legend.h"

#include <QCategoryAxis>
#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLogValueAxis>
#include <QVariant>

#include <algorithm>
#include <cmath>

namespace qs::ui::chartcommon {

namespace {

// Qt Charts keeps this much room on each side of an axis label within its share of the axis.
constexpr double kLabelPadding = 4;
constexpr double kTitlePadding = 2; // and on each side of an axis title
constexpr char kFitProperty[] = "qsChartFit";

// Whether the labels of ticks keep clear of each other along an axis of `length` pixels showing
// [lo, hi], each within the share of the axis that Qt gives a label (length / (ticks + 1),
// minus its padding); the labels of a vertical axis also within its width, labelWidth.
bool ticksFit(const QList<Tick>& ticks, const QFontMetricsF& fm, bool horizontal, double length,
              double lo, double hi, double labelWidth)
{
    const double share = length / double(ticks.size() + 1) - 2 * kLabelPadding;
    const double gap = 0.5 * fm.height();
    double previous = 0, previousHalf = -1;
    for (const Tick& t : ticks) {
        const double width = fm.horizontalAdvance(t.label) + 2;
        const double extent = horizontal ? width : fm.height() + 2;
        if (extent > share || (!horizontal && width > labelWidth))
            return false;
        const double at = (t.value - lo) / (hi - lo) * length;
        if (previousHalf >= 0 && at - previous < previousHalf + extent / 2 + gap)
            return false;
        previous = at;
        previousHalf = extent / 2;
    }
    return true;
}

// The axis' categories become the ticks (labels on their values), unless they already are.
void showTicks(QCategoryAxis* axis, const QList<Tick>& ticks)
{
    const double lo = axis->min(), hi = axis->max();
    QList<Tick> inside;
    for (const Tick& t : ticks)
        if (t.value >= lo && t.value <= hi)
            inside.append(t);
    const QStringList labels = axis->categoriesLabels();
    bool same = labels.size() == inside.size();
    for (qsizetype i = 0; same && i < labels.size(); ++i)
        same = labels[i] == inside[i].label && axis->endValue(labels[i]) == inside[i].value;
    if (same)
        return;
    for (const QString& label : labels)
        axis->remove(label);
    // A category needs room below its end value: a tick on the axis' minimum still shows.
    axis->setStartValue(lo - std::max(1e-300, (hi - lo) * 1e-9));
    for (const Tick& t : inside)
        axis->append(t.label, t.value);
}

// Ticks of a vertical axis whose label would stand out of the plot's height are left out: above
// it the label would meet the title, below it the first label of the horizontal axis.
QList<Tick> withinHeight(const QList<Tick>& ticks, const QFontMetricsF& fm, double length,
                         double lo, double hi)
{
    const double room = fm.height() / 2 + 1;
    QList<Tick> kept;
    for (const Tick& t : ticks) {
        const double at = (t.value - lo) / (hi - lo) * length;
        if (at >= room && length - at >= room)
            kept.append(t);
    }
    return kept;
}

// Ticks of a horizontal axis whose label would reach past the plot's side where a logarithmic
// axis stands are left out: that axis labels the plot's corners (its ends are powers of ten).
QList<Tick> clearOfLogCorners(const QList<Tick>& ticks, const QChart* chart,
                              const QFontMetricsF& fm, double length, double lo, double hi)
{
    bool left = false, right = false;
    for (const QAbstractAxis* a : chart->axes(Qt::Vertical))
        if (a->isVisible() && a->type() == QAbstractAxis::AxisTypeLogValue)
            (a->alignment() == Qt::AlignLeft ? left : right) = true;
    QList<Tick> kept;
    for (const Tick& t : ticks) {
        const double at = (t.value - lo) / (hi - lo) * length;
        const double half = fm.horizontalAdvance(t.label) / 2 + kLabelPadding;
        if (!(left && at < half) && !(right && length - at < half))
            kept.append(t);
    }
    return kept;
}

double lengthAlong(const QAbstractAxis* axis, const QRectF& plot)
{
    return axis->orientation() == Qt::Horizontal ? plot.width() : plot.height();
}

} // namespace

TickSource niceTickSource(bool integerSteps)
{
    return [integerSteps](double lo, double hi, int maxTicks) {
        return compactTicks(niceTicks(lo, hi, maxTicks, true, integerSteps));
    };
}

ChartFit::ChartFit(QChart* chart, const ChartStyle& st, const QString& title,
                   const QString& subtitle)
    : QObject(chart), m_chart(chart), m_titleFont(chartFont(st, 16, true)),
      m_subtitleFont(chartFont(st, 13)), m_title(title), m_subtitle(subtitle),
      m_margins(chart->margins()), m_legend(new ChartLegend(chart))
{
    // Qt's legend stays, visible, so that its markers tell which series have an entry and how
    // it looks (hideFromLegend hides a marker), but it takes no room and is not drawn.
    QLegend* legend = chart->legend();
    legend->detachFromChart();
    legend->setOpacity(0);
    legend->setEnabled(false);
    chart->setTitle(titleHtml(1e9, true));
    connect(chart, &QGraphicsWidget::geometryChanged, this, &ChartFit::fitGeometry);
    connect(chart, &QChart::plotAreaChanged, this, &ChartFit::fitPlotArea);
}

ChartFit* ChartFit::of(const QChart* chart)
{
    return chart ? chart->findChild<ChartFit*>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

ChartFit* ChartFit::ofAxis(const QAbstractAxis* axis)
{
    return axis ? qobject_cast<ChartFit*>(axis->property(kFitProperty).value<QObject*>()) : nullptr;
}

void ChartFit::fitAxis(QCategoryAxis* axis, int maxTicks, TickSource source)
{
    axis->setProperty(kFitProperty, QVariant::fromValue(static_cast<QObject*>(this)));
    auto it = std::find_if(m_axes.begin(), m_axes.end(),
                           [axis](const FittedAxis& a) { return a.axis == axis; });
    if (it == m_axes.end()) {
        m_axes.push_back({axis, maxTicks, std::move(source)});
        it = m_axes.end() - 1;
        connect(axis, &QValueAxis::rangeChanged, this, [this, axis] {
            for (FittedAxis& a : m_axes)
                if (a.axis == axis)
                    refitAxis(a, m_chart->plotArea());
        });
    } else {
        it->maxTicks = maxTicks;
        it->source = std::move(source);
    }
    refitAxis(*it, m_chart->plotArea());
}

void ChartFit::setAxisTitles(QAbstractAxis* axis, const QStringList& titles)
{
    axis->setTitleText(titles.value(0));
    for (AxisTitles& t : m_titles)
        if (t.axis == axis) {
            t.titles = titles;
            return;
        }
    m_titles.push_back({axis, titles});
}

void ChartFit::fitLogAxis(QLogValueAxis* axis)
{
    m_logAxes.emplace_back(axis);
}

void ChartFit::refit()
{
    fitGeometry();
    fitPlotArea(m_chart->plotArea());
}

// The title's lines wrapped at words to width; the subtitle as a smaller second paragraph.
QString ChartFit::titleHtml(double width, bool withSubtitle) const
{
    const auto lines = [width](const QString& text, const QFont& font) {
        QStringList escaped;
        for (const QString& line : wrapWords(text, QFontMetricsF(font), width))
            escaped << line.toHtmlEscaped();
        return escaped.join(QStringLiteral("<br />"));
    };
    if (m_subtitle.isEmpty() || !withSubtitle)
        return lines(m_title, m_titleFont);
    return QStringLiteral("%1<br><span style=\"font-size:%2px; font-weight:normal\">%3</span>")
        .arg(lines(m_title, m_titleFont))
        .arg(m_subtitleFont.pixelSize())
        .arg(lines(m_subtitle, m_subtitleFont));
}

void ChartFit::fitGeometry()
{
    QRectF r = m_chart->rect();
    if (QGraphicsLayout* layout = m_chart->layout()) { // the room inside the chart's background
        qreal left = 0, top = 0, right = 0, bottom = 0;
        layout->getContentsMargins(&left, &top, &right, &bottom);
        r.adjust(left, top, -right, -bottom);
    }
    if (!(r.width() > 0 && r.height() > 0))
        return;
    // The detached legend lays its markers out (and shows them) when given a geometry.
    m_chart->legend()->setGeometry(QRectF(0, 0, 1, 1));
    const double width = r.width() - m_margins.left() - m_margins.right();
    const int room = static_cast<int>(std::ceil(m_legend->arrange(width, r.height())));
    QMargins margins = m_margins;
    if (m_legend->placement() == ChartLegend::Placement::Below)
        margins.setBottom(margins.bottom() + room);
    else
        margins.setRight(margins.right() + room);
    // The title spans the chart less its margins (and a legend beside the plot). A short chart
    // keeps its height for the plot: the title without the subtitle.
    const QString html = titleHtml(r.width() - margins.left() - margins.right() - 8,
                                   r.height() >= 16 * m_titleFont.pixelSize());
    if (m_chart->title() != html)
        m_chart->setTitle(html);
    if (m_chart->margins() != margins)
        m_chart->setMargins(margins);
    m_contentWidth = r.width() - margins.left() - margins.right();
    m_short = r.height() < 12 * m_titleFont.pixelSize();
    m_legend->place(
        r.adjusted(m_margins.left(), m_margins.top(), -m_margins.right(), -m_margins.bottom()));
    settle();
}

// Lays the chart out again, now, while the refits (title and margins here, ticks when the plot
// area changes) ask for it: the chart is right before anything paints or reads it. The rounds
// end: the legend and title follow the chart's width, the vertical axes the plot's height, the
// horizontal ones its width.
void ChartFit::settle()
{
    QGraphicsLayout* layout = m_chart->layout();
    if (m_settling || !layout)
        return;
    m_settling = true;
    for (int round = 0; round < 6 && !layout->isActivated(); ++round)
        layout->activate();
    m_settling = false;
}

void ChartFit::fitPlotArea(const QRectF& plot)
{
    for (FittedAxis& a : m_axes)
        refitAxis(a, plot);
    for (const AxisTitles& t : m_titles)
        fitTitle(t, plot);
    for (const auto& axis : m_logAxes)
        if (axis)
            fitLog(axis, plot);
}

// The most ticks (up to maxTicks) whose labels fit; before the chart is laid out at a size
// that shows a plot (a chart view not shown yet is 100 x 30 pixels), maxTicks.
void ChartFit::refitAxis(FittedAxis& a, const QRectF& plot)
{
    QCategoryAxis* axis = a.axis;
    if (!axis)
        return;
    const double lo = axis->min(), hi = axis->max();
    const double length = lengthAlong(axis, plot);
    QList<Tick> ticks = a.source(lo, hi, a.maxTicks);
    if (isLaidOut(plot) && hi > lo) {
        const QFontMetricsF fm(axis->labelsFont());
        const bool horizontal = axis->orientation() == Qt::Horizontal;
        for (int n = a.maxTicks; n >= 2; --n) {
            ticks = a.source(lo, hi, n);
            ticks = horizontal ? clearOfLogCorners(ticks, m_chart, fm, length, lo, hi)
                               : withinHeight(ticks, fm, length, lo, hi);
            if (ticksFit(ticks, fm, horizontal, length, lo, hi, labelWidth(axis)))
                break;
        }
    }
    showTicks(axis, ticks);
}

// The room for the labels of a vertical axis: Qt gives the vertical axes together at most 0.4
// of the width inside the chart's margins, in equal shares, less the title and the padding.
double ChartFit::labelWidth(const QAbstractAxis* axis) const
{
    int vertical = 0;
    for (const QAbstractAxis* a : m_chart->axes(Qt::Vertical))
        vertical += a->isVisible() ? 1 : 0;
    double room = 0.4 * m_contentWidth / std::max(1, vertical) - kLabelPadding - 1;
    if (!axis->titleText().isEmpty())
        room -= QFontMetricsF(axis->titleFont()).height() + 1 + 2 * kTitlePadding;
    return room;
}

void ChartFit::fitTitle(const AxisTitles& t, const QRectF& plot)
{
    if (!t.axis || t.titles.isEmpty())
        return;
    const double length = lengthAlong(t.axis, plot) - 4;
    if (!isLaidOut(plot))
        return;
    const QFontMetricsF fm(t.axis->titleFont());
    // Qt gives the horizontal axes at most 0.4 of the chart's height: in a short chart the
    // labels keep it and the title goes (the chart's title says what the axis is).
    QString chosen = t.titles.back();
    if (t.axis->orientation() == Qt::Horizontal && m_short)
        chosen.clear();
    for (const QString& title : t.titles)
        if (!chosen.isEmpty() && fm.horizontalAdvance(title) <= length) {
            chosen = title;
            break;
        }
    if (t.axis->titleText() != chosen)
        t.axis->setTitleText(chosen);
}

// The smallest base among 10, 100, 1000, ... whose labels (one per power) keep clear.
void ChartFit::fitLog(QLogValueAxis* axis, const QRectF& plot)
{
    const double length = lengthAlong(axis, plot);
    if (!isLaidOut(plot) || !(axis->min() > 0) || !(axis->max() > axis->min()))
        return;
    const QFontMetricsF fm(axis->labelsFont());
    const double extent =
        (axis->orientation() == Qt::Horizontal ? fm.horizontalAdvance(QStringLiteral("1e-05"))
                                               : fm.height()) +
        2;
    const double decades = std::log10(axis->max() / axis->min());
    double base = 10;
    for (; base < 1e12; base *= 10) {
        const double labels = std::floor(decades / std::log10(base) + 1e-9) + 1;
        if (length / labels - 2 * kLabelPadding >= extent &&
            length / std::max(1.0, labels - 1) >= extent + 0.5 * fm.height())
            break;
    }
    if (axis->base() != base)
        axis->setBase(base);
}

} // namespace qs::ui::chartcommon
