// Range estimation: min-max, exact numpy percentiles by selection, MSE-optimal clipping and
// the TensorRT entropy (KL) calibrator.
//
// Determinism: every pass over the data either computes order-free results (min, max, integer
// counts, selected order statistics) or cuts the data into fixed blocks of kBlock elements whose
// partial sums are combined in block order, so no result depends on the number of threads.
//
// Precision: values are float32; every statistic, candidate range and error sum is in double.
#include "core/range/range.h"

#include "core/base/float_order.h"
#include "core/base/pairwise_sum.h"
#include "core/base/parallel.h"
#include "core/range/calibrators.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace qs {
namespace {

constexpr int64_t kBlock = int64_t(1) << 16;       // unit of deterministic partial sums
constexpr int64_t kParallelMin = int64_t(1) << 15; // below this, passes run on one thread
constexpr int64_t kSmallSelect = int64_t(1) << 16; // below this, percentiles copy and select
constexpr int64_t kGatherLimit = int64_t(1) << 18; // selection gathers buckets up to this size

using detail::threadCount;
using detail::threadId;

using detail::bitsOf;
using detail::floatOf;

inline bool finiteF(float v)
{
    return (bitsOf(v) & 0x7f800000u) != 0x7f800000u;
}

using detail::checkValues;

inline void checkInput(const float* x, int64_t n, const char* what)
{
    checkValues(x, n, what);
}

[[noreturn]] void throwNoFinite(const char* what, int64_t n)
{
    throw Error(std::string(what) + ": none of the " + std::to_string(n) +
                " values is finite (all NaN or Inf)");
}

struct MinMaxCount {
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    int64_t count = 0;
};

// Min, max and number of the finite values (of |x| when `absolute`).
MinMaxCount scanMinMax(const float* x, int64_t n, bool absolute)
{
    MinMaxCount total;
    const int64_t nb = (n + kBlock - 1) / kBlock;
#pragma omp parallel if (n >= kParallelMin)
    {
        MinMaxCount local;
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nb; ++b) {
            const int64_t e = std::min(n, (b + 1) * kBlock);
            float lo = local.lo, hi = local.hi;
            int64_t c = 0;
#pragma omp simd reduction(min : lo) reduction(max : hi) reduction(+ : c)
            for (int64_t i = b * kBlock; i < e; ++i) {
                float v = x[i];
                if (absolute)
                    v = std::fabs(v);
                const bool ok = finiteF(v);
                c += ok;
                lo = (ok && v < lo) ? v : lo;
                hi = (ok && v > hi) ? v : hi;
            }
            local.lo = lo;
            local.hi = hi;
            local.count += c;
        }
#pragma omp critical(qs_range_minmax)
        {
            total.lo = std::min(total.lo, local.lo);
            total.hi = std::max(total.hi, local.hi);
            total.count += local.count;
        }
    }
    // -0.0 and +0.0 compare equal, so which one survives would depend on the order of the
    // threads: report zero as +0.0.
    total.lo += 0.0f;
    total.hi += 0.0f;
    return total;
}

// ---------------------------------------------------------------------------------------------
// Exact order statistics by radix selection on order-preserving 32-bit keys.
//
// A finite float maps to a key whose unsigned order is the numeric order (sign bit flipped for
// positives, all bits flipped for negatives; |x| simply drops the sign bit). One counting pass
// over the top 12 key bits finds the bucket of every wanted rank; buckets of at most
// kGatherLimit values are gathered and finished with nth_element, larger ones are refined by a
// counting pass over the next 10 bits (at most three levels: 12 + 10 + 10 bits). No sort of the
// whole array and no copy of it; the result is the exact k-th smallest value.

inline uint32_t keyOf(float v, bool absolute)
{
    return absolute ? bitsOf(v) & 0x7fffffffu : detail::orderKey(v);
}

inline float valueOfKey(uint32_t k, bool absolute)
{
    return absolute ? floatOf(k) : detail::fromOrderKey(k);
}

// Key range [kmin, kmax] of the finite values (NaN and Inf have the all-ones exponent).
inline void finiteKeyRange(bool absolute, uint32_t& kmin, uint32_t& kmax)
{
    if (absolute) {
        kmin = 0;
        kmax = 0x7f7fffffu;
    } else {
        kmin = 0x00800000u; // ~0xff7fffff: -FLT_MAX
        kmax = 0xff7fffffu; // +FLT_MAX
    }
}

// Counts of ((key >> shift) & (2^bits - 1)) over the elements whose key >> matchShift equals
// match (all elements when matchShift == 32). Non-finite values fall in buckets the caller drops.
std::vector<int64_t> keyHistogram(const float* x, int64_t n, bool absolute, int matchShift,
                                  uint32_t match, int shift, int bits)
{
    const int nbins = 1 << bits;
    const uint32_t mask = uint32_t(nbins - 1);
    const bool all = matchShift >= 32;
    std::vector<int64_t> total(size_t(nbins), 0);
    const int64_t nb = (n + kBlock - 1) / kBlock;
#pragma omp parallel if (n >= kParallelMin)
    {
        // 32-bit counters (cache friendly), flushed long before they could overflow.
        std::vector<uint32_t> local(size_t(nbins), 0);
        std::vector<int64_t> wide(size_t(nbins), 0);
        int64_t sinceFlush = 0;
        auto flush = [&]() {
            for (int i = 0; i < nbins; ++i) {
                wide[size_t(i)] += local[size_t(i)];
                local[size_t(i)] = 0;
            }
            sinceFlush = 0;
        };
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nb; ++b) {
            const int64_t e = std::min(n, (b + 1) * kBlock);
            uint32_t* c = local.data();
            if (all) {
                for (int64_t i = b * kBlock; i < e; ++i)
                    ++c[(keyOf(x[i], absolute) >> shift) & mask];
            } else {
                for (int64_t i = b * kBlock; i < e; ++i) {
                    const uint32_t k = keyOf(x[i], absolute);
                    if ((k >> matchShift) == match)
                        ++c[(k >> shift) & mask];
                }
            }
            sinceFlush += e - b * kBlock;
            if (sinceFlush > (int64_t(1) << 31))
                flush();
        }
        flush();
#pragma omp critical(qs_range_keyhist)
        for (int i = 0; i < nbins; ++i)
            total[size_t(i)] += wide[size_t(i)];
    }
    return total;
}

struct SelectTarget {
    int64_t rank; // rank within the current group
    int shift;    // the group holds the keys with key >> shift == prefix
    uint32_t prefix;
    int64_t groupCount; // number of finite values in the group
    uint32_t key = 0;   // the answer
    bool done = false;
};

// Keys of the elements in each group (key >> shift == prefix), in any order.
std::vector<std::vector<uint32_t>> gatherGroups(const float* x, int64_t n, bool absolute,
                                                const std::vector<std::pair<int, uint32_t>>& groups)
{
    const size_t g = groups.size();
    std::vector<std::vector<uint32_t>> out(g);
    const int nt = n >= kParallelMin ? threadCount() : 1;
    std::vector<std::vector<std::vector<uint32_t>>> parts(static_cast<size_t>(nt),
                                                          std::vector<std::vector<uint32_t>>(g));
    const int64_t nb = (n + kBlock - 1) / kBlock;
    // Groups that are all top-12-bit buckets (the usual case) are found by a table lookup.
    std::vector<int8_t> lut;
    if (std::all_of(groups.begin(), groups.end(), [](const auto& gr) { return gr.first == 20; })) {
        lut.assign(4096, -1);
        for (size_t j = 0; j < g; ++j)
            lut[groups[j].second] = int8_t(j);
    }
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        std::vector<std::vector<uint32_t>>& mine = parts[size_t(threadId())];
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nb; ++b) {
            const int64_t e = std::min(n, (b + 1) * kBlock);
            if (lut.empty()) {
                for (int64_t i = b * kBlock; i < e; ++i) {
                    const uint32_t k = keyOf(x[i], absolute);
                    for (size_t j = 0; j < g; ++j)
                        if ((k >> groups[j].first) == groups[j].second)
                            mine[j].push_back(k);
                }
            } else {
                for (int64_t i = b * kBlock; i < e; ++i) {
                    const uint32_t k = keyOf(x[i], absolute);
                    const int8_t j = lut[k >> 20];
                    if (j >= 0)
                        mine[size_t(j)].push_back(k);
                }
            }
        }
    }
    for (size_t j = 0; j < g; ++j) {
        size_t total = 0;
        for (auto& p : parts)
            total += p[j].size();
        out[j].reserve(total);
        for (auto& p : parts)
            out[j].insert(out[j].end(), p[j].begin(), p[j].end());
    }
    return out;
}

// The values at the given ranks (0-based, ascending order of the finite values, of |x| when
// `absolute`). `finite` receives the number of finite values; ranks must be below it.
// The ranks are produced by `rankFor(finite)` once the count is known.
template <class RankFn>
std::vector<double> selectRanks(const float* x, int64_t n, bool absolute, RankFn rankFor,
                                int64_t& finite)
{
    uint32_t kmin, kmax;
    finiteKeyRange(absolute, kmin, kmax);
    if (n < kSmallSelect) {
        // Per-thread scratch: slices of per-group quantization call this millions of times.
        thread_local std::vector<uint32_t> keys;
        keys.clear();
        keys.reserve(size_t(n));
        for (int64_t i = 0; i < n; ++i)
            if (finiteF(x[i]))
                keys.push_back(keyOf(x[i], absolute));
        finite = int64_t(keys.size());
        if (finite == 0)
            return {};
        const std::vector<int64_t> ranks = rankFor(finite);
        // Ranks in ascending order, each selection narrowed to the part right of the previous
        // one (nth_element leaves larger keys there); the next rank is just that part's minimum.
        std::vector<size_t> order(ranks.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(),
                  [&](size_t a, size_t b) { return ranks[a] < ranks[b]; });
        std::vector<double> out(ranks.size());
        int64_t prev = -1;
        for (size_t i : order) {
            const int64_t r = ranks[i];
            if (r != prev) {
                const auto first = keys.begin() + (prev + 1);
                if (r == prev + 1)
                    std::iter_swap(first, std::min_element(first, keys.end()));
                else
                    std::nth_element(first, keys.begin() + r, keys.end());
                prev = r;
            }
            out[i] = double(valueOfKey(keys[size_t(r)], absolute));
        }
        return out;
    }

    // Level 0: the top 12 key bits.
    const std::vector<int64_t> top = keyHistogram(x, n, absolute, 32, 0, 20, 12);
    const uint32_t b0 = kmin >> 20, b1 = kmax >> 20; // buckets holding finite keys only
    finite = 0;
    for (uint32_t b = b0; b <= b1; ++b)
        finite += top[b];
    if (finite == 0)
        return {};
    const std::vector<int64_t> ranks = rankFor(finite);
    std::vector<SelectTarget> targets;
    for (int64_t r : ranks) {
        int64_t below = 0;
        uint32_t b = b0;
        while (below + top[b] <= r)
            below += top[b++];
        targets.push_back({r - below, 20, b, top[b]});
    }

    while (true) {
        std::vector<std::pair<int, uint32_t>> gather;
        bool pending = false;
        for (SelectTarget& t : targets) {
            if (t.done)
                continue;
            if (t.shift == 0) { // the prefix is the whole key
                t.key = t.prefix;
                t.done = true;
                continue;
            }
            pending = true;
            if (t.groupCount <= kGatherLimit) {
                const std::pair<int, uint32_t> g{t.shift, t.prefix};
                if (std::find(gather.begin(), gather.end(), g) == gather.end())
                    gather.push_back(g);
            }
        }
        if (!pending)
            break;
        if (!gather.empty()) {
            std::vector<std::vector<uint32_t>> keys = gatherGroups(x, n, absolute, gather);
            for (SelectTarget& t : targets) {
                if (t.done)
                    continue;
                const auto it = std::find(gather.begin(), gather.end(),
                                          std::pair<int, uint32_t>{t.shift, t.prefix});
                if (it == gather.end())
                    continue;
                std::vector<uint32_t>& v = keys[size_t(it - gather.begin())];
                std::nth_element(v.begin(), v.begin() + t.rank, v.end());
                t.key = v[size_t(t.rank)];
                t.done = true;
            }
            continue;
        }
        // Every open target sits in a large bucket: refine the first one's group by 10 bits
        // (targets sharing the group move along).
        SelectTarget* lead = nullptr;
        for (SelectTarget& t : targets)
            if (!t.done) {
                lead = &t;
                break;
            }
        const int gs = lead->shift;
        const uint32_t gp = lead->prefix;
        const int bits = std::min(10, gs);
        const int ns = gs - bits;
        const std::vector<int64_t> sub = keyHistogram(x, n, absolute, gs, gp, ns, bits);
        for (SelectTarget& t : targets) {
            if (t.done || t.shift != gs || t.prefix != gp)
                continue;
            int64_t below = 0;
            uint32_t b = 0;
            while (below + sub[b] <= t.rank)
                below += sub[b++];
            t.rank -= below;
            t.shift = ns;
            t.prefix = (gp << bits) | b;
            t.groupCount = sub[b];
        }
    }
    std::vector<double> out;
    for (const SelectTarget& t : targets)
        out.push_back(double(valueOfKey(t.key, absolute)));
    return out;
}

// numpy's linear interpolation (numpy/lib/function_base.py, _lerp): a + (b - a) * t, but
// b - (b - a) * (1 - t) when t >= 0.5, which keeps the result monotone and exact at t = 1.
inline double numpyLerp(double a, double b, double t)
{
    const double d = b - a;
    return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

// Percentiles p[] (each in [0, 100]) of the finite values, numpy 'linear' method: the virtual
// index is (m - 1) * (p / 100) as numpy computes it (p is divided by 100 first).
std::vector<double> percentiles(const float* x, int64_t n, const std::vector<double>& ps,
                                bool absolute, const char* what, int64_t* finiteOut = nullptr)
{
    checkInput(x, n, what);
    for (double p : ps)
        if (!(p >= 0 && p <= 100))
            throw Error(std::string(what) + ": percentile must be in [0, 100], got " +
                        std::to_string(p));
    std::vector<double> lo(ps.size()), t(ps.size());
    std::vector<int64_t> loRank(ps.size()), hiRank(ps.size());
    auto rankFor = [&](int64_t m) {
        std::vector<int64_t> ranks;
        for (size_t i = 0; i < ps.size(); ++i) {
            const double vi = double(m - 1) * (ps[i] / 100.0);
            if (vi >= double(m - 1)) { // numpy takes the last value for both neighbours
                loRank[i] = hiRank[i] = m - 1;
                t[i] = 1.0;
            } else {
                const double f = std::floor(vi);
                loRank[i] = int64_t(f);
                hiRank[i] = loRank[i] + 1;
                t[i] = vi - f;
            }
            ranks.push_back(loRank[i]);
            ranks.push_back(hiRank[i]);
        }
        // Ascending ranks let nth_element on small inputs narrow down monotonically.
        return ranks;
    };
    int64_t finite = 0;
    const std::vector<double> v = selectRanks(x, n, absolute, rankFor, finite);
    if (finiteOut) {
        *finiteOut = finite;
        if (finite == 0)
            return {};
    }
    if (finite == 0)
        throwNoFinite(what, n);
    std::vector<double> out(ps.size());
    for (size_t i = 0; i < ps.size(); ++i)
        out[i] = numpyLerp(v[2 * i], v[2 * i + 1], t[i]);
    return out;
}

// ---------------------------------------------------------------------------------------------
// MSE-optimal clipping.
//
// 1. A histogram of the values (up to kMseBins bins over [min, max]) with a uniform density
//    inside each bin gives closed-form prefix moments C0, C1, C2 (count, sum, sum of squares of
//    the values below a point). The quantization error of a candidate range is then a sum over
//    the code cells (the x-interval that maps to each code, the end cells extended to +-inf by
//    clipping): sum (v - g)^2 = dC2 - 2 g dC1 + g^2 dC0 with g the cell's dequantized value.
//    Cost O(codes) per candidate; above kMaxCells codes the interior error is
//    count * s^2 * E[r^2] instead. Slices with fewer values than codes skip the model and
//    evaluate every candidate on the data.
// 2. Coarse-to-fine search over (alpha, beta) shrink fractions (over amax when symmetric).
// 3. The model's best candidate(s) and min-max itself are evaluated exactly on the data with the
//    same parameter formulas and rounding as the quantizer; the smallest actual MSE wins, min-max
//    on a tie. So the result is never worse than min-max on the data.

constexpr int kMseBins = 8192;
constexpr int64_t kMaxCells = 4096;
constexpr int kExactCandidates = 1;
constexpr int64_t kSmallMse = 4096; // at most this many finite values: the small-slice search
constexpr double kMaxZeroPoint = 2147483647.0;

// Scale and zero point of a candidate range, by the quantizer's formulas (see quantize.h):
// widening to include zero, float32 parameters, zero-point rounding, constant ranges.
struct Grid {
    double s = 1, z = 0, inv = 1;
    float sf = 1, zf = 0, invf = 1;
    double qmin = 0, qmax = 255;
    bool valid = false;
};

Grid gridFor(double lo, double hi, const QuantConfig& c)
{
    Grid g;
    const int64_t qmin = c.qmin(), qmax = c.qmax();
    g.qmin = double(qmin);
    g.qmax = double(qmax);
    double s = 1;
    int64_t z = 0;
    if (c.scheme == Scheme::Symmetric) {
        const double amax = std::max(std::fabs(lo), std::fabs(hi));
        z = c.symmetricZeroPoint();
        if (amax > 0) {
            const double denom = c.symmetricScale == SymmetricScale::MaxCode
                                     ? double((int64_t(1) << (c.bits - 1)) - 1)
                                     : double(qmax - qmin) / 2.0;
            s = c.float32Params ? double(float(amax) / float(denom)) : amax / denom;
        }
    } else {
        if (c.includeZero) {
            lo = std::min(lo, 0.0);
            hi = std::max(hi, 0.0);
        }
        if (hi == lo) {
            s = lo == 0 ? 1.0 : std::fabs(lo);
            z = qmin - (lo > 0 ? 1 : (lo < 0 ? -1 : 0));
        } else {
            double zr;
            if (c.float32Params) {
                const float sf = (float(hi) - float(lo)) / float(qmax - qmin);
                s = sf;
                zr = (sf > 0 && std::isfinite(sf)) ? double(float(lo) / sf) : 0.0;
            } else {
                s = (hi - lo) / double(qmax - qmin);
                zr = lo / s;
            }
            if (!(std::isfinite(s) && s > 0))
                return g;
            const Rounding rule = c.zeroPointRounding == Rounding::Stochastic ? Rounding::HalfEven
                                                                              : c.zeroPointRounding;
            const double zq = double(qmin) - roundBy(rule, zr);
            if (!(std::fabs(zq) <= kMaxZeroPoint))
                return g;
            z = int64_t(zq);
            if (c.includeZero)
                z = std::clamp(z, qmin, qmax);
        }
    }
    if (!(std::isfinite(s) && s > 0))
        return g;
    g.s = s;
    g.z = double(z);
    g.sf = float(s);
    g.zf = float(z);
    g.invf = 1.0f / g.sf;
    g.inv = c.float32Params ? double(g.invf) : 1.0 / s;
    if (c.float32Params && !(g.sf > 0 && std::isfinite(g.sf) && std::isfinite(g.invf)))
        return g;
    g.valid = true;
    return g;
}

// Histogram with uniform density per bin, in coordinates centred on the data (u = v - centre)
// so that differences of prefix moments keep their precision.
struct BinModel {
    double centre = 0, lo = 0, w = 1; // bins cover [lo, lo + nb * w] in centred units
    int nb = 0;
    std::vector<double> c, P0, P1, P2; // counts; prefix moments at the bin edges (nb + 1)
    double total = 0;

    // Moments of the values below u.
    void at(double u, double& m0, double& m1, double& m2) const
    {
        if (!(u > lo)) {
            m0 = m1 = m2 = 0;
            return;
        }
        double f = (u - lo) / w;
        if (f >= nb) {
            m0 = P0[size_t(nb)];
            m1 = P1[size_t(nb)];
            m2 = P2[size_t(nb)];
            return;
        }
        const int i = std::min(nb - 1, int(f));
        const double e = lo + double(i) * w;
        const double d = u - e;
        const double k = c[size_t(i)] / w;
        m0 = P0[size_t(i)] + k * d;
        m1 = P1[size_t(i)] + k * d * (e + 0.5 * d);
        m2 = P2[size_t(i)] + k * d * (e * e + e * d + d * d / 3.0);
    }
};

BinModel buildModel(const float* x, int64_t n, double mn, double mx, int bins)
{
    BinModel m;
    m.nb = bins;
    m.centre = 0.5 * (mn + mx);
    m.lo = mn - m.centre;
    m.w = (mx - mn) / m.nb;
    const double inv = m.nb / (mx - mn);
    const int nb = m.nb;
    std::vector<int64_t> counts(size_t(nb), 0);
    const int64_t nblk = (n + kBlock - 1) / kBlock;
#pragma omp parallel if (n >= kParallelMin)
    {
        std::vector<int64_t> local(size_t(nb), 0);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nblk; ++b) {
            const int64_t e = std::min(n, (b + 1) * kBlock);
            for (int64_t i = b * kBlock; i < e; ++i) {
                const float v = x[i];
                if (!finiteF(v))
                    continue;
                int k = int((double(v) - mn) * inv);
                k = k < 0 ? 0 : (k >= nb ? nb - 1 : k);
                ++local[size_t(k)];
            }
        }
#pragma omp critical(qs_range_msehist)
        for (int k = 0; k < nb; ++k)
            counts[size_t(k)] += local[size_t(k)];
    }
    m.c.resize(size_t(nb));
    m.P0.assign(size_t(nb) + 1, 0);
    m.P1.assign(size_t(nb) + 1, 0);
    m.P2.assign(size_t(nb) + 1, 0);
    for (int k = 0; k < nb; ++k) {
        const double cnt = double(counts[size_t(k)]);
        const double e0 = m.lo + k * m.w, e1 = e0 + m.w;
        m.c[size_t(k)] = cnt;
        m.P0[size_t(k) + 1] = m.P0[size_t(k)] + cnt;
        m.P1[size_t(k) + 1] = m.P1[size_t(k)] + cnt * 0.5 * (e0 + e1);
        m.P2[size_t(k) + 1] = m.P2[size_t(k)] + cnt * (e0 * e0 + e0 * e1 + e1 * e1) / 3.0;
    }
    m.total = m.P0[size_t(nb)];
    return m;
}

enum class CellRule { Nearest, Floor, Truncate, Stochastic };

CellRule cellRule(Rounding r)
{
    switch (r) {
    case Rounding::Floor:
        return CellRule::Floor;
    case Rounding::Truncate:
        return CellRule::Truncate;
    case Rounding::Stochastic:
        return CellRule::Stochastic;
    default:
        return CellRule::Nearest;
    }
}

// Modelled sum of squared errors of a grid over the histogram.
double modelError(const BinModel& m, const Grid& g, const QuantConfig& c)
{
    const CellRule rule = cellRule(c.rounding);
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const double s = g.s, z = g.z;
    const double zoff = before ? 0.0 : z; // x = (y - zoff) * s for the rounded quantity y
    auto target = [&](double k) { return s * (k - z) - m.centre; };
    const double gl = target(g.qmin), gh = target(g.qmax);
    const int64_t levels = int64_t(g.qmax - g.qmin) + 1;

    double a0, a1, a2, b0, b1, b2;
    if (levels > kMaxCells) {
        double perCell = 1.0 / 12.0;
        if (rule == CellRule::Floor || rule == CellRule::Truncate)
            perCell = 1.0 / 3.0;
        else if (rule == CellRule::Stochastic)
            perCell = 1.0 / 6.0;
        m.at(gl, a0, a1, a2);
        m.at(gh, b0, b1, b2);
        const double low = a2 - 2 * gl * a1 + gl * gl * a0;
        const double t0 = m.total, t1 = m.P1[size_t(m.nb)], t2 = m.P2[size_t(m.nb)];
        const double high = (t2 - b2) - 2 * gh * (t1 - b1) + gh * gh * (t0 - b0);
        return std::max(0.0, low) + std::max(0.0, high) + (b0 - a0) * s * s * perCell;
    }

    double err = 0;
    if (rule == CellRule::Stochastic) {
        // Below the lowest grid point: clipped; between grid points g_k, g_k+1 the expected
        // squared error of stochastic rounding is (v - g_k)(g_k+1 - v).
        m.at(gl, a0, a1, a2);
        err += a2 - 2 * gl * a1 + gl * gl * a0;
        double prev = gl;
        for (int64_t k = 1; k < levels; ++k) {
            const double next = target(g.qmin + double(k));
            m.at(next, b0, b1, b2);
            err += -(b2 - a2) + (prev + next) * (b1 - a1) - prev * next * (b0 - a0);
            prev = next;
            a0 = b0;
            a1 = b1;
            a2 = b2;
        }
        const double t0 = m.total, t1 = m.P1[size_t(m.nb)], t2 = m.P2[size_t(m.nb)];
        err += (t2 - a2) - 2 * gh * (t1 - a1) + gh * gh * (t0 - a0);
        return err;
    }
    // Cells: code k takes the y-interval ending at its upper boundary; the first cell starts at
    // -inf and the last ends at +inf (clipping).
    a0 = a1 = a2 = 0;
    for (int64_t k = 0; k < levels; ++k) {
        const double code = g.qmin + double(k);
        const double gk = target(code);
        if (k + 1 == levels) {
            b0 = m.total;
            b1 = m.P1[size_t(m.nb)];
            b2 = m.P2[size_t(m.nb)];
        } else {
            const double cy = before ? code - z : code; // the rounded quantity of this code
            double ub;
            switch (rule) {
            case CellRule::Floor:
                ub = cy + 1;
                break;
            case CellRule::Truncate:
                ub = cy >= 0 ? cy + 1 : cy;
                break;
            default:
                ub = cy + 0.5;
                break;
            }
            m.at((ub - zoff) * s - m.centre, b0, b1, b2);
        }
        err += (b2 - a2) - 2 * gk * (b1 - a1) + gk * gk * (b0 - a0);
        a0 = b0;
        a1 = b1;
        a2 = b2;
    }
    return err;
}

// Sum of squared errors over x[b, e) for the default arithmetic (half-to-even rounding of
// x / s (+ z) in double). The quotient is computed as x * (1 / s) and recomputed by division
// only when it lies within rounding distance of a half-integer, the one place where the two
// can round differently; so the codes, and the sum, are those of the division.
template <bool Before> double halfEvenErrors(const float* x, int64_t b, int64_t e, const Grid& g)
{
    const double s = g.s, inv = 1.0 / g.s, z = g.z;
    const double lo1 = Before ? g.qmin - z - 1 : g.qmin - 1;
    const double hi1 = Before ? g.qmax - z + 1 : g.qmax + 1;
    const double slack = 1e-15 * (std::fabs(hi1) + std::fabs(lo1) + std::fabs(z) + 1.0);
    auto sq = [&](int64_t i) {
        const float xv = x[i];
        const double xd = xv;
        double v = xd * inv;
        if (!Before)
            v += z;
        v = v > lo1 ? v : lo1; // also maps NaN to lo1
        v = v < hi1 ? v : hi1;
        double r = (v + 0x1.8p52) - 0x1.8p52;
        if (std::fabs(std::fabs(v - r) - 0.5) <= slack) { // near a tie: use the division
            v = xd / s;
            if (!Before)
                v += z;
            v = v > lo1 ? v : lo1;
            v = v < hi1 ? v : hi1;
            r = (v + 0x1.8p52) - 0x1.8p52;
        }
        if (Before)
            r += z;
        r = r < g.qmin ? g.qmin : (r > g.qmax ? g.qmax : r);
        const double err = xd - double(float(s * (r - z)));
        return finiteF(xv) ? err * err : 0.0;
    };
    // Four independent sums (element i goes to sum (i - b) % 4): no serial dependency chain,
    // and a fixed order.
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int64_t i = b;
    for (; i + 4 <= e; i += 4) {
        a0 += sq(i);
        a1 += sq(i + 1);
        a2 += sq(i + 2);
        a3 += sq(i + 3);
    }
    for (; i < e; ++i)
        a0 += sq(i);
    return (a0 + a1) + (a2 + a3);
}

// Sum of squared errors of one grid over x[b, e), as the quantizer computes the codes.
double blockErrors(const float* x, int64_t b, int64_t e, const Grid& g, const QuantConfig& c)
{
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const bool f32 = c.float32Params, mul = c.multiplyByInverse;
    const Rounding rule = c.rounding;
    if (rule == Rounding::HalfEven && !f32 && !mul)
        return before ? halfEvenErrors<true>(x, b, e, g) : halfEvenErrors<false>(x, b, e, g);
    auto deq = [&](double r) -> double {
        if (f32)
            return double(g.sf * (float(r) - g.zf));
        return double(float(g.s * (r - g.z)));
    };
    const double lo1 = before ? g.qmin - g.z - 1 : g.qmin - 1;
    const double hi1 = before ? g.qmax - g.z + 1 : g.qmax + 1;
    const double off = before ? g.z : 0.0;
    double sum = 0;
    for (int64_t i = b; i < e; ++i) {
        const float xv = x[i];
        if (!finiteF(xv))
            continue;
        double v;
        if (f32) {
            float t = mul ? xv * g.invf : xv / g.sf;
            if (!before)
                t += g.zf;
            v = t;
        } else {
            v = mul ? double(xv) * g.inv : double(xv) / g.s;
            if (!before)
                v += g.z;
        }
        v = v > lo1 ? v : lo1;
        v = v < hi1 ? v : hi1;
        if (rule == Rounding::Stochastic) {
            const double f = std::floor(v);
            const double frac = v - f;
            const double r0 = std::clamp(f + off, g.qmin, g.qmax);
            const double r1 = std::clamp(f + 1 + off, g.qmin, g.qmax);
            const double e0 = double(xv) - deq(r0), e1 = double(xv) - deq(r1);
            sum += (1 - frac) * e0 * e0 + frac * e1 * e1;
            continue;
        }
        double r;
        if (rule == Rounding::HalfEven)
            r = (v + 0x1.8p52) - 0x1.8p52; // |v| < 2^51: round half to even
        else
            r = roundBy(rule, v);
        r = std::clamp(r + off, g.qmin, g.qmax);
        const double err = double(xv) - deq(r);
        sum += err * err;
    }
    return sum;
}

// Exact sums of squared errors of several grids on the data (stochastic rounding: the expected
// squared error). Deterministic: fixed blocks summed in order.
std::vector<double> exactErrors(const float* x, int64_t n, const std::vector<Grid>& grids,
                                const QuantConfig& c)
{
    const size_t k = grids.size();
    const int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<double> partial(size_t(nb) * k, 0.0);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
    for (int64_t b = 0; b < nb; ++b) {
        const int64_t e = std::min(n, (b + 1) * kBlock);
        for (size_t j = 0; j < k; ++j)
            partial[size_t(b) * k + j] = blockErrors(x, b * kBlock, e, grids[j], c);
    }
    std::vector<double> out(k, 0.0);
    for (int64_t b = 0; b < nb; ++b)
        for (size_t j = 0; j < k; ++j)
            out[j] += partial[size_t(b) * k + j];
    return out;
}

struct Candidate {
    double lo, hi, cost;
};

// Keeps the best few candidates with distinct ranges.
void keepBest(std::vector<Candidate>& best, const Candidate& c, size_t keep)
{
    for (const Candidate& b : best)
        if (b.lo == c.lo && b.hi == c.hi)
            return;
    best.push_back(c);
    std::sort(best.begin(), best.end(),
              [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; });
    if (best.size() > keep)
        best.resize(keep);
}

// ---------------------------------------------------------------------------------------------
// numpy's pairwise summation (core/pairwise_sum.h); np.sum starts from the identity 0.0.
using detail::pairwiseSum;

double npSum(const std::vector<double>& v, int64_t n)
{
    return 0.0 + pairwiseSum(v.data(), n);
}

// Candidates recomputed in numpy's exact order after the fast pass of entropyAmax (more only
// when many candidates tie, e.g. with very few distinct values).
constexpr size_t kMaxExactKl = 16;

struct KlScratch {
    std::vector<double> groupSum, P, Q, vec;
    std::vector<int> groupCnt, group;
    explicit KlScratch(int nq)
        : groupSum(static_cast<size_t>(nq)), P(2048), Q(2048), vec(2048),
          groupCnt(static_cast<size_t>(nq)), group(2048)
    {
    }
};

// scipy.stats.entropy(P, Q) of candidate i exactly as the reference computes it: P = bins[:i]
// with the outliers added to the last bin; Q merges bins[:i] into nq groups by
// np.digitize(range(i), linspace(0, i, nq + 1)) - 1 (linspace's points m * (i / nq) are exact
// since nq is a power of two, so bin j goes to group floor(j * nq / i)) and spreads each group's
// count evenly over its non-zero bins; both are normalised by np.sum and the rel_entr terms
// summed by np.sum.
double exactKl(const std::vector<double>& bins, const std::vector<double>& suffix, int i, int nq,
               KlScratch& w)
{
    std::fill(w.groupSum.begin(), w.groupSum.end(), 0.0);
    std::fill(w.groupCnt.begin(), w.groupCnt.end(), 0);
    // gidx = floor(j * nq / i), kept incrementally: acc = j * nq, next = (gidx + 1) * i.
    int gidx = 0;
    int64_t acc = 0, next = i;
    for (int j = 0; j < i; ++j, acc += nq) {
        while (acc >= next) {
            ++gidx;
            next += i;
        }
        w.group[size_t(j)] = gidx;
        if (bins[size_t(j)] != 0) {
            w.groupSum[size_t(gidx)] += bins[size_t(j)];
            ++w.groupCnt[size_t(gidx)];
        }
    }
    for (int j = 0; j < i; ++j) {
        const int gidx = w.group[size_t(j)];
        w.Q[size_t(j)] = bins[size_t(j)] != 0
                             ? w.groupSum[size_t(gidx)] / double(w.groupCnt[size_t(gidx)])
                             : 0.0;
        w.P[size_t(j)] = bins[size_t(j)];
    }
    w.P[size_t(i) - 1] += suffix[size_t(i)];
    const double sp = npSum(w.P, i), sq = npSum(w.Q, i);
    for (int j = 0; j < i; ++j) {
        if (w.P[size_t(j)] == 0) { // pk = 0 and qk >= 0 (counts): a zero term
            w.vec[size_t(j)] = 0;
            continue;
        }
        const double pk = w.P[size_t(j)] / sp;
        const double qk = w.Q[size_t(j)] / sq;
        if (pk > 0 && qk > 0)
            w.vec[size_t(j)] = pk * std::log(pk / qk);
        else if (pk == 0 && qk >= 0)
            w.vec[size_t(j)] = 0;
        else
            return std::numeric_limits<double>::infinity();
    }
    return npSum(w.vec, i);
}

} // namespace

Range minMaxRange(const float* x, int64_t n)
{
    checkInput(x, n, "min-max range");
    const MinMaxCount m = scanMinMax(x, n, false);
    if (m.count == 0)
        throwNoFinite("min-max range", n);
    return {double(m.lo), double(m.hi)};
}

double percentile(const float* x, int64_t n, double p)
{
    return percentiles(x, n, {p}, false, "percentile")[0];
}

Range percentileRange(const float* x, int64_t n, double p)
{
    if (!(p >= 0 && p <= 100))
        throw Error("percentile range: percentile must be in [0, 100], got " + std::to_string(p));
    const std::vector<double> v = percentiles(x, n, {100.0 - p, p}, false, "percentile range");
    return {v[0], v[1]};
}

double absPercentile(const float* x, int64_t n, double p)
{
    return percentiles(x, n, {p}, true, "percentile of |x|")[0];
}

PercentileExtremes percentileRangeAndExtremes(const float* x, int64_t n, double p)
{
    if (!(p >= 0 && p <= 100))
        throw Error("percentile range: percentile must be in [0, 100], got " + std::to_string(p));
    PercentileExtremes e;
    // Ranks 0 and m - 1 lie in the outermost radix buckets, gathered with the tails' buckets.
    const std::vector<double> v =
        percentiles(x, n, {0.0, 100.0 - p, p, 100.0}, false, "percentile range", &e.finite);
    if (e.finite == 0)
        return e;
    e.min = v[0];
    e.range = {v[1], v[2]};
    e.max = v[3];
    return e;
}

Range mseOptimalRange(const float* x, int64_t n, const QuantConfig& config)
{
    checkInput(x, n, "MSE-optimal range");
    config.validate();
    const MinMaxCount mm = scanMinMax(x, n, false);
    if (mm.count == 0)
        throwNoFinite("MSE-optimal range", n);
    const double mn = mm.lo, mx = mm.hi;
    const bool sym = config.scheme == Scheme::Symmetric;
    const double amax0 = std::max(std::fabs(mn), std::fabs(mx));
    const Range minmax = sym ? Range{-amax0, amax0} : Range{mn, mx};
    if (!config.isInteger() || mn == mx)
        return minmax; // float formats have no clipping range; a constant has nothing to clip

    // Fewer values than code cells: evaluating a candidate on the data is cheaper than on the
    // model (and exact).
    const int64_t levels = config.qmax() - config.qmin() + 1;
    const bool onData = mm.count <= std::min(levels, kMaxCells);
    const int bins = int(std::clamp<int64_t>(mm.count, 512, kMseBins));
    const BinModel model = onData ? BinModel() : buildModel(x, n, mn, mx, bins);
    std::vector<Candidate> best;
    const size_t keep = kExactCandidates;
    auto tryRange = [&](double lo, double hi) {
        if (!(hi > lo))
            return;
        const Grid g = gridFor(lo, hi, config);
        if (!g.valid)
            return;
        const double cost = onData ? blockErrors(x, 0, n, g, config) : modelError(model, g, config);
        keepBest(best, {lo, hi, cost}, keep);
    };

    // Small slices (per group, per channel of a small tensor): a coarser search, so the cost per
    // slice stays near its size. 4 levels of 9x9 then 5x5 (asymmetric) or 17 then 9 (symmetric)
    // candidates instead of 5 levels of 17x17 then 9x9 or 65 then 17; the final exact
    // comparison with min-max below still holds.
    const bool small = mm.count <= kSmallMse;
    const int levelsOfSearch = small ? 4 : 5;
    if (sym) {
        // amax = amax0 * (1 - f), coarse-to-fine over f in [0, 1).
        double centre = 0.5, half = 0.5;
        for (int level = 0; level < levelsOfSearch; ++level) {
            const int steps = small    ? (level == 0 ? 16 : 8)
                              : onData ? (level == 0 ? 32 : 16)
                                       : (level == 0 ? 64 : 16);
            const double step = 2 * half / steps;
            for (int i = 0; i <= steps; ++i) {
                const double f = centre - half + i * step;
                if (f < 0 || f >= 1)
                    continue;
                const double a = amax0 * (1 - f);
                tryRange(-a, a);
            }
            if (best.empty())
                break;
            centre = 1 - best[0].hi / amax0;
            half = step;
        }
    } else {
        const double w = mx - mn;
        double ca = 0.5, cb = 0.5, half = 0.5;
        for (int level = 0; level < levelsOfSearch; ++level) {
            const int steps = small ? (level == 0 ? 8 : 4) : onData ? 8 : (level == 0 ? 16 : 8);
            const double step = 2 * half / steps;
            for (int i = 0; i <= steps; ++i) {
                const double fa = ca - half + i * step;
                if (fa < 0 || fa >= 1)
                    continue;
                for (int j = 0; j <= steps; ++j) {
                    const double fb = cb - half + j * step;
                    if (fb < 0 || fb >= 1 || fa + fb >= 1)
                        continue;
                    tryRange(mn + fa * w, mx - fb * w);
                }
            }
            if (best.empty())
                break;
            ca = (best[0].lo - mn) / w;
            cb = (mx - best[0].hi) / w;
            half = step;
        }
    }

    // Exact evaluation: min-max first, so that it wins ties.
    std::vector<Range> ranges{minmax};
    for (const Candidate& c : best)
        if (!(c.lo == minmax.lo && c.hi == minmax.hi))
            ranges.push_back({c.lo, c.hi});
    if (ranges.size() == 1)
        return minmax; // the search found nothing better than min-max itself
    std::vector<Grid> grids;
    std::vector<Range> usable;
    for (const Range& r : ranges) {
        const Grid g = gridFor(r.lo, r.hi, config);
        if (g.valid) {
            grids.push_back(g);
            usable.push_back(r);
        }
    }
    if (grids.empty() || !(usable[0].lo == minmax.lo && usable[0].hi == minmax.hi))
        return minmax; // min-max itself unusable: let the quantizer report it
    const std::vector<double> err = exactErrors(x, n, grids, config);
    size_t pick = 0;
    for (size_t j = 1; j < err.size(); ++j)
        if (err[j] < err[pick])
            pick = j;
    return usable[pick];
}

double entropyAmax(const float* x, int64_t n, int bits, bool unsignedRange)
{
    checkInput(x, n, "entropy calibration");
    if (bits < 1 || bits > 16)
        throw Error("entropy calibration: bits must be between 1 and 16 (got " +
                    std::to_string(bits) + ")");
    const MinMaxCount mm = scanMinMax(x, n, true);
    if (mm.count == 0)
        throwNoFinite("entropy calibration", n);
    const double amax = mm.hi;
    if (amax == 0)
        return 0;

    // The calibrator's histogram: 2048 bins of |x| over [0, max|x|] as numpy.histogram computes
    // it for float32 data (float32 edges; calibrators.h). The result is one of its edges.
    constexpr int kBins = 2048;
    const CalibHistogram h = trtHistogram(x, n, kBins);
    auto edge = [&](int k) { return double(h.edges[size_t(k)]); };
    const std::vector<int64_t>& hist = h.counts;

    // pytorch-quantization's _compute_amax_entropy (calib/histogram.py), stride 1, start bin 128.
    std::vector<double> bins(kBins);
    for (int k = 0; k < kBins; ++k)
        bins[size_t(k)] = double(hist[size_t(k)]);
    bins[0] = bins[1]; // as the reference does: the first bin takes the second bin's count
    const int nq = 1 << (bits - 1 + (unsignedRange ? 1 : 0));
    const int start = 128;

    // While bins[:i] are all zero, Q sums to zero and scipy's entropy is 0/0 = NaN; numpy's
    // argmin returns the first NaN, so the reference picks the last such candidate: the first
    // non-zero bin. (This happens when no |x| lies below 1/16 of max|x|.) Reproduced as is.
    int firstNonZero = 0;
    while (firstNonZero < kBins && bins[size_t(firstNonZero)] == 0)
        ++firstNonZero;
    if (firstNonZero >= start)
        return edge(firstNonZero);

    // Suffix sums of the bins (the outliers beyond candidate i); integers, so exact.
    std::vector<double> suffix(kBins + 1, 0.0);
    for (int k = kBins - 1; k >= 0; --k)
        suffix[size_t(k)] = suffix[size_t(k) + 1] + bins[size_t(k)];

    // Fast pass over every candidate with the divergence in closed form,
    //   KL = (sum_j P_j ln P_j - sum_g T_g ln(S_g / c_g)) / sP + ln(sQ / sP),
    // where group g of the quantized distribution holds c_g non-zero bins with counts summing to
    // S_g, T_g is the sum of P over the group (S_g plus the outliers for the last group) and
    // sP = total, sQ = total - outliers. Same value as scipy's entropy up to rounding; the
    // candidates within rounding distance of the minimum are then recomputed exactly as numpy
    // does (exactKl) and the last exact argmin wins, so the result is numpy's.
    std::vector<int> nzIndex;
    std::vector<double> nzCount, nzPlogP{0.0};
    for (int k = 0; k < kBins; ++k)
        if (bins[size_t(k)] != 0) {
            nzIndex.push_back(k);
            nzCount.push_back(bins[size_t(k)]);
            nzPlogP.push_back(nzPlogP.back() + bins[size_t(k)] * std::log(bins[size_t(k)]));
        }
    const double total = suffix[0];
    std::vector<double> nzPrefix{0.0};
    for (double c : nzCount)
        nzPrefix.push_back(nzPrefix.back() + c);
    int nqShift = 0;
    while ((1 << nqShift) < nq)
        ++nqShift;
    // Logarithms of counts, memoised for the small integers that recur between candidates.
    std::vector<double> logCount(nzIndex.size() + 1, 0.0); // a group has <= nnz bins
    for (size_t k = 1; k < logCount.size(); ++k)
        logCount[k] = std::log(double(k));
    constexpr int64_t kLogMemo = int64_t(1) << 16;
    std::vector<double> logMemo(size_t(std::min<double>(total, double(kLogMemo))) + 1,
                                std::numeric_limits<double>::quiet_NaN());
    auto logOf = [&](double v) {
        if (v < double(logMemo.size())) {
            double& l = logMemo[size_t(v)];
            if (std::isnan(l))
                l = std::log(v);
            return l;
        }
        return std::log(v);
    };
    // nzRank[j]: the number of non-zero bins below bin j.
    std::vector<size_t> nzRank(kBins + 1, 0);
    for (int k = 0; k < kBins; ++k)
        nzRank[size_t(k) + 1] = nzRank[size_t(k)] + (bins[size_t(k)] != 0 ? 1 : 0);
    std::vector<double> fast(kBins + 1, std::numeric_limits<double>::infinity());
    size_t below = 0; // non-zero bins with index < i
    for (int i = start; i <= kBins; ++i) {
        while (below < nzIndex.size() && nzIndex[below] < i)
            ++below;
        const double outl = suffix[size_t(i)];
        const double bLast = bins[size_t(i) - 1];
        if (bLast == 0 && outl > 0)
            continue; // P > 0 where Q == 0: infinite divergence
        double plogp = nzPlogP[below];
        if (bLast != 0 && outl > 0)
            plogp += (bLast + outl) * std::log(bLast + outl) - bLast * std::log(bLast);
        double cross = 0;
        if (below > size_t(nq)) {
            // More non-zero bins than groups: walk the groups, finding each group's non-zero
            // bins by the rank table. Group g covers bins [ceil(g i / nq), ceil((g+1) i / nq)).
            // Same terms in the same order as the walk over the bins below.
            int64_t first = 0;
            for (int64_t g = 0; g < nq; ++g) {
                const int64_t end = ((g + 1) * i + nq - 1) >> nqShift;
                const size_t m0 = nzRank[size_t(first)], m1 = nzRank[size_t(end)];
                first = end;
                if (m1 == m0)
                    continue;
                const double sum = nzPrefix[m1] - nzPrefix[m0];
                const bool hasLast = nzIndex[m1 - 1] == i - 1;
                cross += (sum + (hasLast ? outl : 0.0)) * (logOf(sum) - logCount[m1 - m0]);
            }
            const double sq = total - outl;
            fast[size_t(i)] = (plogp - cross) / total + std::log(sq / total);
            continue;
        }
        size_t m = 0;
        while (m < below) {
            // Group of this non-zero bin and the first bin of the next group:
            // j is in group g iff g * i <= j * nq < (g + 1) * i.
            const int64_t g = (int64_t(nzIndex[m]) * nq) / i;
            const int64_t end = ((g + 1) * i + nq - 1) >> nqShift;
            const size_t m0 = m;
            while (m < below && nzIndex[m] < end)
                ++m;
            const double sum = nzPrefix[m] - nzPrefix[m0];
            const int64_t cnt = int64_t(m - m0);
            const bool hasLast = nzIndex[m - 1] == i - 1;
            cross += (sum + (hasLast ? outl : 0.0)) * (logOf(sum) - logCount[size_t(cnt)]);
        }
        const double sq = total - outl;
        fast[size_t(i)] = (plogp - cross) / total + std::log(sq / total);
    }
    double minFast = std::numeric_limits<double>::infinity();
    for (int i = start; i <= kBins; ++i)
        minFast = std::min(minFast, fast[size_t(i)]);
    if (!std::isfinite(minFast))
        return amax; // cannot happen (the last candidate has no outliers); keep the full range
    const double tol = 1e-9 * std::fabs(minFast) + 1e-12;
    std::vector<int> near;
    for (int i = kBins; i >= start; --i) // latest first: they win ties
        if (fast[size_t(i)] <= minFast + tol)
            near.push_back(i);
    std::stable_sort(near.begin(), near.end(),
                     [&](int a, int b) { return fast[size_t(a)] < fast[size_t(b)]; });
    if (near.size() > kMaxExactKl)
        near.resize(kMaxExactKl);

    double bestKl = std::numeric_limits<double>::infinity();
    int bestI = -1;
    KlScratch scratch(nq);
    for (int i : near) {
        const double kl = exactKl(bins, suffix, i, nq, scratch);
        if (kl < bestKl || (kl == bestKl && i > bestI)) { // last argmin wins
            bestKl = kl;
            bestI = i;
        }
    }
    if (bestI < 0)
        bestI = near.front();
    return edge(bestI);
}

Range estimateRange(const float* x, int64_t n, const QuantConfig& config)
{
    checkInput(x, n, "range estimation");
    const bool sym = config.scheme == Scheme::Symmetric;
    if (!config.isInteger())
        return minMaxRange(x, n);
    switch (config.range) {
    case RangeMethod::MinMax: {
        const Range r = minMaxRange(x, n);
        if (!sym)
            return r;
        const double a = std::max(std::fabs(r.lo), std::fabs(r.hi));
        return {-a, a};
    }
    case RangeMethod::Percentile: {
        if (!(config.percentile > 50 && config.percentile <= 100))
            throw Error("percentile must be in (50, 100], got " +
                        std::to_string(config.percentile));
        if (!sym)
            return percentileRange(x, n, config.percentile);
        const double a = absPercentile(x, n, config.percentile);
        return {-a, a};
    }
    case RangeMethod::MSE:
        return mseOptimalRange(x, n, config);
    case RangeMethod::Entropy: {
        if (sym) {
            const double a = entropyAmax(x, n, config.bits, false);
            return {-a, a};
        }
        // Asymmetric: clip the data range to [-amax, amax]; non-negative data is calibrated as
        // unsigned (one more bit of resolution, as TensorRT does after ReLU).
        const Range r = minMaxRange(x, n);
        const double a = entropyAmax(x, n, config.bits, r.lo >= 0);
        const double hi = std::min(r.hi, a);
        return {std::min(std::max(r.lo, -a), hi), hi};
    }
    case RangeMethod::TrtPercentile:
    case RangeMethod::TrtMse: {
        // TensorRT calibrates amax; an asymmetric scheme gets the data range clipped to
        // [-amax, amax] (non-negative data calibrated as unsigned for mse, as after ReLU).
        if (usesPercentile(config.range) && !(config.percentile > 50 && config.percentile <= 100))
            throw Error("percentile must be in (50, 100], got " +
                        std::to_string(config.percentile));
        const Range r = minMaxRange(x, n);
        const double a = config.range == RangeMethod::TrtPercentile
                             ? trtPercentileAmax(x, n, config.percentile)
                             : trtMseAmax(x, n, config.bits, !sym && r.lo >= 0);
        if (sym)
            return {-a, a};
        const double hi = std::min(r.hi, a);
        return {std::min(std::max(r.lo, -a), hi), hi};
    }
    case RangeMethod::OrtPercentile:
    case RangeMethod::OrtEntropy: {
        // ONNX Runtime's thresholds; a symmetric scheme takes amax = max(|lo|, |hi|) as its
        // compute_scale_zp does.
        if (usesPercentile(config.range) && !(config.percentile > 50 && config.percentile <= 100))
            throw Error("percentile must be in (50, 100], got " +
                        std::to_string(config.percentile));
        const Range r = config.range == RangeMethod::OrtPercentile
                            ? ortPercentileRange(x, n, config.percentile, true)
                            : ortEntropyRange(x, n);
        if (!sym)
            return r;
        const double a = std::max(std::fabs(r.lo), std::fabs(r.hi));
        return {-a, a};
    }
    }
    throw Error("unknown range method");
}

namespace detail {

void checkValues(const float* x, int64_t n, const char* what)
{
    if (n < 0)
        throw Error(std::string(what) + ": negative element count " + std::to_string(n));
    if (n == 0)
        throw Error(std::string(what) + ": no values (empty input)");
    if (!x)
        throw Error(std::string(what) + ": null data pointer for " + std::to_string(n) + " values");
}

} // namespace detail

} // namespace qs
