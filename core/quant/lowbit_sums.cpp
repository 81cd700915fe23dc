// Per-block sums of the low-bit results (see lowbit_sums.h): LowbitSlices takes each finished
// block from the formats (the sums of one block: lowbit_block_sums.cpp).
#include "core/quant/lowbit_sums.h"

#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include <omp.h>

namespace qs::quantize_detail {

LowbitBlocks::LowbitBlocks(const LowbitResult& lr)
{
    n = lr.numel();
    if (lr.blockSize > 0) {
        rowLength = lr.rowLength;
        blockSize = lr.blockSize;
        perRow = lr.blocksPerRow;
        count = lr.numBlocks();
    } else {
        rowLength = blockSize = n;
    }
}

namespace {

// Block b's representable range: the element values eLo..eHi times its scale, plus its offset.
void setBlockRange(QuantParams& p, int64_t b, float eLo, float eHi)
{
    const float sc = float(p.scale[size_t(b)]);
    float a = eLo * sc, c = eHi * sc;
    if (!p.offset.empty()) {
        a += float(p.offset[size_t(b)]);
        c += float(p.offset[size_t(b)]);
    }
    p.rangeMin[size_t(b)] = std::min(a, c);
    p.rangeMax[size_t(b)] = std::max(a, c);
}

// This thread's code mask of `masks` (one per thread of the team).
CodeMask& threadMask(std::vector<CodeMask>& masks)
{
    return masks[std::min(size_t(omp_get_thread_num()), masks.size() - 1)];
}

} // namespace

LowbitSlices::LowbitSlices(const float* x, Scheme scheme, QuantResult& r, Prepare prepare,
                           ValueObserver* values, bool windowed)
    : m_x(x), m_scheme(scheme), m_r(r), m_prepare(std::move(prepare)), m_values(values),
      m_windowed(windowed)
{
}

namespace {

StoredCodes codesOf(const LowbitOut& out, int64_t i)
{
    return out.narrow ? StoredCodes{out.codesAt<uint8_t>(i), true, out.codeOffset}
                      : StoredCodes{out.codesAt<uint16_t>(i), false, out.codeOffset};
}

} // namespace

namespace {

// The windows of the last windowed pass started on this thread, for the next one: no fresh
// pages to fault in for every tensor of a report.
std::vector<LowbitSlices::Window>& sparedWindows()
{
    static thread_local std::vector<LowbitSlices::Window> windows;
    return windows;
}

} // namespace

LowbitSlices::~LowbitSlices()
{
    if (!m_windows.empty())
        sparedWindows() = std::move(m_windows);
}

size_t LowbitSlices::slot() const
{
    return std::min(size_t(omp_get_thread_num()), m_unshown.size() - 1);
}

// The window's codes are two bytes each when the format's need two, else one (its first bytes).
LowbitOut LowbitSlices::outputs(const LowbitResult& lr, size_t slot) const
{
    const bool narrow = lr.codes.width() == 1;
    if (!m_windowed) {
        const void* codes = narrow ? static_cast<const void*>(lr.codes.raw8()) : lr.codes.raw16();
        return LowbitOut{const_cast<float*>(lr.dequantized.data()), const_cast<void*>(codes),
                         narrow, lr.codes.offset(), 0};
    }
    const Window& w = m_windows[slot];
    return LowbitOut{const_cast<float*>(w.values.data()), const_cast<uint16_t*>(w.codes.data()),
                     narrow, lr.codes.offset(), m_unshown[slot].first};
}

// Elements [first, end) of this thread's run continue it, or start a new one once the run so
// far is shown: the window holds the run.
LowbitOut LowbitSlices::window(const LowbitResult& lr, int64_t first, int64_t end)
{
    const size_t t = slot();
    Unshown& u = m_unshown[t];
    if (u.end != first)
        show(t);
    if (u.end == u.first)
        u.first = u.end = first;
    Window& w = m_windows[t];
    const size_t need = size_t(end - u.first);
    if (w.values.size() < need) {
        w.values.resize(need);
        w.codes.resize(need);
    }
    return outputs(lr, t);
}

// With more than 256 codes and no code array to count them from afterwards: the codes of the
// finite values of elements [first, end), flagged per thread.
void LowbitSlices::flagWideCodes(const LowbitOut& out, int64_t first, int64_t end, size_t slot)
{
    std::vector<uint8_t>& used = m_windows[slot].used;
    if (used.empty())
        used.assign(size_t(m_levels), 0);
    const int64_t qmin = m_r.params.qmin;
    for (int64_t i = first; i < end; ++i)
        if (std::isfinite(m_x[i])) {
            const int64_t k = int64_t(out.code(i)) - qmin;
            if (k >= 0 && k < m_levels)
                used[size_t(k)] = 1;
        }
}

std::pair<int64_t, int64_t> LowbitSlices::elementsOf(const LowbitResult& lr, int64_t first,
                                                     int64_t end) const
{
    if (!m_blockwise)
        return {first, end};
    const LowbitBlocks g(lr); // consecutive blocks cover consecutive elements
    return {g.start(first), g.start(end - 1) + g.size(end - 1)};
}

int64_t LowbitSlices::sampleStride(int64_t parts, int64_t n) const
{
    return m_values ? m_values->sampleStride(parts, n) : 0;
}

void LowbitSlices::sample(const LowbitResult& lr, int64_t first, int64_t end)
{
    const std::pair<int64_t, int64_t> e = elementsOf(lr, first, end);
    const size_t t = slot();
    m_values->sample(e.first, outputs(lr, t).valuesAt(e.first), e.second - e.first);
    m_unshown[t] = Unshown(); // the pass makes these elements again
}

void LowbitSlices::sampled()
{
    m_values->sampled();
}

void LowbitSlices::begin(const LowbitResult& lr)
{
    m_begun = true;
    QuantParams& p = m_r.params;
    m_prepare(lr, p);
    const LowbitBlocks g(lr);
    const size_t nb = size_t(g.count);
    m_blockwise = lr.blockSize > 0;
    m_eLo = std::numeric_limits<float>::infinity();
    m_eHi = -m_eLo;
    for (float v : p.codeValues)
        if (std::isfinite(v)) {
            m_eLo = std::min(m_eLo, v);
            m_eHi = std::max(m_eHi, v);
        }
    for (std::vector<double>* v : {&p.scale, &p.rangeMin, &p.rangeMax, &p.dataMin, &p.dataMax})
        v->resize(nb);
    p.offset.resize(lr.offsets.empty() ? 0 : nb);
    m_levels = p.qmax - p.qmin + 1;
    // Every block's share of the storage: the tensor's split per element.
    m_r.sliceMetrics.reset(nb, m_levels, lr.storage.times(1.0 / double(g.n)), StorageSplit());
    // Threads of a team never exceed the caller's maximum (nested teams have one thread).
    m_seen.assign(size_t(omp_get_max_threads()), CodeMask());
    m_unshown.assign(m_seen.size(), Unshown());
    if (m_windowed && m_windows.empty())
        m_windows = std::move(sparedWindows());
    if (m_windowed)
        m_windows.resize(m_seen.size());
    for (Window& w : m_windows)
        w.used.clear();
    m_lr = &lr;
    if (!m_blockwise) {
        p.scale[0] = 1.0;
        setBlockRange(p, 0, m_eLo, m_eHi);
        const size_t pieces = size_t((g.n + kLowbitPiece - 1) / kLowbitPiece);
        m_pieceSums.assign(pieces, SliceMetrics::Sums());
        m_pieceMin.assign(pieces, 0.0);
        m_pieceMax.assign(pieces, 0.0);
    }
}

void LowbitSlices::ready(const LowbitResult& lr, int64_t first, int64_t end)
{
    CodeMask& seen = threadMask(m_seen);
    if (!m_blockwise)
        pieceReady(lr, first, end, seen);
    else
        for (int64_t b = first; b < end; ++b)
            blockReady(lr, b, seen);
    const std::pair<int64_t, int64_t> e = elementsOf(lr, first, end);
    const size_t t = slot();
    if (m_windowed && m_levels > 256)
        flagWideCodes(outputs(lr, t), e.first, e.second, t);
    if (!m_values && !m_windowed)
        return;
    constexpr int64_t kShownRun = 16384;
    Unshown& u = m_unshown[t];
    if (u.end != e.first)
        show(t);
    if (u.end == u.first)
        u.first = e.first;
    u.end = e.second;
    if (u.end - u.first >= kShownRun)
        show(t);
}

void LowbitSlices::show(size_t slot)
{
    Unshown& u = m_unshown[slot];
    if (m_values && u.end > u.first)
        m_values->ready(u.first, outputs(*m_lr, slot).valuesAt(u.first), u.end - u.first);
    u = Unshown();
}

// Block b's scale (AbsmaxInt8: the decoder multiplies by absmax / 127), offset, ranges, sums.
void LowbitSlices::blockReady(const LowbitResult& lr, int64_t b, CodeMask& seen)
{
    QuantParams& p = m_r.params;
    const size_t bi = size_t(b);
    p.scale[bi] =
        m_scheme == Scheme::AbsmaxInt8 ? double(lr.scales[bi] / 127.0f) : double(lr.scales[bi]);
    if (!p.offset.empty())
        p.offset[bi] = lr.offsets[bi];
    setBlockRange(p, b, m_eLo, m_eHi);
    const LowbitBlocks g(lr);
    const int64_t off = g.start(b);
    const LowbitOut out = outputs(lr, slot());
    m_r.sliceMetrics.set(bi, blockSums(m_x + off, out.valuesAt(off), codesOf(out, off), g.size(b),
                                       p.rangeMin[bi], p.rangeMax[bi], p.qmin, m_levels,
                                       p.dataMin[bi], p.dataMax[bi], seen));
}

void LowbitSlices::pieceReady(const LowbitResult& lr, int64_t first, int64_t end, CodeMask& seen)
{
    const QuantParams& p = m_r.params;
    const size_t k = size_t(first / kLowbitPiece);
    const LowbitOut out = outputs(lr, slot());
    m_pieceSums[k] =
        blockSums(m_x + first, out.valuesAt(first), codesOf(out, first), end - first, p.rangeMin[0],
                  p.rangeMax[0], p.qmin, m_levels, m_pieceMin[k], m_pieceMax[k], seen);
}

// The one slice of an element-wise format: its pieces in order.
void LowbitSlices::mergePieces()
{
    QuantParams& p = m_r.params;
    SliceMetrics::Sums total;
    double dmin = std::numeric_limits<double>::infinity(), dmax = -dmin;
    for (size_t k = 0; k < m_pieceSums.size(); ++k) {
        addSums(total, m_pieceSums[k]);
        if (m_pieceSums[k].count > 0) {
            dmin = std::min(dmin, m_pieceMin[k]);
            dmax = std::max(dmax, m_pieceMax[k]);
        }
    }
    CodeMask all;
    for (const CodeMask& m : m_seen)
        all.add(m);
    total.levelsUsed = m_levels <= 256 ? all.count() : 0;
    p.dataMin[0] = total.count > 0 ? dmin : 0.0;
    p.dataMax[0] = total.count > 0 ? dmax : 0.0;
    m_r.sliceMetrics.set(0, total);
}

// A format that did not report its parts: all of them now (the sample first).
void LowbitSlices::partsAfterwards(const LowbitResult& lr)
{
    begin(lr);
    const int64_t parts =
        m_blockwise ? LowbitBlocks(lr).count : (lr.numel() + kLowbitPiece - 1) / kLowbitPiece;
    const int64_t size = m_blockwise ? 1 : kLowbitPiece, last = m_blockwise ? parts : lr.numel();
    if (const int64_t k = sampleStride(parts, lr.numel())) {
        for (int64_t j = 0; j < sampledParts(parts, k); ++j) {
            const int64_t i = sampledPart(j, k);
            sample(lr, i * size, std::min(last, (i + 1) * size));
        }
        sampled();
    }
#pragma omp parallel for schedule(static) if (m_blockwise ? parts >= 256 : parts > 1)
    for (int64_t k = 0; k < parts; ++k)
        ready(lr, k * size, std::min(last, (k + 1) * size));
}

int64_t LowbitSlices::finish(const LowbitResult& lr)
{
    if (!m_begun && m_windowed) // nothing but the format's reports keeps lent windows' parts
        throw std::logic_error("a low-bit format did not report the parts it made");
    if (!m_begun)
        partsAfterwards(lr);
    m_lr = &lr; // the result the format returned (it may have been moved since begin())
    for (size_t t = 0; t < m_unshown.size(); ++t) // the threads' last runs
        show(t);
    if (!m_blockwise)
        mergePieces();
    if (m_windowed && m_levels > 256) {
        std::vector<uint8_t> any(size_t(m_levels), 0);
        for (const Window& w : m_windows)
            for (size_t k = 0; k < w.used.size(); ++k)
                any[k] |= w.used[k];
        return std::count(any.begin(), any.end(), uint8_t(1));
    }
    CodeMask all;
    for (const CodeMask& m : m_seen)
        all.add(m);
    return m_levels <= 256 ? all.count() : -1;
}

} // namespace qs::quantize_detail
