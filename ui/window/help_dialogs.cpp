#include "ui/window/help_dialogs.h"

#include <QApplication>
#include <QMessageBox>

namespace qs::ui {

void showHelpBox(QWidget* parent)
{
    auto* box = new QMessageBox(parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(QMessageBox::tr("QuantScope Help"));
    box->setTextFormat(Qt::RichText);
    box->setText(QMessageBox::tr(
        "<h3>QuantScope</h3>"
        "<p>README.md in the source tree explains the project; its sections:</p>"
        "<ul><li><b>Two commands</b>: <code>./scripts/run</code> starts this window, "
        "<code>./scripts/test</code> runs the tests</li>"
        "<li><b>Layout</b>: core library, Qt layer, applications</li>"
        "<li><b>Using the core from C++</b></li>"
        "<li><b>Conventions</b>: rounding ties, 127 vs 127.5, ranges that include zero</li>"
        "<li><b>The window</b>, <b>Presets and low-bit formats</b></li>"
        "<li><b>Teaching and comparison</b>: lessons, presentation mode, the views</li>"
        "<li><b>Command line</b>: <code>quantscope-cli</code> and its JSON report</li>"
        "<li><b>Benchmark</b>, <b>Fuzzing</b>, <b>Packaging</b></li></ul>"
        "<p>docs/GUI.md describes this window (controls, charts, sessions, export, "
        "<code>--screenshot</code>); docs/CLI.md describes <code>quantscope-cli</code> and "
        "its JSON report.</p>"
        "<p><b>Shortcuts</b>: Ctrl+O open · Ctrl+S save session · Ctrl+Shift+O open session "
        "· Ctrl+E export chart · Ctrl+Shift+E export all · Ctrl+Shift+C copy chart · "
        "Ctrl+Up/Down (or Ctrl++/-) bits · Ctrl+] / Ctrl+[ scheme · Alt+1..5 charts · "
        "Ctrl+0 show all indices · Esc cancel · F1 this help</p>"
        "<p>Hover over any control for what it does and its formula.</p>"));
    box->open();
}

void showAboutBox(QWidget* parent)
{
    auto* box = new QMessageBox(parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(QMessageBox::tr("About QuantScope"));
    box->setIconPixmap(parent->windowIcon().pixmap(64, 64));
    box->setText(QMessageBox::tr("<h3>QuantScope %1</h3><p>Explore numeric quantization: schemes, "
                                 "ranges, granularity and the errors they cause.</p><p>Built with "
                                 "Qt %2.</p>")
                     .arg(QApplication::applicationVersion(), QLatin1String(QT_VERSION_STR)));
    box->open();
}

} // namespace qs::ui
