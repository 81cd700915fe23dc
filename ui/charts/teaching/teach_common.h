// Internal to ui/charts/teaching: colours, labels and axes shared by the teaching charts, so
// the sweep and the clipping curve give each range method the same colour and name.
#pragma once

#include "core/config/quant_config.h"
#include "ui/charts/charts.h"

#include <QColor>
#include <QString>

class QChart;
class QLogValueAxis;

namespace qs::ui::teachchart {

QColor neutral(const ChartStyle& st); // grey of the original and of reference lines

QString methodLabel(RangeMethod m);                      // "min-max", "MSE-opt.", ...
QColor methodColor(const ChartStyle& st, RangeMethod m); // fixed per method

// A logarithmic MSE axis ("MSE (log scale)", labels 1e-03) added at the left: base 10, or a
// larger power of 10 when the plot is too short for a label per decade.
QLogValueAxis* addMseLogAxis(QChart* chart, const ChartStyle& st);
// Range of a log axis covering the positive values [lo, hi]: whole decades around them.
void logRange(QLogValueAxis* axis, double lo, double hi);

} // namespace qs::ui::teachchart
