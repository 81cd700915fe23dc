// `quantscope --benchmark-ui`: drives the real window programmatically and prints, for each
// control change, the milliseconds from the change to the visible chart refreshed with the new
// result, and the longest stretch the GUI thread was busy without returning to the event loop
// (measured with the event dispatcher's awake / aboutToBlock signals).
#pragma once

#include <QtGlobal>

namespace qs::ui {

// elements 0 runs 1M and 16M. Returns the process exit status.
int runUiBenchmark(qint64 elements);

} // namespace qs::ui
