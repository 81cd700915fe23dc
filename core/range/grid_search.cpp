// The grid search of llama.cpp for any group (see grid_search.h).
#include "core/range/grid_search.h"

#include "core/base/error.h"
#include "core/formats/ggml_search.h"

#include <climits>
#include <cmath>
#include <string>

namespace qs {

GridFit gridSearchFit(const float* x, int64_t n, int bits, int64_t qmin,
                      std::vector<float>& scratch, const GridSearchOptions& options)
{
    if (bits < 1 || bits > 8)
        throw Error("the grid search works on codes of 1..8 bits (got " + std::to_string(bits) +
                    ")");
    if (n > INT_MAX)
        throw Error("the grid search takes at most 2^31 - 1 values per slice (got " +
                    std::to_string(n) + "); quantize per channel or per group");
    GridFit fit;
    if (n <= 0)
        return fit;
    // Room for the weights (n floats) and two code arrays (n bytes each).
    const size_t words = size_t(n) + (2 * size_t(n) + sizeof(float) - 1) / sizeof(float);
    if (scratch.size() < words)
        scratch.resize(words);
    float* weights = scratch.data();
    uint8_t* codes = reinterpret_cast<uint8_t*>(scratch.data() + n);
    float sumX2 = 0;
    for (int64_t i = 0; i < n; ++i)
        sumX2 += x[i] * x[i];
    const float avX = std::sqrt(sumX2 / float(n));
    for (int64_t i = 0; i < n; ++i)
        weights[i] = avX + std::fabs(x[i]);
    const int nmax = (1 << bits) - 1;
    float negMin = 0;
    const float scale =
        ggml_detail::searchScaleMin(int(n), nmax, x, weights, codes, codes + n, &negMin,
                                    options.rmin, options.rdelta, options.nstep, false);
    if (!(scale > 0) || !std::isfinite(scale))
        return fit;
    fit.scale = double(scale);
    fit.zero = double(qmin) + double(negMin) / double(scale);
    fit.found = std::isfinite(fit.zero);
    return fit;
}

} // namespace qs
