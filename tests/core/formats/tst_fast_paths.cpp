// The fast paths of the low-bit formats against their plain scalar paths, on the same inputs:
//   - the searched GGML types: quantizeGgml and ggmlQuantizedBytes (blocks spread over the
//     threads, trial scales side by side, table lookups) against ggmlScalarBytes (block after
//     block, one trial after the other, binary searches): identical bytes, and dequantized
//     values with identical bit patterns to the scalar bytes decoded by llama.cpp's dequantizer,
//     with the AVX2 lanes and with the portable loops of the fast path;
//   - the same with importance (every type with a weighted path, Q4_0 and Q4_1 included): the
//     fast path's searches take the weighted search weights, the rows go to the threads in
//     groups of rows that each take their own importance vector;
//   - the IQ4 grid lookup iq4Index against the search nearestIndex, at every midpoint;
//   - encodeMiniFloatFast (bit rounding) against encodeMiniFloat (double arithmetic) on a sweep
//     of float32 bit patterns that contains every rounding boundary of the small float formats.
// Inputs: many distributions (normal, ties on a coarse grid, zero blocks, outliers, values whose
// block scales overflow fp16, tiny values, non-finite values), tensors above the threading
// threshold whose block count is odd (not a multiple of any thread split).
#include "core/formats/ggml.h"
#include "core/formats/ggml_search.h"
#include "core/formats/minifloat.h"
#include "core/io/ggml_blocks.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace qs;

namespace {

const GgmlType kSearched[] = {GgmlType::Q5_0, GgmlType::Q5_1,   GgmlType::Q2_K,
                              GgmlType::Q3_K, GgmlType::Q4_K,   GgmlType::Q5_K,
                              GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

// Above the 65536 values at which the blocks go to the threads: rows of 7 super-blocks of 256 (37
// rows, 259 super-blocks) or of 59 blocks of 32 (35 rows, 2065 blocks), odd block counts that
// no thread split divides.
constexpr int64_t kCount = 261 * 256;
constexpr int64_t kRowK = 7 * 256, kRow32 = 59 * 32;

uint32_t bitsOf(float v)
{
    uint32_t u;
    std::memcpy(&u, &v, sizeof u);
    return u;
}

// Named input distributions, each of kCount values.
std::vector<std::pair<const char*, std::vector<float>>> makeDistributions()
{
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    auto make = [&](auto&& f) {
        std::vector<float> v(static_cast<size_t>(kCount));
        for (int64_t i = 0; i < kCount; ++i)
            v[size_t(i)] = f(i);
        return v;
    };
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    return {
        {"normal", make([&](int64_t) { return normal(rng); })},
        // Ties: few distinct values on a grid of 0.25, so codes land on rounding midpoints.
        {"ties", make([&](int64_t) { return float(int(rng() % 33) - 16) * 0.25f; })},
        // Whole zero blocks and super-blocks, and zeros scattered in the others.
        {"zeros", make([&](int64_t i) {
             return (i / 256) % 3 == 0 || (i / 32) % 5 == 1 || i % 7 == 0 ? 0.0f : normal(rng);
         })},
        {"outliers", make([&](int64_t i) {
             return i % 97 == 0 ? 1000.0f * normal(rng) : 0.01f * normal(rng);
         })},
        // Block scales beyond 65504: fp16 infinities, as in llama.cpp.
        {"fp16 overflow", make([&](int64_t i) { return (i % 3 ? 3e6f : 2e5f) * normal(rng); })},
        {"tiny", make([&](int64_t i) { return (i % 2 ? 1e-12f : 1e-39f) * normal(rng); })},
        {"one sign", make([&](int64_t) { return std::fabs(normal(rng)) + 3.0f; })},
        {"non-finite", make([&](int64_t i) {
             return i % 41 == 0 ? nan : i % 53 == 0 ? inf : i % 59 == 0 ? -inf : normal(rng);
         })},
    };
}

const std::vector<std::pair<const char*, std::vector<float>>>& distributions()
{
    static const auto all = makeDistributions();
    return all;
}

const GgmlType kWeighted[] = {GgmlType::Q4_0, GgmlType::Q4_1,   GgmlType::Q5_0,  GgmlType::Q5_1,
                              GgmlType::Q2_K, GgmlType::Q3_K,   GgmlType::Q4_K,  GgmlType::Q5_K,
                              GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

// Weighted rows: 87 rows of 3 super-blocks (261 super-blocks) in 3 groups of 29 rows, or 35 rows
// of 59 blocks of 32 in 5 groups of 7.
constexpr int64_t kWeightedRowK = 3 * 256;

bool is32(GgmlType t)
{
    return t == GgmlType::Q4_0 || t == GgmlType::Q4_1 || t == GgmlType::Q5_0 ||
           t == GgmlType::Q5_1 || t == GgmlType::IQ4_NL;
}

// An importance vector per group of rows: positive values spread over three decades, with
// zeros (columns the calibration never saw).
std::vector<float> importanceOf(int64_t row, int64_t groups)
{
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-1.0f, 2.0f);
    std::vector<float> w(static_cast<size_t>(row * groups));
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = i % 13 == 0 ? 0.0f : std::pow(10.0f, u(rng));
    return w;
}

// The bytes of fast and scalar agree; the fast result's values are the scalar bytes decoded.
void compareFastToScalar(const std::vector<float>& x, int64_t n, GgmlType t,
                         const std::string& fast, const std::string& scalar, const LowbitResult& r)
{
    QCOMPARE(fast.size(), scalar.size());
    for (size_t i = 0; i < scalar.size(); ++i)
        if (fast[i] != scalar[i])
            QFAIL(qPrintable(QString("byte %1 differs").arg(i)));
    const GgmlTypeInfo* info = ggmlTypeByName(toName(t));
    std::vector<float> values(static_cast<size_t>(n));
    info->decode(reinterpret_cast<const uint8_t*>(scalar.data()), n / info->blockSize,
                 values.data());
    for (int64_t i = 0; i < n; ++i) {
        const float want = std::isfinite(x[size_t(i)]) ? values[size_t(i)] : x[size_t(i)];
        if (bitsOf(r.dequantized[size_t(i)]) != bitsOf(want))
            QFAIL(qPrintable(QString("element %1: fast %2, scalar %3")
                                 .arg(i)
                                 .arg(double(r.dequantized[size_t(i)]))
                                 .arg(double(want))));
    }
}

} // namespace

class TestFastPaths : public QObject {
    Q_OBJECT

private slots:
    void searchedTypes_data();
    void searchedTypes();
    void weightedTypes_data();
    void weightedTypes();
    void fittedMinAboveMax_data();
    void fittedMinAboveMax();
    void iq4Index();
    void miniFloatSweep();
};

void TestFastPaths::searchedTypes_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("distribution");
    QTest::addColumn<bool>("avx2"); // off: the portable loops of the fast path
    for (bool avx2 : {true, false})
        for (size_t d = 0; d < distributions().size(); ++d)
            for (GgmlType t : kSearched)
                QTest::newRow(qPrintable(QString("%1 %2%3").arg(
                    toName(t).c_str(), distributions()[d].first, avx2 ? "" : " portable")))
                    << int(t) << int(d) << avx2;
}

void TestFastPaths::searchedTypes()
{
    QFETCH(int, type);
    QFETCH(int, distribution);
    QFETCH(bool, avx2);
    ggml_detail::allowLanesAvx2(avx2);
    const std::vector<float>& x = distributions()[size_t(distribution)].second;
    const GgmlType t = GgmlType(type);
    const int64_t row =
        t == GgmlType::Q5_0 || t == GgmlType::Q5_1 || t == GgmlType::IQ4_NL ? kRow32 : kRowK;
    const int64_t n = kCount - kCount % row; // whole rows
    const std::string scalar = ggml_detail::ggmlScalarBytes(x.data(), n, t);
    const std::string fast = ggmlQuantizedBytes(x.data(), n, t, row);
    const LowbitResult r = quantizeGgml(x.data(), n, t, row);
    ggml_detail::allowLanesAvx2(true);
    compareFastToScalar(x, n, t, fast, scalar, r);
}

void TestFastPaths::weightedTypes_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("distribution");
    QTest::addColumn<bool>("avx2");
    for (bool avx2 : {true, false})
        for (size_t d = 0; d < distributions().size(); ++d)
            for (GgmlType t : kWeighted)
                QTest::newRow(qPrintable(
                    QString("%1 %2 weighted%3")
                        .arg(toName(t).c_str(), distributions()[d].first, avx2 ? "" : " portable")))
                    << int(t) << int(d) << avx2;
}

// The threaded fast path with importance against block after block on the scalar path.
void TestFastPaths::weightedTypes()
{
    QFETCH(int, type);
    QFETCH(int, distribution);
    QFETCH(bool, avx2);
    const std::vector<float>& x = distributions()[size_t(distribution)].second;
    const GgmlType t = GgmlType(type);
    const int64_t row = is32(t) ? kRow32 : kWeightedRowK;
    const int64_t n = kCount - kCount % row, groups = is32(t) ? 5 : 3;
    QCOMPARE((n / row) % groups, int64_t(0));
    const std::vector<float> w = importanceOf(row, groups);
    GgmlImportance imp;
    imp.weights = w.data();
    imp.groups = groups;
    ggml_detail::allowLanesAvx2(avx2);
    const std::string scalar = ggml_detail::ggmlScalarBytes(x.data(), n, t, row, &imp);
    const std::string fast = ggmlQuantizedBytes(x.data(), n, t, row, nullptr, &imp);
    const LowbitResult r = quantizeGgml(x.data(), n, t, row, nullptr, &imp);
    ggml_detail::allowLanesAvx2(true);
    QVERIFY(scalar != ggml_detail::ggmlScalarBytes(x.data(), n, t, row)); // the weights count
    compareFastToScalar(x, n, t, fast, scalar, r);
}

void TestFastPaths::fittedMinAboveMax_data()
{
    QTest::addColumn<int>("type");
    QTest::newRow("Q4_K") << int(GgmlType::Q4_K);
    QTest::newRow("Q5_K") << int(GgmlType::Q5_K);
}

// A sub-block of two negative levels whose deeper one has importance 0: the weighted fit's min
// comes out as +0 (above every x) with a negative scale, and the search's later trials run with
// a negative iscale, so that the group's largest x gives the smallest v. The lanes must clamp
// the codes as the scalar search does (a found case: a review's fuzzing, 2026-12-08).
void TestFastPaths::fittedMinAboveMax()
{
    QFETCH(int, type);
    const float a = -0x1.671decp+1f, b = -0x1.77ab04p+3f; // -2.8134, -11.7396
    const char* pattern = "ababaaababbbabbbbabbbbaaaabaabba";
    const float qa[32] = {0x1.e977d2p-1f,
                          0,
                          0x1.db0dp-1f,
                          0,
                          0x1.8c47dp-4f,
                          0x1.03436ap-1f,
                          0x1.d80aeep-2f,
                          0,
                          0x1.605704p-3f,
                          0,
                          0,
                          0,
                          0x1.0f48f6p-3f,
                          0,
                          0,
                          0,
                          0,
                          0x1.b9d8c4p-1f,
                          0,
                          0,
                          0,
                          0,
                          0x1.baa7d6p-2f,
                          0x1.2544f6p-2f,
                          0x1.b53a6ap-2f,
                          0x1.4fb544p-3f,
                          0,
                          0x1.9d71d2p-1f,
                          0x1.5ad0fp-2f,
                          0,
                          0,
                          0x1.ff640ep-1f};
    std::vector<float> x(256, 0.0f), qw(256, 1.0f);
    for (int i = 0; i < 32; ++i) {
        x[size_t(i)] = pattern[i] == 'a' ? a : b;
        qw[size_t(i)] = qa[i];
    }
    GgmlImportance imp;
    imp.weights = qw.data();
    imp.groups = 1;
    const GgmlType t = GgmlType(type);
    const std::string scalar = ggml_detail::ggmlScalarBytes(x.data(), 256, t, 256, &imp);
    const std::string fast = ggmlQuantizedBytes(x.data(), 256, t, 256, nullptr, &imp);
    compareFastToScalar(x, 256, t, fast, scalar,
                        quantizeGgml(x.data(), 256, t, 256, nullptr, &imp));
}

// Every midpoint of the IQ4 grid, its float neighbours, the grid values, the ends and beyond,
// and a dense sweep: the table lookup agrees with the binary search.
void TestFastPaths::iq4Index()
{
    std::vector<float> v;
    for (int k = 0; k < 16; ++k) {
        const float g = kIq4nlValues[k];
        v.insert(v.end(), {g, std::nextafter(g, -1e9f), std::nextafter(g, 1e9f)});
        if (k < 15) {
            const float mid = 0.5f * (g + float(kIq4nlValues[k + 1]));
            v.insert(v.end(), {mid, std::nextafter(mid, -1e9f), std::nextafter(mid, 1e9f)});
        }
    }
    for (float f = -140.0f; f <= 140.0f; f += 1.0f / 64)
        v.push_back(f);
    for (int i = -130; i <= 130; ++i) // just below each integer: v + 128 rounds up
        v.push_back(std::nextafter(float(i), -1e9f));
    v.insert(v.end(),
             {0.0f, -0.0f, 1e-30f, -1e30f, 1e30f, std::numeric_limits<float>::infinity(),
              -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()});
    for (float f : v)
        QCOMPARE(ggml_detail::iq4Index(f), ggml_detail::nearestIndex(16, kIq4nlValues, f));
}

// Every sign, exponent and top 11 mantissa bits of float32 (all rounding positions of the seven
// formats, E4M3 ... E5M2FNUZ, lie in those bits) with low bits that make ties, just-below and
// just-above: the bit-rounding encoder gives the code and event of the exact one.
void TestFastPaths::miniFloatSweep()
{
    for (MiniFloat f : {MiniFloat::E4M3, MiniFloat::E5M2, MiniFloat::E2M1, MiniFloat::E2M3,
                        MiniFloat::E3M2, MiniFloat::E4M3FNUZ, MiniFloat::E5M2FNUZ}) {
        for (bool saturate : {true, false}) {
            if (!saturate && miniFloatInfo(f).alwaysSaturates())
                continue;
            for (uint32_t high = 0; high < (1u << 20); high += 1) {
                for (uint32_t low : {0x000u, 0x001u, 0x7FFu, 0xFFFu}) {
                    const uint32_t u = (high << 12) | low;
                    float x;
                    std::memcpy(&x, &u, sizeof x);
                    EncodeEvent e1, e2;
                    const int exact = encodeMiniFloat(f, x, saturate, &e1);
                    const int fast = encodeMiniFloatFast(f, x, saturate, &e2);
                    if (exact != fast || e1 != e2)
                        QFAIL(qPrintable(QString("%1 x = %2 (bits %3, saturate %4): exact %5, "
                                                 "fast %6")
                                             .arg(miniFloatInfo(f).name)
                                             .arg(double(x), 0, 'g', 12)
                                             .arg(u, 8, 16)
                                             .arg(saturate)
                                             .arg(exact, 0, 16)
                                             .arg(fast, 0, 16)));
                }
            }
        }
    }
}

QTEST_APPLESS_MAIN(TestFastPaths)
#include "tst_fast_paths.moc"
