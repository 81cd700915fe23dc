// Clipping curve view: quantization MSE against the clipping threshold at the current bit
// width, split into rounding and clipping error, with markers where min-max, percentile,
// MSE-optimal and entropy land. Computed off the GUI thread; a new setAnalysis() cancels the
// running computation.
// Usage: auto* v = new qs::ui::ClippingView(parent); v->setAnalysis(tensor, result);
#pragma once

#include "core/analysis/clipping_curve.h"
#include "core/base/error.h"
#include "ui/views/view_job.h"

class QChartView;

namespace qs::ui {

class ClippingView : public BackgroundAnalysisView {
    Q_OBJECT
public:
    explicit ClippingView(QWidget* parent = nullptr);

    QString viewName() const override { return QStringLiteral("clipping"); }
    QString viewTitle() const override { return tr("Clipping curve"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    QList<QChart*> exportCharts() override;
    void setPresentationMode(bool on) override;

    const ClippingCurve* curve() const { return m_curve ? &*m_curve : nullptr; }
    QChart* chart() const;

private:
    void rebuildChart();
    void clearValue() override { m_curve.reset(); }
    void rebuild() override { rebuildChart(); }

    std::shared_ptr<ClippingCurve> m_curve;
    QChartView* m_view = nullptr;
};

} // namespace qs::ui
