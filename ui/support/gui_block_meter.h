// GuiBlockMeter: the longest stretch the GUI thread could not serve its event loop, i.e. could
// not repaint or take input. A precise 1 ms heartbeat timer runs on the thread; a heartbeat
// that arrives late by t ms means the thread was busy for t ms. (The dispatcher's awake /
// aboutToBlock signals do not bracket the dispatch itself with the GLib event loop, so they
// cannot measure this.) Used by `quantscope --benchmark-ui` and the window's soak test.
//
// Two clocks: wall time (what a user sees, including time the thread waited or was preempted
// by other processes) and the thread's own CPU time (the work our code did in the stretch,
// the same on a busy or an idle machine).
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace qs::ui {

// The calling thread's CPU time in milliseconds.
double threadCpuMs();

class GuiBlockMeter : public QObject {
public:
    // Measures the calling thread from now on.
    GuiBlockMeter();
    // Forgets what was measured; the next stretch starts now.
    void reset();
    // Milliseconds of wall time; includes the stretch still running (the caller may be in it).
    double max() const;
    // Milliseconds of the thread's CPU time, likewise.
    double maxCpu() const;

private:
    void startStretch();

    QTimer m_beat;
    QElapsedTimer m_since;  // wall time since the last heartbeat (or reset)
    double m_cpuAtBeat = 0; // thread CPU milliseconds at the last heartbeat (or reset)
    double m_max = 0, m_maxCpu = 0;
};

} // namespace qs::ui
