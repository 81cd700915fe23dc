// The clipping curve: total, rounding and clipping MSE against the clipping position, with a
// marker where each range method lands.
#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/teaching/teach_charts.h"
#include "ui/charts/teaching/teach_common.h"

#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs::ui {

using namespace chartcommon;
using namespace teachchart;

QChart* buildClippingChart(const ClippingCurve& c, const ChartStyle& st, const QString& subtitle)
{
    QChart* chart =
        newChart(st, QStringLiteral("Quantization error against clipping threshold"), subtitle);
    QValueAxis* x = addValueAxis(chart, st, Qt::AlignBottom,
                                 c.symmetric ? QStringLiteral("clipping threshold amax")
                                             : QStringLiteral("range kept (fraction of min-max, "
                                                              "around the median)"));
    if (!c.symmetric)
        setAxisTitles(x, {QStringLiteral("range kept (fraction of min-max, around the median)"),
                          QStringLiteral("range kept (fraction of min-max)"),
                          QStringLiteral("range kept")});
    QLogValueAxis* y = teachchart::addMseLogAxis(chart, st);
    y->setMinorTickCount(0);

    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
    double ylo = std::numeric_limits<double>::infinity(), yhi = 0;
    const auto curve = [&](const QString& name, const QString& id, const QColor& color,
                           Qt::PenStyle style, double width, auto field) {
        QList<QPointF> pts;
        for (const ClippingPoint& p : c.points) {
            const double v = field(p);
            xlo = std::min(xlo, p.position);
            xhi = std::max(xhi, p.position);
            if (v > 0 && std::isfinite(v)) {
                pts << QPointF(p.position, v);
                ylo = std::min(ylo, v);
                yhi = std::max(yhi, v);
            }
        }
        attach(chart, lineSeries(name, id, seriesPen(color, width, style), pts), x, y);
    };
    curve(QStringLiteral("total MSE"), QStringLiteral("total"), st.text(), Qt::SolidLine,
          st.lineWidth * 1.4, [](const ClippingPoint& p) { return p.mse; });
    curve(QStringLiteral("rounding error"), QStringLiteral("rounding"), QColor(0x56, 0xB4, 0xE9),
          Qt::DashLine, st.lineWidth, [](const ClippingPoint& p) { return p.roundingMse; });
    curve(QStringLiteral("clipping error"), QStringLiteral("clipping"), st.error(), Qt::DashLine,
          st.lineWidth, [](const ClippingPoint& p) { return p.clippingMse; });
    if (!(yhi > 0)) {
        ylo = 1e-6;
        yhi = 1;
    }
    // Keep the interesting part: three decades below the smallest total error.
    double minTotal = yhi;
    for (const ClippingPoint& p : c.points)
        if (p.mse > 0)
            minTotal = std::min(minTotal, p.mse);
    ylo = std::max(ylo, minTotal * 1e-3);
    logRange(y, ylo, yhi);
    for (const ClippingMarker& m : c.markers) {
        const double pos = m.point.position;
        xlo = std::min(xlo, pos);
        xhi = std::max(xhi, pos);
        const QString name =
            QStringLiteral("%1 (%2)").arg(QString::fromStdString(m.label), num(m.point.mse));
        auto* line =
            lineSeries(name, QStringLiteral("marker-") + QString::fromStdString(toName(m.method)),
                       seriesPen(methodColor(st, m.method), st.lineWidth,
                                 m.method == RangeMethod::MinMax ? Qt::SolidLine : Qt::DashDotLine),
                       {QPointF(pos, y->min()), QPointF(pos, y->max())});
        attach(chart, line, x, y);
    }
    if (!std::isfinite(xlo)) {
        xlo = 0;
        xhi = 1;
    }
    fitTicks(x, xlo, xhi, xTicks(st));
    return chart;
}

} // namespace qs::ui
