// `quantscope --benchmark-ui`: drives the real window programmatically and prints, for each
// control change, the milliseconds from the change to the visible chart refreshed with the new
// result, and the longest stretch the GUI thread was busy without returning to the event loop
// (measured with the event dispatcher's awake / aboutToBlock signals).
#pragma once

#include <QString>

namespace qs::ui {

// elements 0 runs 1M and 16M, after timing the model browser with 5,000 tensors. With a file
// (FILE[:TENSOR]), times opening it instead (tree shown, first tensor loaded, its charts shown).
// Returns the process exit status.
int runUiBenchmark(qint64 elements, const QString& file = {});

} // namespace qs::ui
