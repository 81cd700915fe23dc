// A panel of controls that scrolls: the wheel over a spin box, combo box or slider in it scrolls
// the panel unless that control has the keyboard focus, so scrolling through the panel never
// changes a value on the way. The controls take the focus by a click or Tab (Qt::StrongFocus),
// never by the wheel.
#pragma once

class QScrollArea;

namespace qs::ui {

// For the controls inside area->widget() now.
void scrollPanelOnWheel(QScrollArea* area);

} // namespace qs::ui
