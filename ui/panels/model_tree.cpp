#include "ui/panels/model_tree.h"

#include "ui/panels/column_header.h"

#include <QApplication>
#include <QFont>
#include <QHash>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <iterator>

namespace qs::ui {

QString storedTypeShort(const TensorInfo& info)
{
    const QString dtype = QString::fromStdString(info.dtype);
    if (info.bitsPerWeight <= 0)
        return dtype;
    return QStringLiteral("%1 · %2 b/w").arg(dtype).arg(info.bitsPerWeight, 0, 'g', 3);
}

QString storedTypeText(const TensorInfo& info)
{
    const QString dtype = QString::fromStdString(info.dtype);
    if (info.bitsPerWeight <= 0)
        return dtype;
    return QStringLiteral("%1, %2 bits/weight").arg(dtype).arg(info.bitsPerWeight, 0, 'g', 6);
}

QString tensorCountText(int64_t count)
{
    return count == 1 ? QObject::tr("1 tensor")
                      : QObject::tr("%1 tensors").arg(QLocale().toString(qlonglong(count)));
}

ModelTreeModel::ModelTreeModel(QObject* parent) : QAbstractItemModel(parent)
{
    m_nodes.emplace_back();
}

void ModelTreeModel::setTensors(std::vector<TensorInfo> infos)
{
    beginResetModel();
    m_infos = std::move(infos);
    m_filter.clear();
    buildNodes();
    foldSingleTensorGroups();
    sortChildren();
    tally();
    endResetModel();
}

// A group per distinct dotted prefix, a leaf per tensor; empty parts of a name are skipped.
void ModelTreeModel::buildNodes()
{
    m_nodes.assign(1, Node());
    m_leafOfTensor.assign(m_infos.size(), 0);
    QHash<QString, int> groups; // dotted prefix -> node
    for (size_t t = 0; t < m_infos.size(); ++t) {
        const QString name = QString::fromStdString(m_infos[t].name);
        int parent = 0, start = 0;
        for (int dot = int(name.indexOf(QLatin1Char('.'))); dot >= 0;
             dot = int(name.indexOf(QLatin1Char('.'), start))) {
            if (dot > start) {
                const QString prefix = name.left(dot);
                auto it = groups.constFind(prefix);
                if (it == groups.constEnd()) {
                    Node g;
                    g.label = name.mid(start, dot - start);
                    g.parent = parent;
                    m_nodes[size_t(parent)].children.push_back(int(m_nodes.size()));
                    it = groups.insert(prefix, int(m_nodes.size()));
                    m_nodes.push_back(std::move(g));
                }
                parent = *it;
            }
            start = dot + 1;
        }
        Node leaf;
        leaf.label = start < name.size() ? name.mid(start) : name;
        leaf.parent = parent;
        leaf.tensor = int(t);
        m_nodes[size_t(parent)].children.push_back(int(m_nodes.size()));
        m_leafOfTensor[t] = int(m_nodes.size());
        m_nodes.push_back(std::move(leaf));
    }
}

// "q_proj" holding only "weight" becomes the tensor "q_proj.weight". Parents come before their
// children, so only a group holding the tensor itself folds ("layers.10" holding only
// "mlp.weight" stays a group, like its siblings).
void ModelTreeModel::foldSingleTensorGroups()
{
    for (size_t i = 1; i < m_nodes.size(); ++i) {
        Node& g = m_nodes[i];
        if (g.tensor >= 0 || g.children.size() != 1)
            continue;
        Node& leaf = m_nodes[size_t(g.children.front())];
        if (leaf.tensor < 0)
            continue;
        g.label += QLatin1Char('.') + leaf.label;
        g.tensor = leaf.tensor;
        g.children.clear();
        leaf.folded = true;
        m_leafOfTensor[size_t(g.tensor)] = int(i);
    }
}

void ModelTreeModel::sortChildren()
{
    for (Node& g : m_nodes) {
        if (g.children.size() < 2)
            continue;
        std::sort(g.children.begin(), g.children.end(), [this](int x, int y) {
            const Node& a = m_nodes[size_t(x)];
            const Node& b = m_nodes[size_t(y)];
            if (a.label != b.label)
                return naturalLess(a.label, b.label);
            return x < y; // a tensor and a group of the same name: the tensor first
        });
    }
}

// One pass from the deepest nodes up (children follow their parents in m_nodes), then the shown
// children of every group in natural order.
void ModelTreeModel::tally()
{
    for (Node& n : m_nodes) {
        n.count = n.params = n.bytes = 0;
        n.shown.clear();
    }
    for (size_t i = m_nodes.size(); i-- > 1;) {
        Node& n = m_nodes[i];
        if (n.folded)
            continue;
        if (n.tensor >= 0) {
            const TensorInfo& info = m_infos[size_t(n.tensor)];
            if (!m_filter.isEmpty() &&
                !QString::fromStdString(info.name).contains(m_filter, Qt::CaseInsensitive))
                continue;
            n.count = 1;
            n.params = info.numel;
            n.bytes = info.bytes;
        }
        Node& p = m_nodes[size_t(n.parent)];
        p.count += n.count;
        p.params += n.params;
        p.bytes += n.bytes;
    }
    for (Node& g : m_nodes)
        for (int c : g.children)
            if (m_nodes[size_t(c)].count > 0) {
                m_nodes[size_t(c)].row = int(g.shown.size());
                g.shown.push_back(c);
            }
}

void ModelTreeModel::setFilter(const QString& text)
{
    if (text == m_filter)
        return;
    beginResetModel();
    m_filter = text;
    tally();
    endResetModel();
}

void ModelTreeModel::setCurrent(const QString& name)
{
    const QModelIndex before = indexOfTensor(m_current);
    m_current = name;
    m_currentName = name.toStdString();
    const QModelIndex after = indexOfTensor(m_current);
    for (const QModelIndex& i : {before, after})
        if (i.isValid())
            emit dataChanged(i, i.siblingAtColumn(ColumnCount - 1));
}

int ModelTreeModel::matchCount() const
{
    return int(m_nodes.front().count);
}

QModelIndex ModelTreeModel::indexOfTensor(const QString& name) const
{
    if (name.isEmpty())
        return {};
    const std::string wanted = name.toStdString();
    for (size_t t = 0; t < m_infos.size(); ++t) {
        if (m_infos[t].name != wanted)
            continue;
        const int node = m_leafOfTensor[t];
        if (m_nodes[size_t(node)].count == 0)
            return {};
        return createIndex(m_nodes[size_t(node)].row, 0, quintptr(node));
    }
    return {};
}

int ModelTreeModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? int(index.internalId()) : 0;
}

QString ModelTreeModel::tensorName(const QModelIndex& index) const
{
    const int t = m_nodes[size_t(nodeOf(index))].tensor;
    return t < 0 ? QString() : QString::fromStdString(m_infos[size_t(t)].name);
}

bool ModelTreeModel::isGroup(const QModelIndex& index) const
{
    return m_nodes[size_t(nodeOf(index))].tensor < 0;
}

// The dotted path of a node: a tensor's full name, a group's prefix.
QString ModelTreeModel::fullName(int node) const
{
    const Node& n = m_nodes[size_t(node)];
    if (n.tensor >= 0)
        return QString::fromStdString(m_infos[size_t(n.tensor)].name);
    QStringList parts;
    for (int i = node; i > 0; i = m_nodes[size_t(i)].parent)
        parts.prepend(m_nodes[size_t(i)].label);
    return parts.join(QLatin1Char('.'));
}

QString ModelTreeModel::widestText(int column) const
{
    QString widest = headerData(column, Qt::Horizontal).toString();
    for (const Node& n : m_nodes) {
        if (n.folded || (column == NameColumn && n.tensor < 0))
            continue;
        const QString text = displayText(n, column);
        if (text.size() > widest.size())
            widest = text;
    }
    return widest;
}

QModelIndex ModelTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return {};
    const std::vector<int>& shown = m_nodes[size_t(nodeOf(parent))].shown;
    if (row < 0 || row >= int(shown.size()) || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column, quintptr(shown[size_t(row)]));
}

QModelIndex ModelTreeModel::parent(const QModelIndex& child) const
{
    const int p = child.isValid() ? m_nodes[size_t(nodeOf(child))].parent : 0;
    if (p <= 0)
        return {};
    return createIndex(m_nodes[size_t(p)].row, 0, quintptr(p));
}

int ModelTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(m_nodes[size_t(nodeOf(parent))].shown.size());
}

int ModelTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QString ModelTreeModel::displayText(const Node& n, int column) const
{
    const TensorInfo* info = n.tensor >= 0 ? &m_infos[size_t(n.tensor)] : nullptr;
    switch (column) {
    case NameColumn:
        return n.label;
    case TypeColumn:
        return info ? storedTypeShort(*info) : tensorCountText(n.count);
    case ShapeColumn:
        return info ? shapeText(info->shape) : QString();
    case ParamsColumn:
        return formatCount(n.params);
    case SizeColumn:
        return formatSize(n.bytes);
    default:
        return {};
    }
}

QString ModelTreeModel::toolTip(const Node& n) const
{
    const QLocale locale;
    const QString totals =
        tr("%1 parameters · %2 bytes")
            .arg(locale.toString(qlonglong(n.params)), locale.toString(qlonglong(n.bytes)));
    if (n.tensor < 0) {
        const int node = int(&n - m_nodes.data());
        return QStringLiteral("<b>%1</b><br>%2<br>%3")
            .arg(fullName(node).toHtmlEscaped(),
                 tensorCountText(n.count) +
                     (m_filter.isEmpty() ? QString() : tr(" matching the filter")),
                 totals);
    }
    const TensorInfo& info = m_infos[size_t(n.tensor)];
    return QStringLiteral("<b>%1</b><br>%2 · %3<br>%4<br><i>%5</i>")
        .arg(QString::fromStdString(info.name).toHtmlEscaped(),
             tr("stored as %1").arg(storedTypeText(info)), shapeText(info.shape), totals,
             tr("Click or press Enter to load it."));
}

QVariant ModelTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Node& n = m_nodes[size_t(nodeOf(index))];
    const bool current =
        n.tensor >= 0 && !m_current.isEmpty() && m_infos[size_t(n.tensor)].name == m_currentName;
    switch (role) {
    case Qt::DisplayRole:
        return displayText(n, index.column());
    case Qt::ToolTipRole:
        return toolTip(n);
    case Qt::TextAlignmentRole:
        return index.column() >= ParamsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                              : QVariant();
    case Qt::FontRole:
        if (current) {
            QFont f = QApplication::font();
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::BackgroundRole:
        if (current) {
            QColor c = QApplication::palette().color(QPalette::Highlight);
            c.setAlpha(48);
            return c;
        }
        return {};
    case TensorNameRole:
        return n.tensor >= 0 ? QString::fromStdString(m_infos[size_t(n.tensor)].name) : QString();
    case CountRole:
        return qlonglong(n.count);
    case ParamsRole:
        return qlonglong(n.params);
    case BytesRole:
        return qlonglong(n.bytes);
    default:
        return {};
    }
}

QVariant ModelTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const ColumnHeader columns[] = {
        {"Name", "The dotted tensor names as a tree, in natural order"},
        {"Type", "How the file stores the tensor (block-quantized types with their bits per "
                 "weight); a group shows its number of tensors"},
        {"Shape", "Shape in NumPy order"},
        {"Params", "Parameters (elements) of the tensor or group"},
        {"Size", "Bytes the tensor or group takes in the file"}};
    static_assert(std::size(columns) == ColumnCount);
    return columnHeaderData(columns, "qs::ui::ModelTreeModel", section, orientation, role,
                            ParamsColumn);
}

Qt::ItemFlags ModelTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

} // namespace qs::ui
