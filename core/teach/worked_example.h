// Worked example: the whole path of one element through quantization, with the actual numbers
// the engine used: x -> x/s -> + z -> rounding (rule, tie, direction) -> clip -> q -> x^ -> error.
// It recomputes each step with the same precision and order as qs::quantize (double, or float32
// with QuantConfig::float32Params; divide or multiply by the inverse scale; rounding after or
// before adding the zero point), so its code always equals the engine's, and renders it as rich
// text (Qt's rich-text subset: <table>, <b>, <i>, <sub>, <sup>, entities) for a teaching panel.
#pragma once

#include "core/base/tensor.h"
#include "core/quant/quantize.h"

#include <cstdint>
#include <string>

namespace qs {

enum class ClipSide { None, BelowQmin, AboveQmax };

struct WorkedExample {
    int64_t index = 0; // flat index of the element
    int64_t slice = 0; // slice whose parameters it uses
    double x = 0;      // input value (float32, widened)
    bool finite = true;
    QuantConfig config;
    bool integerScheme = true;

    // Integer schemes.
    double scale = 1; // s (float32-rounded when config.float32Params)
    int64_t zeroPoint = 0;
    double realZeroPoint = 0; // the z the arithmetic uses: zeroPoint, or hqq's / grid-search's
    int64_t qmin = 0, qmax = 255;
    double reciprocal = -1;  // s' with config.reciprocalScale (x * s', x^ = q / s'), else -1
    double xOverS = 0;       // x / s (or x * (1/s)), in the engine's precision
    double valueToRound = 0; // x/s + z (AfterZeroPoint) or x/s (BeforeZeroPoint)
    double stochasticU = 0;  // the uniform draw (stochastic rounding only)
    double rounded = 0;      // rule(valueToRound), before adding z (BeforeZeroPoint) and clipping
    double unclipped = 0;    // the code before clipping: rounded (+ z for BeforeZeroPoint)
    bool tie = false;        // valueToRound was exactly halfway between two integers
    bool roundedUp = false;  // rounded > valueToRound
    ClipSide clip = ClipSide::None;
    int64_t code = 0; // q
    double xhat = 0;  // dequantized value as stored (float32)
    double error = 0; // x - xhat

    // fp16 / bf16: the code is the bit pattern, xhat the rounded value.
    std::string floatCategory; // "exact", "rounded", "subnormal", "flushed to zero", "overflow"
};

// The worked example of element `index` of tensor t quantized into `result` (from quantize() or
// quantizeWithParams() on the same tensor). Throws qs::Error for an index outside the tensor or
// a result that does not belong to the tensor (different number of elements).
WorkedExample workedExample(const Tensor& t, const QuantResult& result, int64_t index);

// Rich text: a table of the steps with the formula and the substituted numbers of each, and one
// sentence on the rounding (which rule, whether it was a tie and where it went) and the clip.
std::string workedExampleHtml(const WorkedExample& w);

// Short name of the side of a clip ("none", "below qmin", "above qmax").
std::string toName(ClipSide c);

} // namespace qs
