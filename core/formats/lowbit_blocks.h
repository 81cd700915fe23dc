// Internals shared by the low-bit converters of core/formats (codebook, ggml, minifloat, mx): the
// parallel loop over blocks with the counts every format reports, block bounds, and the names of
// the format enums. Included only by core/formats/*.cpp (it needs OpenMP).
#pragma once

#include "core/base/error.h"
#include "core/base/float_order.h"
#include "core/base/name_table.h"
#include "core/base/value_observer.h"
#include "core/formats/lowbit.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>

namespace qs::formats_detail {

// What a conversion counts (LowbitResult's fields of the same names), per thread and summed.
struct LowbitCounts {
    int64_t saturated = 0, saturatedNegative = 0, flushed = 0, nonfinite = 0;
    int64_t overflowBlocks = 0; // block scales beyond the range of their storage format

    // A finite input clipped to the largest representable magnitude.
    void saturate(float v)
    {
        ++saturated;
        saturatedNegative += v < 0 ? 1 : 0;
    }
    void add(const LowbitCounts& o)
    {
        saturated += o.saturated;
        saturatedNegative += o.saturatedNegative;
        flushed += o.flushed;
        nonfinite += o.nonfinite;
        overflowBlocks += o.overflowBlocks;
    }
    void storeIn(LowbitResult& r) const
    {
        r.saturated = saturated;
        r.saturatedNegative = saturatedNegative;
        r.flushedToZero = flushed;
        r.nonfinite = nonfinite;
    }
};

// Runs body(item, counts) for item in [0, items) over the OpenMP threads (static schedule; in
// parallel when the tensor has n >= 65536 elements) and returns the counts summed. Once cancel
// fires the items not yet started are skipped and qs::Cancelled is thrown.
template <class F>
LowbitCounts forEachBlock(int64_t items, int64_t n, const CancelToken* cancel, F&& body)
{
    LowbitCounts total;
#pragma omp parallel if (n >= 65536)
    {
        LowbitCounts local;
#pragma omp for schedule(static) nowait
        for (int64_t i = 0; i < items; ++i) {
            if (cancel && cancel->isCancelled())
                continue; // skip the remaining items; thrown below
            body(i, local);
        }
#pragma omp critical(qs_lowbit_counts)
        total.add(local);
    }
    throwIfCancelled(cancel);
    return total;
}

// Elements [start, end) of block blk (initBlocks' layout: blocks never cross rows).
struct BlockSpan {
    int64_t start = 0, end = 0;
};

inline BlockSpan blockSpan(const LowbitResult& r, int64_t blk)
{
    if (r.rowLength % r.blockSize == 0) // whole blocks: no division
        return {blk * r.blockSize, (blk + 1) * r.blockSize};
    const int64_t row = blk / r.blocksPerRow;
    const int64_t start = row * r.rowLength + (blk % r.blocksPerRow) * r.blockSize;
    return {start, std::min(start + r.blockSize, (row + 1) * r.rowLength)};
}

// The window of the part this thread is making, when the observer lends them (values null:
// none; the format writes into its result's arrays). Read once per block: initial-exec, one load
// (quantcore is a static library of executables; the position-independent default would call
// __tls_get_addr on every read).
inline thread_local LowbitOut t_window __attribute__((tls_model("initial-exec")));

// Where the format writes its codes and values on this thread (see LowbitOut).
inline LowbitOut outputsOf(LowbitResult& r)
{
    if (t_window.values)
        return t_window;
    const bool narrow = r.codes.width() == 1;
    return LowbitOut{r.dequantized.data(),
                     narrow ? static_cast<void*>(r.codes.raw8()) : r.codes.raw16(), narrow,
                     r.codes.offset(), 0};
}

// The elements of parts [first, end) of r: blocks, or elements of an element-wise format.
inline std::pair<int64_t, int64_t> partElements(const LowbitResult& r, bool blockwise,
                                                int64_t first, int64_t end)
{
    if (!blockwise)
        return {first, end};
    return {blockSpan(r, first).start, blockSpan(r, end - 1).end};
}

// body(item, counts) for one item of forEachOutput, made into the observer's window for its
// elements when it lends them; `shown` then tells the observer the parts are final.
template <class F, class Shown>
void makeItem(LowbitObserver& observer, bool windowed, const LowbitResult& r, int64_t first,
              int64_t end, bool blockwise, int64_t item, LowbitCounts& c, F& body, Shown&& shown)
{
    if (windowed) {
        const std::pair<int64_t, int64_t> e = partElements(r, blockwise, first, end);
        t_window = observer.window(r, e.first, e.second);
    }
    body(item, c);
    shown(first, end);
    t_window = LowbitOut();
}

// forEachBlock over the items of result r, each made of `blocksPerItem` consecutive blocks
// of r (the last one of what remains; 0: items of kLowbitPiece elements), reporting each finished
// item to this thread's LowbitObserver (lowbit.h), into its windows if it lends them. r must be
// set up as LowbitObserver::begin() says.
template <class F>
LowbitCounts forEachOutput(const LowbitResult& r, int64_t items, int64_t blocksPerItem, int64_t n,
                           const CancelToken* cancel, F&& body)
{
    LowbitObserver* observer = lowbitObserver();
    if (!observer)
        return forEachBlock(items, n, cancel, body);
    observer->begin(r);
    const bool windowed = observer->lendsWindows(), blockwise = blocksPerItem > 0;
    // The parts an observer is shown: blocks, or elements of an element-wise format.
    const int64_t perItem = blockwise ? blocksPerItem : kLowbitPiece;
    const int64_t parts = blockwise ? r.numBlocks() : n;
    if (const int64_t k = observer->sampleStride(items, n)) { // made again below: counts dropped
        forEachBlock(sampledParts(items, k), n, cancel, [&](int64_t j, LowbitCounts&) {
            const int64_t i = sampledPart(j, k);
            LowbitCounts dropped;
            makeItem(*observer, windowed, r, i * perItem, std::min(parts, (i + 1) * perItem),
                     blockwise, i, dropped, body,
                     [&](int64_t first, int64_t end) { observer->sample(r, first, end); });
        });
        observer->sampled();
    }
    return forEachBlock(items, n, cancel, [&](int64_t i, LowbitCounts& c) {
        makeItem(*observer, windowed, r, i * perItem, std::min(parts, (i + 1) * perItem), blockwise,
                 i, c, body, [&](int64_t first, int64_t end) { observer->ready(r, first, end); });
    });
}

#if defined(__GNUC__) && defined(__x86_64__)
#define QS_BLOCKS_AVX2 1
// body() with every call in it inlined (flatten), built with the default instructions or with
// AVX2 (eight floats per instruction instead of four, the same IEEE operations in each lane: no
// fused multiply-add, -ffp-contract=off in core/CMakeLists.txt).
template <class F> __attribute__((flatten)) void inlinedBase(F& body)
{
    body();
}
template <class F> __attribute__((target("avx2"), flatten)) void inlinedAvx2(F& body)
{
    body();
}
#else
#define QS_BLOCKS_AVX2 0
#endif

// Whether the processor runs AVX2 instructions.
inline bool hasAvx2()
{
#if QS_BLOCKS_AVX2
    static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
    return has;
#else
    return false;
#endif
}

// body() built for the best of the two instruction sets the processor has: the loops of a run of
// blocks or a piece of elements, whose constants are then set up once for all of them.
template <class F> void runInlined(bool avx2, F&& body)
{
#if QS_BLOCKS_AVX2
    if (avx2)
        inlinedAvx2(body);
    else
        inlinedBase(body);
#else
    (void)avx2;
    body();
#endif
}

constexpr int64_t kBlocksPerRun = 64; // the blocks of one item of forEachBlockRun

// forEachOutput over runs of kBlocksPerRun consecutive blocks of r: body(first, end, counts) for
// the blocks [first, end) of each, through runInlined.
template <class F>
LowbitCounts forEachBlockRun(const LowbitResult& r, int64_t n, const CancelToken* cancel, F&& body)
{
    const int64_t blocks = r.numBlocks();
    const bool avx2 = hasAvx2();
    return forEachOutput(r, (blocks + kBlocksPerRun - 1) / kBlocksPerRun, kBlocksPerRun, n, cancel,
                         [&](int64_t run, LowbitCounts& c) {
                             const int64_t first = run * kBlocksPerRun;
                             const int64_t end = std::min(blocks, first + kBlocksPerRun);
                             runInlined(avx2, [&] { body(first, end, c); });
                         });
}

// forEachOutput over runs of kBlocksPerRun consecutive blocks of r: body(b, counts) for each
// block b of each run (blocks too small to be a work item of their own).
template <class F>
LowbitCounts forEachBlockInRuns(const LowbitResult& r, int64_t n, const CancelToken* cancel,
                                F&& body)
{
    const int64_t blocks = r.numBlocks();
    return forEachOutput(r, (blocks + kBlocksPerRun - 1) / kBlocksPerRun, kBlocksPerRun, n, cancel,
                         [&](int64_t run, LowbitCounts& c) {
                             const int64_t end = std::min(blocks, (run + 1) * kBlocksPerRun);
                             for (int64_t b = run * kBlocksPerRun; b < end; ++b)
                                 body(b, c);
                         });
}

// Element-wise formats: body(i, counts) for every element of r, in pieces of kLowbitPiece
// (forEachOutput).
template <class F>
LowbitCounts forEachElement(const LowbitResult& r, int64_t n, const CancelToken* cancel, F&& body)
{
    return forEachOutput(r, (n + kLowbitPiece - 1) / kLowbitPiece, 0, n, cancel,
                         [&](int64_t piece, LowbitCounts& c) {
                             const int64_t end = std::min(n, (piece + 1) * kLowbitPiece);
                             for (int64_t i = piece * kLowbitPiece; i < end; ++i)
                                 body(i, c);
                         });
}

// Whether every value of the span is finite.
inline bool allFinite(const float* x, const BlockSpan& s)
{
    return detail::allFiniteFloats(x + s.start, s.end - s.start);
}

// The largest |x| of a span of finite values.
inline float absMaxOfFinite(const float* x, const BlockSpan& s)
{
    float amax = 0.0f;
#pragma omp simd reduction(max : amax)
    for (int64_t i = s.start; i < s.end; ++i)
        amax = std::max(amax, std::fabs(x[i]));
    return amax;
}

// Whether every value of the span is finite and, if so, their largest |x| (amax), in one pass:
// the bit patterns of |x| order as their values, and those of +inf and NaN lie above every
// finite one.
inline bool absMaxIfFinite(const float* x, const BlockSpan& s, float& amax)
{
    int32_t top = 0;
#pragma omp simd reduction(max : top)
    for (int64_t i = s.start; i < s.end; ++i) {
        int32_t bits;
        std::memcpy(&bits, &x[i], sizeof bits);
        top = std::max(top, bits & 0x7fffffff);
    }
    std::memcpy(&amax, &top, sizeof amax);
    return top < 0x7f800000;
}

// The codes (as C: one or two bytes) and values of len finite values, `encode(v, code,
// saturated)` returning the value of v and setting its code and whether it saturated, in a loop
// without branches. Counts the saturated values and the nonzero values that became 0.
template <class C, class Encode>
__attribute__((always_inline)) inline void
writeFiniteTo(const float* __restrict src, int64_t len, C* __restrict codes, int32_t off,
              float* __restrict y, LowbitCounts& c, Encode& encode)
{
    int32_t saturated = 0, negative = 0, flushed = 0; // spans hold at most kLowbitPiece values
#pragma omp simd reduction(+ : saturated, negative, flushed)
    for (int64_t i = 0; i < len; ++i) {
        const float v = src[i];
        int32_t code, sat;
        const float dq = encode(v, code, sat);
        codes[i] = static_cast<C>(code - off);
        y[i] = dq;
        saturated += sat;
        negative += sat & int32_t(v < 0.0f);
        flushed += int32_t(v != 0.0f) & int32_t(dq == 0.0f);
    }
    c.saturated += saturated;
    c.saturatedNegative += negative;
    c.flushed += flushed;
}

// writeFiniteTo with one-byte codes: the loop writes two-byte codes into a buffer that stays in
// cache, narrowed after it. Encoders with a one-byte store in the loop itself vectorize worse
// (the minifloat and MX encoders ran up to 1.7 times slower).
template <class Encode>
__attribute__((always_inline)) inline void
writeFiniteNarrow(const float* __restrict src, int64_t len, uint8_t* __restrict codes, int32_t off,
                  float* __restrict y, LowbitCounts& c, Encode& encode)
{
    constexpr int64_t kRun = 256;
    alignas(32) uint16_t wide[kRun];
    for (int64_t k = 0; k < len; k += kRun) {
        const int64_t m = std::min(kRun, len - k);
        writeFiniteTo(src + k, m, wide, off, y + k, c, encode);
        for (int64_t i = 0; i < m; ++i)
            codes[k + i] = uint8_t(wide[i]);
    }
}

// writeFiniteTo for the span s of r, in the width of its codes (the loop of every format's
// blocks of finite values). The values come from src[0 .. s.end - s.start): the span's own
// inputs, or a copy of them.
template <class Encode>
__attribute__((always_inline)) inline void writeFiniteFrom(const float* __restrict src,
                                                           const BlockSpan& s, LowbitResult& r,
                                                           LowbitCounts& c, Encode&& encode)
{
    const LowbitOut out = outputsOf(r);
    if (out.narrow)
        writeFiniteNarrow(src, s.end - s.start, out.codesAt<uint8_t>(s.start), out.codeOffset,
                          out.valuesAt(s.start), c, encode);
    else
        writeFiniteTo(src, s.end - s.start, out.codesAt<uint16_t>(s.start), out.codeOffset,
                      out.valuesAt(s.start), c, encode);
}

// writeFiniteFrom on the span's own inputs x[s.start .. s.end).
template <class Encode>
__attribute__((always_inline)) inline void
writeFinite(const float* x, const BlockSpan& s, LowbitResult& r, LowbitCounts& c, Encode&& encode)
{
    writeFiniteFrom(x + s.start, s, r, c, std::forward<Encode>(encode));
}

// The largest |x| of the finite values of a block (0 when there are none).
inline float finiteAbsMax(const float* x, const BlockSpan& s)
{
    float amax = 0.0f;
    for (int64_t i = s.start; i < s.end; ++i)
        if (std::isfinite(x[i]))
            amax = std::max(amax, std::fabs(x[i]));
    return amax;
}

// A NaN / +-Inf input: counted, its code (nanCode, or the code of the largest magnitude of its
// sign) set and its value kept in the reconstruction (lowbit.h).
inline void keepNonfinite(LowbitResult& r, int64_t i, float v, int32_t nanCode, int32_t plusCode,
                          int32_t minusCode, LowbitCounts& c)
{
    ++c.nonfinite;
    const LowbitOut out = outputsOf(r);
    out.setCode(i, std::isnan(v) ? nanCode : (v > 0 ? plusCode : minusCode));
    out.value(i) = v;
}

// The format's code count and storage (the sum of the split); bits per element =
// storageBits / numel.
inline void setStorage(LowbitResult& r, int64_t codeLevels, const StorageSplit& split, int64_t n)
{
    r.codeLevels = codeLevels;
    r.storage = split;
    r.storageBits = static_cast<int64_t>(split.totalBits());
    r.bitsPerElement = static_cast<double>(r.storageBits) / static_cast<double>(n);
}

// Payload bits per element and `scaleBits` per block: the split of a format with one scale per
// block and nothing else.
inline StorageSplit blockScaleSplit(int64_t n, int payloadBits, int64_t blocks, int scaleBits)
{
    StorageSplit split;
    split.payloadBits = double(n) * payloadBits;
    split.scaleBits = double(blocks) * scaleBits;
    return split;
}

// The enumerator of `all` whose toName() is `name` but for case; otherwise throws
// "unknown <what> '<name>' (valid: <the names>)".
template <class E, size_t N>
E enumFromName(const std::string& name, const E (&all)[N], const std::string& what)
{
    std::string valid;
    for (E e : all) {
        if (sameNameIgnoringCase(name, toName(e)))
            return e;
        valid += (valid.empty() ? "" : ", ") + toName(e);
    }
    throw Error("unknown " + what + " '" + name + "' (valid: " + valid + ")");
}

} // namespace qs::formats_detail
