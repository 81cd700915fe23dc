// The integer pass over many slices when the caller turns the codes and dequantized values off
// (QuantOutputs): the values are made in per-thread scratch and shown to the ValueObserver in
// parts of consecutive elements, and nothing the size of the tensor is written.
// - Slices that follow each other in memory (per channel along the first axis, per group along
//   the last): each batch of slices is one range of elements, quantized slice by slice into a
//   scratch buffer that is shown when full.
// - Strided slices (per channel along the last axis, groups along a leading axis): a part must
//   be whole rows, so the pass walks windows of kTransposeRows rows of a band of neighbouring
//   slices, the band's batches side by side through the transposed tiles of the written pass;
//   each window's values are collected row by row and shown before the next window (stochastic
//   rounding draws by flat index: quantized in place into the window, tile by tile).
// - Per channel along a middle axis: windows of whole blocks [o, :, :] (run o of every channel),
//   each channel's runs in order, the channels over the threads.
// Every kernel call covers the elements it covers when the outputs are written (a slice's
// pieces start at whole chunks of it; the same tiles), so every sum is the same bit for bit.
#include "core/quant/integer_pass.h"
#include "core/quant/strided_tiles.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace qs::quantize_detail {

namespace {

// Elements per scratch piece: whole kernel chunks, small enough to stay in the first-level
// cache (as the per-tensor pass's scratch).
constexpr int64_t kPiece = 4 * kChunk;
// Elements per part a window shows: parts start at multiples of it, as showValues's do.
constexpr int64_t kShowPart = int64_t(1) << 15;
// The largest window of a strided pass, and the largest code flags of its band's slices; more
// when the two together take at most half the codes and values they spare (a wide tensor of many
// rows).
constexpr int64_t kMaxWindowBytes = int64_t(16) << 20;
constexpr int64_t kMaxBandFlagBytes = int64_t(16) << 20;

// Slices whose elements, slice after slice and run after run, are the tensor in order.
bool sequentialSlices(const SliceLayout& l)
{
    return (l.kind == Granularity::PerChannel && l.outer == 1) ||
           (l.kind == Granularity::PerGroup && l.inner == 1);
}

// The first element and the count of slice s of a sequential layout (one run).
std::pair<int64_t, int64_t> runOf(const SliceLayout& l, int64_t s)
{
    std::pair<int64_t, int64_t> run{0, 0};
    l.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t) { run = {off, cnt}; });
    return run;
}

// Strided slices as bands: band b holds slices [b * width, (b + 1) * width), neighbours, each
// one run of `rows` elements `width` apart; the band is elements [first, first + rows * width).
struct Bands {
    int64_t width = 1, count = 0;

    explicit Bands(const SliceLayout& l)
        : width(l.kind == Granularity::PerChannel ? l.len : l.inner), count(l.numSlices() / width)
    {
    }
    std::pair<int64_t, int64_t> firstAndRows(const SliceLayout& l, int64_t b) const
    {
        std::pair<int64_t, int64_t> run{0, 0};
        l.forEachRun(b * width, [&](int64_t off, int64_t cnt, int64_t) { run = {off, cnt}; });
        return run;
    }
};

// Shows the n values of xhat, elements [first, first + n), in parts that end at multiples of
// kShowPart, over the threads.
void showWindow(ValueObserver& values, int64_t first, const float* xhat, int64_t n,
                const CancelToken* cancel)
{
    const int64_t p0 = first / kShowPart, p1 = (first + n + kShowPart - 1) / kShowPart;
    parallelFor<true>(p1 - p0, n >= kParallelMin, cancel, [&](int64_t j) {
        const int64_t a = std::max(first, (p0 + j) * kShowPart);
        const int64_t b = std::min(first + n, (p0 + j + 1) * kShowPart);
        values.ready(a, xhat + (a - first), b - a);
    });
}

// ---- Slices that follow each other ----------------------------------------------------------

// The sample the observer asks for (runs as showValues makes them), quantized slice by slice.
template <class C> void sampleSequential(const Pass<C>& pass, const CancelToken* cancel)
{
    const SliceLayout& l = pass.p.layout;
    sampleRunsThrough(pass, cancel, [&](RunCtx<C>& c, int64_t off, int64_t cnt, Acc& dropped) {
        for (int64_t i = off; i < off + cnt;) {
            const int64_t s = l.sliceOf(i);
            const auto [first, size] = runOf(l, s);
            const int64_t end = std::min(off + cnt, first + size);
            pass.kernel(c, pass.sliceQ(s), i, end - i, 1, dropped);
            i = end;
        }
    });
}

// Scratch of one batch of sequential slices: codes and values of elements [first, first + fill).
template <class C> struct Scratch {
    alignas(64) C codes[kPiece];
    alignas(64) float deq[kPiece];
    int64_t first = 0, fill = 0;

    void show(ValueObserver* values)
    {
        if (values && fill > 0)
            values->ready(first, deq, fill);
        first += fill;
        fill = 0;
    }
};

// Slices [s0, s1) of a sequential layout into scratch, shown as it fills; a slice that fits is
// never split, so its codes are there to clear its marks. levelsUsed[s - s0]: its codes used.
template <class C>
void streamBatch(const Pass<C>& pass, int64_t s0, int64_t s1, uint8_t* markBase, uint8_t* used,
                 Acc* acc)
{
    const int64_t levels = pass.codes.levels;
    ValueObserver* values = pass.written.values;
    Scratch<C> sc;
    sc.first = runOf(pass.p.layout, s0).first;
    for (int64_t s = s0; s < s1; ++s) {
        uint8_t* mark = markBase + size_t(s - s0) * size_t(levels);
        const SliceQ q = pass.sliceQ(s);
        const auto [off, m] = runOf(pass.p.layout, s);
        if (m <= kPiece && sc.fill + m > kPiece)
            sc.show(values);
        for (int64_t p = 0; p < m;) {
            int64_t take = std::min(m - p, kPiece - sc.fill);
            if (take < m - p)
                take -= take % kChunk; // pieces of a slice start at whole chunks of it
            if (take == 0) {
                sc.show(values);
                continue;
            }
            RunCtx<C> c = pass.ctxFor(mark);
            c.origin = sc.first; // scratch[0] holds element `first`
            c.x = pass.t.data.data() + sc.first;
            c.codes = sc.codes;
            c.deq = sc.deq;
            pass.kernel(c, q, off + p, take, 1, acc[s - s0]);
            sc.fill += take;
            p += take;
        }
        const int64_t d =
            takeSliceMarks(pass, s, mark, used, m <= kPiece ? sc.codes : nullptr, sc.first);
        pass.r.sliceMetrics.set(size_t(s), sumsOf(acc[s - s0], d));
    }
    sc.show(values);
}

// Sequential slices in the batches of the written pass (runSlices), totals in the same order.
template <class C> Acc runSequential(const Pass<C>& pass, const CancelToken* cancel)
{
    const int64_t ns = pass.p.numSlices();
    if (pass.written.values)
        sampleSequential(pass, cancel);
    const SliceBatches batches(ns, false, std::min(kMaxBatch, pass.codes.batchSize));
    std::vector<Acc> batchTotals(static_cast<size_t>(batches.count));
    batches.run(pass.t.numel() >= kParallelMin, cancel, [&](int64_t bi, int64_t s0, int64_t s1) {
        const size_t tid = size_t(threadId());
        Acc acc[kMaxBatch];
        streamBatch(pass, s0, s1, pass.codes.marksOf(tid), pass.codes.usedBy(tid), acc);
        for (int64_t s = s0; s < s1; ++s)
            batchTotals[size_t(bi)].add(acc[s - s0]);
    });
    return combineInOrder(batchTotals);
}

// ---- Strided slices ----------------------------------------------------------------------------

// One window: rows [r0, r0 + rows) of band `band`.
struct Window {
    int64_t band = 0, r0 = 0, rows = 0;
};

// The state of a strided pass: per slice of the band being walked its sums and code flags (the
// band's tiles are walked in order, each by any thread), and the window's values row by row.
// Stochastic rounding draws by flat index, so its slices are quantized in place, tile by tile as
// the written pass does (forEachTile), into the window's values and codes.
template <class C> struct StridedStream {
    const Pass<C>& pass;
    Bands bands;
    int64_t batch; // slices per batch of a band
    bool inPlace;  // stochastic rounding
    std::vector<Acc> acc;
    std::vector<uint8_t> flags;
    std::vector<float> window;
    std::vector<C> windowCodes; // in place only

    explicit StridedStream(const Pass<C>& p)
        : pass(p), bands(p.p.layout), batch(std::min(kMaxBatch, p.codes.batchSize)),
          inPlace(p.config.rounding == Rounding::Stochastic), acc(size_t(bands.width)),
          flags(size_t(bands.width) * size_t(p.codes.levels), 0),
          window(p.written.values || inPlace ? windowSize() : 0),
          windowCodes(inPlace ? windowSize() : 0)
    {
    }
    size_t windowSize() const
    {
        return size_t(std::min(kTransposeRows, rowsOfBand(0)) * bands.width);
    }
    void quantizeInPlace(const Window& w, const StridedBatch& b, int64_t j0);
    int64_t rowsOfBand(int64_t b) const { return bands.firstAndRows(pass.p.layout, b).second; }
    int64_t batchesPerBand() const { return (bands.width + batch - 1) / batch; }
    std::vector<Window> windows() const;
    void sample(const CancelToken* cancel);
    void quantizeBatch(const Window& w, int64_t bi);
    void finishSlice(int64_t s, const TransposeTile<C>& tile, int64_t k, int64_t m);
    void run(const CancelToken* cancel);
};

template <class C> std::vector<Window> StridedStream<C>::windows() const
{
    std::vector<Window> list;
    for (int64_t b = 0; b < bands.count; ++b) {
        const int64_t rows = rowsOfBand(b);
        for (int64_t r0 = 0; r0 < rows; r0 += kTransposeRows)
            list.push_back({b, r0, std::min(kTransposeRows, rows - r0)});
    }
    return list;
}

// The sample: parts are (window, batch) blocks, quantized through a tile as the pass does and
// shown row by row; sums, histograms and code marks dropped.
template <class C> void StridedStream<C>::sample(const CancelToken* cancel)
{
    ValueObserver& values = *pass.written.values;
    const std::vector<Window> list = windows();
    const int64_t perWindow = batchesPerBand(), parts = int64_t(list.size()) * perWindow;
    const int64_t n = pass.t.numel(), k = values.sampleStride(parts, n);
    if (k == 0)
        return;
    std::vector<uint8_t> marks(size_t(threadCount()) * size_t(pass.codes.levels));
    parallelFor(sampledParts(parts, k), n >= kParallelMin, cancel, [&](int64_t j) {
        const int64_t part = sampledPart(j, k);
        const Window& w = list[size_t(part / perWindow)];
        const int64_t s0 = w.band * bands.width + (part % perWindow) * batch;
        const int64_t s1 = std::min((w.band + 1) * bands.width, s0 + batch);
        const StridedBatch b(pass.p.layout, s0, s1);
        TransposeTile<C>& tile = TransposeTile<C>::forThisThread();
        RunCtx<C> c = pass.ctxFor(marks.data() + size_t(threadId()) * size_t(pass.codes.levels));
        c.hist = nullptr;
        Acc dropped;
        if (inPlace) { // element by element at its flat index: a row of the batch at a time
            for (int64_t r = 0; r < w.rows; ++r) {
                const int64_t first = b.offs[0] + (w.r0 + r) * b.strides[0];
                for (int64_t i = 0; i < b.slices; ++i) {
                    c.origin = first + i;
                    c.x = pass.t.data.data() + c.origin;
                    c.codes = &tile.codeRows[0][i];
                    c.deq = &tile.deqRows[0][i];
                    pass.kernel(c, pass.sliceQ(s0 + i), c.origin, 1, 1, dropped);
                }
                values.sample(first, tile.deqRows[0], b.slices);
            }
            return;
        }
        tile.load(b, w.r0, w.rows, pass.t.data.data());
        for (int64_t i = 0; i < b.slices; ++i) {
            c.x = tile.x[i];
            c.codes = tile.codes[i];
            c.deq = tile.deq[i];
            pass.kernel(c, pass.sliceQ(s0 + i), 0, w.rows, 1, dropped);
        }
        tile.storeValues(b, w.rows, tile.deqRows[0], kMaxBatch);
        for (int64_t r = 0; r < w.rows; ++r)
            values.sample(b.offs[0] + (w.r0 + r) * b.strides[0], tile.deqRows[r], b.slices);
    });
    values.sampled();
}

// The last tile of slice s (row k of the tile, m elements): its codes counted from the tile
// when they are few, or from its flags, and its metrics set.
template <class C>
void StridedStream<C>::finishSlice(int64_t s, const TransposeTile<C>& tile, int64_t k, int64_t m)
{
    const int64_t levels = pass.codes.levels, j = s % bands.width;
    uint8_t* mark = flags.data() + size_t(j) * size_t(levels);
    uint8_t* used = pass.codes.usedBy(size_t(threadId()));
    int64_t d = 0;
    if (!inPlace && rowsOfBand(s / bands.width) == m && m * 4 < levels) { // all in the tile
        for (int64_t r = 0; r < m; ++r) {
            if (!std::isfinite(tile.x[k][r]))
                continue;
            const C code = tile.codes[k][r];
            d += mark[code];
            used[code] |= mark[code];
            mark[code] = 0;
        }
    } else {
        d = takeSliceMarks(pass, s, mark, used, static_cast<const C*>(nullptr), 0);
    }
    pass.r.sliceMetrics.set(size_t(s), sumsOf(acc[size_t(j)], d));
    acc[size_t(j)] = Acc();
}

// Batch bi of window w: its tile quantized into the slices' sums and flags, its values into
// the window's rows (when they are shown).
template <class C> void StridedStream<C>::quantizeBatch(const Window& w, int64_t bi)
{
    const int64_t levels = pass.codes.levels, j0 = bi * batch;
    const int64_t s0 = w.band * bands.width + j0, s1 = s0 + std::min(batch, bands.width - j0);
    const StridedBatch b(pass.p.layout, s0, s1);
    TransposeTile<C>& tile = TransposeTile<C>::forThisThread();
    if (inPlace) {
        quantizeInPlace(w, b, j0);
        return;
    }
    tile.load(b, w.r0, w.rows, pass.t.data.data());
    for (int64_t k = 0; k < b.slices; ++k) {
        RunCtx<C> c = pass.ctxFor(flags.data() + size_t(j0 + k) * size_t(levels));
        c.x = tile.x[k];
        c.codes = tile.codes[k];
        c.deq = tile.deq[k];
        pass.kernel(c, pass.sliceQ(s0 + k), 0, w.rows, 1, acc[size_t(j0 + k)]);
        if (w.r0 + w.rows == b.cnts[k])
            finishSlice(s0 + k, tile, k, w.rows);
    }
    if (pass.written.values)
        tile.storeValues(b, w.rows, window.data() + j0, bands.width);
}

// The tiles of forEachTile (kTileRows rows of each slice in turn) within window w, for the
// batch's slices j0 + k of the band; a slice's last tile finishes it.
template <class C>
void StridedStream<C>::quantizeInPlace(const Window& w, const StridedBatch& b, int64_t j0)
{
    const int64_t levels = pass.codes.levels, s0 = w.band * bands.width + j0;
    TransposeTile<C>& tile = TransposeTile<C>::forThisThread(); // not read: finishSlice's argument
    // Codes and values at their places in the window, whose first element is `origin`.
    RunCtx<C> c = pass.ctxFor(nullptr);
    c.origin = bands.firstAndRows(pass.p.layout, w.band).first + w.r0 * bands.width;
    c.x = pass.t.data.data() + c.origin;
    c.codes = windowCodes.data();
    c.deq = window.data();
    for (int64_t r0 = w.r0; r0 < w.r0 + w.rows; r0 += kTileRows)
        for (int64_t k = 0; k < b.slices; ++k) {
            if (r0 >= b.cnts[k])
                continue;
            const int64_t m = std::min({kTileRows, b.cnts[k] - r0, w.r0 + w.rows - r0});
            c.mark = flags.data() + size_t(j0 + k) * size_t(levels);
            pass.kernel(c, pass.sliceQ(s0 + k), b.offs[k] + r0 * b.strides[k], m, b.strides[k],
                        acc[size_t(j0 + k)]);
            if (r0 + m == b.cnts[k])
                finishSlice(s0 + k, tile, k, m);
        }
}

template <class C> void StridedStream<C>::run(const CancelToken* cancel)
{
    ValueObserver* values = pass.written.values;
    if (values)
        sample(cancel);
    const bool parallel = pass.t.numel() >= kParallelMin;
    for (const Window& w : windows()) {
        parallelFor<true>(batchesPerBand(), parallel, cancel,
                          [&](int64_t bi) { quantizeBatch(w, bi); });
        if (!values)
            continue;
        const int64_t first = bands.firstAndRows(pass.p.layout, w.band).first;
        showWindow(*values, first + w.r0 * bands.width, window.data(), w.rows * bands.width,
                   cancel);
    }
}

// Strided slices: every slice's metrics set by the stream, the total summed in the batches of
// the written pass (runSlices) and in their order.
// The total of the slices' sums (set in r.sliceMetrics, which keeps them exactly) in the
// batches of the written pass (runSlices; `tiled` for strided slices) and in their order.
template <class C> Acc totalInBatches(const Pass<C>& pass, bool tiled)
{
    const SliceBatches batches(pass.p.numSlices(), tiled,
                               std::min(kMaxBatch, pass.codes.batchSize));
    Acc total;
    for (int64_t bi = 0; bi < batches.count; ++bi) {
        Acc bt;
        for (int64_t s = bi * batches.size; s < std::min(batches.slices, (bi + 1) * batches.size);
             ++s)
            bt.add(accOf(pass.r.sliceMetrics.sums(size_t(s))));
        total.add(bt);
    }
    return total;
}

template <class C> Acc runStrided(const Pass<C>& pass, const CancelToken* cancel)
{
    StridedStream<C>(pass).run(cancel);
    return totalInBatches(pass, true);
}

// ---- Per channel along a middle axis ---------------------------------------------------------

// Channels of an axis with others before and after it: channel s is `outer` runs of `inner`
// elements, run o at o * len * inner + s * inner, so the block of elements [o * len * inner,
// (o + 1) * len * inner) holds run o of every channel.
bool middleSlices(const SliceLayout& l)
{
    return l.kind == Granularity::PerChannel && l.outer > 1 && l.inner > 1;
}

// Elements per window of a middle-axis pass: as many whole blocks as fit (at least one).
constexpr int64_t kMiddleWindow = int64_t(1) << 20;

int64_t middleWindowBlocks(const SliceLayout& l)
{
    return std::clamp<int64_t>(kMiddleWindow / (l.len * l.inner), 1, l.outer);
}

// A window of blocks at a time: each channel's runs in it quantized in order (one kernel call a
// run, as the written pass makes them) into the window's codes and values, the channels over
// the threads; the window shown before the next. Each channel's sums and code flags carry over
// from window to window, and its metrics are set after the last.
template <class C> Acc runMiddle(const Pass<C>& pass, const CancelToken* cancel)
{
    const SliceLayout& l = pass.p.layout;
    const int64_t len = l.len, inner = l.inner, block = len * inner, levels = pass.codes.levels;
    ValueObserver* values = pass.written.values;
    if (values)
        sampleRunsThrough(pass, cancel, [&](RunCtx<C>& c, int64_t off, int64_t cnt, Acc& dropped) {
            for (int64_t i = off; i < off + cnt;) {
                const int64_t end = std::min(off + cnt, (i / inner + 1) * inner);
                pass.kernel(c, pass.sliceQ((i / inner) % len), i, end - i, 1, dropped);
                i = end;
            }
        });
    const int64_t blocks = middleWindowBlocks(l);
    std::vector<Acc> acc(static_cast<size_t>(len));
    std::vector<uint8_t> flags(size_t(len) * size_t(levels), 0);
    std::vector<C> codes(size_t(blocks * block));
    std::vector<float> window(codes.size());
    const bool parallel = pass.t.numel() >= kParallelMin;
    for (int64_t o0 = 0; o0 < l.outer; o0 += blocks) {
        const int64_t o1 = std::min(l.outer, o0 + blocks), origin = o0 * block;
        parallelFor(len, parallel, cancel, [&](int64_t s) {
            RunCtx<C> c = pass.ctxFor(flags.data() + size_t(s) * size_t(levels));
            c.origin = origin;
            c.x = pass.t.data.data() + origin;
            c.codes = codes.data();
            c.deq = window.data();
            const SliceQ q = pass.sliceQ(s);
            for (int64_t o = o0; o < o1; ++o)
                pass.kernel(c, q, o * block + s * inner, inner, 1, acc[size_t(s)]);
        });
        if (values)
            showWindow(*values, origin, window.data(), (o1 - o0) * block, cancel);
    }
    parallelFor(len, parallel, cancel, [&](int64_t s) {
        const int64_t d = takeSliceMarks(pass, s, flags.data() + size_t(s) * size_t(levels),
                                         pass.codes.usedBy(size_t(threadId())),
                                         static_cast<const C*>(nullptr), 0);
        pass.r.sliceMetrics.set(size_t(s), sumsOf(acc[size_t(s)], d));
    });
    return totalInBatches(pass, false);
}

} // namespace

template <class C> Acc runStreamedSlices(const Pass<C>& pass, const CancelToken* cancel)
{
    if (sequentialSlices(pass.p.layout))
        return runSequential(pass, cancel);
    if (middleSlices(pass.p.layout))
        return runMiddle(pass, cancel);
    return runStrided(pass, cancel);
}

template Acc runStreamedSlices(const Pass<uint8_t>&, const CancelToken*);
template Acc runStreamedSlices(const Pass<uint16_t>&, const CancelToken*);

bool streamsOutputs(const QuantConfig& config, const std::vector<int64_t>& shape)
{
    if (!config.isInteger())
        return config.scheme == Scheme::FP16 || config.scheme == Scheme::BF16;
    if (config.granularity == Granularity::PerTensor)
        return true;
    const SliceLayout l = makeSliceLayout(shape, config.granularity, config.axis, config.groupSize);
    if (l.numSlices() == 1 || sequentialSlices(l))
        return true;
    const int64_t levels = config.qmax() - config.qmin() + 1, n = shapeProduct(shape);
    const int64_t codeBytes = CodeBuffer::widthFor(storedCodeSpan(config.qmin(), config.qmax()));
    const int64_t spared = n * (int64_t(sizeof(float)) + codeBytes);
    int64_t window = 0, flags = 0;
    if (middleSlices(l)) {
        window = middleWindowBlocks(l) * l.len * l.inner * (int64_t(sizeof(float)) + codeBytes);
        flags = l.len * levels;
    } else {
        if (!stridedSlices(l))
            return false;
        const int64_t width = Bands(l).width, perSlice = (n + l.numSlices() - 1) / l.numSlices();
        const bool inPlace = config.rounding == Rounding::Stochastic; // its codes too
        window = width * std::min(kTransposeRows, perSlice) *
                 (int64_t(sizeof(float)) + (inPlace ? codeBytes : 0));
        flags = width * levels;
    }
    return (window <= kMaxWindowBytes && flags <= kMaxBandFlagBytes) ||
           window + flags <= spared / 2;
}

} // namespace qs::quantize_detail
