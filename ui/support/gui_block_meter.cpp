#include "ui/support/gui_block_meter.h"

#include <algorithm>
#include <ctime>

namespace qs::ui {

namespace {

constexpr double kBeatMs = 1;

// How late a heartbeat is, given the wall time since the previous one.
double lateness(const QElapsedTimer& since)
{
    return std::max(0.0, double(since.nsecsElapsed()) / 1e6 - kBeatMs);
}

} // namespace

double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

GuiBlockMeter::GuiBlockMeter()
{
    m_beat.setTimerType(Qt::PreciseTimer);
    m_beat.setInterval(int(kBeatMs));
    connect(&m_beat, &QTimer::timeout, this, [this] {
        m_max = max();
        m_maxCpu = maxCpu();
        startStretch();
    });
    reset();
    m_beat.start();
}

void GuiBlockMeter::reset()
{
    m_max = 0;
    m_maxCpu = 0;
    startStretch();
}

void GuiBlockMeter::startStretch()
{
    m_since.start();
    m_cpuAtBeat = threadCpuMs();
}

double GuiBlockMeter::max() const
{
    return std::max(m_max, lateness(m_since));
}

double GuiBlockMeter::maxCpu() const
{
    return std::max(m_maxCpu, threadCpuMs() - m_cpuAtBeat);
}

} // namespace qs::ui
