// Internal to the chart builders: the legend every chart draws instead of Qt's (which keeps to
// one row and elides its entries when they do not fit). It shows the visible markers of the
// chart's QLegend, so hiding a marker (chartcommon::hideFromLegend) hides its entry, each as a
// sample of its series (a line in the series' pen, a filled box for an area, a dot for a
// scatter) and its whole name. ChartFit lays it out whenever the chart's width changes.
#pragma once

#include <QFont>
#include <QGraphicsObject>
#include <QRectF>
#include <QSizeF>

class QChart;
class QGraphicsSimpleTextItem;

namespace qs::ui::chartcommon {

class ChartLegend : public QGraphicsObject {
    Q_OBJECT
public:
    enum class Placement { Below, Beside };

    explicit ChartLegend(QChart* chart);

    // Lays the entries out for a chart of the given width and height: in rows that wrap within
    // the width, centred below the plot, or in one column beside it when the rows would take
    // more than a tenth of the height and a column is narrow enough. Returns the room taken
    // (height below, or width beside; zero without entries).
    double arrange(double width, double height);
    Placement placement() const { return m_placement; }
    // Moves the arranged legend into place inside content (the chart minus its own margins).
    void place(const QRectF& content);

    QRectF boundingRect() const override { return m_box; }
    void paint(QPainter*, const QStyleOptionGraphicsItem*, QWidget*) override {}

private:
    struct Entry {
        QGraphicsItem* swatch;
        QGraphicsSimpleTextItem* text;
        double width;
    };
    void rebuild();
    QSizeF swatchSize() const;
    QGraphicsItem* swatchFor(int markerIndex);
    void arrangeRows(double width);
    void arrangeColumn();

    QChart* m_chart;
    QFont m_font;
    std::vector<Entry> m_entries;
    Placement m_placement = Placement::Below;
    QRectF m_box; // in the legend's coordinates, from (0, 0)
};

} // namespace qs::ui::chartcommon
