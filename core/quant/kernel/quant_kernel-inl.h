// quant_kernel-inl.h: the fused quantize loop of the integer pass. The files generated from
// kernel_build.cpp.in include it once per instruction set (base, AVX2, AVX-512) and width of
// codes, each inside that build's namespace, after the types it uses (quantize_internal.h: Acc,
// SliceQ, RunCtx, ScaleMode, kChunk); deliberately without include guard. No FMA contraction
// (-ffp-contract=off): every build gives the same codes and values.

// splitmix64 finaliser: a counter-based generator, u depends only on (seed, index).
inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

inline double uniformAt(uint64_t seed, int64_t i)
{
    const uint64_t h =
        mix64(mix64(seed + 0x9E3779B97F4A7C15ull) ^ (uint64_t(i) * 0xD1B54A32D192ED03ull));
    return double(h >> 11) * 0x1.0p-53;
}

// Rounds v, already clamped so |v| < 2^31: the integer casts below are exact and defined.
template <Rounding R> inline double roundClamped(double v, double u)
{
    if constexpr (R == Rounding::HalfEven) {
        // Adding 1.5 * 2^52 leaves no fraction bits; the FPU's default round-to-nearest-even
        // does the rounding (1.5 * 2^52 is even, so the parity of the result is kept).
        return (v + 0x1.8p52) - 0x1.8p52;
    } else if constexpr (R == Rounding::Truncate) {
        return double(int32_t(v));
    } else if constexpr (R == Rounding::Floor) {
        const double t = double(int32_t(v));
        return t > v ? t - 1.0 : t;
    } else if constexpr (R == Rounding::HalfAway) {
        const double t = double(int32_t(v));
        const double d = v - t; // exact
        return d >= 0.5 ? t + 1.0 : (d <= -0.5 ? t - 1.0 : t);
    } else if constexpr (R == Rounding::HalfUp) {
        const double t = double(int32_t(v));
        const double f = t > v ? t - 1.0 : t;
        return v - f >= 0.5 ? f + 1.0 : f;
    } else { // Stochastic: floor(v) + (u < frac(v))
        const double t = double(int32_t(v));
        const double f = t > v ? t - 1.0 : t;
        return u < v - f ? f + 1.0 : f;
    }
}

// The fused loop over one run of a slice: quantize, clamp, dequantize, measure, mark codes.
// Clamping v to [lo1, hi1] (one code beyond the range) before rounding gives the same codes as
// rounding first, because every rule is monotone and keeps integers; it also keeps the casts
// defined. An element counts as clipped when its rounded code lay outside [qmin, qmax].
// The first loop of each chunk has no branches (non-finite values are handled by selects) so
// that it vectorises; `omp simd` lets the sums use one accumulator per lane, a fixed order for
// a given build. Code usage is marked in a second, scalar loop.
struct ChunkSums {
    int64_t count = 0, clipLow = 0, clipHigh = 0;
    double errSq = 0, errAbs = 0, errMax = 0, signal = 0;
};

// Code (as a double, clamped to [qmin, qmax]) and dequantized value of a finite x at flat index
// i; low / high tell whether the rounded code lay below qmin / above qmax.
template <Rounding R, bool Before, bool F32, ScaleMode M>
QS_ALWAYS_INLINE inline void quantizeOne(float xv, int64_t i, const SliceQ& p, uint64_t seed,
                                         double& r, float& dq, bool& low, bool& high)
{
    double v;
    if constexpr (F32) {
        float t = M != ScaleMode::Divide ? xv * p.invf : xv / p.sf; // reciprocal: invf = s'
        if constexpr (!Before)
            t += p.zf;
        v = t;
    } else {
        double t = M != ScaleMode::Divide ? double(xv) * p.inv : double(xv) / p.s;
        if constexpr (!Before)
            t += p.z;
        v = t;
    }
    v = v > p.lo1 ? v : p.lo1; // NaN -> lo1: no undefined cast below
    v = v < p.hi1 ? v : p.hi1;
    r = roundClamped<R>(v, R == Rounding::Stochastic ? uniformAt(seed, i) : 0.5);
    if constexpr (Before)
        r += p.z;
    low = r < p.qmin;
    high = r > p.qmax;
    r = low ? p.qmin : (high ? p.qmax : r);
    if constexpr (M == ScaleMode::ReciprocalScale)
        dq = (float(int32_t(r)) - p.zf) / p.deqDiv;
    else if constexpr (F32)
        dq = p.sf * (float(int32_t(r)) - p.zf);
    else
        dq = float(p.s * (r - p.z));
}

// The two bin rules of HistCtx::jointCounts in float32 (both floatFast) and the row size, as
// countJoint reads them.
struct JointRules {
    float vlo = 0, vnorm = 1, vcap = 1, vmargin = 0, vupper = 1;
    float elo = 0, enorm = 1, ecap = 1, emargin = 0, eupper = 1;
    int32_t vzero = -1, ezero = -1, rowSize = 0;

    JointRules() = default;
    explicit JointRules(const HistCtx& h)
        : vlo(h.value->lof), vnorm(h.value->normf), vcap(h.value->capf), vmargin(h.value->marginf),
          vupper(h.value->upperf), elo(h.error->lof), enorm(h.error->normf), ecap(h.error->capf),
          emargin(h.error->marginf), eupper(h.error->upperf), vzero(h.value->zeroBin),
          ezero(h.error->zeroBin), rowSize(h.jointStride)
    {
    }
};

// The joint counter of a finite value v with dequantized value dq and stored code `code`, both
// bins by the float32 fast path (as slotLoop), branch-free; -1 when either histogram needs the
// exact rule. e == 0 in float32 exactly when v == dq, so a zero error.
QS_ALWAYS_INLINE inline int32_t jointSlot(float v, float dq, int32_t code, const JointRules& j)
{
    float t = (v - j.vlo) * j.vnorm;
    t = t > 0.0f ? t : 0.0f;
    t = t < j.vcap ? t : j.vcap;
    const int32_t b = int32_t(t);
    const float f = t - float(b);
    float e = v;
    e -= dq;
    float te = (e - j.elo) * j.enorm;
    te = te > 0.0f ? te : 0.0f;
    te = te < j.ecap ? te : j.ecap;
    const int32_t eb = int32_t(te);
    const float fe = te - float(eb);
    // Off the fast path: the bins of a zero value and of a zero error.
    int32_t vb = v == 0.0f ? j.vzero : -1;
    vb = ((f >= j.vmargin) & (f <= j.vupper)) ? b : vb;
    int32_t ev = e == 0.0f ? j.ezero : -1;
    ev = ((fe >= j.emargin) & (fe <= j.eupper)) ? eb : ev;
    return (vb | ev) >= 0 ? (vb + code) * j.rowSize + ev : -1;
}

// Element j of a chunk: its stored code (code - qmin) written at codes[cj], its dequantized
// value at deq[j], x^ returned; low / high say whether it was clipped below qmin / above qmax.
template <Rounding R, bool Before, bool F32, ScaleMode M, class C>
QS_ALWAYS_INLINE inline float encodeAt(float xv, int64_t j, int64_t base, const SliceQ& q,
                                       uint64_t seed, C* QS_RESTRICT codes, int64_t cj,
                                       float* QS_RESTRICT deq, bool& low, bool& high)
{
    double r;
    float dq;
    quantizeOne<R, Before, F32, M>(xv, base + j, q, seed, r, dq, low, high);
    codes[cj] = C(int32_t(r - q.qmin));
    deq[j] = dq;
    return dq;
}

#if defined(QS_KERNEL_AVX2) && QS_KERNEL_AVX2
#include "core/quant/kernel/divide_chunk_avx2-inl.h"
#define QS_DIVIDE_CHUNK_AVX2 1
#else
#define QS_DIVIDE_CHUNK_AVX2 0
#endif

// One chunk of m elements, `stride` apart (1 when Contig), starting at flat index `base`.
// The loop assumes finite inputs and has no branches, so it vectorises; `omp simd` gives the
// sums one accumulator per lane (a fixed order for a given build). A non-finite input makes
// the sum of x^2 non-finite: then the chunk is redone by the scalar loop, which handles
// NaN / Inf. Returns the sums.
template <Rounding R, bool Before, bool F32, ScaleMode M, bool Contig, class C>
QS_ALWAYS_INLINE inline void chunkLoop(const float* QS_RESTRICT x, C* QS_RESTRICT codes,
                                       float* QS_RESTRICT deq, int64_t m, int64_t stride,
                                       int64_t base, const SliceQ& p, uint64_t seed, ChunkSums& out)
{
    const int64_t st = Contig ? 1 : stride;
    const SliceQ q = p;
    // One-byte codes: the vector loop writes them as 16-bit values to `wide`, narrowed after it,
    // so that its lanes, and the order of its sums, are the same for both code types.
    constexpr bool narrow = sizeof(C) == 1;
    alignas(64) uint16_t wide[narrow ? kChunk : 1];
    uint16_t* QS_RESTRICT vc;
    if constexpr (narrow)
        vc = wide;
    else
        vc = codes;
#if QS_DIVIDE_CHUNK_AVX2
    if constexpr (R == Rounding::HalfEven && !Before && !F32 && M == ScaleMode::Divide && Contig) {
        if (m % 8 == 0 && divideChunkAvx2<R, Before, F32, M>(x, vc, deq, m, base, q, out)) {
            if constexpr (narrow)
                for (int64_t k = 0; k < m; ++k)
                    codes[k] = C(wide[k]);
            return;
        }
    }
#endif
    int64_t clipLow = 0, clipHigh = 0;
    double errSq = 0, errAbs = 0, errMax = 0, signal = 0;
#pragma omp simd reduction(+ : clipLow, clipHigh, errSq, errAbs, signal) reduction(max : errMax)
    for (int64_t k = 0; k < m; ++k) {
        const int64_t j = k * st;
        const float xv = x[j];
        bool low, high;
        const float dq =
            encodeAt<R, Before, F32, M>(xv, j, base, q, seed, vc, narrow ? k : j, deq, low, high);
        const double xd = double(xv);
        const double e = xd - double(dq);
        const double ae = std::fabs(e);
        clipLow += low;
        clipHigh += high;
        errSq += e * e;
        errAbs += ae;
        errMax = ae > errMax ? ae : errMax;
        signal += xd * xd;
    }
    if (std::isfinite(signal)) {
        if constexpr (narrow)
            for (int64_t k = 0; k < m; ++k)
                codes[k * st] = C(wide[k]);
        out.count = m;
        out.clipLow = clipLow;
        out.clipHigh = clipHigh;
        out.errSq = errSq;
        out.errAbs = errAbs;
        out.errMax = errMax;
        out.signal = signal;
        return;
    }
    ChunkSums cs;
    for (int64_t k = 0; k < m; ++k) {
        const int64_t j = k * st;
        const float xv = x[j];
        if (!std::isfinite(xv)) {
            codes[j] = C(std::isnan(xv) ? q.nanRaw : (xv > 0 ? int32_t(q.qmax - q.qmin) : 0));
            deq[j] = xv;
            continue;
        }
        bool low, high;
        const float dq =
            encodeAt<R, Before, F32, M>(xv, j, base, q, seed, codes, j, deq, low, high);
        const double e = double(xv) - double(dq);
        ++cs.count;
        cs.clipLow += low;
        cs.clipHigh += high;
        cs.errSq += e * e;
        cs.errAbs += std::fabs(e);
        cs.errMax = std::max(cs.errMax, std::fabs(e));
        cs.signal += double(xv) * double(xv);
    }
    out = cs;
}

// Histogram slots of one chunk by the fast path (core/stats/histogram_rule.h), in a branch-free
// loop that vectorises: slot b of element k is counted at 4 * b + k % 4 (HistCtx), so that runs of
// equal bins do not wait on each other; -1 marks a value the exact rule must place (on or next
// to an edge, outside the range, non-finite). Error: of x - x^, else of x.
// AddCode (value slots of a contiguous run only): 4 * (b + code) + k % 4, the counter of the
// pair (code, bin) in HistCtx::fineCounts.
// The loop of slotIndices in arithmetic T: float32 (rule.floatFast: x - x^ rounds by at most
// 2^-24 of the error, within marginf, see histogram_rule.h) or double.
template <class T, bool Error, bool Contig, bool AddCode, class C>
QS_ALWAYS_INLINE inline void slotLoop(const float* QS_RESTRICT x, const float* QS_RESTRICT deq,
                                      const C* QS_RESTRICT codes, int64_t m, int64_t stride, T lo,
                                      T norm, T cap, T margin, T upper, int32_t* QS_RESTRICT idx)
{
    const int64_t st = Contig ? 1 : stride;
#pragma omp simd
    for (int64_t k = 0; k < m; ++k) {
        T v = T(x[k * st]);
        if constexpr (Error)
            v -= T(deq[k * st]);
        // Clamped to [0, bins]: below lo, NaN and t >= bins give a fraction 0 < margin and
        // take the exact path (this form of the selects vectorises; a mask of t does not).
        T t = (v - lo) * norm;
        t = t > T(0) ? t : T(0);
        t = t < cap ? t : cap;
        const int32_t b = int32_t(t);
        const T f = t - T(b);
        const int32_t fast = (f >= margin) & (f <= upper);
        const int32_t slot = AddCode ? b + int32_t(codes[k]) : b;
        idx[k] = fast ? 4 * slot + int32_t(k & 3) : -1;
    }
}

template <bool Error, bool Contig, bool AddCode = false, class C>
QS_ALWAYS_INLINE inline void slotIndices(const float* QS_RESTRICT x, const float* QS_RESTRICT deq,
                                         const C* QS_RESTRICT codes, int64_t m, int64_t stride,
                                         const detail::BinRule& rule, int32_t* QS_RESTRICT idx)
{
    static_assert(!AddCode || (Contig && !Error), "code-bin pairs are for value slots");
    if (rule.floatFast)
        slotLoop<float, Error, Contig, AddCode>(x, deq, codes, m, stride, rule.lof, rule.normf,
                                                rule.capf, rule.marginf, rule.upperf, idx);
    else
        slotLoop<double, Error, Contig, AddCode>(x, deq, codes, m, stride, rule.lo, rule.norm,
                                                 rule.cap, rule.margin, rule.upper, idx);
}

// The counter of element k of a chunk that slotIndices left to the exact rule (kept out of line:
// the counting loop takes it for a few values in a thousand).
template <bool Error>
QS_NOINLINE int32_t exactSlot(const float* x, const float* deq, int64_t k, int64_t stride,
                              const detail::BinRule& rule)
{
    double v = double(x[k * stride]);
    if constexpr (Error)
        v -= double(deq[k * stride]);
    return 4 * rule.exact(v) + int32_t(k & 3);
}

// Marks the codes used by the finite elements of a chunk and counts its histogram slots.
template <bool V, bool E, bool AllFinite, class C>
QS_ALWAYS_INLINE inline void countSlots(const float* x, const float* deq, const C* codes, int64_t m,
                                        int64_t stride, uint8_t* QS_RESTRICT mark,
                                        const int32_t* vi, const int32_t* ei, const HistCtx* h)
{
    int64_t* const vc = V ? h->valueCounts : nullptr;
    int64_t* const ec = E ? h->errorCounts : nullptr;
    for (int64_t k = 0; k < m; ++k) {
        if (AllFinite || std::isfinite(x[k * stride]))
            mark[codes[k * stride]] = 1;
        if constexpr (V) {
            const int32_t b = vi[k];
            ++vc[b >= 0 ? b : exactSlot<false>(x, deq, k, stride, *h->value)];
        }
        if constexpr (E) {
            const int32_t b = ei[k];
            ++ec[b >= 0 ? b : exactSlot<true>(x, deq, k, stride, *h->error)];
        }
    }
}

// A contiguous chunk of finite values with HistCtx::fineCounts: one counter per element for its
// code and value bin together (no separate mark of the code), then the error slot.
template <bool E, class C>
QS_ALWAYS_INLINE inline void countFine(const float* x, const float* deq, const C* codes, int64_t m,
                                       const HistCtx* h)
{
    int32_t vi[kChunk], ei[E ? kChunk : 1];
    slotIndices<false, true, true>(x, deq, codes, m, 1, *h->value, vi);
    if constexpr (E)
        slotIndices<true, true>(x, deq, codes, m, 1, *h->error, ei);
    int64_t* const fc = h->fineCounts;
    int64_t* const ec = E ? h->errorCounts : nullptr;
    for (int64_t k = 0; k < m; ++k) {
        const int32_t b = vi[k];
        ++fc[b >= 0 ? b : exactSlot<false>(x, deq, k, 1, *h->value) + 4 * int32_t(codes[k])];
        if constexpr (E) {
            const int32_t e = ei[k];
            ++ec[e >= 0 ? e : exactSlot<true>(x, deq, k, 1, *h->error)];
        }
    }
}

// A contiguous chunk of finite values with HistCtx::jointCounts: one counter per element for its
// code, value bin and error bin together (jointSlot, in a loop of their own that vectorises); the
// few elements next to a bin edge take the exact rules and the separate counters (fineCounts,
// errorCounts). Those lie at random places in the chunk, so the counting loop has no branch on
// them: it counts them in a spare counter and lists them, and they are placed after it
// (BinRule::exactNearEdge: no branch on which side of the edge they lie either).
template <class C>
QS_ALWAYS_INLINE inline void countJoint(const float* QS_RESTRICT x, const float* QS_RESTRICT deq,
                                        const C* QS_RESTRICT codes, int64_t m, const HistCtx* h)
{
    const JointRules jr(*h);
    alignas(64) int32_t ji[kChunk];
#pragma omp simd
    for (int64_t k = 0; k < m; ++k)
        ji[k] = jointSlot(x[k], deq[k], int32_t(codes[k]), jr);
    uint32_t* const jc = h->jointCounts;
    uint32_t spare = 0;
    int32_t nearEdge[kChunk];
    int64_t n = 0;
    for (int64_t k = 0; k < m; ++k) {
        const int32_t j = ji[k];
        nearEdge[n] = int32_t(k);
        n += j < 0;
        ++*(j >= 0 ? jc + j : &spare);
    }
    for (int64_t i = 0; i < n; ++i) {
        const int64_t k = nearEdge[i];
        const double v = double(x[k]), e = v - double(deq[k]);
        const int32_t lane = int32_t(k & 3);
        ++h->fineCounts[4 * (h->value->exactNearEdge(v) + int32_t(codes[k])) + lane];
        ++h->errorCounts[4 * h->error->exactNearEdge(e) + lane];
    }
}

template <bool V, bool E, class C>
QS_ALWAYS_INLINE inline void markAndCount(const float* x, const float* deq, const C* codes,
                                          int64_t m, int64_t stride, bool allFinite, uint8_t* mark,
                                          const HistCtx* h)
{
    if constexpr (V) {
        if (h->fineCounts && allFinite && stride == 1) {
            if constexpr (E) {
                if (h->jointCounts) {
                    countJoint(x, deq, codes, m, h);
                    return;
                }
            }
            countFine<E>(x, deq, codes, m, h);
            return;
        }
    }
    int32_t vi[V ? kChunk : 1], ei[E ? kChunk : 1];
    if constexpr (V) {
        if (stride == 1)
            slotIndices<false, true>(x, deq, codes, m, 1, *h->value, vi);
        else
            slotIndices<false, false>(x, deq, codes, m, stride, *h->value, vi);
    }
    if constexpr (E) {
        if (stride == 1)
            slotIndices<true, true>(x, deq, codes, m, 1, *h->error, ei);
        else
            slotIndices<true, false>(x, deq, codes, m, stride, *h->error, ei);
    }
    if (allFinite)
        countSlots<V, E, true>(x, deq, codes, m, stride, mark, vi, ei, h);
    else
        countSlots<V, E, false>(x, deq, codes, m, stride, mark, vi, ei, h);
}

// What follows a chunk's quantize loop: the marks of the codes used and the histogram counts. It
// does not depend on the rounding rule or the scale arithmetic, so each build compiles it once per
// width of codes rather than inside each of runKernel's instantiations (a call per chunk of
// kChunk elements costs nothing measurable; the six builds compile in less than half the time).
template <class C>
[[gnu::noinline]] void countChunk(const float* x, const float* deq, const C* codes, int64_t m,
                                  int64_t stride, bool allFinite, uint8_t* mark, const HistCtx* h)
{
    if (h && h->value && h->error)
        markAndCount<true, true>(x, deq, codes, m, stride, allFinite, mark, h);
    else if (h && h->value)
        markAndCount<true, false>(x, deq, codes, m, stride, allFinite, mark, h);
    else if (h && h->error)
        markAndCount<false, true>(x, deq, codes, m, stride, allFinite, mark, h);
    else if (allFinite)
        for (int64_t k = 0; k < m; ++k)
            mark[codes[k * stride]] = 1;
    else
        for (int64_t k = 0; k < m; ++k)
            if (std::isfinite(x[k * stride]))
                mark[codes[k * stride]] = 1;
}

// The run in chunks: the vectorised loop, then the marking of the codes used and the counting.
template <Rounding R, bool Before, bool F32, ScaleMode M, class C>
void runKernel(const RunCtx<C>& c, const SliceQ& p, int64_t off, int64_t cnt, int64_t stride,
               Acc& a)
{
    for (int64_t c0 = 0; c0 < cnt; c0 += kChunk) {
        const int64_t m = std::min(kChunk, cnt - c0);
        const int64_t base = off + c0 * stride; // flat index (stochastic rounding draws by it)
        const int64_t at = base - c.origin;     // index into c.x, c.codes, c.deq
        ChunkSums cs;
        if (stride == 1)
            chunkLoop<R, Before, F32, M, true>(c.x + at, c.codes + at, c.deq + at, m, 1, base, p,
                                               c.seed, cs);
        else
            chunkLoop<R, Before, F32, M, false>(c.x + at, c.codes + at, c.deq + at, m, stride, base,
                                                p, c.seed, cs);
        countChunk<C>(c.x + at, c.deq + at, c.codes + at, m, stride, cs.count == m, c.mark, c.hist);
        a.count += cs.count;
        a.nonfinite += m - cs.count;
        a.clipLow += cs.clipLow;
        a.clipHigh += cs.clipHigh;
        a.errSq += cs.errSq;
        a.errAbs += cs.errAbs;
        a.errMax = std::max(a.errMax, cs.errMax);
        a.signal += cs.signal;
    }
}

// Min and max of x[0, n) when every value is finite; returns false (and the caller takes the
// scalar path that skips NaN / Inf) otherwise. v * 0 is NaN exactly for NaN and +-Inf, so the
// probe sum tells whether a non-finite value was seen without a branch in the loop.
inline bool minMaxFinite(const float* QS_RESTRICT x, int64_t n, float& lo, float& hi)
{
    float l = std::numeric_limits<float>::infinity(), h = -l, probe = 0;
#pragma omp simd reduction(min : l) reduction(max : h) reduction(+ : probe)
    for (int64_t k = 0; k < n; ++k) {
        const float v = x[k];
        l = v < l ? v : l;
        h = v > h ? v : h;
        probe += v * 0.0f;
    }
    lo = l;
    hi = h;
    return probe == 0.0f;
}
