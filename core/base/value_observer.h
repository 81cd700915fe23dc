// ValueObserver: receives the dequantized values of a quantization part by part as the pass
// makes them, on the thread that made them and while they are in cache, so that a caller
// measures them there instead of keeping a tensor-sized copy (QuantOutputs::values in
// core/quant/quantize.h). Before the parts it may ask for a sample: some parts, spread over the
// tensor, made first and shown to sample(); they are made again, and shown to ready(), in the
// pass itself.
#pragma once

#include <cstdint>

namespace qs {

class ValueObserver {
public:
    virtual ~ValueObserver() = default;
    // The stride k of the sample among `parts` parts of a tensor of n elements: the parts
    // sampledPart(j, k) for j = 0, 1, ... below `parts`; 0: no sample.
    virtual int64_t sampleStride(int64_t parts, int64_t n) const
    {
        (void)parts;
        (void)n;
        return 0;
    }
    // x^ of elements [first, first + count) of a sampled part; concurrently for disjoint parts.
    virtual void sample(int64_t first, const float* xhat, int64_t count)
    {
        (void)first;
        (void)xhat;
        (void)count;
    }
    // Once, on the calling thread, after the sample and before the first ready().
    virtual void sampled() {}
    // x^ of elements [first, first + count); every element exactly once, concurrently for
    // disjoint parts, in any order.
    virtual void ready(int64_t first, const float* xhat, int64_t count) = 0;
};

// Elements per sampled part of a pass free to choose its parts (the integer pass, values shown
// after a pass).
constexpr int64_t kSampleRun = 128;

// The j-th sampled part at stride k: one part of every k, at an offset that moves from run to
// run, so that a sample of short parts spreads over every row and column.
inline int64_t sampledPart(int64_t j, int64_t k)
{
    return j * k + (j * 7919) % k;
}

// How many parts the sample at stride k holds among `parts` parts.
inline int64_t sampledParts(int64_t parts, int64_t k)
{
    int64_t j = parts / k;
    while (j > 0 && sampledPart(j - 1, k) >= parts)
        --j;
    while (sampledPart(j, k) < parts)
        ++j;
    return j;
}

} // namespace qs
