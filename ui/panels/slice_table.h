// SliceTable: one row per slice (channel or group) of a QuantResult: data range, clip range,
// scale, zero point, MSE, SQNR and clipping. The model reads the result directly (no item per
// cell), so half a million groups cost nothing until scrolled into view; sorting permutes an
// index vector (none while the rows are in slice order). Sorting a big table runs on a worker
// thread: the rows keep their order until the sorted one arrives.
#pragma once

#include "core/quant/quantize.h"

#include <QAbstractTableModel>
#include <QTableView>

#include <memory>
#include <vector>

namespace qs::ui {

class SliceTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Slice,
        Elements,
        DataMin,
        DataMax,
        RangeMin,
        RangeMax,
        Scale,
        ZeroPoint,
        Mse,
        Sqnr,
        Clipped,
        ColumnCount
    };
    using QAbstractTableModel::QAbstractTableModel;

    void setResult(std::shared_ptr<const QuantResult> result);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void sort(int column, Qt::SortOrder order) override;
    // Numeric value of a cell for slice s (the sort key).
    double value(int64_t slice, int column) const;
    static double value(const QuantResult& result, int64_t slice, int column);
    // Slice of a row.
    int64_t sliceAt(int row) const { return m_order.empty() ? row : m_order[size_t(row)]; }
    // True while a sort runs on a worker thread.
    bool isSorting() const { return m_sorting; }

signals:
    void sorted(); // a sort (synchronous or on a worker) was applied

private:
    void applyOrder(std::vector<int64_t> order);
    std::shared_ptr<const QuantResult> m_result;
    int64_t m_rows = 0;
    std::vector<int64_t> m_order; // row -> slice; empty: row == slice
    quint64 m_sortTicket = 0;     // the newest sort request; older answers are dropped
    bool m_sorting = false;
};

class SliceTable : public QTableView {
    Q_OBJECT
public:
    explicit SliceTable(QWidget* parent = nullptr);
    void setResult(std::shared_ptr<const QuantResult> result);
    SliceTableModel* sliceModel() const { return m_model; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitToFont();
    SliceTableModel* m_model;
};

} // namespace qs::ui
