// OverviewStrip: a thin picture of the whole tensor (the original values' min to max per
// bucket) under the values chart, with the chart's index window drawn on it. Drag the window
// to move it, drag its edges to resize it, drag elsewhere to draw a new one; a double-click
// shows everything. The strip reports a new window when the mouse is released; the chart then
// rebuilds at full detail. Reducing a big tensor to the strip's buckets runs on a worker; the
// envelope is painted once into a pixmap, so moving the window repaints only the window.
#pragma once

#include "core/base/tensor.h"
#include "core/stats/downsample.h"

#include <QPixmap>
#include <QWidget>

#include <memory>
#include <vector>

namespace qs::ui {

class OverviewStrip : public QWidget {
    Q_OBJECT
public:
    explicit OverviewStrip(QWidget* parent = nullptr);

    // The tensor shown (nullptr: empty); the window becomes the whole tensor.
    void setTensor(std::shared_ptr<const Tensor> tensor);
    // The chart's index window [begin, end); end < 0: to the end.
    void setWindow(int64_t begin, int64_t end);
    int64_t windowBegin() const { return m_begin; }
    int64_t windowEnd() const { return m_end; }
    int64_t size() const { return m_size; }
    bool isReducing() const { return m_reducing; }
    // The x coordinate (in the strip) of an index, and back.
    double xOf(double index) const;
    int64_t indexAt(double x) const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    // A new window chosen with the mouse: [begin, end), end < 0 for the whole tensor.
    void windowChosen(int64_t begin, int64_t end);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    enum class Drag { None, Move, Left, Right, New };
    QRectF plotRect() const;
    Drag dragAt(double x) const;
    void paintEnvelope(QPainter& p) const;
    void paintWindow(QPainter& p, const QRectF& plot) const;

    std::vector<BucketRange> m_buckets; // the whole tensor, original values
    double m_lo = 0, m_hi = 1;          // their range
    QPixmap m_picture; // the frame and envelope, painted again when the size changes
    int64_t m_size = 0;
    int64_t m_begin = 0, m_end = 0;
    bool m_reducing = false;
    quint64 m_serial = 0; // of the tensor whose reduction is awaited
    Drag m_drag = Drag::None;
    double m_pressX = 0;
    int64_t m_pressBegin = 0, m_pressEnd = 0;
};

} // namespace qs::ui
