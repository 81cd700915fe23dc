// The per-block sums of the low-bit results (lowbit_quantize.cpp): errors, signal, clipping,
// data range and the codes used by the finite values of one block, in one pass over its input,
// values and codes. On processors with AVX2 four elements per instruction (double sums in four
// lanes, added in lane order: the same result for any thread count).
#pragma once

#include "core/base/code_buffer.h"
#include "core/stats/metrics.h"

#include <cstdint>

namespace qs::quantize_detail {

// Code-usage flags of up to 256 codes (bit k: code qmin + k seen on a finite value).
struct CodeMask {
    uint64_t bits[4] = {0, 0, 0, 0};
    void set(int64_t k) { bits[k >> 6] |= uint64_t(1) << (k & 63); }
    void add(const CodeMask& o)
    {
        for (int w = 0; w < 4; ++w)
            bits[w] |= o.bits[w];
    }
    int64_t count() const
    {
        int64_t c = 0;
        for (uint64_t w : bits)
            c += __builtin_popcountll(w);
        return c;
    }
};

// The per-slice sums of quantize() for one block of cnt elements (clipped = finite inputs
// outside [lo, hi], the block's representable range, whose ends are float32 values). With
// levels <= 256 the codes used are also flagged in seen.
SliceMetrics::Sums blockSums(const float* x, const float* xh, CodeBuffer::const_iterator codes,
                             int64_t cnt, double lo, double hi, int64_t qmin, int64_t levels,
                             double& dataMin, double& dataMax, CodeMask& seen);

} // namespace qs::quantize_detail
