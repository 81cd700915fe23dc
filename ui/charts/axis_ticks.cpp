#include "ui/charts/axis_ticks.h"

#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace qs::ui {

namespace {

// The next nice step after `step` in the sequence ... 1, 2, 5, 10, 20, 50 ...
double nextNiceStep(double step)
{
    const double p = std::pow(10.0, std::floor(std::log10(step)));
    const double m = step / p; // 1, 2 or 5 (up to rounding)
    if (m < 1.5)
        return 2 * p;
    if (m < 3.5)
        return 5 * p;
    return 10 * p;
}

// Number of multiples of step inside [lo, hi], with a relative tolerance so that bounds that
// are multiples of the step up to rounding count as ticks.
int ticksInside(double lo, double hi, double step)
{
    const double eps = 1e-9;
    const double k0 = std::ceil(lo / step - eps);
    const double k1 = std::floor(hi / step + eps);
    return k1 < k0 ? 0 : static_cast<int>(std::min(k1 - k0 + 1, 1e6));
}

// Decimals that tell multiples of step apart in fixed notation.
int decimalsFor(double step)
{
    return std::clamp(-static_cast<int>(std::floor(std::log10(step) + 1e-9)), 0, 15);
}

QString fixedNumber(double v, int decimals, bool stripZeros)
{
    QString s = QString::number(v, 'f', decimals);
    if (stripZeros && s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    return s;
}

// v / unit with the digits step / unit needs and the unit's suffix; empty when that takes
// more than three decimals (the plain digits are shorter then).
QString withSuffix(double v, double step)
{
    const std::pair<double, char> units[] = {{1e12, 'T'}, {1e9, 'G'}, {1e6, 'M'}, {1e3, 'k'}};
    for (const auto& [unit, suffix] : units) {
        if (std::fabs(v) < unit)
            continue;
        const int decimals = decimalsFor(step / unit);
        if (decimals > 3)
            return QString();
        return fixedNumber(v / unit, decimals, true) + QLatin1Char(suffix);
    }
    return QString();
}

// Mantissa with the digits the step needs, "e", the exponent: 2.5e-4.
QString exponentForm(double v, double step)
{
    int e = static_cast<int>(std::floor(std::log10(std::fabs(v)) + 1e-9));
    const int stepExp = static_cast<int>(std::floor(std::log10(step) + 1e-9));
    const int decimals = std::clamp(e - stepExp, 0, 6);
    QString m = fixedNumber(v / std::pow(10.0, e), decimals, true);
    if (m == QLatin1String("10") || m == QLatin1String("-10")) { // 9.99.. rounded up
        ++e;
        m = fixedNumber(v / std::pow(10.0, e), decimals, true);
    }
    return m + QLatin1Char('e') + QString::number(e);
}

} // namespace

QString compactNumber(double v, double step)
{
    if (!std::isfinite(v))
        return QString::number(v);
    if (!(step > 0) || !std::isfinite(step))
        step = v != 0 ? std::pow(10.0, std::floor(std::log10(std::fabs(v)))) : 1.0;
    if (std::fabs(v) < step * 1e-6)
        return QStringLiteral("0");
    const double a = std::fabs(v);
    if (a >= 1e15)
        return exponentForm(v, step);
    if (a >= 1e3) {
        const QString s = withSuffix(v, step);
        return s.isEmpty() ? fixedNumber(v, decimalsFor(step), false) : s;
    }
    const QString fixed = fixedNumber(v, decimalsFor(step), false);
    if (a >= 1)
        return fixed;
    const QString exponent = exponentForm(v, step);
    return exponent.size() < fixed.size() ? exponent : fixed;
}

QList<Tick> compactTicks(const NiceTicks& t)
{
    std::vector<double> values;
    bool belowOne = true;
    for (int k = 0; k < t.count; ++k) {
        double v = t.first + k * t.step;
        if (std::fabs(v) < t.step * 1e-9)
            v = 0; // no "-0" from the rounding of the multiplication
        values.push_back(v);
        belowOne = belowOne && std::fabs(v) < 1;
    }
    // Below 1 the whole axis takes one form, fixed ("0.005", "0.010") or exponent ("5e-3",
    // "1e-2"), whichever makes its widest label shorter: not a mix of both.
    bool exponents = false;
    if (belowOne && t.step > 0) {
        qsizetype fixedWidest = 0, exponentWidest = 0;
        for (double v : values)
            if (std::fabs(v) >= t.step * 1e-6) {
                fixedWidest =
                    std::max(fixedWidest, fixedNumber(v, decimalsFor(t.step), false).size());
                exponentWidest = std::max(exponentWidest, exponentForm(v, t.step).size());
            }
        exponents = exponentWidest < fixedWidest;
    }
    QList<Tick> ticks;
    for (double v : values) {
        // compactNumber for zero (and residues of it) and for axes reaching 1.
        const bool ownForm = belowOne && t.step > 0 && std::fabs(v) >= t.step * 1e-6;
        const QString label = !ownForm    ? compactNumber(v, t.step)
                              : exponents ? exponentForm(v, t.step)
                                          : fixedNumber(v, decimalsFor(t.step), false);
        if (ticks.isEmpty() || ticks.back().label != label)
            ticks.append({v, label});
    }
    return ticks;
}

double niceStep(double rough)
{
    if (!(rough > 0) || !std::isfinite(rough))
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(rough)));
    const double m = rough / p;
    // 1e-9 tolerance: a rough step of exactly 2 x 10^k must stay 2 x 10^k despite rounding.
    if (m <= 1 + 1e-9)
        return p;
    if (m <= 2 + 1e-9)
        return 2 * p;
    if (m <= 5 + 1e-9)
        return 5 * p;
    return 10 * p;
}

QString tickLabelFormat(double step, double maxAbs)
{
    const int stepExp = static_cast<int>(std::floor(std::log10(step) + 1e-9));
    if (maxAbs >= 1e7) {
        const int valueExp = static_cast<int>(std::floor(std::log10(maxAbs)));
        const int mantissaDigits = std::clamp(valueExp - stepExp, 0, 6);
        return QStringLiteral("%.%1e").arg(mantissaDigits);
    }
    // Fixed notation, also for tiny steps: exponent labels would print the tick at zero as
    // a rounding residue such as 1.2e-17.
    return QStringLiteral("%.%1f").arg(std::clamp(-stepExp, 0, 15));
}

NiceTicks niceTicks(double lo, double hi, int maxTicks, bool tight, bool integerSteps)
{
    NiceTicks t;
    if (!std::isfinite(lo) || !std::isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi)
        std::swap(lo, hi);
    const double mag = std::max(std::fabs(lo), std::fabs(hi));
    if (hi - lo <= mag * 1e-12) {
        // A single value: show it in the middle of a small range around it.
        const double pad = integerSteps ? 0.5 : (mag > 0 ? mag * 0.05 : 0.5);
        lo -= pad;
        hi += pad;
    }
    maxTicks = std::max(2, maxTicks);

    // Start from the smallest candidate and grow until the ticks fit.
    double step = niceStep((hi - lo) / maxTicks);
    if (integerSteps)
        step = std::max(step, 1.0);
    for (;;) {
        const double a = tight ? lo : std::floor(lo / step + 1e-9) * step;
        const double b = tight ? hi : std::ceil(hi / step - 1e-9) * step;
        const int n = ticksInside(a, b, step);
        if (n <= maxTicks || step > (hi - lo) * 1e6) {
            t.lo = a;
            t.hi = b;
            t.count = n;
            break;
        }
        step = nextNiceStep(step);
    }
    t.step = step;
    // Multiples of the step are computed as k * step (one rounding) rather than by repeated
    // addition, so that 0 is exactly 0.
    t.first = std::ceil(t.lo / step - 1e-9) * step;
    if (t.first == 0)
        t.first = 0; // no -0
    t.labelFormat = tickLabelFormat(step, std::max(std::fabs(t.lo), std::fabs(t.hi)));
    return t;
}

NiceTicks applyNiceTicks(QValueAxis* axis, double lo, double hi, int maxTicks, bool tight,
                         bool integerSteps)
{
    const NiceTicks t = niceTicks(lo, hi, maxTicks, tight, integerSteps);
    if (!axis)
        return t;
    axis->setTickType(QValueAxis::TicksDynamic);
    // Qt computes tick values by repeated addition of the interval, so a tick at zero may come
    // out as -5.6e-17 and print as "-0.0". Shifting the anchor up by a billionth of a step puts
    // every tick safely on the positive side of its rounding residue, far below the printed
    // precision and the pixel grid. (Exponent labels are only used for values >= 1e7, whose
    // steps are whole numbers that add exactly, so they need no shift.)
    const bool fixed = t.labelFormat.endsWith(QLatin1Char('f'));
    axis->setTickAnchor(fixed ? t.first + t.step * 1e-9 : t.first);
    axis->setTickInterval(t.step);
    axis->setMinorTickCount(0);
    axis->setLabelFormat(t.labelFormat);
    // Qt places ticks by repeated addition and stops at `value <= max`; a last tick that is a
    // multiple of the step could be lost to rounding, so the upper bound gets a hair of slack.
    axis->setRange(t.lo, t.hi + t.step * 1e-7);
    return t;
}

} // namespace qs::ui
