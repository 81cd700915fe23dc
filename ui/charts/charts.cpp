// Chart builders. Every chart follows the same recipe: validate the input, reduce the data in
// the core (downsampleMinMax, histogram, errorHistogram, quantizationGrid) to a few thousand
// points at most (chart_reduce.cpp), then turn the reduced data into Qt Charts line and area
// series with the style's colours, fonts and nice axis ticks (values_chart.cpp,
// histogram_chart.cpp, channels_chart.cpp). Histograms are drawn as stepped outlines (one series
// per histogram) and sets of vertical lines as one zig-zag series along the baseline, so a chart
// holds a handful of graphics items whatever the data size. This file holds the chart kinds,
// the input checks and the dispatch.
#include "ui/charts/charts.h"

#include "core/base/error.h"
#include "ui/charts/chart_common.h"
#include "ui/charts/kind_charts.h"

#include <QChart>

namespace qs::ui {

namespace kindchart {

void fail(const QString& message)
{
    throw Error(message.toStdString());
}

Window viewWindow(const ChartInput& in)
{
    const int64_t n = in.tensor->numel();
    Window w{in.viewBegin, in.viewEnd == -1 ? n : in.viewEnd};
    if (w.begin < 0 || w.end > n || w.begin >= w.end)
        fail(QStringLiteral("the index window [%1, %2) is not a non-empty part of the tensor's "
                            "indices [0, %3)")
                 .arg(in.viewBegin)
                 .arg(in.viewEnd)
                 .arg(n));
    return w;
}

namespace {

QString tensorLabel(const Tensor& t)
{
    const QString name = QString::fromStdString(t.name);
    const QString shape = QString::fromStdString(t.shapeString());
    return name.isEmpty() ? shape : name + QStringLiteral(" (") + shape + QLatin1Char(')');
}

} // namespace

QString subtitleOf(const ChartInput& in)
{
    return tensorLabel(*in.tensor) + QStringLiteral(", ") +
           QString::fromStdString(in.result->config.summary());
}

QString sliceWord(Granularity g)
{
    if (g == Granularity::PerChannel)
        return QStringLiteral("channel");
    if (g == Granularity::PerGroup)
        return QStringLiteral("group");
    return QStringLiteral("slice");
}

QChart* newKindChart(const ChartStyle& st, ChartKind kind, const ChartInput& in)
{
    return chartcommon::newChart(st, chartKindTitle(kind), subtitleOf(in));
}

} // namespace kindchart

namespace {

using kindchart::fail;

constexpr int kMaxSeriesPoints = 100000;

void checkInput(const ChartInput& in)
{
    if (!in.tensor || !in.result)
        fail(QStringLiteral("chart input is incomplete: it needs a tensor and a quantization "
                            "result"));
    const Tensor& t = *in.tensor;
    const QuantResult& r = *in.result;
    const int64_t n = t.numel();
    if (n == 0)
        fail(QStringLiteral("cannot chart an empty tensor"));
    if (static_cast<int64_t>(r.dequantized.size()) != n ||
        static_cast<int64_t>(r.codes.size()) != n)
        fail(QStringLiteral("the quantization result has %1 values but the tensor has %2: the "
                            "result belongs to another tensor")
                 .arg(r.dequantized.size())
                 .arg(n));
    const QuantParams& p = r.params;
    const size_t s = p.scale.size();
    if (s == 0 || p.zeroPoint.size() != s || p.rangeMin.size() != s || p.rangeMax.size() != s ||
        p.dataMin.size() != s || p.dataMax.size() != s)
        fail(QStringLiteral("the quantization result has inconsistent per-slice parameters"));
    if (in.maxPoints < 4 || in.maxPoints > kMaxSeriesPoints)
        fail(QStringLiteral("maxPoints must be between 4 and %1 (got %2)")
                 .arg(kMaxSeriesPoints)
                 .arg(in.maxPoints));
    if (in.valueBins < 1 || in.valueBins > kMaxSeriesPoints / 2)
        fail(QStringLiteral("the number of value bins must be between 1 and %1 (got %2)")
                 .arg(kMaxSeriesPoints / 2)
                 .arg(in.valueBins));
    if (in.errorBins < 1 || in.errorBins > kMaxSeriesPoints / 2)
        fail(QStringLiteral("the number of error bins must be between 1 and %1 (got %2)")
                 .arg(kMaxSeriesPoints / 2)
                 .arg(in.errorBins));
}

// Each chart kind once: its name, title, reduction and drawing. A new kind is a row here plus
// its two steps in kind_charts.h.
struct KindInfo {
    ChartKind kind;
    const char* name;
    const char* title;
    void (*prepare)(ChartData&);
    QChart* (*build)(const ChartData&, const ChartStyle&);
};

const KindInfo kKinds[] = {
    {ChartKind::Values, "values", "Values by index", kindchart::prepareValues,
     kindchart::buildValues},
    {ChartKind::Codes, "codes", "Integer codes by index", kindchart::prepareCodes,
     kindchart::buildCodes},
    {ChartKind::Histogram, "histogram", "Histogram of values", kindchart::prepareHistogram,
     kindchart::buildHistogram},
    {ChartKind::ErrorHistogram, "error-histogram", "Histogram of the error",
     kindchart::prepareErrorHistogram, kindchart::buildErrorHistogram},
    {ChartKind::Channels, "channels", "Range, scale and error per slice",
     kindchart::prepareChannels, kindchart::buildChannels},
    {ChartKind::Convergence, "convergence", "HQQ convergence: error per iteration", nullptr,
     kindchart::buildConvergence},
};

// The row of kind; a kind outside the table gets null names and no steps.
const KindInfo& kindInfo(ChartKind kind)
{
    static const KindInfo unknown{ChartKind::Values, nullptr, nullptr, nullptr, nullptr};
    for (const KindInfo& k : kKinds)
        if (k.kind == kind)
            return k;
    return unknown;
}

} // namespace

QString chartKindName(ChartKind kind)
{
    return QString::fromLatin1(kindInfo(kind).name);
}

QString chartKindTitle(ChartKind kind)
{
    return QString::fromLatin1(kindInfo(kind).title);
}

QList<ChartKind> allChartKinds()
{
    QList<ChartKind> kinds;
    for (const KindInfo& k : kKinds)
        kinds << k.kind;
    return kinds;
}

ChartKind chartKindFromName(const QString& name)
{
    QStringList names;
    for (ChartKind k : allChartKinds()) {
        if (chartKindName(k) == name.trimmed().toLower())
            return k;
        names << chartKindName(k);
    }
    fail(QStringLiteral("unknown chart '%1'; valid charts: %2").arg(name, names.join(", ")));
}

ChartData prepareChartData(ChartKind kind, const ChartInput& input)
{
    checkInput(input);
    ChartData d;
    d.kind = kind;
    d.input = input;
    if (const auto prepare = kindInfo(kind).prepare)
        prepare(d);
    return d;
}

QChart* buildChart(const ChartData& data, const ChartStyle& style)
{
    checkInput(data.input);
    if (!(style.fontScale > 0.2 && style.fontScale < 10) ||
        !(style.lineWidth > 0 && style.lineWidth < 50))
        fail(QStringLiteral("chart style out of range: font scale %1, line width %2")
                 .arg(style.fontScale)
                 .arg(style.lineWidth));
    if (const auto build = kindInfo(data.kind).build)
        return build(data, style);
    fail(QStringLiteral("unknown chart kind %1").arg(static_cast<int>(data.kind)));
}

QChart* buildChart(ChartKind kind, const ChartInput& input, const ChartStyle& style)
{
    return buildChart(prepareChartData(kind, input), style);
}

} // namespace qs::ui
