#include "ui/window/overview_strip.h"

#include "ui/charts/charts.h"
#include "ui/support/run_async.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace qs::ui {

namespace {

constexpr int kBuckets = 1024;              // of the whole tensor, whatever the strip's width
constexpr int64_t kAsyncElements = 1 << 16; // from this size on, reduced on a worker
constexpr double kEdgeGrip = 5;             // pixels either side of an edge that resize
constexpr int64_t kMinWindow = 2;

std::vector<BucketRange> reduce(const Tensor& t)
{
    return bucketRanges(t.data.data(), 0, t.numel(), int(std::min<int64_t>(kBuckets, t.numel())));
}

} // namespace

OverviewStrip::OverviewStrip(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("overviewStrip"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("All values of the tensor, the chart's window outlined. Drag the window to move "
                  "it, its edges to resize it, elsewhere to zoom there; double-click (or Ctrl+0) "
                  "shows everything."));
}

QSize OverviewStrip::sizeHint() const
{
    return {200, std::max(30, fontMetrics().height() * 2)};
}

QSize OverviewStrip::minimumSizeHint() const
{
    return {60, sizeHint().height()};
}

void OverviewStrip::setTensor(std::shared_ptr<const Tensor> tensor)
{
    m_buckets.clear();
    m_picture = QPixmap();
    m_size = tensor ? tensor->numel() : 0;
    m_begin = 0;
    m_end = m_size;
    const quint64 serial = ++m_serial;
    if (m_size == 0) {
        m_reducing = false;
        update();
        return;
    }
    auto done = [this, serial](std::vector<BucketRange> buckets) {
        if (serial != m_serial)
            return; // a newer tensor came meanwhile
        m_reducing = false;
        m_buckets = std::move(buckets);
        double lo = INFINITY, hi = -INFINITY;
        for (const BucketRange& b : m_buckets) {
            lo = std::min(lo, b.lo);
            hi = std::max(hi, b.hi);
        }
        m_lo = std::isfinite(lo) ? lo : 0;
        m_hi = std::isfinite(hi) && hi > m_lo ? hi : m_lo + 1;
        m_picture = QPixmap();
        update();
    };
    m_reducing = true;
    if (m_size < kAsyncElements) {
        done(reduce(*tensor));
        return;
    }
    runAsync(
        this, [tensor] { return reduce(*tensor); }, done);
}

void OverviewStrip::setWindow(int64_t begin, int64_t end)
{
    m_begin = std::clamp<int64_t>(begin, 0, m_size);
    m_end = end < 0 ? m_size : std::clamp<int64_t>(end, m_begin, m_size);
    update();
}

QRectF OverviewStrip::plotRect() const
{
    return QRectF(rect()).adjusted(2, 2, -2, -2);
}

double OverviewStrip::xOf(double index) const
{
    const QRectF plot = plotRect();
    return plot.left() + plot.width() * (m_size > 0 ? index / double(m_size) : 0);
}

int64_t OverviewStrip::indexAt(double x) const
{
    const QRectF plot = plotRect();
    const double f = plot.width() > 0 ? (x - plot.left()) / plot.width() : 0;
    return std::clamp<int64_t>(std::llround(f * double(m_size)), 0, m_size);
}

void OverviewStrip::paintEvent(QPaintEvent*)
{
    const qreal dpr = devicePixelRatioF();
    const QSize pixels = (QSizeF(QWidget::size()) * dpr).toSize();
    if (m_picture.size() != pixels || m_picture.devicePixelRatio() != dpr) {
        m_picture = QPixmap(pixels);
        m_picture.setDevicePixelRatio(dpr);
        QPainter pp(&m_picture);
        paintEnvelope(pp);
    }
    QPainter p(this);
    p.drawPixmap(0, 0, m_picture);
    if (!m_buckets.empty() && m_size > 0)
        paintWindow(p, plotRect());
}

void OverviewStrip::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange ||
        event->type() == QEvent::FontChange)
        m_picture = QPixmap();
    QWidget::changeEvent(event);
}

// The frame and the original values' envelope (min to max per bucket).
void OverviewStrip::paintEnvelope(QPainter& p) const
{
    const QRectF plot = plotRect();
    p.fillRect(rect(), palette().base());
    p.setPen(palette().mid().color());
    p.drawRect(plot);
    if (m_buckets.empty() || m_size == 0)
        return;
    const ChartStyle st = ChartStyle::fromPalette();
    auto y = [&](double v) { return plot.bottom() - plot.height() * (v - m_lo) / (m_hi - m_lo); };
    QPainterPath envelope;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        const QPointF pt(xOf(0.5 * double(m_buckets[i].first + m_buckets[i].last)),
                         y(m_buckets[i].hi));
        i == 0 ? envelope.moveTo(pt) : envelope.lineTo(pt);
    }
    for (size_t i = m_buckets.size(); i-- > 0;)
        envelope.lineTo(xOf(0.5 * double(m_buckets[i].first + m_buckets[i].last)),
                        y(m_buckets[i].lo));
    envelope.closeSubpath();
    QColor fill = st.original();
    fill.setAlpha(140);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(st.original(), 1));
    p.setBrush(fill);
    p.drawPath(envelope);
}

// Outside the window dimmed; the window framed, with grips on its edges.
void OverviewStrip::paintWindow(QPainter& p, const QRectF& plot) const
{
    if (m_begin == 0 && m_end == m_size)
        return;
    const double x0 = xOf(double(m_begin)), x1 = std::max(xOf(double(m_end)), x0 + 2);
    QColor shade = palette().window().color();
    shade.setAlpha(170);
    p.setPen(Qt::NoPen);
    p.setBrush(shade);
    p.drawRect(QRectF(plot.left(), plot.top(), x0 - plot.left(), plot.height()));
    p.drawRect(QRectF(x1, plot.top(), plot.right() - x1, plot.height()));
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(palette().highlight().color(), 2));
    p.drawRect(QRectF(x0, plot.top() + 1, x1 - x0, plot.height() - 2));
}

OverviewStrip::Drag OverviewStrip::dragAt(double x) const
{
    const bool zoomed = !(m_begin == 0 && m_end == m_size);
    const double x0 = xOf(double(m_begin)), x1 = xOf(double(m_end));
    if (zoomed && std::fabs(x - x0) <= kEdgeGrip && x1 - x0 > 2 * kEdgeGrip)
        return Drag::Left;
    if (zoomed && std::fabs(x - x1) <= kEdgeGrip)
        return Drag::Right;
    if (zoomed && x > x0 && x < x1)
        return Drag::Move;
    return Drag::New;
}

void OverviewStrip::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_size < kMinWindow)
        return;
    m_drag = dragAt(event->position().x());
    m_pressX = event->position().x();
    m_pressBegin = m_begin;
    m_pressEnd = m_end;
}

void OverviewStrip::mouseMoveEvent(QMouseEvent* event)
{
    const double x = event->position().x();
    if (m_drag == Drag::None) {
        const Drag d = m_size >= kMinWindow ? dragAt(x) : Drag::None;
        setCursor(d == Drag::Left || d == Drag::Right ? Qt::SizeHorCursor
                  : d == Drag::Move                   ? Qt::OpenHandCursor
                                                      : Qt::CrossCursor);
        return;
    }
    const int64_t at = indexAt(x), pressed = indexAt(m_pressX);
    const int64_t width = m_pressEnd - m_pressBegin;
    if (m_drag == Drag::Move) {
        m_begin = std::clamp<int64_t>(m_pressBegin + at - pressed, 0, m_size - width);
        m_end = m_begin + width;
    } else if (m_drag == Drag::Left) {
        m_begin = std::clamp<int64_t>(at, 0, m_pressEnd - kMinWindow);
    } else if (m_drag == Drag::Right) {
        m_end = std::clamp<int64_t>(at, m_pressBegin + kMinWindow, m_size);
    } else {
        m_begin = std::min(at, pressed);
        m_end = std::max(std::max(at, pressed), m_begin + kMinWindow);
        if (m_end > m_size) {
            m_end = m_size;
            m_begin = m_size - kMinWindow;
        }
    }
    update();
}

void OverviewStrip::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_drag == Drag::None || event->button() != Qt::LeftButton)
        return;
    const Drag drag = m_drag;
    m_drag = Drag::None;
    // A click beside the window centres the window there.
    if (drag == Drag::New && std::fabs(event->position().x() - m_pressX) < 3) {
        const int64_t width = m_pressEnd - m_pressBegin;
        if (width >= m_size)
            return setWindow(m_pressBegin, m_pressEnd);
        m_begin = std::clamp<int64_t>(indexAt(m_pressX) - width / 2, 0, m_size - width);
        m_end = m_begin + width;
    }
    update();
    if (m_begin != m_pressBegin || m_end != m_pressEnd)
        emit windowChosen(m_begin, m_begin == 0 && m_end == m_size ? -1 : m_end);
}

void OverviewStrip::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_drag = Drag::None;
    setWindow(0, -1);
    emit windowChosen(0, -1);
}

} // namespace qs::ui
