#include "ui/views/model_metric.h"

#include "ui/support/quantity_text.h"

#include <QCoreApplication>

#include <cmath>
#include <limits>

namespace qs::ui {

namespace {

struct MetricRow {
    ModelMetric metric;
    const char* name;
    const char* description;
};

const MetricRow kMetrics[] = {
    {ModelMetric::RelRmse, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "rel RMSE"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "RMSE of x - x̂ divided by the RMS of x")},
    {ModelMetric::SqnrDb, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "SQNR dB"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric",
                       "10 log10 of signal energy over error energy (larger is better)")},
    {ModelMetric::Cosine, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "cosine"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "cosine similarity of x and x̂ (1 is exact)")},
    {ModelMetric::MaxAbsError, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "max |err|"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "largest |x - x̂|")},
    {ModelMetric::MedianAbsError, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "median |err|"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "median of |x - x̂|")},
    {ModelMetric::P95AbsError, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "p95 |err|"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "95th percentile of |x - x̂|")},
    {ModelMetric::BitsPerElement, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "bits/elem"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "stored bits per element, scales included")},
    {ModelMetric::Bytes, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "bytes"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "stored size, scales and minima included")},
    {ModelMetric::Sse, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "SSE"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "sum of (x - x̂)² over the tensor")},
    {ModelMetric::WeightedSse, QT_TRANSLATE_NOOP("qs::ui::ModelMetric", "weighted SSE"),
     QT_TRANSLATE_NOOP("qs::ui::ModelMetric",
                       "sum of a·(x - x̂)² with the importance a (needs an importance file)")},
};

const MetricRow& row(ModelMetric metric)
{
    for (const MetricRow& r : kMetrics)
        if (r.metric == metric)
            return r;
    return kMetrics[0];
}

QString tr(const char* text)
{
    return QCoreApplication::translate("qs::ui::ModelMetric", text);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

QList<ModelMetric> allModelMetrics()
{
    QList<ModelMetric> out;
    for (const MetricRow& r : kMetrics)
        out << r.metric;
    return out;
}

QString modelMetricName(ModelMetric metric)
{
    return tr(row(metric).name);
}

QString modelMetricDescription(ModelMetric metric)
{
    return tr(row(metric).description);
}

bool modelMetricHigherIsBetter(ModelMetric metric)
{
    return metric == ModelMetric::SqnrDb || metric == ModelMetric::Cosine;
}

double modelMetricValue(const SchemeMetrics& m, ModelMetric metric)
{
    if (!m.ok)
        return kNaN;
    switch (metric) {
    case ModelMetric::RelRmse:
        return m.relRmse;
    case ModelMetric::SqnrDb:
        return m.sqnrDb;
    case ModelMetric::Cosine:
        return m.cosine;
    case ModelMetric::MaxAbsError:
        return m.maxAbsError;
    case ModelMetric::MedianAbsError:
        return m.medianAbsError;
    case ModelMetric::P95AbsError:
        return m.p95AbsError;
    case ModelMetric::BitsPerElement:
        return m.bitsPerElement;
    case ModelMetric::Bytes:
        return double(m.bytes);
    case ModelMetric::Sse:
        return m.sse;
    case ModelMetric::WeightedSse:
        return m.weightedSse;
    }
    return kNaN;
}

QString formatModelMetric(double value, ModelMetric metric)
{
    if (std::isnan(value))
        return QStringLiteral("–");
    if (metric == ModelMetric::Bytes)
        return formatSize(int64_t(std::llround(value)));
    if (metric == ModelMetric::Cosine && value > 0.99 && value < 1)
        return QString::number(value, 'f', 6); // 0.999712: the digits that differ
    if (metric == ModelMetric::SqnrDb || metric == ModelMetric::BitsPerElement)
        return QString::number(value, 'f', 2);
    return QString::number(value, 'g', 4);
}

double combinedMetric(const std::vector<const SchemeMetrics*>& results,
                      const std::vector<int64_t>& params, ModelMetric metric)
{
    double n = 0, signal = 0, sse = 0, wsse = 0, bytes = 0, maxErr = 0, mean = 0;
    for (size_t i = 0; i < results.size(); ++i) {
        const SchemeMetrics& m = *results[i];
        if (!m.ok)
            continue;
        const double p = double(params[i]);
        n += p;
        signal += m.signalEnergy;
        sse += m.sse;
        wsse += m.weightedSse;
        bytes += double(m.bytes);
        maxErr = std::max(maxErr, modelMetricValue(m, metric));
        mean += p * modelMetricValue(m, metric);
    }
    if (n == 0)
        return kNaN;
    switch (metric) {
    case ModelMetric::RelRmse:
        return signal > 0 ? std::sqrt(sse / signal) : kNaN;
    case ModelMetric::SqnrDb:
        return sse > 0 ? 10 * std::log10(signal / sse) : std::numeric_limits<double>::infinity();
    case ModelMetric::MaxAbsError:
        return maxErr;
    case ModelMetric::BitsPerElement:
        return 8 * bytes / n;
    case ModelMetric::Bytes:
        return bytes;
    case ModelMetric::Sse:
        return sse;
    case ModelMetric::WeightedSse:
        return wsse;
    case ModelMetric::Cosine:
    case ModelMetric::MedianAbsError:
    case ModelMetric::P95AbsError:
        return mean / n;
    }
    return kNaN;
}

QString metricsText(const SchemeMetrics& m)
{
    if (!m.ok)
        return m.skipped.empty() ? tr("not measured") : QString::fromStdString(m.skipped);
    QStringList lines;
    for (const MetricRow& r : kMetrics) {
        const double v = modelMetricValue(m, r.metric);
        if (r.metric != ModelMetric::WeightedSse || !std::isnan(v))
            lines << QStringLiteral("%1 %2").arg(tr(r.name), formatModelMetric(v, r.metric));
    }
    if (!m.fallback.empty())
        lines << tr("stored as %1, llama.cpp's fallback for these rows")
                     .arg(QString::fromStdString(m.fallback));
    return lines.join(QLatin1Char('\n'));
}

} // namespace qs::ui
