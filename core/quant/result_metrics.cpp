// Metrics, storage and warnings of a quantization result.
#include "core/base/huge_pages.h"
#include "core/quant/quantize_internal.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace qs {

namespace {

void setStorage(Metrics& m, int64_t numel, const StorageSplit& split)
{
    m.originalBytes = 4 * numel;
    m.storage = split;
    m.quantizedBits = split.totalBits();
    m.quantizedBytes = int64_t(std::ceil(m.quantizedBits / 8.0));
    m.bitsPerElement = numel > 0 ? m.quantizedBits / double(numel) : 0.0;
}

std::string percentText(double fraction)
{
    std::ostringstream os;
    os.precision(3);
    os << fraction * 100.0 << "%";
    return os.str();
}

} // namespace

namespace quantize_detail {

StorageSplit integerStorage(int64_t numel, int bits, int64_t slices, bool asymmetric)
{
    StorageSplit split;
    split.payloadBits = double(numel) * bits;
    split.scaleBits = double(slices) * 32.0;
    split.minBits = asymmetric ? double(slices) * bits : 0.0;
    return split;
}

Metrics finalize(const Acc& a, int64_t numel, int bits, int64_t slices, bool asymmetric,
                 int64_t levelsUsed, int64_t levelsTotal)
{
    Metrics m = metricsFromSums(sumsOf(a, levelsUsed));
    m.levelsTotal = levelsTotal;
    setStorage(m, numel, integerStorage(numel, bits, slices, asymmetric));
    return m;
}

void addWarnings(QuantResult& r, const SliceCounts& counts)
{
    const Metrics& m = r.metrics;
    if (m.nonfinite > 0)
        r.warnings.push_back(std::to_string(m.nonfinite) +
                             " non-finite values (NaN/Inf) were excluded from the range and the "
                             "metrics; NaN maps to the zero point, +Inf to qmax, -Inf to qmin");
    if (counts.constant > 0) {
        r.constant = true;
        if (r.params.numSlices() == 1)
            r.warnings.push_back("constant tensor: every finite value is the same");
        else
            r.warnings.push_back(std::to_string(counts.constant) + " of " +
                                 std::to_string(r.params.numSlices()) +
                                 " slices are constant (max == min)");
    }
    if (counts.empty > 0)
        r.warnings.push_back(std::to_string(counts.empty) +
                             (r.params.numSlices() == 1 ? " tensor has" : " slices have") +
                             " no finite value; they were quantized as zeros");
    const double clipped = m.clippedLow + m.clippedHigh;
    if (clipped > 0.01)
        r.warnings.push_back("heavy clipping: " + percentText(clipped) +
                             " of the values lie outside the clipping range (" +
                             percentText(m.clippedLow) + " below, " + percentText(m.clippedHigh) +
                             " above)");
    if (r.floatCounts.overflow > 0)
        r.warnings.push_back(std::to_string(r.floatCounts.overflow) +
                             " values overflowed to +-inf");
    if (r.floatCounts.flushedToZero > 0)
        r.warnings.push_back(std::to_string(r.floatCounts.flushedToZero) +
                             " nonzero values flushed to zero");
}

} // namespace quantize_detail

using quantize_detail::Acc;
using quantize_detail::finalize;
using quantize_detail::kBlock;
using quantize_detail::kParallelMin;
using quantize_detail::parallelFor;

Metrics metricsFromSums(const SliceMetrics::Sums& a)
{
    Metrics m;
    m.count = a.count;
    m.nonfinite = a.nonfinite;
    m.signalPower = a.signalPower;
    m.errorPower = a.errorPower;
    if (a.count > 0) {
        m.mse = a.errorPower / double(a.count);
        m.mae = a.absError / double(a.count);
        m.clippedLow = double(a.clippedLow) / double(a.count);
        m.clippedHigh = double(a.clippedHigh) / double(a.count);
    }
    m.rmse = std::sqrt(m.mse);
    m.maxAbsError = a.maxAbsError;
    // SQNR = 10 log10(sum x^2 / sum e^2). A zero error gives +inf, also for an all-zero signal
    // (a perfect reconstruction); a zero signal with a nonzero error gives -inf.
    if (a.errorPower == 0)
        m.sqnrDb = std::numeric_limits<double>::infinity();
    else
        m.sqnrDb = 10.0 * std::log10(a.signalPower / a.errorPower);
    m.clippedLowCount = a.clippedLow;
    m.clippedHighCount = a.clippedHigh;
    m.levelsUsed = a.levelsUsed;
    return m;
}

Metrics SliceMetrics::operator[](size_t s) const
{
    if (m_isWhole)
        return m_whole;
    const Sums& v = m_sums[s];
    Metrics m = metricsFromSums(v);
    m.levelsTotal = m_levelsTotal;
    const int64_t numel = v.count + v.nonfinite;
    StorageSplit split = m_elementBits.times(double(numel));
    split.scaleBits += m_sliceBits.scaleBits;
    split.minBits += m_sliceBits.minBits;
    split.secondLevelBits += m_sliceBits.secondLevelBits;
    split.payloadBits += m_sliceBits.payloadBits;
    setStorage(m, numel, split);
    if (m_sliceBits.totalBits() == 0) // exactly the format's bits per element, not q / numel
        m.bitsPerElement = m_elementBits.totalBits();
    return m;
}

Metrics SliceMetrics::at(size_t s) const
{
    if (s >= m_sums.size())
        throw std::out_of_range("slice " + std::to_string(s) + " of " +
                                std::to_string(m_sums.size()));
    return (*this)[s];
}

double SliceMetrics::rmse(size_t s) const
{
    if (m_isWhole)
        return m_whole.rmse;
    const Sums& v = m_sums[s];
    return v.count > 0 ? std::sqrt(v.errorPower / double(v.count)) : 0.0;
}

void SliceMetrics::reset(size_t n, int64_t levelsTotal, const StorageSplit& elementBits,
                         const StorageSplit& sliceBits)
{
    if (m_sums.capacity() < n) { // fresh memory, faulted in by both threads (huge_pages.h)
        reserveHugePages(m_sums, n);
        populatePages({capacityBytes(m_sums)});
    }
    m_sums.resize(n);
    m_isWhole = false;
    m_levelsTotal = levelsTotal;
    m_elementBits = elementBits;
    m_sliceBits = sliceBits;
}

void SliceMetrics::setWhole(const Metrics& m)
{
    m_sums.resize(1);
    Sums& v = m_sums[0];
    v.count = m.count;
    v.nonfinite = m.nonfinite;
    v.clippedLow = m.clippedLowCount;
    v.clippedHigh = m.clippedHighCount;
    v.levelsUsed = m.levelsUsed;
    v.signalPower = m.signalPower;
    v.errorPower = m.errorPower;
    v.absError = m.mae * double(m.count);
    v.maxAbsError = m.maxAbsError;
    m_whole = m;
    m_isWhole = true;
}

Metrics computeMetrics(const float* x, const float* xhat, int64_t n)
{
    if (n < 0)
        throw Error("computeMetrics: negative length");
    const int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<Acc> blocks(static_cast<size_t>(nb));
    parallelFor(nb, n >= kParallelMin, nullptr, [&](int64_t b) {
        Acc& a = blocks[size_t(b)];
        const int64_t end = std::min(n, (b + 1) * kBlock);
        for (int64_t i = b * kBlock; i < end; ++i) {
            if (!std::isfinite(x[i])) {
                ++a.nonfinite;
                continue;
            }
            a.addPair(x[i], xhat[i]);
        }
    });
    Metrics m = finalize(quantize_detail::combineInOrder(blocks), n, 32, 0, false, 0, 0);
    // No codes here: the storage fields describe the float32 reconstruction itself.
    m.quantizedBits = 32.0 * double(n);
    m.quantizedBytes = 4 * n;
    m.bitsPerElement = n > 0 ? 32.0 : 0.0;
    return m;
}

} // namespace qs
