// Code books, bitsandbytes blockwise absmax quantization and Lloyd-Max (see codebook.h).
#include "core/formats/codebook.h"

#include "core/base/error.h"
#include "core/formats/dynamic_map.h"
#include "core/formats/lowbit_blocks.h"
#include "core/formats/nf4_lanes.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs {

using formats_detail::BlockSpan;
using formats_detail::LowbitCounts;

namespace {

// bitsandbytes NF4 decision thresholds (midpoints of neighbouring NF4 values, as float32
// literals in its CUDA kernel); the code is the number of thresholds below x.
const float kNf4Thresholds[15] = {
    -0.8480964004993439f,  -0.6106329262256622f,  -0.4599952697753906f,   -0.33967943489551544f,
    -0.23460740596055984f, -0.13791173323988914f, -0.045525018125772476f, 0.03979014977812767f,
    0.1202552504837513f,   0.2035212516784668f,   0.2920137718319893f,    0.3893125355243683f,
    0.5016634166240692f,   0.6427869200706482f,   0.8614784181118011f};

// bitsandbytes FP4: thresholds on |x| and the index bits of the 8 magnitudes in ascending order.
const float kFp4Thresholds[7] = {0.00260417f, 0.0859375f, 0.20833333f, 0.29166667f,
                                 0.4166667f,  0.583333f,  0.8333333f};
const int32_t kFp4AscendingCodes[8] = {0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011};

int32_t nf4Code(float v)
{
    int32_t c = 0;
    for (float t : kNf4Thresholds)
        c += v > t ? 1 : 0; // NaN: no comparison holds, code 0 (as the kernel's tree)
    return c;
}

int32_t fp4Code(float v)
{
    const int32_t sign = v < 0.0f ? 0b1000 : 0;
    const float a = std::fabs(v);
    int32_t k = 0;
    for (float t : kFp4Thresholds)
        k += a > t ? 1 : 0;
    return kFp4AscendingCodes[k] + sign;
}

int32_t codeOf(const Codebook& cb, float v)
{
    switch (cb.kind) {
    case Codebook::Kind::NF4:
        return nf4Code(v);
    case Codebook::Kind::FP4:
        return fp4Code(v);
    case Codebook::Kind::Dynamic:
        return bnbDynamicCode(cb.values.data(), v);
    case Codebook::Kind::Custom:
        break;
    }
    return nearestCode(cb, v);
}

// Codes of the values nearest to 0, to +inf and to -inf (for non-finite inputs).
struct SpecialCodes {
    int32_t zero, plusMax, minusMax;
};
SpecialCodes specialCodes(const Codebook& cb)
{
    SpecialCodes s{0, 0, 0};
    for (size_t i = 0; i < cb.values.size(); ++i) {
        const float v = cb.values[i];
        if (v > cb.values[static_cast<size_t>(s.plusMax)])
            s.plusMax = static_cast<int32_t>(i);
        if (v < cb.values[static_cast<size_t>(s.minusMax)])
            s.minusMax = static_cast<int32_t>(i);
    }
    s.zero = nearestCode(cb, 0.0f);
    return s;
}

Codebook makeTable(Codebook::Kind kind, const char* name, std::vector<float> values)
{
    Codebook cb;
    cb.kind = kind;
    cb.name = name;
    cb.values = std::move(values);
    return cb;
}

// Weighted, ascending points for Lloyd-Max with prefix sums of weight and weight * value.
struct Points {
    std::vector<double> p;
    std::vector<double> cumW{0.0}, cumS{0.0}, cumQ{0.0};
    void add(double value, double weight)
    {
        p.push_back(value);
        cumW.push_back(cumW.back() + weight);
        cumS.push_back(cumS.back() + weight * value);
        cumQ.push_back(cumQ.back() + weight * value * value);
    }
    // End of the cell of centroid j (ascending centroids c): points [.., end) lie at or below
    // the midpoint to c[j + 1].
    size_t cellEnd(const std::vector<double>& c, size_t j, size_t start) const
    {
        if (j + 1 >= c.size())
            return p.size();
        const double t = 0.5 * (c[j] + c[j + 1]);
        const size_t e = static_cast<size_t>(std::upper_bound(p.begin(), p.end(), t) - p.begin());
        return std::max(e, start);
    }
    // Weighted squared error of the points coded with the centroids c.
    double sse(const std::vector<double>& c) const
    {
        double total = 0.0;
        size_t lo = 0;
        for (size_t j = 0; j < c.size(); ++j) {
            const size_t hi = cellEnd(c, j, lo);
            const double w = cumW[hi] - cumW[lo], s = cumS[hi] - cumS[lo], q = cumQ[hi] - cumQ[lo];
            total += std::max(0.0, q - 2.0 * c[j] * s + c[j] * c[j] * w);
            lo = hi;
        }
        return total;
    }
};

Points lloydPoints(const float* x, int64_t n, const LloydMaxOptions& opt, double& lo, double& hi)
{
    std::vector<double> finite;
    lo = std::numeric_limits<double>::infinity();
    hi = -lo;
    int64_t count = 0;
    for (int64_t i = 0; i < n; ++i)
        if (std::isfinite(x[i])) {
            ++count;
            lo = std::min(lo, static_cast<double>(x[i]));
            hi = std::max(hi, static_cast<double>(x[i]));
        }
    if (count == 0)
        throw Error("Lloyd-Max: the tensor has no finite values");
    Points pts;
    if (count <= opt.exactLimit) {
        finite.reserve(static_cast<size_t>(count));
        for (int64_t i = 0; i < n; ++i)
            if (std::isfinite(x[i]))
                finite.push_back(x[i]);
        std::sort(finite.begin(), finite.end());
        pts.p.reserve(finite.size());
        for (double v : finite)
            pts.add(v, 1.0);
        return pts;
    }
    const int bins = std::max(1, opt.histogramBins);
    std::vector<double> cnt(static_cast<size_t>(bins), 0.0), sum(static_cast<size_t>(bins), 0.0);
    const double scale = hi > lo ? bins / (hi - lo) : 0.0;
    for (int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]))
            continue;
        const double v = x[i];
        const int b = std::min(bins - 1, static_cast<int>((v - lo) * scale));
        cnt[static_cast<size_t>(b)] += 1.0;
        sum[static_cast<size_t>(b)] += v;
    }
    for (int b = 0; b < bins; ++b)
        if (cnt[static_cast<size_t>(b)] > 0)
            pts.add(sum[static_cast<size_t>(b)] / cnt[static_cast<size_t>(b)],
                    cnt[static_cast<size_t>(b)]);
    return pts;
}

// Lloyd iterations from the centroids c (ascending) until convergence or the cap.
void lloydIterate(const Points& pts, std::vector<double>& c, int maxIterations, double tol,
                  const CancelToken* cancel)
{
    for (int it = 0; it < maxIterations; ++it) {
        throwIfCancelled(cancel);
        double moved = 0.0;
        size_t lo = 0;
        for (size_t j = 0; j < c.size(); ++j) {
            const size_t hi = pts.cellEnd(c, j, lo);
            const double w = pts.cumW[hi] - pts.cumW[lo];
            if (w > 0) { // an empty cell keeps its centroid
                const double mean = (pts.cumS[hi] - pts.cumS[lo]) / w;
                moved = std::max(moved, std::fabs(mean - c[j]));
                c[j] = mean;
            }
            lo = hi;
        }
        std::sort(c.begin(), c.end());
        if (moved <= tol)
            break;
    }
}

// Start for Lloyd from high-resolution theory: the optimal density of levels is proportional
// to p(x)^(1/3) (Panter and Dite, 1951). p is estimated by a histogram of `bins` bins; the
// centroids are the quantiles (j + 0.5) / k of the normalised cumulative of p^(1/3).
std::vector<double> compandedStart(const Points& pts, size_t k, int bins, double lo, double hi)
{
    std::vector<double> h(static_cast<size_t>(bins), 0.0);
    const double scale = bins / (hi - lo);
    for (size_t i = 0; i < pts.p.size(); ++i) {
        const int b = std::clamp(static_cast<int>((pts.p[i] - lo) * scale), 0, bins - 1);
        h[static_cast<size_t>(b)] += pts.cumW[i + 1] - pts.cumW[i];
    }
    std::vector<double> cum(static_cast<size_t>(bins) + 1, 0.0);
    for (size_t b = 0; b < h.size(); ++b)
        cum[b + 1] = cum[b] + std::cbrt(h[b]);
    std::vector<double> c(k);
    for (size_t j = 0; j < k; ++j) {
        const double t = (double(j) + 0.5) / double(k) * cum.back();
        size_t b = static_cast<size_t>(std::upper_bound(cum.begin(), cum.end(), t) - cum.begin());
        b = std::min(std::max<size_t>(b, 1) - 1, h.size() - 1);
        const double width = cum[b + 1] - cum[b];
        const double f = width > 0 ? (t - cum[b]) / width : 0.5;
        c[j] = lo + (double(b) + f) / scale;
    }
    return c;
}

Codebook codebookFromCentroids(const std::vector<double>& c, const std::string& name)
{
    std::vector<double> v;
    v.reserve(c.size());
    for (double x : c)
        v.push_back(static_cast<float>(x));
    return makeCodebook(v, name);
}

} // namespace

int Codebook::bitsPerCode() const
{
    int b = 1;
    while ((size_t(1) << b) < values.size())
        ++b;
    return b;
}

const Codebook& nf4Codebook()
{
    static const Codebook cb = makeTable(
        Codebook::Kind::NF4, "NF4",
        {-1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
         -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
         0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
         0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f});
    return cb;
}

const Codebook& bnbFp4Codebook()
{
    static const Codebook cb = [] {
        const float mag[8] = {0.0f, 0.005208333333f, 0.66666667f, 1.0f, 0.33333333f,
                              0.5f, 0.16666667f,     0.25f};
        std::vector<float> v(16);
        for (int i = 0; i < 16; ++i)
            v[static_cast<size_t>(i)] = (i & 8) ? -mag[i & 7] : mag[i & 7];
        return makeTable(Codebook::Kind::FP4, "FP4", v);
    }();
    return cb;
}

const Codebook& bnbDynamicCodebook()
{
    static const Codebook cb = makeTable(Codebook::Kind::Dynamic, "dynamic8", bnbDynamicMap());
    return cb;
}

Codebook makeCodebook(const std::vector<double>& values, const std::string& name)
{
    if (values.empty())
        throw Error("code book '" + name + "' is empty: give at least one value");
    if (values.size() > 65536)
        throw Error("code book '" + name + "' has " + std::to_string(values.size()) +
                    " values; at most 65536 are allowed");
    std::vector<float> v;
    v.reserve(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
        const double d = values[i];
        if (!std::isfinite(d) || std::fabs(d) > std::numeric_limits<float>::max())
            throw Error("code book '" + name + "': value " + std::to_string(i + 1) +
                        " is not a finite float32 number");
        v.push_back(static_cast<float>(d) == 0.0f ? 0.0f : static_cast<float>(d));
    }
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    Codebook cb;
    cb.name = name;
    cb.values = std::move(v);
    return cb;
}

int32_t nearestCode(const Codebook& cb, float v)
{
    const std::vector<float>& t = cb.values;
    if (cb.kind == Codebook::Kind::NF4 || cb.kind == Codebook::Kind::FP4) { // linear scan
        int32_t best = 0;
        for (size_t i = 1; i < t.size(); ++i) {
            const double di = std::fabs(double(v) - t[i]);
            const double db = std::fabs(double(v) - t[static_cast<size_t>(best)]);
            const float ab = std::fabs(t[static_cast<size_t>(best)]), ai = std::fabs(t[i]);
            if (di < db || (di == db && (ai < ab || (ai == ab && t[i] > t[size_t(best)]))))
                best = static_cast<int32_t>(i);
        }
        return best;
    }
    const size_t hi = static_cast<size_t>(std::lower_bound(t.begin(), t.end(), v) - t.begin());
    if (hi == 0)
        return 0;
    if (hi == t.size())
        return static_cast<int32_t>(t.size() - 1);
    const size_t lo = hi - 1;
    const double dLo = double(v) - t[lo]; // exact in double
    const double dHi = double(t[hi]) - v;
    if (dLo < dHi)
        return static_cast<int32_t>(lo);
    if (dHi < dLo)
        return static_cast<int32_t>(hi);
    // Exact midpoint: smaller magnitude wins; between -a and +a, +a.
    return std::fabs(t[lo]) < std::fabs(t[hi]) ? static_cast<int32_t>(lo)
                                               : static_cast<int32_t>(hi);
}

LowbitResult quantizeWithCodebook(const float* x, int64_t n, const Codebook& cb,
                                  const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    if (n < 1)
        throw Error(cb.name + ": the tensor is empty");
    if (x == nullptr)
        throw Error(cb.name + ": no data (null pointer)");
    if (cb.values.empty())
        throw Error(cb.name + ": the code book is empty");
    LowbitResult r;
    r.format = cb.name;
    sizeLowbitBuffers(r, n, LowbitCodes{0, int64_t(cb.values.size())}); // the indices
    r.codebook = cb.values;
    const SpecialCodes sc = specialCodes(cb);
    const float vmin = cb.values[static_cast<size_t>(sc.minusMax)];
    const float vmax = cb.values[static_cast<size_t>(sc.plusMax)];
    // The stored table counts as scales: 32 bits per value.
    formats_detail::setStorage(r, static_cast<int64_t>(cb.values.size()),
                               formats_detail::blockScaleSplit(
                                   n, cb.bitsPerCode(), static_cast<int64_t>(cb.values.size()), 32),
                               n);
    formats_detail::forEachElement(r, n, cancel, [&](int64_t i, LowbitCounts& c) {
        const float v = x[i];
        if (!std::isfinite(v)) {
            formats_detail::keepNonfinite(r, i, v, sc.zero, sc.plusMax, sc.minusMax, c);
            return;
        }
        const int32_t code = nearestCode(cb, v);
        const LowbitOut out = formats_detail::outputsOf(r);
        out.setCode(i, code);
        out.value(i) = cb.values[static_cast<size_t>(code)];
        if (v > vmax || v < vmin)
            c.saturate(v);
        else if (v != 0.0f && out.value(i) == 0.0f)
            ++c.flushed;
    }).storeIn(r);
    return r;
}

namespace {

// An NF4 block of finite values with absmax > 0, without a branch: the code is the number of
// thresholds below x / absmax (nf4Code). Nothing saturates: the caller checked that the code
// book spans [-1, 1], and |x| <= absmax.
void nf4FiniteBlock(const float* x, const BlockSpan& s, const float* values, float absmax,
                    float inv, LowbitResult& r, LowbitCounts& c)
{
    BlockSpan rest = s;
    rest.start += formats_detail::nf4Eights(x, s, formats_detail::outputsOf(r), kNf4Thresholds,
                                            values, absmax, inv, c.flushed);
    if (rest.start == rest.end)
        return;
    formats_detail::writeFinite(x, rest, r, c, [=](float v, int32_t& code, int32_t& sat) {
        const float scaled = v * inv;
        int32_t k = 0;
        for (float t : kNf4Thresholds)
            k += scaled > t ? 1 : 0;
        code = k;
        sat = 0;
        return values[k] * absmax;
    });
}

// One absmax block of a code book: the scale is the largest finite magnitude, each element
// takes the code of x / absmax.
void absmaxBlock(const float* x, const BlockSpan& s, const Codebook& cb, const SpecialCodes& sc,
                 size_t bi, LowbitResult& r, LowbitCounts& c)
{
    const double vmin = cb.values[static_cast<size_t>(sc.minusMax)];
    const double vmax = cb.values[static_cast<size_t>(sc.plusMax)];
    const float nan = std::numeric_limits<float>::quiet_NaN();
    float absmax;
    const bool finite = formats_detail::absMaxIfFinite(x, s, absmax);
    if (!finite)
        absmax = formats_detail::finiteAbsMax(x, s);
    r.scales[bi] = absmax;
    if (finite && absmax > 0.0f && cb.kind == Codebook::Kind::NF4 && vmin <= -1.0 && vmax >= 1.0) {
        nf4FiniteBlock(x, s, cb.values.data(), absmax, 1.0f / absmax, r, c);
        return;
    }
    const float inv =
        absmax > 0.0f ? 1.0f / absmax : std::numeric_limits<float>::infinity(); // 1/0 in the kernel
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        if (!std::isfinite(v)) {
            formats_detail::keepNonfinite(r, i, v, sc.zero, sc.plusMax, sc.minusMax, c);
            continue;
        }
        // Zero block: 0 * inf = NaN, which the bitsandbytes trees send to code 0.
        const float scaled = absmax > 0.0f ? v * inv : nan;
        int32_t code;
        if (cb.kind == Codebook::Kind::Custom)
            code = absmax > 0.0f ? nearestCode(cb, scaled) : sc.zero;
        else
            code = codeOf(cb, scaled);
        out.setCode(i, code);
        out.value(i) = cb.values[static_cast<size_t>(code)] * absmax;
        if (absmax > 0.0f) {
            const double rel = double(v) / absmax;
            if (rel > vmax || rel < vmin)
                c.saturate(v);
            else if (v != 0.0f && out.value(i) == 0.0f)
                ++c.flushed;
        }
    }
}

// One block of absmax int8: q = round(x * 127 / absmax), x^ = q * absmax / 127.
void absmaxInt8Block(const float* x, const BlockSpan& s, size_t bi, LowbitResult& r,
                     LowbitCounts& c)
{
    const float absmax = formats_detail::finiteAbsMax(x, s);
    r.scales[bi] = absmax;
    const float mul = absmax > 0.0f ? 127.0f / absmax : 0.0f;
    const float step = absmax / 127.0f;
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        if (!std::isfinite(v)) {
            formats_detail::keepNonfinite(r, i, v, 0, 127, -127, c);
            continue;
        }
        // |v * mul| <= 127 up to one rounding; the clamp guards that spill and the +-inf of
        // a block of float32 subnormals (127 / absmax overflows); 0 * inf = NaN gives 0.
        const float t = std::nearbyint(v * mul);
        const float q = std::isnan(t) ? 0.0f : std::clamp(t, -127.0f, 127.0f);
        out.setCode(i, static_cast<int32_t>(q));
        out.value(i) = q * step;
        if (v != 0.0f && out.value(i) == 0.0f)
            ++c.flushed;
    }
}

} // namespace

LowbitResult quantizeBlockwiseAbsmax(const float* x, int64_t n, const Codebook& cb,
                                     int64_t blockSize, const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    if (cb.values.empty())
        throw Error(cb.name + ": the code book is empty");
    LowbitResult r;
    initBlocks(r, cb.name.c_str(), x, n, 0, blockSize,
               LowbitCodes{0, int64_t(cb.values.size())}); // the indices
    r.codebook = cb.values;
    const SpecialCodes sc = specialCodes(cb);
    formats_detail::setStorage(
        r, static_cast<int64_t>(cb.values.size()),
        formats_detail::blockScaleSplit(n, cb.bitsPerCode(), r.numBlocks(), 32), n);
    formats_detail::forEachBlockInRuns(r, n, cancel, [&](int64_t b, LowbitCounts& c) {
        absmaxBlock(x, formats_detail::blockSpan(r, b), cb, sc, static_cast<size_t>(b), r, c);
    }).storeIn(r);
    return r;
}

LowbitResult quantizeAbsmaxInt8Blockwise(const float* x, int64_t n, int64_t blockSize,
                                         const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    LowbitResult r;
    initBlocks(r, "absmax-int8", x, n, 0, blockSize, kSignedByteCodes);
    formats_detail::setStorage(r, 255, formats_detail::blockScaleSplit(n, 8, r.numBlocks(), 32),
                               n); // -127..127
    formats_detail::forEachBlockInRuns(r, n, cancel, [&](int64_t b, LowbitCounts& c) {
        absmaxInt8Block(x, formats_detail::blockSpan(r, b), static_cast<size_t>(b), r, c);
    }).storeIn(r);
    return r;
}

double codebookMse(const float* x, int64_t n, const Codebook& cb, const CancelToken* cancel)
{
    // Fixed chunks summed in order: the same result for any number of threads.
    constexpr int64_t kChunk = 65536;
    const int64_t chunks = n > 0 ? (n + kChunk - 1) / kChunk : 0;
    std::vector<double> sums(static_cast<size_t>(chunks), 0.0);
    std::vector<int64_t> counts(static_cast<size_t>(chunks), 0);
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (int64_t k = 0; k < chunks; ++k) {
        if (cancel && cancel->isCancelled())
            continue; // thrown below
        double sum = 0.0;
        int64_t count = 0;
        for (int64_t i = k * kChunk; i < std::min(n, (k + 1) * kChunk); ++i) {
            if (!std::isfinite(x[i]))
                continue;
            const double d = double(x[i]) - cb.values[static_cast<size_t>(nearestCode(cb, x[i]))];
            sum += d * d;
            ++count;
        }
        sums[static_cast<size_t>(k)] = sum;
        counts[static_cast<size_t>(k)] = count;
    }
    throwIfCancelled(cancel);
    double sum = 0.0;
    int64_t count = 0;
    for (int64_t k = 0; k < chunks; ++k) {
        sum += sums[static_cast<size_t>(k)];
        count += counts[static_cast<size_t>(k)];
    }
    return count > 0 ? sum / double(count) : 0.0;
}

Codebook lloydMaxCodebook(const float* x, int64_t n, int bits, const LloydMaxOptions& opt,
                          const CancelToken* cancel)
{
    if (bits < 1 || bits > 8)
        throw Error("Lloyd-Max: bits must be 1..8, got " + std::to_string(bits));
    if (n < 1)
        throw Error("Lloyd-Max: the tensor is empty");
    if (x == nullptr)
        throw Error("Lloyd-Max: no data (null pointer)");
    double lo = 0, hi = 0;
    throwIfCancelled(cancel);
    const Points pts = lloydPoints(x, n, opt, lo, hi);
    throwIfCancelled(cancel);
    const std::string name = "lloyd-max-" + std::to_string(bits);
    const size_t k = size_t(1) << bits;
    if (!(hi > lo))
        return codebookFromCentroids({lo}, name);

    std::vector<double> uniform(k);
    for (size_t j = 0; j < k; ++j)
        uniform[j] = lo + (hi - lo) * double(j) / double(k - 1);
    uniform[k - 1] = hi;

    std::vector<double> quantile(k);
    const double total = pts.cumW.back();
    for (size_t j = 0; j < k; ++j) {
        const double target = (double(j) + 0.5) / double(k) * total;
        size_t i = static_cast<size_t>(
            std::lower_bound(pts.cumW.begin() + 1, pts.cumW.end(), target) - pts.cumW.begin());
        i = std::min(i, pts.p.size()); // cumW index i covers points [0, i)
        quantile[j] = pts.p[i - 1];
    }

    // Lloyd from several starts; the best on the points (a histogram keeps the ranking: its
    // within-bin variance is the same for every bin-respecting partition) is then compared with
    // the uniform grid on the full data.
    const double tol = 1e-9 * (hi - lo);
    std::vector<std::vector<double>> starts = {quantile, uniform};
    for (int bins : {32, 128, 512})
        starts.push_back(compandedStart(pts, k, bins, lo, hi));
    std::vector<double> bestStart;
    double bestSse = std::numeric_limits<double>::infinity();
    for (auto& c : starts) {
        lloydIterate(pts, c, opt.maxIterations, tol, cancel);
        const double e = pts.sse(c);
        if (e < bestSse) {
            bestSse = e;
            bestStart = c;
        }
    }
    Codebook best = codebookFromCentroids(uniform, name);
    Codebook lloyd = codebookFromCentroids(bestStart, name);
    if (codebookMse(x, n, lloyd, cancel) < codebookMse(x, n, best, cancel))
        best = std::move(lloyd);
    return best;
}

LowbitResult quantizeLloydMax(const float* x, int64_t n, int bits, const LloydMaxOptions& options,
                              const CancelToken* cancel)
{
    return quantizeWithCodebook(x, n, lloydMaxCodebook(x, n, bits, options, cancel), cancel);
}

} // namespace qs
