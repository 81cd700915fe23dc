// Thread queries for the OpenMP loops of the core, usable with or without OpenMP. Results of the
// core never depend on the thread count: work is split into fixed blocks and partial results are
// combined in block order.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#endif

namespace qs::detail {

inline int threadCount()
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

inline int threadId()
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

} // namespace qs::detail
