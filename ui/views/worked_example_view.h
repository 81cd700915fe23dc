// Worked example view: one element's whole path through quantization (x -> x/s -> + z ->
// rounding -> clip -> q -> x^ -> error) with the actual numbers, as rich text from the core's
// workedExampleHtml. The index is typed into a spin box, or set by the window through the
// public slot showElement() when the user clicks a point of the values chart.
// Usage: auto* v = new qs::ui::WorkedExampleView(parent); v->setAnalysis(tensor, result);
//        connect(valuesChart, &..., v, &qs::ui::WorkedExampleView::showElement);
#pragma once

#include "ui/views/analysis_view.h"

class QLabel;
class QSpinBox;
class QTextBrowser;

namespace qs::ui {

class WorkedExampleView : public AnalysisView {
    Q_OBJECT
public:
    explicit WorkedExampleView(QWidget* parent = nullptr);

    QString viewName() const override { return QStringLiteral("worked-example"); }
    QString viewTitle() const override { return tr("Worked example"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    void setPresentationMode(bool on) override;

    int64_t currentIndex() const;
    QString html() const; // the text shown (rich text)
    QString plainText() const;

public slots:
    // Shows element `index` (flat); out-of-range indices are clamped and said so.
    void showElement(int64_t index);

private:
    void refresh();

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    QSpinBox* m_index = nullptr;
    QLabel* m_value = nullptr;
    QTextBrowser* m_text = nullptr;
    QString m_html;
};

} // namespace qs::ui
