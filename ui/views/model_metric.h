// The metrics the Model view shows for a tensor under a scheme (the fields of
// qs::SchemeMetrics), with their names and number formats, and the value of a set of tensors
// (a cell of the heatmap holding more than one): element-weighted as the report's totals are.
#pragma once

#include "core/model/model_report.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace qs::ui {

enum class ModelMetric {
    RelRmse,
    SqnrDb,
    Cosine,
    MaxAbsError,
    MedianAbsError,
    P95AbsError,
    BitsPerElement,
    Bytes,
    Sse,
    WeightedSse
};

QList<ModelMetric> allModelMetrics();
QString modelMetricName(ModelMetric metric);        // "rel RMSE", "SQNR dB", ...
QString modelMetricDescription(ModelMetric metric); // one sentence for tooltips
// True for SQNR and cosine: a larger value is a smaller error.
bool modelMetricHigherIsBetter(ModelMetric metric);

double modelMetricValue(const SchemeMetrics& m, ModelMetric metric);
// 4 significant digits; bytes as "1.2 MiB"; NaN (no importance) as "–".
QString formatModelMetric(double value, ModelMetric metric);

// The value of several tensors' results (those with ok): SQNR and relative RMSE from the summed
// energies, bits per element from the summed bytes, maxima for the maxima, sums for bytes and
// errors, the parameter-weighted mean for cosine, median and 95th percentile. NaN when none is
// ok.
double combinedMetric(const std::vector<const SchemeMetrics*>& results,
                      const std::vector<int64_t>& params, ModelMetric metric);

// Every metric of one result, one per line ("rel RMSE 0.0123"), or why it was skipped.
QString metricsText(const SchemeMetrics& m);

} // namespace qs::ui
