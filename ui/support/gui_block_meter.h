// GuiBlockMeter: the longest stretch the GUI thread could not serve its event loop, i.e. could
// not repaint or take input. A precise 1 ms heartbeat timer runs on the thread; a heartbeat
// that arrives late by t ms means the thread was busy for t ms. (The dispatcher's awake /
// aboutToBlock signals do not bracket the dispatch itself with the GLib event loop, so they
// cannot measure this.) Used by `quantscope --benchmark-ui` and the window's soak test.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace qs::ui {

class GuiBlockMeter : public QObject {
public:
    // Measures the calling thread from now on.
    GuiBlockMeter();
    // Forgets what was measured; the next stretch starts now.
    void reset();
    // Milliseconds; includes the stretch still running (the caller may be inside it).
    double max() const;

private:
    QTimer m_beat;
    QElapsedTimer m_since; // since the last heartbeat (or reset)
    double m_max = 0;
};

} // namespace qs::ui
