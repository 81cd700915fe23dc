// The Model view's table: one row per tensor of a model report, with its name, kind, layer,
// shape, parameters and stored type, the scheme the planner chose for it, then one column per
// scheme showing the chosen metric. ModelTableFilter sorts it (numbers as numbers, names in
// natural order, missing values last) and filters it by name, kind and layer.
#pragma once

#include "core/model/model_report.h"
#include "ui/views/model_metric.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <memory>
#include <vector>

namespace qs::ui {

class ModelTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        KindColumn,
        LayerColumn,
        ShapeColumn,
        ParamsColumn,
        StoredColumn,
        PlanColumn,
        FirstSchemeColumn
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // a double for numbers, a string for text
        TensorRole,                  // the row's index into the report's tensors
        SchemeRole                   // the cell's scheme index (the plan's choice), -1: none
    };

    explicit ModelTableModel(QObject* parent = nullptr);

    void setReport(std::shared_ptr<const ModelReport> report);
    const ModelReport* report() const { return m_report.get(); }
    void setMetric(ModelMetric metric);
    ModelMetric metric() const { return m_metric; }
    // The planner's scheme per tensor (-1: kept as stored); empty: no plan.
    void setPlan(std::vector<int> schemeOfTensor);
    const std::vector<int>& plan() const { return m_plan; }
    int schemeColumn(int scheme) const { return FirstSchemeColumn + scheme; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QVariant display(const TensorReport& t, int column) const;
    QVariant sortKey(const TensorReport& t, int row, int column) const;
    QVariant toolTip(const TensorReport& t, int row, int column) const;
    QString planText(int row) const;

    std::shared_ptr<const ModelReport> m_report;
    ModelMetric m_metric = ModelMetric::RelRmse;
    std::vector<int> m_plan;
};

// Sorts by ModelTableModel::SortRole and keeps the rows whose name, kind or layer match every
// word of the filter: "kind:attn_q" and "layer:3" match exactly, any other word is a
// case-insensitive part of the name or the kind ("q_proj", "mlp").
class ModelTableFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit ModelTableFilter(QObject* parent = nullptr);
    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_text;
    QStringList m_words;
};

// The text of a tensor's layer: "3", or "–" outside the numbered layers.
QString layerText(int layer);

} // namespace qs::ui
