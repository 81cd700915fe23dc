#include "ui/panels/slice_table.h"

#include "ui/panels/column_header.h"
#include "ui/panels/numbers_panel.h"
#include "ui/support/run_async.h"
#include "ui/support/table_rows.h"

#include <QEvent>
#include <QHeaderView>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

namespace qs::ui {

namespace {

// Up to this many slices a sort runs at once; above, on a worker thread.
constexpr int64_t kAsyncSortRows = 20000;

// Rows in the order of `column`: NaN last in both orders, ties keep slice order (stable).
std::vector<int64_t> sortedOrder(const QuantResult& r, int column, Qt::SortOrder order)
{
    const int64_t n = r.params.numSlices();
    std::vector<double> key(static_cast<size_t>(n));
    for (int64_t s = 0; s < n; ++s)
        key[size_t(s)] = SliceTableModel::value(r, s, column);
    std::vector<int64_t> rows(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), int64_t(0));
    std::stable_sort(rows.begin(), rows.end(), [&](int64_t a, int64_t b) {
        const double va = key[size_t(a)], vb = key[size_t(b)];
        if (std::isnan(va) || std::isnan(vb))
            return !std::isnan(va) && std::isnan(vb);
        return order == Qt::AscendingOrder ? va < vb : va > vb;
    });
    return rows;
}

} // namespace

void SliceTableModel::setResult(std::shared_ptr<const QuantResult> result)
{
    beginResetModel();
    ++m_sortTicket; // a sort of the previous result must not land on this one
    m_sorting = false;
    m_result = std::move(result);
    m_rows = m_result ? m_result->params.numSlices() : 0;
    m_order.clear();
    endResetModel();
}

int SliceTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows);
}

int SliceTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double SliceTableModel::value(int64_t s, int column) const
{
    return m_result ? value(*m_result, s, column) : NAN;
}

double SliceTableModel::value(const QuantResult& r, int64_t s, int column)
{
    const QuantParams& p = r.params;
    const bool hasMetrics = size_t(s) < r.sliceMetrics.size();
    const Metrics& m = hasMetrics ? r.sliceMetrics[size_t(s)] : r.metrics;
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
    case ZeroPoint: // the real one of hqq / grid-search, else the integer
        return p.realZeroPoint.empty() ? at(p.zeroPoint) : at(p.realZeroPoint);
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
    if (!m_result || !index.isValid() || index.row() >= m_rows)
        return {};
    const int64_t s = sliceAt(index.row());
    const double v = value(s, index.column());
    if (role == Qt::DisplayRole) {
        const bool integer =
            index.column() == Slice || index.column() == Elements ||
            (index.column() == ZeroPoint && (!std::isfinite(v) || std::floor(v) == v));
        if (integer)
            return std::isfinite(v) ? QString::number(int64_t(v)) : QStringLiteral("-");
        if (index.column() == ZeroPoint) // a real zero point (hqq, grid-search)
            return formatNumber(v, 4);
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
    static const ColumnHeader columns[] = {
        {"Slice", "Channel or group index (row-major over the slices)"},
        {"Elements", "Elements in the slice"},
        {"Data min", "Smallest finite value"},
        {"Data max", "Largest finite value"},
        {"Clip min", "Clipping range low end s*(qmin - z)"},
        {"Clip max", "Clipping range high end s*(qmax - z)"},
        {"Scale", "Scale s of the slice"},
        {"Zero pt", "Zero point z of the slice"},
        {"MSE", "Mean squared error of the slice"},
        {"SQNR dB", "20 log10(||x|| / ||x - x^||)"},
        {"Clipped %", "Percentage of values clipped at either end"}};
    static_assert(std::size(columns) == ColumnCount);
    return columnHeaderData(columns, "qs::ui::SliceTableModel", section, orientation, role);
}

void SliceTableModel::sort(int column, Qt::SortOrder order)
{
    if (!m_result || column < 0 || column >= ColumnCount)
        return;
    const quint64 ticket = ++m_sortTicket;
    if (column == Slice && order == Qt::AscendingOrder) { // slice order: no index vector
        m_sorting = false;
        applyOrder({});
        return;
    }
    if (m_rows <= kAsyncSortRows) {
        m_sorting = false;
        applyOrder(sortedOrder(*m_result, column, order));
        return;
    }
    // The worker holds the result, so it stays alive (and is not recycled) until the answer.
    m_sorting = true;
    std::shared_ptr<const QuantResult> result = m_result;
    runAsync(
        this, [result, column, order] { return sortedOrder(*result, column, order); },
        [this, ticket](std::vector<int64_t> rows) {
            if (ticket != m_sortTicket)
                return; // a newer sort or result came meanwhile
            m_sorting = false;
            applyOrder(std::move(rows));
        });
}

void SliceTableModel::applyOrder(std::vector<int64_t> order)
{
    emit layoutAboutToBeChanged();
    m_order = std::move(order);
    emit layoutChanged();
    emit sorted();
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
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    horizontalHeader()->setStretchLastSection(true);
    keepRowsFittingFont(this, 6);
    fitToFont();
}

// The numbers and the narrow columns sized for the font (again when it changes: presentation
// mode; the rows follow it by keepRowsFittingFont).
void SliceTable::fitToFont()
{
    horizontalHeader()->setDefaultSectionSize(
        fontMetrics().horizontalAdvance(QStringLiteral("-0.000000000")) + 12);
    const int narrow = fontMetrics().horizontalAdvance(QStringLiteral("Elements")) + 24;
    for (int c : {SliceTableModel::Slice, SliceTableModel::Elements, SliceTableModel::ZeroPoint})
        setColumnWidth(c, narrow);
}

void SliceTable::changeEvent(QEvent* event)
{
    QTableView::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitToFont();
}

void SliceTable::setResult(std::shared_ptr<const QuantResult> result)
{
    m_model->setResult(std::move(result));
    const int column = horizontalHeader()->sortIndicatorSection();
    const Qt::SortOrder order = horizontalHeader()->sortIndicatorOrder();
    if (column > 0 || order != Qt::AscendingOrder)
        m_model->sort(column, order);
}

} // namespace qs::ui
