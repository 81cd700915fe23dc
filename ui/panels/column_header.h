// The horizontal header of the panels' table and tree models: a name and a tooltip per column.
#pragma once

#include <QCoreApplication>
#include <QVariant>

namespace qs::ui {

struct ColumnHeader {
    const char* name;
    const char* tip;
};

// The header's data for `role` (translated in `context`); alignRightFrom: the first of the
// right-aligned (numeric) columns, or -1.
template <int N>
QVariant columnHeaderData(const ColumnHeader (&columns)[N], const char* context, int section,
                          Qt::Orientation orientation, int role, int alignRightFrom = -1)
{
    if (orientation != Qt::Horizontal || section < 0 || section >= N)
        return {};
    if (role == Qt::DisplayRole)
        return QCoreApplication::translate(context, columns[section].name);
    if (role == Qt::ToolTipRole)
        return QCoreApplication::translate(context, columns[section].tip);
    if (role == Qt::TextAlignmentRole && alignRightFrom >= 0 && section >= alignRightFrom)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace qs::ui
