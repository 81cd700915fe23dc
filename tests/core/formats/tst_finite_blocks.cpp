// The branch-free path of the block formats (blocks, or element-wise pieces, whose values are
// all finite) against their scalar path (taken by a block that holds a NaN): the same codes,
// values and counts for every other element, on values chosen to hit rounding ties, zeros of
// both signs, float32 subnormals, saturation and flushing.
#include "core/formats/codebook.h"
#include "core/formats/ggml.h"
#include "core/formats/minifloat.h"
#include "core/formats/mx.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <vector>

using namespace qs;

namespace {

constexpr int64_t kBlock = 64; // a multiple of every block size here (32, 64)

// Blocks of kBlock values whose last element is 0, and each half of which (32 elements) holds a
// positive and a negative value: the last element changes neither the largest magnitude nor
// the minimum and maximum of its block, and is never saturated or flushed. Each block mixes
// normal values at one of several scales with exact ties of the element grids, zeros of both
// signs, float32 subnormals and values beyond the element ranges.
std::vector<float> blocksEndingInZero(int64_t blocks)
{
    std::mt19937 gen(14);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> pick(0, 11);
    const float scales[] = {1.0f, 1e-3f, 300.0f, 1e-41f, 6e4f, 1e30f};
    const float special[] = {0.0f, -0.0f, 0.25f,   0.75f, -1.25f, 2.5f,
                             3.5f, -5.0f, 0.0625f, 448.f, 464.f,  1e-45f};
    std::vector<float> x(size_t(blocks * kBlock));
    for (int64_t b = 0; b < blocks; ++b) {
        const float scale = scales[b % 6];
        float* y = x.data() + b * kBlock;
        for (int64_t i = 0; i < kBlock; ++i) {
            const int k = pick(gen);
            y[i] = k < 6 ? normal(gen) * scale : special[k] * (b % 3 == 0 ? 1.0f : scale);
        }
        y[0] = y[32] = 0.5f * scale;
        y[1] = y[33] = -0.5f * scale;
        y[2] = y[34] = 1.96f * 512.0f * scale; // the largest, above 7.5 / 4 * 2^k: saturates E2M3
        y[kBlock - 1] = 0.0f;
    }
    return x;
}

// x with the last element of every block replaced by NaN: every block takes the scalar path.
std::vector<float> withNaN(std::vector<float> x)
{
    for (size_t i = kBlock - 1; i < x.size(); i += kBlock)
        x[i] = std::numeric_limits<float>::quiet_NaN();
    return x;
}

// Every element but the last of each block, and the counts, equal.
void compareOthers(const LowbitResult& fast, const LowbitResult& scalar)
{
    QCOMPARE(fast.numel(), scalar.numel());
    QCOMPARE(fast.scales, scalar.scales);
    QCOMPARE(fast.offsets, scalar.offsets);
    for (int64_t i = 0; i < fast.numel(); ++i) {
        if (i % kBlock == kBlock - 1)
            continue;
        if (fast.codes[size_t(i)] != scalar.codes[size_t(i)] ||
            std::memcmp(&fast.dequantized[size_t(i)], &scalar.dequantized[size_t(i)], 4) != 0)
            QFAIL(qPrintable(QString("element %1: code %2 / %3, value %4 / %5")
                                 .arg(i)
                                 .arg(fast.codes[size_t(i)])
                                 .arg(scalar.codes[size_t(i)])
                                 .arg(double(fast.dequantized[size_t(i)]), 0, 'g', 9)
                                 .arg(double(scalar.dequantized[size_t(i)]), 0, 'g', 9)));
    }
    QCOMPARE(fast.nonfinite, int64_t(0));
    QCOMPARE(scalar.nonfinite, fast.numel() / kBlock);
    QCOMPARE(fast.saturated, scalar.saturated);
    QCOMPARE(fast.saturatedNegative, scalar.saturatedNegative);
    QCOMPARE(fast.flushedToZero, scalar.flushedToZero);
}

} // namespace

class TestFiniteBlocks : public QObject {
    Q_OBJECT
private slots:
    void sameAsScalar_data();
    void sameAsScalar();
};

void TestFiniteBlocks::sameAsScalar_data()
{
    QTest::addColumn<QString>("format");
    for (const char* f :
         {"q8_0", "q4_0", "q4_1", "nf4", "mxfp4", "mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e2m3",
          "mxfp6-e3m2", "e4m3", "e5m2", "e2m1", "e4m3fnuz", "e4m3-overflow"})
        QTest::newRow(f) << QString(f);
}

void TestFiniteBlocks::sameAsScalar()
{
    QFETCH(QString, format);
    const int64_t blocks = 2100; // element-wise formats: three pieces of 65536, the last short
    const std::vector<float> x = blocksEndingInZero(blocks);
    const std::vector<float> xn = withNaN(x);
    const int64_t n = int64_t(x.size());
    std::function<LowbitResult(const float*)> run;
    const std::string f = format.toStdString();
    if (f == "q8_0" || f == "q4_0" || f == "q4_1") {
        const GgmlType t = ggmlTypeFromName(f);
        run = [=](const float* v) { return quantizeGgml(v, n, t, kBlock); };
    } else if (f == "nf4") {
        run = [=](const float* v) { return quantizeBlockwiseAbsmax(v, n, nf4Codebook(), 64); };
    } else if (f.rfind("mx", 0) == 0) {
        const MxFormat m = f == "mxfp4"        ? MxFormat::MXFP4
                           : f == "mxfp8-e4m3" ? MxFormat::MXFP8_E4M3
                           : f == "mxfp8-e5m2" ? MxFormat::MXFP8_E5M2
                           : f == "mxfp6-e2m3" ? MxFormat::MXFP6_E2M3
                                               : MxFormat::MXFP6_E3M2;
        run = [=](const float* v) { return quantizeMx(v, n, m, kBlock, 32); };
    } else {
        const bool saturate = f != "e4m3-overflow";
        const MiniFloat m = miniFloatFromName(saturate ? f : "e4m3");
        run = [=](const float* v) { return quantizeMiniFloat(v, n, m, saturate); };
    }
    const LowbitResult fast = run(x.data());
    const LowbitResult scalar = run(xn.data());
    compareOthers(fast, scalar);
    if (f[0] != 'q' && f != "nf4") // the float elements: the data reaches beyond their ends
        QVERIFY(fast.saturated > 0);
    QVERIFY(fast.flushedToZero > 0);
}

QTEST_APPLESS_MAIN(TestFiniteBlocks)
#include "tst_finite_blocks.moc"
