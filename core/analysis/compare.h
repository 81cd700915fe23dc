// A/B comparison: one tensor quantized with several configurations, the first one pinned as the
// baseline. Gives every result (for overlays of dequantized values and error histograms) and a
// metrics table with the difference of each configuration to the baseline.
#pragma once

#include "core/quant/quantize.h"

#include <string>
#include <vector>

namespace qs {

struct Comparison {
    std::vector<QuantConfig> configs;
    std::vector<std::string> labels;  // config.summary()
    std::vector<QuantResult> results; // one per config
    // metricNames[m]: "mse", "rmse", "mae", "max_abs_error", "sqnr_db", "clipped_percent",
    // "levels_used", "bits_per_element", "quantized_bytes".
    std::vector<std::string> metricNames;
    std::vector<std::vector<double>> values; // values[c][m]
    std::vector<std::vector<double>> deltas; // values[c][m] - values[0][m] (0 for the baseline;
                                             // an infinite SQNR on both sides gives 0)
};

// The metric names of a Comparison, in column order.
std::vector<std::string> comparisonMetricNames();

// Throws qs::Error when configs is empty or a config is invalid (naming its position),
// qs::Cancelled when cancel fires.
Comparison compareConfigs(const Tensor& t, const std::vector<QuantConfig>& configs,
                          const CancelToken* cancel = nullptr);

} // namespace qs
