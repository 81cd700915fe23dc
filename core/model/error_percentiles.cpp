// Order statistics of |x - x^| without sorting the tensor: a histogram of the nonzero errors
// over (0, max] in kBins bins (counted in the pass that forms the sums) tells in which bin an
// order statistic lies. A bin small enough is gathered and ordered; a larger one is measured
// (its smallest and largest value) and, unless that is one value, split again over its own
// range with bins that keep their smallest and largest value. Bins are intervals of the value
// (the bin index never decreases with the value), so a bin's elements are exactly those between
// its smallest and largest value. Sums are formed per fixed block and added in block order.
// The first pass forms the terms of a step of elements with no branch (AVX2 when the processor
// has it), then adds them in element order: the serial additions are all that is left in the
// loop, and the histogram counts run beside them.
#include "core/model/error_percentiles.h"

#include "core/base/parallel.h"
#include "core/model/error_terms.h"

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

using error_detail::finiteFloat;
using error_detail::kBins;
using error_detail::kStep;
using error_detail::RowWeights;
using error_detail::stepTerms;
using error_detail::StepTerms;
constexpr int64_t kBlock = int64_t(1) << 15;
constexpr int64_t kGatherMax = int64_t(1) << 20;

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
    const float* xhat;
    int64_t n;
    const CancelToken* cancel;
};

// Runs f(local, begin, end) over fixed blocks in parallel, each thread with its own copy of
// `prototype`; returns the copies. Throws qs::Cancelled when the token fires.
template <class Local, class F>
std::vector<Local> forEachBlock(const Source& s, const Local& prototype, F f)
{
    const int64_t blocks = (s.n + kBlock - 1) / kBlock;
    std::atomic<bool> cancelled{false};
    std::vector<Local> locals(size_t(detail::threadCount()), prototype);
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < blocks; ++b) {
        if (cancelled.load(std::memory_order_relaxed))
            continue;
        if (s.cancel && s.cancel->isCancelled()) {
            cancelled = true;
            continue;
        }
        f(locals[size_t(detail::threadId())], b, b * kBlock, std::min(s.n, (b + 1) * kBlock));
    }
    if (cancelled)
        throw Cancelled();
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
    return merged(forEachBlock(s, Bins{}, [&](Bins& h, int64_t, int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i)
            if (std::isfinite(s.x[i])) {
                const double v = absError(s.x[i], s.xhat[i]);
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
    const std::vector<Lists> locals =
        forEachBlock(s, Lists(bins.size()), [&](Lists& lists, int64_t, int64_t i0, int64_t i1) {
            for (int64_t i = i0; i < i1; ++i) {
                const double v = absError(s.x[i], s.xhat[i]);
                const int k = slot[size_t(level.binOf(v))];
                if (k >= 0 && level.contains(v) && std::isfinite(s.x[i]))
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
    const std::vector<Range> locals =
        forEachBlock(s, Range(HUGE_VAL, -HUGE_VAL), [&](Range& r, int64_t, int64_t i0, int64_t i1) {
            for (int64_t i = i0; i < i1; ++i) {
                const double v = absError(s.x[i], s.xhat[i]);
                if (level.binOf(v) == b && level.contains(v) && std::isfinite(s.x[i])) {
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

// The errors of the first pass that fell in the bins of `slot` (the windows of windowBins).
struct Gathered {
    std::vector<int8_t> slot;
    std::vector<double> values;
};

// Answers the queries whose bin of `top` was gathered in the first pass; the others stay. The
// gathered errors are sorted into the bins of those queries in one pass.
void settleFromGathered(const Level& top, const Bins& bins, const Gathered& g,
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
    for (size_t i = 0; lists > 0 && i < g.values.size(); ++i) {
        const int8_t k = list[size_t(top.binOf(g.values[i]))];
        if (k >= 0)
            values[size_t(k)].push_back(g.values[i]);
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
// and `gathered`: the histogram of `top` and the errors of the windows, if the first pass made
// them.
void percentiles(const Source& s, int64_t m, const Level& top, const Bins* topBins,
                 const Gathered* gathered, const double (&ps)[2], double (&out)[2])
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
    if (topBins && gathered)
        settleFromGathered(top, *topBins, *gathered, pending);
    for (bool first = true; !pending.empty(); first = false)
        settleLevel(s, pending, first ? topBins : nullptr);
    for (int k = 0; k < 2; ++k)
        out[k] = v[2 * k] + (ps[k] * double(m - 1) - double(r0[k])) * (v[2 * k + 1] - v[2 * k]);
}

// The bins of `top` that should hold the order statistics at the fractions `ps`, from a sample
// of the errors (a run of kSampleRun elements every kSampleStride, at an offset that moves from
// run to run: short runs spread over every row and column, so that rows or columns of different
// error do not bias it): around each estimate a window of +-max(0.002, 6 standard errors of the
// sampled fraction), which misses the statistic only for a very unlikely sample (then a gather
// pass finds it). An array of at most kWhole elements is gathered whole.
// The sample is counted into the bins of `top` (in parallel): bins order the values, so the bin
// of the sample's k-th smallest error is where the counts pass k.
std::vector<int8_t> windowBins(const Source& s, const Level& top, const double (&ps)[2])
{
    constexpr int64_t kSampleRun = 128, kSampleStride = 4096, kWhole = 32 * 1024;
    if (s.n <= kWhole)
        return std::vector<int8_t>(size_t(kBins), 1);
    const int64_t runs = (s.n + kSampleStride - 1) / kSampleStride;
    std::vector<std::vector<int64_t>> locals(size_t(detail::threadCount()),
                                             std::vector<int64_t>(size_t(kBins), 0));
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < runs; ++r) {
        std::vector<int64_t>& counts = locals[size_t(detail::threadId())];
        const int64_t i0 = r * kSampleStride + (r * 7919) % (kSampleStride - kSampleRun);
        for (int64_t i = i0; i < std::min(s.n, i0 + kSampleRun); ++i)
            if (std::isfinite(s.x[i]))
                ++counts[size_t(top.binOf(absError(s.x[i], s.xhat[i])))];
    }
    std::vector<int64_t> counts(size_t(kBins), 0);
    int64_t size = 0;
    for (const std::vector<int64_t>& l : locals)
        for (size_t b = 0; b < size_t(kBins); ++b) {
            counts[b] += l[b];
            size += l[b];
        }
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
        const double d = std::max(0.002, 6 * std::sqrt(p * (1 - p) / double(size)));
        int edge[2];
        for (int j = 0; j < 2; ++j)
            edge[j] = binOfRank(int64_t(std::round(std::clamp(p + (j ? d : -d), 0.0, 1.0) * last)));
        for (int b = edge[0]; b <= edge[1]; ++b)
            slot[size_t(b)] = 1;
    }
    return slot;
}

struct Sums {
    double dot = 0, recon = 0, weighted = 0, maxAbs = 0;
    int64_t count = 0, zeros = 0;

    void add(const Sums& p)
    {
        dot += p.dot;
        recon += p.recon;
        weighted += p.weighted;
        maxAbs = std::max(maxAbs, p.maxAbs);
        count += p.count;
        zeros += p.zeros;
    }
};

// What a thread of the first pass keeps: the histogram of `top` and the errors in its windows.
// More than kGatherMax errors in the windows (a bin holding most of them) are not gathered: the
// gather pass of settleLevel then splits that bin.
// Even and odd elements count into histograms of their own, so that consecutive increments of
// one bin do not wait for each other; each has a bin kBins more, where the elements that are
// not counted (zero errors, non-finite x) go, so that the count needs no branch.
struct FirstPassLocal {
    std::vector<int64_t> even = std::vector<int64_t>(size_t(kBins) + 1, 0);
    std::vector<int64_t> odd = std::vector<int64_t>(size_t(kBins) + 1, 0);
    std::vector<double> gathered;
    bool overflow = false;
};

// Keeps an error of a bin of the windows (a NaN error, `measured` 0, as infinite).
__attribute__((noinline)) void gatherError(double measured, FirstPassLocal& local)
{
    if (local.overflow)
        return;
    local.gathered.push_back(measured > 0 ? measured : HUGE_VAL);
    local.overflow = local.gathered.size() > size_t(kGatherMax);
}

// The products of a step added in element order, its errors counted into the bins (even and odd
// elements apart) and those in the bins of `slot` gathered; the counts wait for no addition.
void addCounted(const StepTerms& terms, int m, const int8_t* slot, FirstPassLocal& local, Sums& t)
{
    int64_t* counts[2] = {local.even.data(), local.odd.data()};
    for (int k = 0; k < m; ++k) {
        t.dot += terms.dot[k];
        t.recon += terms.recon[k];
        const int b = terms.bin[k];
        ++counts[k & 1][b]; // steps start at even elements: k & 1 is the element's parity
        if (slot[b])
            gatherError(terms.measured[k], local);
    }
}

// The products of a step added in element order, and its largest finite error.
void addMeasured(const StepTerms& terms, int m, Sums& t)
{
    for (int k = 0; k < m; ++k) {
        t.dot += terms.dot[k];
        t.recon += terms.recon[k];
        t.maxAbs = terms.measured[k] > t.maxAbs ? terms.measured[k] : t.maxAbs;
    }
}

// The sums of elements [i0, i1), each added in element order; with `top` their histogram and
// the errors of the bins of `slot` (the largest error is then known and not measured).
template <bool kWeighted>
Sums blockSums(const Source& s, const ColumnWeights& w, int64_t i0, int64_t i1, const Level* top,
               const int8_t* slot, FirstPassLocal& local)
{
    Sums t;
    StepTerms terms;
    std::optional<RowWeights> weights;
    if (kWeighted)
        weights.emplace(w, s.n, i0);
    // Without `top` the bins are not used: every element then lies below `hi` in bin 0.
    const double hi = top ? top->hi : HUGE_VAL, scale = top ? top->scale : 0.0;
    for (int64_t j = i0; j < i1; j += kStep) {
        const int m = int(std::min<int64_t>(kStep, i1 - j));
        stepTerms(s.x + j, s.xhat + j, m, hi, scale, terms);
        t.count += terms.count;
        t.zeros += terms.zeros;
        if (top)
            addCounted(terms, m, slot, local, t);
        else
            addMeasured(terms, m, t);
        for (int k = 0; kWeighted && k < m; ++k) { // a sum of its own: in element order too
            const double a = weights->next(), e = terms.error[k];
            if (finiteFloat(s.x[j + k]))
                t.weighted += a * e * e;
        }
    }
    return t;
}

// The sums over the whole array, added in block order; with `top` also its histogram and the
// errors of the bins of g->slot.
Sums sumsOf(const Source& s, const ColumnWeights& w, const Level* top, Bins* bins, Gathered* g)
{
    const int64_t blocks = (s.n + kBlock - 1) / kBlock;
    std::vector<Sums> parts(static_cast<size_t>(blocks));
    std::vector<int8_t> padded; // the bins of g->slot, and 0 for the bin kBins
    if (g) {
        padded = g->slot;
        padded.push_back(0);
    }
    const int8_t* slot = g ? padded.data() : nullptr;
    const std::vector<FirstPassLocal> locals = forEachBlock(
        s, FirstPassLocal{}, [&](FirstPassLocal& l, int64_t b, int64_t i0, int64_t i1) {
            parts[size_t(b)] = w.values ? blockSums<true>(s, w, i0, i1, top, slot, l)
                                        : blockSums<false>(s, w, i0, i1, top, slot, l);
        });
    if (bins) {
        *bins = Bins(false);
        for (const FirstPassLocal& l : locals)
            for (size_t b = 0; b < size_t(kBins); ++b)
                bins->count[b] += l.even[b] + l.odd[b];
    }
    if (g) {
        for (const FirstPassLocal& l : locals)
            g->values.insert(g->values.end(), l.gathered.begin(), l.gathered.end());
        for (const FirstPassLocal& l : locals)
            if (l.overflow) {
                g->values.clear();
                std::fill(g->slot.begin(), g->slot.end(), int8_t(0));
            }
    }
    Sums all;
    for (const Sums& p : parts)
        all.add(p);
    return all;
}

} // namespace

ReconstructionStats reconstructionStats(const float* x, const float* xhat, int64_t n,
                                        double maxAbsError, const ColumnWeights& weights,
                                        const CancelToken* cancel)
{
    const Source s{x, xhat, n, cancel};
    // With the largest error known, the first pass also makes the histogram of every error and
    // gathers the errors of the bins that should hold the percentiles.
    const bool known = maxAbsError >= 0 && std::isfinite(maxAbsError);
    const double ps[2] = {0.5, 0.95};
    Level top(0, known ? maxAbsError : 0, true, 0);
    Bins topBins(false);
    Gathered gathered;
    if (known)
        gathered.slot = windowBins(s, top, ps);
    const Sums all = sumsOf(s, weights, known ? &top : nullptr, known ? &topBins : nullptr,
                            known ? &gathered : nullptr);
    ReconstructionStats r;
    r.dot = all.dot;
    r.reconEnergy = all.recon;
    if (weights.values)
        r.weightedSse = all.weighted;
    if (all.count == 0)
        return r;
    if (!known)
        top = Level(0, all.maxAbs, true, 0);
    top.below = all.zeros;
    double values[2];
    percentiles(s, all.count, top, known ? &topBins : nullptr, known ? &gathered : nullptr, ps,
                values);
    r.medianAbsError = values[0];
    r.p95AbsError = values[1];
    return r;
}

} // namespace qs
