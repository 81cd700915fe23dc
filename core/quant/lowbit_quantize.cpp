// Low-bit schemes through quantize(): see lowbit_quantize.h.
#include "core/quant/lowbit_quantize.h"

#include "core/base/stopwatch.h"
#include "core/config/choices.h"
#include "core/formats/codebook.h"
#include "core/formats/ggml.h"
#include "core/formats/minifloat.h"
#include "core/formats/mx.h"
#include "core/formats/nvfp4.h"
#include "core/quant/lowbit_sums.h"
#include "core/quant/quantize_internal.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <omp.h>

namespace qs {

namespace {

using quantize_detail::addSums;
using quantize_detail::LowbitBlocks;
using quantize_detail::LowbitSlices;

// Length of a row for the formats whose blocks never cross rows (MX, GGML): the last axis.
int64_t lastAxisLength(const Tensor& t)
{
    return t.shape.empty() ? t.numel() : t.shape.back();
}

// The element-wise float schemes and their formats.
bool isMiniFloatScheme(Scheme s)
{
    return s == Scheme::E4M3 || s == Scheme::E5M2 || s == Scheme::E4M3FNUZ ||
           s == Scheme::E5M2FNUZ || s == Scheme::E2M1;
}

MiniFloat miniFloatOf(Scheme s)
{
    return s == Scheme::E4M3       ? MiniFloat::E4M3
           : s == Scheme::E5M2     ? MiniFloat::E5M2
           : s == Scheme::E4M3FNUZ ? MiniFloat::E4M3FNUZ
           : s == Scheme::E5M2FNUZ ? MiniFloat::E5M2FNUZ
                                   : MiniFloat::E2M1;
}

MxFormat mxOf(Scheme s)
{
    static const std::pair<Scheme, MxFormat> kFormats[] = {
        {Scheme::MXFP8_E4M3, MxFormat::MXFP8_E4M3},
        {Scheme::MXFP8_E5M2, MxFormat::MXFP8_E5M2},
        {Scheme::MXFP6_E2M3, MxFormat::MXFP6_E2M3},
        {Scheme::MXFP6_E3M2, MxFormat::MXFP6_E3M2},
        {Scheme::MXFP4, MxFormat::MXFP4}};
    for (const auto& [scheme, format] : kFormats)
        if (scheme == s)
            return format;
    return MxFormat::MXINT8;
}

GgmlType ggmlOf(Scheme s)
{
    return ggmlTypeFromName(toName(s)); // the scheme names are the type names in lower case
}

// The integer a code stands for in the GGML types whose code values are q - shift.
int64_t ggmlCodeShift(Scheme s)
{
    return s == Scheme::Q4_0   ? 8
           : s == Scheme::Q5_0 ? 16
           : s == Scheme::Q3_K ? 4
           : s == Scheme::Q6_K ? 32
                               : 0;
}

// Code range and the value of every code before the block scale (x^ = value * scale + offset).
void codeTable(Scheme s, const LowbitResult& lr, QuantParams& p)
{
    p.codeValues.clear();
    auto minifloatTable = [&](MiniFloat f) {
        const int bits = miniFloatInfo(f).bits();
        p.qmin = 0;
        p.qmax = (int64_t(1) << bits) - 1;
        for (int c = 0; c <= p.qmax; ++c)
            p.codeValues.push_back(float(decodeMiniFloat(f, uint8_t(c))));
    };
    auto linear = [&](int64_t lo, int64_t hi, int64_t shift, float div) {
        p.qmin = lo;
        p.qmax = hi;
        for (int64_t q = lo; q <= hi; ++q)
            p.codeValues.push_back(float(q - shift) / div);
    };
    if (isMiniFloatScheme(s)) {
        minifloatTable(miniFloatOf(s));
        return;
    }
    if (isMxScheme(s) && s != Scheme::MXINT8) {
        minifloatTable(mxElement(mxOf(s)));
        return;
    }
    switch (s) {
    case Scheme::NVFP4:
        minifloatTable(MiniFloat::E2M1);
        break;
    case Scheme::MXINT8:
        linear(-128, 127, 0, 64.0f); // two's complement with 6 fraction bits
        break;
    case Scheme::Q8_0:
    case Scheme::AbsmaxInt8:
        linear(-127, 127, 0, 1.0f);
        break;
    case Scheme::Q4_0:
    case Scheme::Q4_1:
        linear(0, lr.codeLevels - 1, ggmlCodeShift(s), 1.0f);
        break;
    default: // code books: NF4, FP4, Codebook, LloydMax, IQ4_NL, IQ4_XS
        if (isSearchedGgmlScheme(s) && lr.codebook.empty()) {
            linear(0, lr.codeLevels - 1, ggmlCodeShift(s), 1.0f);
            break;
        }
        p.qmin = 0;
        p.qmax = int64_t(lr.codebook.size()) - 1;
        p.codeValues = lr.codebook;
        break;
    }
}

std::string percent(double fraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g%%", fraction * 100.0);
    return buf;
}

// Slices = blocks: groups of blockSize along rows of rowLength (inner 1); element-wise
// formats: one slice.
SliceLayout blockLayout(const Tensor& t, const LowbitBlocks& g, bool blockwise)
{
    if (!blockwise)
        return makeSliceLayout(t.shape, Granularity::PerTensor, 0, 1);
    SliceLayout l;
    l.kind = Granularity::PerGroup;
    l.axis = std::max(t.rank() - 1, 0);
    l.groupSize = g.blockSize;
    l.outer = t.numel() / g.rowLength;
    l.len = g.rowLength;
    l.inner = 1;
    l.groupsPerLine = g.perRow;
    return l;
}

// Scheme, code table, layout and zero points of lr in p (LowbitSlices sets the rest per block).
void setSchemeParams(const Tensor& t, const QuantConfig& config, const LowbitResult& lr,
                     QuantParams& p)
{
    p.scheme = config.scheme;
    p.float32Params = false;
    codeTable(config.scheme, lr, p);
    const LowbitBlocks g(lr);
    p.layout = blockLayout(t, g, lr.blockSize > 0);
    p.zeroPoint.assign(size_t(g.count), ggmlCodeShift(config.scheme));
}

// The distinct codes of the finite values (per-thread flags, no sort).
int64_t levelsUsed(const float* x, int64_t n, const QuantResult& r)
{
    const int64_t qmin = r.params.qmin, levels = r.params.qmax - qmin + 1;
    const int threads = omp_get_max_threads();
    std::vector<uint8_t> used(size_t(threads) * size_t(levels), 0);
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (int64_t i = 0; i < n; ++i) {
        const int64_t k = int64_t(r.codes[size_t(i)]) - qmin;
        if (std::isfinite(x[i]) && k >= 0 && k < levels)
            used[size_t(omp_get_thread_num()) * size_t(levels) + size_t(k)] = 1;
    }
    return quantize_detail::countFlagged(used, threads, levels);
}

// Whole tensor: the sums of the blocks (in block order: deterministic), the format's own
// saturation counts and storage, and the distinct codes of the finite values (codesUsed, or
// counted here when it is -1). Equal to lowbitMetrics() of the same result.
Metrics wholeMetrics(const Tensor& t, const LowbitResult& lr, const QuantResult& r,
                     int64_t codesUsed)
{
    SliceMetrics::Sums total;
    for (size_t b = 0; b < r.sliceMetrics.size(); ++b)
        addSums(total, r.sliceMetrics.sums(b));
    total.clippedLow = lr.saturatedNegative;
    total.clippedHigh = lr.saturated - lr.saturatedNegative;
    total.levelsUsed = codesUsed >= 0 ? codesUsed : levelsUsed(t.data.data(), t.numel(), r);
    Metrics m = metricsFromSums(total);
    m.levelsTotal = lr.codeLevels;
    m.originalBytes = 4 * t.numel();
    m.quantizedBits = double(lr.storageBits);
    m.quantizedBytes = (lr.storageBits + 7) / 8;
    m.bitsPerElement = lr.bitsPerElement;
    m.storage = lr.storage;
    return m;
}

// Float counts and warnings of a low-bit result.
void setLowbitWarnings(const QuantConfig& config, const LowbitResult& lr, int64_t n, QuantResult& r)
{
    const bool overflows =
        !config.saturate && isMiniFloatScheme(config.scheme) && config.scheme != Scheme::E2M1;
    r.floatCounts = FloatCounts();
    r.floatCounts.flushedToZero = lr.flushedToZero;
    if (overflows)
        r.floatCounts.overflow = lr.saturated;
    r.constant = false;
    r.warnings.clear();
    if (lr.nonfinite > 0)
        r.warnings.push_back(std::to_string(lr.nonfinite) +
                             " non-finite values (NaN/Inf) were excluded from the block scales "
                             "and the metrics; they keep their value in the reconstruction");
    if (lr.saturated > 0 && n > 0)
        r.warnings.push_back(std::to_string(lr.saturated) + " values (" +
                             percent(double(lr.saturated) / double(n)) +
                             (overflows ? ") overflowed (no saturation: NaN / inf)"
                                        : ") saturated at the largest representable magnitude"));
    if (lr.flushedToZero > 0)
        r.warnings.push_back(std::to_string(lr.flushedToZero) + " nonzero values flushed to zero");
    for (const std::string& w : lr.warnings)
        r.warnings.push_back(w);
}

} // namespace

void checkImportanceScheme(Scheme scheme)
{
    if (!hasImportancePath(scheme)) {
        std::string names;
        for (const Choice<Scheme>& c : choices<Scheme>())
            if (hasImportancePath(c.value))
                names += (names.empty() ? "" : ", ") + std::string(c.name);
        throw Error(
            "scheme '" + toName(scheme) + "' has no importance-weighted path" +
            (scheme == Scheme::Q8_0 ? " (llama.cpp's quantize_q8_0 ignores the imatrix)" : "") +
            "; importance applies to " + names);
    }
}

void checkImportanceFor(const Tensor& t, Scheme scheme, const Importance& importance)
{
    checkImportanceScheme(scheme);
    checkImportanceFits(importance, t.shape, t.name);
}

GgmlImportance ggmlImportanceOf(const Importance& importance)
{
    GgmlImportance g;
    g.weights = importance.values.data();
    g.groups = importance.source.groups;
    return g;
}

LowbitResult quantizeLowbit(const Tensor& t, const QuantConfig& c, const CancelToken* cancel,
                            const Importance* importance)
{
    if (!c.isLowbit())
        throw Error("quantizeLowbit: scheme '" + toName(c.scheme) + "' is not a low-bit format");
    c.validate();
    if (t.empty())
        throw Error("tensor '" + t.name + "' is empty: nothing to quantize");
    const float* x = t.data.data();
    const int64_t n = t.numel();
    GgmlImportance weights;
    if (importance) {
        checkImportanceFor(t, c.scheme, *importance);
        weights = ggmlImportanceOf(*importance);
    }
    const GgmlImportance* weighted = importance ? &weights : nullptr;
    if (isMiniFloatScheme(c.scheme))
        return quantizeMiniFloat(x, n, miniFloatOf(c.scheme), c.saturate, cancel);
    if (isMxScheme(c.scheme))
        return quantizeMx(x, n, mxOf(c.scheme), lastAxisLength(t), 32, cancel, c.mxScaleRounding);
    switch (c.scheme) {
    case Scheme::NVFP4:
        return quantizeNvfp4(x, n, lastAxisLength(t), cancel);
    case Scheme::Q8_0:
    case Scheme::Q4_0:
    case Scheme::Q4_1:
        return quantizeGgml(x, n, ggmlOf(c.scheme), lastAxisLength(t), cancel, weighted);
    case Scheme::NF4:
        return quantizeBlockwiseAbsmax(x, n, nf4Codebook(), c.groupSize, cancel);
    case Scheme::FP4:
        return quantizeBlockwiseAbsmax(x, n, bnbFp4Codebook(), c.groupSize, cancel);
    case Scheme::Codebook: {
        const Codebook cb = makeCodebook(c.codebook);
        return c.granularity == Granularity::PerGroup
                   ? quantizeBlockwiseAbsmax(x, n, cb, c.groupSize, cancel)
                   : quantizeWithCodebook(x, n, cb, cancel);
    }
    case Scheme::LloydMax:
        return quantizeLloydMax(x, n, c.bits, {}, cancel);
    case Scheme::AbsmaxInt8:
        return quantizeAbsmaxInt8Blockwise(x, n, c.groupSize, cancel);
    case Scheme::Dynamic8:
        return quantizeBlockwiseAbsmax(x, n, bnbDynamicCodebook(), c.groupSize, cancel);
    default:
        if (isSearchedGgmlScheme(c.scheme))
            return quantizeGgml(x, n, ggmlOf(c.scheme), lastAxisLength(t), cancel, weighted);
        break;
    }
    throw Error("quantizeLowbit: unhandled scheme '" + toName(c.scheme) + "'");
}

void quantizeLowbitInto(const Tensor& t, const QuantConfig& config, QuantResult& r,
                        const CancelToken* cancel, const Importance* importance,
                        ValueObserver* values, bool keep)
{
    Stopwatch clock;
    throwIfCancelled(cancel);
    // The format writes into r's buffers of the previous call (the GUI and the benchmark reuse
    // results), and reports each finished block to `slices` while it is in cache; whatever it
    // does not take is released and the observer unset, also when it throws.
    LowbitSlices slices(
        t.data.data(), config.scheme, r,
        [&](const LowbitResult& lr, QuantParams& p) { setSchemeParams(t, config, lr, p); }, values,
        !keep);
    struct Restore {
        ~Restore()
        {
            setLowbitObserver(nullptr);
            dropLentLowbitBuffers();
        }
    } restore;
    lendLowbitBuffers(std::move(r.codes), std::move(r.dequantized)); // released when not taken
    r.codes.clear();
    r.dequantized.clear();
    setLowbitObserver(&slices);
    LowbitResult lr = quantizeLowbit(t, config, cancel, importance);
    setLowbitObserver(nullptr);
    throwIfCancelled(cancel);
    r.config = config;
    const int64_t codesUsed = slices.finish(lr); // the blocks' sums were taken as they finished
    const double quantizeMs = clock.lap();
    r.codes = std::move(lr.codes);
    r.dequantized = std::move(lr.dequantized);
    recycleLowbitBlockVectors(std::move(lr.scales), std::move(lr.offsets));
    r.metrics = wholeMetrics(t, lr, r, codesUsed);
    if (lr.blockSize == 0)
        r.sliceMetrics.setWhole(r.metrics);
    setLowbitWarnings(config, lr, t.numel(), r);
    r.timingsMs.clear();
    r.timingsMs["range"] = 0.0;
    r.timingsMs["quantize"] = quantizeMs;
    r.timingsMs["metrics"] = clock.lap();
    r.timingsMs["total"] = clock.total();
}

double lowbitDequantizeCode(const QuantParams& p, int64_t slice, int64_t q)
{
    if (q < p.qmin || q > p.qmax || int64_t(p.codeValues.size()) != p.qmax - p.qmin + 1)
        throw Error("code " + std::to_string(q) + " is outside the code range [" +
                    std::to_string(p.qmin) + ", " + std::to_string(p.qmax) + "] of " +
                    toName(p.scheme));
    float v = p.codeValues[size_t(q - p.qmin)] * float(p.scale[size_t(slice)]);
    if (!p.offset.empty())
        v += float(p.offset[size_t(slice)]);
    return double(v);
}

std::vector<double> lowbitGrid(const QuantParams& p, int64_t slice)
{
    std::vector<double> grid;
    grid.reserve(p.codeValues.size());
    for (int64_t q = p.qmin; q <= p.qmax; ++q) {
        const double v = lowbitDequantizeCode(p, slice, q);
        if (std::isfinite(v))
            grid.push_back(v == 0.0 ? 0.0 : v); // -0 and +0 are one grid point
    }
    std::sort(grid.begin(), grid.end());
    grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
    return grid;
}

} // namespace qs
