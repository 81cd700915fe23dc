// Integer codes of a quantized tensor, stored in 16 bits per element: every scheme's codes lie
// in a window of at most 2^16 values (integer schemes qmin..qmax with 1-16 bits, fp16/bf16 and
// float8 bit patterns, code-book indices), so each element keeps code - offset as uint16_t and
// the buffer adds the offset back on reading. Half the memory and write traffic of int32 codes:
// a 64M-element result holds 128 MiB of codes instead of 256 MiB.
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
    CodeBuffer() = default;
    // From int32 codes; the offset is their minimum (they must span at most 65536 values).
    explicit CodeBuffer(const std::vector<int32_t>& codes) { assign(codes); }
    CodeBuffer(std::initializer_list<int32_t> codes) { assign(std::vector<int32_t>(codes)); }
    void assign(const std::vector<int32_t>& codes)
    {
        int32_t lo = 0;
        for (size_t i = 0; i < codes.size(); ++i)
            lo = i == 0 || codes[i] < lo ? codes[i] : lo;
        for (int32_t c : codes)
            if (int64_t(c) - lo > 65535)
                throw std::length_error("CodeBuffer: codes span more than 65536 values");
        m_offset = lo;
        m_data.resize(codes.size());
        for (size_t i = 0; i < codes.size(); ++i)
            m_data[i] = uint16_t(codes[i] - lo);
    }
    // n elements reading as offset + 0 (reuses the capacity: no reallocation when n fits).
    void reset(size_t n, int32_t offset)
    {
        m_offset = offset;
        m_data.assign(n, 0);
    }
    // n elements, contents unspecified where the buffer grew or kept old values (for writers
    // that set every element).
    void resizeForOverwrite(size_t n, int32_t offset)
    {
        m_offset = offset;
        if (m_data.size() != n) {
            reserveHugePages(m_data, n);
            m_data.resize(n);
        }
    }
    void clear() { m_data.clear(); }
    size_t size() const { return m_data.size(); }
    bool empty() const { return m_data.empty(); }
    int32_t offset() const { return m_offset; }

    int32_t operator[](size_t i) const { return m_offset + int32_t(m_data[i]); }
    int32_t at(size_t i) const { return m_offset + int32_t(m_data.at(i)); }
    int32_t front() const { return (*this)[0]; }
    int32_t back() const { return (*this)[m_data.size() - 1]; }
    void pop_back() { m_data.pop_back(); }
    // code - offset must lie in [0, 65535] (the writer chose the offset).
    void set(size_t i, int32_t code) { m_data[i] = uint16_t(code - m_offset); }

    // Raw storage: element i holds code - offset().
    uint16_t* raw() { return m_data.data(); }
    const uint16_t* raw() const { return m_data.data(); }

    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = int32_t;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = int32_t;
        const_iterator() = default;
        const_iterator(const uint16_t* p, int32_t off) : m_p(p), m_off(off) {}
        int32_t operator*() const { return m_off + int32_t(*m_p); }
        int32_t operator[](difference_type k) const { return m_off + int32_t(m_p[k]); }
        const_iterator& operator++()
        {
            ++m_p;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator t = *this;
            ++m_p;
            return t;
        }
        const_iterator& operator--()
        {
            --m_p;
            return *this;
        }
        const_iterator operator--(int)
        {
            const_iterator t = *this;
            --m_p;
            return t;
        }
        const_iterator& operator+=(difference_type k)
        {
            m_p += k;
            return *this;
        }
        const_iterator& operator-=(difference_type k)
        {
            m_p -= k;
            return *this;
        }
        friend const_iterator operator+(const_iterator a, difference_type k) { return a += k; }
        friend const_iterator operator+(difference_type k, const_iterator a) { return a += k; }
        friend const_iterator operator-(const_iterator a, difference_type k) { return a -= k; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b)
        {
            return a.m_p - b.m_p;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b)
        {
            return a.m_p == b.m_p;
        }
        friend bool operator!=(const const_iterator& a, const const_iterator& b)
        {
            return a.m_p != b.m_p;
        }
        friend bool operator<(const const_iterator& a, const const_iterator& b)
        {
            return a.m_p < b.m_p;
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
        const uint16_t* m_p = nullptr;
        int32_t m_off = 0;
    };
    const_iterator begin() const { return const_iterator(m_data.data(), m_offset); }
    const_iterator end() const { return const_iterator(m_data.data() + m_data.size(), m_offset); }

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
        return a.size() == b.size() &&
               (a.m_offset == b.m_offset ? a.m_data == b.m_data : a == b.toVector());
    }
    friend bool operator!=(const CodeBuffer& a, const CodeBuffer& b) { return !(a == b); }

private:
    std::vector<uint16_t> m_data;
    int32_t m_offset = 0;
};

} // namespace qs
