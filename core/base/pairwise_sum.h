// numpy's pairwise summation (numpy/core/src/umath/loops_utils.h), for float32 and float64
// arrays: blocks of up to 128 values summed with 8 accumulators, larger arrays split in halves
// rounded down to multiples of 8. Callers that need np.sum's result add it to the identity
// (0.0 + pairwiseSum(...)). Used where KL divergences and calibrator sums must match numpy to the
// last bit.
#pragma once

#include <cstddef>

namespace qs::detail {

template <class T> T pairwiseSum(const T* a, size_t n)
{
    if (n < 8) {
        T r = T(0);
        for (size_t i = 0; i < n; ++i)
            r += a[i];
        return r;
    }
    if (n <= 128) {
        T r[8];
        for (size_t j = 0; j < 8; ++j)
            r[j] = a[j];
        size_t i = 8;
        for (; i < n - (n % 8); i += 8)
            for (size_t j = 0; j < 8; ++j)
                r[j] += a[i + j];
        T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            res += a[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwiseSum(a, n2) + pairwiseSum(a + n2, n - n2);
}

} // namespace qs::detail
