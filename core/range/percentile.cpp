// Exact numpy percentiles of the finite values by radix selection on order-preserving 32-bit
// keys.
//
// A finite float maps to a key whose unsigned order is the numeric order (sign bit flipped for
// positives, all bits flipped for negatives; |x| simply drops the sign bit). One counting pass
// over the top 12 key bits finds the bucket of every wanted rank; buckets of at most
// kGatherLimit values are gathered and finished with nth_element, larger ones are refined by a
// counting pass over the next 10 bits (at most three levels: 12 + 10 + 10 bits). No sort of the
// whole array and no copy of it; the result is the exact k-th smallest value.
#include "core/base/parallel.h"
#include "core/range/range_pass.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace qs {
namespace {

using namespace range_pass;

constexpr int64_t kSmallSelect = int64_t(1) << 16; // below this, percentiles copy and select
constexpr int64_t kGatherLimit = int64_t(1) << 18; // selection gathers buckets up to this size

using detail::floatOf;
using detail::threadCount;
using detail::threadId;

inline uint32_t keyOf(float v, bool absolute)
{
    return absolute ? detail::bitsOf(v) & 0x7fffffffu : detail::orderKey(v);
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

using Group = std::pair<int, uint32_t>; // (shift, prefix): the keys with key >> shift == prefix

// Keys of the elements in each group (key >> shift == prefix), in any order.
std::vector<std::vector<uint32_t>> gatherGroups(const float* x, int64_t n, bool absolute,
                                                const std::vector<Group>& groups)
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

// Small inputs: copy the finite keys and select in place. Returns the values at `ranks`.
template <class RankFn>
std::vector<double> selectByCopy(const float* x, int64_t n, bool absolute, RankFn rankFor,
                                 int64_t& finite)
{
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
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranks[a] < ranks[b]; });
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

// One target per rank, placed in its top-12-bit bucket of `top` (buckets from b0 on).
std::vector<SelectTarget> topBucketTargets(const std::vector<int64_t>& top, uint32_t b0,
                                           const std::vector<int64_t>& ranks)
{
    std::vector<SelectTarget> targets;
    for (int64_t r : ranks) {
        int64_t below = 0;
        uint32_t b = b0;
        while (below + top[b] <= r)
            below += top[b++];
        targets.push_back({r - below, 20, b, top[b]});
    }
    return targets;
}

// Settles the targets whose prefix is the whole key and lists the open groups small enough to
// gather (each once) in `gather`. Returns whether any target is still open.
bool collectOpenGroups(std::vector<SelectTarget>& targets, std::vector<Group>& gather)
{
    gather.clear();
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
            const Group g{t.shift, t.prefix};
            if (std::find(gather.begin(), gather.end(), g) == gather.end())
                gather.push_back(g);
        }
    }
    return pending;
}

// Gathers the keys of the `gather` groups and finishes their targets with nth_element.
void finishGathered(const float* x, int64_t n, bool absolute, const std::vector<Group>& gather,
                    std::vector<SelectTarget>& targets)
{
    std::vector<std::vector<uint32_t>> keys = gatherGroups(x, n, absolute, gather);
    for (SelectTarget& t : targets) {
        if (t.done)
            continue;
        const auto it = std::find(gather.begin(), gather.end(), Group{t.shift, t.prefix});
        if (it == gather.end())
            continue;
        std::vector<uint32_t>& v = keys[size_t(it - gather.begin())];
        std::nth_element(v.begin(), v.begin() + t.rank, v.end());
        t.key = v[size_t(t.rank)];
        t.done = true;
    }
}

// Every open target sits in a large bucket: refine the first one's group by 10 bits (targets
// sharing the group move along).
void refineFirstOpenGroup(const float* x, int64_t n, bool absolute,
                          std::vector<SelectTarget>& targets)
{
    const auto lead =
        std::find_if(targets.begin(), targets.end(), [](const SelectTarget& t) { return !t.done; });
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

// The values at the given ranks (0-based, ascending order of the finite values, of |x| when
// `absolute`). `finite` receives the number of finite values; ranks must be below it.
// The ranks are produced by `rankFor(finite)` once the count is known.
template <class RankFn>
std::vector<double> selectRanks(const float* x, int64_t n, bool absolute, RankFn rankFor,
                                int64_t& finite)
{
    if (n < kSmallSelect)
        return selectByCopy(x, n, absolute, rankFor, finite);
    uint32_t kmin, kmax;
    finiteKeyRange(absolute, kmin, kmax);
    // Level 0: the top 12 key bits.
    const std::vector<int64_t> top = keyHistogram(x, n, absolute, 32, 0, 20, 12);
    const uint32_t b0 = kmin >> 20, b1 = kmax >> 20; // buckets holding finite keys only
    finite = 0;
    for (uint32_t b = b0; b <= b1; ++b)
        finite += top[b];
    if (finite == 0)
        return {};
    std::vector<SelectTarget> targets = topBucketTargets(top, b0, rankFor(finite));
    std::vector<Group> gather;
    while (collectOpenGroups(targets, gather)) {
        if (!gather.empty())
            finishGathered(x, n, absolute, gather, targets);
        else
            refineFirstOpenGroup(x, n, absolute, targets);
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
    detail::checkValues(x, n, what);
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

} // namespace

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

} // namespace qs
