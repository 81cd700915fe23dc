// Stopwatch: wall-clock milliseconds for the timings that reports and benchmarks print.
// lap() returns the time since the previous lap (or the start) and starts the next one;
// total() the time since the start.
#pragma once

#include <chrono>

namespace qs {

class Stopwatch {
public:
    using Clock = std::chrono::steady_clock;

    Stopwatch() : m_start(Clock::now()), m_lap(m_start) {}

    double lap()
    {
        const Clock::time_point now = Clock::now();
        const double ms = between(m_lap, now);
        m_lap = now;
        return ms;
    }
    double total() const { return between(m_start, Clock::now()); }
    void restart() { m_start = m_lap = Clock::now(); }

private:
    static double between(Clock::time_point a, Clock::time_point b)
    {
        return std::chrono::duration<double, std::milli>(b - a).count();
    }
    Clock::time_point m_start, m_lap;
};

} // namespace qs
