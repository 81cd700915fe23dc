// Number line view: the real axis with every representable value of the current result, the
// clipping range and arrows from sample values to the codes they land on. Readable at 1-4 bits
// (every code labelled), summarised at 8+ (grid drawn as a band, every k-th code labelled).
// Usage: auto* v = new qs::ui::NumberLineView(parent); v->setAnalysis(tensor, result);
// Per-channel / per-group results: a spin box picks the slice whose grid is drawn.
#pragma once

#include "ui/charts/teaching/teach_charts.h"
#include "ui/views/analysis_view.h"

class QChartView;
class QLabel;
class QSpinBox;

namespace qs::ui {

class NumberLineView : public AnalysisView {
    Q_OBJECT
public:
    explicit NumberLineView(QWidget* parent = nullptr);
    ~NumberLineView() override;

    QString viewName() const override { return QStringLiteral("number-line"); }
    QString viewTitle() const override { return tr("Number line"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    QList<QChart*> exportCharts() override;
    void setPresentationMode(bool on) override;

    QChart* chart() const; // null when nothing can be drawn
    const NumberLineData& data() const { return m_data; }

private:
    void rebuild();

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    NumberLineData m_data;
    QChartView* m_view = nullptr;
    QLabel* m_message = nullptr;
    QSpinBox* m_slice = nullptr;
    QLabel* m_sliceLabel = nullptr;
};

} // namespace qs::ui
