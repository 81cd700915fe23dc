// Batches of strided slices: their runs, min / max and the contiguous copies (strided_tiles.h).
#include "core/quant/strided_tiles.h"

namespace qs::quantize_detail {

bool stridedSlices(const SliceLayout& l)
{
    if (l.kind == Granularity::PerChannel)
        return l.inner == 1 && l.outer > 1;
    return l.kind == Granularity::PerGroup && l.inner > 1;
}

StridedBatch::StridedBatch(const SliceLayout& l, int64_t s0, int64_t s1) : slices(s1 - s0)
{
    for (int64_t s = s0; s < s1; ++s)
        l.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
            offs[s - s0] = off;
            cnts[s - s0] = cnt;
            strides[s - s0] = stride;
            maxCnt = std::max(maxCnt, cnt);
        });
    for (int64_t k = 1; k < slices; ++k)
        block = block && offs[k] == offs[0] + k && cnts[k] == cnts[0] && strides[k] == strides[0];
}

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

template <class C> TransposeTile<C>& TransposeTile<C>::forThisThread()
{
    static thread_local std::unique_ptr<TransposeTile> buffers;
    if (!buffers)
        buffers = std::make_unique<TransposeTile>();
    return *buffers;
}

template <class C>
void TransposeTile<C>::load(const StridedBatch& b, int64_t r0, int64_t rows, const float* src)
{
    const int64_t nb = b.slices;
    if (b.block) {
        for (int64_t r = 0; r < rows; ++r)
            std::memcpy(xRows[r], src + b.offs[0] + (r0 + r) * b.strides[0],
                        size_t(nb) * sizeof(float));
        for (int64_t k = 0; k < nb; ++k)
            for (int64_t r = 0; r < rows; ++r)
                x[k][r] = xRows[r][k];
        return;
    }
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t k = 0; k < nb; ++k)
            if (r0 + r < b.cnts[k])
                x[k][r] = src[b.offs[k] + (r0 + r) * b.strides[k]];
}

template <class C>
void TransposeTile<C>::store(const StridedBatch& b, int64_t r0, int64_t rows, C* codesOut,
                             float* deqOut)
{
    const int64_t nb = b.slices;
    if (b.block) {
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t k = 0; k < nb; ++k) {
                codeRows[r][k] = codes[k][r];
                deqRows[r][k] = deq[k][r];
            }
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t i = b.offs[0] + (r0 + r) * b.strides[0];
            std::memcpy(codesOut + i, codeRows[r], size_t(nb) * sizeof(C));
            std::memcpy(deqOut + i, deqRows[r], size_t(nb) * sizeof(float));
        }
        return;
    }
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t k = 0; k < nb; ++k)
            if (r0 + r < b.cnts[k]) {
                const int64_t i = b.offs[k] + (r0 + r) * b.strides[k];
                codesOut[i] = codes[k][r];
                deqOut[i] = deq[k][r];
            }
}

template <class C>
void TransposeTile<C>::storeValues(const StridedBatch& b, int64_t rows, float* out,
                                   int64_t stride) const
{
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t k = 0; k < b.slices; ++k)
            out[r * stride + k] = deq[k][r];
}

template struct TransposeTile<uint8_t>;
template struct TransposeTile<uint16_t>;

} // namespace qs::quantize_detail
