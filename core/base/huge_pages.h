// Room for big vectors in transparent huge pages. Touching fresh memory in 4 KiB pages is slow on
// virtual machines, in 2 MiB pages about twenty times faster (docs/GUI.md has the numbers); the
// kernel's default THP mode ("madvise") gives huge pages only on request. reserveHugePages()
// grows an under-sized vector's capacity to n elements and asks for huge pages there, before
// anything touches it. Only advice: if the kernel says no, nothing changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace qs {

template <class T, class A> void reserveHugePages(std::vector<T, A>& v, size_t n)
{
    if (v.capacity() >= n)
        return;
    v.reserve(n);
#ifdef __linux__
    constexpr uintptr_t kHuge = uintptr_t(2) << 20;
    if (n * sizeof(T) < 2 * kHuge)
        return;
    const uintptr_t first = (reinterpret_cast<uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
    const uintptr_t last = reinterpret_cast<uintptr_t>(v.data() + n) & ~(kHuge - 1);
    if (last > first)
        madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
}

// The bytes a vector has room for (its capacity), for populatePages().
template <class T, class A> std::pair<const void*, size_t> capacityBytes(const std::vector<T, A>& v)
{
    return {v.data(), v.capacity() * sizeof(T)};
}

// Faults in the pages of these byte ranges now, from every thread at once, keeping their
// contents (Linux 5.14+: MADV_POPULATE_WRITE; elsewhere nothing happens). Two threads fault
// pages in about twice as fast as one; pages already present cost next to nothing.
void populatePages(const std::vector<std::pair<const void*, size_t>>& ranges);

} // namespace qs
