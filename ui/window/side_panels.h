// SidePanels: the two columns beside the charts in the window's splitter, the controls on the
// left and the numbers on the right. Each collapses (dragged to the window's edge, or with its
// action in the View menu) and comes back at the width it had; the splitters' states (widths,
// collapsed columns, the controls' split with the model browser) are kept in the settings.
#pragma once

#include <QObject>

#include <array>

class QAction;
class QMenu;
class QSettings;
class QSplitter;

namespace qs::ui {

class SidePanels : public QObject {
    Q_OBJECT
public:
    enum class Side { Controls, Numbers };

    // `columns`: controls, centre, numbers; `controls`: the left column's own vertical split.
    SidePanels(QSplitter* columns, QSplitter* controls, QObject* parent = nullptr);

    // "Controls Panel" (F9) and "Numbers Panel" (Shift+F9), checkable.
    void addActions(QMenu* menu);
    bool isShown(Side side) const;
    void setShown(Side side, bool shown);

    // Widths for a window `width` wide: each side column its preferred width (at least its
    // smallest), the charts the rest. Before the first layout the splitter cannot tell.
    void fitToWidth(int width);

    void save(QSettings& settings) const;
    void restore(const QSettings& settings);

private:
    int index(Side side) const { return side == Side::Controls ? 0 : 2; }
    void syncActions();

    QSplitter* m_columns;
    QSplitter* m_controls;
    // Indexed by Side: the width before hiding, the menu action.
    std::array<int, 2> m_lastWidth{{0, 0}};
    std::array<QAction*, 2> m_actions{{nullptr, nullptr}};
};

} // namespace qs::ui
