// Where the window opens: the size and place of the first start on a screen, and a saved
// geometry brought inside the screens that exist now. The rules are pure functions of
// rectangles (the screens' available areas: the screen without panels and docks), so tests
// give them exact numbers; startWindowGeometry() asks QScreen for the areas.
#pragma once

#include <QList>
#include <QRect>
#include <QSize>
#include <QVariant>

namespace qs::ui {

// The size the window asks for when the screen has room: every panel and chart at its ease.
inline constexpr QSize kPreferredWindowSize{1400, 900};
// The smallest size at which every control is still reachable (panels scroll where needed).
inline constexpr QSize kSmallestWindowSize{1024, 640};

// The first start: the preferred size, at most 90 % of the available width and height
// (rounded down), centred in the available area.
QRect initialWindowGeometry(const QRect& available, QSize preferred = kPreferredWindowSize);

// A saved geometry on the screens available now (the primary first): the screen it overlaps
// most (the primary when it overlaps none), its size cut to that screen's available size, and
// moved the shortest way to lie inside it. An empty saved rectangle gives the first start's
// geometry on the primary screen; no screens at all leave the saved rectangle as it is.
QRect clampWindowGeometry(const QRect& saved, const QList<QRect>& availableAreas);

// The available areas of the screens of the application, the primary first.
QList<QRect> availableScreenAreas();

// The geometry to open with: `saved` (a QRect read from the settings, or nothing) clamped to
// the screens, or the first start's geometry on the primary screen.
QRect startWindowGeometry(const QVariant& saved);

} // namespace qs::ui
