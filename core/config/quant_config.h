// QuantConfig: every choice that decides how a tensor is quantized, with the defaults of the
// GUI and CLI (8-bit asymmetric, min-max, per tensor, round half to even, range includes zero).
// Where reference systems disagree (ties, 127 vs 127.5, multiply by the inverse scale, float32
// parameters) the difference is an explicit option; see README "Conventions".
#pragma once

#include "core/base/tensor.h"
#include "core/formats/mx_scale_rounding.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

enum class Scheme {
    Asymmetric, // affine: scale = (beta - alpha) / (qmax - qmin), integer zero point
    Symmetric,  // scale = amax / (2^(b-1) - 1), zero point 0
    FP16,       // IEEE binary16, round to nearest even
    BF16,       // bfloat16, round to nearest even
    // Low-bit formats (core/lowbit_quantize.h). Element-wise floats, code = bit pattern:
    E4M3, // OCP float8 "FN": max 448, no inf (saturate or NaN on overflow)
    E5M2, // float8 E5M2: max 57344 (saturate or inf on overflow)
    // float8 FNUZ (no inf, no -0, NaN = 0x80): E4M3 bias 8, max 240; E5M2 bias 16, max 57344
    // (saturate or NaN on overflow).
    E4M3FNUZ,
    E5M2FNUZ,
    E2M1, // float4 (the MXFP4 element): max 6, always saturates
    // OCP Microscaling: E8M0 power-of-two scale per 32 consecutive elements of a row.
    MXFP8_E4M3,
    MXFP8_E5M2,
    MXFP6_E2M3,
    MXFP6_E3M2,
    MXFP4,
    MXINT8,
    // NVIDIA NVFP4: E2M1 elements, an E4M3 scale per 16 of a row, an fp32 scale per tensor.
    NVFP4,
    // Code books (code = table index).
    NF4,      // bitsandbytes normal-float 4, absmax blocks of groupSize (flat tensor)
    FP4,      // bitsandbytes FP4 (not OCP E2M1), absmax blocks of groupSize (flat tensor)
    Codebook, // QuantConfig::codebook: absmax blocks of groupSize on [-1, 1] when the
              // granularity is per group, otherwise the values themselves (no scaling)
    LloydMax, // MSE-optimal code book of this tensor with 2^bits values (1..8 bits)
    // GGML blocks of 32 consecutive elements of a row (llama.cpp, fp16 block scales).
    Q8_0,
    Q4_0,
    Q4_1,
    // GGML with searched scales (core/formats/ggml_kquants.h), llama.cpp's bytes bit for bit:
    // blocks of 32 (Q5_0, Q5_1, IQ4_NL) or super-blocks of 256 with 6/8-bit sub-block scales.
    Q5_0,
    Q5_1,
    Q2_K,
    Q3_K,
    Q4_K,
    Q5_K,
    Q6_K,
    IQ4_NL,
    IQ4_XS,
    AbsmaxInt8, // linear int8 absmax blocks of groupSize (flat tensor; not bitsandbytes' code)
    Dynamic8,   // bitsandbytes' dynamic 8-bit map (core/dynamic_map.h), absmax blocks of
                // groupSize of the flat tensor (bitsandbytes' blockwise 8-bit default)
};

enum class RangeMethod {
    MinMax,     // alpha = min(x), beta = max(x)
    Percentile, // numpy.percentile (linear) at 100-p and p; |x| at p for symmetric
    MSE,        // clipping range minimising the quantization MSE of this tensor at these bits
    Entropy,    // TensorRT KL-divergence calibration on a 2048-bin histogram of |x|
    // Histogram calibrators of the reference systems (core/calibrators.h): the threshold is a
    // float32 bin edge of numpy.histogram, as those systems compute it.
    TrtPercentile, // pytorch-quantization: edges[searchsorted(cdf, p/100)], 2048 bins of |x|
    TrtMse,        // pytorch-quantization _compute_amax_mse over the 2048 bin centres
    OrtPercentile, // ONNX Runtime symmetric percentile: 2048 bins of |x| over [min|x|, max|x|]
    OrtEntropy,    // ONNX Runtime entropy: 128 bins of x, 128 quantized bins (one window)
    // Calibration-free optimizers of asymmetric integer quantization (core/range/hqq.h,
    // core/range/grid_search.h): a real-valued zero point (QuantParams::realZeroPoint), and
    // min-max's parameters kept for any slice they would give a larger squared error.
    Hqq,        // half-quadratic: min-max scale, zero point by proximal iterations
    GridSearch, // llama.cpp's weighted scale-and-min search (make_qkx2_quants), any bits <= 8
};

enum class Rounding {
    HalfEven,   // ties to even (numpy.round, torch.round, ONNX)
    HalfAway,   // ties away from zero (std::round, C roundf)
    HalfUp,     // ties toward +inf: floor(v + 0.5)
    Floor,      // toward -inf
    Truncate,   // toward zero (numpy .astype(uint8), tf.cast)
    Stochastic, // floor(v) + (u < frac(v)), u uniform from a seeded counter-based generator
};

// Where rounding is applied. AfterZeroPoint: q = round(x/s + z) (notebooks). BeforeZeroPoint:
// q = round(x/s) + z (PyTorch, ONNX). They differ only for non-nearest rules and ties.
enum class RoundingOrder { AfterZeroPoint, BeforeZeroPoint };

// Denominator of the symmetric scale: MaxCode = 2^(b-1) - 1 (127 at 8 bits; notebooks, ONNX RT,
// TensorRT), HalfSpan = (qmax - qmin) / 2 (127.5 at 8 bits full range; PyTorch).
enum class SymmetricScale { MaxCode, HalfSpan };

// Scale of a slice whose range has zero width (a constant or all-zero slice; vector T8 in
// docs/REFERENCES.md). Exact: scale |c| (1 for zeros) so the constant is reconstructed exactly.
// PyTorchEps: every scale is at least float32 eps 2^-23 (_calculate_qparams; zeros: 2^-23, zp 0).
// OnnxOne: a scale below the smallest normal float32 becomes 1 with zero point 0 (ORT
// compute_scale_zp). FbgemmPointOne: a zero scale becomes 0.1 (FBGEMM ChooseQuantizationParams).
enum class ConstantRange { Exact, PyTorchEps, OnnxOne, FbgemmPointOne };

bool isLowbitScheme(Scheme s);
// The OCP MX schemes (MXFP8, MXFP6, MXFP4, MXINT8): those that QuantConfig::mxScaleRounding
// applies to.
bool isMxScheme(Scheme s);
// Q5_0 ... IQ4_XS: the GGML types with searched scales (rows of whole blocks only).
bool isSearchedGgmlScheme(Scheme s);
// The schemes llama.cpp quantizes differently with an importance vector (imatrix): the GGML
// types but Q8_0.
bool hasImportancePath(Scheme s);

struct QuantConfig {
    int bits = 8; // 1..16 for integer schemes, 1..8 for LloydMax (other formats fix it)
    // Asymmetric: codes are clamped to the range of a wider storage type of this many bits,
    // while the scale and zero point are computed for `bits`. PyTorch's reduce_range observers
    // compute them for [0, 127] and quantize_per_tensor clamps to quint8's [0, 255], so a
    // value at the top of a symmetric range lands on 128. 0: the same as bits.
    int clampBits = 0;
    Scheme scheme = Scheme::Asymmetric;
    bool signedCodes = false; // asymmetric: codes [-2^(b-1), 2^(b-1)-1] instead of [0, 2^b-1]
    bool fullRange = false;   // symmetric: allow -2^(b-1) (otherwise narrow [-(2^(b-1)-1), ...])
    bool includeZero = true;  // widen [alpha, beta] to contain 0 (asymmetric)
    // Symmetric with unsigned codes [0, 2^b-1] and zero point 2^(b-1) (PyTorch quint8
    // per_tensor_symmetric); fullRange is then irrelevant.
    bool unsignedSymmetric = false;
    ConstantRange constantRange = ConstantRange::Exact;
    Rounding rounding = Rounding::HalfEven;
    RoundingOrder roundingOrder = RoundingOrder::AfterZeroPoint;
    Rounding zeroPointRounding = Rounding::HalfEven; // z = qmin - round(alpha / s)
    SymmetricScale symmetricScale = SymmetricScale::MaxCode;
    bool multiplyByInverse = false; // q from x * (1/s) (PyTorch) instead of x / s
    bool float32Params = false;     // compute s, z and x/s + z in float32 (TensorFlow, PyTorch)
    // Symmetric only: the scale kept as its reciprocal, as TensorRT's toolkit
    // (pytorch-quantization) does: s' = float32(qmax / amax), q = clamp(round(float32(x * s'))),
    // x^ = float32(q / s'); amax <= 2^-24 gives s' = 0 (every code 0) and x^ = q. All float32;
    // multiplyByInverse and float32Params are implied.
    bool reciprocalScale = false;
    uint64_t seed = 0; // stochastic rounding

    // Low-bit schemes.
    bool saturate = true; // E4M3 / E5M2 / FNUZ: overflow saturates to +-max (false: NaN / inf)
    // MX schemes: how a block's largest magnitude becomes its E8M0 exponent (OCP: floor).
    MxScaleRounding mxScaleRounding = MxScaleRounding::Floor;
    std::vector<double> codebook; // Scheme::Codebook: the values (any order, duplicates merged)
    std::string preset; // name of the preset (core/presets.h) this config started from, or ""

    RangeMethod range = RangeMethod::MinMax;
    double percentile = 99.99; // (50, 100]

    Granularity granularity = Granularity::PerTensor;
    int axis = 0;
    int64_t groupSize = 32; // also the block size of NF4, FP4, AbsmaxInt8, Dynamic8 and a
                            // blockwise Codebook

    // Uniform integer asymmetric / symmetric (the engine of quantize.cpp).
    bool isInteger() const { return scheme == Scheme::Asymmetric || scheme == Scheme::Symmetric; }
    // fp16 / bf16.
    bool isFloat16() const { return scheme == Scheme::FP16 || scheme == Scheme::BF16; }
    // Every scheme from E4M3 on (core/lowbit_quantize.h).
    bool isLowbit() const { return isLowbitScheme(scheme); }
    // Low-bit schemes that cut the tensor into blocks with their own scale.
    bool isBlockwise() const;
    // Block size of a blockwise scheme (32 for MX and GGML, 16 for NVFP4, groupSize for NF4, FP4,
    // AbsmaxInt8 and a blockwise Codebook), 0 for element-wise schemes.
    int64_t blockSize() const;
    // Code range of the integer schemes: the codes stored, clamped to the storage type of
    // storageBits() bits.
    int64_t qmin() const;
    int64_t qmax() const;
    int storageBits() const { return clampBits > 0 ? clampBits : bits; }
    // The code range the scale and zero point are computed for (bits); qmin()/qmax() unless
    // clampBits widens the storage.
    int64_t paramQmin() const;
    int64_t paramQmax() const;
    // Zero point of a symmetric slice: 2^(b-1) with unsignedSymmetric, otherwise 0.
    int64_t symmetricZeroPoint() const;
    // Throws qs::Error with a clear message for impossible options (bits outside 1..16,
    // symmetric at 1 bit, percentile outside (50, 100], group size < 1, an empty or non-finite
    // code book, Lloyd-Max outside 1..8 bits, E2M1 without saturation).
    void validate() const;
    // One line, e.g. "8-bit asymmetric [0, 255], min-max, per tensor, half-even".
    std::string summary() const;

    // Every field equal (the preset name and the code book too).
    bool operator==(const QuantConfig& o) const;
    bool operator!=(const QuantConfig& o) const { return !(*this == o); }
};

// Names used by the CLI, JSON reports and session files ("asymmetric", "half-even",
// "percentile", "channel", ...). fromName functions throw qs::Error listing the valid names.
std::string toName(Scheme v);
std::string toName(RangeMethod v);
std::string toName(Rounding v);
std::string toName(RoundingOrder v);
std::string toName(Granularity v);
std::string toName(SymmetricScale v);
std::string toName(ConstantRange v);   // "exact", "pytorch-eps", "onnx-one", "fbgemm-0.1"
std::string toName(MxScaleRounding v); // "floor", "ceil", "even", "no-clip"
Scheme schemeFromName(const std::string& s);
RangeMethod rangeMethodFromName(const std::string& s);
Rounding roundingFromName(const std::string& s);
RoundingOrder roundingOrderFromName(const std::string& s);
Granularity granularityFromName(const std::string& s);
SymmetricScale symmetricScaleFromName(const std::string& s);
ConstantRange constantRangeFromName(const std::string& s);
MxScaleRounding mxScaleRoundingFromName(const std::string& s);
std::vector<std::string> schemeNames();
std::vector<std::string> rangeMethodNames();
std::vector<std::string> roundingNames();
std::vector<std::string> granularityNames();

// True for the range methods that read QuantConfig::percentile.
bool usesPercentile(RangeMethod m);
// True for the range methods that choose a slice's scale and real zero point themselves (HQQ,
// the grid search) instead of a clipping range.
bool optimizesParams(RangeMethod m);

// Rounds v by the rule. Stochastic needs a uniform u in [0, 1); the others ignore it.
// Never undefined behaviour for NaN/Inf (returned unchanged).
double roundBy(Rounding r, double v, double u = 0.5);

} // namespace qs
