// FloatPitfallsView: a table of what fp16 (IEEE binary16) and bf16 make of chosen values (seed
// 004's LayerNorm epsilon of 1e-12 flushed to zero, values above 65504 overflowing), plus the
// extremes of the current tensor (largest magnitude, smallest nonzero magnitude). The user can
// type their own values. Each value takes two rows of the table, fp16 above bf16, its input and
// float32 spanning both. Numbers come from qs::floatPitfalls; the view only formats them.
#pragma once

#include "core/teach/float_pitfalls.h"
#include "ui/views/analysis_view.h"

#include <vector>

class QLabel;
class QLineEdit;
class QTableWidget;

namespace qs::ui {

class FloatPitfallsView : public AnalysisView {
    Q_OBJECT
public:
    explicit FloatPitfallsView(QWidget* parent = nullptr);

    QString viewName() const override { return QStringLiteral("float-pitfalls"); }
    QString viewTitle() const override { return tr("fp16 pitfalls"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    void setPresentationMode(bool on) override;

    // Replaces the user values (the default list when empty). Throws nothing: bad text is
    // reported in the view's status line.
    void setValuesText(const QString& text);
    // The rows shown (user values, then the tensor's extremes).
    const std::vector<FloatPitfall>& rows() const { return m_rows; }
    QTableWidget* table() const { return m_table; }

private:
    void rebuild();
    void setConversionRow(int row, const QString& format, const FloatConversion& c);
    void fitColumns();

    QLineEdit* m_values = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_table = nullptr;
    std::vector<double> m_userValues;
    std::vector<double> m_tensorValues; // max |x|, min nonzero |x| of the current tensor
    std::vector<FloatPitfall> m_rows;
};

} // namespace qs::ui
