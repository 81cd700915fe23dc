// HQQ's proximal zero-point iterations (see hqq.h).
#include "core/range/hqq.h"

#include "core/range/range_pass.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs {

double hqqShrink(double e, double beta, double p)
{
    const double a = std::fabs(e);
    if (a == 0) // |e|^(p-1) is infinite: relu gives 0, as torch computes it
        return 0.0;
    const double r = a - std::pow(a, p - 1) / beta;
    return r > 0 ? std::copysign(r, e) : 0.0;
}

namespace {

// A block of at most range_pass::kBlock values of one group: the unit of the partial sums.
struct Item {
    size_t group = 0;
    int64_t begin = 0, count = 0;
};

struct Sums {
    double absError = 0, squaredError = 0, zeroTerms = 0;
};

std::vector<Item> itemsOf(const std::vector<HqqGroup>& groups)
{
    std::vector<Item> items;
    for (size_t g = 0; g < groups.size(); ++g)
        for (int64_t b = 0; b < groups[g].n; b += range_pass::kBlock)
            items.push_back({g, b, std::min(range_pass::kBlock, groups[g].n - b)});
    return items;
}

// One iteration's sums over a block: the errors of (s, z) and the terms of the new z.
Sums iterateBlock(const HqqGroup& g, const Item& it, double qmin, double qmax, double beta,
                  double p)
{
    Sums sums;
    const double s = g.scale, z = g.zero;
    for (int64_t k = it.begin; k < it.begin + it.count; ++k) {
        const double x = double(g.x[k]);
        const double q = std::clamp(std::nearbyint(x / s + z), qmin, qmax);
        const double d = x - (q - z) * s;
        sums.absError += std::fabs(d);
        sums.squaredError += d * d;
        sums.zeroTerms += q - (x - hqqShrink(d, beta, p)) / s;
    }
    return sums;
}

} // namespace

HqqTrace hqqOptimize(std::vector<HqqGroup>& groups, int64_t qmin, int64_t qmax,
                     const HqqOptions& options)
{
    const std::vector<Item> items = itemsOf(groups);
    const int64_t ni = int64_t(items.size());
    int64_t total = 0;
    for (const HqqGroup& g : groups)
        total += g.n;
    HqqTrace trace;
    if (total == 0)
        return trace;
    std::vector<Sums> part(items.size());
    std::vector<double> zeroSum(groups.size());
    double beta = options.beta;
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < options.iterations; ++i) {
#pragma omp parallel for schedule(static) if (total >= range_pass::kParallelMin)
        for (int64_t j = 0; j < ni; ++j)
            part[size_t(j)] = iterateBlock(groups[items[size_t(j)].group], items[size_t(j)],
                                           double(qmin), double(qmax), beta, options.p);
        Sums all;
        std::fill(zeroSum.begin(), zeroSum.end(), 0.0);
        for (size_t j = 0; j < items.size(); ++j) {
            all.absError += part[j].absError;
            all.squaredError += part[j].squaredError;
            zeroSum[items[j].group] += part[j].zeroTerms;
        }
        for (size_t g = 0; g < groups.size(); ++g)
            if (groups[g].n > 0)
                groups[g].zero = zeroSum[g] / double(groups[g].n);
        beta *= options.kappa;
        const double err = all.absError / double(total);
        trace.meanAbsError.push_back(err);
        trace.meanSquaredError.push_back(all.squaredError / double(total));
        if (!(err < best))
            break;
        best = err;
    }
    return trace;
}

} // namespace qs
