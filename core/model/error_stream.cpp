// ErrorStream (error_percentiles.h): the first pass of the reconstruction statistics, over parts
// of x^ as they arrive. Each thread keeps a cursor: the sums of one block of the summation order
// from its first element up to the next one expected. A part that starts a block, or continues
// this thread's block, is added at once (its products in element order, its errors counted into
// the histogram and those of the chosen bins gathered); a part that continues a block another
// cursor holds is copied, and finish() adds it to that cursor in order. Passes whose parts are
// whole blocks, or runs of them on one thread, copy nothing.
// The terms of a step of elements are formed with no branch (error_terms.h), their products
// added to the block's four lane sums and the errors of the chosen bins gathered on the way; a
// loop of its own then counts their bins.
#include "core/base/parallel.h"
#include "core/model/error_percentiles.h"
#include "core/model/error_terms.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qs {

namespace {

using namespace error_detail;

constexpr double kFractions[2] = {0.5, 0.95}; // the median and the 95th percentile

// |x - x^| of a finite x as the order ranks it: a NaN error counts as infinite.
double rankedError(float x, float xhat)
{
    const double e = std::fabs(double(x) - double(xhat));
    return std::isnan(e) ? HUGE_VAL : e;
}

// The sums of one block (the products in lanes), or of the blocks added in order.
struct Sums {
    LaneSums lanes;
    double dot = 0, recon = 0, weighted = 0;
    int64_t count = 0;

    // A whole block after the ones added before.
    void addBlock(const Sums& p)
    {
        dot += p.lanes.dotTotal();
        recon += p.lanes.reconTotal();
        weighted += p.weighted;
        count += p.count;
    }
};

// The sums of one block from its first element up to `next` (block -1: none).
struct Cursor {
    int64_t block = -1, next = 0;
    Sums sums;
};

// The values of a part that continues a block another cursor holds.
struct Deferred {
    int64_t first = 0;
    std::vector<float> xhat;
};

// What a thread keeps. Even and odd elements count into histograms of their own, so that
// consecutive increments of one bin do not wait for each other; each has a bin kBins more,
// where the elements that are not counted (zero errors, non-finite x) go, so that the count
// needs no branch. The counters are 32-bit, so that both histograms stay in the first-level
// cache (64-bit ones did not, and their increments bound the pass); they are added to `folded`
// before they could overflow. More than kGatherMax errors in the chosen bins (a bin holding most
// of them) are not gathered: a further pass then splits that bin.
constexpr int64_t kFoldAfter = int64_t(1) << 31; // elements counted, at most, between folds

struct alignas(64) Local {
    std::vector<uint32_t> even = std::vector<uint32_t>(size_t(kBins) + 1, 0);
    std::vector<uint32_t> odd = std::vector<uint32_t>(size_t(kBins) + 1, 0);
    std::vector<int64_t> folded = std::vector<int64_t>(size_t(kBins) + 1, 0);
    int64_t unfolded = 0; // elements counted in even and odd
    // The errors gathered: the first gatheredCount of a buffer of gatheredRoom (not zeroed: a
    // step writes four values at a time after them, its chosen ones first).
    std::unique_ptr<double[]> gathered;
    size_t gatheredCount = 0, gatheredRoom = 0;
    bool overflow = false;
    Cursor cursor;
    std::vector<Cursor> open; // blocks this thread left unfinished
    std::vector<Deferred> deferred;
    std::vector<float> sample; // ranked errors of the sampled finite elements (to pick bins)

    void roomFor(size_t n)
    {
        if (n <= gatheredRoom)
            return;
        const size_t room = std::max(2 * gatheredRoom, n + 4096);
        std::unique_ptr<double[]> grown(new double[room]);
        std::copy(gathered.get(), gathered.get() + gatheredCount, grown.get());
        gathered = std::move(grown);
        gatheredRoom = room;
    }
};

// The errors of a step counted into the bins (even and odd elements apart: the split only
// spreads the increments).
void addCounted(const StepTerms& terms, int m, Local& local)
{
    uint32_t* const even = local.even.data();
    uint32_t* const odd = local.odd.data();
    const int32_t* bin = terms.bin;
    int k = 0;
    for (; k + 1 < m; k += 2) {
        ++even[bin[k]];
        ++odd[bin[k + 1]];
    }
    if (k < m)
        ++even[bin[k]];
    local.unfolded += m;
    if (local.unfolded < kFoldAfter)
        return;
    for (size_t b = 0; b <= size_t(kBins); ++b) {
        local.folded[b] += int64_t(local.even[b]) + int64_t(local.odd[b]);
        local.even[b] = local.odd[b] = 0;
    }
    local.unfolded = 0;
}

} // namespace

struct ErrorStream::State {
    State(const float* x_, int64_t n_, const ColumnWeights& w, bool known_)
        : x(x_), n(n_), weights(w), known(known_)
    {
    }

    const float* x;
    int64_t n;
    ColumnWeights weights;
    bool known;                // the largest error was given
    double hi = HUGE_VAL;      // bins over (0, hi]: the largest error, or the sample's
    double scale = 0;          // topScale(hi)
    Gather chosen;             // the bins gathered, as at most two intervals
    std::vector<Sums> parts;   // per block of kSumBlock elements
    std::vector<Local> locals; // per thread

    Local& local() { return locals[std::min(size_t(detail::threadId()), locals.size() - 1)]; }
    // `chosen` from per-bin flags (two windows at most: windowBins).
    void choose(const std::vector<int8_t>& slot)
    {
        if (!gatherIntervals(slot, chosen))
            throw Error("internal error: the error pass was asked to gather more than two "
                        "windows of bins");
    }

    // Elements [first, first + m) (values xh) added to sums, which hold their block up to first
    // (added in a copy of them: kept in registers, apart from the other threads' cursors).
    template <bool kWeighted>
    void add(Local& l, Sums& sums, int64_t first, const float* xh, int64_t m)
    {
        Sums t = sums;
        StepTerms terms;
        std::optional<RowWeights> w;
        if (kWeighted)
            w.emplace(weights, n, first);
        const float* xs = x + first;
        for (int64_t j = 0; j < m; j += kStep) {
            const int k = int(std::min<int64_t>(kStep, m - j));
            Gather g = chosen; // the chosen errors written after those gathered, until too many
            if (!l.overflow) {
                l.roomFor(l.gatheredCount + size_t(k) + 4);
                g.out = l.gathered.get();
                g.at = l.gatheredCount;
            }
            stepTerms(xs + j, xh + j, k, int((first + j) & 3), hi, scale, terms, t.lanes, kWeighted,
                      l.overflow ? nullptr : &g);
            if (!l.overflow) {
                l.gatheredCount = g.at;
                l.overflow = g.at > size_t(kGatherMax);
            }
            t.count += terms.count;
            addCounted(terms, k, l);
            for (int q = 0; kWeighted && q < k; ++q) { // a sum of its own: in element order too
                const double a = w->next(), e = terms.error[q];
                if (finiteFloat(xs[j + q]))
                    t.weighted += a * e * e;
            }
        }
        sums = t;
    }
    void addPart(Local& l, Sums& t, int64_t first, const float* xh, int64_t m)
    {
        if (weights.values)
            add<true>(l, t, first, xh, m);
        else
            add<false>(l, t, first, xh, m);
    }

    // The deferred parts added to the cursors of their blocks, in element order.
    void settleOpen()
    {
        std::vector<Cursor> open;
        std::vector<const Deferred*> deferred;
        for (Local& l : locals) {
            if (l.cursor.block >= 0)
                open.push_back(l.cursor);
            open.insert(open.end(), l.open.begin(), l.open.end());
            for (const Deferred& d : l.deferred)
                deferred.push_back(&d);
        }
        std::sort(deferred.begin(), deferred.end(),
                  [](const Deferred* a, const Deferred* b) { return a->first < b->first; });
        for (Cursor& c : open) {
            const int64_t end = std::min(n, (c.block + 1) * kSumBlock);
            auto d = std::lower_bound(deferred.begin(), deferred.end(), c.next,
                                      [](const Deferred* p, int64_t i) { return p->first < i; });
            for (; d != deferred.end() && (*d)->first == c.next; ++d) {
                addPart(locals[0], c.sums, c.next, (*d)->xhat.data(), int64_t((*d)->xhat.size()));
                c.next += int64_t((*d)->xhat.size());
            }
            if (c.next != end)
                throw Error("internal error: the values of elements " + std::to_string(c.next) +
                            " to " + std::to_string(end) + " were not shown to the error pass");
            parts[size_t(c.block)] = c.sums;
        }
    }

    // The histogram, the gathered errors and the bins they came from.
    FirstPass firstPass(const Sums& all) const
    {
        FirstPass f;
        f.count = all.count;
        f.zeros = all.count - n; // the bin kBins holds the zero errors and the n - count others
        f.hi = hi;
        f.slot.resize(size_t(kBins));
        for (int32_t b = 0; b < kBins; ++b)
            f.slot[size_t(b)] = chosen.chosen(b) ? 1 : 0;
        bool overflow = false;
        for (const Local& l : locals) {
            f.zeros += l.folded[size_t(kBins)] + int64_t(l.even[size_t(kBins)]) +
                       int64_t(l.odd[size_t(kBins)]);
            for (size_t b = 0; b < size_t(kBins); ++b)
                f.counts[b] += l.folded[b] + int64_t(l.even[b]) + int64_t(l.odd[b]);
            f.gathered.insert(f.gathered.end(), l.gathered.get(),
                              l.gathered.get() + l.gatheredCount);
            overflow = overflow || l.overflow;
        }
        if (overflow) {
            f.gathered.clear();
            std::fill(f.slot.begin(), f.slot.end(), int8_t(0));
        }
        return f;
    }
};

ErrorStream::ErrorStream(const float* x, int64_t n, const ColumnWeights& weights,
                         double maxAbsError)
    : m_state(
          std::make_unique<State>(x, n, weights, maxAbsError >= 0 && std::isfinite(maxAbsError)))
{
    if (m_state->known)
        m_state->hi = maxAbsError;
    m_state->scale = topScale(m_state->hi);
    m_state->choose(std::vector<int8_t>(size_t(kBins), n <= kGatherWhole ? 1 : 0));
    m_state->parts.resize(size_t((n + kSumBlock - 1) / kSumBlock));
    m_state->locals.resize(size_t(detail::threadCount()));
}

ErrorStream::~ErrorStream() = default;

int64_t ErrorStream::sampleStride(int64_t parts, int64_t n) const
{
    if (n <= kGatherWhole) // gathered whole: a sample only to find the largest error
        return m_state->known ? 0 : 1;
    return std::clamp<int64_t>(parts / 2, 1, 32);
}

void ErrorStream::sample(int64_t first, const float* xhat, int64_t count)
{
    std::vector<float>& s = m_state->local().sample;
    for (int64_t i = 0; i < count; ++i)
        if (std::isfinite(m_state->x[first + i]))
            s.push_back(float(rankedError(m_state->x[first + i], xhat[i])));
}

// The top level's range (the sample's largest finite error unless it was given), and the bins
// that should hold the order statistics, from the sample's counts in those bins. The sample
// only chooses bins: its errors rounded to float serve as well.
void ErrorStream::sampled()
{
    if (!m_state->known) {
        m_state->hi = 0;
        for (const Local& l : m_state->locals)
            for (float v : l.sample)
                m_state->hi = v < HUGE_VALF ? std::max(m_state->hi, double(v)) : m_state->hi;
    }
    m_state->scale = topScale(m_state->hi);
    std::vector<int64_t> counts(size_t(kBins), 0);
    int64_t size = 0;
    for (Local& l : m_state->locals) {
        for (float v : l.sample)
            ++counts[size_t(topBin(v, m_state->hi, m_state->scale))];
        size += int64_t(l.sample.size());
        l.sample = std::vector<float>();
    }
    if (m_state->n > kGatherWhole) {
        m_state->choose(windowBins(counts, size, kFractions));
    }
}

void ErrorStream::ready(int64_t first, const float* xhat, int64_t count)
{
    State& s = *m_state;
    Local& l = s.local();
    for (int64_t i = first; i < first + count;) {
        const int64_t b = i / kSumBlock, blockEnd = std::min(s.n, (b + 1) * kSumBlock);
        const int64_t end = std::min(first + count, blockEnd);
        const float* xh = xhat + (i - first);
        Cursor& c = l.cursor;
        if (c.block != b || c.next != i) {
            if (i != b * kSumBlock) { // another cursor holds the block
                l.deferred.push_back({i, std::vector<float>(xh, xh + (end - i))});
                i = end;
                continue;
            }
            if (c.block >= 0)
                l.open.push_back(c);
            c = Cursor{b, i, Sums()};
        }
        s.addPart(l, c.sums, i, xh, end - i);
        c.next = end;
        if (end == blockEnd) {
            s.parts[size_t(b)] = c.sums;
            c.block = -1;
        }
        i = end;
    }
}

ReconstructionStats ErrorStream::finish(const PairWalk& again, const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    State& s = *m_state;
    s.settleOpen();
    Sums all;
    for (const Sums& p : s.parts)
        all.addBlock(p);
    ReconstructionStats r;
    r.dot = all.dot;
    r.reconEnergy = all.recon;
    if (s.weights.values)
        r.weightedSse = all.weighted;
    if (all.count == 0)
        return r;
    double values[2];
    percentilesAfter(s.x, s.n, again, s.firstPass(all), kFractions, values);
    r.medianAbsError = values[0];
    r.p95AbsError = values[1];
    return r;
}

} // namespace qs
