#include "ui/window/window_geometry.h"

#include <QGuiApplication>
#include <QScreen>

#include <algorithm>

namespace qs::ui {

namespace {

int64_t overlapArea(const QRect& a, const QRect& b)
{
    const QRect both = a.intersected(b);
    return both.isEmpty() ? 0 : int64_t(both.width()) * both.height();
}

// The start of a span of `length` inside [lo, lo + room): as near `start` as it can be.
int clampSpan(int start, int length, int lo, int room)
{
    return std::max(lo, std::min(start, lo + room - length));
}

} // namespace

QRect initialWindowGeometry(const QRect& available, QSize preferred)
{
    const int width = std::min(preferred.width(), available.width() * 9 / 10);
    const int height = std::min(preferred.height(), available.height() * 9 / 10);
    return {available.x() + (available.width() - width) / 2,
            available.y() + (available.height() - height) / 2, width, height};
}

QRect clampWindowGeometry(const QRect& saved, const QList<QRect>& availableAreas)
{
    if (availableAreas.isEmpty())
        return saved;
    if (saved.isEmpty())
        return initialWindowGeometry(availableAreas.first());
    QRect screen = availableAreas.first();
    int64_t best = 0;
    for (const QRect& area : availableAreas) {
        const int64_t overlap = overlapArea(saved, area);
        if (overlap > best) {
            best = overlap;
            screen = area;
        }
    }
    const int width = std::min(saved.width(), screen.width());
    const int height = std::min(saved.height(), screen.height());
    return {clampSpan(saved.x(), width, screen.x(), screen.width()),
            clampSpan(saved.y(), height, screen.y(), screen.height()), width, height};
}

QList<QRect> availableScreenAreas()
{
    QList<QRect> areas;
    if (const QScreen* primary = QGuiApplication::primaryScreen())
        areas << primary->availableGeometry();
    for (const QScreen* screen : QGuiApplication::screens())
        if (screen != QGuiApplication::primaryScreen())
            areas << screen->availableGeometry();
    return areas;
}

QRect startWindowGeometry(const QVariant& saved)
{
    const QList<QRect> areas = availableScreenAreas();
    const QRect rect = saved.toRect();
    if (areas.isEmpty())
        return rect.isEmpty() ? QRect(QPoint(0, 0), kPreferredWindowSize) : rect;
    return clampWindowGeometry(rect, areas);
}

} // namespace qs::ui
