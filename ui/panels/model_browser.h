// ModelBrowser: picks a tensor of a model file. A filter box ("n of m tensors"; Ctrl+F focuses
// it, Down moves to the tree, Enter loads the only match, Escape clears it) above the tree of
// ModelTreeModel. Clicking a tensor or pressing Enter on it asks for it (tensorActivated); the
// loaded tensor is shown in bold, with its groups expanded. Without a filter the top groups are
// open; with one every group holding a match is.
#pragma once

#include "core/io/tensor_file.h"
#include "ui/panels/model_tree.h"

#include <QElapsedTimer>
#include <QGroupBox>

#include <array>
#include <vector>

class QLabel;
class QLineEdit;
class QModelIndex;
class QTreeView;

namespace qs::ui {

class ModelBrowser : public QGroupBox {
    Q_OBJECT
public:
    explicit ModelBrowser(QWidget* parent = nullptr);

    // Shows `tensors` with `current` loaded. The same list again only moves the current tensor
    // (the filter and the open groups stay).
    void setTensors(const std::vector<TensorInfo>& tensors, const QString& current);
    void setCurrent(const QString& name);
    void clear();

    QTreeView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }
    ModelTreeModel* model() const { return m_model; }
    QString countText() const;

signals:
    void tensorActivated(const QString& name);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyFilter(const QString& text);
    void expandDefault();
    void revealCurrent();
    void fitColumns();
    void fitNameColumn();
    void activate(const QModelIndex& index);
    void updateCount();

    ModelTreeModel* m_model;
    QTreeView* m_view;
    QLineEdit* m_filter;
    QLabel* m_count;
    std::array<int, ModelTreeModel::ColumnCount>
        m_widths{};          // of each column, as fitColumns wants them
    int m_nameWanted = 0;    // the name column wide enough for whole names (within a limit)
    QString m_lastActivated; // a double click activates once
    QElapsedTimer m_lastActivation;
};

} // namespace qs::ui
