#include "ui/support/gui_block_meter.h"

#include <algorithm>

namespace qs::ui {

namespace {

constexpr int kBeatMs = 1;

// How late a heartbeat is, given the time since the previous one.
double lateness(const QElapsedTimer& since)
{
    return std::max(0.0, double(since.nsecsElapsed()) / 1e6 - kBeatMs);
}

} // namespace

GuiBlockMeter::GuiBlockMeter()
{
    m_beat.setTimerType(Qt::PreciseTimer);
    m_beat.setInterval(kBeatMs);
    connect(&m_beat, &QTimer::timeout, this, [this] {
        m_max = std::max(m_max, lateness(m_since));
        m_since.start();
    });
    m_since.start();
    m_beat.start();
}

void GuiBlockMeter::reset()
{
    m_max = 0;
    m_since.start();
}

double GuiBlockMeter::max() const
{
    return std::max(m_max, lateness(m_since));
}

} // namespace qs::ui
