// MSE-optimal clipping, the search: a coarse-to-fine search over (alpha, beta) shrink fractions
// (over amax when symmetric) ranked by the error model (mse_model.h), then the best candidate
// and min-max itself evaluated exactly on the data with the same parameter formulas and
// rounding as the quantizer; the smallest actual MSE wins, min-max on a tie. So the result is
// never worse than min-max on the data.
#include "core/range/mse_model.h"
#include "core/range/range_pass.h"

#include <algorithm>
#include <cmath>

namespace qs {
namespace {

using namespace range_pass;

constexpr int kMseBins = 8192;
constexpr int kExactCandidates = 1;
constexpr int64_t kSmallMse = 4096; // at most this many finite values: the small-slice search

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

// The candidates tried so far, ranked by the model (or on the data for slices with fewer values
// than code cells, where that is cheaper and exact).
struct CandidateSearch {
    const float* x;
    int64_t n;
    const QuantConfig& config;
    bool onData;
    BinModel model;
    std::vector<Candidate> best;

    void tryRange(double lo, double hi)
    {
        if (!(hi > lo))
            return;
        const Grid g = gridFor(lo, hi, config);
        if (!g.valid)
            return;
        const double cost = onData ? blockErrors(x, 0, n, g, config) : modelError(model, g, config);
        keepBest(best, {lo, hi, cost}, kExactCandidates);
    }
};

// Symmetric: amax = amax0 * (1 - f), coarse-to-fine over f in [0, 1).
void searchSymmetric(CandidateSearch& search, double amax0, int levels, bool small)
{
    double centre = 0.5, half = 0.5;
    for (int level = 0; level < levels; ++level) {
        const int steps = small           ? (level == 0 ? 16 : 8)
                          : search.onData ? (level == 0 ? 32 : 16)
                                          : (level == 0 ? 64 : 16);
        const double step = 2 * half / steps;
        for (int i = 0; i <= steps; ++i) {
            const double f = centre - half + i * step;
            if (f < 0 || f >= 1)
                continue;
            const double a = amax0 * (1 - f);
            search.tryRange(-a, a);
        }
        if (search.best.empty())
            break;
        centre = 1 - search.best[0].hi / amax0;
        half = step;
    }
}

// Asymmetric: [mn + fa * w, mx - fb * w], coarse-to-fine over the fractions (fa, fb).
void searchAsymmetric(CandidateSearch& search, double mn, double mx, int levels, bool small)
{
    const double w = mx - mn;
    double ca = 0.5, cb = 0.5, half = 0.5;
    for (int level = 0; level < levels; ++level) {
        const int steps = small ? (level == 0 ? 8 : 4) : search.onData ? 8 : (level == 0 ? 16 : 8);
        const double step = 2 * half / steps;
        for (int i = 0; i <= steps; ++i) {
            const double fa = ca - half + i * step;
            if (fa < 0 || fa >= 1)
                continue;
            for (int j = 0; j <= steps; ++j) {
                const double fb = cb - half + j * step;
                if (fb < 0 || fb >= 1 || fa + fb >= 1)
                    continue;
                search.tryRange(mn + fa * w, mx - fb * w);
            }
        }
        if (search.best.empty())
            break;
        ca = (search.best[0].lo - mn) / w;
        cb = (mx - search.best[0].hi) / w;
        half = step;
    }
}

// Exact evaluation on the data: min-max first, so that it wins ties.
Range pickExactly(const float* x, int64_t n, const QuantConfig& config, const Range& minmax,
                  const std::vector<Candidate>& best)
{
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

} // namespace

Range mseOptimalRange(const float* x, int64_t n, const QuantConfig& config)
{
    detail::checkValues(x, n, "MSE-optimal range");
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
    const int64_t levels = config.paramQmax() - config.paramQmin() + 1;
    const bool onData = mm.count <= std::min(levels, kMaxCells);
    const int bins = int(std::clamp<int64_t>(mm.count, 512, kMseBins));
    CandidateSearch search{
        x, n, config, onData, onData ? BinModel() : buildModel(x, n, mn, mx, bins), {}};

    // Small slices (per group, per channel of a small tensor): a coarser search, so the cost per
    // slice stays near its size. 4 levels of 9x9 then 5x5 (asymmetric) or 17 then 9 (symmetric)
    // candidates instead of 5 levels of 17x17 then 9x9 or 65 then 17; the final exact
    // comparison with min-max below still holds.
    const bool small = mm.count <= kSmallMse;
    const int levelsOfSearch = small ? 4 : 5;
    if (sym)
        searchSymmetric(search, amax0, levelsOfSearch, small);
    else
        searchAsymmetric(search, mn, mx, levelsOfSearch, small);
    return pickExactly(x, n, config, minmax, search.best);
}

} // namespace qs
