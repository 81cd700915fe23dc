// Block inspector: one block of the current result as its format stores it
// (core/analysis/block_anatomy.h): the bytes in hex, the fields decoded from them and a sortable
// table of its elements (i, x, code, grid index, grid value, x^, error). A spin box with
// previous / next buttons picks the block; the window calls showElement() when a point of the
// values chart is clicked. Schemes without blocks show what to choose instead.
// Usage: auto* v = new qs::ui::BlockInspectorView(parent); v->setAnalysis(tensor, result);
#pragma once

#include "core/analysis/block_anatomy.h"
#include "ui/views/analysis_view.h"

class QLabel;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;
class QTableWidget;
class QToolButton;

namespace qs::ui {

class BlockInspectorView : public AnalysisView {
    Q_OBJECT
public:
    explicit BlockInspectorView(QWidget* parent = nullptr);

    QString viewName() const override { return QStringLiteral("block-inspector"); }
    QString viewTitle() const override { return tr("Block inspector"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    void setPresentationMode(bool on) override;

    int64_t currentBlock() const;
    int64_t blockCount() const { return m_count; }
    const BlockAnatomy& anatomy() const { return m_anatomy; } // empty without blocks
    QString message() const;                                  // the empty state's text

    QSpinBox* blockSpin() const { return m_block; }
    QTableWidget* fieldsTable() const { return m_fields; }
    QTableWidget* elementsTable() const { return m_elements; }
    QPlainTextEdit* hexPane() const { return m_hex; }

public slots:
    // Shows the block holding element `index` (flat) and selects its row.
    void showElement(int64_t index);
    // Shows block `block` now if the current result has it, and once more when the next result
    // arrives (a lesson step names its block before its result is computed).
    void selectBlock(int64_t block);

private:
    QWidget* buildControls();
    QWidget* buildTables();
    void refresh();
    void showEmpty(const QString& text);
    void fillFields();
    void fillElements();
    void selectElement(int64_t index);

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    BlockAnatomy m_anatomy;
    int64_t m_count = 0;
    int64_t m_pendingBlock = -1; // selectBlock() for the next result
    QStackedWidget* m_stack = nullptr;
    QLabel* m_empty = nullptr;
    QSpinBox* m_block = nullptr;
    QLabel* m_of = nullptr;
    QToolButton* m_prev = nullptr;
    QToolButton* m_next = nullptr;
    QLabel* m_summary = nullptr;
    QPlainTextEdit* m_hex = nullptr;
    QTableWidget* m_fields = nullptr;
    QTableWidget* m_elements = nullptr;
};

} // namespace qs::ui
