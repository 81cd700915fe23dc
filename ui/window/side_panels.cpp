#include "ui/window/side_panels.h"

#include <QAction>
#include <QMenu>
#include <QSettings>
#include <QSplitter>

#include <algorithm>

namespace qs::ui {

namespace {

const QString kColumnsKey = QStringLiteral("window/columns");
const QString kControlsKey = QStringLiteral("window/controlsSplit");
constexpr int kPreferredControlsWidth = 390;
constexpr int kPreferredNumbersWidth = 300;

} // namespace

SidePanels::SidePanels(QSplitter* columns, QSplitter* controls, QObject* parent)
    : QObject(parent), m_columns(columns), m_controls(controls)
{
    m_columns->setCollapsible(0, true);
    m_columns->setCollapsible(1, false);
    m_columns->setCollapsible(2, true);
    connect(m_columns, &QSplitter::splitterMoved, this, &SidePanels::syncActions);
}

void SidePanels::addActions(QMenu* menu)
{
    const struct {
        Side side;
        QString text, tip;
        QKeySequence key;
    } rows[] = {
        {Side::Controls, tr("&Controls Panel"),
         tr("Show or hide the source and quantization controls (F9)"), QKeySequence(Qt::Key_F9)},
        {Side::Numbers, tr("&Numbers Panel"),
         tr("Show or hide the tensor's facts and the "
            "numbers of the result (Shift+F9)"),
         QKeySequence(Qt::SHIFT | Qt::Key_F9)},
    };
    for (const auto& row : rows) {
        QAction* a = menu->addAction(row.text);
        a->setCheckable(true);
        a->setShortcut(row.key);
        a->setToolTip(row.tip);
        a->setStatusTip(row.tip);
        const Side side = row.side;
        connect(a, &QAction::toggled, this, [this, side](bool on) { setShown(side, on); });
        m_actions[size_t(side)] = a;
    }
    // Presentation mode and lessons set the widths too: the checks follow when the menu opens.
    connect(menu, &QMenu::aboutToShow, this, &SidePanels::syncActions);
    syncActions();
}

bool SidePanels::isShown(Side side) const
{
    return m_columns->sizes().value(index(side)) > 0;
}

// Hiding gives the column's width to the charts; showing takes it back from them (at least
// the column's smallest width).
void SidePanels::setShown(Side side, bool shown)
{
    if (shown == isShown(side))
        return;
    const int i = index(side);
    QList<int> sizes = m_columns->sizes();
    int& remembered = m_lastWidth[size_t(side)];
    if (shown) {
        const int want = std::max(remembered, m_columns->widget(i)->minimumSizeHint().width());
        sizes[1] = std::max(0, sizes[1] - want);
        sizes[i] = want;
    } else {
        remembered = sizes[i];
        sizes[1] += sizes[i];
        sizes[i] = 0;
    }
    m_columns->setSizes(sizes);
    syncActions();
}

void SidePanels::fitToWidth(int width)
{
    auto preferred = [this](int i, int wanted) {
        const QWidget* column = m_columns->widget(i);
        return std::max({wanted, column->minimumWidth(), column->minimumSizeHint().width()});
    };
    const int left = preferred(0, kPreferredControlsWidth);
    const int right = preferred(2, kPreferredNumbersWidth);
    const int centre = width - left - right - 2 * m_columns->handleWidth();
    m_columns->setSizes({left, std::max(0, centre), right});
    syncActions();
}

void SidePanels::save(QSettings& settings) const
{
    settings.setValue(kColumnsKey, m_columns->saveState());
    settings.setValue(kControlsKey, m_controls->saveState());
}

void SidePanels::restore(const QSettings& settings)
{
    m_columns->restoreState(settings.value(kColumnsKey).toByteArray());
    m_controls->restoreState(settings.value(kControlsKey).toByteArray());
    syncActions();
}

void SidePanels::syncActions()
{
    for (const Side side : {Side::Controls, Side::Numbers})
        if (QAction* a = m_actions[size_t(side)]) {
            const QSignalBlocker block(a);
            a->setChecked(isShown(side));
        }
}

} // namespace qs::ui
