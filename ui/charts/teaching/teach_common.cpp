#include "ui/charts/teaching/teach_common.h"

#include "ui/charts/chart_common.h"
#include "ui/charts/chart_fit.h"

#include <QChart>
#include <QLogValueAxis>

#include <cmath>
#include <utility>

namespace qs::ui::teachchart {

QColor neutral(const ChartStyle& st)
{
    return st.dark ? QColor(0xB0, 0xB3, 0xB8) : QColor(0x70, 0x70, 0x70);
}

QString methodLabel(RangeMethod m)
{
    const std::pair<RangeMethod, const char*> labels[] = {{RangeMethod::MinMax, "min-max"},
                                                          {RangeMethod::Percentile, "percentile"},
                                                          {RangeMethod::MSE, "MSE-opt."},
                                                          {RangeMethod::Entropy, "entropy"}};
    for (const auto& [method, label] : labels)
        if (method == m)
            return QString::fromLatin1(label);
    return QString::fromStdString(toName(m)); // the framework calibrators by their names
}

QColor methodColor(const ChartStyle& st, RangeMethod m)
{
    switch (m) {
    case RangeMethod::MinMax:
        return st.original();
    case RangeMethod::Percentile:
        return st.dequantized();
    case RangeMethod::MSE:
        return st.grid();
    default: // entropy and the framework calibrators
        return st.clip();
    }
}

void logRange(QLogValueAxis* axis, double lo, double hi)
{
    if (!(lo > 0) || !std::isfinite(hi) || hi < lo) {
        axis->setRange(1e-6, 1);
        return;
    }
    axis->setRange(std::pow(10.0, std::floor(std::log10(lo))),
                   std::pow(10.0, std::ceil(std::log10(hi) + 1e-9)));
}

QLogValueAxis* addMseLogAxis(QChart* chart, const ChartStyle& st)
{
    auto* y = chartcommon::styleAxis(new QLogValueAxis, st, QStringLiteral("MSE (log scale)"));
    y->setBase(10);
    y->setLabelFormat(QStringLiteral("%.0e"));
    chart->addAxis(y, Qt::AlignLeft);
    if (chartcommon::ChartFit* fit = chartcommon::ChartFit::of(chart)) {
        fit->setAxisTitles(y, {QStringLiteral("MSE (log scale)"), QStringLiteral("MSE")});
        fit->fitLogAxis(y);
    }
    return y;
}

} // namespace qs::ui::teachchart
