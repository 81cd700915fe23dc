// The Model view's chart: error against bits per weight. Each scheme's model total is a point
// labelled with the scheme's name; on demand each tensor's points under every scheme (small,
// translucent, in the scheme's colour); the planner's Pareto curve and the point it chose for the
// budget. The error axis is logarithmic when the errors span more than a factor of ten.
// Series objectNames: "scheme:<name>" (one point each), "tensors:<name>", "planCurve",
// "planChoice".
#pragma once

#include "ui/charts/charts.h"

#include <QList>
#include <QPointF>
#include <QString>

#include <vector>

class QChart;

namespace qs::ui {

struct ModelParetoInput {
    QString subtitle;  // the model file and what the error is
    QString errorName; // the y axis: "SSE", "rel RMSE"
    struct Scheme {
        QString name;
        QPointF total;          // (bits per weight, error) over the model
        QList<QPointF> tensors; // (bits per weight, error) per tensor; empty: not shown
    };
    std::vector<Scheme> schemes;
    QList<QPointF> planCurve; // ascending bits per weight; empty: no plan
    bool hasChoice = false;
    QPointF choice; // the plan at the budget
};

QChart* buildModelParetoChart(const ModelParetoInput& input, const ChartStyle& style);

} // namespace qs::ui
