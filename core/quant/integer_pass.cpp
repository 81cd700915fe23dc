// The fused pass of the integer schemes: codes, dequantized values, every metric and the
// requested histograms in one walk over the tensor (runInteger in quantize_internal.h).
#include "core/quant/integer_pass.h"
#include "core/quant/strided_tiles.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace qs::quantize_detail {

SliceQ makeSliceQ(double s, double z, const QuantConfig& config, int64_t qmin, int64_t qmax,
                  float recip)
{
    SliceQ p;
    p.s = s;
    p.z = z;
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
    p.nanRaw = uint16_t(int64_t(std::clamp(std::nearbyint(z), double(qmin), double(qmax))) - qmin);
    return p;
}

namespace {

// Elements per scratch piece of runThroughScratch: whole kernel chunks, small enough that the
// scratch codes and values stay in the first-level cache.
constexpr int64_t kScratch = 4 * kChunk;

// Elements [off, off + cnt) of one slice, with the outputs that are not written (pass.written)
// going to scratch, piece by piece. The pieces are whole chunks, which the kernel sums in
// order into `a` as it would in one call: the same sums, codes and histograms.
template <class C>
void runThroughScratch(const Pass<C>& pass, const RunCtx<C>& c, const SliceQ& q, int64_t off,
                       int64_t cnt, Acc& a)
{
    alignas(64) C codes[kScratch];
    alignas(64) float deq[kScratch];
    for (int64_t p = 0; p < cnt; p += kScratch) {
        RunCtx<C> piece = c;
        piece.origin = off + p;
        piece.x = c.x + piece.origin;
        piece.codes = pass.written.codes ? c.codes + piece.origin : codes;
        piece.deq = pass.written.dequantized ? c.deq + piece.origin : deq;
        pass.kernel(piece, q, off + p, std::min(kScratch, cnt - p), 1, a);
        if (pass.written.values)
            pass.written.values->ready(off + p, piece.deq, std::min(kScratch, cnt - p));
    }
}

// The sample pass.written.values asks for, quantized with slice q.
template <class C> void sampleRuns(const Pass<C>& pass, const SliceQ& q, const CancelToken* cancel)
{
    sampleRunsThrough(pass, cancel, [&](RunCtx<C>& c, int64_t off, int64_t cnt, Acc& dropped) {
        pass.kernel(c, q, off, cnt, 1, dropped);
    });
}

// One slice: blocks of kBlock elements summed in block order.
template <class C> Acc runWholeTensor(const Pass<C>& pass, const CancelToken* cancel)
{
    const int64_t n = pass.t.numel();
    const int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<Acc> blocks(nb);
    const SliceQ q0 = pass.sliceQ(0);
    if (pass.written.values)
        sampleRuns(pass, q0, cancel);
    parallelFor<true>(nb, n >= kParallelMin, cancel, [&](int64_t b) {
        const RunCtx<C> c = pass.ctxFor(pass.codes.usedBy(size_t(threadId())));
        const int64_t off = b * kBlock, cnt = std::min(kBlock, n - off);
        if (pass.written.codes && pass.written.dequantized && !pass.written.values)
            pass.kernel(c, q0, off, cnt, 1, blocks[b]);
        else
            runThroughScratch(pass, c, q0, off, cnt, blocks[b]);
    });
    const Acc total = combineInOrder(blocks);
    FusedHistograms* fused = pass.fused;
    if (fused && fused->jointRows > 0)
        fused->foldJointCounts();
    if (fused && fused->fineSums > 0)
        splitFineCounts(*fused, pass.kernel, q0, pass.config.seed, pass.p.dataMin[0],
                        pass.p.dataMax[0], pass.codes.levels, pass.codes.usedBy(0));
    return total;
}

// Slices [s0, s1) made of one strided run, tile by tile (strided_tiles.h). Stochastic
// rounding draws by flat index, so it quantizes in place; the others through contiguous copies.
template <class C>
void runStridedBatch(const Pass<C>& pass, int64_t s0, int64_t s1, uint8_t* markBase, Acc* acc)
{
    const int64_t levels = pass.codes.levels;
    const SliceLayout& layout = pass.p.layout;
    SliceQ sq[kMaxBatch];
    for (int64_t s = s0; s < s1; ++s)
        sq[s - s0] = pass.sliceQ(s);
    if (pass.config.rounding == Rounding::Stochastic) {
        forEachTile(layout, s0, s1, [&](int64_t s, int64_t off, int64_t cnt, int64_t stride) {
            const RunCtx<C> c = pass.ctxFor(markBase + size_t(s - s0) * size_t(levels));
            pass.kernel(c, sq[s - s0], off, cnt, stride, acc[s - s0]);
        });
        return;
    }
    quantizeTransposed(layout, s0, s1, pass.t.data.data(), rawCodes<C>(pass.r.codes),
                       pass.r.dequantized.data(),
                       [&](int64_t k, const float* xs, C* cs, float* ds, int64_t m) {
                           RunCtx<C> c = pass.ctxFor(markBase + size_t(k) * size_t(levels));
                           c.x = xs;
                           c.codes = cs;
                           c.deq = ds;
                           pass.kernel(c, sq[k], 0, m, 1, acc[k]);
                       });
}

// Slices [s0, s1) one after the other, run by run.
template <class C>
void runBatch(const Pass<C>& pass, int64_t s0, int64_t s1, uint8_t* markBase, Acc* acc)
{
    for (int64_t s = s0; s < s1; ++s) {
        const RunCtx<C> c = pass.ctxFor(markBase + size_t(s - s0) * size_t(pass.codes.levels));
        const SliceQ sq = pass.sliceQ(s);
        pass.p.layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
            pass.kernel(c, sq, off, cnt, stride, acc[s - s0]);
        });
    }
}

// Slices made of one strided run (columns, groups along a leading axis) are done B at a time,
// tile by tile, so that neighbouring slices share cache lines and pages. Other slices go G at
// a time (G from the slice count only). Each work item sums its slices in order, and the items
// are summed in order: the same totals on every run. Each slice's metrics are set on the
// worker that quantized it.
template <class C> Acc runSlices(const Pass<C>& pass, const CancelToken* cancel)
{
    if (!(pass.written.codes && pass.written.dequantized))
        return runStreamedSlices(pass, cancel);
    const int64_t ns = pass.p.numSlices(), levels = pass.codes.levels;
    const bool tiled = stridedSlices(pass.p.layout);
    const SliceBatches batches(ns, tiled, std::min(kMaxBatch, pass.codes.batchSize));
    std::vector<Acc> batchTotals(static_cast<size_t>(batches.count));
    batches.run(pass.t.numel() >= kParallelMin, cancel, [&](int64_t bi, int64_t s0, int64_t s1) {
        const size_t tid = size_t(threadId());
        uint8_t* markBase = pass.codes.marksOf(tid);
        Acc acc[kMaxBatch];
        if (tiled)
            runStridedBatch(pass, s0, s1, markBase, acc);
        else
            runBatch(pass, s0, s1, markBase, acc);
        for (int64_t s = s0; s < s1; ++s) {
            uint8_t* mark = markBase + size_t(s - s0) * size_t(levels);
            const int64_t d =
                takeSliceMarks(pass, s, mark, pass.codes.usedBy(tid), rawCodes<C>(pass.r.codes), 0);
            pass.r.sliceMetrics.set(size_t(s), sumsOf(acc[s - s0], d));
            batchTotals[size_t(bi)].add(acc[s - s0]);
        }
    });
    return combineInOrder(batchTotals);
}

} // namespace

void runInteger(const Tensor& t, const QuantConfig& config, QuantResult& r,
                const CancelToken* cancel, FusedHistograms* fused, bool paramsChecked,
                const QuantOutputs& written)
{
    const QuantParams& p = r.params;
    const int64_t ns = p.numSlices();
    const int nt = threadCount();
    const bool asym = config.scheme == Scheme::Asymmetric;
    const int64_t levelsTotal = int64_t(1) << config.storageBits();
    for (int64_t s = 0; s < ns && !paramsChecked; ++s)
        checkParams(p.scale[s], p.zeroPoint[s], config, s);
    CodeMarks codes(p.qmax - p.qmin + 1, ns, nt);
    if (fused)
        fused->prepare(nt);
    if (!(written.codes && written.dequantized) && !streamsOutputs(config, t.shape))
        throw Error("internal error: the integer pass cannot leave out the outputs of this pass");
    // Every slice's sums are set by runSlices.
    const int bits = config.storageBits(); // the stored codes' width
    r.sliceMetrics.reset(size_t(ns), levelsTotal, integerStorage(1, bits, 0, asym),
                         integerStorage(0, bits, 1, asym));
    const Acc total = withCodeType(p.qmin, p.qmax, [&](auto code) {
        using C = decltype(code);
        if (written.codes && (r.codes.size() != size_t(t.numel()) || !rawCodes<C>(r.codes)))
            throw Error("internal error: the result's codes are not sized for the pass");
        const Pass<C> pass{t, config, r, p, pickKernel<C>(config), fused, codes, written};
        return ns == 1 ? runWholeTensor(pass, cancel) : runSlices(pass, cancel);
    });
    r.metrics = finalize(total, t.numel(), bits, ns, asym, codes.levelsUsed(nt), levelsTotal);
    if (ns == 1)
        r.sliceMetrics.setWhole(r.metrics);
}

} // namespace qs::quantize_detail
