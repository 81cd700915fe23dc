// Enum values with their names, one table per enum, read both ways (value -> name for output,
// name -> value for parsing), so each name is written once.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <vector>

namespace qs {

// True when a and b are the same name but for the case of their letters.
inline bool sameNameIgnoringCase(const std::string& a, const std::string& b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::toupper(x) == std::toupper(y);
           });
}

template <class E> struct Named {
    E value;
    const char* name;
};

// The name of `value` (the first entry holding it), or `fallback`.
template <class E, size_t N>
const char* nameIn(const Named<E> (&table)[N], E value, const char* fallback = "")
{
    for (const Named<E>& n : table)
        if (n.value == value)
            return n.name;
    return fallback;
}

// The value named `name`, or nullptr.
template <class E, size_t N> const E* valueIn(const Named<E> (&table)[N], const std::string& name)
{
    for (const Named<E>& n : table)
        if (name == n.name)
            return &n.value;
    return nullptr;
}

// Every name, in table order.
template <class E, size_t N> std::vector<std::string> namesIn(const Named<E> (&table)[N])
{
    std::vector<std::string> out;
    for (const Named<E>& n : table)
        out.emplace_back(n.name);
    return out;
}

// The names joined for messages: "a, b, c".
template <class E, size_t N> std::string joinedNames(const Named<E> (&table)[N])
{
    std::string out;
    for (const Named<E>& n : table)
        out += (out.empty() ? "" : ", ") + std::string(n.name);
    return out;
}

} // namespace qs
