// Chart builders of the teaching views: number line, bit-width sweep, clipping curve and the A/B
// overlays. Like ui/charts/charts.h they are pure functions from data to a new QChart (the caller
// owns it), so the views, the CLI and the exporters draw the same picture. The heavy work (sweeps,
// curves, comparisons) is done in the core beforehand; these builders only turn a few hundred
// numbers into series. Series carry objectNames for code that inspects a chart (listed per
// builder).
#pragma once

#include "core/analysis/clipping_curve.h"
#include "core/analysis/compare.h"
#include "core/analysis/sweep.h"
#include "core/base/tensor.h"
#include "core/quant/quantize.h"
#include "ui/charts/charts.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

class QChart;

namespace qs::ui {

// ---- number line ----------------------------------------------------------------------------

struct NumberLineSample {
    int64_t index = 0; // flat index in the tensor
    double x = 0;      // input value
    int64_t code = 0;  // code it lands on
    double xhat = 0;   // dequantized value of that code
};

// Everything the number line draws: the grid of one slice (every representable value), its
// clipping range and up to maxSamples sample values of that slice with their codes.
struct NumberLineData {
    int64_t slice = 0;
    int64_t qmin = 0, qmax = 255;
    std::vector<double> grid; // dequantized value of code qmin + i, ascending
    double rangeMin = 0, rangeMax = 0;
    std::vector<NumberLineSample> samples; // ascending by x
    QString subtitle;
};

// Samples: all finite values of the slice when it has at most maxSamples of them (the first
// values of a tiny tensor, e.g. a 10-value lesson), otherwise maxSamples values spread evenly
// over the slice's elements (always including its smallest and largest value, so the arrows
// show the clipping). Throws qs::Error for a float scheme (no grid), a result of another tensor
// or a slice out of range.
NumberLineData prepareNumberLine(const Tensor& t, const QuantResult& r, int64_t slice = 0,
                                 int maxSamples = 12);

// Series: "grid" (one tick per code, drawn as (x,0),(x,h),(x,0) triples) or "gridBand" (more
// than ~200 codes: a band covering the grid, with every k-th code ticked in "gridTicks"),
// "samples" (scatter at y = 1), "arrow<i>" (one line per sample from (x,1) down to (xhat,0)),
// "clipLow"/"clipHigh". The bottom axis is a QCategoryAxis whose labels are the codes
// (every code at up to 16 codes, else every k-th), the top axis the real value.
QChart* buildNumberLineChart(const NumberLineData& d, const ChartStyle& style);

// ---- bit-width sweep -----------------------------------------------------------------------

// SQNR (dB) against bits: one series per method (objectName = method name, e.g. "minmax"),
// "reference" (the 6.02 dB/bit line), "fp16"/"bf16" horizontal lines. Invalid points are left
// out.
QChart* buildSweepSqnrChart(const Sweep& s, const ChartStyle& style, const QString& subtitle);
// MSE against bits on a logarithmic axis (QLogValueAxis); points with MSE 0 are left out.
QChart* buildSweepMseChart(const Sweep& s, const ChartStyle& style, const QString& subtitle);

// ---- clipping curve ------------------------------------------------------------------------

// MSE against the clipping position (amax for symmetric, the shrink factor for asymmetric):
// "total", "rounding", "clipping" and one vertical marker line per method ("marker-minmax",
// "marker-percentile", "marker-mse", "marker-entropy"), labelled in the legend with where it
// lands. Logarithmic MSE axis; zero values are left out.
QChart* buildClippingChart(const ClippingCurve& c, const ChartStyle& style,
                           const QString& subtitle);

// ---- A/B comparison overlays ----------------------------------------------------------------

// Dequantized values by index of every result of a comparison, plus the original as a thin grey
// line; series "config<i>" and "original". A tensor of at most 2 * maxPoints values is drawn
// whole, a longer one in a window of its first 300 values (drawn whole, a million values are a
// solid block). labels[i] names result i in the legend.
QChart* buildCompareValuesChart(const Tensor& t, const std::vector<QuantResult>& results,
                                const QStringList& labels, const ChartStyle& style,
                                int maxPoints = 1500);
// Error histograms (x - x^) of every result on a common range (+-max |error|, at most +-6 RMSE of
// the noisiest result), stepped outlines; series "config<i>".
QChart* buildCompareErrorChart(const Tensor& t, const std::vector<QuantResult>& results,
                               const QStringList& labels, const ChartStyle& style, int bins = 101);

// Colour of comparison entry i (Okabe-Ito order, distinct from the original's grey).
QColor compareColor(const ChartStyle& style, int i);

} // namespace qs::ui
