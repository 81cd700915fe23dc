// Quantization engine: per-slice ranges and parameters, then one fused pass that writes codes
// and dequantized values and accumulates every metric (errors, clipping, code usage).
//
// Precision: ranges, scales and zero points in double (float32 with config.float32Params);
// v = x / s + z in double (float32 with float32Params, as TensorFlow and PyTorch compute it);
// errors and sums in double. The dequantized values are stored as float32 and the errors are
// measured against the stored float32 values.
//
// Determinism: per-tensor work is cut into fixed blocks of kBlock elements whose partial sums
// are combined in block order; per-slice work is done by one thread per slice and combined in
// slice order. The results do not depend on the number of threads. Stochastic rounding draws
// u from a counter-based hash of (seed, flat index).
#include "core/quant/quantize.h"

#include "core/base/parallel.h"

#include "core/base/float_order.h"
#include "core/base/huge_pages.h"
#include "core/formats/float16.h"
#include "core/quant/lowbit_quantize.h"
#include "core/range/range.h"
#include "core/stats/histogram_rule.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <sstream>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__GNUC__)
#define QS_ALWAYS_INLINE __attribute__((always_inline))
#define QS_NOINLINE __attribute__((noinline, cold))
#define QS_RESTRICT __restrict__
#else
#define QS_ALWAYS_INLINE
#define QS_NOINLINE
#define QS_RESTRICT
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define QS_X86_DISPATCH 1
#else
#define QS_X86_DISPATCH 0
#endif

namespace qs {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

using detail::threadCount;
using detail::threadId;

constexpr int64_t kBlock = int64_t(1) << 16; // per-tensor work unit (fixed: determinism)
// Zero points beyond this magnitude (a range far narrower than its distance from zero, with
// includeZero off) are rejected: v = x/s + z would lose all precision.
constexpr double kMaxZeroPoint = 1073741824.0; // 2^30: v stays inside int32
constexpr int64_t kChunk = 1024;
// Below this many elements a pass runs on the calling thread: waking the team costs more.
constexpr int64_t kParallelMin = int64_t(1) << 15; // elements per vectorised inner loop

// Partial sums of one block or slice.
struct Acc {
    int64_t count = 0, nonfinite = 0, clipLow = 0, clipHigh = 0;
    double errSq = 0, errAbs = 0, errMax = 0, signal = 0;

    void add(const Acc& o)
    {
        count += o.count;
        nonfinite += o.nonfinite;
        clipLow += o.clipLow;
        clipHigh += o.clipHigh;
        errSq += o.errSq;
        errAbs += o.errAbs;
        errMax = std::max(errMax, o.errMax);
        signal += o.signal;
    }
};

// Everything the hot loop needs about one slice.
struct SliceQ {
    double s = 1, inv = 1, z = 0;
    float sf = 1, invf = 1, zf = 0;
    double lo1 = 0, hi1 = 0; // clamp bounds of the value that is rounded (one code beyond)
    double qmin = 0, qmax = 0;
    uint16_t nanRaw = 0; // stored code (code - qmin) of NaN
    float deqDiv = 1;    // reciprocal scale: x^ = (q - z) / deqDiv (s', or 1 when s' = 0)
};

// Histograms filled in the pass: the bin rules, and this thread's counts, 4 per slot (slot b of
// element k is counted at 4 * b + k % 4).
struct HistCtx {
    const detail::BinRule* value = nullptr;
    const detail::BinRule* error = nullptr;
    int64_t* valueCounts = nullptr;
    int64_t* errorCounts = nullptr;
    // Set for one slice with a monotone code (FusedHistograms::fineSums): counts of code + value
    // bin (4 per sum, as above), which stand for both the value slot and the code-usage mark.
    int64_t* fineCounts = nullptr;
};

struct RunCtx {
    const float* x;
    uint16_t* codes; // code - qmin
    float* deq;
    uint64_t seed;
    uint8_t* mark;       // code-usage flags, indexed by code - qmin
    const HistCtx* hist; // null: no histograms
};

namespace base {
#include "core/quant/kernel/quant_kernel-inl.h"
} // namespace base

#if QS_X86_DISPATCH
// The same loops compiled for AVX2 (4 doubles per instruction instead of 2) and AVX-512 (8),
// the best the processor has chosen at run time. Element results are identical (IEEE
// operations, no FMA contraction: -ffp-contract=off in core/CMakeLists.txt); only the lane
// order of the sums differs from the baseline build (tst_quantize kernelBuildsAgree).
#pragma GCC push_options
#pragma GCC target("avx2")
namespace avx2 {
#include "core/quant/kernel/quant_kernel-inl.h"
} // namespace avx2
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,prefer-vector-width=512")
namespace avx512 {
#include "core/quant/kernel/quant_kernel-inl.h"
} // namespace avx512
#pragma GCC pop_options
#endif

using KernelFn = void (*)(const RunCtx&, const SliceQ&, int64_t, int64_t, int64_t, Acc&);

// The instruction sets the hot loops are built for, best last; detail::useKernelBuild narrows
// the choice (tests compare the builds).
enum class Build { Base, Avx2, Avx512 };
std::atomic<int> g_buildLimit{int(Build::Avx512)};

bool cpuHas(Build b)
{
#if QS_X86_DISPATCH
    if (b == Build::Avx512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    if (b == Build::Avx2)
        return __builtin_cpu_supports("avx2");
#endif
    return b == Build::Base;
}

// Mode: 0 divides by s, 1 multiplies by 1/s, 2 is the reciprocal scale (float32 only).
template <Rounding R, bool Before, bool F32, int Mode> KernelFn kernelFor()
{
    const int limit = g_buildLimit.load(std::memory_order_relaxed);
#if QS_X86_DISPATCH
    if (limit >= int(Build::Avx512) && cpuHas(Build::Avx512))
        return &avx512::runKernel<R, Before, F32, Mode>;
    if (limit >= int(Build::Avx2) && cpuHas(Build::Avx2))
        return &avx2::runKernel<R, Before, F32, Mode>;
#endif
    (void)limit;
    return &base::runKernel<R, Before, F32, Mode>;
}

template <Rounding R> KernelFn pickKernel(bool before, bool f32, int mode)
{
    if (mode == 2)
        return before ? kernelFor<R, true, true, 2>() : kernelFor<R, false, true, 2>();
    const bool mul = mode == 1;
    if (before) {
        if (f32)
            return mul ? kernelFor<R, true, true, 1>() : kernelFor<R, true, true, 0>();
        return mul ? kernelFor<R, true, false, 1>() : kernelFor<R, true, false, 0>();
    }
    if (f32)
        return mul ? kernelFor<R, false, true, 1>() : kernelFor<R, false, true, 0>();
    return mul ? kernelFor<R, false, false, 1>() : kernelFor<R, false, false, 0>();
}

KernelFn pickKernel(const QuantConfig& c)
{
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const bool f32 = c.float32Params || c.reciprocalScale;
    const int mode = c.reciprocalScale ? 2 : (c.multiplyByInverse ? 1 : 0);
    switch (c.rounding) {
    case Rounding::HalfEven:
        return pickKernel<Rounding::HalfEven>(before, f32, mode);
    case Rounding::HalfAway:
        return pickKernel<Rounding::HalfAway>(before, f32, mode);
    case Rounding::HalfUp:
        return pickKernel<Rounding::HalfUp>(before, f32, mode);
    case Rounding::Floor:
        return pickKernel<Rounding::Floor>(before, f32, mode);
    case Rounding::Truncate:
        return pickKernel<Rounding::Truncate>(before, f32, mode);
    case Rounding::Stochastic:
        return pickKernel<Rounding::Stochastic>(before, f32, mode);
    }
    throw Error("unknown rounding mode");
}

// recip: the slice's reciprocal scale s' (QuantParams::reciprocal), or -1 when there is none.
SliceQ makeSliceQ(double s, int64_t z, const QuantConfig& config, int64_t qmin, int64_t qmax,
                  float recip = -1.0f)
{
    SliceQ p;
    p.s = s;
    p.z = double(z);
    p.sf = float(s);
    p.zf = float(z);
    p.invf = 1.0f / p.sf;
    if (recip >= 0) {
        p.invf = recip;
        p.deqDiv = recip > 0 ? recip : 1.0f;
    }
    p.inv = config.float32Params ? double(p.invf) : 1.0 / s;
    p.qmin = double(qmin);
    p.qmax = double(qmax);
    if (config.roundingOrder == RoundingOrder::BeforeZeroPoint) {
        p.lo1 = double(qmin) - p.z - 1.0;
        p.hi1 = double(qmax) - p.z + 1.0;
    } else {
        p.lo1 = double(qmin) - 1.0;
        p.hi1 = double(qmax) + 1.0;
    }
    p.nanRaw = uint16_t(std::clamp<int64_t>(z, qmin, qmax) - qmin);
    return p;
}

// Checks that a scale / zero point pair can be used by the hot loop without overflow.
void checkParams(double s, int64_t z, const QuantConfig& config, int64_t slice)
{
    auto where = [slice] { return " (slice " + std::to_string(slice) + ")"; };
    if (!(std::isfinite(s) && s > 0))
        throw Error("quantization scale must be finite and positive, got " + std::to_string(s) +
                    where());
    if (config.float32Params) {
        const float sf = float(s);
        if (!(sf > 0 && std::isfinite(sf) && std::isfinite(1.0f / sf)))
            throw Error("scale " + std::to_string(s) + " is not representable in float32" +
                        where() + ": turn off float32 parameters");
    }
    if (std::fabs(double(z)) > kMaxZeroPoint)
        throw Error("zero point " + std::to_string(z) + " is too large (|z| > 2^30)" + where() +
                    ": the range is too narrow for its distance from zero; turn on "
                    "'range includes zero'");
}

// Scale and zero point of a slice from its clipping range [lo, hi] (already widened).
void sliceParams(double lo, double hi, const QuantConfig& config, int64_t qmin, int64_t qmax,
                 int64_t slice, double& s, int64_t& z)
{
    const ConstantRange cr = config.constantRange;
    const double kTorchEps = 1.0 / double(1 << 23); // float32 eps, torch's minimum scale
    const double kFloatTiny = double(std::numeric_limits<float>::min()); // ORT's threshold
    if (config.scheme == Scheme::Symmetric) {
        const double amax = std::max(std::fabs(lo), std::fabs(hi));
        z = config.symmetricZeroPoint();
        const double denom = config.symmetricScale == SymmetricScale::MaxCode
                                 ? double((int64_t(1) << (config.bits - 1)) - 1)
                                 : double(qmax - qmin) / 2.0;
        s = config.float32Params ? double(float(amax) / float(denom)) : amax / denom;
        if (cr == ConstantRange::PyTorchEps)
            s = std::max(s, kTorchEps);
        else if (cr == ConstantRange::OnnxOne && s < kFloatTiny) {
            s = 1;
            z = 0;
        } else if (s == 0) // all zeros: any scale reconstructs them exactly
            s = cr == ConstantRange::FbgemmPointOne ? 0.1 : 1.0;
        return;
    }
    if (hi == lo && cr == ConstantRange::Exact) {
        // Constant slice: scale |c| puts c exactly on code qmin (z = qmin - sign(c)); an
        // all-zero slice gets scale 1 and z = qmin. No division by zero, exact reconstruction.
        s = lo == 0 ? 1.0 : std::fabs(lo);
        z = qmin - (lo > 0 ? 1 : (lo < 0 ? -1 : 0));
        return;
    }
    double zr;
    if (config.float32Params) {
        const float sf = (float(hi) - float(lo)) / float(qmax - qmin);
        s = sf;
        zr = (sf > 0 && std::isfinite(sf)) ? double(float(lo) / sf) : 0.0;
    } else {
        s = (hi - lo) / double(qmax - qmin);
        zr = s > 0 ? lo / s : 0.0;
    }
    // The reference systems' floors on the scale; the zero point follows from the new scale.
    const bool floorScale = (cr == ConstantRange::PyTorchEps && s < kTorchEps) ||
                            (cr == ConstantRange::FbgemmPointOne && s == 0);
    if (cr == ConstantRange::OnnxOne && s < kFloatTiny) {
        s = 1;
        z = 0;
        return;
    }
    if (floorScale) {
        s = cr == ConstantRange::PyTorchEps ? kTorchEps : 0.1;
        zr = config.float32Params ? double(float(lo) / float(s)) : lo / s;
    }
    if (!std::isfinite(s) || !(s > 0))
        throw Error("the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "] gives no usable scale (slice " + std::to_string(slice) +
                    (config.float32Params ? "): turn off float32 parameters" : ")"));
    const Rounding zr_rule = config.zeroPointRounding == Rounding::Stochastic
                                 ? Rounding::HalfEven
                                 : config.zeroPointRounding;
    const double zq = double(qmin) - roundBy(zr_rule, zr);
    if (!(std::fabs(zq) <= kMaxZeroPoint))
        throw Error("zero point " + std::to_string(zq) + " is too large (|z| > 2^30) (slice " +
                    std::to_string(slice) +
                    "): the range is too narrow for its distance from zero; turn on 'range "
                    "includes zero'");
    z = int64_t(zq);
    if (config.includeZero) // rounding noise only: the widened range holds 0
        z = std::clamp(z, qmin, qmax);
}

SliceMetrics::Sums sumsOf(const Acc& a, int64_t levelsUsed)
{
    SliceMetrics::Sums v;
    v.count = a.count;
    v.nonfinite = a.nonfinite;
    v.clippedLow = a.clipLow;
    v.clippedHigh = a.clipHigh;
    v.levelsUsed = levelsUsed;
    v.signalPower = a.signal;
    v.errorPower = a.errSq;
    v.absError = a.errAbs;
    v.maxAbsError = a.errMax;
    return v;
}

// Storage of `slices` slices over numel elements: bits per element plus 32 bits of scale and,
// asymmetric, a b-bit zero point per slice.
double storageBits(int64_t numel, int bits, int64_t slices, bool asymmetric)
{
    return double(numel) * bits + double(slices) * (32.0 + (asymmetric ? double(bits) : 0.0));
}

void setStorage(Metrics& m, int64_t numel, double quantizedBits)
{
    m.originalBytes = 4 * numel;
    m.quantizedBits = quantizedBits;
    m.quantizedBytes = int64_t(std::ceil(m.quantizedBits / 8.0));
    m.bitsPerElement = numel > 0 ? m.quantizedBits / double(numel) : 0.0;
}

Metrics finalize(const Acc& a, int64_t numel, int bits, int64_t slices, bool asymmetric,
                 int64_t levelsUsed, int64_t levelsTotal)
{
    Metrics m = metricsFromSums(sumsOf(a, levelsUsed));
    m.levelsTotal = levelsTotal;
    setStorage(m, numel, storageBits(numel, bits, slices, asymmetric));
    return m;
}

// Runs `body(i)` for i in [0, n) over the OpenMP threads with a static schedule, checking the
// cancel token between items and carrying the first exception out of the parallel region.
template <class F> void parallelFor(int64_t n, bool parallel, const CancelToken* cancel, F&& body)
{
    std::atomic<bool> stop{false};
    std::exception_ptr error;
#pragma omp parallel for schedule(static) if (parallel && n > 1)
    for (int64_t i = 0; i < n; ++i) {
        if (stop.load(std::memory_order_relaxed))
            continue;
        if (cancel && cancel->isCancelled()) {
            stop.store(true);
            continue;
        }
        try {
            body(i);
        } catch (...) {
#pragma omp critical(qs_quantize_error)
            if (!error)
                error = std::current_exception();
            stop.store(true);
        }
    }
    if (error)
        std::rethrow_exception(error);
    throwIfCancelled(cancel);
}

struct MinMax {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    int64_t finite = 0;
};

using MinMaxFn = bool (*)(const float*, int64_t, float&, float&);

MinMaxFn minMaxFiniteFn()
{
#if QS_X86_DISPATCH
    if (__builtin_cpu_supports("avx2"))
        return &avx2::minMaxFinite;
#endif
    return &base::minMaxFinite;
}

inline void minMaxRun(const float* x, int64_t off, int64_t cnt, int64_t stride, MinMax& m)
{
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    if (stride == 1 && cnt >= 64) {
        static const MinMaxFn fast = minMaxFiniteFn();
        if (fast(x + off, cnt, lo, hi)) {
            m.lo = std::min(m.lo, double(lo));
            m.hi = std::max(m.hi, double(hi));
            m.finite += cnt;
            return;
        }
        lo = std::numeric_limits<float>::infinity();
        hi = -lo;
    }
    int64_t finite = 0;
    for (int64_t k = 0; k < cnt; ++k) {
        const float v = x[off + k * stride];
        if (std::isfinite(v)) {
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            ++finite;
        }
    }
    m.lo = std::min(m.lo, double(lo));
    m.hi = std::max(m.hi, double(hi));
    m.finite += finite;
}

// Range of one slice as config's method picks it, from its min/max and (for the other
// methods) its values. MinMax is the same as estimateRange's, without a second pass.
Range methodRange(const MinMax& mm, const float* values, int64_t n, const QuantConfig& config)
{
    if (config.range != RangeMethod::MinMax)
        return estimateRange(values, n, config);
    if (config.scheme == Scheme::Symmetric) {
        const double a = std::max(std::fabs(mm.lo), std::fabs(mm.hi));
        return {-a, a};
    }
    return {mm.lo, mm.hi};
}

// Scale, zero point and ranges of slice s from its min / max and clipping range.
void fillSlice(QuantParams& p, int64_t s, const MinMax& mm, const Range& range,
               const QuantConfig& config)
{
    double lo = 0, hi = 0;
    p.dataMin[s] = mm.finite > 0 ? mm.lo : 0.0;
    p.dataMax[s] = mm.finite > 0 ? mm.hi : 0.0;
    if (mm.finite > 0) {
        lo = range.lo;
        hi = range.hi;
    }
    if (config.scheme == Scheme::Asymmetric && config.includeZero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    double sc;
    int64_t z;
    sliceParams(lo, hi, config, p.qmin, p.qmax, s, sc, z);
    if (config.reciprocalScale) {
        // TensorRT (pytorch-quantization): max_bound = 2^(b-1) - 1 and s' = max_bound /
        // amax in float32; amax <= 2^-24 (in float32) quantizes to all zeros.
        const float amax = float(std::max(std::fabs(lo), std::fabs(hi)));
        const float maxBound = float((int64_t(1) << (config.bits - 1)) - 1);
        const float r = amax <= 0x1p-24f ? 0.0f : maxBound / amax;
        p.reciprocal[size_t(s)] = r;
        sc = r > 0 ? 1.0 / double(r) : 1.0;
        z = 0;
        const float div = r > 0 ? r : 1.0f;
        checkParams(sc, z, config, s);
        p.scale[s] = sc;
        p.zeroPoint[s] = z;
        p.rangeMin[s] = double(float(p.qmin) / div);
        p.rangeMax[s] = double(float(p.qmax) / div);
        return;
    }
    checkParams(sc, z, config, s);
    p.scale[s] = sc;
    p.zeroPoint[s] = z;
    p.rangeMin[s] = sc * double(p.qmin - z);
    p.rangeMax[s] = sc * double(p.qmax - z);
}

struct SliceCounts {
    int64_t constant = 0, empty = 0;
};

// Room for ns slices in the per-slice parameter vectors (huge pages, huge_pages.h); returns
// their bytes, for populatePages().
std::vector<std::pair<const void*, size_t>> reserveParams(QuantParams& p, int64_t ns)
{
    std::vector<std::pair<const void*, size_t>> bytes;
    for (std::vector<double>* v : {&p.scale, &p.rangeMin, &p.rangeMax, &p.dataMin, &p.dataMax}) {
        reserveHugePages(*v, size_t(ns));
        bytes.push_back(capacityBytes(*v));
    }
    reserveHugePages(p.zeroPoint, size_t(ns));
    bytes.push_back(capacityBytes(p.zeroPoint));
    return bytes;
}

// Sizes the per-slice parameter vectors for ns slices (fillSlice assigns every element).
void sizeParams(QuantParams& p, int64_t ns, const QuantConfig& config)
{
    reserveParams(p, ns);
    for (std::vector<double>* v : {&p.scale, &p.rangeMin, &p.rangeMax, &p.dataMin, &p.dataMax})
        v->resize(size_t(ns));
    p.zeroPoint.resize(size_t(ns));
    if (config.reciprocalScale)
        p.reciprocal.assign(size_t(ns), 0.0f);
    else
        p.reciprocal.clear();
}

std::string percentText(double fraction)
{
    std::ostringstream os;
    os.precision(3);
    os << fraction * 100.0 << "%";
    return os.str();
}

void addWarnings(QuantResult& r, int64_t constantSlices, int64_t emptySlices)
{
    const Metrics& m = r.metrics;
    if (m.nonfinite > 0)
        r.warnings.push_back(std::to_string(m.nonfinite) +
                             " non-finite values (NaN/Inf) were excluded from the range and the "
                             "metrics; NaN maps to the zero point, +Inf to qmax, -Inf to qmin");
    if (constantSlices > 0) {
        r.constant = true;
        if (r.params.numSlices() == 1)
            r.warnings.push_back("constant tensor: every finite value is the same");
        else
            r.warnings.push_back(std::to_string(constantSlices) + " of " +
                                 std::to_string(r.params.numSlices()) +
                                 " slices are constant (max == min)");
    }
    if (emptySlices > 0)
        r.warnings.push_back(std::to_string(emptySlices) +
                             (r.params.numSlices() == 1 ? " tensor has" : " slices have") +
                             " no finite value; they were quantized as zeros");
    const double clipped = m.clippedLow + m.clippedHigh;
    if (clipped > 0.01)
        r.warnings.push_back("heavy clipping: " + percentText(clipped) +
                             " of the values lie outside the clipping range (" +
                             percentText(m.clippedLow) + " below, " + percentText(m.clippedHigh) +
                             " above)");
    if (r.floatCounts.overflow > 0)
        r.warnings.push_back(std::to_string(r.floatCounts.overflow) +
                             " values overflowed to +-inf");
    if (r.floatCounts.flushedToZero > 0)
        r.warnings.push_back(std::to_string(r.floatCounts.flushedToZero) +
                             " nonzero values flushed to zero");
}

constexpr int64_t kMaxBatch = 64;       // slices per tile batch
constexpr int64_t kTileRows = 64;       // elements of each slice per tile
constexpr int64_t kTransposeRows = 256; // the same for quantizeTransposed

// True when every slice is one run with a stride > 1 (columns of a matrix, groups along a
// leading axis): walking such slices one after the other misses the cache and the TLB.
bool stridedSlices(const SliceLayout& l)
{
    if (l.kind == Granularity::PerChannel)
        return l.inner == 1 && l.outer > 1;
    return l.kind == Granularity::PerGroup && l.inner > 1;
}

// The runs of strided slices [s0, s1) (at most kMaxBatch, one run each). block: neighbouring
// columns of equal length (offsets s - s0 apart, one stride): a row of the batch is contiguous.
struct StridedBatch {
    int64_t slices = 0, maxCnt = 0;
    int64_t offs[kMaxBatch] = {}, cnts[kMaxBatch] = {}, strides[kMaxBatch] = {};
    bool block = true;

    StridedBatch(const SliceLayout& l, int64_t s0, int64_t s1) : slices(s1 - s0)
    {
        for (int64_t s = s0; s < s1; ++s)
            l.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
                offs[s - s0] = off;
                cnts[s - s0] = cnt;
                strides[s - s0] = stride;
                maxCnt = std::max(maxCnt, cnt);
            });
        for (int64_t k = 1; k < slices; ++k)
            block =
                block && offs[k] == offs[0] + k && cnts[k] == cnts[0] && strides[k] == strides[0];
    }
};

// Calls f(s, offset, count, stride) for slices [s0, s1) of a strided layout in tiles of
// kTileRows elements: tile 0 of every slice, then tile 1, ... Each slice sees its elements in
// increasing order, so per-slice sums do not depend on the thread that runs the batch.
template <class F> void forEachTile(const SliceLayout& l, int64_t s0, int64_t s1, F&& f)
{
    const StridedBatch b(l, s0, s1);
    for (int64_t r0 = 0; r0 < b.maxCnt; r0 += kTileRows)
        for (int64_t k = 0; k < b.slices; ++k)
            if (r0 < b.cnts[k])
                f(s0 + k, b.offs[k] + r0 * b.strides[k], std::min(kTileRows, b.cnts[k] - r0),
                  b.strides[k]);
}

// Min / max of strided slices [s0, s1) into mm[0, s1 - s0): a block a row at a time (the row
// vectorises across slices), other batches tile by tile (forEachTile).
void minMaxStrided(const SliceLayout& l, int64_t s0, int64_t s1, const float* x, MinMax* mm)
{
    const StridedBatch b(l, s0, s1);
    if (!b.block) {
        forEachTile(l, s0, s1, [&](int64_t s, int64_t off, int64_t cnt, int64_t stride) {
            minMaxRun(x, off, cnt, stride, mm[s - s0]);
        });
        return;
    }
    float lo[kMaxBatch], hi[kMaxBatch];
    int64_t finite[kMaxBatch];
    for (int64_t k = 0; k < b.slices; ++k) {
        lo[k] = std::numeric_limits<float>::infinity();
        hi[k] = -lo[k];
        finite[k] = 0;
    }
    for (int64_t r = 0; r < b.cnts[0]; ++r) {
        const float* row = x + b.offs[0] + r * b.strides[0];
        for (int64_t k = 0; k < b.slices; ++k) {
            const float v = row[k];
            const bool f = std::isfinite(v);
            lo[k] = f && v < lo[k] ? v : lo[k];
            hi[k] = f && v > hi[k] ? v : hi[k];
            finite[k] += f;
        }
    }
    for (int64_t k = 0; k < b.slices; ++k) {
        mm[k].lo = std::min(mm[k].lo, double(lo[k]));
        mm[k].hi = std::max(mm[k].hi, double(hi[k]));
        mm[k].finite += finite[k];
    }
}

// Strided slices [s0, s1) (at most kMaxBatch) tile by tile as in forEachTile, through contiguous
// copies: each tile of up to kTransposeRows elements of every slice is copied into a row of its
// own, run(k, x, codes, deq, m) quantizes row k (slice s0 + k, m elements) there with the
// contiguous loop, and the codes and dequantized values are copied back. Single strided loads
// and stores cost the vector loop several nanoseconds each; the copies walk the tensor a row at
// a time (whole row pieces when the batch is a block of neighbouring columns). Each slice sees
// its elements in increasing order, a tile at a time.
template <class F>
void quantizeTransposed(const SliceLayout& l, int64_t s0, int64_t s1, const float* x,
                        uint16_t* codes, float* deq, F&& run)
{
    constexpr int64_t R = kTransposeRows;
    // Slice-major rows for the loop, and row-major copies of the tensor's rows: 320 KB per
    // thread, on the heap (static TLS this big could keep threads with small stacks from
    // starting).
    struct alignas(64) Tile {
        float x[kMaxBatch][R];
        uint16_t codes[kMaxBatch][R];
        float deq[kMaxBatch][R];
        float xRows[R][kMaxBatch];
        uint16_t codeRows[R][kMaxBatch];
        float deqRows[R][kMaxBatch];
    };
    static thread_local std::unique_ptr<Tile> buffers;
    if (!buffers)
        buffers = std::make_unique<Tile>();
    Tile& tile = *buffers;
    const StridedBatch b(l, s0, s1);
    const int64_t nb = b.slices;
    for (int64_t r0 = 0; r0 < b.maxCnt; r0 += R) {
        const int64_t rows = std::min(R, b.maxCnt - r0);
        if (b.block) {
            for (int64_t r = 0; r < rows; ++r)
                std::memcpy(tile.xRows[r], x + b.offs[0] + (r0 + r) * b.strides[0],
                            size_t(nb) * sizeof(float));
            for (int64_t k = 0; k < nb; ++k)
                for (int64_t r = 0; r < rows; ++r)
                    tile.x[k][r] = tile.xRows[r][k];
        } else {
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t k = 0; k < nb; ++k)
                    if (r0 + r < b.cnts[k])
                        tile.x[k][r] = x[b.offs[k] + (r0 + r) * b.strides[k]];
        }
        for (int64_t k = 0; k < nb; ++k) {
            const int64_t m = std::min(R, b.cnts[k] - r0);
            if (m > 0)
                run(k, tile.x[k], tile.codes[k], tile.deq[k], m);
        }
        if (b.block) {
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t k = 0; k < nb; ++k) {
                    tile.codeRows[r][k] = tile.codes[k][r];
                    tile.deqRows[r][k] = tile.deq[k][r];
                }
            for (int64_t r = 0; r < rows; ++r) {
                const int64_t i = b.offs[0] + (r0 + r) * b.strides[0];
                std::memcpy(codes + i, tile.codeRows[r], size_t(nb) * sizeof(uint16_t));
                std::memcpy(deq + i, tile.deqRows[r], size_t(nb) * sizeof(float));
            }
        } else {
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t k = 0; k < nb; ++k)
                    if (r0 + r < b.cnts[k]) {
                        const int64_t i = b.offs[k] + (r0 + r) * b.strides[k];
                        codes[i] = tile.codes[k][r];
                        deq[i] = tile.deq[k][r];
                    }
        }
    }
}

// Per-slice work arrays, kept per calling thread between calls: with tens of thousands of
// slices, allocating them afresh each time costs more than the quantization itself.
struct Scratch {
    std::vector<uint8_t> empty; // 1 for a slice without finite values
};

Scratch& scratchSpace()
{
    static thread_local Scratch scratch;
    return scratch;
}

// The fused pass for integer schemes. params must be complete; codes / dequantized sized.
// Histograms requested from the integer pass: rules and per-thread counts.
struct FusedHistograms {
    bool value = false, error = false;
    detail::BinRule valueRule, errorRule;
    std::vector<int64_t> valueCounts, errorCounts; // per thread 4 x slots
    // Code-bin pairs (HistCtx::fineCounts), fineSums = levels + bins: per thread 4 x fineSums.
    int64_t fineSums = 0;
    std::vector<int64_t> fineCounts;
    std::vector<HistCtx> ctx; // per thread

    static size_t perThread(int64_t slots) { return 4 * size_t(slots); }

    void prepare(int threads)
    {
        ctx.assign(size_t(threads), HistCtx());
        const size_t vn = perThread(valueRule.slots()), en = perThread(errorRule.slots()),
                     fn = perThread(fineSums);
        if (value)
            valueCounts.assign(size_t(threads) * vn, 0);
        if (error)
            errorCounts.assign(size_t(threads) * en, 0);
        if (fineSums > 0)
            fineCounts.assign(size_t(threads) * fn, 0);
        for (int th = 0; th < threads; ++th) {
            HistCtx& h = ctx[size_t(th)];
            if (value) {
                h.value = &valueRule;
                h.valueCounts = valueCounts.data() + size_t(th) * vn;
            }
            if (error) {
                h.error = &errorRule;
                h.errorCounts = errorCounts.data() + size_t(th) * en;
            }
            if (fineSums > 0)
                h.fineCounts = fineCounts.data() + size_t(th) * fn;
        }
    }

    // counts[4 * k + lane] of every thread, summed over threads and lanes.
    static std::vector<int64_t> total(const std::vector<int64_t>& counts, int64_t slots)
    {
        std::vector<int64_t> t(size_t(slots), 0);
        for (size_t i = 0; i < counts.size(); ++i)
            t[(i / 4) % size_t(slots)] += counts[i];
        return t;
    }

    static Histogram merge(const detail::BinRule& rule, const std::vector<int64_t>& counts)
    {
        Histogram h;
        h.lo = rule.lo;
        h.hi = rule.hi;
        const std::vector<int64_t> t = total(counts, rule.slots());
        h.counts.assign(t.begin(), t.begin() + rule.bins);
        h.below = t[size_t(rule.bins)];
        h.above = t[size_t(rule.bins) + 1];
        h.nonfinite = t[size_t(rule.bins) + 2];
        return h;
    }
};

using detail::fromOrderKey;
using detail::orderKey;

// Splits the code-bin pair counts of a one-slice pass (FusedHistograms::fineCounts) into value
// histogram counts (added to thread 0's valueCounts) and code-usage marks (set in used).
// Why the sum j = code + bin names one pair: with every rounding but the stochastic one, the
// code and the value bin of x are both nondecreasing in x, so two different pairs met along the
// line have different sums. The x of bin b form one run of floats [first, last] inside
// [dataMin, dataMax]; their codes run from code(first) to code(last), so a sum j counted for
// bin b stands for code j - b. The codes at the run ends come from the pass's own kernel.
void splitFineCounts(FusedHistograms& f, KernelFn kernel, const SliceQ& q, uint64_t seed,
                     double dataMin, double dataMax, int64_t levels, uint8_t* used)
{
    const std::vector<int64_t> total = FusedHistograms::total(f.fineCounts, f.fineSums);
    int64_t all = 0;
    for (const int64_t n : total)
        all += n;
    if (all == 0)
        return;
    const detail::BinRule& rule = f.valueRule;
    const int bins = rule.bins;
    auto binOf = [&rule](uint32_t key) { return rule.exact(double(fromOrderKey(key))); };
    const uint32_t k0 = orderKey(float(dataMin)), k1 = orderKey(float(dataMax));
    // first[b]: the smallest key in [k0, k1] whose bin is >= b (k1 + 1 when there is none).
    std::vector<uint64_t> first(size_t(bins) + 1);
    uint64_t from = k0;
    for (int b = 0; b <= bins; ++b) {
        uint64_t lo = from, hi = uint64_t(k1) + 1;
        while (lo < hi) {
            const uint64_t mid = (lo + hi) / 2;
            if (binOf(uint32_t(mid)) >= b)
                hi = mid;
            else
                lo = mid + 1;
        }
        first[size_t(b)] = lo;
        from = lo;
    }
    // The two ends of every bin's run, coded by the kernel in one call.
    std::vector<int> binAt;
    std::vector<float> ends;
    for (int b = 0; b < bins; ++b) {
        const uint64_t a = first[size_t(b)], e = first[size_t(b) + 1];
        if (a >= e || binOf(uint32_t(a)) != b)
            continue; // no float of [dataMin, dataMax] falls in this bin
        binAt.push_back(b);
        ends.push_back(fromOrderKey(uint32_t(a)));
        ends.push_back(fromOrderKey(uint32_t(e - 1)));
    }
    const int64_t ne = int64_t(ends.size());
    std::vector<uint16_t> codes(static_cast<size_t>(ne));
    std::vector<float> deq(static_cast<size_t>(ne));
    std::vector<uint8_t> mark(size_t(levels), 0);
    Acc ignored;
    kernel(RunCtx{ends.data(), codes.data(), deq.data(), seed, mark.data(), nullptr}, q, 0, ne, 1,
           ignored);
    int64_t* value = f.valueCounts.data(); // thread 0, lane 0 of each slot
    int64_t counted = 0;
    for (size_t i = 0; i < binAt.size(); ++i) {
        const int64_t b = binAt[i];
        for (int64_t c = codes[2 * i]; c <= codes[2 * i + 1]; ++c) {
            const int64_t n = total[size_t(c + b)];
            value[4 * b] += n;
            used[c] |= uint8_t(n > 0);
            counted += n;
        }
    }
    if (counted != all)
        throw Error("internal error: the value histogram of the quantize pass does not add up (" +
                    std::to_string(counted) + " of " + std::to_string(all) +
                    " values); please report this with the tensor");
}

// paramsChecked: every slice's scale and zero point passed checkParams already (fillParams).
void runInteger(const Tensor& t, const QuantConfig& config, QuantResult& r,
                const CancelToken* cancel, FusedHistograms* fused, bool paramsChecked)
{
    const QuantParams& p = r.params;
    const SliceLayout& layout = p.layout;
    const int64_t n = t.numel();
    const int64_t ns = p.numSlices();
    const int64_t levels = p.qmax - p.qmin + 1;
    const int nt = threadCount();
    const KernelFn kernel = pickKernel(config);
    const bool asym = config.scheme == Scheme::Asymmetric;
    const int64_t levelsTotal = int64_t(1) << config.bits;

    for (int64_t s = 0; s < ns && !paramsChecked; ++s)
        checkParams(p.scale[s], p.zeroPoint[s], config, s);
    auto sliceQ = [&](int64_t s) {
        return makeSliceQ(p.scale[s], p.zeroPoint[s], config, p.qmin, p.qmax,
                          p.reciprocal.empty() ? -1.0f : p.reciprocal[size_t(s)]);
    };
    // used: per thread, the codes seen anywhere; mark: per thread, the codes of the current slice.
    std::vector<uint8_t> used(size_t(nt) * size_t(levels), 0);
    const int64_t batchSize = std::max<int64_t>(
        1, std::min<int64_t>(kMaxBatch, (int64_t(1) << 18) / levels)); // marks <= 256 KiB
    std::vector<uint8_t> marks(ns > 1 ? size_t(nt) * size_t(batchSize) * size_t(levels) : 0, 0);
    if (fused)
        fused->prepare(nt);
    auto ctxFor = [&](uint8_t* mark) {
        return RunCtx{
            t.data.data(), r.codes.raw(), r.dequantized.data(),
            config.seed,   mark,          fused ? &fused->ctx[size_t(threadId())] : nullptr};
    };

    Acc total;
    // Every slice's sums are set below.
    r.sliceMetrics.reset(size_t(ns), levelsTotal, double(config.bits),
                         storageBits(0, config.bits, 1, asym));
    if (ns == 1) {
        const int64_t nb = (n + kBlock - 1) / kBlock;
        std::vector<Acc> blocks(nb);
        const SliceQ q0 = sliceQ(0);
        parallelFor(nb, n >= kParallelMin, cancel, [&](int64_t b) {
            const RunCtx c = ctxFor(used.data() + size_t(threadId()) * size_t(levels));
            const int64_t off = b * kBlock;
            kernel(c, q0, off, std::min(kBlock, n - off), 1, blocks[b]);
        });
        for (const Acc& a : blocks)
            total.add(a);
        if (fused && fused->fineSums > 0)
            splitFineCounts(*fused, kernel, q0, config.seed, p.dataMin[0], p.dataMax[0], levels,
                            used.data());
    } else {
        // Slices made of one strided run (columns, groups along a leading axis) are done B
        // at a time, tile by tile, so that neighbouring slices share cache lines and pages.
        // Other slices go G at a time (G from the slice count only). Each work item sums its
        // slices in order, and the items are summed in order: the same totals on every run.
        const bool tiled = stridedSlices(layout);
        const bool stochastic = config.rounding == Rounding::Stochastic;
        const int64_t B =
            tiled ? batchSize : std::clamp<int64_t>(ns / 256, 1, std::min(kMaxBatch, batchSize));
        const int64_t nbatch = (ns + B - 1) / B;
        std::vector<Acc> batchTotals(static_cast<size_t>(nbatch));
        parallelFor(nbatch, n >= kParallelMin, cancel, [&](int64_t bi) {
            const size_t tid = size_t(threadId());
            const int64_t s0 = bi * B, s1 = std::min(ns, s0 + B);
            uint8_t* markBase = marks.data() + tid * size_t(B) * size_t(levels);
            uint8_t* u = used.data() + tid * size_t(levels);
            Acc acc[kMaxBatch];
            if (!tiled) {
                for (int64_t s = s0; s < s1; ++s) {
                    const RunCtx c = ctxFor(markBase + size_t(s - s0) * size_t(levels));
                    const SliceQ sq = sliceQ(s);
                    layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
                        kernel(c, sq, off, cnt, stride, acc[s - s0]);
                    });
                }
            } else {
                SliceQ sq[kMaxBatch];
                for (int64_t s = s0; s < s1; ++s)
                    sq[s - s0] = sliceQ(s);
                if (stochastic) // the rounding draws by flat index: quantized in place
                    forEachTile(
                        layout, s0, s1, [&](int64_t s, int64_t off, int64_t cnt, int64_t stride) {
                            const RunCtx c = ctxFor(markBase + size_t(s - s0) * size_t(levels));
                            kernel(c, sq[s - s0], off, cnt, stride, acc[s - s0]);
                        });
                else
                    quantizeTransposed(
                        layout, s0, s1, t.data.data(), r.codes.raw(), r.dequantized.data(),
                        [&](int64_t k, const float* xs, uint16_t* cs, float* ds, int64_t m) {
                            RunCtx c = ctxFor(markBase + size_t(k) * size_t(levels));
                            c.x = xs;
                            c.codes = cs;
                            c.deq = ds;
                            kernel(c, sq[k], 0, m, 1, acc[k]);
                        });
            }
            for (int64_t s = s0; s < s1; ++s) {
                uint8_t* mark = markBase + size_t(s - s0) * size_t(levels);
                int64_t d = 0;
                const int64_t size = layout.sliceSize(s);
                if (size * 4 < levels) { // few codes: clear just the ones this slice set
                    const uint16_t* codes = r.codes.raw();
                    const float* x = t.data.data();
                    layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
                        for (int64_t k = 0; k < cnt; ++k) {
                            const int64_t i = off + k * stride;
                            if (!std::isfinite(x[i]))
                                continue;
                            uint8_t& m = mark[codes[i]];
                            d += m;
                            u[codes[i]] |= m;
                            m = 0;
                        }
                    });
                } else {
                    for (int64_t l = 0; l < levels; ++l) {
                        d += mark[l];
                        u[l] |= mark[l];
                    }
                    std::memset(mark, 0, size_t(levels));
                }
                // This slice's metrics here, on the worker (with 500k groups a serial loop of
                // finalize() was a fifth of the time).
                r.sliceMetrics.set(size_t(s), sumsOf(acc[s - s0], d));
                batchTotals[size_t(bi)].add(acc[s - s0]);
            }
        });
        for (const Acc& a : batchTotals)
            total.add(a);
    }
    int64_t levelsUsed = 0;
    for (int64_t l = 0; l < levels; ++l) {
        uint8_t any = 0;
        for (int th = 0; th < nt; ++th)
            any |= used[size_t(th) * size_t(levels) + size_t(l)];
        levelsUsed += any;
    }
    r.metrics = finalize(total, n, config.bits, ns, asym, levelsUsed, levelsTotal);
    if (ns == 1)
        r.sliceMetrics.setWhole(r.metrics);
}

// fp16 / bf16: round each value, keep the bit pattern as the code.
void runFloat(const Tensor& t, const QuantConfig& config, QuantResult& r, const CancelToken* cancel)
{
    const FloatFormat f = config.scheme == Scheme::FP16 ? FloatFormat::Half : FloatFormat::BFloat16;
    const FloatFormatInfo info = floatFormatInfo(f);
    const int64_t n = t.numel();
    const int nt = threadCount();
    QuantParams& p = r.params;
    p.qmin = p.qmax = 0;
    p.layout = makeSliceLayout(t.shape, Granularity::PerTensor, 0, 1);
    p.scale.assign(1, 1.0);
    p.zeroPoint.assign(1, 0);
    p.rangeMin.assign(1, -info.maxFinite);
    p.rangeMax.assign(1, info.maxFinite);

    const int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<Acc> blocks(nb);
    std::vector<FloatConversionCounts> counts(nb);
    std::vector<MinMax> mm(nb);
    std::vector<uint8_t> used(size_t(nt) * 65536, 0);
    parallelFor(nb, n >= kParallelMin, cancel, [&](int64_t b) {
        const int64_t off = b * kBlock, cnt = std::min(kBlock, n - off);
        const float* x = t.data.data() + off;
        float* xh = r.dequantized.data() + off;
        uint16_t* codes = r.codes.raw() + off; // bit patterns: offset 0
        counts[b] = convertToFormat(f, x, cnt, xh, codes);
        uint8_t* u = used.data() + size_t(threadId()) * 65536;
        Acc& a = blocks[b];
        minMaxRun(x, 0, cnt, 1, mm[b]);
        for (int64_t k = 0; k < cnt; ++k) {
            const float xv = x[k];
            if (!std::isfinite(xv)) {
                ++a.nonfinite;
                continue;
            }
            ++a.count;
            u[codes[k]] = 1;
            if (std::isinf(xh[k])) { // overflow: an infinite error, and a clipped value
                a.clipLow += xh[k] < 0;
                a.clipHigh += xh[k] > 0;
            }
            const double e = double(xv) - double(xh[k]);
            const double ae = std::fabs(e);
            a.errSq += e * e;
            a.errAbs += ae;
            a.errMax = std::max(a.errMax, ae);
            a.signal += double(xv) * double(xv);
        }
    });
    Acc total;
    MinMax all;
    for (int64_t b = 0; b < nb; ++b) {
        total.add(blocks[b]);
        r.floatCounts.overflow += counts[b].overflow;
        r.floatCounts.flushedToZero += counts[b].flushedToZero;
        r.floatCounts.subnormal += counts[b].subnormal;
        all.lo = std::min(all.lo, mm[b].lo);
        all.hi = std::max(all.hi, mm[b].hi);
        all.finite += mm[b].finite;
    }
    p.dataMin.assign(1, all.finite > 0 ? all.lo : 0.0);
    p.dataMax.assign(1, all.finite > 0 ? all.hi : 0.0);
    int64_t levelsUsed = 0;
    for (size_t l = 0; l < 65536; ++l) {
        uint8_t any = 0;
        for (int th = 0; th < nt; ++th)
            any |= used[size_t(th) * 65536 + l];
        levelsUsed += any;
    }
    // 16 bits per element, no per-slice parameters.
    r.metrics = finalize(total, n, 16, 0, false, levelsUsed, 65536);
    r.sliceMetrics.setWhole(r.metrics);
}

void checkTensor(const Tensor& t)
{
    if (t.empty())
        throw Error("tensor '" + t.name + "' is empty: nothing to quantize");
    if (shapeProduct(t.shape) != t.numel())
        throw Error("tensor '" + t.name + "' has shape " + t.shapeString() + " but " +
                    std::to_string(t.numel()) + " values");
}

// Histograms of a finished result (fp16/bf16 and low-bit schemes), as HistogramRequest says.
void histogramsAfter(const Tensor& t, QuantResult& r, const HistogramRequest& h)
{
    if (h.valueBins <= 0 && h.errorBins <= 0)
        return;
    const auto t0 = Clock::now();
    const float* x = t.data.data();
    const int64_t n = t.numel();
    if (h.valueBins > 0)
        r.valueHistogram = histogram(x, n, h.valueBins);
    if (h.errorBins > 0) {
        const double e = r.metrics.maxAbsError;
        r.errorHistogram = std::isfinite(e)
                               ? errorHistogram(x, r.dequantized.data(), n, h.errorBins, -e, e)
                               : errorHistogram(x, r.dequantized.data(), n, h.errorBins);
    }
    r.timingsMs["histograms"] = msSince(t0);
}

// The bin rules of the histograms the integer pass fills: values over [min, max] of the finite
// values, errors over [-E, E] with E the bound documented in quantize.h (HistogramRequest).
// Slices without finite values (empty[s] == 1) take no part.
void prepareFused(const QuantParams& p, const std::vector<uint8_t>& empty,
                  const QuantConfig& config, const HistogramRequest& h, FusedHistograms& f)
{
    const int64_t ns = p.numSlices();
    if (h.valueBins > 0) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (int64_t s = 0; s < ns; ++s) {
            if (empty[size_t(s)])
                continue;
            lo = std::min(lo, p.dataMin[size_t(s)]);
            hi = std::max(hi, p.dataMax[size_t(s)]);
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        checkHistogramRange(h.valueBins, lo, hi);
        f.valueRule = detail::BinRule(lo, hi, h.valueBins);
        f.value = true;
    }
    if (h.errorBins > 0) {
        const bool nearest = config.rounding == Rounding::HalfEven ||
                             config.rounding == Rounding::HalfAway ||
                             config.rounding == Rounding::HalfUp;
        const double codeSpan = double(std::max(std::abs(p.qmin), std::abs(p.qmax)));
        double bound = 0;
        for (int64_t s = 0; s < ns; ++s) {
            const size_t i = size_t(s);
            if (empty[i])
                continue;
            const double sc = p.scale[i];
            // Rounding: |x/s + z - q| <= 1/2 (1 for floor, truncate, stochastic), plus the
            // float rounding of x/s + z (float32 parameters: 2^-23 of the code magnitude).
            double e = (nearest ? 0.5 : 1.0) * sc +
                       sc * (codeSpan + std::fabs(double(p.zeroPoint[i]))) * 0x1p-22;
            e = std::max(e, p.dataMax[i] - p.rangeMax[i]);     // clipped above: x - x^(qmax)
            e = std::max(e, p.rangeMin[i] - p.dataMin[i]);     // clipped below
            if (!p.reciprocal.empty() && p.reciprocal[i] == 0) // every code 0: x^ = 0
                e = std::max({e, std::fabs(p.dataMin[i]), std::fabs(p.dataMax[i])});
            // x^ is a float: its rounding (2^-24 relative) adds to either.
            const double mag = std::max({std::fabs(p.rangeMin[i]), std::fabs(p.rangeMax[i]),
                                         std::fabs(p.dataMin[i]), std::fabs(p.dataMax[i])});
            bound = std::max(bound, e + mag * 0x1p-22);
        }
        double lo = -bound, hi = bound;
        checkHistogramRange(h.errorBins, lo, hi);
        f.errorRule = detail::BinRule(lo, hi, h.errorBins);
        f.error = true;
    }
}

void sizeBuffers(const Tensor& t, const QuantConfig& config, QuantResult& r)
{
    const size_t n = size_t(t.numel());
    r.codes.resizeForOverwrite(n, config.isInteger() ? int32_t(config.qmin()) : 0);
    if (r.dequantized.size() != n) {
        reserveHugePages(r.dequantized, n);
        r.dequantized.resize(n);
    }
}

} // namespace

void quantizeInto(const Tensor& t, const QuantConfig& config, QuantResult& r,
                  const CancelToken* cancel)
{
    quantizeInto(t, config, r, cancel, HistogramRequest());
}

void quantizeInto(const Tensor& t, const QuantConfig& config, QuantResult& r,
                  const CancelToken* cancel, const HistogramRequest& histograms)
{
    const auto t0 = Clock::now();
    config.validate();
    checkTensor(t);
    r.config = config;
    // Reset the parameters but keep their buffers (fillParams assigns every per-slice vector).
    r.params.qmin = 0;
    r.params.qmax = 0;
    r.params.layout = SliceLayout();
    r.params.codeValues.clear();
    r.params.offset.clear();
    r.params.reciprocal.clear();
    r.params.scheme = config.scheme;
    r.params.float32Params = (config.float32Params || config.reciprocalScale) && config.isInteger();
    r.metrics = Metrics();
    // sliceMetrics keeps its elements: every path assigns each one (no refill of 500k entries).
    r.floatCounts = FloatCounts();
    r.constant = false;
    r.warnings.clear();
    r.timingsMs.clear();
    r.valueHistogram = Histogram();
    r.errorHistogram = Histogram();
    if (config.isLowbit()) { // float8/float4, MX, code books, GGML: core/lowbit_quantize.cpp
        quantizeLowbitInto(t, config, r, cancel);
        histogramsAfter(t, r, histograms);
        return;
    }
    sizeBuffers(t, config, r);

    if (!config.isInteger()) {
        const auto t1 = Clock::now();
        runFloat(t, config, r, cancel);
        r.timingsMs["range"] = 0.0;
        r.timingsMs["quantize"] = msSince(t1);
        r.timingsMs["metrics"] = 0.0;
        addWarnings(r, 0, 0);
        histogramsAfter(t, r, histograms);
        r.timingsMs["total"] = msSince(t0);
        return;
    }

    QuantParams& p = r.params;
    p.qmin = config.qmin();
    p.qmax = config.qmax();
    p.layout = makeSliceLayout(t.shape, config.granularity, config.axis, config.groupSize);
    const SliceLayout& layout = p.layout;
    const int64_t ns = layout.numSlices();
    const int64_t n = t.numel();
    const float* x = t.data.data();

    // 1. Range and parameters per slice.
    std::vector<uint8_t>& empty = scratchSpace().empty;
    if (ns >= (int64_t(1) << 15)) {
        // Fresh memory for many slices (half a million groups: ~60 MB) is faulted in by both
        // threads at once before anything touches it (huge_pages.h).
        std::vector<std::pair<const void*, size_t>> bytes = reserveParams(p, ns);
        reserveHugePages(empty, size_t(ns));
        reserveHugePages(r.sliceMetrics.storage(), size_t(ns));
        bytes.push_back(capacityBytes(empty));
        bytes.push_back(capacityBytes(r.sliceMetrics.storage()));
        populatePages(bytes);
    }
    sizeParams(p, ns, config);
    empty.resize(size_t(ns));
    SliceCounts sliceCounts;
    auto finishSlice = [&](int64_t s, const MinMax& mm, const Range& range, SliceCounts& counts) {
        fillSlice(p, s, mm, range, config);
        counts.constant += mm.finite > 0 && mm.lo == mm.hi;
        counts.empty += mm.finite == 0;
        empty[size_t(s)] = mm.finite == 0;
    };
    if (ns == 1) {
        MinMax mm;
        Range range;
        if (config.range == RangeMethod::Percentile && config.scheme != Scheme::Symmetric) {
            // Two-tailed percentile: its selection also yields min and max (percentiles 0 and
            // 100), so the min-max scan is skipped (config.validate() above checked p).
            const PercentileExtremes e = percentileRangeAndExtremes(x, n, config.percentile);
            throwIfCancelled(cancel);
            if (e.finite > 0) {
                mm.lo = e.min;
                mm.hi = e.max;
                mm.finite = e.finite;
                range = e.range;
            }
        } else {
            const int64_t nb = (n + kBlock - 1) / kBlock;
            std::vector<MinMax> part(static_cast<size_t>(nb));
            parallelFor(nb, n >= kParallelMin, cancel, [&](int64_t b) {
                minMaxRun(x, b * kBlock, std::min(kBlock, n - b * kBlock), 1, part[size_t(b)]);
            });
            for (const MinMax& m : part) {
                mm.lo = std::min(mm.lo, m.lo);
                mm.hi = std::max(mm.hi, m.hi);
                mm.finite += m.finite;
            }
            if (mm.finite > 0)
                range = methodRange(mm, x, n, config);
        }
        finishSlice(0, mm, range, sliceCounts);
    } else {
        // Slices B at a time: min / max (strided slices: minMaxStrided), each slice's range,
        // then its parameters. A work item that meets an error keeps it; the
        // first item's is thrown, which names the first slice that has one, as a serial loop
        // would.
        const bool strided = stridedSlices(layout);
        const int64_t B = strided ? kMaxBatch : std::clamp<int64_t>(ns / 256, 1, kMaxBatch);
        const int64_t nbatch = (ns + B - 1) / B;
        std::vector<SliceCounts> counts(static_cast<size_t>(nbatch));
        std::vector<std::exception_ptr> errors(static_cast<size_t>(nbatch));
        std::vector<std::vector<float>> buffers(static_cast<size_t>(threadCount()));
        parallelFor(nbatch, n >= kParallelMin || config.range != RangeMethod::MinMax, cancel,
                    [&](int64_t bi) {
                        const int64_t s0 = bi * B, s1 = std::min(ns, s0 + B);
                        MinMax mm[kMaxBatch];
                        if (strided)
                            minMaxStrided(layout, s0, s1, x, mm);
                        else
                            for (int64_t s = s0; s < s1; ++s)
                                layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t st) {
                                    minMaxRun(x, off, cnt, st, mm[s - s0]);
                                });
                        try {
                            for (int64_t s = s0; s < s1; ++s) {
                                const MinMax& m = mm[s - s0];
                                Range range;
                                if (m.finite > 0 && config.range == RangeMethod::MinMax) {
                                    range = methodRange(m, nullptr, 0, config);
                                } else if (m.finite > 0) {
                                    std::vector<float>& buf = buffers[size_t(threadId())];
                                    gatherSlice(x, layout, s, buf);
                                    range = methodRange(m, buf.data(), int64_t(buf.size()), config);
                                }
                                finishSlice(s, m, range, counts[size_t(bi)]);
                            }
                        } catch (const Error&) {
                            errors[size_t(bi)] = std::current_exception();
                        }
                    });
        for (const std::exception_ptr& e : errors)
            if (e)
                std::rethrow_exception(e);
        for (const SliceCounts& c : counts) {
            sliceCounts.constant += c.constant;
            sliceCounts.empty += c.empty;
        }
    }
    const auto t1 = Clock::now();
    r.timingsMs["range"] = std::chrono::duration<double, std::milli>(t1 - t0).count();

    // 2. Codes, dequantized values, metrics and the histograms asked for in one pass.
    FusedHistograms fused;
    prepareFused(p, empty, config, histograms, fused);
    // One counter for the code and the value bin together when the code is monotone in x
    // (splitFineCounts) and the pairs fit in a few kilobytes.
    const int64_t levels = p.qmax - p.qmin + 1;
    if (fused.value && ns == 1 && config.rounding != Rounding::Stochastic &&
        levels + fused.valueRule.bins <= 1024)
        fused.fineSums = levels + fused.valueRule.bins;
    runInteger(t, config, r, cancel, fused.value || fused.error ? &fused : nullptr, true);
    if (fused.value)
        r.valueHistogram = FusedHistograms::merge(fused.valueRule, fused.valueCounts);
    if (fused.error)
        r.errorHistogram = FusedHistograms::merge(fused.errorRule, fused.errorCounts);
    const auto t2 = Clock::now();
    r.timingsMs["quantize"] = std::chrono::duration<double, std::milli>(t2 - t1).count();
    // The metrics are accumulated inside the quantize pass; this is the time to combine them.
    addWarnings(r, sliceCounts.constant, sliceCounts.empty);
    r.timingsMs["metrics"] = msSince(t2);
    r.timingsMs["total"] = msSince(t0);
}

Metrics metricsFromSums(const SliceMetrics::Sums& a)
{
    Metrics m;
    m.count = a.count;
    m.nonfinite = a.nonfinite;
    m.signalPower = a.signalPower;
    m.errorPower = a.errorPower;
    if (a.count > 0) {
        m.mse = a.errorPower / double(a.count);
        m.mae = a.absError / double(a.count);
        m.clippedLow = double(a.clippedLow) / double(a.count);
        m.clippedHigh = double(a.clippedHigh) / double(a.count);
    }
    m.rmse = std::sqrt(m.mse);
    m.maxAbsError = a.maxAbsError;
    // SQNR = 10 log10(sum x^2 / sum e^2). A zero error gives +inf, also for an all-zero signal
    // (a perfect reconstruction); a zero signal with a nonzero error gives -inf.
    if (a.errorPower == 0)
        m.sqnrDb = std::numeric_limits<double>::infinity();
    else
        m.sqnrDb = 10.0 * std::log10(a.signalPower / a.errorPower);
    m.clippedLowCount = a.clippedLow;
    m.clippedHighCount = a.clippedHigh;
    m.levelsUsed = a.levelsUsed;
    return m;
}

Metrics SliceMetrics::operator[](size_t s) const
{
    if (m_isWhole)
        return m_whole;
    const Sums& v = m_sums[s];
    Metrics m = metricsFromSums(v);
    m.levelsTotal = m_levelsTotal;
    const int64_t numel = v.count + v.nonfinite;
    setStorage(m, numel, double(numel) * m_elementBits + m_sliceBits);
    if (m_sliceBits == 0) // exactly the format's bits per element, not q / numel
        m.bitsPerElement = m_elementBits;
    return m;
}

Metrics SliceMetrics::at(size_t s) const
{
    if (s >= m_sums.size())
        throw std::out_of_range("slice " + std::to_string(s) + " of " +
                                std::to_string(m_sums.size()));
    return (*this)[s];
}

double SliceMetrics::rmse(size_t s) const
{
    if (m_isWhole)
        return m_whole.rmse;
    const Sums& v = m_sums[s];
    return v.count > 0 ? std::sqrt(v.errorPower / double(v.count)) : 0.0;
}

void SliceMetrics::reset(size_t n, int64_t levelsTotal, double elementBits, double sliceBits)
{
    reserveHugePages(m_sums, n);
    m_sums.resize(n);
    m_isWhole = false;
    m_levelsTotal = levelsTotal;
    m_elementBits = elementBits;
    m_sliceBits = sliceBits;
}

void SliceMetrics::setWhole(const Metrics& m)
{
    m_sums.resize(1);
    Sums& v = m_sums[0];
    v.count = m.count;
    v.nonfinite = m.nonfinite;
    v.clippedLow = m.clippedLowCount;
    v.clippedHigh = m.clippedHighCount;
    v.levelsUsed = m.levelsUsed;
    v.signalPower = m.signalPower;
    v.errorPower = m.errorPower;
    v.absError = m.mae * double(m.count);
    v.maxAbsError = m.maxAbsError;
    m_whole = m;
    m_isWhole = true;
}

namespace detail {

std::vector<std::string> kernelBuilds()
{
    std::vector<std::string> names{"base"};
    if (cpuHas(Build::Avx2))
        names.push_back("avx2");
    if (cpuHas(Build::Avx512))
        names.push_back("avx512");
    return names;
}

void useKernelBuild(const std::string& name)
{
    const Build b = name == "avx512" ? Build::Avx512
                    : name == "avx2" ? Build::Avx2
                    : name == "base" ? Build::Base
                                     : throw Error("unknown kernel build '" + name + "'");
    g_buildLimit.store(int(b));
}

} // namespace detail

QuantResult quantize(const Tensor& t, const QuantConfig& config, const CancelToken* cancel)
{
    QuantResult r;
    quantizeInto(t, config, r, cancel);
    return r;
}

QuantResult quantizeWithParams(const Tensor& t, const QuantParams& params,
                               const QuantConfig& config, const CancelToken* cancel)
{
    const auto t0 = Clock::now();
    config.validate();
    checkTensor(t);
    QuantResult r;
    r.config = config;
    if (config.isLowbit()) { // the format derives its own block scales from the data
        quantizeLowbitInto(t, config, r, cancel);
        return r;
    }
    sizeBuffers(t, config, r);
    if (!config.isInteger()) { // nothing to choose: the format fixes every value
        runFloat(t, config, r, cancel);
    } else {
        const int64_t ns = params.layout.numSlices();
        if (params.layout.numel() != t.numel())
            throw Error("parameters were made for " + std::to_string(params.layout.numel()) +
                        " elements, tensor '" + t.name + "' has " + std::to_string(t.numel()));
        if (params.numSlices() != ns || int64_t(params.zeroPoint.size()) != ns)
            throw Error("parameters hold " + std::to_string(params.numSlices()) + " scales and " +
                        std::to_string(params.zeroPoint.size()) + " zero points for " +
                        std::to_string(ns) + " slices");
        if (params.qmin != config.qmin() || params.qmax != config.qmax())
            throw Error("parameters have the code range [" + std::to_string(params.qmin) + ", " +
                        std::to_string(params.qmax) + "], the config [" +
                        std::to_string(config.qmin()) + ", " + std::to_string(config.qmax()) + "]");
        if (config.reciprocalScale && int64_t(params.reciprocal.size()) != ns)
            throw Error("a reciprocal-scale config needs one reciprocal scale per slice; the "
                        "parameters hold " +
                        std::to_string(params.reciprocal.size()) + " for " + std::to_string(ns) +
                        " slices");
        r.params = params;
        r.params.scheme = config.scheme;
        r.params.float32Params = config.float32Params || config.reciprocalScale;
        if (!config.reciprocalScale)
            r.params.reciprocal.clear();
        runInteger(t, config, r, cancel, nullptr, false);
    }
    addWarnings(r, 0, 0);
    r.timingsMs["total"] = msSince(t0);
    return r;
}

double dequantizeCode(const QuantParams& p, int64_t slice, int64_t q)
{
    if (slice < 0 || slice >= p.numSlices())
        throw Error("slice " + std::to_string(slice) + " out of range [0, " +
                    std::to_string(p.numSlices()) + ")");
    if (isLowbitScheme(p.scheme))
        return lowbitDequantizeCode(p, slice, q);
    if (p.scheme == Scheme::FP16 || p.scheme == Scheme::BF16) {
        if (q < 0 || q > 65535)
            throw Error("code " + std::to_string(q) + " is not a 16-bit pattern");
        return fromFormatBits(p.scheme == Scheme::FP16 ? FloatFormat::Half : FloatFormat::BFloat16,
                              uint16_t(q));
    }
    const int64_t z = p.zeroPoint[size_t(slice)];
    if (!p.reciprocal.empty()) {
        const float r = p.reciprocal[size_t(slice)];
        return float(q - z) / (r > 0 ? r : 1.0f);
    }
    if (p.float32Params)
        return float(p.scale[size_t(slice)]) * (float(q) - float(z));
    return double(float(p.scale[size_t(slice)] * double(q - z)));
}

std::vector<double> quantizationGrid(const QuantParams& p, int64_t slice)
{
    if (slice < 0 || slice >= p.numSlices())
        throw Error("slice " + std::to_string(slice) + " out of range [0, " +
                    std::to_string(p.numSlices()) + ")");
    if (isLowbitScheme(p.scheme))
        return lowbitGrid(p, slice);
    if (p.scheme == Scheme::FP16 || p.scheme == Scheme::BF16)
        return finiteFormatValues(p.scheme == Scheme::FP16 ? FloatFormat::Half
                                                           : FloatFormat::BFloat16);
    std::vector<double> grid;
    grid.reserve(size_t(p.qmax - p.qmin + 1));
    for (int64_t q = p.qmin; q <= p.qmax; ++q)
        grid.push_back(dequantizeCode(p, slice, q));
    return grid;
}

Metrics computeMetrics(const float* x, const float* xhat, int64_t n)
{
    if (n < 0)
        throw Error("computeMetrics: negative length");
    const int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<Acc> blocks(static_cast<size_t>(nb));
    parallelFor(nb, n >= kParallelMin, nullptr, [&](int64_t b) {
        Acc& a = blocks[size_t(b)];
        const int64_t end = std::min(n, (b + 1) * kBlock);
        for (int64_t i = b * kBlock; i < end; ++i) {
            if (!std::isfinite(x[i])) {
                ++a.nonfinite;
                continue;
            }
            const double e = double(x[i]) - double(xhat[i]);
            const double ae = std::fabs(e);
            ++a.count;
            a.errSq += e * e;
            a.errAbs += ae;
            a.errMax = std::max(a.errMax, ae);
            a.signal += double(x[i]) * double(x[i]);
        }
    });
    Acc total;
    for (const Acc& a : blocks)
        total.add(a);
    Metrics m = finalize(total, n, 32, 0, false, 0, 0);
    // No codes here: the storage fields describe the float32 reconstruction itself.
    m.quantizedBits = 32.0 * double(n);
    m.quantizedBytes = 4 * n;
    m.bitsPerElement = n > 0 ? 32.0 : 0.0;
    return m;
}

} // namespace qs
