#include "ui/charts/color_scale.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace qs::ui {

namespace {

// viridis at 0, 1/8, ..., 1 as matplotlib publishes it.
constexpr std::array<QRgb, 9> kViridis = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                          0x28ae80, 0x5ec962, 0xaddc30, 0xfde725};

int mix(int a, int b, double f)
{
    return int(std::lround(a + (b - a) * f));
}

} // namespace

QColor viridis(double t)
{
    if (!std::isfinite(t))
        t = 0;
    t = std::clamp(t, 0.0, 1.0) * double(kViridis.size() - 1);
    const size_t i = std::min(size_t(t), kViridis.size() - 2);
    const double f = t - double(i);
    const QColor a(kViridis[i]), b(kViridis[i + 1]);
    return QColor(mix(a.red(), b.red(), f), mix(a.green(), b.green(), f),
                  mix(a.blue(), b.blue(), f));
}

ValueScale ValueScale::fit(double lo, double hi)
{
    ValueScale s;
    s.lo = std::min(lo, hi);
    s.hi = std::max(lo, hi);
    s.log = s.lo > 0 && s.hi / s.lo > 100;
    return s;
}

double ValueScale::position(double v) const
{
    if (!(hi > lo))
        return 0.5;
    const double t =
        log ? (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo)) : (v - lo) / (hi - lo);
    return std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : (v > lo ? 1.0 : 0.0);
}

double ValueScale::valueAt(double t) const
{
    return log ? std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo))) : lo + t * (hi - lo);
}

} // namespace qs::ui
