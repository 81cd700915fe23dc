// Slices made of one strided run (columns of a matrix, groups along a leading axis): walking
// such slices one after the other misses the cache and the TLB, so the passes take up to
// kMaxBatch neighbouring slices together, tile by tile. Each slice still sees its elements in
// increasing order, so per-slice sums do not depend on the thread that runs the batch.
#pragma once

#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace qs::quantize_detail {

constexpr int64_t kTileRows = 64;       // elements of each slice per tile
constexpr int64_t kTransposeRows = 256; // the same for quantizeTransposed

// True when every slice is one run with a stride > 1.
bool stridedSlices(const SliceLayout& l);

// The runs of strided slices [s0, s1) (at most kMaxBatch, one run each). block: neighbouring
// columns of equal length (offsets s - s0 apart, one stride): a row of the batch is contiguous.
struct StridedBatch {
    int64_t slices = 0, maxCnt = 0;
    int64_t offs[kMaxBatch] = {}, cnts[kMaxBatch] = {}, strides[kMaxBatch] = {};
    bool block = true;

    StridedBatch(const SliceLayout& l, int64_t s0, int64_t s1);
};

// Calls f(s, offset, count, stride) for slices [s0, s1) of a strided layout in tiles of
// kTileRows elements: tile 0 of every slice, then tile 1, ...
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
void minMaxStrided(const SliceLayout& l, int64_t s0, int64_t s1, const float* x, MinMax* mm);

// Slice-major rows for the contiguous loop, and row-major copies of the tensor's rows, codes of
// type C: up to 320 KB per thread, on the heap (static TLS this big could keep threads with
// small stacks from starting).
template <class C> struct alignas(64) TransposeTile {
    static constexpr int64_t R = kTransposeRows;
    float x[kMaxBatch][R];
    C codes[kMaxBatch][R];
    float deq[kMaxBatch][R];
    float xRows[R][kMaxBatch];
    C codeRows[R][kMaxBatch];
    float deqRows[R][kMaxBatch];

    static TransposeTile& forThisThread();
    // Copies rows [r0, r0 + rows) of the batch's slices from x into x[k][r].
    void load(const StridedBatch& b, int64_t r0, int64_t rows, const float* src);
    // Copies codes[k][r] and deq[k][r] back to the tensor's positions.
    void store(const StridedBatch& b, int64_t r0, int64_t rows, C* codesOut, float* deqOut);
    // Copies rows [0, rows) of deq, of a block batch, into the rows of out, `stride` apart:
    // out[r * stride + k] = deq[k][r] (the values of a window of rows, codes not kept).
    void storeValues(const StridedBatch& b, int64_t rows, float* out, int64_t stride) const;
};

// Strided slices [s0, s1) (at most kMaxBatch) tile by tile as in forEachTile, through contiguous
// copies: each tile of up to kTransposeRows elements of every slice is copied into a row of its
// own, run(k, x, codes, deq, m) quantizes row k (slice s0 + k, m elements) there with the
// contiguous loop, and the codes and dequantized values are copied back. Single strided loads
// and stores cost the vector loop several nanoseconds each; the copies walk the tensor a row at
// a time (whole row pieces when the batch is a block of neighbouring columns).
template <class C, class F>
void quantizeTransposed(const SliceLayout& l, int64_t s0, int64_t s1, const float* x, C* codes,
                        float* deq, F&& run)
{
    constexpr int64_t R = kTransposeRows;
    TransposeTile<C>& tile = TransposeTile<C>::forThisThread();
    const StridedBatch b(l, s0, s1);
    for (int64_t r0 = 0; r0 < b.maxCnt; r0 += R) {
        const int64_t rows = std::min(R, b.maxCnt - r0);
        tile.load(b, r0, rows, x);
        for (int64_t k = 0; k < b.slices; ++k) {
            const int64_t m = std::min(R, b.cnts[k] - r0);
            if (m > 0)
                run(k, tile.x[k], tile.codes[k], tile.deq[k], m);
        }
        tile.store(b, r0, rows, codes, deq);
    }
}

} // namespace qs::quantize_detail
