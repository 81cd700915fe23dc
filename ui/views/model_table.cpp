#include "ui/views/model_table.h"

#include "ui/support/quantity_text.h"

#include <QLocale>

#include <cmath>

namespace qs::ui {

QString layerText(int layer)
{
    return layer < 0 ? QStringLiteral("–") : QString::number(layer);
}

// ---- the model --------------------------------------------------------------------------------

ModelTableModel::ModelTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ModelTableModel::setReport(std::shared_ptr<const ModelReport> report)
{
    beginResetModel();
    m_report = std::move(report);
    m_plan.clear();
    endResetModel();
}

void ModelTableModel::setMetric(ModelMetric metric)
{
    if (metric == m_metric)
        return;
    m_metric = metric;
    if (rowCount() > 0 && columnCount() > FirstSchemeColumn)
        emit dataChanged(index(0, FirstSchemeColumn), index(rowCount() - 1, columnCount() - 1));
    emit headerDataChanged(Qt::Horizontal, FirstSchemeColumn, columnCount() - 1);
}

void ModelTableModel::setPlan(std::vector<int> schemeOfTensor)
{
    m_plan = std::move(schemeOfTensor);
    if (rowCount() > 0)
        emit dataChanged(index(0, PlanColumn), index(rowCount() - 1, PlanColumn));
}

int ModelTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_report ? 0 : int(m_report->tensors.size());
}

int ModelTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_report ? 0 : FirstSchemeColumn + int(m_report->schemes.size());
}

QString ModelTableModel::planText(int row) const
{
    if (size_t(row) >= m_plan.size())
        return QString();
    const int s = m_plan[size_t(row)];
    return s < 0 ? tr("stored") : QString::fromStdString(m_report->schemes[size_t(s)].name);
}

QVariant ModelTableModel::display(const TensorReport& t, int column) const
{
    switch (column) {
    case NameColumn:
        return QString::fromStdString(t.name);
    case KindColumn:
        return QString::fromLatin1(tensorKindName(t.role.kind));
    case LayerColumn:
        return layerText(t.role.layer);
    case ShapeColumn:
        return shapeText(t.shape);
    case ParamsColumn:
        return formatCount(t.params);
    case StoredColumn:
        return QString::fromStdString(t.stored);
    default:
        break;
    }
    const size_t s = size_t(column - FirstSchemeColumn);
    if (s >= t.results.size())
        return QString();
    return formatModelMetric(modelMetricValue(t.results[s], m_metric), m_metric);
}

QVariant ModelTableModel::sortKey(const TensorReport& t, int row, int column) const
{
    switch (column) {
    case NameColumn:
    case KindColumn:
    case ShapeColumn:
    case StoredColumn:
        return display(t, column);
    case PlanColumn:
        return planText(row);
    case LayerColumn:
        return double(t.role.layer);
    case ParamsColumn:
        return double(t.params);
    default:
        break;
    }
    const size_t s = size_t(column - FirstSchemeColumn);
    return s < t.results.size() ? modelMetricValue(t.results[s], m_metric)
                                : std::numeric_limits<double>::quiet_NaN();
}

QVariant ModelTableModel::toolTip(const TensorReport& t, int row, int column) const
{
    const QString name = QString::fromStdString(t.name);
    int scheme = column - FirstSchemeColumn;
    if (column == PlanColumn)
        scheme = size_t(row) < m_plan.size() ? m_plan[size_t(row)] : -1;
    if (scheme < 0 || size_t(scheme) >= t.results.size())
        return tr("%1\n%2 · layer %3 · %4 · %5 parameters · stored %6\nDouble-click: open it in "
                  "the explorer")
            .arg(name, QString::fromLatin1(tensorKindName(t.role.kind)), layerText(t.role.layer),
                 shapeText(t.shape), QLocale().toString(qlonglong(t.params)),
                 QString::fromStdString(t.stored));
    return tr("%1 under %2\n%3\nDouble-click: open it in the explorer with %2")
        .arg(name, QString::fromStdString(m_report->schemes[size_t(scheme)].name),
             metricsText(t.results[size_t(scheme)]));
}

QVariant ModelTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !m_report || index.row() >= rowCount())
        return {};
    const TensorReport& t = m_report->tensors[size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return column == PlanColumn ? QVariant(planText(index.row())) : display(t, column);
    case SortRole:
        return sortKey(t, index.row(), column);
    case Qt::ToolTipRole:
        return toolTip(t, index.row(), column);
    case TensorRole:
        return index.row();
    case SchemeRole:
        if (column == PlanColumn)
            return size_t(index.row()) < m_plan.size() ? m_plan[size_t(index.row())] : -1;
        return column >= FirstSchemeColumn ? column - FirstSchemeColumn : -1;
    case Qt::TextAlignmentRole:
        if (column == LayerColumn || column == ParamsColumn || column >= FirstSchemeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant ModelTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || !m_report)
        return {};
    static const char* const names[] = {
        QT_TR_NOOP("name"),   QT_TR_NOOP("kind"),   QT_TR_NOOP("layer"), QT_TR_NOOP("shape"),
        QT_TR_NOOP("params"), QT_TR_NOOP("stored"), QT_TR_NOOP("plan")};
    if (role == Qt::DisplayRole) {
        if (section < FirstSchemeColumn)
            return tr(names[section]);
        return QString::fromStdString(m_report->schemes[size_t(section - FirstSchemeColumn)].name);
    }
    if (role == Qt::ToolTipRole) {
        if (section == PlanColumn)
            return tr("The scheme the planner chose for the tensor at the budget of the slider");
        if (section >= FirstSchemeColumn)
            return tr("%1 under %2 (%3); click to sort")
                .arg(modelMetricName(m_metric),
                     QString::fromStdString(
                         m_report->schemes[size_t(section - FirstSchemeColumn)].config.summary()),
                     modelMetricDescription(m_metric));
        return tr("Click to sort by %1").arg(tr(names[section]));
    }
    return {};
}

// ---- sorting and filtering --------------------------------------------------------------------

ModelTableFilter::ModelTableFilter(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ModelTableModel::SortRole);
    setDynamicSortFilter(true);
}

void ModelTableFilter::setFilterText(const QString& text)
{
    m_text = text;
    m_words = text.simplified().toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateFilter();
}

bool ModelTableFilter::filterAcceptsRow(int sourceRow, const QModelIndex& parent) const
{
    if (m_words.isEmpty())
        return true;
    const auto* model = static_cast<const ModelTableModel*>(sourceModel());
    const TensorReport& t = model->report()->tensors[size_t(sourceRow)];
    (void)parent;
    const QString name = QString::fromStdString(t.name).toLower();
    const QString kind = QString::fromLatin1(tensorKindName(t.role.kind));
    const QString layer = QString::number(t.role.layer);
    for (const QString& w : m_words) {
        bool match = false;
        if (w.startsWith(QLatin1String("kind:")))
            match = kind == w.mid(5);
        else if (w.startsWith(QLatin1String("layer:")))
            match = layer == w.mid(6);
        else
            match = name.contains(w) || kind.contains(w);
        if (!match)
            return false;
    }
    return true;
}

bool ModelTableFilter::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant a = left.data(sortRole()), b = right.data(sortRole());
    if (a.typeId() == QMetaType::QString || b.typeId() == QMetaType::QString)
        return naturalLess(a.toString(), b.toString());
    const double x = a.toDouble(), y = b.toDouble();
    // Missing values (NaN) after every number in either order: they count as largest when
    // ascending, and the comparison flips for descending, so they go last both ways.
    const bool ascending = sortOrder() == Qt::AscendingOrder;
    if (std::isnan(x) || std::isnan(y))
        return std::isnan(x) == std::isnan(y) ? false : (std::isnan(y) == ascending);
    return x < y;
}

} // namespace qs::ui
