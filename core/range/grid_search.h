// llama.cpp's weighted grid search for an asymmetric group (make_qkx2_quants, the search of its
// Q4_K / Q5_K quantizers without an importance matrix) generalised to any group size and
// 1..8 bits: the grid x^ = s (q - z) with a real zero point.
#pragma once

#include <cstdint>
#include <vector>

namespace qs {

// The search's settings; the defaults are llama.cpp's for Q4_K (rmin -1, rdelta 0.1, 20 steps,
// squared error weighted by rms(x) + |x|).
struct GridSearchOptions {
    float rmin = -1.0f, rdelta = 0.1f;
    int nstep = 20;
};

struct GridFit {
    double scale = 0, zero = 0;
    bool found = false; // false for a constant group (the search has no scale)
};

// The scale and zero point of the n finite values x for codes qmin .. qmin + 2^bits - 1:
// weights w = sqrt(mean x^2) + |x|, then ggml_detail::searchScaleMin with nmax = 2^bits - 1,
// which fits codes L in 0..nmax to x ~ scale L - m (m >= 0) in float32 as llama.cpp does;
// here s = scale, z = qmin + m / scale. scratch: reused room (no allocation when large
// enough). Throws qs::Error for bits outside 1..8 or n above 2^31 - 1.
GridFit gridSearchFit(const float* x, int64_t n, int bits, int64_t qmin,
                      std::vector<float>& scratch,
                      const GridSearchOptions& options = GridSearchOptions());

} // namespace qs
