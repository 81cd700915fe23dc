// PresentationMode: large fonts, thick lines, high contrast and only the essential controls
// (bits, scheme, range), for teaching from a projector; the menu bar and the status line hide.
// The chart gets most of the window; the right column the essential controls and the numbers,
// or with a lesson its text (in pages) and the step's asserted numbers.
// Turning it off restores the fonts, the palette, the hidden rows and the column widths as they
// were.
#pragma once

#include <QFont>
#include <QList>
#include <QObject>
#include <QPalette>

class QAction;
class QBoxLayout;
class QMainWindow;
class QSplitter;
class QWidget;

namespace qs::ui {

class LessonController;
class QuantPanel;
class SourcePanel;
class WindowTabs;

class PresentationMode : public QObject {
    Q_OBJECT
public:
    // `columns`: the window's splitter of the left controls, the centre and the numbers.
    PresentationMode(QMainWindow* window, QSplitter* columns, SourcePanel& source,
                     QuantPanel& quant, WindowTabs& tabs, LessonController& lessons);

    // The menu's checkable action: toggles the mode and follows it.
    void setAction(QAction* action);
    void set(bool on);
    bool isOn() const { return m_on; }

signals:
    void changed(bool on);

private:
    void applyLook(bool on);
    void showEssentialControls(bool on);
    void resizeColumns(bool on);
    void placeColumns();
    void moveQuantPanel(bool toRight);
    void hideMenus(bool on);

    QMainWindow* m_window;
    QSplitter* m_columns;
    SourcePanel& m_source;
    QuantPanel& m_quant;
    WindowTabs& m_tabs;
    LessonController& m_lessons;
    QAction* m_action = nullptr;
    bool m_on = false;
    QFont m_normalFont;
    QPalette m_normalPalette;
    QList<int> m_normalSizes; // the columns before presentation mode
    bool m_normalLeftShown = true;
    int m_normalLeftMin = 0;
    QBoxLayout* m_quantHome = nullptr; // where the quantization panel lives
    int m_quantIndex = 0;
    bool m_menuActionsAdded = false;
    int m_normalRightMin = 0;
};

} // namespace qs::ui
