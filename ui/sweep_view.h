// Bit-width sweep view: SQNR (dB) and MSE (log axis) against bits 1..16 for each range method
// on the current tensor and configuration, with the 6.02 dB-per-bit reference line. The sweep
// runs off the GUI thread (QtConcurrent); a new setAnalysis() cancels the running one.
// Usage: auto* v = new qs::ui::SweepView(parent); v->setAnalysis(tensor, result);
//        viewUpdated() fires when the charts show the new sweep (or a message why not).
#pragma once

#include "core/error.h"
#include "core/sweep.h"
#include "ui/analysis_view.h"

class QChartView;
class QLabel;

namespace qs::ui {

class SweepView : public AnalysisView {
    Q_OBJECT
public:
    explicit SweepView(QWidget* parent = nullptr);
    ~SweepView() override;

    QString viewName() const override { return QStringLiteral("sweep"); }
    QString viewTitle() const override { return tr("Bit-width sweep"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    QList<QChart*> exportCharts() override;
    void setPresentationMode(bool on) override;

    bool isComputing() const override { return m_computing; }
    const Sweep* sweep() const { return m_sweep ? &*m_sweep : nullptr; } // null until computed
    QChart* sqnrChart() const;
    QChart* mseChart() const;
    QString statusText() const;

private:
    void rebuildCharts();

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    std::shared_ptr<CancelToken> m_cancel;
    std::shared_ptr<Sweep> m_sweep;
    int m_generation = 0;
    bool m_computing = false;
    QLabel* m_status = nullptr;
    QChartView* m_sqnr = nullptr;
    QChartView* m_mse = nullptr;
};

} // namespace qs::ui
