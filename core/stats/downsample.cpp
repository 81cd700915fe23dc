// Downsampling for plots. Points carry their index as x, so a downsampled series overlays the
// full one exactly.
//
// Min/max: bucket b of B over [begin, end) holds the indices [begin + b*len/B, begin +
// (b+1)*len/B) (integer division), so buckets differ in size by at most one. Each bucket emits
// its minimum and maximum (the first occurrence of each) in index order, one point if they are
// the same element. The global extremes are therefore always kept.
//
// Bucket ranges use the same buckets (never more than one per index) and keep, per bucket, the
// lowest and highest value: the envelope that a min/max series zig-zags between.
//
// LTTB (Steinarsson 2013, "Downsampling Time Series for Visual Representation"): the first and
// last finite points are kept; the points between are cut into threshold - 2 index buckets and
// from each the point forming the largest triangle with the previously chosen point and the
// average of the next bucket is kept. Buckets without finite points are skipped.
#include "core/stats/downsample.h"

#include "core/base/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace qs {
namespace {

void checkSpan(const float* y, int64_t begin, int64_t end, const char* what)
{
    if (begin < 0 || end < begin)
        throw Error(std::string(what) + ": invalid index range [" + std::to_string(begin) + ", " +
                    std::to_string(end) + ")");
    if (end > begin && !y)
        throw Error(std::string(what) + ": null data pointer");
}

std::vector<SeriesPoint> finitePoints(const float* y, int64_t begin, int64_t end)
{
    std::vector<SeriesPoint> out;
    out.reserve(size_t(end - begin));
    for (int64_t i = begin; i < end; ++i)
        if (std::isfinite(y[i]))
            out.push_back({double(i), double(y[i])});
    return out;
}

// Min and max of value(i) per bucket; value returns NaN for an element to skip.
template <class Value>
std::vector<BucketRange> rangesPerBucket(int64_t begin, int64_t end, int buckets, Value value)
{
    if (buckets < 1)
        throw Error("bucket ranges: need at least 1 bucket (got " + std::to_string(buckets) + ")");
    const int64_t len = end - begin;
    const int64_t nb = std::min<int64_t>(buckets, len);
    std::vector<BucketRange> all(size_t(std::max<int64_t>(nb, 0)));
    std::vector<char> found(all.size(), 0);
#pragma omp parallel for schedule(static) if (len >= (int64_t(1) << 16))
    for (int64_t b = 0; b < nb; ++b) {
        BucketRange r{begin + b * len / nb, begin + (b + 1) * len / nb, 0, 0};
        bool any = false;
        for (int64_t i = r.first; i < r.last; ++i) {
            const double v = value(i);
            if (!std::isfinite(v))
                continue;
            r.lo = any ? std::min(r.lo, v) : v;
            r.hi = any ? std::max(r.hi, v) : v;
            any = true;
        }
        all[size_t(b)] = r;
        found[size_t(b)] = any ? 1 : 0;
    }
    std::vector<BucketRange> out;
    out.reserve(all.size());
    for (size_t b = 0; b < all.size(); ++b)
        if (found[b])
            out.push_back(all[b]);
    return out;
}

} // namespace

std::vector<BucketRange> bucketRanges(const float* y, int64_t begin, int64_t end, int buckets)
{
    checkSpan(y, begin, end, "bucket ranges");
    return rangesPerBucket(begin, end, buckets, [y](int64_t i) { return double(y[i]); });
}

std::vector<BucketRange> errorBucketRanges(const float* x, const float* xhat, int64_t begin,
                                           int64_t end, int buckets)
{
    checkSpan(x, begin, end, "error bucket ranges");
    checkSpan(xhat, begin, end, "error bucket ranges");
    return rangesPerBucket(begin, end, buckets, [x, xhat](int64_t i) {
        // Not finite (so skipped) whenever x or xhat is not.
        return double(x[i]) - double(xhat[i]);
    });
}

std::vector<SeriesPoint> downsampleMinMax(const float* y, int64_t begin, int64_t end, int buckets)
{
    checkSpan(y, begin, end, "min/max downsampling");
    if (buckets < 1)
        throw Error("min/max downsampling: need at least 1 bucket (got " + std::to_string(buckets) +
                    ")");
    const int64_t len = end - begin;
    if (len < 2 * int64_t(buckets))
        return finitePoints(y, begin, end);
    // Buckets are independent: found in parallel, emitted in bucket order.
    std::vector<SeriesPoint> pts(size_t(2) * size_t(buckets));
    std::vector<int> used(size_t(buckets), 0);
#pragma omp parallel for schedule(static) if (len >= (int64_t(1) << 16))
    for (int64_t b = 0; b < buckets; ++b) {
        const int64_t s = begin + b * len / buckets;
        const int64_t e = begin + (b + 1) * len / buckets;
        int64_t imin = -1, imax = -1;
        float vmin = 0, vmax = 0;
        for (int64_t i = s; i < e; ++i) {
            const float v = y[i];
            if (!std::isfinite(v))
                continue;
            if (imin < 0 || v < vmin) {
                imin = i;
                vmin = v;
            }
            if (imax < 0 || v > vmax) {
                imax = i;
                vmax = v;
            }
        }
        SeriesPoint* p = &pts[size_t(2 * b)];
        if (imin < 0)
            continue;
        if (imin == imax) {
            p[0] = {double(imin), double(vmin)};
            used[size_t(b)] = 1;
        } else {
            const bool minFirst = imin < imax;
            p[0] = minFirst ? SeriesPoint{double(imin), double(vmin)}
                            : SeriesPoint{double(imax), double(vmax)};
            p[1] = minFirst ? SeriesPoint{double(imax), double(vmax)}
                            : SeriesPoint{double(imin), double(vmin)};
            used[size_t(b)] = 2;
        }
    }
    std::vector<SeriesPoint> out;
    out.reserve(size_t(2 * buckets));
    for (int64_t b = 0; b < buckets; ++b)
        for (int k = 0; k < used[size_t(b)]; ++k)
            out.push_back(pts[size_t(2 * b + k)]);
    return out;
}

std::vector<SeriesPoint> downsampleLttb(const float* y, int64_t begin, int64_t end, int threshold)
{
    checkSpan(y, begin, end, "LTTB downsampling");
    if (threshold < 2)
        throw Error("LTTB downsampling: the point limit must be at least 2 (got " +
                    std::to_string(threshold) + ")");
    // First and last finite points.
    int64_t first = begin, last = end - 1;
    while (first < end && !std::isfinite(y[first]))
        ++first;
    while (last >= first && !std::isfinite(y[last]))
        --last;
    if (first > last)
        return {};
    const int64_t span = last - first + 1;
    if (span <= threshold)
        return finitePoints(y, first, last + 1);
    int64_t finiteCount = 0;
    for (int64_t i = first; i <= last; ++i)
        finiteCount += std::isfinite(y[i]) ? 1 : 0;
    if (finiteCount <= threshold)
        return finitePoints(y, first, last + 1);

    std::vector<SeriesPoint> out;
    out.reserve(size_t(threshold));
    out.push_back({double(first), double(y[first])});
    const int64_t nb = threshold - 2;
    const int64_t inner = span - 2; // indices first+1 .. last-1
    auto bucketStart = [&](int64_t b) { return first + 1 + b * inner / nb; };
    double ax = double(first), ay = double(y[first]);
    for (int64_t b = 0; b < nb; ++b) {
        const int64_t s = bucketStart(b), e = bucketStart(b + 1);
        // Average of the next bucket (the last point for the final bucket).
        double cx = 0, cy = 0;
        if (b + 1 < nb) {
            int64_t cnt = 0;
            for (int64_t i = e; i < bucketStart(b + 2); ++i)
                if (std::isfinite(y[i])) {
                    cx += double(i);
                    cy += double(y[i]);
                    ++cnt;
                }
            if (cnt > 0) {
                cx /= double(cnt);
                cy /= double(cnt);
            } else {
                cx = double(last);
                cy = double(y[last]);
            }
        } else {
            cx = double(last);
            cy = double(y[last]);
        }
        double bestArea = -1;
        int64_t best = -1;
        for (int64_t i = s; i < e; ++i) {
            if (!std::isfinite(y[i]))
                continue;
            // Twice the triangle area; the factor does not change the choice.
            const double area =
                std::fabs((ax - cx) * (double(y[i]) - ay) - (ax - double(i)) * (cy - ay));
            if (area > bestArea) {
                bestArea = area;
                best = i;
            }
        }
        if (best < 0)
            continue;
        out.push_back({double(best), double(y[best])});
        ax = double(best);
        ay = double(y[best]);
    }
    out.push_back({double(last), double(y[last])});
    return out;
}

} // namespace qs
