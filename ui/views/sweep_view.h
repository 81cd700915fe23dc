// Bit-width sweep view: SQNR (dB) and MSE (log axis) against bits 1..16 for each range method
// on the current tensor and configuration, with the 6.02 dB-per-bit reference line. The sweep
// runs off the GUI thread (QtConcurrent); a new setAnalysis() cancels the running one.
// Usage: auto* v = new qs::ui::SweepView(parent); v->setAnalysis(tensor, result);
//        viewUpdated() fires when the charts show the new sweep (or a message why not).
#pragma once

#include "core/analysis/sweep.h"
#include "core/base/error.h"
#include "ui/views/view_job.h"

class QChartView;

namespace qs::ui {

class SweepView : public BackgroundAnalysisView {
    Q_OBJECT
public:
    explicit SweepView(QWidget* parent = nullptr);

    QString viewName() const override { return QStringLiteral("sweep"); }
    QString viewTitle() const override { return tr("Bit-width sweep"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    QList<QChart*> exportCharts() override;
    void setPresentationMode(bool on) override;

    const Sweep* sweep() const { return m_sweep ? &*m_sweep : nullptr; } // null until computed
    QChart* sqnrChart() const;
    QChart* mseChart() const;

private:
    void rebuildCharts();
    void clearValue() override { m_sweep.reset(); }
    void rebuild() override { rebuildCharts(); }

    std::shared_ptr<Sweep> m_sweep;
    QChartView* m_sqnr = nullptr;
    QChartView* m_mse = nullptr;
};

} // namespace qs::ui
