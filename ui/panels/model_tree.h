// ModelTreeModel: the tensors of a model file as a tree of their dotted names
// ("model.layers.10.self_attn.q_proj.weight": model / layers / 10 / self_attn / q_proj.weight).
// Siblings are in natural order ("layers.2" before "layers.10", "blk2" before "blk10"); a group
// holding a single tensor is folded into it ("q_proj.weight"). Columns: name, stored type, shape,
// parameters, bytes; a group row shows the number of tensors and the totals of its subtree.
// The filter (case-insensitive substring of the full name) keeps the matching tensors and their
// groups, and the group totals count the matches only. Nodes live in one vector; a filter
// change is one pass over it, so 5,000 tensors stay interactive.
#pragma once

#include "core/io/tensor_file.h"
#include "ui/support/quantity_text.h"

#include <QAbstractItemModel>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace qs::ui {

// The type column: "Q4_K · 4.5 b/w" for block-quantized storage (3 digits: "Q6_K · 6.56 b/w"),
// else the file's dtype.
QString storedTypeShort(const TensorInfo& info);
// For sentences: "Q4_K, 4.5 bits/weight", else the file's dtype.
QString storedTypeText(const TensorInfo& info);
// "1 tensor", "5,000 tensors".
QString tensorCountText(int64_t count);

class ModelTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, ShapeColumn, ParamsColumn, SizeColumn, ColumnCount };
    enum Role {
        TensorNameRole = Qt::UserRole + 1, // full name of a tensor; empty for a group
        CountRole,                         // tensors in the row's subtree (matches only)
        ParamsRole,                        // their parameters (qint64)
        BytesRole                          // their stored bytes (qint64)
    };

    explicit ModelTreeModel(QObject* parent = nullptr);

    void setTensors(std::vector<TensorInfo> infos); // clears the filter
    const std::vector<TensorInfo>& tensors() const { return m_infos; }
    void setFilter(const QString& text);
    QString filter() const { return m_filter; }
    // The loaded tensor, shown in bold; empty for none.
    void setCurrent(const QString& name);
    QString current() const { return m_current; }

    int tensorCount() const { return int(m_infos.size()); }
    int matchCount() const; // tensors passing the filter
    // The row of a tensor, invalid if there is none or the filter hides it.
    QModelIndex indexOfTensor(const QString& name) const;
    QString tensorName(const QModelIndex& index) const;
    bool isGroup(const QModelIndex& index) const;
    // The longest text of each column (for column widths).
    QString widestText(int column) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    struct Node {
        QString label;
        int parent = -1;
        int tensor = -1; // index in m_infos; -1 for a group
        int row = 0;     // among the parent's shown children
        bool folded = false;
        std::vector<int> children; // natural order
        std::vector<int> shown;    // children with a match in their subtree
        int64_t count = 0, params = 0, bytes = 0;
    };

    void buildNodes();
    void foldSingleTensorGroups();
    void sortChildren();
    void tally(); // applies m_filter to counts and shown children
    int nodeOf(const QModelIndex& index) const;
    QString fullName(int node) const;
    QString displayText(const Node& n, int column) const;
    QString toolTip(const Node& n) const;

    std::vector<TensorInfo> m_infos;
    std::vector<int> m_leafOfTensor; // node of each tensor
    std::vector<Node> m_nodes;       // [0] is the root; children come after their parent
    QString m_filter;
    QString m_current;
    std::string m_currentName;
};

} // namespace qs::ui
