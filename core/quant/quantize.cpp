// The public entry points of the quantization engine (quantize.h); the steps live in the files
// listed in quantize_internal.h.
#include "core/quant/quantize.h"

#include "core/base/huge_pages.h"
#include "core/base/stopwatch.h"
#include "core/formats/float16.h"
#include "core/quant/code_width.h"
#include "core/quant/fused_histograms.h"
#include "core/quant/lowbit_quantize.h"
#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <vector>

namespace qs {

using namespace quantize_detail;

namespace {

std::atomic<int> g_minCodeWidth{1}; // detail::useCodeWidth

} // namespace

int64_t quantize_detail::storedCodeSpan(int64_t qmin, int64_t qmax)
{
    return g_minCodeWidth.load(std::memory_order_relaxed) >= 2 ? CodeBuffer::kMaxSpan
                                                               : qmax - qmin + 1;
}

void detail::useCodeWidth(int bytes)
{
    if (bytes != 1 && bytes != 2)
        throw Error("a code width is 1 or 2 bytes, not " + std::to_string(bytes));
    g_minCodeWidth.store(bytes);
}

namespace {

// The sums, counts and used codes of fp16 / bf16 values of cnt inputs x, their values xh and
// bit patterns codes, added in element order.
void addFloatPairs(const float* x, const float* xh, const uint16_t* codes, int64_t cnt,
                   uint8_t* used, Acc& a)
{
    for (int64_t k = 0; k < cnt; ++k) {
        const float xv = x[k];
        if (!std::isfinite(xv)) {
            ++a.nonfinite;
            continue;
        }
        used[codes[k]] = 1;
        if (std::isinf(xh[k])) { // overflow: an infinite error, and a clipped value
            a.clipLow += xh[k] < 0;
            a.clipHigh += xh[k] > 0;
        }
        a.addPair(xv, xh[k]);
    }
}

FloatConversionCounts& operator+=(FloatConversionCounts& a, const FloatConversionCounts& b)
{
    a.overflow += b.overflow;
    a.flushedToZero += b.flushedToZero;
    a.subnormal += b.subnormal;
    return a;
}

// The sample `values` asks for, in runs of kSampleRun elements as showValues makes them.
void sampleFloat(FloatFormat f, const Tensor& t, ValueObserver& values, const CancelToken* cancel)
{
    const int64_t n = t.numel(), runs = (n + kSampleRun - 1) / kSampleRun;
    const int64_t k = values.sampleStride(runs, n);
    if (k == 0)
        return;
    parallelFor(sampledParts(runs, k), n >= kParallelMin, cancel, [&](int64_t j) {
        alignas(64) float xh[kSampleRun];
        const int64_t off = sampledPart(j, k) * kSampleRun, cnt = std::min(kSampleRun, n - off);
        convertToFormat(f, t.data.data() + off, cnt, xh, nullptr);
        values.sample(off, xh, cnt);
    });
    values.sampled();
}

// fp16 / bf16: round each value, keep the bit pattern as the code. With the outputs off
// (`written`), each block goes through scratch pieces shown to written.values.
void runFloat(const Tensor& t, const QuantConfig& config, QuantResult& r, const CancelToken* cancel,
              const QuantOutputs& written = QuantOutputs())
{
    const FloatFormat f = config.scheme == Scheme::FP16 ? FloatFormat::Half : FloatFormat::BFloat16;
    const FloatFormatInfo info = floatFormatInfo(f);
    const int64_t n = t.numel();
    const int nt = threadCount();
    QuantParams& p = r.params;
    p.qmin = p.qmax = 0;
    p.layout = makeSliceLayout(t.shape, Granularity::PerTensor, 0, 1);
    p.scale.assign(1, 1.0);
    p.zeroPoint.assign(1, 0);
    p.rangeMin.assign(1, -info.maxFinite);
    p.rangeMax.assign(1, info.maxFinite);

    const bool scratch = !(written.codes && written.dequantized);
    if (scratch && written.values)
        sampleFloat(f, t, *written.values, cancel);
    const int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<Acc> blocks(nb);
    std::vector<FloatConversionCounts> counts(nb);
    std::vector<MinMax> mm(nb);
    std::vector<uint8_t> used(size_t(nt) * 65536, 0);
    parallelFor(nb, n >= kParallelMin, cancel, [&](int64_t b) {
        const int64_t off = b * kBlock, cnt = std::min(kBlock, n - off);
        const float* x = t.data.data() + off;
        uint8_t* u = used.data() + size_t(threadId()) * 65536;
        minMaxRun(x, 0, cnt, 1, mm[b]);
        if (!scratch) {
            float* xh = r.dequantized.data() + off;
            uint16_t* codes = r.codes.raw16() + off; // bit patterns: offset 0
            counts[b] = convertToFormat(f, x, cnt, xh, codes);
            addFloatPairs(x, xh, codes, cnt, u, blocks[b]);
            return;
        }
        alignas(64) float xh[4 * kChunk];
        alignas(64) uint16_t codes[4 * kChunk];
        for (int64_t i = 0; i < cnt; i += 4 * kChunk) {
            const int64_t m = std::min(4 * kChunk, cnt - i);
            counts[b] += convertToFormat(f, x + i, m, xh, codes);
            addFloatPairs(x + i, xh, codes, m, u, blocks[b]);
            if (written.values)
                written.values->ready(off + i, xh, m);
        }
    });
    Acc total;
    MinMax all;
    for (int64_t b = 0; b < nb; ++b) {
        total.add(blocks[b]);
        r.floatCounts.overflow += counts[b].overflow;
        r.floatCounts.flushedToZero += counts[b].flushedToZero;
        r.floatCounts.subnormal += counts[b].subnormal;
        all.add(mm[b]);
    }
    p.dataMin.assign(1, all.finite > 0 ? all.lo : 0.0);
    p.dataMax.assign(1, all.finite > 0 ? all.hi : 0.0);
    const int64_t levelsUsed = countFlagged(used, nt, 65536);
    // 16 bits per element, no per-slice parameters.
    r.metrics = finalize(total, n, 16, 0, false, levelsUsed, 65536);
    r.sliceMetrics.setWhole(r.metrics);
}

void checkTensor(const Tensor& t)
{
    if (t.empty())
        throw Error("tensor '" + t.name + "' is empty: nothing to quantize");
    if (shapeProduct(t.shape) != t.numel())
        throw Error("tensor '" + t.name + "' has shape " + t.shapeString() + " but " +
                    std::to_string(t.numel()) + " values");
}

// Histograms of a finished result (fp16/bf16 and low-bit schemes), as HistogramRequest says.
void histogramsAfter(const Tensor& t, QuantResult& r, const HistogramRequest& h)
{
    if (h.valueBins <= 0 && h.errorBins <= 0)
        return;
    const Stopwatch clock;
    const float* x = t.data.data();
    const int64_t n = t.numel();
    if (h.valueBins > 0)
        r.valueHistogram = histogram(x, n, h.valueBins);
    if (h.errorBins > 0) {
        const double e = r.metrics.maxAbsError;
        r.errorHistogram = std::isfinite(e)
                               ? errorHistogram(x, r.dequantized.data(), n, h.errorBins, -e, e)
                               : errorHistogram(x, r.dequantized.data(), n, h.errorBins);
    }
    r.timingsMs["histograms"] = clock.total();
}

// The result's codes and values sized for t, those that `written` turns off released.
void sizeBuffers(const Tensor& t, const QuantConfig& config, QuantResult& r,
                 const QuantOutputs& written = QuantOutputs())
{
    const size_t n = size_t(t.numel());
    // Integer codes qmin..qmax (one byte for 8 bits and fewer); fp16 / bf16 bit patterns, 16 bits.
    if (written.codes && config.isInteger())
        r.codes.resizeForOverwrite(n, int32_t(config.qmin()),
                                   storedCodeSpan(config.qmin(), config.qmax()));
    else if (written.codes)
        r.codes.resizeForOverwrite(n, 0, CodeBuffer::kMaxSpan);
    else
        r.codes = CodeBuffer();
    if (!written.dequantized)
        r.dequantized = std::vector<float>();
    else if (r.dequantized.size() != n) {
        reserveHugePages(r.dequantized, n);
        r.dequantized.resize(n);
    }
}

// The outputs the caller did not ask for, released (their memory too).
void dropOutputs(QuantResult& r, const QuantOutputs& outputs)
{
    if (!outputs.codes)
        r.codes = CodeBuffer();
    if (!outputs.dequantized)
        r.dequantized = std::vector<float>();
}

// What the pass writes: everything, unless it can stream the outputs left out: the per-tensor
// integer pass either of them, the other passes that stream both together (fp16 / bf16 without
// an error histogram, which is measured on the written values).
QuantOutputs writtenOutputs(const Tensor& t, const QuantConfig& config,
                            const HistogramRequest& histograms, const QuantOutputs& outputs)
{
    if (config.isInteger() && config.granularity == Granularity::PerTensor)
        return outputs;
    const bool streams = streamsOutputs(config, t.shape) && !outputs.codes &&
                         !outputs.dequantized && (config.isInteger() || histograms.errorBins <= 0);
    return streams ? outputs : QuantOutputs();
}

// Clears everything of r but its buffers, which keep their capacity between calls (the
// parameter vectors are assigned by every path; sliceMetrics keeps its elements, each is
// assigned too: no refill of 500k entries).
void resetKeepingBuffers(QuantResult& r, const QuantConfig& config)
{
    r.config = config;
    r.params.qmin = 0;
    r.params.qmax = 0;
    r.params.layout = SliceLayout();
    r.params.codeValues.clear();
    r.params.offset.clear();
    r.params.reciprocal.clear();
    r.params.realZeroPoint.clear();
    r.params.scheme = config.scheme;
    r.params.float32Params = (config.float32Params || config.reciprocalScale) && config.isInteger();
    r.metrics = Metrics();
    r.floatCounts = FloatCounts();
    r.convergence = HqqTrace();
    r.constant = false;
    r.warnings.clear();
    r.timingsMs.clear();
    r.valueHistogram = Histogram();
    r.errorHistogram = Histogram();
}

// Per-slice work arrays, kept per calling thread between calls: with tens of thousands of
// slices, allocating them afresh each time costs more than the quantization itself.
std::vector<uint8_t>& emptySlicesScratch()
{
    static thread_local std::vector<uint8_t> empty; // 1 for a slice without finite values
    return empty;
}

// fp16 / bf16: nothing to choose, the format fixes every value.
void quantizeFloatFormat(const Tensor& t, const QuantConfig& config, QuantResult& r,
                         const CancelToken* cancel, const QuantOutputs& written, Stopwatch& clock)
{
    runFloat(t, config, r, cancel, written);
    r.timingsMs["range"] = 0.0;
    r.timingsMs["quantize"] = clock.lap();
    r.timingsMs["metrics"] = 0.0;
    addWarnings(r, SliceCounts());
}

// Integer schemes: the range phase, then codes, values, metrics and histograms in one pass.
void quantizeInteger(const Tensor& t, const QuantConfig& config, QuantResult& r,
                     const CancelToken* cancel, const HistogramRequest& histograms,
                     const QuantOutputs& written, Stopwatch& clock)
{
    std::vector<uint8_t>& empty = emptySlicesScratch();
    const SliceCounts counts =
        computeSliceParams(t, config, r.params, empty, r.sliceMetrics, cancel);
    if (optimizesParams(config.range))
        optimizeSliceParams(t, config, r.params, empty, r.convergence, cancel);
    r.timingsMs["range"] = clock.lap();
    FusedHistograms fused;
    prepareFused(r.params, empty, config, histograms, fused);
    runInteger(t, config, r, cancel, fused.any() ? &fused : nullptr, true, written);
    fused.mergeInto(r);
    r.timingsMs["quantize"] = clock.lap();
    // The metrics are accumulated inside the quantize pass; this is the time to combine them.
    addWarnings(r, counts);
    r.timingsMs["metrics"] = clock.lap();
}

// The checks of quantizeWithParams: params fit t and config.
void checkGivenParams(const Tensor& t, const QuantParams& params, const QuantConfig& config)
{
    const int64_t ns = params.layout.numSlices();
    if (params.layout.numel() != t.numel())
        throw Error("parameters were made for " + std::to_string(params.layout.numel()) +
                    " elements, tensor '" + t.name + "' has " + std::to_string(t.numel()));
    if (params.numSlices() != ns || int64_t(params.zeroPoint.size()) != ns)
        throw Error("parameters hold " + std::to_string(params.numSlices()) + " scales and " +
                    std::to_string(params.zeroPoint.size()) + " zero points for " +
                    std::to_string(ns) + " slices");
    if (params.qmin != config.qmin() || params.qmax != config.qmax())
        throw Error("parameters have the code range [" + std::to_string(params.qmin) + ", " +
                    std::to_string(params.qmax) + "], the config [" +
                    std::to_string(config.qmin()) + ", " + std::to_string(config.qmax()) + "]");
    if (!params.realZeroPoint.empty() && int64_t(params.realZeroPoint.size()) != ns)
        throw Error("parameters hold " + std::to_string(params.realZeroPoint.size()) +
                    " real zero points for " + std::to_string(ns) + " slices");
    if (config.reciprocalScale && int64_t(params.reciprocal.size()) != ns)
        throw Error("a reciprocal-scale config needs one reciprocal scale per slice; the "
                    "parameters hold " +
                    std::to_string(params.reciprocal.size()) + " for " + std::to_string(ns) +
                    " slices");
}

} // namespace

void quantizeInto(const Tensor& t, const QuantConfig& config, QuantResult& r,
                  const CancelToken* cancel)
{
    quantizeInto(t, config, r, cancel, HistogramRequest());
}

void quantizeInto(const Tensor& t, const QuantConfig& config, QuantResult& r,
                  const CancelToken* cancel, const HistogramRequest& histograms,
                  const Importance* importance, const QuantOutputs& outputs)
{
    Stopwatch clock;
    config.validate();
    checkTensor(t);
    if (importance)
        checkImportanceFor(t, config.scheme, *importance);
    resetKeepingBuffers(r, config);
    r.importance = importance ? importance->source : ImportanceSource();
    r.importanceValues =
        importance ? std::make_shared<const std::vector<float>>(importance->values) : nullptr;
    if (config.isLowbit()) { // float8/float4, MX, code books, GGML: lowbit_quantize.cpp
        // Nothing per element asked for (a plot of errors reads the values afterwards): the
        // format works in windows that stay in cache.
        const bool keep = outputs.codes || outputs.dequantized || histograms.errorBins > 0;
        quantizeLowbitInto(t, config, r, cancel, importance, outputs.values, keep);
        histogramsAfter(t, r, histograms);
        dropOutputs(r, outputs);
        return;
    }
    const QuantOutputs written = writtenOutputs(t, config, histograms, outputs);
    sizeBuffers(t, config, r, written);
    if (!config.isInteger()) {
        quantizeFloatFormat(t, config, r, cancel, written, clock);
        histogramsAfter(t, r, histograms);
    } else {
        quantizeInteger(t, config, r, cancel, histograms, written, clock);
    }
    if (outputs.values && !written.values)
        showValues(r.dequantized.data(), t.numel(), *outputs.values, cancel);
    dropOutputs(r, outputs);
    r.timingsMs["total"] = clock.total();
}

bool streamsValues(const QuantConfig& config)
{
    return (config.isInteger() && config.granularity == Granularity::PerTensor) ||
           config.scheme == Scheme::FP16 || config.scheme == Scheme::BF16 || config.isLowbit();
}

bool streamsValues(const QuantConfig& config, const std::vector<int64_t>& shape)
{
    return config.isLowbit() || streamsOutputs(config, shape);
}

void showValues(const float* xhat, int64_t n, ValueObserver& observer, const CancelToken* cancel)
{
    constexpr int64_t kPart = int64_t(1) << 15;
    const int64_t runs = (n + kSampleRun - 1) / kSampleRun;
    if (const int64_t k = observer.sampleStride(runs, n)) {
        parallelFor(sampledParts(runs, k), n >= kParallelMin, cancel, [&](int64_t j) {
            const int64_t i0 = sampledPart(j, k) * kSampleRun;
            observer.sample(i0, xhat + i0, std::min(kSampleRun, n - i0));
        });
        observer.sampled();
    }
    parallelFor((n + kPart - 1) / kPart, n >= kParallelMin, cancel, [&](int64_t b) {
        const int64_t i0 = b * kPart;
        observer.ready(i0, xhat + i0, std::min(kPart, n - i0));
    });
}

QuantResult quantize(const Tensor& t, const QuantConfig& config, const CancelToken* cancel,
                     const Importance* importance)
{
    QuantResult r;
    quantizeInto(t, config, r, cancel, HistogramRequest(), importance);
    return r;
}

QuantResult quantizeWithParams(const Tensor& t, const QuantParams& params,
                               const QuantConfig& config, const CancelToken* cancel)
{
    const Stopwatch clock;
    config.validate();
    checkTensor(t);
    QuantResult r;
    r.config = config;
    if (config.isLowbit()) { // the format derives its own block scales from the data
        quantizeLowbitInto(t, config, r, cancel);
        return r;
    }
    sizeBuffers(t, config, r);
    if (!config.isInteger()) { // nothing to choose: the format fixes every value
        runFloat(t, config, r, cancel);
    } else {
        checkGivenParams(t, params, config);
        r.params = params;
        r.params.scheme = config.scheme;
        r.params.float32Params = config.float32Params || config.reciprocalScale;
        if (!config.reciprocalScale)
            r.params.reciprocal.clear();
        runInteger(t, config, r, cancel, nullptr, false);
    }
    addWarnings(r, SliceCounts());
    r.timingsMs["total"] = clock.total();
    return r;
}

double dequantizeCode(const QuantParams& p, int64_t slice, int64_t q)
{
    if (slice < 0 || slice >= p.numSlices())
        throw Error("slice " + std::to_string(slice) + " out of range [0, " +
                    std::to_string(p.numSlices()) + ")");
    if (isLowbitScheme(p.scheme))
        return lowbitDequantizeCode(p, slice, q);
    if (p.scheme == Scheme::FP16 || p.scheme == Scheme::BF16) {
        if (q < 0 || q > 65535)
            throw Error("code " + std::to_string(q) + " is not a 16-bit pattern");
        return fromFormatBits(p.scheme == Scheme::FP16 ? FloatFormat::Half : FloatFormat::BFloat16,
                              uint16_t(q));
    }
    if (!p.realZeroPoint.empty()) {
        const double z = p.zeroPointAt(slice);
        if (p.float32Params)
            return float(p.scale[size_t(slice)]) * (float(q) - float(z));
        return double(float(p.scale[size_t(slice)] * (double(q) - z)));
    }
    const int64_t z = p.zeroPoint[size_t(slice)];
    if (!p.reciprocal.empty()) {
        const float r = p.reciprocal[size_t(slice)];
        return float(q - z) / (r > 0 ? r : 1.0f);
    }
    if (p.float32Params)
        return float(p.scale[size_t(slice)]) * (float(q) - float(z));
    return double(float(p.scale[size_t(slice)] * double(q - z)));
}

std::vector<double> quantizationGrid(const QuantParams& p, int64_t slice)
{
    if (slice < 0 || slice >= p.numSlices())
        throw Error("slice " + std::to_string(slice) + " out of range [0, " +
                    std::to_string(p.numSlices()) + ")");
    if (isLowbitScheme(p.scheme))
        return lowbitGrid(p, slice);
    if (p.scheme == Scheme::FP16 || p.scheme == Scheme::BF16)
        return finiteFormatValues(p.scheme == Scheme::FP16 ? FloatFormat::Half
                                                           : FloatFormat::BFloat16);
    std::vector<double> grid;
    grid.reserve(size_t(p.qmax - p.qmin + 1));
    for (int64_t q = p.qmin; q <= p.qmax; ++q)
        grid.push_back(dequantizeCode(p, slice, q));
    return grid;
}

} // namespace qs
