// The statistics of a reconstruction that Metrics does not hold: the products a cosine
// similarity needs, the exact median and 95th percentile of |x - x^| and the importance-weighted
// squared error. Two or three passes over the two arrays and no copy of them: a histogram of
// |x - x^| finds the bins that hold the wanted order statistics, and only the elements of those
// bins are gathered and ordered.
#pragma once

#include "core/base/error.h"

#include <cstdint>
#include <limits>

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

// `maxAbsError`: the largest finite |x - x^| if the caller knows it (Metrics::maxAbsError), or
// a negative number to have it measured. The sums are formed per block of 32768 elements, each in
// element order, and the blocks added in order: the results do not depend on the thread count.
// Throws qs::Cancelled when `cancel` fires.
ReconstructionStats reconstructionStats(const float* x, const float* xhat, int64_t n,
                                        double maxAbsError, const ColumnWeights& weights = {},
                                        const CancelToken* cancel = nullptr);

} // namespace qs
