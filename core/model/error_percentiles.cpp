// Order statistics of |x - x^| without sorting the tensor: a histogram of the nonzero errors
// over (0, hi] in kBins bins (counted in the first pass, error_stream.cpp) tells in which bin an
// order statistic lies. A bin small enough is gathered and ordered; a larger one is measured
// (its smallest and largest value) and, unless that is one value, split again over its own
// range with bins that keep their smallest and largest value. Bins are intervals of the value
// (the bin index never decreases with the value), so a bin's elements are exactly those between
// its smallest and largest value. Further passes walk the pairs again (PairWalk).
#include "core/model/error_percentiles.h"

#include "core/base/parallel.h"
#include "core/model/error_terms.h"
#include "core/quant/quantize.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace qs {

namespace {

using error_detail::FirstPass;
using error_detail::kBins;
using error_detail::kGatherMax;
using error_detail::kSumBlock;

// |x - x^| of a finite x as the order ranks it: a NaN error counts as infinite.
inline double absError(float x, float xhat)
{
    const double e = std::fabs(double(x) - double(xhat));
    return std::isnan(e) ? HUGE_VAL : e;
}

// A range of error values: `top` is every nonzero error (bins over (0, hi]), otherwise the
// values in [lo, hi]. `below` counts the errors that order before the range.
struct Level {
    double lo = 0, hi = 0;
    bool top = false;
    int64_t below = 0;
    double scale = 0; // kBins / (hi - lo)

    Level() = default;
    Level(double l, double h, bool t, int64_t b)
        : lo(l), hi(h), top(t), below(b), scale(h > l ? kBins / (h - l) : 0)
    {
    }
    bool contains(double v) const { return top ? v > 0 : v >= lo && v <= hi; }
    int binOf(double v) const
    {
        if (!(v < hi))
            return kBins - 1;
        const double t = (v - lo) * scale;
        return t < 0 ? 0 : std::min(kBins - 1, int(t));
    }
    bool operator==(const Level& o) const
    {
        return lo == o.lo && hi == o.hi && top == o.top && below == o.below;
    }
};

// Counts per bin, and with `withRange` each bin's smallest and largest value.
struct Bins {
    std::vector<int64_t> count = std::vector<int64_t>(kBins, 0);
    std::vector<double> min, max;

    explicit Bins(bool withRange = true)
    {
        if (withRange) {
            min.assign(kBins, HUGE_VAL);
            max.assign(kBins, -HUGE_VAL);
        }
    }

    void add(int b, double v)
    {
        ++count[size_t(b)];
        min[size_t(b)] = std::min(min[size_t(b)], v);
        max[size_t(b)] = std::max(max[size_t(b)], v);
    }
    void merge(const Bins& o)
    {
        for (size_t b = 0; b < size_t(kBins); ++b)
            count[b] += o.count[b];
        for (size_t b = 0; b < min.size(); ++b) {
            min[b] = std::min(min[b], o.min[b]);
            max[b] = std::max(max[b], o.max[b]);
        }
    }
};

struct Source {
    const float* x;
    int64_t n;
    const PairWalk& again;
};

// A ValueObserver that passes each part to a function with the part's inputs.
template <class F> class PartFunction : public ValueObserver {
public:
    PartFunction(const float* x, F& f) : m_x(x), m_f(f) {}
    void ready(int64_t first, const float* xhat, int64_t count) override
    {
        m_f(m_x + first, xhat, count);
    }

private:
    const float* m_x;
    F& m_f;
};

// Walks the pairs again, f(local, x, xhat, count) for each part with this thread's copy of
// `prototype`; returns the copies.
template <class Local, class F>
std::vector<Local> forEachPart(const Source& s, const Local& prototype, F f)
{
    std::vector<Local> locals(size_t(detail::threadCount()), prototype);
    auto part = [&](const float* x, const float* xhat, int64_t count) {
        f(locals[std::min(size_t(detail::threadId()), locals.size() - 1)], x, xhat, count);
    };
    PartFunction<decltype(part)> observer(s.x, part);
    s.again(observer);
    return locals;
}

Bins merged(const std::vector<Bins>& locals)
{
    Bins all(!locals.empty() && !locals.front().min.empty());
    for (const Bins& h : locals)
        all.merge(h);
    return all;
}

Bins histogram(const Source& s, const Level& level)
{
    return merged(forEachPart(s, Bins{}, [&](Bins& h, const float* x, const float* xh, int64_t m) {
        for (int64_t i = 0; i < m; ++i)
            if (std::isfinite(x[i])) {
                const double v = absError(x[i], xh[i]);
                if (level.contains(v))
                    h.add(level.binOf(v), v);
            }
    }));
}

// The values of some bins of `level` (each bin's list in the order of `bins`), in one pass.
// The bin is looked up for every element, so the rare element that is gathered is the only
// branch taken.
std::vector<std::vector<double>> gather(const Source& s, const Level& level,
                                        const std::vector<int>& bins)
{
    using Lists = std::vector<std::vector<double>>;
    std::vector<int8_t> slot(size_t(kBins), -1);
    for (size_t k = 0; k < bins.size(); ++k)
        slot[size_t(bins[k])] = int8_t(k);
    const std::vector<Lists> locals = forEachPart(
        s, Lists(bins.size()), [&](Lists& lists, const float* x, const float* xh, int64_t m) {
            for (int64_t i = 0; i < m; ++i) {
                const double v = absError(x[i], xh[i]);
                const int k = slot[size_t(level.binOf(v))];
                if (k >= 0 && level.contains(v) && std::isfinite(x[i]))
                    lists[size_t(k)].push_back(v);
            }
        });
    Lists all(bins.size());
    for (const Lists& lists : locals)
        for (size_t k = 0; k < lists.size(); ++k)
            all[k].insert(all[k].end(), lists[k].begin(), lists[k].end());
    return all;
}

// The smallest and largest value in bin b of `level`.
std::pair<double, double> binRange(const Source& s, const Level& level, int b)
{
    using Range = std::pair<double, double>;
    const std::vector<Range> locals = forEachPart(
        s, Range(HUGE_VAL, -HUGE_VAL), [&](Range& r, const float* x, const float* xh, int64_t m) {
            for (int64_t i = 0; i < m; ++i) {
                const double v = absError(x[i], xh[i]);
                if (level.binOf(v) == b && level.contains(v) && std::isfinite(x[i])) {
                    r.first = std::min(r.first, v);
                    r.second = std::max(r.second, v);
                }
            }
        });
    Range all(HUGE_VAL, -HUGE_VAL);
    for (const Range& r : locals) {
        all.first = std::min(all.first, r.first);
        all.second = std::max(all.second, r.second);
    }
    return all;
}

struct Query {
    int64_t rank;
    Level level;
    double* result;
};

// Settles each query of one level from its histogram (`known`, or measured now): a bin of one
// value answers it, a small bin is gathered, a large one becomes the next level.
void settleLevel(const Source& s, std::vector<Query>& pending, const Bins* known)
{
    const Level level = pending.front().level;
    const Bins bins = known ? *known : histogram(s, level);
    std::vector<Query> next, gathered;
    std::vector<int> gatherBins; // the bins of `level` to gather, and the bin of each query
    std::vector<int> binOfQuery;
    for (const Query& q : pending) {
        if (!(q.level == level)) {
            next.push_back(q);
            continue;
        }
        int64_t before = level.below;
        int b = 0;
        while (b < kBins - 1 && before + bins.count[size_t(b)] <= q.rank)
            before += bins.count[size_t(b++)];
        if (bins.count[size_t(b)] <= kGatherMax) {
            gathered.push_back({q.rank, Level(0, 0, false, before), q.result});
            binOfQuery.push_back(b);
            if (std::find(gatherBins.begin(), gatherBins.end(), b) == gatherBins.end())
                gatherBins.push_back(b);
            continue;
        }
        const std::pair<double, double> range =
            bins.min.empty() ? binRange(s, level, b)
                             : std::make_pair(bins.min[size_t(b)], bins.max[size_t(b)]);
        const Level sub(range.first, range.second, false, before);
        if (sub.lo == sub.hi)
            *q.result = sub.lo;
        else
            next.push_back({q.rank, sub, q.result});
    }
    if (!gatherBins.empty()) {
        std::vector<std::vector<double>> lists = gather(s, level, gatherBins);
        for (size_t g = 0; g < gathered.size(); ++g) {
            const Query& q = gathered[g];
            const auto k =
                std::find(gatherBins.begin(), gatherBins.end(), binOfQuery[g]) - gatherBins.begin();
            std::vector<double>& v = lists[size_t(k)];
            const auto nth = v.begin() + (q.rank - q.level.below);
            std::nth_element(v.begin(), nth, v.end());
            *q.result = *nth;
        }
    }
    pending = std::move(next);
}

// Answers the queries whose bin of `top` was gathered in the first pass; the others stay. The
// gathered errors are sorted into the bins of those queries in one pass.
void settleFromGathered(const Level& top, const Bins& bins, const FirstPass& g,
                        std::vector<Query>& pending)
{
    std::vector<Query> rest, settled;
    std::vector<int64_t> before; // per settled query: the errors below its bin
    std::vector<int8_t> list(size_t(kBins), -1), listOfQuery;
    int8_t lists = 0;
    for (const Query& q : pending) {
        int64_t below = top.below;
        int b = 0;
        while (b < kBins - 1 && below + bins.count[size_t(b)] <= q.rank)
            below += bins.count[size_t(b++)];
        if (!g.slot[size_t(b)]) {
            rest.push_back(q);
            continue;
        }
        if (list[size_t(b)] < 0)
            list[size_t(b)] = lists++;
        settled.push_back(q);
        before.push_back(below);
        listOfQuery.push_back(list[size_t(b)]);
    }
    std::vector<std::vector<double>> values(static_cast<size_t>(lists));
    for (size_t i = 0; lists > 0 && i < g.gathered.size(); ++i) {
        const int8_t k = list[size_t(top.binOf(g.gathered[i]))];
        if (k >= 0)
            values[size_t(k)].push_back(g.gathered[i]);
    }
    for (size_t j = 0; j < settled.size(); ++j) {
        std::vector<double>& v = values[size_t(listOfQuery[j])];
        const auto nth = v.begin() + (settled[j].rank - before[j]);
        std::nth_element(v.begin(), nth, v.end());
        *settled[j].result = *nth;
    }
    pending = std::move(rest);
}

// The values at fractional positions p * (m - 1) of the m ordered errors (numpy's "linear"
// rule), for the two p of `ps` at once: their four order statistics share every pass. `topBins`
// and `first`: the histogram of `top` and the errors the first pass gathered.
void percentiles(const Source& s, int64_t m, const Level& top, const Bins& topBins,
                 const FirstPass& first, const double (&ps)[2], double (&out)[2])
{
    double v[4] = {0, 0, 0, 0};
    int64_t r0[2];
    std::vector<Query> pending;
    for (int k = 0; k < 2; ++k) {
        r0[k] = int64_t(std::floor(ps[k] * double(m - 1)));
        const int64_t ranks[2] = {r0[k], std::min(m - 1, r0[k] + 1)};
        for (int j = 0; j < 2; ++j)
            if (ranks[j] >= top.below)
                pending.push_back({ranks[j], top, &v[2 * k + j]});
    }
    settleFromGathered(top, topBins, first, pending);
    for (bool known = true; !pending.empty(); known = false)
        settleLevel(s, pending, known ? &topBins : nullptr);
    for (int k = 0; k < 2; ++k)
        out[k] = v[2 * k] + (ps[k] * double(m - 1) - double(r0[k])) * (v[2 * k + 1] - v[2 * k]);
}

} // namespace

namespace error_detail {

// Around the estimate of each order statistic from the sample a window of
// +-max(0.002, 12 standard errors of the sampled fraction), which misses the statistic only for
// a very unlikely sample (then a further pass finds it). The sample is runs of neighbouring
// elements (a pass's parts), whose errors share a block's or a row's scale, so its fraction
// varies more than one of independent errors: with 6 standard errors the 95th percentile of
// per-channel int8 fell outside the window on 4 of the 57 matrices of quantscope-bench's model
// (each then quantized twice), with 12 on none. Bins order the values, so the bin of the
// sample's k-th smallest error is where the counts pass k.
std::vector<int8_t> windowBins(const std::vector<int64_t>& counts, int64_t size,
                               const double (&ps)[2])
{
    std::vector<int8_t> slot(size_t(kBins), 0);
    if (size < 2)
        return slot;
    auto binOfRank = [&](int64_t k) {
        int b = 0;
        for (int64_t below = counts[0]; below <= k; below += counts[size_t(++b)]) {
        }
        return b;
    };
    const double last = double(size - 1);
    for (double p : ps) {
        const double d = std::max(0.002, 12 * std::sqrt(p * (1 - p) / double(size)));
        int edge[2];
        for (int j = 0; j < 2; ++j)
            edge[j] = binOfRank(int64_t(std::round(std::clamp(p + (j ? d : -d), 0.0, 1.0) * last)));
        for (int b = edge[0]; b <= edge[1]; ++b)
            slot[size_t(b)] = 1;
    }
    return slot;
}

void percentilesAfter(const float* x, int64_t n, const PairWalk& again, const FirstPass& first,
                      const double (&ps)[2], double (&out)[2])
{
    const Source s{x, n, again};
    const Level top(0, first.hi, true, first.zeros);
    Bins bins(false);
    bins.count = first.counts;
    percentiles(s, first.count, top, bins, first, ps, out);
}

} // namespace error_detail

ReconstructionStats reconstructionStats(const float* x, const float* xhat, int64_t n,
                                        double maxAbsError, const ColumnWeights& weights,
                                        const CancelToken* cancel)
{
    const PairWalk again = [&](ValueObserver& o) { showValues(xhat, n, o, cancel); };
    ErrorStream stream(x, n, weights, maxAbsError);
    again(stream);
    return stream.finish(again, cancel);
}

} // namespace qs
