// Integer codes of a quantized tensor in the narrowest of two widths that holds them: every
// scheme's codes lie in a window of at most 2^16 values (integer schemes qmin..qmax with 1-16
// bits, fp16/bf16 and float8 bit patterns, code-book indices), so each element keeps
// code - offset, as uint8_t when the window has at most 256 values (8-bit integers, float8 bit
// patterns, 4-bit codes, NF4/FP4 indices) and as uint16_t otherwise; the buffer adds the offset
// back on reading. A 64M-element 8-bit result holds 64 MiB of codes instead of 256 MiB of int32.
// Writers name the window they fill (its span) and write through raw8() or raw16() as width()
// says; readers use operator[], the iterators, or the raw pointer of the width in hot loops.
#pragma once

#include "core/base/huge_pages.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace qs {

class CodeBuffer {
public:
    // The widest window of codes a buffer holds, and the widest a byte per element holds.
    static constexpr int64_t kMaxSpan = 65536;
    static constexpr int64_t kNarrowSpan = 256;

    CodeBuffer() = default;
    // From int32 codes; the offset is their minimum (they must span at most 65536 values).
    explicit CodeBuffer(const std::vector<int32_t>& codes) { assign(codes); }
    CodeBuffer(std::initializer_list<int32_t> codes) { assign(std::vector<int32_t>(codes)); }
    void assign(const std::vector<int32_t>& codes)
    {
        int64_t lo = 0, hi = 0;
        for (size_t i = 0; i < codes.size(); ++i) {
            lo = i == 0 || codes[i] < lo ? codes[i] : lo;
            hi = i == 0 || codes[i] > hi ? codes[i] : hi;
        }
        if (hi - lo >= kMaxSpan)
            throw std::length_error("CodeBuffer: codes span more than 65536 values");
        resizeForOverwrite(codes.size(), int32_t(lo), hi - lo + 1);
        for (size_t i = 0; i < codes.size(); ++i)
            set(i, codes[i]);
    }
    // n elements reading as offset + 0, for codes offset .. offset + span - 1 (reuses the
    // capacity: no reallocation when n fits).
    void reset(size_t n, int32_t offset, int64_t span = kMaxSpan)
    {
        choose(offset, span);
        if (m_narrow)
            m_data8.assign(n, 0);
        else
            m_data16.assign(n, 0);
    }
    // n elements for codes offset .. offset + span - 1, contents unspecified where the buffer
    // grew or kept old values (for writers that set every element).
    void resizeForOverwrite(size_t n, int32_t offset, int64_t span = kMaxSpan)
    {
        choose(offset, span);
        if (m_narrow)
            grow(m_data8, n);
        else
            grow(m_data16, n);
    }
    void clear()
    {
        m_data8.clear();
        m_data16.clear();
    }
    size_t size() const { return m_narrow ? m_data8.size() : m_data16.size(); }
    bool empty() const { return size() == 0; }
    // Elements allocated (of either width): 0 for a buffer never sized.
    size_t capacity() const { return m_data8.capacity() + m_data16.capacity(); }
    int32_t offset() const { return m_offset; }
    // Bytes per element: 1 (raw8) or 2 (raw16).
    int width() const { return m_narrow ? 1 : 2; }
    static int widthFor(int64_t span) { return span <= kNarrowSpan ? 1 : 2; }

    int32_t operator[](size_t i) const
    {
        return m_offset + (m_narrow ? int32_t(m_data8[i]) : int32_t(m_data16[i]));
    }
    int32_t at(size_t i) const
    {
        if (i >= size())
            throw std::out_of_range("CodeBuffer::at");
        return (*this)[i];
    }
    int32_t front() const { return (*this)[0]; }
    int32_t back() const { return (*this)[size() - 1]; }
    void pop_back()
    {
        if (m_narrow)
            m_data8.pop_back();
        else
            m_data16.pop_back();
    }
    // code - offset must lie in the span the writer named.
    void set(size_t i, int32_t code)
    {
        if (m_narrow)
            m_data8[i] = uint8_t(code - m_offset);
        else
            m_data16[i] = uint16_t(code - m_offset);
    }

    // Raw storage of the buffer's width: element i holds code - offset(). Null when the
    // buffer has the other width (or is empty).
    uint8_t* raw8() { return m_narrow ? m_data8.data() : nullptr; }
    const uint8_t* raw8() const { return m_narrow ? m_data8.data() : nullptr; }
    uint16_t* raw16() { return m_narrow ? nullptr : m_data16.data(); }
    const uint16_t* raw16() const { return m_narrow ? nullptr : m_data16.data(); }

    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = int32_t;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = int32_t;
        const_iterator() = default;
        const_iterator(const CodeBuffer* b, std::ptrdiff_t i) : m_b(b), m_i(i) {}
        int32_t operator*() const { return (*m_b)[size_t(m_i)]; }
        int32_t operator[](difference_type k) const { return (*m_b)[size_t(m_i + k)]; }
        const_iterator& operator++()
        {
            ++m_i;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator t = *this;
            ++m_i;
            return t;
        }
        const_iterator& operator--()
        {
            --m_i;
            return *this;
        }
        const_iterator operator--(int)
        {
            const_iterator t = *this;
            --m_i;
            return t;
        }
        const_iterator& operator+=(difference_type k)
        {
            m_i += k;
            return *this;
        }
        const_iterator& operator-=(difference_type k)
        {
            m_i -= k;
            return *this;
        }
        friend const_iterator operator+(const_iterator a, difference_type k) { return a += k; }
        friend const_iterator operator+(difference_type k, const_iterator a) { return a += k; }
        friend const_iterator operator-(const_iterator a, difference_type k) { return a -= k; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b)
        {
            return a.m_i - b.m_i;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b)
        {
            return a.m_i == b.m_i;
        }
        friend bool operator!=(const const_iterator& a, const const_iterator& b)
        {
            return a.m_i != b.m_i;
        }
        friend bool operator<(const const_iterator& a, const const_iterator& b)
        {
            return a.m_i < b.m_i;
        }
        friend bool operator>(const const_iterator& a, const const_iterator& b) { return b < a; }
        friend bool operator<=(const const_iterator& a, const const_iterator& b)
        {
            return !(b < a);
        }
        friend bool operator>=(const const_iterator& a, const const_iterator& b)
        {
            return !(a < b);
        }

    private:
        const CodeBuffer* m_b = nullptr;
        std::ptrdiff_t m_i = 0;
    };
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, std::ptrdiff_t(size())); }

    std::vector<int32_t> toVector() const { return std::vector<int32_t>(begin(), end()); }
    // Codes [first, first + count) as int32 (for plots and reports of a window).
    std::vector<int32_t> slice(size_t first, size_t count) const
    {
        return std::vector<int32_t>(begin() + std::ptrdiff_t(first),
                                    begin() + std::ptrdiff_t(first + count));
    }

    friend bool operator==(const CodeBuffer& a, const std::vector<int32_t>& b)
    {
        if (a.size() != b.size())
            return false;
        for (size_t i = 0; i < b.size(); ++i)
            if (a[i] != b[i])
                return false;
        return true;
    }
    friend bool operator==(const std::vector<int32_t>& b, const CodeBuffer& a) { return a == b; }
    friend bool operator!=(const CodeBuffer& a, const std::vector<int32_t>& b) { return !(a == b); }
    friend bool operator==(const CodeBuffer& a, const CodeBuffer& b)
    {
        if (a.size() != b.size())
            return false;
        if (a.m_offset == b.m_offset && a.m_narrow == b.m_narrow)
            return a.m_narrow ? a.m_data8 == b.m_data8 : a.m_data16 == b.m_data16;
        return a == b.toVector();
    }
    friend bool operator!=(const CodeBuffer& a, const CodeBuffer& b) { return !(a == b); }

private:
    // Picks the width for the window; the storage of the other width is given back.
    void choose(int32_t offset, int64_t span)
    {
        if (span < 1 || span > kMaxSpan)
            throw std::length_error("CodeBuffer: a window of codes spans 1 to 65536 values");
        m_offset = offset;
        const bool narrow = widthFor(span) == 1;
        if (narrow != m_narrow) {
            if (narrow)
                std::vector<uint16_t>().swap(m_data16);
            else
                std::vector<uint8_t>().swap(m_data8);
            m_narrow = narrow;
        }
    }
    template <class T> static void grow(std::vector<T>& v, size_t n)
    {
        if (v.size() != n) {
            reserveHugePages(v, n);
            v.resize(n);
        }
    }

    std::vector<uint8_t> m_data8;
    std::vector<uint16_t> m_data16;
    int32_t m_offset = 0;
    bool m_narrow = false;
};

} // namespace qs
