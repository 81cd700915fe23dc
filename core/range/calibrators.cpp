// TensorRT and ONNX Runtime histogram calibrators (see calibrators.h for the formulas).
//
// Precision: the histogram follows numpy's float32 arithmetic for float32 data; cumulative
// sums are float64 in bin order as numpy.cumsum; the TensorRT mse search uses float32 for the
// fake quantization (as the reference) and double for the sum over bins.
#include "core/range/calibrators.h"

#include "core/base/error.h"
#include "core/base/pairwise_sum.h"
#include "core/range/range.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace qs {
namespace {

constexpr int64_t kBlock = int64_t(1) << 16;       // unit of per-thread counting
constexpr int64_t kParallelMin = int64_t(1) << 15; // below this, one thread

inline void checkInput(const float* x, int64_t n, const char* what)
{
    detail::checkValues(x, n, what); // core/range.h
}

struct Extremes {
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    float absLo = std::numeric_limits<float>::infinity();
    float absHi = 0;
    int64_t count = 0;
};

// Min and max of the finite values and of their magnitudes.
Extremes scan(const float* x, int64_t n, const char* what)
{
    checkInput(x, n, what);
    Extremes e;
#pragma omp parallel if (n >= kParallelMin)
    {
        Extremes l;
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; ++i) {
            const float v = x[i];
            if (!std::isfinite(v))
                continue;
            const float a = std::fabs(v);
            ++l.count;
            l.lo = std::min(l.lo, v);
            l.hi = std::max(l.hi, v);
            l.absLo = std::min(l.absLo, a);
            l.absHi = std::max(l.absHi, a);
        }
#pragma omp critical(qs_calib_scan)
        {
            e.lo = std::min(e.lo, l.lo);
            e.hi = std::max(e.hi, l.hi);
            e.absLo = std::min(e.absLo, l.absLo);
            e.absHi = std::max(e.absHi, l.absHi);
            e.count += l.count;
        }
    }
    if (e.count == 0)
        throw Error(std::string(what) + ": none of the " + std::to_string(n) +
                    " values is finite (all NaN or Inf)");
    // -0.0 and +0.0 compare equal; report zero as +0.0 whatever the thread order.
    e.lo += 0.0f;
    e.hi += 0.0f;
    return e;
}

} // namespace

CalibHistogram numpyHistogram(const float* x, int64_t n, int bins, bool absolute, double first,
                              double last)
{
    checkInput(x, n, "histogram");
    if (bins < 1)
        throw Error("histogram: the number of bins must be at least 1 (got " +
                    std::to_string(bins) + ")");
    if (!(std::isfinite(first) && std::isfinite(last)))
        throw Error("histogram: the range must be finite");
    if (first > last)
        throw Error("histogram: the range's lower end is above its upper end");
    if (first == last) { // numpy widens a zero-width range
        first -= 0.5;
        last += 0.5;
    }
    CalibHistogram h;
    h.counts.assign(size_t(bins), 0);
    h.edges.resize(size_t(bins) + 1);
    // numpy.linspace in float64: k * step + first, the last point set to `last`; then float32.
    const double step = (last - first) / double(bins);
    for (int k = 0; k < bins; ++k)
        h.edges[size_t(k)] = float(double(k) * step + first);
    h.edges[size_t(bins)] = float(last);

    // The bin index in float32: (v - first) / (last - first) * bins.
    const float firstF = float(first), lastF = float(last);
    const float denom = lastF - firstF;
    const float nb = float(bins);
    const float* e = h.edges.data();
    const int64_t nblk = (n + kBlock - 1) / kBlock;
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
#pragma omp parallel if (n >= kParallelMin)
    {
        std::vector<int64_t> local(size_t(bins), 0);
        float llo = std::numeric_limits<float>::infinity(), lhi = -llo;
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nblk; ++b) {
            const int64_t end = std::min(n, (b + 1) * kBlock);
            for (int64_t i = b * kBlock; i < end; ++i) {
                const float raw = x[i];
                if (!std::isfinite(raw))
                    continue;
                llo = std::min(llo, raw);
                lhi = std::max(lhi, raw);
                const float v = absolute ? std::fabs(raw) : raw;
                if (!(v >= firstF && v <= lastF))
                    continue; // outside the range: numpy drops it
                const float f = ((v - firstF) / denom) * nb;
                int64_t k = int64_t(f);
                if (k >= bins)
                    k = bins - 1;
                if (k < 0)
                    k = 0;
                if (v < e[k] && k > 0)
                    --k;
                if (k != bins - 1 && v >= e[k + 1])
                    ++k;
                ++local[size_t(k)];
            }
        }
#pragma omp critical(qs_calib_hist)
        {
            for (int k = 0; k < bins; ++k)
                h.counts[size_t(k)] += local[size_t(k)];
            lo = std::min(lo, llo);
            hi = std::max(hi, lhi);
        }
    }
    h.dataMin = lo + 0.0f;
    h.dataMax = hi + 0.0f;
    return h;
}

int64_t searchCdf(const std::vector<int64_t>& counts, double q)
{
    int64_t total = 0;
    for (int64_t c : counts)
        total += c;
    const double t = double(total);
    double cdf = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        cdf += double(counts[i]) / t; // numpy.cumsum(hist / total)
        if (cdf >= q)
            return int64_t(i);
    }
    return int64_t(counts.size());
}

CalibHistogram trtHistogram(const float* x, int64_t n, int bins)
{
    const Extremes ex = scan(x, n, "TensorRT histogram");
    return numpyHistogram(x, n, bins, true, 0.0, double(ex.absHi));
}

double trtPercentileAmax(const float* x, int64_t n, double p)
{
    if (!(p >= 0 && p <= 100))
        throw Error("TensorRT percentile: percentile must be in [0, 100] (got " +
                    std::to_string(p) + ")");
    const CalibHistogram h = trtHistogram(x, n);
    if (h.edges.front() < 0) // all zeros: numpy's widened range [-0.5, 0.5]
        return 0.0;
    return double(h.edges[size_t(searchCdf(h.counts, p / 100.0))]);
}

double trtMseAmax(const float* x, int64_t n, int bits, bool unsignedRange)
{
    if (bits < 1 || bits > 16)
        throw Error("TensorRT mse calibration: bits must be between 1 and 16 (got " +
                    std::to_string(bits) + ")");
    const CalibHistogram h = trtHistogram(x, n);
    if (h.edges.front() < 0) // all zeros: numpy's widened range
        return 0.0;
    const int bins = int(h.counts.size());
    // Bin centres; the error sums run over the non-zero bins only (an empty bin adds 0).
    std::vector<float> centre(static_cast<size_t>(bins)), nzCentre, nzCount;
    for (int k = 0; k < bins; ++k) {
        centre[size_t(k)] = (h.edges[size_t(k) + 1] + h.edges[size_t(k)]) / 2.0f;
        if (h.counts[size_t(k)] != 0) {
            nzCentre.push_back(centre[size_t(k)]);
            nzCount.push_back(float(h.counts[size_t(k)]));
        }
    }
    const float maxBound = float(std::ldexp(1.0, bits - 1 + (unsignedRange ? 1 : 0)) - 1.0);
    const float minBound = unsignedRange ? 0.0f : -maxBound; // fake_tensor_quant: narrow range
    const int startBin = 128;
    double best = std::numeric_limits<double>::infinity();
    int bestI = -1;
    const size_t nz = nzCentre.size();
    std::vector<float> term(nz);
    for (int i = startBin; i < bins; ++i) {
        const float amax = centre[size_t(i)];
        // amax <= 2^-24: the reference quantizes everything to 0 (scale 0, then 1).
        const bool zero = amax <= 1.0f / float(1 << 24);
        const float s = zero ? 0.0f : maxBound / amax;
        const float div = zero ? 1.0f : s;
        // |c * s| <= 127 * c_max / c_128 < 2^11, so adding and subtracting 1.5 * 2^23 rounds
        // half to even exactly as nearbyint (and lets the loop vectorise).
        const float magic = 0x1.8p23f;
        for (size_t k = 0; k < nz; ++k) {
            const float c = nzCentre[k];
            float q = (c * s + magic) - magic;
            q = std::min(std::max(q, minBound), maxBound);
            const float d = q / div - c;
            term[k] = d * d * nzCount[k];
        }
        // Four interleaved double sums (term k into sum k % 4), added as (0 + 1) + (2 + 3).
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        size_t k = 0;
        for (; k + 4 <= nz; k += 4) {
            a0 += double(term[k]);
            a1 += double(term[k + 1]);
            a2 += double(term[k + 2]);
            a3 += double(term[k + 3]);
        }
        for (; k < nz; ++k) {
            if (k % 4 == 0)
                a0 += double(term[k]);
            else if (k % 4 == 1)
                a1 += double(term[k]);
            else
                a2 += double(term[k]);
        }
        const double err = (a0 + a1) + (a2 + a3);
        if (err < best) { // first minimum wins (numpy.argmin)
            best = err;
            bestI = i;
        }
    }
    if (bestI < 0) // fewer bins than the start bin: keep the full range
        return double(h.edges.back());
    return double(centre[size_t(bestI)]);
}

Range ortPercentileRange(const float* x, int64_t n, double p, bool symmetric, int bins)
{
    if (!(p >= 0 && p <= 100))
        throw Error("ONNX Runtime percentile: percentile must be in [0, 100] (got " +
                    std::to_string(p) + ")");
    const Extremes ex = scan(x, n, "ONNX Runtime percentile");
    float lo, hi;
    if (symmetric) {
        const CalibHistogram h =
            numpyHistogram(x, n, bins, true, double(ex.absLo), double(ex.absHi));
        const float t = h.edges[size_t(searchCdf(h.counts, p / 100.0))];
        lo = -t;
        hi = t;
    } else {
        const float T = std::max(std::fabs(ex.lo), std::fabs(ex.hi));
        const CalibHistogram h = numpyHistogram(x, n, bins, false, -double(T), double(T));
        const double cut = (100.0 - p) / 200.0;
        lo = h.edges[size_t(searchCdf(h.counts, cut))];
        hi = h.edges[size_t(searchCdf(h.counts, 1.0 - cut))];
    }
    if (lo < ex.lo)
        lo = ex.lo;
    if (hi > ex.hi)
        hi = ex.hi;
    return {double(lo), double(hi)};
}

namespace {

// smooth_distribution: zeros become eps, the non-zero entries lose eps * zeros / non-zeros,
// in float32: p + (eps * is_zero + (-eps1) * is_nonzero). Returns false when every entry is
// zero (the reference then gives the window an infinite divergence).
bool smooth(const std::vector<double>& in, std::vector<float>& out)
{
    constexpr double eps = 0.0001;
    size_t zeros = 0;
    for (double v : in)
        zeros += v == 0 ? 1 : 0;
    const size_t nonzeros = in.size() - zeros;
    if (nonzeros == 0)
        return false;
    const double eps1 = eps * double(zeros) / double(nonzeros);
    const float add0 = float(eps), add1 = float(-eps1);
    out.resize(in.size());
    for (size_t i = 0; i < in.size(); ++i)
        out[i] = in[i] == 0 ? add0 : float(in[i]) + add1;
    return true;
}

using detail::pairwiseSum; // numpy's pairwise summation (core/pairwise_sum.h)

// scipy.stats.entropy(p, q) on float32 arrays: both normalised by their numpy sum (float32),
// rel_entr = p * log(p / q) evaluated in double and stored as float32, summed by numpy.
double klDivergence(const std::vector<float>& p, const std::vector<float>& q)
{
    const float sp = 0.0f + pairwiseSum(p.data(), p.size());
    const float sq = 0.0f + pairwiseSum(q.data(), q.size());
    std::vector<float> vec(p.size());
    for (size_t i = 0; i < p.size(); ++i) {
        const double a = double(p[i] / sp), b = double(q[i] / sq);
        vec[i] = (a > 0 && b > 0) ? float(a * std::log(a / b)) : 0.0f; // both > 0 after smoothing
    }
    return double(0.0f + pairwiseSum(vec.data(), vec.size()));
}

} // namespace

Range ortEntropyRange(const float* x, int64_t n, int bins, int quantizedBins)
{
    if (bins < 2 || quantizedBins < 2)
        throw Error("ONNX Runtime entropy: the histogram needs at least 2 bins and 2 quantized "
                    "bins (got " +
                    std::to_string(bins) + " and " + std::to_string(quantizedBins) + ")");
    const int zeroBin = bins / 2, halfQ = quantizedBins / 2;
    if (halfQ > zeroBin)
        throw Error("ONNX Runtime entropy: more quantized bins (" + std::to_string(quantizedBins) +
                    ") than histogram bins (" + std::to_string(bins) + ")");
    const Extremes ex = scan(x, n, "ONNX Runtime entropy");
    const float T = std::max(std::fabs(ex.lo), std::fabs(ex.hi));
    const CalibHistogram h = numpyHistogram(x, n, bins, false, -double(T), double(T));
    const std::vector<int64_t>& hist = h.counts;

    double bestKl = std::numeric_limits<double>::infinity();
    float bestLo = h.edges.front(), bestHi = h.edges.back();
    bool found = false;
    std::vector<float> ps, qs;
    for (int i = halfQ; i <= zeroBin; ++i) {
        const int start = zeroBin - i;
        const int end = std::min(zeroBin + i + 1, bins);
        const int size = end - start;
        std::vector<double> p(static_cast<size_t>(size));
        for (int j = 0; j < size; ++j)
            p[size_t(j)] = double(hist[size_t(start + j)]);
        for (int j = 0; j < start; ++j)
            p.front() += double(hist[size_t(j)]);
        for (int j = end; j < bins; ++j)
            p.back() += double(hist[size_t(j)]);
        // Q: merge the window (without outliers) into groups, spread each group's sum over the
        // non-zero bins of P as an integer (the reference stores Q as int64: truncation).
        const int merged = size / quantizedBins;
        std::vector<double> q(static_cast<size_t>(size), 0.0);
        if (merged > 0) {
            for (int g = 0; g < quantizedBins; ++g) {
                const int s0 = g * merged, s1 = s0 + merged;
                int64_t sum = 0;
                for (int j = s0; j < s1; ++j)
                    sum += hist[size_t(start + j)];
                if (g == quantizedBins - 1)
                    for (int j = quantizedBins * merged; j < size; ++j)
                        sum += hist[size_t(start + j)];
                int norm = 0;
                for (int j = s0; j < s1; ++j)
                    norm += p[size_t(j)] != 0 ? 1 : 0;
                if (norm != 0)
                    for (int j = s0; j < s1; ++j)
                        q[size_t(j)] = std::trunc(double(sum) / double(norm));
            }
        }
        double kl = std::numeric_limits<double>::infinity();
        if (smooth(p, ps) && smooth(q, qs))
            kl = klDivergence(ps, qs);
        if (!found || kl < bestKl) { // first minimum wins
            found = true;
            bestKl = kl;
            bestLo = h.edges[size_t(start)];
            bestHi = h.edges[size_t(end)];
        }
    }
    float lo = bestLo, hi = bestHi;
    if (lo < ex.lo)
        lo = ex.lo;
    if (hi > ex.hi)
        hi = ex.hi;
    return {double(lo), double(hi)};
}

} // namespace qs
