#include "core/base/huge_pages.h"

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace qs {

void populatePages(const std::vector<std::pair<const void*, size_t>>& ranges)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    // Pieces of 2 MiB (one huge page) spread over the threads.
    constexpr uintptr_t kPiece = uintptr_t(2) << 20;
    const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    std::vector<std::pair<uintptr_t, uintptr_t>> pieces;
    for (const auto& [p, bytes] : ranges) {
        if (bytes == 0)
            continue;
        // Whole pages around the range: they are mapped (the range lies inside them), and
        // populating does not change what they hold.
        const uintptr_t a = reinterpret_cast<uintptr_t>(p) & ~(page - 1);
        const uintptr_t e = (reinterpret_cast<uintptr_t>(p) + bytes + page - 1) & ~(page - 1);
        for (uintptr_t s = a; s < e; s += kPiece)
            pieces.emplace_back(s, std::min(e, s + kPiece));
    }
    const int64_t n = int64_t(pieces.size());
#ifdef _OPENMP // both threads fault pages in at once
#pragma omp parallel for schedule(static) if (n > 1)
#endif
    for (int64_t i = 0; i < n; ++i) {
        const auto [s, e] = pieces[size_t(i)];
        madvise(reinterpret_cast<void*>(s), e - s, MADV_POPULATE_WRITE); // advice: errors ignored
    }
#else
    (void)ranges;
#endif
}

} // namespace qs
