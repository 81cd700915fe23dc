// Bit-exact float checks for the file-reader tests: a float's bit pattern, a comparison of two
// float vectors bit for bit (QCOMPARE on floats is fuzzy and NaN never equals itself), and the
// message of the qs::Error a call throws.
#pragma once

#include "core/base/error.h"

#include <QtTest>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace qs::test {

inline uint32_t bitsOf(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// Every float equal bit for bit; the first difference is reported.
inline void compareBits(const std::vector<float>& got, const std::vector<float>& want,
                        const char* what)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
        if (bitsOf(got[i]) != bitsOf(want[i]))
            QFAIL(qPrintable(QString("%1[%2]: %3 (0x%4) != %5 (0x%6)")
                                 .arg(what)
                                 .arg(i)
                                 .arg(double(got[i]), 0, 'g', 9)
                                 .arg(bitsOf(got[i]), 8, 16, QChar('0'))
                                 .arg(double(want[i]), 0, 'g', 9)
                                 .arg(bitsOf(want[i]), 8, 16, QChar('0'))));
}

// The message of the qs::Error that f throws, or "" if it throws none.
inline std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const qs::Error& e) {
        return e.what();
    }
    return {};
}

} // namespace qs::test
