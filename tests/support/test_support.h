// Helpers shared by the Qt Test executables: an exact comparison (QCOMPARE on float and double
// is fuzzy) and a small deterministic integer generator for reference data.
#pragma once

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

// Exact comparison of numbers, printing both with 17 significant digits on failure.
#define QCOMPARE_EXACT(actual, expected)                                                           \
    QVERIFY2(double(actual) == double(expected),                                                   \
             qPrintable(QString("%1 != %2")                                                        \
                            .arg(double(actual), 0, 'g', 17)                                       \
                            .arg(double(expected), 0, 'g', 17)))

namespace qs::test {

// The bit pattern of a double, for comparisons bit for bit (NaN payloads and -0 included).
inline uint64_t bitsOf(double v)
{
    uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

// A fresh folder for one test program's files, inside its own QS_TEST_TMP; removed with the
// pointer. `prefix` names it ("io" -> QS_TEST_TMP/io-XXXXXX). Check isValid() before use.
inline std::unique_ptr<QTemporaryDir> scratchDir(const QString& prefix)
{
    QDir().mkpath(QStringLiteral(QS_TEST_TMP));
    return std::make_unique<QTemporaryDir>(QStringLiteral(QS_TEST_TMP "/") + prefix +
                                           QStringLiteral("-XXXXXX"));
}

// 64-bit LCG (Knuth's MMIX constants); returns the top `bits` bits as a signed integer centred
// on zero. The same generator produced the numpy reference data of the calibrator tests.
inline std::vector<int64_t> lcgInts(int64_t n, uint64_t seed, int bits)
{
    std::vector<int64_t> out(static_cast<size_t>(n));
    uint64_t s = seed;
    for (int64_t i = 0; i < n; ++i) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        out[size_t(i)] = int64_t(s >> (64 - bits)) - (int64_t(1) << (bits - 1));
    }
    return out;
}

} // namespace qs::test
