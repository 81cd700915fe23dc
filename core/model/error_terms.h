// The terms of the error pass of reconstructionStats (error_stream.cpp), a step of elements
// at a time: per element its error and bin, formed with no branch (AVX2 when the processor has
// it), its products added to four lane sums and the errors of the chosen bins written out on
// the way, for a loop that then only counts the bins.
#pragma once

#include "core/model/error_percentiles.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace qs::error_detail {

constexpr int kBins = 4096; // bins of a histogram of |x - x^|

// Elements per step: the terms of a step are formed first, then counted.
constexpr int kStep = 256;

// The sums of the products x x^ and x^ x^ of one block of the summation order (kSumBlock) in four
// lanes: element i of the block in lane i % 4, each lane in element order. Four independent
// chains of additions instead of one (the pass was bound by their latency); the block's sums are
// then (lane 0 + lane 1) + (lane 2 + lane 3).
struct LaneSums {
    alignas(32) double dot[4] = {0, 0, 0, 0};
    alignas(32) double recon[4] = {0, 0, 0, 0};

    double dotTotal() const { return (dot[0] + dot[1]) + (dot[2] + dot[3]); }
    double reconTotal() const { return (recon[0] + recon[1]) + (recon[2] + recon[3]); }
};

// The terms of one step. A non-finite x contributes +0 to every sum (the sums start at +0 and
// so are never -0: adding +0 leaves them as they are) and counts in the bin kBins, as a zero
// error does (the zero errors are the bin's count less the non-finite x).
struct StepTerms {
    alignas(64) double error[kStep]; // x - x^ (0 for a non-finite x), if asked for
    alignas(64) int32_t bin[kStep];  // the bin of |x - x^| in `top`, or kBins
    int64_t count = 0;               // finite x
};

// Where a step's errors in chosen bins go: the bins in at most two intervals [lo, hi] (empty
// when lo > hi; the bin kBins is never chosen), each such |x - x^| (a NaN error as HUGE_VAL, as
// ranked) written to out[at++]. out must have room for the step's elements and 4 more.
struct Gather {
    int32_t lo[2] = {1, 1}, hi[2] = {0, 0};
    double* out = nullptr;
    size_t at = 0;
    bool chosen(int32_t b) const
    {
        return (b >= lo[0] && b <= hi[0]) || (b >= lo[1] && b <= hi[1]);
    }
};

// The intervals of the chosen bins (slot[b] != 0 for b < kBins), or false when they are more
// than two.
bool gatherIntervals(const std::vector<int8_t>& slot, Gather& g);

inline bool finiteFloat(float v)
{
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return (bits & 0x7f800000u) != 0x7f800000u;
}

// The terms of elements [0, m) of x and xhat (see StepTerms): bins of a level over (0, hi] with
// `scale` bins per unit (Level::binOf of the top level). Their products are added to `lanes`,
// x[0] being in lane `lane0` (its index in its block modulo 4). StepTerms::error is
// filled only withErrors (the rest of it always). The errors in the chosen bins of `gather` are
// written out when it is given.
void stepTerms(const float* x, const float* xhat, int m, int lane0, double hi, double scale,
               StepTerms& t, LaneSums& lanes, bool withErrors, Gather* gather);

// Elements per block of the summation order: sums in four lanes per block (LaneSums), blocks
// added in order (the results do not depend on the thread count or on how the pairs arrive).
constexpr int64_t kSumBlock = int64_t(1) << 15;
// At most this many errors are gathered per thread and per order statistic.
constexpr int64_t kGatherMax = int64_t(1) << 20;
// Arrays of at most this many elements are gathered whole (no sample).
constexpr int64_t kGatherWhole = 32 * 1024;

// The bin of an error v of the top level, bins over (0, hi] (`scale` = kBins / hi, 0 for hi 0):
// Level::binOf in error_percentiles.cpp.
inline int topBin(double v, double hi, double scale)
{
    if (!(v < hi))
        return kBins - 1;
    const double t = v * scale;
    return t < 0 ? 0 : std::min(kBins - 1, int(t));
}

inline double topScale(double hi)
{
    return hi > 0 ? kBins / hi : 0;
}

// What the first pass over the pairs found: the finite count and zero errors, the histogram of
// the nonzero errors over (0, hi] (values above hi in the last bin), and the errors of the bins
// of `slot` (slot all 0 when they were too many to keep).
struct FirstPass {
    int64_t count = 0, zeros = 0;
    double hi = 0;
    std::vector<int64_t> counts = std::vector<int64_t>(size_t(kBins), 0);
    std::vector<int8_t> slot;
    std::vector<double> gathered;
};

// error_percentiles.cpp: the bins that should hold the order statistics at the fractions ps,
// from `counts` of a sample of `size` errors in the bins of the top level.
std::vector<int8_t> windowBins(const std::vector<int64_t>& counts, int64_t size,
                               const double (&ps)[2]);

// error_percentiles.cpp: the values at fractions ps of the first.count ordered errors (numpy's
// "linear" rule), from the first pass and, where it did not gather them, further passes of
// `again` over the pairs of x[0, n) (which throws qs::Cancelled when its token fires).
void percentilesAfter(const float* x, int64_t n, const PairWalk& again, const FirstPass& first,
                      const double (&ps)[2], double (&out)[2]);

// The weights of the elements of a block, column by column and row by row: the row's group of
// the weight vector found when the row changes (no division per element).
class RowWeights {
public:
    RowWeights(const ColumnWeights& w, int64_t n, int64_t i0)
        : m_w(w),
          m_rowsPerGroup(std::max<int64_t>(1, n / w.columns / std::max<int64_t>(1, w.groups))),
          m_row(i0 / w.columns), m_col(i0 % w.columns)
    {
        seek();
    }
    double next()
    {
        const double v = double(m_values[m_col]);
        if (++m_col == m_w.columns) {
            m_col = 0;
            ++m_row;
            seek();
        }
        return v;
    }

private:
    void seek()
    {
        const int64_t g = std::min(m_w.groups - 1, m_row / m_rowsPerGroup);
        m_values = m_w.values + g * m_w.columns;
    }
    const ColumnWeights& m_w;
    int64_t m_rowsPerGroup, m_row, m_col;
    const float* m_values = nullptr;
};

} // namespace qs::error_detail
