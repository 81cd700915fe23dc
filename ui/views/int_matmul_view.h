// IntMatmulView: integer matrix multiplication as inference engines do it (the float16-vs-int8
// notebook's "how does INT8 give the same result", docs/REFERENCES.md). Shows the two matrices with
// their codes, the int32 accumulation with every zero-point correction term, the float product
// against the dequantized integer result, the int16 accumulation with its wraparounds, and the
// requantization to 8 bits with the fixed-point multiplier M0 * 2^-shift. All arithmetic is
// qs::integerMatmul; the view formats it. It starts on reference example T13 (2 x 2, exact);
// generated examples have seedable sizes.
#pragma once

#include "core/teach/int_matmul.h"
#include "ui/views/analysis_view.h"

class QCheckBox;
class QLabel;
class QSpinBox;
class QTextBrowser;

namespace qs::ui {

class IntMatmulView : public AnalysisView {
    Q_OBJECT
public:
    explicit IntMatmulView(QWidget* parent = nullptr);

    QString viewName() const override { return QStringLiteral("int-matmul"); }
    QString viewTitle() const override { return tr("Integer math"); }
    // The example does not depend on the window's tensor.
    void setAnalysis(std::shared_ptr<const Tensor>, std::shared_ptr<const QuantResult>) override
    {
        emit viewUpdated();
    }

    // Reference example T13: qA uint8 (0.5, 10) [[12,8],[10,14]], qB int8 (0.25, 0)
    // [[4,-8],[2,6]], output scale 0.25, zero point 128.
    void showT13();
    // A generated example (sizes, seed and ranges from options); errors go to the status line.
    void showDemo(const IntMatmulDemoOptions& options);

    const QuantMatrix& matrixA() const { return m_a; }
    const QuantMatrix& matrixB() const { return m_b; }
    const IntMatmulResult& result() const { return m_result; }
    bool isT13() const { return m_isT13; }
    QString text() const; // the shown text, plain
    QString lastError() const { return m_error; }

private:
    void compute(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out);
    void render();
    QString accumulationHtml() const;
    QString int16Html() const;
    QString requantizationHtml() const;
    IntMatmulDemoOptions optionsFromControls() const;

    QSpinBox* m_m = nullptr;
    QSpinBox* m_k = nullptr;
    QSpinBox* m_n = nullptr;
    QSpinBox* m_seed = nullptr;
    QCheckBox* m_outSigned = nullptr;
    QLabel* m_status = nullptr;
    QTextBrowser* m_text = nullptr;
    QuantMatrix m_a, m_b;
    OutputQuant m_out;
    IntMatmulResult m_result;
    bool m_isT13 = false;
    QString m_error;
};

} // namespace qs::ui
