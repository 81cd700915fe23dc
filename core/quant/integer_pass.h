// The parts of the integer pass that its files share (integer_pass.cpp: the pass and the slices
// whose outputs it writes; streamed_slices.cpp: the slices whose values it streams instead).
#pragma once

#include "core/quant/fused_histograms.h"
#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace qs::quantize_detail {

// Code-usage flags: `used` per thread, the codes seen anywhere; `marks` per thread and batch
// slot, the codes of the slice being quantized (multi-slice passes only).
struct CodeMarks {
    int64_t levels = 0, batchSize = 1;
    std::vector<uint8_t> used, marks;

    CodeMarks(int64_t levels_, int64_t ns, int nt)
        : levels(levels_),
          batchSize(std::max<int64_t>(
              1, std::min<int64_t>(kMaxBatch, (int64_t(1) << 18) / levels))), // <= 256 KiB
          used(size_t(nt) * size_t(levels), 0),
          marks(ns > 1 ? size_t(nt) * size_t(batchSize) * size_t(levels) : 0, 0)
    {
    }
    uint8_t* usedBy(size_t thread) { return used.data() + thread * size_t(levels); }
    uint8_t* marksOf(size_t thread)
    {
        return marks.data() + thread * size_t(batchSize) * size_t(levels);
    }
    // Codes seen by any thread.
    int64_t levelsUsed(int nt) const { return countFlagged(used, nt, levels); }
};

// What every step of the pass reads; C: the stored code type (withCodeType).
template <class C> struct Pass {
    const Tensor& t;
    const QuantConfig& config;
    QuantResult& r;
    const QuantParams& p;
    KernelFn<C> kernel;
    FusedHistograms* fused;
    CodeMarks& codes;
    QuantOutputs written; // off: through scratch (streamsOutputs says where)

    SliceQ sliceQ(int64_t s) const
    {
        return makeSliceQ(p.scale[s], p.zeroPointAt(s), config, p.qmin, p.qmax,
                          p.reciprocal.empty() ? -1.0f : p.reciprocal[size_t(s)]);
    }
    RunCtx<C> ctxFor(uint8_t* mark) const
    {
        return RunCtx<C>{t.data.data(),
                         rawCodes<C>(r.codes),
                         r.dequantized.data(),
                         config.seed,
                         mark,
                         fused ? &fused->ctx[size_t(threadId())] : nullptr,
                         0};
    }
};

// The codes slice s marked: counted, added to this thread's `used` and cleared for the next
// slice. A slice with few elements clears just the codes it set, read from `codes` (the code of
// flat index i at codes[i - origin]); without them (null) every flag is read.
template <class C>
int64_t takeSliceMarks(const Pass<C>& pass, int64_t s, uint8_t* mark, uint8_t* used, const C* codes,
                       int64_t origin)
{
    const int64_t levels = pass.codes.levels;
    int64_t d = 0;
    if (codes && pass.p.layout.sliceSize(s) * 4 < levels) {
        const float* x = pass.t.data.data();
        pass.p.layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
            for (int64_t k = 0; k < cnt; ++k) {
                const int64_t i = off + k * stride;
                if (!std::isfinite(x[i]))
                    continue;
                const C code = codes[i - origin];
                uint8_t& m = mark[code];
                d += m;
                used[code] |= m;
                m = 0;
            }
        });
        return d;
    }
    for (int64_t l = 0; l < levels; ++l) {
        d += mark[l];
        used[l] |= mark[l];
    }
    std::memset(mark, 0, size_t(levels));
    return d;
}

// The slice's sums as the pass made them, from r.sliceMetrics (which keeps them exactly).
inline Acc accOf(const SliceMetrics::Sums& v)
{
    Acc a;
    a.count = v.count;
    a.nonfinite = v.nonfinite;
    a.clipLow = v.clippedLow;
    a.clipHigh = v.clippedHigh;
    a.signal = v.signalPower;
    a.errSq = v.errorPower;
    a.errAbs = v.absError;
    a.errMax = v.maxAbsError;
    return a;
}

// The sample pass.written.values asks for: runs of kSampleRun elements, each quantized through
// scratch by quantizeRun(ctx, off, cnt, acc) (their sums, histograms and code marks dropped: the
// pass makes them again).
template <class C, class QuantizeRun>
void sampleRunsThrough(const Pass<C>& pass, const CancelToken* cancel, QuantizeRun&& quantizeRun)
{
    ValueObserver& values = *pass.written.values;
    const int64_t n = pass.t.numel(), runs = (n + kSampleRun - 1) / kSampleRun;
    const int64_t k = values.sampleStride(runs, n);
    if (k == 0)
        return;
    std::vector<uint8_t> marks(size_t(threadCount()) * size_t(pass.codes.levels));
    parallelFor(sampledParts(runs, k), n >= kParallelMin, cancel, [&](int64_t j) {
        alignas(64) C codes[kSampleRun];
        alignas(64) float deq[kSampleRun];
        const int64_t off = sampledPart(j, k) * kSampleRun, cnt = std::min(kSampleRun, n - off);
        RunCtx<C> c = pass.ctxFor(marks.data() + size_t(threadId()) * size_t(pass.codes.levels));
        c.hist = nullptr;
        c.origin = off;
        c.x = pass.t.data.data() + off;
        c.codes = codes;
        c.deq = deq;
        Acc dropped;
        quantizeRun(c, off, cnt, dropped);
        values.sample(off, deq, cnt);
    });
    values.sampled();
}

// streamed_slices.cpp: the slices of a multi-slice pass whose outputs are off
// (pass.written.values shows them), for the layouts streamsOutputs accepts; sets each slice's
// metrics and returns the total, as runSlices does.
template <class C> Acc runStreamedSlices(const Pass<C>& pass, const CancelToken* cancel);

} // namespace qs::quantize_detail
