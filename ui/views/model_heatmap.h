// ModelHeatmap: the layers of a model (rows) against the kinds of tensor (columns: attn_q ...
// mlp_down, embedding, output, norm), each cell coloured by one metric of one scheme on the
// viridis scale, with the scale and its numbers as a legend beside it. Tensors outside the
// numbered layers (embeddings, the output head, the final norm) make the last row, "–". Hovering
// a cell shows its numbers; double-clicking it asks for its tensor (the largest when a cell holds
// several). Labels are never elided: column labels turn upright when the columns are narrow, and
// row labels are thinned out (every 2nd, 4th ...) when rows are lower than the text.
#pragma once

#include "core/model/model_report.h"
#include "ui/charts/color_scale.h"
#include "ui/views/model_metric.h"

#include <QWidget>

#include <memory>
#include <vector>

namespace qs::ui {

// The grid of the heatmap, computed from a report (no widget).
struct HeatmapGrid {
    struct Cell {
        std::vector<int> tensors; // indices into the report's tensors, the largest first
        double value = 0;         // NaN: no tensor of the cell has a result for the scheme
    };
    std::vector<int> layers;       // one per row; -1: outside the numbered layers
    std::vector<TensorKind> kinds; // one per column
    std::vector<Cell> cells;       // row-major
    ValueScale scale;              // over the finite values

    const Cell& at(int row, int column) const
    {
        return cells[size_t(row) * kinds.size() + size_t(column)];
    }
    int rows() const { return int(layers.size()); }
    int columns() const { return int(kinds.size()); }
};

HeatmapGrid heatmapGrid(const ModelReport& report, int scheme, ModelMetric metric);

class ModelHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit ModelHeatmap(QWidget* parent = nullptr);

    void setReport(std::shared_ptr<const ModelReport> report, int scheme, ModelMetric metric);
    const HeatmapGrid& grid() const { return m_grid; }
    int scheme() const { return m_scheme; }

    // For tests and the tooltip: where a cell is drawn, its colour and its tooltip text.
    QRect cellRect(int row, int column) const;
    QColor cellColor(int row, int column) const;
    QString cellToolTip(int row, int column) const;
    // The cell under a point, (-1, -1) for none.
    QPoint cellAt(const QPoint& pos) const;
    // Every label drawn, in widget coordinates (for the checks that nothing overlaps).
    struct Label {
        QString text;
        QRect rect;
    };
    QList<Label> labels() const;

    QSize minimumSizeHint() const override { return {240, 160}; }
    QSize sizeHint() const override { return {560, 420}; }

signals:
    void tensorActivated(int tensor, int scheme);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    struct Layout;
    Layout layout() const;
    void paintCells(QPainter& p, const Layout& l) const;
    void paintLegend(QPainter& p, const Layout& l) const;
    QString title() const;

    std::shared_ptr<const ModelReport> m_report;
    int m_scheme = 0;
    ModelMetric m_metric = ModelMetric::RelRmse;
    HeatmapGrid m_grid;
};

} // namespace qs::ui
