// Bit-width sweep charts: SQNR and MSE against bits, one line per range method, with the
// 6.02 dB/bit reference and the fp16 / bf16 levels on the SQNR chart.
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

namespace {

using namespace chartcommon;
using namespace teachchart;

struct BitRange {
    int first = 1, last = 16;
};

BitRange bitRange(const Sweep& s)
{
    return s.bits.empty() ? BitRange{} : BitRange{s.bits.front(), s.bits.back()};
}

// The bits axis: every bit width ticked, half a bit of room on each side.
QValueAxis* addBitsAxis(QChart* chart, const Sweep& s, const ChartStyle& st)
{
    auto* x = addValueAxis(chart, st, Qt::AlignBottom, QStringLiteral("bits"));
    const BitRange b = bitRange(s);
    fitTicks(x, b.first - 0.5, b.last + 0.5, xTicks(st) + 6, true, true);
    return x;
}

// One line with dots per range method through the valid points whose value(p) is finite; lo
// and hi grow to cover them.
template <class Value>
void addMethodLines(QChart* chart, const Sweep& s, const ChartStyle& st, QAbstractAxis* x,
                    QAbstractAxis* y, Value value, double& lo, double& hi)
{
    for (const SweepSeries& ser : s.series) {
        QList<QPointF> pts;
        for (const SweepPoint& p : ser.points) {
            const double v = value(p);
            if (p.valid && std::isfinite(v)) {
                pts << QPointF(p.bits, v);
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
        auto* line = lineSeries(methodLabel(ser.method), QString::fromStdString(toName(ser.method)),
                                seriesPen(methodColor(st, ser.method), st.lineWidth), pts);
        line->setPointsVisible(true);
        attach(chart, line, x, y);
    }
}

// The ideal 6.02 dB per bit line, where the sweep has it.
void addReferenceLine(QChart* chart, const Sweep& s, const ChartStyle& st, QAbstractAxis* x,
                      QAbstractAxis* y, double& lo, double& hi)
{
    QList<QPointF> ref;
    for (size_t i = 0; i < s.bits.size() && i < s.referenceDb.size(); ++i)
        if (std::isfinite(s.referenceDb[i])) {
            ref << QPointF(s.bits[i], s.referenceDb[i]);
            lo = std::min(lo, s.referenceDb[i]);
            hi = std::max(hi, s.referenceDb[i]);
        }
    if (!ref.isEmpty())
        attach(chart,
               lineSeries(QStringLiteral("6.02 dB/bit"), QStringLiteral("reference"),
                          seriesPen(neutral(st), st.lineWidth, Qt::DashLine), ref),
               x, y);
}

} // namespace

QChart* buildSweepSqnrChart(const Sweep& s, const ChartStyle& st, const QString& subtitle)
{
    QChart* chart = newChart(st, QStringLiteral("SQNR against bit width"), subtitle);
    QValueAxis* x = addBitsAxis(chart, s, st);
    QValueAxis* y = addValueAxis(chart, st, Qt::AlignLeft, QStringLiteral("SQNR (dB)"));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    addMethodLines(
        chart, s, st, x, y, [](const SweepPoint& p) { return p.sqnrDb; }, lo, hi);
    addReferenceLine(chart, s, st, x, y, lo, hi);
    const BitRange b = bitRange(s);
    // The SQNR of the 16-bit float formats, as horizontal lines across the sweep.
    const auto hline = [&](double db, const QString& name, const QString& id) {
        if (!std::isfinite(db) || db <= 0)
            return;
        attach(chart,
               lineSeries(
                   name, id,
                   seriesPen(id == QLatin1String("fp16") ? st.error() : QColor(0x56, 0xB4, 0xE9),
                             std::max(1.0, st.lineWidth * 0.7),
                             id == QLatin1String("fp16") ? Qt::DotLine : Qt::DashDotLine),
                   {QPointF(b.first - 0.5, db), QPointF(b.last + 0.5, db)}),
               x, y);
        lo = std::min(lo, db);
        hi = std::max(hi, db);
    };
    hline(s.fp16SqnrDb, QStringLiteral("fp16"), QStringLiteral("fp16"));
    hline(s.bf16SqnrDb, QStringLiteral("bf16"), QStringLiteral("bf16"));
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    fitTicks(y, std::min(0.0, lo), hi, yTicks(st));
    return chart;
}

QChart* buildSweepMseChart(const Sweep& s, const ChartStyle& st, const QString& subtitle)
{
    QChart* chart = newChart(st, QStringLiteral("MSE against bit width"), subtitle);
    QValueAxis* x = addBitsAxis(chart, s, st);
    QLogValueAxis* y = teachchart::addMseLogAxis(chart, st);
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    addMethodLines(
        chart, s, st, x, y,
        [](const SweepPoint& p) {
            return p.mse > 0 ? p.mse : std::numeric_limits<double>::quiet_NaN();
        },
        lo, hi);
    teachchart::logRange(y, lo, hi);
    y->setMinorTickCount(0);
    return chart;
}

} // namespace qs::ui
