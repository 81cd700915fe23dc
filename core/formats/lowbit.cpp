// Shared set-up of the block formats (see lowbit.h).
#include "core/formats/lowbit.h"

#include "core/base/error.h"
#include "core/base/huge_pages.h"
#include "core/stats/metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace qs {

namespace {

struct LentBuffers {
    CodeBuffer codes;
    std::vector<float> dequantized;
};

LentBuffers& lent()
{
    static thread_local LentBuffers buffers;
    return buffers;
}

// Block vectors of the last result finished on this thread (recycleLowbitBlockVectors).
struct SpareBlockVectors {
    std::vector<float> scales, offsets;
};

SpareBlockVectors& spare()
{
    static thread_local SpareBlockVectors vectors;
    return vectors;
}

LowbitObserver*& observerSlot()
{
    static thread_local LowbitObserver* observer = nullptr;
    return observer;
}

} // namespace

void setLowbitObserver(LowbitObserver* observer)
{
    observerSlot() = observer;
}

LowbitObserver* lowbitObserver()
{
    return observerSlot();
}

void lendLowbitBuffers(CodeBuffer&& codes, std::vector<float>&& dequantized)
{
    lent().codes = std::move(codes);
    lent().dequantized = std::move(dequantized);
}

void dropLentLowbitBuffers()
{
    lent() = LentBuffers();
}

void recycleLowbitBlockVectors(std::vector<float>&& scales, std::vector<float>&& offsets)
{
    spare().scales = std::move(scales);
    spare().offsets = std::move(offsets);
}

void sizeLowbitOffsets(LowbitResult& r)
{
    if (spare().offsets.capacity() > 0)
        r.offsets = std::move(spare().offsets);
    spare().offsets = std::vector<float>();
    r.offsets.assign(r.scales.size(), 0.0f);
}

void sizeLowbitBuffers(LowbitResult& r, int64_t n, LowbitCodes codes)
{
    r.elements = n;
    if (observerSlot() && observerSlot()->lendsWindows()) { // nothing tensor-sized
        r.codes.resizeForOverwrite(0, codes.offset, codes.span);
        r.dequantized.clear();
        return;
    }
    LentBuffers& l = lent();
    if (l.codes.size() > 0 || l.dequantized.capacity() > 0) {
        r.codes = std::move(l.codes);
        r.dequantized = std::move(l.dequantized);
        l = LentBuffers();
    }
    r.codes.resizeForOverwrite(size_t(n), codes.offset, codes.span);
    if (r.dequantized.capacity() < size_t(n)) { // fresh memory: both threads fault it in
        reserveHugePages(r.dequantized, size_t(n));
        populatePages({capacityBytes(r.dequantized)});
    }
    if (r.dequantized.size() != size_t(n)) {
        reserveHugePages(r.dequantized, size_t(n));
        r.dequantized.resize(size_t(n));
    }
}

void initBlocks(LowbitResult& r, const char* what, const float* x, int64_t n, int64_t rowLength,
                int64_t blockSize, LowbitCodes codes)
{
    const std::string name(what);
    if (n < 1)
        throw Error(name + ": the tensor is empty");
    if (x == nullptr)
        throw Error(name + ": no data (null pointer)");
    if (blockSize < 1)
        throw Error(name + ": block size must be at least 1, got " + std::to_string(blockSize));
    if (rowLength < 0)
        throw Error(name + ": row length must not be negative, got " + std::to_string(rowLength));
    if (rowLength == 0)
        rowLength = n;
    if (n % rowLength != 0)
        throw Error(name + ": row length " + std::to_string(rowLength) +
                    " does not divide the number of elements " + std::to_string(n));
    r.format = name;
    r.blockSize = blockSize;
    r.rowLength = rowLength;
    r.blocksPerRow = rowLength / blockSize + (rowLength % blockSize != 0 ? 1 : 0);
    sizeLowbitBuffers(r, n, codes);
    if (spare().scales.capacity() > 0)
        r.scales = std::move(spare().scales);
    spare().scales = std::vector<float>();
    r.scales.assign(static_cast<size_t>((n / rowLength) * r.blocksPerRow), 0.0f);
}

Metrics lowbitMetrics(const float* x, const LowbitResult& r)
{
    const int64_t n = r.numel();
    if (static_cast<int64_t>(r.dequantized.size()) != n)
        throw Error("lowbitMetrics: codes and dequantized values differ in length");
    Metrics m = computeMetrics(x, r.dequantized.data(), n);
    m.clippedLowCount = r.saturatedNegative;
    m.clippedHighCount = r.saturated - r.saturatedNegative;
    m.clippedLow = m.count > 0 ? double(m.clippedLowCount) / double(m.count) : 0.0;
    m.clippedHigh = m.count > 0 ? double(m.clippedHighCount) / double(m.count) : 0.0;
    std::vector<int32_t> used;
    used.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        if (std::isfinite(x[i]))
            used.push_back(r.codes[static_cast<size_t>(i)]);
    std::sort(used.begin(), used.end());
    m.levelsUsed = std::unique(used.begin(), used.end()) - used.begin();
    m.levelsTotal = r.codeLevels;
    m.originalBytes = 4 * n;
    m.quantizedBits = static_cast<double>(r.storageBits);
    m.quantizedBytes = (r.storageBits + 7) / 8;
    m.bitsPerElement = r.bitsPerElement;
    m.storage = r.storage;
    return m;
}

} // namespace qs
