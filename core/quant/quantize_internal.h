// Internals of the quantization engine shared by its files (core/quant only):
//   slice_params.cpp      range and parameters of every slice (the range phase)
//   strided_tiles.h/.cpp  slices made of one strided run, walked tile by tile
//   integer_pass.h/.cpp   the fused pass of the integer schemes (codes, values, metrics)
//   streamed_slices.cpp   its many-slice passes that show their values instead of writing them
//   fused_histograms.cpp  the histograms filled inside that pass
//   kernel_dispatch.cpp   the choice among the builds of the hot loop (kernel/kernel_builds.h)
//   result_metrics.cpp    metrics, storage and warnings of a result
//   quantize.cpp          the public entry points
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
#pragma once

#include "core/base/error.h"
#include "core/base/parallel.h"
#include "core/quant/quantize.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <type_traits>
#include <vector>

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

namespace detail {
struct BinRule;
}

namespace quantize_detail {

using detail::threadCount;
using detail::threadId;

constexpr int64_t kBlock = int64_t(1) << 16; // per-tensor work unit (fixed: determinism)
// Zero points beyond this magnitude (a range far narrower than its distance from zero, with
// includeZero off) are rejected: v = x/s + z would lose all precision.
constexpr double kMaxZeroPoint = 1073741824.0; // 2^30: v stays inside int32
constexpr int64_t kChunk = 1024;               // elements per vectorised inner loop
// Below this many elements a pass runs on the calling thread: waking the team costs more.
constexpr int64_t kParallelMin = int64_t(1) << 15;
constexpr int64_t kMaxBatch = 64; // slices per work item of the per-slice passes

// Partial sums of one block or slice.
struct Acc {
    int64_t count = 0, nonfinite = 0, clipLow = 0, clipHigh = 0;
    double errSq = 0, errAbs = 0, errMax = 0, signal = 0;

    // The error terms of one finite pair (x, x^).
    void addPair(float x, float xhat)
    {
        const double e = double(x) - double(xhat);
        const double ae = std::fabs(e);
        ++count;
        errSq += e * e;
        errAbs += ae;
        errMax = std::max(errMax, ae);
        signal += double(x) * double(x);
    }
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
    // Set when errors are counted too and the pairs are few (FusedHistograms::jointCounts): one
    // counter per (code + value bin, error bin), at (code + bin) * jointStride + error bin.
    uint32_t* jointCounts = nullptr;
    int32_t jointStride = 0;
};

// C: the stored code type, uint8_t when the scheme's codes span at most 256 values, else
// uint16_t (CodeBuffer); every loop that writes or reads codes is built for both.
template <class C> struct RunCtx {
    const float* x;
    C* codes; // code - qmin
    float* deq;
    uint64_t seed;
    uint8_t* mark;       // code-usage flags, indexed by code - qmin
    const HistCtx* hist; // null: no histograms
    // Flat index of x[0], codes[0] and deq[0]: 0 when they are the whole tensor's arrays, the
    // first element of the run when they hold just that run (scratch for outputs not kept).
    int64_t origin;
};

// How the hot loop turns x into v = x / s.
enum class ScaleMode {
    Divide,          // x / s
    MultiplyInverse, // x * (1 / s) (QuantConfig::multiplyByInverse)
    ReciprocalScale, // x * s', float32 only (QuantConfig::reciprocalScale)
};

// Quantizes one run of a slice (cnt elements, `stride` apart, from flat index off) and adds its
// sums to the Acc; kernel_dispatch.cpp picks the build for the processor and the config.
template <class C>
using KernelFn = void (*)(const RunCtx<C>&, const SliceQ&, int64_t, int64_t, int64_t, Acc&);
template <class C> KernelFn<C> pickKernel(const QuantConfig& c);

// The raw storage of b for code type C (CodeBuffer::raw8 or raw16).
template <class C> C* rawCodes(CodeBuffer& b)
{
    static_assert(std::is_same_v<C, uint8_t> || std::is_same_v<C, uint16_t>);
    if constexpr (sizeof(C) == 1)
        return b.raw8();
    else
        return b.raw16();
}

// quantize.cpp: the span integer codes qmin..qmax are stored with: qmax - qmin + 1, or
// CodeBuffer::kMaxSpan while detail::useCodeWidth(2) holds.
int64_t storedCodeSpan(int64_t qmin, int64_t qmax);

// Calls f(C()) with the stored code type of codes qmin..qmax (one byte up to 256 values): the
// one dispatch on the width per call, outside the loops.
template <class F> decltype(auto) withCodeType(int64_t qmin, int64_t qmax, F&& f)
{
    if (CodeBuffer::widthFor(storedCodeSpan(qmin, qmax)) == 1)
        return f(uint8_t());
    return f(uint16_t());
}

// Min / max of the finite values of a slice.
struct MinMax {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    int64_t finite = 0;

    void add(const MinMax& o)
    {
        lo = std::min(lo, o.lo);
        hi = std::max(hi, o.hi);
        finite += o.finite;
    }
};

// Min and max of x[0, n) when all are finite (false otherwise), vectorised for the processor.
using MinMaxFn = bool (*)(const float*, int64_t, float&, float&);
MinMaxFn minMaxFiniteFn();

// Adds cnt elements of x from `off`, `stride` apart, to m.
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

// Runs `body(i)` for i in [0, n) over the OpenMP threads, checking the cancel token between items
// and carrying the first exception out of the parallel region. A static schedule, or with
// Balanced a dynamic one: a thread that finishes early takes the next item, so that a core
// slowed by other work does not leave the other one waiting at the end (for a few hundred
// items of equal size; results must not depend on which thread runs an item).
template <bool Balanced = false, class F>
void parallelFor(int64_t n, bool parallel, const CancelToken* cancel, F&& body)
{
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    auto item = [&](int64_t i) {
        if (stop.load(std::memory_order_relaxed))
            return;
        if (cancel && cancel->isCancelled()) {
            stop.store(true);
            return;
        }
        try {
            body(i);
        } catch (...) {
#pragma omp critical(qs_quantize_error)
            if (!error)
                error = std::current_exception();
            stop.store(true);
        }
    };
    if constexpr (Balanced) {
#pragma omp parallel for schedule(dynamic) if (parallel && n > 1)
        for (int64_t i = 0; i < n; ++i)
            item(i);
    } else {
#pragma omp parallel for schedule(static) if (parallel && n > 1)
        for (int64_t i = 0; i < n; ++i)
            item(i);
    }
    if (error)
        std::rethrow_exception(error);
    throwIfCancelled(cancel);
}

// Slices [0, ns) in batches: strided slices (strided_tiles.h) `limit` at a time, others G at a
// time with G from the slice count only, so the batches, and the order in which their sums are
// combined, are the same on every run.
struct SliceBatches {
    int64_t slices = 0, size = 1, count = 0;

    SliceBatches(int64_t ns, bool strided, int64_t limit)
        : slices(ns), size(strided ? limit : std::clamp<int64_t>(ns / 256, 1, limit)),
          count((ns + size - 1) / size)
    {
    }
    // body(batch, s0, s1) for every batch over parallelFor.
    template <class F> void run(bool parallel, const CancelToken* cancel, F&& body) const
    {
        parallelFor(count, parallel, cancel, [&](int64_t bi) {
            const int64_t s0 = bi * size;
            body(bi, s0, std::min(slices, s0 + size));
        });
    }
};

// How many of `levels` codes are flagged in any of the per-thread rows of `flags`.
inline int64_t countFlagged(const std::vector<uint8_t>& flags, int threads, int64_t levels)
{
    int64_t n = 0;
    for (int64_t l = 0; l < levels; ++l) {
        uint8_t any = 0;
        for (int th = 0; th < threads; ++th)
            any |= flags[size_t(th) * size_t(levels) + size_t(l)];
        n += any;
    }
    return n;
}

// Partial results (Acc, MinMax, SliceCounts) combined in their order: the same total on every
// run, whatever thread made each part.
template <class T> T combineInOrder(const std::vector<T>& parts)
{
    T total;
    for (const T& p : parts)
        total.add(p);
    return total;
}

// Slices without a usable range, for the warnings.
struct SliceCounts {
    int64_t constant = 0, empty = 0;

    void add(const SliceCounts& o)
    {
        constant += o.constant;
        empty += o.empty;
    }
};

// slice_params.cpp: checks that a scale / zero point pair can be used by the hot loop without
// overflow.
void checkParams(double s, int64_t z, const QuantConfig& config, int64_t slice);

// slice_params.cpp: the range phase. Sets layout, qmin / qmax and every slice's range, scale
// and zero point in p; empty[s] = 1 for a slice without finite values.
SliceCounts computeSliceParams(const Tensor& t, const QuantConfig& config, QuantParams& p,
                               std::vector<uint8_t>& empty, SliceMetrics& sliceMetrics,
                               const CancelToken* cancel);

// optimized_params.cpp: for the range methods that optimise the parameters (HQQ, grid search),
// after computeSliceParams set min-max's: each non-empty slice's optimised scale and real zero
// point (p.realZeroPoint), or min-max's where those give less squared error. trace: HQQ's
// iterations.
void optimizeSliceParams(const Tensor& t, const QuantConfig& config, QuantParams& p,
                         const std::vector<uint8_t>& empty, HqqTrace& trace,
                         const CancelToken* cancel);

// integer_pass.cpp: what the hot loop needs about a slice of scale s and zero point z. recip:
// the slice's reciprocal scale s' (QuantParams::reciprocal), or -1 when there is none.
SliceQ makeSliceQ(double s, double z, const QuantConfig& config, int64_t qmin, int64_t qmax,
                  float recip);

// The sums of one slice as SliceMetrics keeps them.
inline SliceMetrics::Sums sumsOf(const Acc& a, int64_t levelsUsed)
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

// result_metrics.cpp
// Storage of `slices` slices over numel elements: b bits per element (payload) plus a 32-bit
// scale (scales) and, asymmetric, a b-bit zero point (mins) per slice.
StorageSplit integerStorage(int64_t numel, int bits, int64_t slices, bool asymmetric);
Metrics finalize(const Acc& a, int64_t numel, int bits, int64_t slices, bool asymmetric,
                 int64_t levelsUsed, int64_t levelsTotal);
void addWarnings(QuantResult& r, const SliceCounts& counts);

struct FusedHistograms;
// integer_pass.cpp: the fused pass for integer schemes; params must be complete, codes and
// dequantized sized as `written` says. fused: the histograms to fill (null: none).
// paramsChecked: every slice's scale and zero point passed checkParams already
// (computeSliceParams). written: the outputs written to r (both on unless streamsOutputs).
void runInteger(const Tensor& t, const QuantConfig& config, QuantResult& r,
                const CancelToken* cancel, FusedHistograms* fused, bool paramsChecked,
                const QuantOutputs& written = QuantOutputs());

// streamed_slices.cpp: whether the pass of `config` on a tensor of `shape` can leave out the
// outputs that QuantOutputs turns off, making the values in per-thread scratch instead of
// writing them and releasing them afterwards: integer schemes per tensor, per channel or per
// group (but per channel along a middle axis, whose slices interleave), fp16 and bf16.
bool streamsOutputs(const QuantConfig& config, const std::vector<int64_t>& shape);

} // namespace quantize_detail
} // namespace qs
