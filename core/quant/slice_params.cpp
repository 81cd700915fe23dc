// The range phase of quantizeInto: each slice's min / max, its clipping range by the config's
// method, then its scale and zero point.
#include "core/base/huge_pages.h"
#include "core/quant/quantize_internal.h"
#include "core/quant/strided_tiles.h"
#include "core/range/range.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace qs::quantize_detail {

void checkParams(double s, int64_t z, const QuantConfig& config, int64_t slice)
{
    auto where = [slice] { return " (slice " + std::to_string(slice) + ")"; };
    if (!(std::isfinite(s) && s > 0))
        throw Error("quantization scale must be finite and positive, got " + std::to_string(s) +
                    where());
    if (config.float32Params) {
        const float sf = float(s);
        if (!(sf > 0 && std::isfinite(sf) && std::isfinite(1.0f / sf)))
            throw Error("scale " + std::to_string(s) + " is not representable in float32" +
                        where() + ": turn off float32 parameters");
    }
    if (std::fabs(double(z)) > kMaxZeroPoint)
        throw Error("zero point " + std::to_string(z) + " is too large (|z| > 2^30)" + where() +
                    ": the range is too narrow for its distance from zero; turn on "
                    "'range includes zero'");
}

namespace {

// Scale and zero point of a slice from its clipping range [lo, hi] (already widened).
void sliceParams(double lo, double hi, const QuantConfig& config, int64_t qmin, int64_t qmax,
                 int64_t slice, double& s, int64_t& z)
{
    const ConstantRange cr = config.constantRange;
    const double kTorchEps = 1.0 / double(1 << 23); // float32 eps, torch's minimum scale
    const double kFloatTiny = double(std::numeric_limits<float>::min()); // ORT's threshold
    if (config.scheme == Scheme::Symmetric) {
        const double amax = std::max(std::fabs(lo), std::fabs(hi));
        z = config.symmetricZeroPoint();
        const double denom = config.symmetricScale == SymmetricScale::MaxCode
                                 ? double((int64_t(1) << (config.bits - 1)) - 1)
                                 : double(qmax - qmin) / 2.0;
        s = config.float32Params ? double(float(amax) / float(denom)) : amax / denom;
        if (cr == ConstantRange::PyTorchEps)
            s = std::max(s, kTorchEps);
        else if (cr == ConstantRange::OnnxOne && s < kFloatTiny) {
            s = 1;
            z = 0;
        } else if (s == 0) // all zeros: any scale reconstructs them exactly
            s = cr == ConstantRange::FbgemmPointOne ? 0.1 : 1.0;
        return;
    }
    if (hi == lo && cr == ConstantRange::Exact) {
        // Constant slice: scale |c| puts c exactly on code qmin (z = qmin - sign(c)); an
        // all-zero slice gets scale 1 and z = qmin. No division by zero, exact reconstruction.
        s = lo == 0 ? 1.0 : std::fabs(lo);
        z = qmin - (lo > 0 ? 1 : (lo < 0 ? -1 : 0));
        return;
    }
    double zr;
    if (config.float32Params) {
        const float sf = (float(hi) - float(lo)) / float(qmax - qmin);
        s = sf;
        zr = (sf > 0 && std::isfinite(sf)) ? double(float(lo) / sf) : 0.0;
    } else {
        s = (hi - lo) / double(qmax - qmin);
        zr = s > 0 ? lo / s : 0.0;
    }
    // The reference systems' floors on the scale; the zero point follows from the new scale.
    const bool floorScale = (cr == ConstantRange::PyTorchEps && s < kTorchEps) ||
                            (cr == ConstantRange::FbgemmPointOne && s == 0);
    if (cr == ConstantRange::OnnxOne && s < kFloatTiny) {
        s = 1;
        z = 0;
        return;
    }
    if (floorScale) {
        s = cr == ConstantRange::PyTorchEps ? kTorchEps : 0.1;
        zr = config.float32Params ? double(float(lo) / float(s)) : lo / s;
    }
    if (!std::isfinite(s) || !(s > 0))
        throw Error("the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "] gives no usable scale (slice " + std::to_string(slice) +
                    (config.float32Params ? "): turn off float32 parameters" : ")"));
    const Rounding zr_rule = config.zeroPointRounding == Rounding::Stochastic
                                 ? Rounding::HalfEven
                                 : config.zeroPointRounding;
    const double zq = double(qmin) - roundBy(zr_rule, zr);
    if (!(std::fabs(zq) <= kMaxZeroPoint))
        throw Error("zero point " + std::to_string(zq) + " is too large (|z| > 2^30) (slice " +
                    std::to_string(slice) +
                    "): the range is too narrow for its distance from zero; turn on 'range "
                    "includes zero'");
    z = int64_t(zq);
    if (config.includeZero) // rounding noise only: the widened range holds 0
        z = std::clamp(z, qmin, qmax);
}

// True when a slice's range is its min and max: min-max, and the methods that optimise the
// parameters afterwards (optimized_params.cpp), which start from min-max's.
bool minMaxRangeOnly(const QuantConfig& config)
{
    return config.range == RangeMethod::MinMax || optimizesParams(config.range);
}

// Range of one slice as config's method picks it, from its min/max and (for the other
// methods) its values. MinMax is the same as estimateRange's, without a second pass.
Range methodRange(const MinMax& mm, const float* values, int64_t n, const QuantConfig& config)
{
    if (!minMaxRangeOnly(config))
        return estimateRange(values, n, config);
    if (config.scheme == Scheme::Symmetric) {
        const double a = std::max(std::fabs(mm.lo), std::fabs(mm.hi));
        return {-a, a};
    }
    return {mm.lo, mm.hi};
}

// Scale, zero point and ranges of slice s from its min / max and clipping range.
void fillSlice(QuantParams& p, int64_t s, const MinMax& mm, const Range& range,
               const QuantConfig& config)
{
    double lo = 0, hi = 0;
    p.dataMin[s] = mm.finite > 0 ? mm.lo : 0.0;
    p.dataMax[s] = mm.finite > 0 ? mm.hi : 0.0;
    if (mm.finite > 0) {
        lo = range.lo;
        hi = range.hi;
    }
    if (config.scheme == Scheme::Asymmetric && config.includeZero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    double sc;
    int64_t z;
    sliceParams(lo, hi, config, config.paramQmin(), config.paramQmax(), s, sc, z);
    if (config.reciprocalScale) {
        // TensorRT (pytorch-quantization): max_bound = 2^(b-1) - 1 and s' = max_bound /
        // amax in float32; amax <= 2^-24 (in float32) quantizes to all zeros.
        const float amax = float(std::max(std::fabs(lo), std::fabs(hi)));
        const float maxBound = float((int64_t(1) << (config.bits - 1)) - 1);
        const float r = amax <= 0x1p-24f ? 0.0f : maxBound / amax;
        p.reciprocal[size_t(s)] = r;
        sc = r > 0 ? 1.0 / double(r) : 1.0;
        z = 0;
        const float div = r > 0 ? r : 1.0f;
        checkParams(sc, z, config, s);
        p.scale[s] = sc;
        p.zeroPoint[s] = z;
        p.rangeMin[s] = double(float(p.qmin) / div);
        p.rangeMax[s] = double(float(p.qmax) / div);
        return;
    }
    checkParams(sc, z, config, s);
    p.scale[s] = sc;
    p.zeroPoint[s] = z;
    p.rangeMin[s] = sc * double(p.qmin - z);
    p.rangeMax[s] = sc * double(p.qmax - z);
}

// Room for ns slices in the per-slice parameter vectors (huge pages, huge_pages.h); returns
// their bytes, for populatePages().
std::vector<std::pair<const void*, size_t>> reserveParams(QuantParams& p, int64_t ns)
{
    std::vector<std::pair<const void*, size_t>> bytes;
    for (std::vector<double>* v : {&p.scale, &p.rangeMin, &p.rangeMax, &p.dataMin, &p.dataMax}) {
        reserveHugePages(*v, size_t(ns));
        bytes.push_back(capacityBytes(*v));
    }
    reserveHugePages(p.zeroPoint, size_t(ns));
    bytes.push_back(capacityBytes(p.zeroPoint));
    return bytes;
}

// Sizes the per-slice parameter vectors for ns slices (fillSlice assigns every element).
void sizeParams(QuantParams& p, int64_t ns, const QuantConfig& config)
{
    reserveParams(p, ns);
    for (std::vector<double>* v : {&p.scale, &p.rangeMin, &p.rangeMax, &p.dataMin, &p.dataMax})
        v->resize(size_t(ns));
    p.zeroPoint.resize(size_t(ns));
    if (config.reciprocalScale)
        p.reciprocal.assign(size_t(ns), 0.0f);
    else
        p.reciprocal.clear();
}

// Fresh memory for many slices (half a million groups: ~60 MB) is faulted in by both threads at
// once before anything touches it (huge_pages.h).
void populateManySlices(QuantParams& p, int64_t ns, std::vector<uint8_t>& empty,
                        SliceMetrics& sliceMetrics)
{
    if (ns < (int64_t(1) << 15))
        return;
    std::vector<std::pair<const void*, size_t>> bytes = reserveParams(p, ns);
    reserveHugePages(empty, size_t(ns));
    reserveHugePages(sliceMetrics.storage(), size_t(ns));
    bytes.push_back(capacityBytes(empty));
    bytes.push_back(capacityBytes(sliceMetrics.storage()));
    populatePages(bytes);
}

// Writes slice s: its parameters, and whether it is constant or has no finite value.
struct SliceWriter {
    QuantParams& p;
    std::vector<uint8_t>& empty;
    const QuantConfig& config;

    void operator()(int64_t s, const MinMax& mm, const Range& range, SliceCounts& counts) const
    {
        fillSlice(p, s, mm, range, config);
        counts.constant += mm.finite > 0 && mm.lo == mm.hi;
        counts.empty += mm.finite == 0;
        empty[size_t(s)] = mm.finite == 0;
    }
};

// One slice over the whole tensor.
SliceCounts wholeTensorParams(const float* x, int64_t n, const QuantConfig& config,
                              const SliceWriter& write, const CancelToken* cancel)
{
    MinMax mm;
    Range range;
    if (config.range == RangeMethod::Percentile && config.scheme != Scheme::Symmetric) {
        // Two-tailed percentile: its selection also yields min and max (percentiles 0 and
        // 100), so the min-max scan is skipped (config.validate() checked p).
        const PercentileExtremes e = percentileRangeAndExtremes(x, n, config.percentile);
        throwIfCancelled(cancel);
        if (e.finite > 0) {
            mm.lo = e.min;
            mm.hi = e.max;
            mm.finite = e.finite;
            range = e.range;
        }
    } else {
        // Last block first: the quantize pass that follows starts at block 0, which is then the
        // most recently read and, for a tensor larger than the last-level cache, still in it.
        const int64_t nb = (n + kBlock - 1) / kBlock;
        std::vector<MinMax> part(static_cast<size_t>(nb));
        parallelFor<true>(nb, n >= kParallelMin, cancel, [&](int64_t i) {
            const int64_t b = nb - 1 - i;
            minMaxRun(x, b * kBlock, std::min(kBlock, n - b * kBlock), 1, part[size_t(b)]);
        });
        mm = combineInOrder(part);
        if (mm.finite > 0)
            range = methodRange(mm, x, n, config);
    }
    SliceCounts counts;
    write(0, mm, range, counts);
    return counts;
}

// Slices [s0, s1): min / max (strided slices: minMaxStrided), each slice's range, then its
// parameters. buf: this thread's room for a slice's values (methods other than min-max).
void batchParams(const float* x, const SliceLayout& layout, int64_t s0, int64_t s1, bool strided,
                 const QuantConfig& config, const SliceWriter& write, std::vector<float>& buf,
                 SliceCounts& counts)
{
    MinMax mm[kMaxBatch];
    if (strided)
        minMaxStrided(layout, s0, s1, x, mm);
    else
        for (int64_t s = s0; s < s1; ++s)
            layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t st) {
                minMaxRun(x, off, cnt, st, mm[s - s0]);
            });
    for (int64_t s = s0; s < s1; ++s) {
        const MinMax& m = mm[s - s0];
        Range range;
        if (m.finite > 0 && minMaxRangeOnly(config)) {
            range = methodRange(m, nullptr, 0, config);
        } else if (m.finite > 0) {
            gatherSlice(x, layout, s, buf);
            range = methodRange(m, buf.data(), int64_t(buf.size()), config);
        }
        write(s, m, range, counts);
    }
}

// Slices B at a time (batchParams). A work item that meets an error keeps it; the first item's
// is thrown, which names the first slice that has one, as a serial loop would.
SliceCounts batchedParams(const float* x, int64_t n, const SliceLayout& layout,
                          const QuantConfig& config, const SliceWriter& write,
                          const CancelToken* cancel)
{
    const bool strided = stridedSlices(layout);
    const SliceBatches batches(layout.numSlices(), strided, kMaxBatch);
    std::vector<SliceCounts> counts(static_cast<size_t>(batches.count));
    std::vector<std::exception_ptr> errors(static_cast<size_t>(batches.count));
    std::vector<std::vector<float>> buffers(static_cast<size_t>(threadCount()));
    const bool parallel = n >= kParallelMin || !minMaxRangeOnly(config);
    batches.run(parallel, cancel, [&](int64_t bi, int64_t s0, int64_t s1) {
        try {
            batchParams(x, layout, s0, s1, strided, config, write, buffers[size_t(threadId())],
                        counts[size_t(bi)]);
        } catch (const Error&) {
            errors[size_t(bi)] = std::current_exception();
        }
    });
    for (const std::exception_ptr& e : errors)
        if (e)
            std::rethrow_exception(e);
    return combineInOrder(counts);
}

} // namespace

SliceCounts computeSliceParams(const Tensor& t, const QuantConfig& config, QuantParams& p,
                               std::vector<uint8_t>& empty, SliceMetrics& sliceMetrics,
                               const CancelToken* cancel)
{
    p.qmin = config.qmin();
    p.qmax = config.qmax();
    p.layout = makeSliceLayout(t.shape, config.granularity, config.axis, config.groupSize);
    const int64_t ns = p.layout.numSlices();
    populateManySlices(p, ns, empty, sliceMetrics);
    sizeParams(p, ns, config);
    empty.resize(size_t(ns));
    const SliceWriter write{p, empty, config};
    if (ns == 1)
        return wholeTensorParams(t.data.data(), t.numel(), config, write, cancel);
    return batchedParams(t.data.data(), t.numel(), p.layout, config, write, cancel);
}

} // namespace qs::quantize_detail
