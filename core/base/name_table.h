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

// The number of single-character insertions, deletions and replacements that turn a into b,
// letters compared ignoring case (Levenshtein distance).
inline size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const bool same = std::toupper(static_cast<unsigned char>(a[i - 1])) ==
                              std::toupper(static_cast<unsigned char>(b[j - 1]));
            const size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = row[j];
            row[j] = next;
        }
    }
    return row[b.size()];
}

// Names joined for messages: "a, b, c".
inline std::string joinedNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const std::string& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

// For a message about an unknown name: "; did you mean 'x'?" with x the first candidate that the
// fewest edits turn `name` into, when that is at most a third of the name's length (at least
// one edit: a typo, not another name); empty otherwise.
inline std::string didYouMean(const std::string& name, const std::vector<std::string>& candidates)
{
    const size_t limit = std::max<size_t>(1, name.size() / 3);
    const std::string* best = nullptr;
    size_t bestDistance = limit + 1;
    for (const std::string& c : candidates) {
        const size_t d = editDistance(name, c);
        if (d < bestDistance) {
            best = &c;
            bestDistance = d;
        }
    }
    return best ? "; did you mean '" + *best + "'?" : std::string();
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

// The table's names joined for messages: "a, b, c".
template <class E, size_t N> std::string joinedNames(const Named<E> (&table)[N])
{
    return joinedNames(namesIn(table));
}

} // namespace qs
