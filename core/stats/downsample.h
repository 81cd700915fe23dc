// Downsampling of long series for plotting: a chart never gets more than a few thousand points.
#pragma once

#include <cstdint>
#include <vector>

namespace qs {

struct SeriesPoint {
    double x, y;
};

// Min/max per bucket over indices [begin, end): splits the range into `buckets` buckets and
// emits, per bucket, its min and max in index order (2 points per bucket at most). A series
// shorter than 2*buckets is returned whole. Non-finite y values are skipped.
std::vector<SeriesPoint> downsampleMinMax(const float* y, int64_t begin, int64_t end, int buckets);

// Largest-Triangle-Three-Buckets over indices [begin, end) to at most `threshold` points
// (keeps first and last). Non-finite values are skipped.
std::vector<SeriesPoint> downsampleLttb(const float* y, int64_t begin, int64_t end, int threshold);

// The range of a series over one bucket of indices [first, last): a band for plotting.
struct BucketRange {
    int64_t first = 0, last = 0;
    double lo = 0, hi = 0;
};

// Min and max per bucket over [begin, end), with the buckets of downsampleMinMax (at most one
// bucket per index). Non-finite values are skipped; a bucket without finite values is left out.
std::vector<BucketRange> bucketRanges(const float* y, int64_t begin, int64_t end, int buckets);

// The same for the error x - xhat (computed in double); elements where either value is not
// finite are skipped.
std::vector<BucketRange> errorBucketRanges(const float* x, const float* xhat, int64_t begin,
                                           int64_t end, int buckets);

} // namespace qs
