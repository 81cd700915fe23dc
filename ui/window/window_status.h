// WindowStatus: the status line of the main window (message, busy indicator, cancel button)
// and its last error. The window and its parts (result pipeline, exports, lessons, sessions)
// report through it, so lastError() and the errorShown signal have one source.
#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QLabel;
class QProgressBar;
class QStatusBar;
class QToolButton;
class QWidget;

namespace qs::ui {

class WindowStatus : public QObject {
    Q_OBJECT
public:
    // Message boxes are parented to `window`; `messageBoxes` false keeps errors in the status
    // line (tests, screenshots).
    WindowStatus(QWidget* window, bool messageBoxes);

    void addTo(QStatusBar* bar); // the message, then the busy indicator and the cancel button
    QToolButton* cancelButton() const { return m_cancel; }
    void setBusy(bool busy); // shows the busy indicator and the cancel button

    void setStatus(const QString& text);
    // Remembers message as lastError(), shows it in the status line and, with `dialog` (and
    // message boxes on), in a window-modal box that never blocks; emits errorShown.
    void showError(const QString& message, bool dialog);
    // Runs work; a qs::Error it throws is shown (in a box too). False if it threw.
    bool reportErrors(const std::function<void()>& work);
    void setLastError(const QString& message) { m_lastError = message; }
    QString lastError() const { return m_lastError; }

signals:
    void errorShown(const QString& message);

private:
    QWidget* m_window;
    bool m_messageBoxes;
    QLabel* m_label;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    QString m_lastError;
};

} // namespace qs::ui
