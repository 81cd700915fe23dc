#include "ui/charts/model_charts.h"

#include "ui/charts/axis_ticks.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/chart_fit.h"

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
        if (ChartFit* fit = ChartFit::of(chart)) { // a short plot keeps the name alone
            fit->setAxisTitles(axis, {axis->titleText(), name});
            fit->fitLogAxis(axis);
        }
        return axis;
    }
    QValueAxis* axis = addValueAxis(chart, st, Qt::AlignLeft, name);
    paddedTicks(axis, std::min(0.0, lo), hi, yTicks(st), 0.08);
    return axis;
}

// Where each scheme's name goes, in fractions of the plot (x right, y up): above its point,
// else below it, else (both taken) added to the label in the way ("q4_0, q4_k"). A label's box
// is estimated from its length for a plot of about 500 x 300 pixels.
struct LabelPlace {
    enum Where { Above, Below, Merged } where = Above;
    QString text;
};

std::vector<LabelPlace> placeLabels(const std::vector<QPointF>& at, const QStringList& names)
{
    constexpr double charW = 7.5 / 500, h = 18.0 / 300, gap = 10.0 / 300, markerW = 0.016;
    std::vector<QRectF> taken; // the markers, then the labels placed
    std::vector<size_t> owner; // the scheme of each
    for (size_t i = 0; i < at.size(); ++i) {
        taken.emplace_back(at[i].x() - markerW, at[i].y() - 1.6 * markerW, 2 * markerW,
                           3.2 * markerW);
        owner.push_back(i);
    }
    auto hit = [&](const QRectF& box, size_t self) -> int {
        for (size_t j = 0; j < taken.size(); ++j)
            if (owner[j] != self && taken[j].intersects(box))
                return int(j);
        return -1;
    };
    std::vector<LabelPlace> out(at.size());
    for (size_t i = 0; i < at.size(); ++i) {
        out[i].text = names[int(i)];
        const double w = charW * double(names[int(i)].size()) + 0.01;
        const QRectF above(at[i].x() - w / 2, at[i].y() + gap, w, h);
        const QRectF below(at[i].x() - w / 2, at[i].y() - gap - h, w, h);
        const int up = hit(above, i);
        if (up >= 0 && hit(below, i) < 0) {
            out[i].where = LabelPlace::Below;
            taken.push_back(below);
            owner.push_back(i);
            continue;
        }
        const size_t other = up >= 0 ? owner[size_t(up)] : i;
        if (other != i && out[other].where != LabelPlace::Merged && other < i) {
            out[other].text += QStringLiteral(", ") + names[int(i)];
            out[i].where = LabelPlace::Merged;
            continue;
        }
        taken.push_back(above);
        owner.push_back(i);
    }
    return out;
}

// A point's position on the axes as fractions of the plot (log axes in log space).
QPointF plotFraction(const QPointF& p, const QAbstractAxis* x, const QAbstractAxis* y)
{
    auto fraction = [](double v, const QAbstractAxis* axis) {
        if (const auto* log = qobject_cast<const QLogValueAxis*>(axis))
            return (std::log10(v) - std::log10(log->min())) /
                   (std::log10(log->max()) - std::log10(log->min()));
        const auto* lin = static_cast<const QValueAxis*>(axis);
        return (v - lin->min()) / (lin->max() - lin->min());
    };
    return {fraction(p.x(), x), fraction(p.y(), y)};
}

// The point a label below `p` hangs from: a label is drawn above its point, so this point lies
// a label's height and a gap under p.
QPointF belowAnchor(const QPointF& p, const QAbstractAxis* y)
{
    constexpr double drop = 30.0 / 300;
    if (const auto* log = qobject_cast<const QLogValueAxis*>(y))
        return {p.x(), p.y() * std::pow(log->max() / log->min(), -drop)};
    const auto* lin = static_cast<const QValueAxis*>(y);
    return {p.x(), p.y() - drop * (lin->max() - lin->min())};
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
    std::vector<QPointF> at;
    QStringList names;
    for (const auto& s : in.schemes) {
        at.push_back(plotFraction(s.total, xAxis, yAxis));
        names << s.name;
    }
    const std::vector<LabelPlace> places = placeLabels(at, names);
    for (int i = 0; i < int(in.schemes.size()); ++i) {
        const auto& s = in.schemes[size_t(i)];
        const LabelPlace& place = places[size_t(i)];
        auto* p = scatter(s.name, QStringLiteral("scheme:") + s.name, st.cycle(i),
                          12 * st.fontScale, positive({s.total}));
        attach(chart, p, xAxis, yAxis);
        hideFromLegend(chart, p);
        QScatterSeries* label = p;
        if (place.where == LabelPlace::Below) { // an invisible point under it carries the name
            label = scatter(s.name, QStringLiteral("label:") + s.name, Qt::transparent, 1,
                            positive({belowAnchor(s.total, yAxis)}));
            label->setBorderColor(Qt::transparent);
            attach(chart, label, xAxis, yAxis);
            hideFromLegend(chart, label);
        }
        if (place.where == LabelPlace::Merged)
            continue;
        label->setPointLabelsVisible(true);
        label->setPointLabelsFormat(place.text); // no @ placeholder: the text itself
        label->setPointLabelsFont(chartFont(st, 12, true));
        label->setPointLabelsColor(st.text());
        label->setPointLabelsClipping(false);
    }
    if (in.hasChoice) {
        auto* c = scatter(QObject::tr("plan at the budget"), QStringLiteral("planChoice"),
                          st.text(), 14 * st.fontScale, positive({in.choice}));
        c->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
        attach(chart, c, xAxis, yAxis);
    }
    chart->legend()->setVisible(tensorsShown || !in.planCurve.isEmpty() || in.hasChoice);
    return chart;
}

} // namespace qs::ui
