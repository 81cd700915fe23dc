// QuantConfig: every choice that decides how a tensor is quantized, with the defaults of the
// GUI and CLI (8-bit asymmetric, min-max, per tensor, round half to even, range includes zero).
// Where reference systems disagree (ties, 127 vs 127.5, multiply by the inverse scale, float32
// parameters) the difference is an explicit option; see README "Conventions".
#pragma once

#include "core/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

enum class Scheme {
    Asymmetric, // affine: scale = (beta - alpha) / (qmax - qmin), integer zero point
    Symmetric,  // scale = amax / (2^(b-1) - 1), zero point 0
    FP16,       // IEEE binary16, round to nearest even
    BF16,       // bfloat16, round to nearest even
};

enum class RangeMethod {
    MinMax,     // alpha = min(x), beta = max(x)
    Percentile, // numpy.percentile (linear) at 100-p and p; |x| at p for symmetric
    MSE,        // clipping range minimising the quantization MSE of this tensor at these bits
    Entropy,    // TensorRT KL-divergence calibration on a 2048-bin histogram of |x|
};

enum class Rounding {
    HalfEven,   // ties to even (numpy.round, torch.round, ONNX)
    HalfAway,   // ties away from zero (std::round, C roundf)
    HalfUp,     // ties toward +inf: floor(v + 0.5)
    Floor,      // toward -inf
    Truncate,   // toward zero (numpy .astype(uint8), tf.cast)
    Stochastic, // floor(v) + (u < frac(v)), u uniform from a seeded counter-based generator
};

// Where rounding is applied. AfterZeroPoint: q = round(x/s + z) (the seeds). BeforeZeroPoint:
// q = round(x/s) + z (PyTorch, ONNX). They differ only for non-nearest rules and ties.
enum class RoundingOrder { AfterZeroPoint, BeforeZeroPoint };

// Denominator of the symmetric scale: MaxCode = 2^(b-1) - 1 (127 at 8 bits; seeds, ONNX Runtime,
// TensorRT), HalfSpan = (qmax - qmin) / 2 (127.5 at 8 bits full range; PyTorch).
enum class SymmetricScale { MaxCode, HalfSpan };

struct QuantConfig {
    int bits = 8; // 1..16 for integer schemes (fp16/bf16 ignore it)
    Scheme scheme = Scheme::Asymmetric;
    bool signedCodes = false; // asymmetric: codes [-2^(b-1), 2^(b-1)-1] instead of [0, 2^b-1]
    bool fullRange = false;   // symmetric: allow -2^(b-1) (otherwise narrow [-(2^(b-1)-1), ...])
    bool includeZero = true;  // widen [alpha, beta] to contain 0 (asymmetric)
    Rounding rounding = Rounding::HalfEven;
    RoundingOrder roundingOrder = RoundingOrder::AfterZeroPoint;
    Rounding zeroPointRounding = Rounding::HalfEven; // z = qmin - round(alpha / s)
    SymmetricScale symmetricScale = SymmetricScale::MaxCode;
    bool multiplyByInverse = false; // q from x * (1/s) (PyTorch) instead of x / s
    bool float32Params = false;     // compute s, z and x/s + z in float32 (TensorFlow, PyTorch)
    uint64_t seed = 0;              // stochastic rounding

    RangeMethod range = RangeMethod::MinMax;
    double percentile = 99.99; // (50, 100]

    Granularity granularity = Granularity::PerTensor;
    int axis = 0;
    int64_t groupSize = 32;

    bool isInteger() const { return scheme == Scheme::Asymmetric || scheme == Scheme::Symmetric; }
    // Code range of the integer schemes.
    int64_t qmin() const;
    int64_t qmax() const;
    // Throws qs::Error with a clear message for impossible options (bits outside 1..16,
    // symmetric at 1 bit, percentile outside (50, 100], group size < 1).
    void validate() const;
    // One line, e.g. "8-bit asymmetric [0, 255], min-max, per tensor, half-even".
    std::string summary() const;
};

// Names used by the CLI, JSON reports and session files ("asymmetric", "half-even",
// "percentile", "channel", ...). fromName functions throw qs::Error listing the valid names.
std::string toName(Scheme v);
std::string toName(RangeMethod v);
std::string toName(Rounding v);
std::string toName(RoundingOrder v);
std::string toName(Granularity v);
std::string toName(SymmetricScale v);
Scheme schemeFromName(const std::string& s);
RangeMethod rangeMethodFromName(const std::string& s);
Rounding roundingFromName(const std::string& s);
RoundingOrder roundingOrderFromName(const std::string& s);
Granularity granularityFromName(const std::string& s);
SymmetricScale symmetricScaleFromName(const std::string& s);
std::vector<std::string> schemeNames();
std::vector<std::string> rangeMethodNames();
std::vector<std::string> roundingNames();
std::vector<std::string> granularityNames();

// Rounds v by the rule. Stochastic needs a uniform u in [0, 1); the others ignore it.
// Never undefined behaviour for NaN/Inf (returned unchanged).
double roundBy(Rounding r, double v, double u = 0.5);

} // namespace qs
