// Nice tick numbers for chart axes. Ticks sit on multiples of a step of 1, 2 or 5 x 10^k,
// chosen so that an axis shows at most a given number of labels (fewer in presentation mode,
// where fonts are larger), and the label format shows exactly the digits the step needs.
// The computation is plain arithmetic (testable without a chart); applyNiceTicks() puts the
// result on a QValueAxis in dynamic-tick mode (tickAnchor + k * tickInterval).
#pragma once

#include <QList>
#include <QString>

class QValueAxis;

namespace qs::ui {

struct NiceTicks {
    double lo = 0, hi = 1; // axis range
    double step = 0.2;     // distance between ticks, 1/2/5 x 10^k
    double first = 0;      // first tick >= lo, a multiple of step
    int count = 0;         // ticks inside [lo, hi]
    QString labelFormat;   // printf-style format for QValueAxis::setLabelFormat
};

// Smallest step of the form 1, 2 or 5 x 10^k that is >= rough (rough > 0 and finite;
// anything else gives 1).
double niceStep(double rough);

// Ticks for the data range [lo, hi] with at most maxTicks ticks (at least 2 are asked for).
// tight: the axis range is [lo, hi] exactly, ticks fall inside it; otherwise the range grows to
// the enclosing multiples of the step. integerSteps: the step is at least 1 (indices, codes).
// lo > hi is swapped; an empty range is padded; non-finite bounds give [0, 1].
NiceTicks niceTicks(double lo, double hi, int maxTicks, bool tight = false,
                    bool integerSteps = false);

// "%.2f" for a step of 0.05 (as many decimals as the step needs); "%.1e" style when values
// reach 1e7.
QString tickLabelFormat(double step, double maxAbs);

// A tick value and its label.
struct Tick {
    double value = 0;
    QString label;
    bool operator==(const Tick& o) const { return value == o.value && label == o.label; }
};

// The label of v on an axis whose ticks are `step` apart, in as few characters as keep
// neighbouring ticks apart: |v| >= 1000 with an SI suffix ("2.5k", "1M", "1.5G"); below 1 the
// shorter of the fixed form with the step's decimals ("0.25") and the exponent form ("1e-3",
// "2.5e-4"); otherwise the fixed form. Zero (and anything within a millionth of a step of it)
// is "0", never "-0".
QString compactNumber(double v, double step);

// The ticks of t (first + k * step) with their compact labels; an axis whose ticks all lie
// below 1 in magnitude uses one form for all of them (fixed or exponent, whichever makes the
// widest label shorter), never a mix.
QList<Tick> compactTicks(const NiceTicks& t);

// Computes niceTicks() and applies range, dynamic ticks and label format to the axis.
// Returns what was applied.
NiceTicks applyNiceTicks(QValueAxis* axis, double lo, double hi, int maxTicks, bool tight = false,
                         bool integerSteps = false);

} // namespace qs::ui
