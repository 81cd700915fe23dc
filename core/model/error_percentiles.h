// The statistics of a reconstruction that Metrics does not hold: the products a cosine
// similarity needs, the exact median and 95th percentile of |x - x^| and the importance-weighted
// squared error. One pass over the pairs (x, x^) and no copy of them: a histogram of |x - x^|
// finds the bins that hold the wanted order statistics, and only the elements of those bins
// (chosen from a sample before the pass) are gathered and ordered. The pairs come from two
// arrays (reconstructionStats) or part by part from a quantization pass (ErrorStream), with the
// same results.
#pragma once

#include "core/base/error.h"
#include "core/base/value_observer.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>

namespace qs {

// One weight per column of a [rows, columns] view of the tensor, `groups` consecutive groups of
// rows with their own vector (imatrix.h); null values: no weighting.
struct ColumnWeights {
    const float* values = nullptr;
    int64_t columns = 0, groups = 1;
};

struct ReconstructionStats {
    double dot = 0;         // sum x x^ over the finite x
    double reconEnergy = 0; // sum x^ x^ over the finite x
    // |x - x^| at the 50th and 95th percentile of the finite x, interpolated linearly between
    // order statistics as numpy.percentile does; an error that is NaN or infinite ranks above
    // every finite one.
    double medianAbsError = 0, p95AbsError = 0;
    double weightedSse = std::numeric_limits<double>::quiet_NaN(); // sum a_j (x - x^)_j^2
};

// Shows every pair to the observer again (each x^ once, in parts, in any order): the rare
// further pass when an order statistic lies in a bin that was not gathered.
using PairWalk = std::function<void(ValueObserver&)>;

// The statistics of x^ shown part by part (QuantOutputs::values of quantizeInto): each part is
// measured as it arrives, on its thread; a part that continues a block of the summation order
// that another thread holds is copied and added in order by finish(). Asks for a sample first
// (to choose the bins to gather). The results equal reconstructionStats() of the same x^.
class ErrorStream : public ValueObserver {
public:
    // x: the n inputs; maxAbsError as reconstructionStats() takes it.
    ErrorStream(const float* x, int64_t n, const ColumnWeights& weights = {},
                double maxAbsError = -1);
    ~ErrorStream() override;

    int64_t sampleStride(int64_t parts, int64_t n) const override;
    void sample(int64_t first, const float* xhat, int64_t count) override;
    void sampled() override;
    void ready(int64_t first, const float* xhat, int64_t count) override;

    // After every part was shown: the statistics. `again` shows the pairs again when an order
    // statistic needs a further pass. Throws qs::Cancelled when `cancel` fires.
    ReconstructionStats finish(const PairWalk& again, const CancelToken* cancel = nullptr);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// `maxAbsError`: the largest finite |x - x^| if the caller knows it (Metrics::maxAbsError), or
// a negative number (the histogram then spans the largest error of a sample). The sums are formed
// per block of 32768 elements, the products in four lanes (element i of the block in lane i % 4,
// each lane in element order, then (lane 0 + lane 1) + (lane 2 + lane 3)) and the weighted error in
// element order, and the blocks added in order: the results do not depend on the thread count.
// Throws qs::Cancelled when `cancel` fires.
ReconstructionStats reconstructionStats(const float* x, const float* xhat, int64_t n,
                                        double maxAbsError, const ColumnWeights& weights = {},
                                        const CancelToken* cancel = nullptr);

} // namespace qs
