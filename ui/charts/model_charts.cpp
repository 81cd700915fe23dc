#include "ui/charts/model_charts.h"

#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"

#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

namespace qs::ui {

using namespace chartcommon;

namespace {

QScatterSeries* scatter(const QString& name, const QString& id, const QColor& colour, double size,
                        const QList<QPointF>& points)
{
    auto* s = new QScatterSeries;
    s->setName(name);
    s->setObjectName(id);
    s->setColor(colour);
    s->setBorderColor(colour.darker(130));
    s->setMarkerSize(size);
    s->replace(points);
    return s;
}

// The range of every point the chart shows.
void extent(const ModelParetoInput& in, MinMax& x, MinMax& y)
{
    auto add = [&](const QPointF& p) {
        x.add(p.x());
        if (p.y() > 0)
            y.add(p.y());
    };
    for (const auto& s : in.schemes) {
        add(s.total);
        for (const QPointF& p : s.tensors)
            add(p);
    }
    for (const QPointF& p : in.planCurve)
        add(p);
}

QAbstractAxis* errorAxis(QChart* chart, const ChartStyle& st, const QString& name, const MinMax& y)
{
    const double lo = y.valid() ? y.lo : 1e-6, hi = y.valid() ? y.hi : 1;
    if (hi > 10 * lo) {
        auto* axis = styleAxis(new QLogValueAxis, st, QObject::tr("%1 (log scale)").arg(name));
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%.0e"));
        axis->setRange(std::pow(10, std::floor(std::log10(lo))),
                       std::pow(10, std::ceil(std::log10(hi))));
        chart->addAxis(axis, Qt::AlignLeft);
        return axis;
    }
    QValueAxis* axis = addValueAxis(chart, st, Qt::AlignLeft, name);
    paddedTicks(axis, std::min(0.0, lo), hi, yTicks(st), 0.08);
    return axis;
}

} // namespace

QChart* buildModelParetoChart(const ModelParetoInput& in, const ChartStyle& st)
{
    QChart* chart = newChart(st, QObject::tr("Error against bits per weight"), in.subtitle);
    MinMax x, y;
    extent(in, x, y);
    QValueAxis* xAxis = addValueAxis(chart, st, Qt::AlignBottom, QObject::tr("bits per weight"));
    paddedTicks(xAxis, x.valid() ? x.lo : 0, x.valid() ? x.hi : 8, xTicks(st), 0.08);
    QAbstractAxis* yAxis = errorAxis(chart, st, in.errorName, y);
    auto positive = [](QList<QPointF> pts) { // a log axis cannot show 0
        pts.removeIf([](const QPointF& p) { return !(p.y() > 0) || !std::isfinite(p.x()); });
        return pts;
    };
    bool tensorsShown = false;
    for (int i = 0; i < int(in.schemes.size()); ++i) {
        const auto& s = in.schemes[size_t(i)];
        if (s.tensors.isEmpty())
            continue;
        auto* t = scatter(QObject::tr("tensors"), QStringLiteral("tensors:") + s.name,
                          withAlpha(st.cycle(i), 110), 6 * st.fontScale, positive(s.tensors));
        t->setBorderColor(Qt::transparent);
        attach(chart, t, xAxis, yAxis);
        if (tensorsShown)
            hideFromLegend(chart, t);
        tensorsShown = true;
    }
    if (!in.planCurve.isEmpty()) {
        QLineSeries* curve =
            lineSeries(QObject::tr("planner's Pareto curve"), QStringLiteral("planCurve"),
                       seriesPen(st.text(), st.lineWidth, Qt::DashLine), positive(in.planCurve));
        attach(chart, curve, xAxis, yAxis);
    }
    for (int i = 0; i < int(in.schemes.size()); ++i) {
        const auto& s = in.schemes[size_t(i)];
        auto* p = scatter(s.name, QStringLiteral("scheme:") + s.name, st.cycle(i),
                          12 * st.fontScale, positive({s.total}));
        p->setPointLabelsVisible(true);
        p->setPointLabelsFormat(s.name); // no @ placeholder: the name itself
        p->setPointLabelsFont(chartFont(st, 12, true));
        p->setPointLabelsColor(st.text());
        p->setPointLabelsClipping(false);
        attach(chart, p, xAxis, yAxis);
        hideFromLegend(chart, p);
    }
    if (in.hasChoice) {
        auto* c = scatter(QObject::tr("plan at the budget"), QStringLiteral("planChoice"),
                          st.error(), 14 * st.fontScale, positive({in.choice}));
        c->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
        attach(chart, c, xAxis, yAxis);
    }
    chart->legend()->setVisible(tensorsShown || !in.planCurve.isEmpty() || in.hasChoice);
    return chart;
}

} // namespace qs::ui
