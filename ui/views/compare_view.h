// A/B comparison view: "Pin current" keeps the current configuration under a letter (A, B, C,
// ...); a table lists every pin and the current configuration with their metrics (MSE, RMSE,
// MAE, max error, SQNR, clipped %, levels, bits per element) and the difference of each to the
// first pin; two charts overlay their dequantized values by index and their error histograms.
// Every pinned configuration is re-quantized on the current tensor off the GUI thread
// (qs::compareConfigs), so the comparison is always on the same data; a pin made on another
// tensor is flagged in the table. "Apply" emits configRequested() with the selected pin.
// Usage: auto* v = new qs::ui::CompareView(parent); v->setAnalysis(tensor, result);
//        connect(v, &qs::ui::AnalysisView::configRequested, window, &Window::applyConfig);
#pragma once

#include "core/analysis/compare.h"
#include "core/base/error.h"
#include "ui/views/analysis_view.h"

#include <QStringList>

#include <vector>

class QChartView;
class QLabel;
class QPushButton;
class QTableWidget;

namespace qs::ui {

class CompareView : public AnalysisView {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    QString viewName() const override { return QStringLiteral("compare"); }
    QString viewTitle() const override { return tr("A/B comparison"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    QList<QChart*> exportCharts() override;
    void setPresentationMode(bool on) override;

    struct Pin {
        QString label; // "A", "B", ...
        QuantConfig config;
        std::shared_ptr<const Tensor> tensor; // the tensor it was pinned on
    };
    const std::vector<Pin>& pins() const { return m_pins; }
    // The last comparison: the pins in order, then the current configuration. Null while
    // computing or when there is no result.
    const Comparison* comparison() const { return m_comparison ? &*m_comparison : nullptr; }
    bool isComputing() const override { return m_computing; }
    QTableWidget* table() const { return m_table; }
    QChart* valuesChart() const;
    QChart* errorChart() const;

public slots:
    void pinCurrent();
    // Pins `config` as it would quantize the current tensor (a preset, a configuration from
    // the command line); nothing without a tensor.
    void pinConfig(const qs::QuantConfig& config);
    void removePin(int index);
    void clearPins();
    void applyPin(int index); // emits configRequested(pins()[index].config)

private:
    void recompute();
    void rebuild();
    void updateButtons();
    QString nextLabel() const;

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    std::vector<Pin> m_pins;
    std::shared_ptr<CancelToken> m_cancel;
    std::shared_ptr<Comparison> m_comparison;
    QStringList m_labels; // legend / row labels of the comparison's entries
    int m_generation = 0;
    int m_pinCount = 0; // pins ever made, for the next letter
    bool m_computing = false;
    QLabel* m_status = nullptr;
    QTableWidget* m_table = nullptr;
    QPushButton* m_pin = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_clear = nullptr;
    QPushButton* m_apply = nullptr;
    QChartView* m_values = nullptr;
    QChartView* m_errors = nullptr;
};

} // namespace qs::ui
