// Internal to ui/charts: the steps behind the chart kinds of charts.h. The prepare*
// functions reduce a tensor and its result to chart data (any thread, no Qt objects;
// chart_reduce.cpp); the build* functions draw that data (GUI thread; values_chart.cpp,
// histogram_chart.cpp, channels_chart.cpp,
// convergence_chart.cpp). charts.cpp checks the input and dispatches.
#pragma once

#include "ui/charts/charts.h"

#include <algorithm>
#include <cstdint>

namespace qs::ui::kindchart {

constexpr int kMarkerThreshold = 64; // up to this many values, points get markers

[[noreturn]] void fail(const QString& message); // throws qs::Error

struct Window {
    int64_t begin = 0, end = 0;
};
Window viewWindow(const ChartInput& in); // the checked index window of Values and Codes

// Buckets of the values chart's bands: a quarter of its min/max series' buckets. A filled
// band costs the GUI thread several times what a line of as many points does, and a few
// hundred buckets still give every bucket about 3 pixels at 1280x720.
inline int bandBuckets(const ChartInput& in)
{
    return std::max(1, in.maxPoints / 8);
}

QString subtitleOf(const ChartInput& in); // tensor name and shape, configuration summary
QString sliceWord(Granularity g);         // "channel", "group" or "slice"

// An empty chart of the kind: its title and the input's subtitle.
QChart* newKindChart(const ChartStyle& st, ChartKind kind, const ChartInput& in);

void prepareValues(ChartData& d);
void prepareCodes(ChartData& d);
void prepareHistogram(ChartData& d);
void prepareErrorHistogram(ChartData& d);
void prepareChannels(ChartData& d);

QChart* buildValues(const ChartData& d, const ChartStyle& st);
QChart* buildCodes(const ChartData& d, const ChartStyle& st);
QChart* buildHistogram(const ChartData& d, const ChartStyle& st);
QChart* buildErrorHistogram(const ChartData& d, const ChartStyle& st);
QChart* buildChannels(const ChartData& d, const ChartStyle& st);
// Nothing to reduce: the result holds the few iterations (convergence_chart.cpp).
QChart* buildConvergence(const ChartData& d, const ChartStyle& st);

} // namespace qs::ui::kindchart
