#include "ui/charts/chart_legend.h"

#include "ui/charts/chart_common.h"

#include <QAbstractSeries>
#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsEllipseItem>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QScatterSeries>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace qs::ui::chartcommon {

ChartLegend::ChartLegend(QChart* chart) : QGraphicsObject(chart), m_chart(chart)
{
    setZValue(30);
}

namespace {

// A line sample in the series' pen (at most 4 px thick), with a dot when the series shows its
// points.
QGraphicsItem* lineSwatch(const QXYSeries* s, double w, double h)
{
    QPen pen = s->pen();
    pen.setWidthF(std::clamp(pen.widthF(), 1.0, 4.0));
    pen.setCapStyle(Qt::FlatCap);
    auto* line = new QGraphicsLineItem(0, h / 2, w, h / 2);
    line->setPen(pen);
    if (s->pointsVisible()) {
        const double d = std::max(4.0, 0.45 * h);
        auto* dot = new QGraphicsEllipseItem(w / 2 - d / 2, h / 2 - d / 2, d, d, line);
        dot->setBrush(pen.color());
        dot->setPen(Qt::NoPen);
    }
    return line;
}

} // namespace

// Long enough for a dashed or dotted pen to show its pattern.
QSizeF ChartLegend::swatchSize() const
{
    const double h = 0.7 * QFontMetricsF(m_font).height();
    return QSizeF(2.4 * h, h);
}

QGraphicsItem* ChartLegend::swatchFor(int markerIndex)
{
    QLegendMarker* m = m_chart->legend()->markers().at(markerIndex);
    const double h = swatchSize().height(), w = swatchSize().width();
    const QAbstractSeries* s = m->series();
    const auto type = s ? s->type() : QAbstractSeries::SeriesTypeArea;
    if (type == QAbstractSeries::SeriesTypeLine || type == QAbstractSeries::SeriesTypeSpline)
        return lineSwatch(static_cast<const QXYSeries*>(s), w, h);
    if (type == QAbstractSeries::SeriesTypeScatter) {
        // The series' own marker shape: a square plan point is not a round scheme point.
        const auto* sc = static_cast<const QScatterSeries*>(s);
        QAbstractGraphicsShapeItem* dot = nullptr;
        if (sc->markerShape() == QScatterSeries::MarkerShapeRectangle)
            dot = new QGraphicsRectItem(w / 2 - h / 2, 0, h, h);
        else
            dot = new QGraphicsEllipseItem(w / 2 - h / 2, 0, h, h);
        dot->setBrush(m->brush());
        dot->setPen(Qt::NoPen);
        return dot;
    }
    auto* box = new QGraphicsRectItem(0, 0, w, h);
    box->setBrush(m->brush());
    box->setPen(m->pen().style() == Qt::NoPen ? QPen(Qt::NoPen) : QPen(m->pen().color(), 1));
    return box;
}

void ChartLegend::rebuild()
{
    for (const Entry& e : m_entries) {
        delete e.swatch;
        delete e.text;
    }
    m_entries.clear();
    const QLegend* legend = m_chart->legend();
    m_font = legend->font();
    const QList<QLegendMarker*> markers = legend->markers();
    for (int i = 0; i < int(markers.size()); ++i) {
        const QLegendMarker* m = markers[i];
        if (!m->isVisible() || m->label().trimmed().isEmpty())
            continue;
        QGraphicsItem* swatch = swatchFor(i);
        swatch->setParentItem(this);
        auto* text = new QGraphicsSimpleTextItem(m->label(), this);
        text->setFont(m_font);
        text->setBrush(legend->labelColor());
        m_entries.push_back({swatch, text, 0});
    }
}

double ChartLegend::arrange(double width, double height)
{
    rebuild();
    setVisible(!m_entries.empty());
    if (m_entries.empty()) {
        m_box = QRectF();
        return 0;
    }
    const double gap = 0.5 * QFontMetricsF(m_font).height();
    arrangeRows(width);
    m_placement = Placement::Below;
    if (m_box.height() > 0.1 * height) {
        double widest = 0;
        for (const Entry& e : m_entries)
            widest = std::max(widest, e.width);
        const QRectF rows = m_box;
        arrangeColumn();
        if (widest <= 0.3 * width && m_box.height() <= 0.8 * height) {
            m_placement = Placement::Beside;
            return m_box.width() + 2 * gap;
        }
        arrangeRows(width);
        m_box = rows;
    }
    return m_box.height() + gap;
}

// Entries left to right, a new row when the next one would pass the width, each row centred.
// An entry wider than the whole width has its name wrapped at spaces.
void ChartLegend::arrangeRows(double width)
{
    const QFontMetricsF fm(m_font);
    const double swatchW = swatchSize().width(), inner = 0.4 * fm.height();
    const double spacing = 1.2 * fm.height();
    for (Entry& e : m_entries) {
        const QString whole = e.text->text().split(QLatin1Char('\n')).join(QLatin1Char(' '));
        e.text->setText(wrapWords(whole, fm, width - swatchW - inner).join(QLatin1Char('\n')));
        e.width = swatchW + inner + e.text->boundingRect().width();
    }
    std::vector<std::vector<Entry*>> rows(1);
    double x = 0;
    for (Entry& e : m_entries) {
        if (!rows.back().empty() && x + e.width > width) {
            rows.emplace_back();
            x = 0;
        }
        rows.back().push_back(&e);
        x += e.width + spacing;
    }
    double y = 0;
    for (const auto& row : rows) {
        double rowWidth = -spacing, rowHeight = 0;
        for (const Entry* e : row) {
            rowWidth += e->width + spacing;
            rowHeight = std::max(rowHeight, e->text->boundingRect().height());
        }
        double left = std::max(0.0, (width - rowWidth) / 2);
        for (Entry* e : row) {
            const double sh = e->swatch->boundingRect().height();
            e->swatch->setPos(left, y + (fm.height() - sh) / 2);
            e->text->setPos(left + swatchW + inner, y);
            left += e->width + spacing;
        }
        y += rowHeight + 0.2 * fm.height();
    }
    m_box = QRectF(0, 0, width, y - 0.2 * fm.height());
}

// One entry per line.
void ChartLegend::arrangeColumn()
{
    const QFontMetricsF fm(m_font);
    const double swatchW = swatchSize().width(), inner = 0.4 * fm.height();
    double y = 0, widest = 0;
    for (Entry& e : m_entries) {
        const double sh = e.swatch->boundingRect().height();
        e.swatch->setPos(0, y + (fm.height() - sh) / 2);
        e.text->setPos(swatchW + inner, y);
        widest = std::max(widest, e.width);
        y += e.text->boundingRect().height() + 0.3 * fm.height();
    }
    m_box = QRectF(0, 0, widest, y - 0.3 * fm.height());
}

void ChartLegend::place(const QRectF& content)
{
    prepareGeometryChange();
    if (m_placement == Placement::Below)
        setPos(content.left() + (content.width() - m_box.width()) / 2,
               content.bottom() - m_box.height());
    else
        setPos(content.right() - m_box.width(),
               content.top() + (content.height() - m_box.height()) / 2);
}

} // namespace qs::ui::chartcommon
