// A sequential, colour-blind-safe colour scale for heatmaps: matplotlib's viridis, interpolated
// linearly in sRGB between its nine published stops (at 0, 1/8, ..., 1), and the map from a
// range of values (linear, or logarithmic when the values span orders of magnitude) to a
// position on the scale.
#pragma once

#include <QColor>

namespace qs::ui {

// The viridis colour at t in [0, 1] (clamped): dark purple #440154 at 0, yellow #FDE725 at 1.
QColor viridis(double t);

// Values in [lo, hi] onto [0, 1]. Logarithmic when both are positive and hi / lo > 100.
struct ValueScale {
    double lo = 0, hi = 1;
    bool log = false;

    static ValueScale fit(double lo, double hi);
    double position(double v) const; // clamped to [0, 1]; 0.5 for an empty range
    double valueAt(double t) const;  // the inverse of position()
    QColor color(double v) const { return viridis(position(v)); }
};

} // namespace qs::ui
