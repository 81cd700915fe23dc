// The Help menu's boxes: where the documentation is and the shortcuts, and the version.
// Both are non-blocking and delete themselves when closed.
#pragma once

class QWidget;

namespace qs::ui {

void showHelpBox(QWidget* parent);
void showAboutBox(QWidget* parent);

} // namespace qs::ui
