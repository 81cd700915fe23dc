#include "core/analysis/compare.h"

#include <cmath>

namespace qs {

std::vector<std::string> comparisonMetricNames()
{
    return {"mse",
            "rmse",
            "mae",
            "max_abs_error",
            "sqnr_db",
            "clipped_percent",
            "levels_used",
            "bits_per_element",
            "quantized_bytes"};
}

Comparison compareConfigs(const Tensor& t, const std::vector<QuantConfig>& configs,
                          const CancelToken* cancel)
{
    if (configs.empty())
        throw Error("comparison needs at least one configuration");
    Comparison c;
    c.configs = configs;
    c.metricNames = comparisonMetricNames();
    for (size_t i = 0; i < configs.size(); ++i) {
        throwIfCancelled(cancel);
        try {
            c.results.push_back(quantize(t, configs[i], cancel));
        } catch (const Error& e) {
            throw Error("configuration " + std::to_string(i + 1) + " (" + configs[i].summary() +
                        "): " + e.what());
        }
        c.labels.push_back(configs[i].summary());
        const Metrics& m = c.results.back().metrics;
        c.values.push_back({m.mse, m.rmse, m.mae, m.maxAbsError, m.sqnrDb,
                            100.0 * (m.clippedLow + m.clippedHigh), double(m.levelsUsed),
                            m.bitsPerElement, double(m.quantizedBytes)});
    }
    for (const std::vector<double>& row : c.values) {
        std::vector<double> d(row.size());
        for (size_t m = 0; m < row.size(); ++m)
            d[m] = row[m] == c.values[0][m] ? 0.0 : row[m] - c.values[0][m];
        c.deltas.push_back(d);
    }
    return c;
}

} // namespace qs
