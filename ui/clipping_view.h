// Clipping curve view: quantization MSE against the clipping threshold at the current bit
// width, split into rounding and clipping error, with markers where min-max, percentile,
// MSE-optimal and entropy land. Computed off the GUI thread; a new setAnalysis() cancels the
// running computation.
// Usage: auto* v = new qs::ui::ClippingView(parent); v->setAnalysis(tensor, result);
#pragma once

#include "core/clipping_curve.h"
#include "core/error.h"
#include "ui/analysis_view.h"

class QChartView;
class QLabel;

namespace qs::ui {

class ClippingView : public AnalysisView {
    Q_OBJECT
public:
    explicit ClippingView(QWidget* parent = nullptr);
    ~ClippingView() override;

    QString viewName() const override { return QStringLiteral("clipping"); }
    QString viewTitle() const override { return tr("Clipping curve"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    QList<QChart*> exportCharts() override;
    void setPresentationMode(bool on) override;

    bool isComputing() const override { return m_computing; }
    const ClippingCurve* curve() const { return m_curve ? &*m_curve : nullptr; }
    QChart* chart() const;
    QString statusText() const;

private:
    void rebuildChart();

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    std::shared_ptr<CancelToken> m_cancel;
    std::shared_ptr<ClippingCurve> m_curve;
    int m_generation = 0;
    bool m_computing = false;
    QLabel* m_status = nullptr;
    QChartView* m_view = nullptr;
};

} // namespace qs::ui
