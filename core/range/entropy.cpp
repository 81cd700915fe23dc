// TensorRT (pytorch-quantization) entropy calibrator: _compute_amax_entropy of
// calib/histogram.py on the 2048-bin histogram of |x|, stride 1, start bin 128, reproduced
// exactly (numpy's sums and scipy's entropy), with a closed-form fast pass over the candidates.
#include "core/base/pairwise_sum.h"
#include "core/range/calibrators.h"
#include "core/range/range_pass.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace qs {
namespace {

using namespace range_pass;

constexpr int kBins = 2048;    // the calibrator's histogram
constexpr int kStartBin = 128; // the first candidate

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
        : groupSum(static_cast<size_t>(nq)), P(kBins), Q(kBins), vec(kBins),
          groupCnt(static_cast<size_t>(nq)), group(kBins)
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
// The calibrator's bins as doubles; the first bin takes the second bin's count, as the
// reference does.
std::vector<double> referenceBins(const CalibHistogram& h)
{
    std::vector<double> bins(kBins);
    for (int k = 0; k < kBins; ++k)
        bins[size_t(k)] = double(h.counts[size_t(k)]);
    bins[0] = bins[1];
    return bins;
}

// Suffix sums of the bins (the outliers beyond candidate i); integers, so exact.
std::vector<double> suffixSums(const std::vector<double>& bins)
{
    std::vector<double> suffix(kBins + 1, 0.0);
    for (int k = kBins - 1; k >= 0; --k)
        suffix[size_t(k)] = suffix[size_t(k) + 1] + bins[size_t(k)];
    return suffix;
}

// The fast pass evaluates every candidate with the divergence in closed form,
//   KL = (sum_j P_j ln P_j - sum_g T_g ln(S_g / c_g)) / sP + ln(sQ / sP),
// where group g of the quantized distribution holds c_g non-zero bins with counts summing to
// S_g, T_g is the sum of P over the group (S_g plus the outliers for the last group) and
// sP = total, sQ = total - outliers. Same value as scipy's entropy up to rounding; the
// candidates within rounding distance of the minimum are then recomputed exactly as numpy
// does (exactKl) and the last exact argmin wins, so the result is numpy's.
// KlTables holds what the closed form reads: the non-zero bins and memoised logarithms.
struct KlTables {
    std::vector<int> nzIndex;                        // bin index of each non-zero bin
    std::vector<double> nzPrefix{0.0}, nzPlogP{0.0}; // prefix sums of their counts and c ln c
    std::vector<size_t> nzRank;   // nzRank[j]: the number of non-zero bins below bin j
    std::vector<double> logCount; // ln k for a group's number of bins (a group has <= nnz bins)
    std::vector<double> logMemo;  // ln v for the small integer sums that recur between candidates
    double total = 0;
    int nq = 0, nqShift = 0;

    double logOf(double v)
    {
        if (v < double(logMemo.size())) {
            double& l = logMemo[size_t(v)];
            if (std::isnan(l))
                l = std::log(v);
            return l;
        }
        return std::log(v);
    }
};

KlTables klTables(const std::vector<double>& bins, double total, int nq)
{
    KlTables t;
    t.total = total;
    t.nq = nq;
    t.nzRank.assign(kBins + 1, 0);
    for (int k = 0; k < kBins; ++k) {
        const double c = bins[size_t(k)];
        t.nzRank[size_t(k) + 1] = t.nzRank[size_t(k)] + (c != 0 ? 1 : 0);
        if (c == 0)
            continue;
        t.nzIndex.push_back(k);
        t.nzPrefix.push_back(t.nzPrefix.back() + c);
        t.nzPlogP.push_back(t.nzPlogP.back() + c * std::log(c));
    }
    while ((1 << t.nqShift) < nq)
        ++t.nqShift;
    t.logCount.assign(t.nzIndex.size() + 1, 0.0);
    for (size_t k = 1; k < t.logCount.size(); ++k)
        t.logCount[k] = std::log(double(k));
    constexpr int64_t kLogMemo = int64_t(1) << 16;
    t.logMemo.assign(size_t(std::min<double>(total, double(kLogMemo))) + 1,
                     std::numeric_limits<double>::quiet_NaN());
    return t;
}

// sum_g T_g ln(S_g / c_g) when there are more non-zero bins than groups: walk the groups,
// finding each group's non-zero bins by the rank table. Group g covers bins
// [ceil(g i / nq), ceil((g+1) i / nq)). Same terms in the same order as crossByBins.
double crossByGroups(KlTables& t, int i, double outl)
{
    double cross = 0;
    int64_t first = 0;
    for (int64_t g = 0; g < t.nq; ++g) {
        const int64_t end = ((g + 1) * i + t.nq - 1) >> t.nqShift;
        const size_t m0 = t.nzRank[size_t(first)], m1 = t.nzRank[size_t(end)];
        first = end;
        if (m1 == m0)
            continue;
        const double sum = t.nzPrefix[m1] - t.nzPrefix[m0];
        const bool hasLast = t.nzIndex[m1 - 1] == i - 1;
        cross += (sum + (hasLast ? outl : 0.0)) * (t.logOf(sum) - t.logCount[m1 - m0]);
    }
    return cross;
}

// The same sum walking the `below` non-zero bins under candidate i.
double crossByBins(KlTables& t, int i, size_t below, double outl)
{
    double cross = 0;
    size_t m = 0;
    while (m < below) {
        // Group of this non-zero bin and the first bin of the next group:
        // j is in group g iff g * i <= j * nq < (g + 1) * i.
        const int64_t g = (int64_t(t.nzIndex[m]) * t.nq) / i;
        const int64_t end = ((g + 1) * i + t.nq - 1) >> t.nqShift;
        const size_t m0 = m;
        while (m < below && t.nzIndex[m] < end)
            ++m;
        const double sum = t.nzPrefix[m] - t.nzPrefix[m0];
        const int64_t cnt = int64_t(m - m0);
        const bool hasLast = t.nzIndex[m - 1] == i - 1;
        cross += (sum + (hasLast ? outl : 0.0)) * (t.logOf(sum) - t.logCount[size_t(cnt)]);
    }
    return cross;
}

// The closed-form divergence of every candidate from kStartBin on (+inf where P > 0 but
// Q == 0), indexed by candidate.
std::vector<double> fastDivergences(const std::vector<double>& bins,
                                    const std::vector<double>& suffix, int nq)
{
    KlTables t = klTables(bins, suffix[0], nq);
    std::vector<double> fast(kBins + 1, std::numeric_limits<double>::infinity());
    size_t below = 0; // non-zero bins with index < i
    for (int i = kStartBin; i <= kBins; ++i) {
        while (below < t.nzIndex.size() && t.nzIndex[below] < i)
            ++below;
        const double outl = suffix[size_t(i)];
        const double bLast = bins[size_t(i) - 1];
        if (bLast == 0 && outl > 0)
            continue; // P > 0 where Q == 0: infinite divergence
        double plogp = t.nzPlogP[below];
        if (bLast != 0 && outl > 0)
            plogp += (bLast + outl) * std::log(bLast + outl) - bLast * std::log(bLast);
        const double cross =
            below > size_t(nq) ? crossByGroups(t, i, outl) : crossByBins(t, i, below, outl);
        const double sq = t.total - outl;
        fast[size_t(i)] = (plogp - cross) / t.total + std::log(sq / t.total);
    }
    return fast;
}

// The candidates within rounding distance of the fast minimum, best first (latest first among
// equals, since the last argmin wins), at most kMaxExactKl. Empty when no divergence is finite.
std::vector<int> nearMinimum(const std::vector<double>& fast)
{
    double minFast = std::numeric_limits<double>::infinity();
    for (int i = kStartBin; i <= kBins; ++i)
        minFast = std::min(minFast, fast[size_t(i)]);
    if (!std::isfinite(minFast))
        return {};
    const double tol = 1e-9 * std::fabs(minFast) + 1e-12;
    std::vector<int> near;
    for (int i = kBins; i >= kStartBin; --i) // latest first: they win ties
        if (fast[size_t(i)] <= minFast + tol)
            near.push_back(i);
    std::stable_sort(near.begin(), near.end(),
                     [&](int a, int b) { return fast[size_t(a)] < fast[size_t(b)]; });
    if (near.size() > kMaxExactKl)
        near.resize(kMaxExactKl);
    return near;
}

// The candidate among `near` with the smallest exact divergence; the last argmin wins.
int exactArgmin(const std::vector<double>& bins, const std::vector<double>& suffix,
                const std::vector<int>& near, int nq)
{
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
    return bestI < 0 ? near.front() : bestI;
}

} // namespace

double entropyAmax(const float* x, int64_t n, int bits, bool unsignedRange)
{
    detail::checkValues(x, n, "entropy calibration");
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
    const CalibHistogram h = trtHistogram(x, n, kBins);
    const std::vector<double> bins = referenceBins(h);
    const int nq = 1 << (bits - 1 + (unsignedRange ? 1 : 0));

    // While bins[:i] are all zero, Q sums to zero and scipy's entropy is 0/0 = NaN; numpy's
    // argmin returns the first NaN, so the reference picks the last such candidate: the first
    // non-zero bin. (This happens when no |x| lies below 1/16 of max|x|.) Reproduced as is.
    int firstNonZero = 0;
    while (firstNonZero < kBins && bins[size_t(firstNonZero)] == 0)
        ++firstNonZero;
    if (firstNonZero >= kStartBin)
        return double(h.edges[size_t(firstNonZero)]);

    const std::vector<double> suffix = suffixSums(bins);
    const std::vector<int> near = nearMinimum(fastDivergences(bins, suffix, nq));
    if (near.empty())
        return amax; // cannot happen (the last candidate has no outliers); keep the full range
    return double(h.edges[size_t(exactArgmin(bins, suffix, near, nq))]);
}

} // namespace qs
