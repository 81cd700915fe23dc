#include "ui/slice_table.h"

#include "ui/numbers_panel.h"

#include <QHeaderView>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace qs::ui {

void SliceTableModel::setResult(std::shared_ptr<const QuantResult> result)
{
    beginResetModel();
    m_result = std::move(result);
    m_order.clear();
    if (m_result) {
        m_order.resize(size_t(m_result->params.numSlices()));
        std::iota(m_order.begin(), m_order.end(), int64_t(0));
    }
    endResetModel();
}

int SliceTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}

int SliceTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double SliceTableModel::value(int64_t s, int column) const
{
    const QuantParams& p = m_result->params;
    const bool hasMetrics = size_t(s) < m_result->sliceMetrics.size();
    const Metrics& m = hasMetrics ? m_result->sliceMetrics[size_t(s)] : m_result->metrics;
    auto at = [s](const auto& v) { return size_t(s) < v.size() ? double(v[size_t(s)]) : NAN; };
    switch (column) {
    case Slice:
        return double(s);
    case Elements:
        return double(p.layout.sliceSize(s));
    case DataMin:
        return at(p.dataMin);
    case DataMax:
        return at(p.dataMax);
    case RangeMin:
        return at(p.rangeMin);
    case RangeMax:
        return at(p.rangeMax);
    case Scale:
        return at(p.scale);
    case ZeroPoint:
        return at(p.zeroPoint);
    case Mse:
        return m.mse;
    case Sqnr:
        return m.sqnrDb;
    case Clipped:
        return 100.0 * (m.clippedLow + m.clippedHigh);
    default:
        return NAN;
    }
}

QVariant SliceTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_result || !index.isValid() || size_t(index.row()) >= m_order.size())
        return {};
    const int64_t s = m_order[size_t(index.row())];
    const double v = value(s, index.column());
    if (role == Qt::DisplayRole) {
        if (index.column() == Slice || index.column() == Elements || index.column() == ZeroPoint)
            return std::isfinite(v) ? QString::number(int64_t(v)) : QStringLiteral("-");
        return formatNumber(v, index.column() == Sqnr || index.column() == Clipped ? 4 : 6);
    }
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return v;
    return {};
}

QVariant SliceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char* names[] = {"Slice",    "Elements", "Data min", "Data max",
                                  "Clip min", "Clip max", "Scale",    "Zero pt",
                                  "MSE",      "SQNR dB",  "Clipped %"};
    static const char* tips[] = {"Channel or group index (row-major over the slices)",
                                 "Elements in the slice",
                                 "Smallest finite value",
                                 "Largest finite value",
                                 "Clipping range low end s*(qmin - z)",
                                 "Clipping range high end s*(qmax - z)",
                                 "Scale s of the slice",
                                 "Zero point z of the slice",
                                 "Mean squared error of the slice",
                                 "20 log10(||x|| / ||x - x^||)",
                                 "Percentage of values clipped at either end"};
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

void SliceTableModel::sort(int column, Qt::SortOrder order)
{
    if (!m_result || column < 0 || column >= ColumnCount)
        return;
    emit layoutAboutToBeChanged();
    // NaN sorts last in both orders; ties keep slice order (stable).
    std::stable_sort(m_order.begin(), m_order.end(), [&](int64_t a, int64_t b) {
        const double va = value(a, column), vb = value(b, column);
        if (std::isnan(va) || std::isnan(vb))
            return !std::isnan(va) && std::isnan(vb);
        return order == Qt::AscendingOrder ? va < vb : va > vb;
    });
    emit layoutChanged();
}

SliceTable::SliceTable(QWidget* parent) : QTableView(parent), m_model(new SliceTableModel(this))
{
    setObjectName(QStringLiteral("sliceTable"));
    setModel(m_model);
    setSortingEnabled(true);
    sortByColumn(SliceTableModel::Slice, Qt::AscendingOrder);
    setAlternatingRowColors(true);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setWordWrap(false);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    horizontalHeader()->setDefaultSectionSize(
        fontMetrics().horizontalAdvance(QStringLiteral("-0.000000000")) + 12);
    horizontalHeader()->setStretchLastSection(true);
    const int narrow = fontMetrics().horizontalAdvance(QStringLiteral("Elements")) + 24;
    for (int c : {SliceTableModel::Slice, SliceTableModel::Elements, SliceTableModel::ZeroPoint})
        setColumnWidth(c, narrow);
}

void SliceTable::setResult(std::shared_ptr<const QuantResult> result)
{
    m_model->setResult(std::move(result));
    const int column = horizontalHeader()->sortIndicatorSection();
    if (column > 0)
        m_model->sort(column, horizontalHeader()->sortIndicatorOrder());
}

} // namespace qs::ui
