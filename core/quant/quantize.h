// Quantization of a tensor: range estimation per slice, parameters, codes, dequantized values
// and metrics, in one call. The formulas:
//   asymmetric  s = (beta - alpha) / (qmax - qmin), z = qmin - round(alpha / s)
//   symmetric   s = amax / (2^(b-1) - 1) (or / ((qmax - qmin) / 2)), z = 0
//   quantize    q = clamp(round(x / s + z), qmin, qmax)   (or round(x / s) + z, see RoundingOrder)
//   dequantize  x^ = s * (q - z)
// fp16 / bf16: x^ = float(half(x)), round to nearest even; the "code" is the 16-bit pattern.
//
// Non-finite input: NaN and +-Inf never take part in range estimation or metrics and are counted
// in Metrics::nonfinite. NaN gets the code nearest to zero (the zero point clamped into the code
// range), +Inf gets qmax, -Inf gets qmin; their dequantized value is NaN, +Inf, -Inf as in the
// input, so they stay visible. Constant slices get an exactly representable grid (no division by
// zero) and the warning flag QuantResult::constant.
#pragma once

#include "core/base/code_buffer.h"
#include "core/base/tensor.h"
#include "core/base/value_observer.h"
#include "core/config/quant_config.h"
#include "core/io/imatrix.h"
#include "core/range/hqq.h"
#include "core/stats/histogram.h"
#include "core/stats/metrics.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qs {

struct QuantParams {
    int64_t qmin = 0, qmax = 255; // integer schemes; 0 for float schemes
    SliceLayout layout;
    std::vector<double> scale;      // per slice (1 entry for per tensor)
    std::vector<int64_t> zeroPoint; // per slice
    std::vector<double> rangeMin;   // per slice: clipping range [rangeMin, rangeMax] in real units
    std::vector<double> rangeMax;   //   (after widening to include zero), = s*(qmin-z), s*(qmax-z)
    std::vector<double> dataMin;    // per slice: min / max of the finite values
    std::vector<double> dataMax;
    Scheme scheme = Scheme::Asymmetric; // how codes decode (fp16/bf16 codes are bit patterns)
    bool float32Params = false;         // dequantize in float32 as s * (q - z)
    // QuantConfig::reciprocalScale: per slice s' (TensorRT), x^ = float32((q - z) / s'), and
    // scale = 1 / s'; s' = 0 (amax <= 2^-24) quantizes everything to 0, dequantizes x^ = q - z.
    std::vector<float> reciprocal;
    // Low-bit schemes (core/quant/lowbit_quantize.h): x^ = float(codeValues[q - qmin] *
    // float(scale))
    // (+ float(offset) for GGML Q4_1), one slice per block. codeValues may hold NaN / inf codes
    // (float8 bit patterns); both vectors are empty for the integer and fp16/bf16 schemes.
    std::vector<float> codeValues;
    std::vector<double> offset; // per slice; GGML Q4_1 only (the block minimum m)
    // Per slice, the zero point as a real number when the range method optimises it (HQQ,
    // grid search; empty otherwise). Codes and values use it: q = clamp(round(x / s + z)),
    // x^ = s (q - z); zeroPoint then holds it rounded half to even, for displays and readers of
    // integer zero points, and rangeMin / rangeMax come from the real one.
    std::vector<double> realZeroPoint;
    int64_t numSlices() const { return static_cast<int64_t>(scale.size()); }
    // The zero point the arithmetic uses: the real one if there is one, else the integer.
    double zeroPointAt(int64_t s) const
    {
        return realZeroPoint.empty() ? double(zeroPoint[size_t(s)]) : realZeroPoint[size_t(s)];
    }
};

struct FloatCounts {           // fp16 / bf16 only
    int64_t overflow = 0;      // finite inputs that became +-inf
    int64_t flushedToZero = 0; // nonzero inputs that became +-0
    int64_t subnormal = 0;     // results that are subnormal in the target format
};

// Histograms quantizeInto() computes in its quantization pass (integer schemes; after it for the
// others), so that a plot of values and errors costs no extra pass over the tensor. 0 bins: none.
struct HistogramRequest {
    // x over [min, max] of its finite values ([0, 1] if there are none).
    int valueBins = 0;
    // x - x^ over [-E, E], E a bound of |x - x^| known before the pass: per slice the larger of
    // the rounding bound (s/2 for the nearest-rounding rules, s for floor, truncate and
    // stochastic) and the clipping distances (dataMax - rangeMax, rangeMin - dataMin), plus the
    // float rounding of the arithmetic; the largest over the slices. No finite error lies
    // outside. fp16/bf16 and low-bit schemes: E = the largest finite |x - x^|.
    int errorBins = 0;
};

// Which per-element outputs quantizeInto() keeps. A caller that reads only the metrics, slice
// metrics, parameters and histograms (reports, planners, benchmarks) turns them off: the result
// then holds them empty (size 0) and everything else bit for bit as with them on. Per-tensor
// integer schemes never write them (each thread quantizes through a small scratch buffer that
// stays in cache), nor do per-channel and per-group integer schemes and fp16 / bf16 where
// streamsValues(config, shape) says so, nor the low-bit formats without an error histogram (each
// part in a window that stays in cache); the other schemes compute them and release them before
// returning, which saves the memory but not the time.
// `values`, if set, is shown every element's dequantized value once (value_observer.h): part by
// part inside the pass for the passes that stream (streamsValues) and the low-bit formats that
// report their parts, from the finished values before they are released for the others.
struct QuantOutputs {
    bool codes = true;               // QuantResult::codes
    bool dequantized = true;         // QuantResult::dequantized
    ValueObserver* values = nullptr; // not owned
};

struct QuantResult {
    QuantConfig config;
    QuantParams params;
    CodeBuffer codes;               // one per element, same order as the input
    std::vector<float> dequantized; // one per element
    Metrics metrics;                // whole tensor
    SliceMetrics sliceMetrics;      // one per slice (levels/bytes fields per slice too)
    FloatCounts floatCounts;
    bool constant = false; // some slice had max == min
    std::vector<std::string>
        warnings; // human-readable: non-finite values, constant, heavy clipping
    std::map<std::string, double> timingsMs; // "range", "quantize", "metrics", "total"
    // The iterations of the HQQ range method (its error per iteration, for a convergence
    // chart); empty for the other methods.
    HqqTrace convergence;
    Histogram valueHistogram; // as requested by HistogramRequest (counts empty otherwise)
    Histogram errorHistogram;
    ImportanceSource importance; // the importance used (columns 0: none)
    // Its values (columns * groups, as Importance::values), shared with the copies of this
    // result, so that a block can be quantized again exactly as the result was; null: none.
    std::shared_ptr<const std::vector<float>> importanceValues;
};

// Quantizes `t` with `config`. Throws qs::Error for an empty tensor or invalid options,
// qs::Cancelled if `cancel` fires. `importance` (imatrix.h; rows of t are its rows, blocks run
// along them) takes the weighted path of the GGML schemes that have one (hasImportancePath);
// it is data, not a choice of the config. qs::Error for a scheme without a weighted path or an
// importance that does not fit t (checkImportanceFits).
QuantResult quantize(const Tensor& t, const QuantConfig& config,
                     const CancelToken* cancel = nullptr, const Importance* importance = nullptr);

// Same as quantize(), writing into `out` and reusing its codes / dequantized buffers when they
// already have the right size (no reallocation: repeated calls on big tensors stay fast).
void quantizeInto(const Tensor& t, const QuantConfig& config, QuantResult& out,
                  const CancelToken* cancel = nullptr);
// The same, also filling out.valueHistogram / out.errorHistogram as `histograms` asks, with
// `importance` as quantize() takes it, keeping only the per-element `outputs` asked for.
void quantizeInto(const Tensor& t, const QuantConfig& config, QuantResult& out,
                  const CancelToken* cancel, const HistogramRequest& histograms,
                  const Importance* importance = nullptr,
                  const QuantOutputs& outputs = QuantOutputs());

// Whether quantizeInto() makes the values of `config` part by part in scratch on every tensor
// (per-tensor integer schemes, fp16 / bf16, the low-bit formats): QuantOutputs off then saves
// both their memory and their time (fp16 / bf16 and the low-bit formats without an error
// histogram, which is measured on written values).
bool streamsValues(const QuantConfig& config);
// The same for a tensor of `shape`: also the integer schemes per channel and per group, but per
// channel along a middle axis (slices that interleave), stochastic rounding of strided slices
// and strided slices whose window of rows or code flags would pass 16 MiB.
bool streamsValues(const QuantConfig& config, const std::vector<int64_t>& shape);

// Shows the n values xhat to `observer` as a pass would: its sample (runs of kSampleRun
// elements) first, then parts of 32768 elements on the OpenMP threads. Throws qs::Cancelled
// when `cancel` fires.
void showValues(const float* xhat, int64_t n, ValueObserver& observer,
                const CancelToken* cancel = nullptr);

// Quantizes `t` with given parameters (no range estimation): codes, dequantized values and
// metrics as quantize() computes them with `config`'s rounding options. The layout of `params`
// must match t (same numel, one scale and zero point per slice); throws qs::Error otherwise.
// quantizeWithParams(dequantized, result.params, config) reproduces result.codes. Low-bit
// schemes (lowbit_quantize.h) derive their block scales from t and ignore params.
QuantResult quantizeWithParams(const Tensor& t, const QuantParams& params,
                               const QuantConfig& config, const CancelToken* cancel = nullptr);

// Dequantized value of code q in slice s.
double dequantizeCode(const QuantParams& p, int64_t slice, int64_t q);

// The quantization grid of slice s: the dequantized value of every code qmin..qmax (integer
// schemes), ascending. For plots of representable values.
std::vector<double> quantizationGrid(const QuantParams& p, int64_t slice);

namespace detail {
// The builds of the quantize loop this processor can run ("base", and "avx2" / "avx512" on
// x86-64 with GCC). They give the same codes and dequantized values; sums differ in their
// last bits only (lane order).
std::vector<std::string> kernelBuilds();
// Use this build or an older one from now on, in every thread ("avx512" restores the default:
// the best the processor has). For tests and benchmarks; throws qs::Error for unknown names.
void useKernelBuild(const std::string& name);
} // namespace detail

} // namespace qs
