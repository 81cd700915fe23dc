// LessonController: the Lessons menu and the lesson panel above the tabs. Applying a step sets
// the tensor, every control and the tab it names; when the step's result arrives, the panel
// checks the lesson's asserted numbers against it (or notes that the data or controls differ
// from the step). In presentation mode the panel moves to the top of the numbers column, pages
// its text to the height it has, and the numbers panel shows only the step's asserted numbers.
#pragma once

#include "core/teach/lesson.h"
#include "ui/window/window_parts.h"

#include <QObject>

#include <functional>
#include <memory>
#include <string>

class QMenu;
class QScrollArea;
class QSplitter;

namespace qs::ui {

class LessonPanel;
class NumbersPanel;

class LessonController : public QObject {
    Q_OBJECT
public:
    explicit LessonController(const WindowParts& parts);

    // Puts the (hidden) lesson panel above the tabs, in their place in `splitter` (the
    // window's columns: controls, tabs, numbers).
    void addPanel(QSplitter* splitter);
    // The Lessons menu: the built-in lessons, a lesson file, close. `startDir` gives the file
    // dialog's folder.
    QMenu* makeMenu(const std::function<QString()>& startDir);
    LessonPanel* panel() const { return m_panel; }

    bool openLesson(const QString& nameOrPath); // a built-in id or a lesson file
    void applyLesson(const Lesson& lesson, int step = 0);
    void applyStep(int step);
    void close();
    void setPresentationMode(bool on);
    bool isPanelShown() const;
    void checkResult(); // the newest result arrived: compare it with the applied step

signals:
    void panelShownChanged(bool shown);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showPanel(bool on);
    void placePanel();  // above the tabs, or atop the numbers when presenting
    void showNumbers(); // the result's numbers, or the step's asserted ones when presenting

    ResultPipeline& m_pipeline;
    WindowTabs& m_tabs;
    QuantPanel& m_quant;
    WindowStatus& m_status;
    QWidget* m_window;
    LessonPanel* m_panel = nullptr;
    QScrollArea* m_scroll = nullptr;
    QSplitter* m_split = nullptr;
    QWidget* m_numbersColumn = nullptr; // holds the panel when presenting
    NumbersPanel* m_numbers = nullptr;
    bool m_presenting = false;
    bool m_panelShown = false;
    std::shared_ptr<const Tensor> m_stepTensor; // the applied step's data and config
    QuantConfig m_stepConfig; // every field compared (operator==), not just the summary
};

} // namespace qs::ui
