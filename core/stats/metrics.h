// Metrics of a reconstruction: errors, SQNR, clipping, code usage and storage, for a whole
// tensor (Metrics) and for each of its slices (SliceMetrics, kept as the sums they come from).
#pragma once

#include "core/stats/storage_split.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace qs {

struct Metrics {
    int64_t count = 0;     // finite elements measured
    int64_t nonfinite = 0; // NaN / Inf elements (excluded from everything else)
    double mse = 0, rmse = 0, mae = 0, maxAbsError = 0;
    double sqnrDb = 0;      // 20 log10(||x|| / ||x - x^||); +inf when the error is 0 (also for
                            // an all-zero signal), -inf for a zero signal with errors
    double signalPower = 0; // sum x^2 (finite elements), for combining slices
    double errorPower = 0;  // sum (x - x^)^2
    int64_t clippedLowCount = 0, clippedHighCount = 0;
    // Clipped: the rounded code lay below qmin / above qmax and was clamped (fp16/bf16: overflow
    // to -inf / +inf).
    double clippedLow = 0, clippedHigh = 0; // fractions of count
    int64_t levelsUsed = 0;                 // distinct codes that occur
    int64_t levelsTotal = 0; // 2^b (integer; narrow symmetric reaches 2^b - 1) or 65536 (fp16/bf16)
    int64_t originalBytes = 0;  // float32 storage: 4 * numel
    int64_t quantizedBytes = 0; // ceil(quantizedBits / 8)
    double quantizedBits = 0;   // numel * b + per-slice overhead (32-bit scale, b-bit zero point)
    double bitsPerElement = 0;  // quantizedBits / numel
    StorageSplit storage;       // quantizedBits split into payload, scales, mins, second level
};

// The per-slice metrics of a result, kept as the sums they come from, about half the size of a
// Metrics per slice: a tensor of many small groups has as many slices as it has groups, and
// their metrics are fresh memory on every change of granularity. Element s is computed on access,
// with the same formulas and results as the whole tensor's metrics; a result of one slice holds the
// whole tensor's Metrics.
class SliceMetrics {
public:
    struct Sums {
        int64_t count = 0, nonfinite = 0;
        int64_t clippedLow = 0, clippedHigh = 0; // counts
        int64_t levelsUsed = 0;
        double signalPower = 0, errorPower = 0, absError = 0, maxAbsError = 0;
    };

    class const_iterator {
    public:
        using value_type = Metrics;
        using difference_type = std::ptrdiff_t;
        using reference = Metrics;
        using pointer = void;
        using iterator_category = std::input_iterator_tag;
        const_iterator(const SliceMetrics* m, size_t i) : m_m(m), m_i(i) {}
        Metrics operator*() const { return (*m_m)[m_i]; }
        const_iterator& operator++()
        {
            ++m_i;
            return *this;
        }
        bool operator==(const const_iterator& o) const { return m_i == o.m_i && m_m == o.m_m; }
        bool operator!=(const const_iterator& o) const { return !(*this == o); }

    private:
        const SliceMetrics* m_m;
        size_t m_i;
    };

    size_t size() const { return m_sums.size(); }
    bool empty() const { return m_sums.empty(); }
    // Metrics of slice s < size() (unchecked, like std::vector); at() throws std::out_of_range.
    Metrics operator[](size_t s) const;
    Metrics at(size_t s) const;
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, m_sums.size()}; }
    const Sums& sums(size_t s) const { return m_sums[s]; }
    // The RMSE of slice s alone (cheaper than operator[] for plots of every slice).
    double rmse(size_t s) const;

    // Filling (the quantizers). reset() sizes to n slices, keeping the capacity, with what every
    // slice shares: its storage is elementBits per element (each part in bits per element) plus
    // sliceBits (scale and zero point) out of levelsTotal codes. The sums of each slice are then
    // set().
    void reset(size_t n, int64_t levelsTotal, const StorageSplit& elementBits,
               const StorageSplit& sliceBits);
    void set(size_t s, const Sums& v) { m_sums[s] = v; }
    // One slice that is the whole tensor: operator[](0) returns m as it is.
    void setWhole(const Metrics& m);
    std::vector<Sums>& storage() { return m_sums; } // for reserving huge pages

private:
    std::vector<Sums> m_sums;
    Metrics m_whole;
    bool m_isWhole = false;
    int64_t m_levelsTotal = 0;
    StorageSplit m_elementBits, m_sliceBits;
};

// Errors, SQNR, clipping fractions and levels used from the sums of a slice or a tensor (the
// formulas of Metrics; levelsTotal and the storage fields stay 0).
Metrics metricsFromSums(const SliceMetrics::Sums& sums);

// Metrics of a reconstruction xhat of x (same length), ignoring non-finite x.
Metrics computeMetrics(const float* x, const float* xhat, int64_t n);

} // namespace qs
