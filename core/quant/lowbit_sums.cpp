// Per-block sums of the low-bit results (see lowbit_sums.h).
#include "core/quant/lowbit_sums.h"

#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include <omp.h>

#if defined(__GNUC__) && defined(__x86_64__)
#define QS_SUMS_AVX2 1
#include <immintrin.h>
#else
#define QS_SUMS_AVX2 0
#endif

namespace qs::quantize_detail {

namespace {

// The portable loop: element after element.
template <class C>
SliceMetrics::Sums blockSumsPortable(const float* x, const float* xh, const C* raw,
                                     int32_t codeOffset, int64_t cnt, double lo, double hi,
                                     int64_t qmin, int64_t levels, double& dataMin, double& dataMax,
                                     CodeMask& seen)
{
    Acc a;
    double dmin = std::numeric_limits<double>::infinity(), dmax = -dmin;
    CodeMask small; // this block's codes when levels <= 256
    thread_local std::vector<int32_t> used;
    used.clear();
    for (int64_t i = 0; i < cnt; ++i) {
        const float v = x[i];
        if (!std::isfinite(v))
            continue;
        a.addPair(v, xh[i]);
        a.clipLow += v < lo;
        a.clipHigh += v > hi;
        dmin = std::min(dmin, double(v));
        dmax = std::max(dmax, double(v));
        const int32_t code = codeOffset + int32_t(raw[i]);
        const int64_t k = int64_t(code) - qmin;
        if (levels <= 256) {
            if (k >= 0 && k < 256)
                small.set(k);
        } else {
            used.push_back(code);
        }
    }
    a.nonfinite = cnt - a.count;
    int64_t levelsUsed = 0;
    if (levels <= 256) {
        levelsUsed = small.count();
        seen.add(small);
    } else {
        std::sort(used.begin(), used.end());
        levelsUsed = std::unique(used.begin(), used.end()) - used.begin();
    }
    dataMin = a.count > 0 ? dmin : 0.0;
    dataMax = a.count > 0 ? dmax : 0.0;
    return sumsOf(a, levelsUsed);
}

#if QS_SUMS_AVX2

int popcount4(__m128 m)
{
    return __builtin_popcount(unsigned(_mm_movemask_ps(m)));
}

// Flags in `mask` the codes of the finite x (those within 256 codes of qmin), four elements
// per step: each code's bit is ORed into the lane of its 64-bit word, no branch, no memory
// dependency. OneWord: at most 64 codes.
template <bool OneWord, class C>
__attribute__((target("avx2"))) void markCodes(const float* x, const C* raw, int32_t codeOffset,
                                               int64_t cnt, int64_t qmin, CodeMask& mask)
{
    const __m256i one = _mm256_set1_epi64x(1), low6 = _mm256_set1_epi64x(63);
    const __m256i shift = _mm256_set1_epi64x(int64_t(codeOffset) - qmin);
    const __m128i exponent = _mm_set1_epi32(0x7f800000);
    const __m256i zero = _mm256_setzero_si256();
    __m256i w[4] = {zero, zero, zero, zero};
    int64_t i = 0;
    for (; i + 4 <= cnt; i += 4) {
        __m256i k;
        if constexpr (sizeof(C) == 1) {
            int32_t four;
            std::memcpy(&four, raw + i, sizeof four);
            k = _mm256_add_epi64(_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(four)), shift);
        } else {
            const __m128i c16 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(raw + i));
            k = _mm256_add_epi64(_mm256_cvtepu16_epi64(c16), shift);
        }
        const __m128i xb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
        const __m128i nonfinite = _mm_cmpeq_epi32(_mm_and_si128(xb, exponent), exponent);
        const __m256i inRange = _mm256_cmpeq_epi64(_mm256_srli_epi64(k, OneWord ? 6 : 8), zero);
        const __m256i use = _mm256_andnot_si256(_mm256_cvtepi32_epi64(nonfinite), inRange);
        const __m256i bit =
            _mm256_and_si256(_mm256_sllv_epi64(one, _mm256_and_si256(k, low6)), use);
        if constexpr (OneWord) {
            w[0] = _mm256_or_si256(w[0], bit);
        } else {
            const __m256i word = _mm256_srli_epi64(k, 6);
            for (int j = 0; j < 4; ++j)
                w[j] = _mm256_or_si256(
                    w[j], _mm256_and_si256(bit, _mm256_cmpeq_epi64(word, _mm256_set1_epi64x(j))));
        }
    }
    for (int j = 0; j < 4; ++j) {
        uint64_t lanes[4];
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes), w[j]);
        mask.bits[j] |= lanes[0] | lanes[1] | lanes[2] | lanes[3];
    }
    for (; i < cnt; ++i) { // the last cnt % 4 elements
        const int64_t k = int64_t(codeOffset) + raw[i] - qmin;
        if (std::isfinite(x[i]) && k >= 0 && k < (OneWord ? 64 : 256))
            mask.set(k);
    }
}

// The running sums of blockSumsAvx2, four double lanes each.
struct SumLanes {
    __m256d sq, ab, mx, sg, mn, mxv;
};

__attribute__((target("avx2"))) inline SumLanes emptyLanes()
{
    const __m256d inf = _mm256_set1_pd(std::numeric_limits<double>::infinity());
    const __m256d zero = _mm256_setzero_pd();
    return {zero, zero, zero, zero, inf, _mm256_sub_pd(zero, inf)};
}

// Four elements into `s`: the finite ones masked in.
__attribute__((target("avx2"), always_inline)) inline void
addFour(const float* x, const float* xh, __m128 lo4, __m128 hi4, SumLanes& s, SliceMetrics::Sums& v)
{
    const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    const __m128 inf = _mm_set1_ps(std::numeric_limits<float>::infinity());
    const __m256d absMaskD = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d infD = _mm256_set1_pd(std::numeric_limits<double>::infinity());
    const __m128 xf = _mm_loadu_ps(x), hf = _mm_loadu_ps(xh);
    const __m128 finite = _mm_cmplt_ps(_mm_and_ps(xf, absMask), inf); // false for NaN
    const int bits = _mm_movemask_ps(finite);
    v.count += __builtin_popcount(unsigned(bits));
    v.clippedLow += popcount4(_mm_and_ps(_mm_cmplt_ps(xf, lo4), finite));
    v.clippedHigh += popcount4(_mm_and_ps(_mm_cmpgt_ps(xf, hi4), finite));
    const __m256d keep = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_castps_si128(finite)));
    const __m256d xd = _mm256_cvtps_pd(xf);
    const __m256d e = _mm256_and_pd(_mm256_sub_pd(xd, _mm256_cvtps_pd(hf)), keep);
    const __m256d ae = _mm256_and_pd(e, absMaskD);
    const __m256d xk = _mm256_and_pd(xd, keep);
    s.sq = _mm256_add_pd(s.sq, _mm256_mul_pd(e, e));
    s.ab = _mm256_add_pd(s.ab, ae);
    s.mx = _mm256_max_pd(s.mx, ae);
    s.sg = _mm256_add_pd(s.sg, _mm256_mul_pd(xk, xk));
    s.mn = _mm256_min_pd(s.mn, _mm256_blendv_pd(infD, xd, keep));
    s.mxv =
        _mm256_max_pd(s.mxv, _mm256_blendv_pd(_mm256_sub_pd(_mm256_setzero_pd(), infD), xd, keep));
}

// Eight elements per step in two independent sets of lanes (the adds' latency, not their
// count, bounds one set), the finite ones masked in; the sets and lanes summed at the end.
// Requires levels <= 256 (the code mask; levelsUsed counts its bits).
template <class C>
__attribute__((target("avx2"))) SliceMetrics::Sums
blockSumsAvx2(const float* x, const float* xh, const C* codes, int32_t codeOffset, int64_t cnt,
              float lo, float hi, int64_t qmin, int64_t levels, double& dataMin, double& dataMax,
              CodeMask& mask)
{
    if (levels <= 64)
        markCodes<true, C>(x, codes, codeOffset, cnt, qmin, mask);
    else
        markCodes<false, C>(x, codes, codeOffset, cnt, qmin, mask);
    const __m128 lo4 = _mm_set1_ps(lo), hi4 = _mm_set1_ps(hi);
    SumLanes a = emptyLanes(), b = emptyLanes();
    SliceMetrics::Sums v;
    int64_t i = 0;
    for (; i + 8 <= cnt; i += 8) {
        addFour(x + i, xh + i, lo4, hi4, a, v);
        addFour(x + i + 4, xh + i + 4, lo4, hi4, b, v);
    }
    if (i + 4 <= cnt) {
        addFour(x + i, xh + i, lo4, hi4, a, v);
        i += 4;
    }
    double t[6][4];
    const __m256d parts[6] = {_mm256_add_pd(a.sq, b.sq), _mm256_add_pd(a.ab, b.ab),
                              _mm256_max_pd(a.mx, b.mx), _mm256_add_pd(a.sg, b.sg),
                              _mm256_min_pd(a.mn, b.mn), _mm256_max_pd(a.mxv, b.mxv)};
    for (int p = 0; p < 6; ++p)
        _mm256_storeu_pd(t[p], parts[p]);
    v.errorPower = t[0][0] + t[0][1] + t[0][2] + t[0][3];
    v.absError = t[1][0] + t[1][1] + t[1][2] + t[1][3];
    v.maxAbsError = std::max({t[2][0], t[2][1], t[2][2], t[2][3]});
    v.signalPower = t[3][0] + t[3][1] + t[3][2] + t[3][3];
    double dmin = std::min({t[4][0], t[4][1], t[4][2], t[4][3]});
    double dmax = std::max({t[5][0], t[5][1], t[5][2], t[5][3]});
    for (; i < cnt; ++i) { // the last cnt % 4 elements
        const float xv = x[i];
        if (!std::isfinite(xv))
            continue;
        const double e = double(xv) - double(xh[i]);
        ++v.count;
        v.errorPower += e * e;
        v.absError += std::fabs(e);
        v.maxAbsError = std::max(v.maxAbsError, std::fabs(e));
        v.signalPower += double(xv) * double(xv);
        v.clippedLow += xv < lo;
        v.clippedHigh += xv > hi;
        dmin = std::min(dmin, double(xv));
        dmax = std::max(dmax, double(xv));
    }
    v.nonfinite = cnt - v.count;
    v.levelsUsed = mask.count(); // popcnt here, a library call in the baseline build
    dataMin = v.count > 0 ? dmin : 0.0;
    dataMax = v.count > 0 ? dmax : 0.0;
    return v;
}

bool hasAvx2()
{
    static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
    return has;
}

#endif

} // namespace

namespace {

template <class C>
SliceMetrics::Sums blockSumsOf(const float* x, const float* xh, const C* codes, int32_t codeOffset,
                               int64_t cnt, double lo, double hi, int64_t qmin, int64_t levels,
                               double& dataMin, double& dataMax, CodeMask& seen)
{
#if QS_SUMS_AVX2
    if (levels <= 256 && hasAvx2()) {
        CodeMask small;
        SliceMetrics::Sums v = blockSumsAvx2(x, xh, codes, codeOffset, cnt, float(lo), float(hi),
                                             qmin, levels, dataMin, dataMax, small);
        seen.add(small);
        return v;
    }
#endif
    return blockSumsPortable(x, xh, codes, codeOffset, cnt, lo, hi, qmin, levels, dataMin, dataMax,
                             seen);
}

} // namespace

SliceMetrics::Sums blockSums(const float* x, const float* xh, const StoredCodes& codes, int64_t cnt,
                             double lo, double hi, int64_t qmin, int64_t levels, double& dataMin,
                             double& dataMax, CodeMask& seen)
{
    if (codes.narrow)
        return blockSumsOf(x, xh, static_cast<const uint8_t*>(codes.data), codes.offset, cnt, lo,
                           hi, qmin, levels, dataMin, dataMax, seen);
    return blockSumsOf(x, xh, static_cast<const uint16_t*>(codes.data), codes.offset, cnt, lo, hi,
                       qmin, levels, dataMin, dataMax, seen);
}

void addSums(SliceMetrics::Sums& total, const SliceMetrics::Sums& v)
{
    total.count += v.count;
    total.nonfinite += v.nonfinite;
    total.clippedLow += v.clippedLow;
    total.clippedHigh += v.clippedHigh;
    total.signalPower += v.signalPower;
    total.errorPower += v.errorPower;
    total.absError += v.absError;
    total.maxAbsError = std::max(total.maxAbsError, v.maxAbsError);
}

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
