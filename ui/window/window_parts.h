// WindowParts: what the window's controllers (exports, lessons, sessions, the source) work
// with: the result pipeline, the tabs, the status line, the two control panels and the window
// their dialogs belong to. MainWindow makes each part once and hands them over together.
#pragma once

class QWidget;

namespace qs::ui {

class QuantPanel;
class ResultPipeline;
class SourcePanel;
class WindowStatus;
class WindowTabs;

struct WindowParts {
    ResultPipeline& pipeline;
    WindowTabs& tabs;
    WindowStatus& status;
    QuantPanel& quant;
    SourcePanel& source;
    QWidget* window;
};

} // namespace qs::ui
