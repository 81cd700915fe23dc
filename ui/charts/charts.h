// Chart builders: pure functions from data (a tensor and its QuantResult) to a QChart. The main
// window, the CLI's `plot` command and the exporters all use these, so an exported chart is the
// chart on screen. No chart is handed more than a few thousand points: long series are
// downsampled in the core (qs::downsampleMinMax) and histograms are computed in the core.
#pragma once

#include "core/base/tensor.h"
#include "core/quant/quantize.h"
#include "core/stats/downsample.h"
#include "core/stats/histogram.h"

#include <QColor>
#include <QString>
#include <QStringList>

class QChart;

namespace qs::ui {

enum class ChartKind {
    Values,    // original and dequantized by index, overlaid
    Codes,     // integer codes by index
    Histogram, // original values' histogram + quantization grid + clipping bounds (+ dequantized)
    ErrorHistogram, // x - x^
    Channels,       // per-slice min/max range, scale and error
    Convergence,    // HQQ's error per iteration (QuantResult::convergence)
};

QString chartKindName(ChartKind kind);  // "values", "codes", "histogram", "error-histogram",
                                        // "channels", "convergence"
QString chartKindTitle(ChartKind kind); // "Values by index", ...
ChartKind chartKindFromName(const QString& name); // throws qs::Error listing valid names
QList<ChartKind> allChartKinds();

// Colour-blind-safe palette (Okabe-Ito) and sizes; presentation mode scales fonts and lines.
struct ChartStyle {
    bool dark = false;
    double fontScale = 1.0; // presentation mode uses ~1.8
    double lineWidth = 1.5;
    static ChartStyle fromPalette(); // light/dark from the application palette
    QColor original() const;         // blue  #0072B2
    QColor dequantized() const;      // orange #E69F00
    QColor error() const;            // vermillion #D55E00
    QColor grid() const;             // bluish green #009E73
    QColor clip() const;             // reddish purple #CC79A7
    QColor text() const;
    QColor background() const;
};

struct ChartInput {
    const Tensor* tensor = nullptr;
    const QuantResult* result = nullptr;
    int64_t viewBegin = 0, viewEnd = -1; // index window for Values/Codes (-1 = whole tensor)
    int maxPoints = 2000;                // per series after downsampling
    int valueBins = 256;
    int errorBins = 101;
    int64_t slice = 0; // Histogram: slice whose grid and clipping bounds are drawn
};

// Builds a new chart (caller owns it). Throws qs::Error if the input does not fit the kind
// (e.g. Channels with a per-tensor result is fine: one slice).
// Series carry stable objectNames for code that inspects a chart: "original", "dequantized"
// (Values, Histogram), "codes", "grid" (vertical lines, or "gridBand" when too dense to draw),
// "clipLow"/"clipHigh" (Histogram: one vertical line each; Channels: per-slice bounds),
// "error", "roundingLow"/"roundingHigh", "dataRange", "scale", "rmse", "meanAbsError" and "mse"
// (Convergence; without iterations a "baseline" and a text item saying how to get them).
// Histogram-like series are stepped: (lo, 0), then per bin (left, count), (right, count), then
// (hi, 0). The grid's lines are (x, 0), (x, top), (x, 0) triples.
// Values, from the bottom of the drawing order to the top: "errorBand" (x - x^, min/max per
// bucket, an area on its own right-hand axis in the lower part of the plot), then, when the
// window is downsampled, "dequantizedBand" (a translucent fill between the dequantized values'
// min and max per bucket), "dequantized" (a translucent line), "original" (a translucent line)
// and "originalOutline" (the original's min and max per bucket as an unfilled outline); a
// window shown whole has "errorBand", "dequantized" and "original" lines (with a dot per value
// up to 400 values: the exact values, original drawn on top); a tiny window (at
// most 64 values) has no band and draws "original" then "dequantized" as dots, the smaller
// dequantized dot on top.
QChart* buildChart(ChartKind kind, const ChartInput& input, const ChartStyle& style);

// The same in two steps, so that the heavy passes over the data can run off the GUI thread:
// prepareChartData() reduces the tensor and result to the few thousand numbers a chart draws
// (downsampled series, histograms). It creates no Qt objects and is safe to call from a worker
// thread; it throws qs::Error like buildChart. buildChart(data, style) then makes the QChart on
// the GUI thread (cheap); the tensor and result must still be alive (parameters and names are
// read from them). buildChart(kind, input, style) == buildChart(prepareChartData(kind, input),
// style).
// Channels: consecutive slices [first, last) merged into one step (the envelope: min of the
// minima, max of the maxima, of the scales and of the RMSEs).
struct SliceBucket {
    int64_t first = 0, last = 0;
    double dataLo = 0, dataHi = 0, clipLo = 0, clipHi = 0, scale = 0, rmse = 0;
};
struct ChartData {
    ChartKind kind = ChartKind::Values;
    ChartInput input;
    int64_t begin = 0, end = 0;             // Values, Codes: the index window [begin, end)
    std::vector<SeriesPoint> first, second; // Values: original, dequantized; Codes: codes
    // Values, except tiny windows: min/max per bucket of the original, the dequantized values
    // and the error x - x^, in maxPoints / 8 buckets.
    std::vector<BucketRange> firstBand, secondBand, errorBand;
    Histogram hist, hist2;            // Histogram: original, dequantized; ErrorHistogram: the error
    std::vector<SliceBucket> buckets; // Channels: at most maxPoints / 8 steps
};
ChartData prepareChartData(ChartKind kind, const ChartInput& input);
QChart* buildChart(const ChartData& data, const ChartStyle& style);

} // namespace qs::ui
