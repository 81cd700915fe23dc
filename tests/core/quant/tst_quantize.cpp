// Unit tests of quantize(): each option on hand-checked vectors, the edge cases (empty,
// constant, non-finite, invalid bits, uneven groups, 0-d), fp16 / bf16 and the metrics.
#include "core/data/generators.h"
#include "core/formats/float16.h"
#include "core/quant/quantize.h"
#include "core/range/range.h"

#include "tests/support/quant_values.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#if __has_include(<omp.h>)
#include <omp.h>
#define QS_TEST_OMP 1
#endif

using namespace qs;
using test::codesOf;
using test::vec;

namespace {

// Per-tensor parameters with a chosen scale and zero point.
QuantParams fixedParams(const Tensor& t, const QuantConfig& c, double scale, int64_t zp)
{
    QuantParams p;
    p.qmin = c.qmin();
    p.qmax = c.qmax();
    p.layout = makeSliceLayout(t.shape, Granularity::PerTensor, 0, 1);
    p.scale = {scale};
    p.zeroPoint = {zp};
    return p;
}

template <class F> bool throwsError(F&& f, const char* needle)
{
    try {
        f();
    } catch (const Error& e) {
        return QString(e.what()).contains(needle);
    }
    return false;
}

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

} // namespace

class TestQuantize : public QObject {
    Q_OBJECT
private slots:
    void emptyTensor();
    void invalidBits();
    void symmetricOneBit();
    void zeroDimensional();
    void constantTensor_data();
    void constantTensor();
    void nonFinite();
    void nonFiniteInLongRuns();
    void allNonFinite();
    void rounding_data();
    void rounding();
    void stochastic();
    void threadCountIndependent();
    void kernelBuildsAgree();
    void kernelBuildsAgreeNearTies();
    void multiplyByInverse();
    void codeRanges();
    void includeZero();
    void symmetricScale();
    void perChannel();
    void unevenGroups();
    void sliceMetricsOfEachSlice();
    void firstBadSliceNamed();
    void columnsEqualRowsOfTranspose();
    void metricsByHand();
    void clipping();
    void bytes();
    void fp16();
    void bf16();
    void grid();
    void computeMetricsFunction();
    void reuseAndCancel();
    void percentileExtremes();
};

void TestQuantize::emptyTensor()
{
    const Tensor t("weights", {0}, {});
    QVERIFY(throwsError([&] { quantize(t, QuantConfig()); },
                        "tensor 'weights' is empty: nothing to quantize"));
}

void TestQuantize::invalidBits()
{
    const Tensor t = vec({1, 2, 3});
    for (int b : {0, 17, -3}) {
        QuantConfig c;
        c.bits = b;
        QVERIFY(throwsError([&] { quantize(t, c); }, "bits"));
    }
    QuantConfig c;
    c.bits = 16;
    QCOMPARE(quantize(t, c).params.qmax, int64_t(65535));
    c.bits = 1;
    const QuantResult r = quantize(t, c);
    QCOMPARE(codesOf(r), (std::vector<int>{0, 1, 1})); // range [0, 3]: s = 3, v = 1/3, 2/3, 1
}

void TestQuantize::symmetricOneBit()
{
    QuantConfig c;
    c.scheme = Scheme::Symmetric;
    c.bits = 1;
    QVERIFY(throwsError([&] { quantize(vec({1, -1}), c); }, "symmetric"));
    c.fullRange = true;
    QVERIFY(throwsError([&] { quantize(vec({1, -1}), c); }, "symmetric"));
}

void TestQuantize::zeroDimensional()
{
    const Tensor t("s", {}, {2.5f});
    const QuantResult r = quantize(t, QuantConfig());
    QCOMPARE(r.codes.size(), size_t(1));
    QCOMPARE(r.codes[0], 255);
    QCOMPARE(r.dequantized[0], 2.5f);
    QuantConfig c;
    c.granularity = Granularity::PerChannel;
    QVERIFY(throwsError([&] { quantize(t, c); }, ""));
}

void TestQuantize::constantTensor_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("scheme");
    QTest::addColumn<bool>("includeZero");
    for (double v : {3.5, -0.125, 0.0, 1e-30, -7e20})
        for (int s : {0, 1})
            for (bool iz : {false, true})
                QTest::addRow("%g %s %s", v, s ? "sym" : "asym", iz ? "zero" : "nozero")
                    << v << s << iz;
}

void TestQuantize::constantTensor()
{
    QFETCH(double, value);
    QFETCH(int, scheme);
    QFETCH(bool, includeZero);
    const Tensor t("c", {2, 3}, std::vector<float>(6, float(value)));
    QuantConfig c;
    c.scheme = scheme ? Scheme::Symmetric : Scheme::Asymmetric;
    c.includeZero = includeZero;
    const QuantResult r = quantize(t, c);
    QVERIFY(r.constant);
    QVERIFY(!r.warnings.empty());
    QVERIFY(std::isfinite(r.params.scale[0]) && r.params.scale[0] > 0);
    for (float d : r.dequantized)
        QCOMPARE(d, float(value)); // exact reconstruction
    QCOMPARE(r.metrics.mse, 0.0);
    QCOMPARE(r.metrics.levelsUsed, int64_t(1));
    if (value != 0 && !includeZero && !scheme)
        QCOMPARE(r.params.scale[0], std::fabs(double(float(value))));
}

void TestQuantize::nonFinite()
{
    const Tensor t = vec({kNaN, kInf, -kInf, 1, -1, 0.5});
    const QuantResult r = quantize(t, QuantConfig());
    QCOMPARE(r.metrics.nonfinite, int64_t(3));
    QCOMPARE(r.metrics.count, int64_t(3));
    QCOMPARE(r.params.dataMin[0], -1.0);
    QCOMPARE(r.params.dataMax[0], 1.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(128)); // 0 - round(-1 / (2/255)) = 127.5 -> 128
    QCOMPARE(r.codes[0], 128);                     // NaN -> zero point
    QCOMPARE(r.codes[1], 255);                     // +inf -> qmax
    QCOMPARE(r.codes[2], 0);                       // -inf -> qmin
    QVERIFY(std::isnan(r.dequantized[0]));
    QCOMPARE(r.dequantized[1], kInf);
    QCOMPARE(r.dequantized[2], -kInf);
    QVERIFY(std::isfinite(r.metrics.mse));
    QCOMPARE(r.metrics.levelsUsed, int64_t(3)); // the finite values' codes only
    QVERIFY(!r.warnings.empty());
    // The zero point outside the code range (includeZero off) still gives a code in range.
    QuantConfig c;
    c.includeZero = false;
    const QuantResult r2 = quantize(vec({kNaN, 2, 3}), c);
    QVERIFY(r2.params.zeroPoint[0] < 0);
    QCOMPARE(r2.codes[0], 0);
    // Symmetric: NaN -> 0.
    c.scheme = Scheme::Symmetric;
    QCOMPARE(quantize(vec({kNaN, 2, -3}), c).codes[0], 0);
}

// Long runs take the vectorised paths; a NaN or Inf inside them must still be skipped by the
// range and handled per element.
void TestQuantize::nonFiniteInLongRuns()
{
    std::vector<float> v(3000);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(i % 100) * 0.5f - 10.0f; // [-10, 39.5]
    v[1234] = kNaN;
    v[2500] = -kInf;
    v[2999] = kInf;
    for (int g = 0; g < 3; ++g) {
        QuantConfig c;
        c.granularity = Granularity(g);
        c.axis = 1;
        c.groupSize = 1000;
        const Tensor t("x", {1, 3000}, v);
        const QuantResult r = quantize(t, c);
        QCOMPARE(r.metrics.nonfinite, int64_t(3));
        QCOMPARE(r.metrics.count, int64_t(2997));
        QCOMPARE(*std::min_element(r.params.dataMin.begin(), r.params.dataMin.end()), -10.0);
        QCOMPARE(*std::max_element(r.params.dataMax.begin(), r.params.dataMax.end()), 39.5);
        QVERIFY(std::isnan(r.dequantized[1234]));
        QCOMPARE(r.dequantized[2500], -kInf);
        QCOMPARE(r.codes[2500], 0);
        QCOMPARE(r.codes[2999], 255);
        QVERIFY(std::isfinite(r.metrics.mse));
        QVERIFY(r.metrics.mse > 0 || g == 1); // per channel: 3000 one-element slices, exact
        // The finite elements match a quantization of the same data without the specials
        // (per channel, the slices holding only a NaN or Inf have no range to compare).
        if (g == 1)
            continue;
        std::vector<float> clean = v;
        clean[1234] = clean[1233];
        clean[2500] = clean[2499];
        clean[2999] = clean[2998];
        const QuantResult ref = quantize(Tensor("x", {1, 3000}, clean), c);
        QCOMPARE(ref.params.scale, r.params.scale);
        for (size_t i = 0; i < v.size(); ++i)
            if (std::isfinite(v[i]))
                QCOMPARE(r.codes[i], ref.codes[i]);
    }
}

void TestQuantize::allNonFinite()
{
    const Tensor t = vec({kNaN, kInf});
    const QuantResult r = quantize(t, QuantConfig());
    QCOMPARE(r.metrics.count, int64_t(0));
    QCOMPARE(r.metrics.nonfinite, int64_t(2));
    QCOMPARE(r.params.scale[0], 1.0);
    QCOMPARE(r.metrics.mse, 0.0);
}

void TestQuantize::rounding_data()
{
    QTest::addColumn<int>("rule");
    QTest::addColumn<bool>("before");
    QTest::addColumn<std::vector<int>>("expected");
    // x = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.3, -0.7], scale 1, zero point 128.
    // After: rounding v = x + 128 (positive); Before: round(x) + 128.
    using R = Rounding;
    QTest::newRow("half-even after")
        << int(R::HalfEven) << false << std::vector<int>{126, 126, 128, 128, 130, 130, 128, 127};
    QTest::newRow("half-away after")
        << int(R::HalfAway) << false << std::vector<int>{126, 127, 128, 129, 130, 131, 128, 127};
    QTest::newRow("half-up after")
        << int(R::HalfUp) << false << std::vector<int>{126, 127, 128, 129, 130, 131, 128, 127};
    QTest::newRow("floor after") << int(R::Floor) << false
                                 << std::vector<int>{125, 126, 127, 128, 129, 130, 128, 127};
    QTest::newRow("truncate after")
        << int(R::Truncate) << false << std::vector<int>{125, 126, 127, 128, 129, 130, 128, 127};
    QTest::newRow("half-even before")
        << int(R::HalfEven) << true << std::vector<int>{126, 126, 128, 128, 130, 130, 128, 127};
    QTest::newRow("half-away before")
        << int(R::HalfAway) << true << std::vector<int>{125, 126, 127, 129, 130, 131, 128, 127};
    QTest::newRow("half-up before")
        << int(R::HalfUp) << true << std::vector<int>{126, 127, 128, 129, 130, 131, 128, 127};
    QTest::newRow("floor before") << int(R::Floor) << true
                                  << std::vector<int>{125, 126, 127, 128, 129, 130, 128, 127};
    QTest::newRow("truncate before")
        << int(R::Truncate) << true << std::vector<int>{126, 127, 128, 128, 129, 130, 128, 128};
}

void TestQuantize::rounding()
{
    QFETCH(int, rule);
    QFETCH(bool, before);
    QFETCH(std::vector<int>, expected);
    const Tensor t = vec({-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.3, -0.7});
    QuantConfig c;
    c.rounding = Rounding(rule);
    c.roundingOrder = before ? RoundingOrder::BeforeZeroPoint : RoundingOrder::AfterZeroPoint;
    const QuantResult r = quantizeWithParams(t, fixedParams(t, c, 1.0, 128), c);
    QCOMPARE(codesOf(r), expected);
    for (size_t i = 0; i < expected.size(); ++i)
        QCOMPARE(r.dequantized[i], float(expected[i] - 128));
}

void TestQuantize::stochastic()
{
    const Tensor t("x", {20000}, std::vector<float>(20000, 0.3f));
    QuantConfig c;
    c.rounding = Rounding::Stochastic;
    c.seed = 7;
    const QuantParams p = fixedParams(t, c, 1.0, 0);
    const QuantResult a = quantizeWithParams(t, p, c);
    const QuantResult b = quantizeWithParams(t, p, c);
    QCOMPARE(a.codes, b.codes); // same seed, same codes
    double mean = 0;
    for (int q : a.codes) {
        QVERIFY(q == 0 || q == 1);
        mean += q;
    }
    mean /= double(a.codes.size());
    QVERIFY2(std::fabs(mean - 0.3) < 0.015, qPrintable(QString::number(mean))); // unbiased
    c.seed = 8;
    QVERIFY(quantizeWithParams(t, p, c).codes != a.codes);
    // Integers stay integers.
    const Tensor ints = vec({0, 1, 2, 3});
    QCOMPARE(codesOf(quantizeWithParams(ints, fixedParams(ints, c, 1.0, 0), c)),
             (std::vector<int>{0, 1, 2, 3}));
}

void TestQuantize::threadCountIndependent()
{
#ifdef QS_TEST_OMP
    std::vector<float> v(300000);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(std::sin(double(i) * 0.001) * 3 + std::cos(double(i) * 0.37));
    const Tensor t("x", {300, 1000}, v);
    for (int g = 0; g < 3; ++g) {
        QuantConfig c;
        c.rounding = Rounding::Stochastic;
        c.granularity = Granularity(g);
        c.axis = 1;
        const int before = omp_get_max_threads();
        omp_set_num_threads(1);
        const QuantResult a = quantize(t, c);
        omp_set_num_threads(3);
        const QuantResult b = quantize(t, c);
        omp_set_num_threads(before);
        QCOMPARE(a.codes, b.codes);
        QCOMPARE(a.metrics.mse, b.metrics.mse);
        QCOMPARE(a.metrics.mae, b.metrics.mae);
        QCOMPARE(a.metrics.signalPower, b.metrics.signalPower);
        QCOMPARE(a.metrics.levelsUsed, b.metrics.levelsUsed);
    }
#else
    QSKIP("OpenMP header not available to the test");
#endif
}

void TestQuantize::multiplyByInverse()
{
    // FBGEMM's example: scale 0.00214854861, x = 0.273939937 (float32): x * (1/s) = 127.5 -> 128,
    // x / s = 127.499992 -> 127.
    const Tensor t = vec({0.273939937});
    QuantConfig c;
    c.float32Params = true;
    c.roundingOrder = RoundingOrder::BeforeZeroPoint;
    const QuantParams p = fixedParams(t, c, double(0.00214854861f), 0);
    QCOMPARE(quantizeWithParams(t, p, c).codes[0], 127);
    c.multiplyByInverse = true;
    QCOMPARE(quantizeWithParams(t, p, c).codes[0], 128);
}

void TestQuantize::codeRanges()
{
    QuantConfig c;
    QCOMPARE(c.qmin(), int64_t(0));
    const Tensor t = vec({-1, 1});
    c.scheme = Scheme::Symmetric;
    QuantResult r = quantize(t, c);
    QCOMPARE(codesOf(r), (std::vector<int>{-127, 127}));
    c.fullRange = true;
    r = quantize(t, c);
    QCOMPARE(r.params.qmin, int64_t(-128));
    QCOMPARE(codesOf(r), (std::vector<int>{-127, 127})); // scale amax/127: -128 unused
    c.bits = 4;
    c.fullRange = false;
    r = quantize(vec({-7, -3.5, 0, 7}), c);
    QCOMPARE(codesOf(r), (std::vector<int>{-7, -4, 0, 7})); // -3.5 -> -4 half-even
}

void TestQuantize::includeZero()
{
    const Tensor t = vec({1, 2, 4});
    QuantConfig c;
    QuantResult r = quantize(t, c);
    QCOMPARE(r.params.rangeMin[0], 0.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    QCOMPARE(r.params.scale[0], 4.0 / 255.0);
    c.includeZero = false;
    r = quantize(t, c);
    QCOMPARE(r.params.scale[0], 3.0 / 255.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(-85));
    QVERIFY(std::fabs(r.params.rangeMin[0] - 1.0) < 1e-12);
    QCOMPARE(r.codes[0], 0);
    QCOMPARE(r.codes[2], 255);
}

void TestQuantize::symmetricScale()
{
    const Tensor t = vec({-0.5, 2});
    QuantConfig c;
    c.scheme = Scheme::Symmetric;
    QCOMPARE(quantize(t, c).params.scale[0], 2.0 / 127.0);
    c.symmetricScale = SymmetricScale::HalfSpan;
    QCOMPARE(quantize(t, c).params.scale[0], 2.0 / 127.0); // narrow: (127 - -127) / 2
    c.fullRange = true;
    QCOMPARE(quantize(t, c).params.scale[0], 2.0 / 127.5);
}

void TestQuantize::perChannel()
{
    // 2 x 3: rows [1, 2, 3] and [-4, 5, 10]
    const Tensor t("m", {2, 3}, {1, 2, 3, -4, 5, 10});
    QuantConfig c;
    c.scheme = Scheme::Symmetric;
    c.granularity = Granularity::PerChannel;
    c.axis = 0;
    QuantResult r = quantize(t, c);
    QCOMPARE(r.params.numSlices(), int64_t(2));
    QCOMPARE(r.params.scale[0], 3.0 / 127.0);
    QCOMPARE(r.params.scale[1], 10.0 / 127.0);
    QCOMPARE(r.sliceMetrics.size(), size_t(2));
    QCOMPARE(r.sliceMetrics[0].count + r.sliceMetrics[1].count, r.metrics.count);
    QVERIFY(std::fabs(r.sliceMetrics[0].errorPower + r.sliceMetrics[1].errorPower -
                      r.metrics.errorPower) < 1e-15);
    c.axis = 1;
    r = quantize(t, c);
    QCOMPARE(r.params.numSlices(), int64_t(3));
    QCOMPARE(r.params.scale[0], 4.0 / 127.0);
    QCOMPARE(r.params.scale[1], 5.0 / 127.0);
    QCOMPARE(r.params.scale[2], 10.0 / 127.0);
    QCOMPARE(r.codes[3], -127); // -4 is column 0's amax
    QCOMPARE(r.codes[5], 127);
    c.axis = -1;
    QCOMPARE(quantize(t, c).codes, r.codes);
    c.axis = 2;
    QVERIFY(throwsError([&] { quantize(t, c); }, "axis"));
}

void TestQuantize::unevenGroups()
{
    // 10 values in groups of 4: slices of 4, 4, 2; the last has its own range.
    const Tensor t = vec({0, 1, 2, 3, -1, 0, 1, 2, 100, 200});
    QuantConfig c;
    c.granularity = Granularity::PerGroup;
    c.groupSize = 4;
    c.includeZero = false;
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.params.numSlices(), int64_t(3));
    QCOMPARE(r.sliceMetrics[2].count, int64_t(2));
    QCOMPARE(r.params.dataMin[2], 100.0);
    QCOMPARE(r.params.dataMax[2], 200.0);
    QCOMPARE(r.params.scale[2], 100.0 / 255.0);
    QCOMPARE(r.params.scale[0], 3.0 / 255.0);
    QCOMPARE(r.codes[8], 0);
    QCOMPARE(r.codes[9], 255);
    QCOMPARE(r.dequantized[9], 200.0f);
    // Per-slice storage: 2 values * 8 bits + 32-bit scale + 8-bit zero point.
    QCOMPARE(r.sliceMetrics[2].quantizedBits, 2 * 8 + 40.0);
    QCOMPARE(r.metrics.quantizedBits, 10 * 8 + 3 * 40.0);
}

void TestQuantize::firstBadSliceNamed()
{
    // Groups far from zero and a hair wide (range excludes zero) need a zero point beyond 2^30.
    // The slices are filled on several threads; the error always names the first such slice.
    std::vector<float> v(size_t(64) * 4096);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(std::sin(double(i)));
    for (const size_t g : {size_t(3000), size_t(3001), size_t(4090)})
        for (size_t k = 0; k < 64; ++k)
            v[g * 64 + k] = 1.0e6f + (k % 2 ? 0.0625f : 0.0f);
    const Tensor t("far", {int64_t(v.size())}, v);
    QuantConfig c;
    c.granularity = Granularity::PerGroup;
    c.groupSize = 64;
    c.includeZero = false;
    for (int run = 0; run < 5; ++run)
        QVERIFY(throwsError([&] { quantize(t, c); }, "(slice 3000)"));
    c.includeZero = true; // the fix the message suggests
    QCOMPARE(quantize(t, c).params.numSlices(), int64_t(4096));
}

void TestQuantize::columnsEqualRowsOfTranspose()
{
    // Columns (strided slices, quantized through transposed tiles) give the codes, dequantized
    // values, parameters and per-slice counts of the rows of the transposed matrix (contiguous
    // slices); their sums agree up to summation order. 300 x 70: a tile of 256 rows and a short
    // one, a batch of 64 columns and a short one; groups of 32 down the columns make batches
    // that span two groups (not neighbouring columns). NaN / Inf included.
    const int64_t R = 300, C = 70;
    std::vector<float> a(size_t(R * C)), at(size_t(R * C));
    for (int64_t i = 0; i < R; ++i)
        for (int64_t j = 0; j < C; ++j) {
            float v = float((1.0 + 0.1 * double(j)) * std::sin(0.37 * double(i * C + j)) +
                            0.01 * double(j));
            if ((i * 7 + j) % 997 == 0)
                v = kNaN;
            else if ((i * 3 + j) % 1499 == 0)
                v = (i % 2) ? kInf : -kInf;
            a[size_t(i * C + j)] = v;
            at[size_t(j * R + i)] = v;
        }
    const Tensor m("m", {R, C}, a), mt("mt", {C, R}, at);
    auto same = [](float x, float y) {
        return std::memcmp(&x, &y, sizeof x) == 0 || (std::isnan(x) && std::isnan(y));
    };
    int checked = 0;
    for (const int bits : {3, 8, 16})
        for (const Scheme scheme : {Scheme::Asymmetric, Scheme::Symmetric})
            for (const RangeMethod range : {RangeMethod::MinMax, RangeMethod::Percentile})
                for (const int group : {0, 32}) {
                    QuantConfig c;
                    c.bits = bits;
                    c.scheme = scheme;
                    c.range = range;
                    c.percentile = 95;
                    QuantConfig ct = c;
                    if (group == 0) {
                        c.granularity = ct.granularity = Granularity::PerChannel;
                        c.axis = 1;  // columns of m
                        ct.axis = 0; // rows of mt
                    } else {
                        c.granularity = ct.granularity = Granularity::PerGroup;
                        c.groupSize = ct.groupSize = group;
                        c.axis = 0;  // down the columns of m
                        ct.axis = 1; // along the rows of mt
                    }
                    const QuantResult r = quantize(m, c), rt = quantize(mt, ct);
                    const QuantParams &p = r.params, &pt = rt.params;
                    QCOMPARE(p.numSlices(), pt.numSlices());
                    // Slice numbering: the same slice of element (i, j) in both.
                    for (int64_t i = 0; i < R; ++i)
                        for (int64_t j = 0; j < C; ++j) {
                            const size_t k = size_t(i * C + j), kt = size_t(j * R + i);
                            if (r.codes[k] != rt.codes[kt] ||
                                !same(r.dequantized[k], rt.dequantized[kt]))
                                QFAIL(qPrintable(QStringLiteral("element (%1, %2), %3 bits, "
                                                                "group %4")
                                                     .arg(i)
                                                     .arg(j)
                                                     .arg(bits)
                                                     .arg(group)));
                            const int64_t s = p.layout.sliceOf(int64_t(k));
                            const int64_t st = pt.layout.sliceOf(int64_t(kt));
                            QCOMPARE(p.scale[size_t(s)], pt.scale[size_t(st)]);
                            QCOMPARE(p.zeroPoint[size_t(s)], pt.zeroPoint[size_t(st)]);
                            if (i % 32 == 0) {
                                const Metrics ms = r.sliceMetrics[size_t(s)];
                                const Metrics mts = rt.sliceMetrics[size_t(st)];
                                QCOMPARE(ms.count, mts.count);
                                QCOMPARE(ms.nonfinite, mts.nonfinite);
                                QCOMPARE(ms.clippedLowCount, mts.clippedLowCount);
                                QCOMPARE(ms.clippedHighCount, mts.clippedHighCount);
                                QCOMPARE(ms.levelsUsed, mts.levelsUsed);
                                QCOMPARE(ms.maxAbsError, mts.maxAbsError);
                                QVERIFY(std::fabs(ms.errorPower - mts.errorPower) <=
                                        1e-12 * mts.errorPower);
                                QVERIFY(std::fabs(ms.signalPower - mts.signalPower) <=
                                        1e-12 * mts.signalPower);
                            }
                        }
                    QCOMPARE(r.metrics.levelsUsed, rt.metrics.levelsUsed);
                    QCOMPARE(r.metrics.nonfinite, rt.metrics.nonfinite);
                    ++checked;
                }
    QCOMPARE(checked, 3 * 2 * 2 * 2);
}

// Bit-for-bit equality of two Metrics (every field; NaN equals NaN).
bool sameMetrics(const Metrics& a, const Metrics& b)
{
    auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
    return a.count == b.count && a.nonfinite == b.nonfinite && same(a.mse, b.mse) &&
           same(a.rmse, b.rmse) && same(a.mae, b.mae) && same(a.maxAbsError, b.maxAbsError) &&
           same(a.sqnrDb, b.sqnrDb) && same(a.signalPower, b.signalPower) &&
           same(a.errorPower, b.errorPower) && a.clippedLowCount == b.clippedLowCount &&
           a.clippedHighCount == b.clippedHighCount && same(a.clippedLow, b.clippedLow) &&
           same(a.clippedHigh, b.clippedHigh) && a.levelsUsed == b.levelsUsed &&
           a.levelsTotal == b.levelsTotal && a.originalBytes == b.originalBytes &&
           a.quantizedBytes == b.quantizedBytes && same(a.quantizedBits, b.quantizedBits) &&
           same(a.bitsPerElement, b.bitsPerElement);
}

void TestQuantize::sliceMetricsOfEachSlice()
{
    // The per-slice metrics (kept as sums, computed on access) equal those of each slice
    // quantized alone with the same parameters, in every field. Outliers and a 90% percentile
    // range give clipping on both sides; NaN / Inf, an all-zero and a constant group take part.
    std::vector<float> v(130);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(3.0 * std::sin(0.7 * double(i)) + (i % 17 == 0 ? 40.0 : 0.0) -
                     (i % 23 == 0 ? 25.0 : 0.0));
    v[5] = kNaN;
    v[50] = kInf;
    v[101] = -kInf;
    for (size_t i = 60; i < 70; ++i)
        v[i] = 0.0f;
    for (size_t i = 70; i < 80; ++i)
        v[i] = 1.5f;
    const Tensor t("g", {130}, v);
    int checked = 0;
    for (const Scheme scheme : {Scheme::Asymmetric, Scheme::Symmetric})
        for (const RangeMethod range : {RangeMethod::MinMax, RangeMethod::Percentile})
            for (const int group : {10, 40})
                for (const int bits : {3, 8}) {
                    QuantConfig c;
                    c.scheme = scheme;
                    c.range = range;
                    c.percentile = 90;
                    c.bits = bits;
                    c.granularity = Granularity::PerGroup;
                    c.groupSize = group;
                    const QuantResult r = quantize(t, c);
                    const QuantParams& p = r.params;
                    QCOMPARE(int64_t(r.sliceMetrics.size()), p.numSlices());
                    int64_t clipped = 0;
                    size_t k = 0;
                    for (const Metrics& m : r.sliceMetrics) // the iterator gives operator[]'s
                        QVERIFY(sameMetrics(m, r.sliceMetrics[k++]));
                    QCOMPARE(k, r.sliceMetrics.size());
                    for (int64_t s = 0; s < p.numSlices(); ++s) {
                        std::vector<float> part;
                        p.layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
                            for (int64_t j = 0; j < cnt; ++j)
                                part.push_back(v[size_t(off + j * stride)]);
                        });
                        const Tensor one("slice", {int64_t(part.size())}, part);
                        QuantConfig c1 = c;
                        c1.granularity = Granularity::PerTensor;
                        QuantParams p1;
                        p1.qmin = p.qmin;
                        p1.qmax = p.qmax;
                        p1.layout = makeSliceLayout(one.shape, Granularity::PerTensor, 0, 0);
                        p1.scale = {p.scale[size_t(s)]};
                        p1.zeroPoint = {p.zeroPoint[size_t(s)]};
                        const QuantResult alone = quantizeWithParams(one, p1, c1);
                        const Metrics m = r.sliceMetrics[size_t(s)];
                        QVERIFY2(sameMetrics(m, alone.metrics),
                                 qPrintable(QStringLiteral("slice %1, group %2, %3 bits")
                                                .arg(s)
                                                .arg(group)
                                                .arg(bits)));
                        QCOMPARE(r.sliceMetrics.rmse(size_t(s)), m.rmse);
                        clipped += m.clippedLowCount + m.clippedHighCount;
                        ++checked;
                    }
                    QCOMPARE(clipped, r.metrics.clippedLowCount + r.metrics.clippedHighCount);
                    if (range == RangeMethod::Percentile)
                        QVERIFY(clipped > 0);
                }
    QCOMPARE(checked, 2 * 2 * 2 * (13 + 4));
    // One slice: the whole tensor's metrics, as they are.
    const QuantResult whole = quantize(t, QuantConfig());
    QCOMPARE(whole.sliceMetrics.size(), size_t(1));
    QVERIFY(sameMetrics(whole.sliceMetrics[0], whole.metrics));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, whole.sliceMetrics.at(1));
}

void TestQuantize::metricsByHand()
{
    // 2-bit asymmetric, x = [0, 1, 2, 3, 4]: s = 4/3, z = 0, v = 0, .75, 1.5, 2.25, 3
    // -> q = [0, 1, 2, 2, 3] (1.5 -> 2 half-even), x^ = [0, 4/3, 8/3, 8/3, 4],
    // errors [0, -1/3, -2/3, 1/3, 0].
    const Tensor t = vec({0, 1, 2, 3, 4});
    QuantConfig c;
    c.bits = 2;
    const QuantResult r = quantize(t, c);
    QCOMPARE(codesOf(r), (std::vector<int>{0, 1, 2, 2, 3}));
    const Metrics& m = r.metrics;
    const double tol = 1e-6;
    QCOMPARE(m.count, int64_t(5));
    QVERIFY(std::fabs(m.errorPower - 6.0 / 9.0) < tol);
    QVERIFY(std::fabs(m.mse - 6.0 / 45.0) < tol);
    QVERIFY(std::fabs(m.rmse - std::sqrt(6.0 / 45.0)) < tol);
    QVERIFY(std::fabs(m.mae - 4.0 / 15.0) < tol);
    QVERIFY(std::fabs(m.maxAbsError - 2.0 / 3.0) < tol);
    QCOMPARE(m.signalPower, 30.0);
    QVERIFY(std::fabs(m.sqnrDb - 10 * std::log10(45.0)) < 1e-5); // 16.532 dB
    QCOMPARE(m.levelsUsed, int64_t(4));
    QCOMPARE(m.levelsTotal, int64_t(4));
    QCOMPARE(m.clippedLowCount + m.clippedHighCount, int64_t(0));
    QCOMPARE(m.originalBytes, int64_t(20));
    QCOMPARE(m.quantizedBits, 5 * 2 + 32 + 2.0); // codes + fp32 scale + 2-bit zero point
    QCOMPARE(m.quantizedBytes, int64_t(6));
    QCOMPARE(m.bitsPerElement, 44.0 / 5.0);
    QVERIFY(r.timingsMs.count("range") && r.timingsMs.count("quantize") &&
            r.timingsMs.count("metrics") && r.timingsMs.count("total"));
}

void TestQuantize::clipping()
{
    // Scale 0.1, zero point 128: codes cover [-12.8, 12.7].
    const Tensor t = vec({-20, -12.9, -12.8, 0, 12.7, 12.76, 13, 50});
    QuantConfig c;
    const QuantResult r = quantizeWithParams(t, fixedParams(t, c, 0.1, 128), c);
    QCOMPARE(codesOf(r), (std::vector<int>{0, 0, 0, 128, 255, 255, 255, 255}));
    QCOMPARE(r.metrics.clippedLowCount, int64_t(2));  // -20, -12.9
    QCOMPARE(r.metrics.clippedHighCount, int64_t(3)); // 12.76 rounds to 128.6 -> 256, 13, 50
    QCOMPARE(r.metrics.clippedLow, 2.0 / 8.0);
    QVERIFY(!r.warnings.empty()); // heavy clipping
    bool found = false;
    for (const std::string& w : r.warnings)
        found = found || w.find("clipping") != std::string::npos;
    QVERIFY(found);
}

void TestQuantize::bytes()
{
    std::vector<float> v(256);
    for (int i = 0; i < 256; ++i)
        v[i] = float(i % 17) - 8.0f;
    const Tensor t("m", {4, 64}, v);
    QuantConfig c;
    c.granularity = Granularity::PerGroup;
    c.groupSize = 32;
    c.axis = 1;
    QuantResult r = quantize(t, c);
    QCOMPARE(r.params.numSlices(), int64_t(8));
    QCOMPARE(r.metrics.quantizedBits, 2368.0); // 256 * 8 + 8 * (32 + 8)
    QCOMPARE(r.metrics.quantizedBytes, int64_t(296));
    QCOMPARE(r.metrics.bitsPerElement, 9.25);
    QCOMPARE(r.metrics.originalBytes, int64_t(1024));
    c.scheme = Scheme::Symmetric;
    r = quantize(t, c);
    QCOMPARE(r.metrics.quantizedBits, 2304.0); // no zero point
    c.bits = 3;
    c.granularity = Granularity::PerTensor;
    r = quantize(t, c);
    QCOMPARE(r.metrics.quantizedBits, 256 * 3 + 32.0);
    QCOMPARE(r.metrics.quantizedBytes, int64_t(100));
    QCOMPARE(r.metrics.levelsTotal, int64_t(8));
}

void TestQuantize::fp16()
{
    const Tensor t = vec({1.0, 65504, 65520, -1e6, 1e-12, 1e-6, 0.1, kNaN});
    QuantConfig c;
    c.scheme = Scheme::FP16;
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.codes[0], 0x3C00);
    QCOMPARE(r.dequantized[1], 65504.0f); // the largest finite fp16
    QCOMPARE(r.codes[1], 0x7BFF);
    QCOMPARE(r.dequantized[2], kInf); // rounds up to infinity
    QCOMPARE(r.dequantized[3], -kInf);
    QCOMPARE(r.floatCounts.overflow, int64_t(2));
    QCOMPARE(r.dequantized[4], 0.0f); // LayerNorm's 1e-12 underflows
    QCOMPARE(r.floatCounts.flushedToZero, int64_t(1));
    QVERIFY(r.dequantized[5] > 0 && r.dequantized[5] < 6.1035e-5f); // subnormal
    QVERIFY(std::fabs(r.dequantized[5] - 1e-6f) < 6e-8f);
    QCOMPARE(r.floatCounts.subnormal, int64_t(1));
    QCOMPARE(r.dequantized[6], float(Eigen::half(0.1f)));
    QCOMPARE(r.metrics.nonfinite, int64_t(1));
    QCOMPARE(r.metrics.count, int64_t(7));
    QCOMPARE(r.metrics.clippedHighCount, int64_t(1));
    QCOMPARE(r.metrics.clippedLowCount, int64_t(1));
    QVERIFY(std::isinf(r.metrics.mse)); // an overflow is an infinite error
    QCOMPARE(r.metrics.levelsTotal, int64_t(65536));
    QCOMPARE(r.metrics.quantizedBits, 8 * 16.0);
    QCOMPARE(r.metrics.bitsPerElement, 16.0);
    QCOMPARE(r.params.numSlices(), int64_t(1));
    QCOMPARE(r.params.scale[0], 1.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    QCOMPARE(r.params.qmin, int64_t(0));
    QCOMPARE(r.params.qmax, int64_t(0));
    QCOMPARE(float(dequantizeCode(r.params, 0, r.codes[6])), r.dequantized[6]);
    QVERIFY(!r.warnings.empty());
    // Without overflow the metrics are finite and exact for representable values.
    const QuantResult ok = quantize(vec({0.5, -2, 1024, 0.1}), c);
    QCOMPARE(ok.metrics.count, int64_t(4));
    const double e = 0.1 - double(float(Eigen::half(0.1f)));
    QVERIFY(std::fabs(ok.metrics.errorPower - double(float(0.1f) - float(Eigen::half(0.1f))) *
                                                  double(float(0.1f) - float(Eigen::half(0.1f)))) <
            1e-15);
    QVERIFY(std::fabs(e) < 1e-4);
    QCOMPARE(ok.metrics.levelsUsed, int64_t(4));
}

void TestQuantize::bf16()
{
    const Tensor t = vec({1.0, 65520, 1e-12, 3e38, 1e-39});
    QuantConfig c;
    c.scheme = Scheme::BF16;
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.codes[0], 0x3F80);
    QCOMPARE(r.dequantized[1], 65536.0f); // 8 significant bits
    QCOMPARE(r.floatCounts.overflow, int64_t(0));
    QVERIFY(r.dequantized[2] != 0.0f); // 1e-12 is a normal bf16
    QVERIFY(std::fabs(r.dequantized[2] / 1e-12f - 1) < 0.01);
    QCOMPARE(r.floatCounts.flushedToZero, int64_t(0));
    QVERIFY(std::isfinite(r.dequantized[3]));
    QCOMPARE(r.floatCounts.subnormal, int64_t(1)); // 1e-39 < 2^-126
    QCOMPARE(float(dequantizeCode(r.params, 0, r.codes[2])), r.dequantized[2]);
    // Direct helpers.
    QCOMPARE(roundToFormat(FloatFormat::BFloat16, 1.00390625f), 1.0f); // tie to even
    QCOMPARE(roundToFormat(FloatFormat::Half, 2049.0f), 2048.0f);      // tie to even
    QCOMPARE(floatFormatInfo(FloatFormat::Half).maxFinite, 65504.0);
}

void TestQuantize::grid()
{
    const Tensor t = vec({-1, 3});
    QuantConfig c;
    c.bits = 4;
    const QuantResult r = quantize(t, c);
    const std::vector<double> g = quantizationGrid(r.params, 0);
    QCOMPARE(g.size(), size_t(16));
    for (size_t i = 0; i < g.size(); ++i)
        QCOMPARE(g[i], dequantizeCode(r.params, 0, int64_t(i)));
    QVERIFY(std::is_sorted(g.begin(), g.end()));
    QCOMPARE(g[size_t(r.params.zeroPoint[0])], 0.0);
    QVERIFY(throwsError([&] { quantizationGrid(r.params, 1); }, "slice"));
    c.scheme = Scheme::FP16;
    const std::vector<double> h = quantizationGrid(quantize(t, c).params, 0);
    QCOMPARE(h.size(), size_t(63487)); // finite fp16 values, one zero
    QCOMPARE(h.front(), -65504.0);
    QCOMPARE(h.back(), 65504.0);
    QVERIFY(std::is_sorted(h.begin(), h.end()));
}

void TestQuantize::computeMetricsFunction()
{
    const std::vector<float> x = {1, 2, kNaN, -3};
    const std::vector<float> xh = {1.5f, 2, 0, -2};
    const Metrics m = computeMetrics(x.data(), xh.data(), 4);
    QCOMPARE(m.count, int64_t(3));
    QCOMPARE(m.nonfinite, int64_t(1));
    QCOMPARE(m.errorPower, 1.25);
    QCOMPARE(m.mse, 1.25 / 3);
    QCOMPARE(m.mae, 0.5);
    QCOMPARE(m.maxAbsError, 1.0);
    QCOMPARE(m.signalPower, 14.0);
    QVERIFY(std::fabs(m.sqnrDb - 10 * std::log10(14.0 / 1.25)) < 1e-12);
}

void TestQuantize::reuseAndCancel()
{
    std::vector<float> v(100000);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(i % 1000) * 0.01f;
    const Tensor t("x", {100000}, v);
    QuantResult r;
    quantizeInto(t, QuantConfig(), r);
    const uint8_t* codes = r.codes.raw8(); // 8-bit codes: one byte each
    QVERIFY(codes != nullptr);
    const std::vector<int32_t> first = r.codes.toVector();
    QuantConfig c;
    c.bits = 4;
    quantizeInto(t, c, r);
    QCOMPARE(r.codes.raw8(), codes); // buffers reused
    QCOMPARE(r.metrics.levelsTotal, int64_t(16));
    quantizeInto(t, QuantConfig(), r);
    QCOMPARE(r.codes, first);
    CancelToken token;
    token.cancel();
    bool cancelled = false;
    try {
        quantize(t, QuantConfig(), &token);
    } catch (const Cancelled&) {
        cancelled = true;
    }
    QVERIFY(cancelled);
}

QTEST_APPLESS_MAIN(TestQuantize)
// The two-tailed percentile path takes min and max from its own selection (no min-max scan):
// the same numbers as the separate functions, on small and radix-selected sizes, with
// non-finite values, and an all-NaN tensor quantizes as before.
void TestQuantize::percentileExtremes()
{
    for (const int64_t n : {int64_t(7), int64_t(5000), int64_t(300000)}) {
        qs::GeneratorOptions g;
        g.distribution = qs::Distribution::Laplace;
        g.shape = {n};
        g.seed = uint64_t(n);
        Tensor t = qs::generate(g);
        t.data[1] = std::numeric_limits<float>::quiet_NaN();
        t.data[size_t(n) - 1] = -std::numeric_limits<float>::infinity();
        for (const double p : {99.99, 99.0, 75.0, 100.0}) {
            const PercentileExtremes e = percentileRangeAndExtremes(t.data.data(), n, p);
            const Range r = percentileRange(t.data.data(), n, p);
            const Range m = minMaxRange(t.data.data(), n);
            QCOMPARE(e.finite, n - 2);
            QCOMPARE(e.range.lo, r.lo);
            QCOMPARE(e.range.hi, r.hi);
            QCOMPARE(e.min, m.lo);
            QCOMPARE(e.max, m.hi);
            QuantConfig c;
            c.range = RangeMethod::Percentile;
            c.percentile = p;
            const QuantResult q = quantize(t, c);
            QCOMPARE(q.params.dataMin[0], m.lo);
            QCOMPARE(q.params.dataMax[0], m.hi);
            QCOMPARE(q.metrics.nonfinite, int64_t(2));
            // Parameters from the percentile range widened to include zero (quantize.h).
            const double lo = std::min(r.lo, 0.0), hi = std::max(r.hi, 0.0);
            const double scale = (hi - lo) / 255.0;
            QCOMPARE(q.params.scale[0], scale);
            QCOMPARE(q.params.zeroPoint[0], int64_t(-std::nearbyint(lo / scale)));
        }
    }
    const Tensor nan("nan", {3}, std::vector<float>(3, std::numeric_limits<float>::quiet_NaN()));
    QCOMPARE(percentileRangeAndExtremes(nan.data.data(), 3, 99.0).finite, int64_t(0));
    QuantConfig c;
    c.range = RangeMethod::Percentile;
    const QuantResult q = quantize(nan, c);
    QCOMPARE(q.metrics.nonfinite, int64_t(3));
    c.percentile = 40; // outside (50, 100]: the same error as the other paths
    QVERIFY_THROWS_EXCEPTION(Error, quantize(nan, c));
}

// The baseline, AVX2 and AVX-512 builds of the quantize loop (as many as this processor runs)
// give the same codes, dequantized values, counts and histograms for every rounding, order and
// arithmetic; the sums agree to rounding (their lane order differs).
void TestQuantize::kernelBuildsAgree()
{
    const std::vector<std::string> builds = detail::kernelBuilds();
    QCOMPARE(builds.front(), std::string("base"));
    qs::GeneratorOptions g;
    g.distribution = qs::Distribution::Laplace;
    g.shape = {64, 3001};
    g.seed = 5;
    Tensor t = qs::generate(g);
    t.data[100] = kNaN;
    t.data[7000] = kInf;
    t.data[7001] = -kInf;
    for (int k = 0; k < 3000; ++k) // exact halves of the scale: ties for every rounding
        t.data[size_t(20000 + k)] = float(k - 1500) / 64.0f;
    HistogramRequest h;
    h.valueBins = 100;
    h.errorBins = 64;
    const Rounding roundings[] = {Rounding::HalfEven, Rounding::HalfAway, Rounding::HalfUp,
                                  Rounding::Floor,    Rounding::Truncate, Rounding::Stochastic};
    int compared = 0;
    for (const Rounding rounding : roundings)
        for (int variant = 0; variant < 6; ++variant)
            for (const Granularity gr : {Granularity::PerTensor, Granularity::PerGroup}) {
                QuantConfig c;
                c.rounding = rounding;
                c.seed = 9;
                c.granularity = gr;
                c.axis = 1;
                c.groupSize = 32;
                c.roundingOrder =
                    variant == 1 ? RoundingOrder::BeforeZeroPoint : RoundingOrder::AfterZeroPoint;
                c.float32Params = variant == 2;
                c.multiplyByInverse = variant == 3;
                if (variant >= 4) {
                    c.scheme = Scheme::Symmetric;
                    c.reciprocalScale = variant == 5;
                }
                std::vector<QuantResult> results;
                for (const std::string& b : builds) {
                    detail::useKernelBuild(b);
                    results.emplace_back();
                    quantizeInto(t, c, results.back(), nullptr, h);
                }
                detail::useKernelBuild("avx512");
                const QuantResult& a = results.front();
                for (size_t i = 1; i < results.size(); ++i) {
                    const QuantResult& b = results[i];
                    const QString where = QString("%1: rounding %2 variant %3 granularity %4")
                                              .arg(QString::fromStdString(builds[i]))
                                              .arg(int(rounding))
                                              .arg(variant)
                                              .arg(int(gr));
                    QVERIFY2(a.codes == b.codes, qPrintable(where));
                    QVERIFY2(std::memcmp(a.dequantized.data(), b.dequantized.data(),
                                         a.dequantized.size() * sizeof(float)) == 0,
                             qPrintable(where));
                    QVERIFY2(a.metrics.clippedLowCount == b.metrics.clippedLowCount &&
                                 a.metrics.clippedHighCount == b.metrics.clippedHighCount &&
                                 a.metrics.levelsUsed == b.metrics.levelsUsed &&
                                 a.metrics.maxAbsError == b.metrics.maxAbsError,
                             qPrintable(where));
                    QVERIFY2(std::fabs(a.metrics.mse - b.metrics.mse) <= 1e-12 * a.metrics.mse,
                             qPrintable(where));
                    QVERIFY2(a.valueHistogram.counts == b.valueHistogram.counts &&
                                 a.errorHistogram.counts == b.errorHistogram.counts,
                             qPrintable(where));
                    ++compared;
                }
            }
    QCOMPARE(compared, 6 * 6 * 2 * int(builds.size() - 1));
}

// Values next to the rounding ties of x / s + z (a tie's float and its neighbours up to 40
// apart) and beyond the code range: the AVX2 build forms codes in float32 away from a tie and in
// double next to one, and gives the baseline's codes, values and clip counts, for a scale that
// is a power of two and others that are not. The values whose float32 code differs from the
// double one without lying on a float tie each take a step of eight of their own, with zeros.
void TestQuantize::kernelBuildsAgreeNearTies()
{
    const std::vector<std::string> builds = detail::kernelBuilds();
    int strict = 0; // misrounded in float32 arithmetic, away from a float tie
    for (const double scale : {1.0 / 64.0, 0.0123456789, 0.000777}) {
        QuantConfig c; // asymmetric 8-bit per tensor, half to even, x / s in double
        Tensor t("ties", {1}, {0.0f});
        QuantParams p = quantize(t, c).params;
        p.scale[0] = scale;
        p.zeroPoint[0] = 100;
        std::vector<float> v;
        const float inv = float(1.0 / scale);
        for (int q = -3; q <= 258; ++q) {
            float x = float((double(q) + 0.5 - 100.0) * scale);
            for (int k = 0; k < 40; ++k)
                x = std::nextafter(x, -HUGE_VALF);
            for (int k = 0; k < 81; ++k, x = std::nextafter(x, HUGE_VALF)) {
                volatile float product = x * inv; // no contraction into a fused multiply-add
                const float inFloat = product + 100.0f, code = std::nearbyint(inFloat);
                const bool differs = double(code) != std::nearbyint(double(x) / scale + 100.0);
                if (differs && std::fabs(inFloat - code) != 0.5f) {
                    ++strict;
                    v.insert(v.end(), 8 - v.size() % 8, 0.0f);
                    v.push_back(x);
                    v.insert(v.end(), 7, 0.0f);
                } else if (differs || k % 10 == 0) {
                    v.push_back(x);
                }
            }
        }
        for (const float far : {-1e6f, 1e6f, -3e38f, 3e38f})
            v.push_back(far);
        while (v.size() % 1024 != 0) // whole chunks of the fast path, and a partial step
            v.push_back(float(v.size() % 300) * 0.01f - 1.0f);
        v.push_back(0.25f);
        t = Tensor("ties", {int64_t(v.size())}, v);
        p.layout = makeSliceLayout(t.shape, Granularity::PerTensor, 0, 1);
        std::vector<QuantResult> results;
        for (const std::string& b : builds) {
            detail::useKernelBuild(b);
            results.push_back(quantizeWithParams(t, p, c));
        }
        detail::useKernelBuild("avx512");
        const QuantResult& a = results.front();
        QVERIFY(a.metrics.clippedLowCount > 0 && a.metrics.clippedHighCount > 0);
        for (size_t i = 1; i < results.size(); ++i) {
            const QString where =
                QString("%1, scale %2").arg(QString::fromStdString(builds[i])).arg(scale);
            QVERIFY2(a.codes == results[i].codes, qPrintable(where));
            QVERIFY2(std::memcmp(a.dequantized.data(), results[i].dequantized.data(),
                                 a.dequantized.size() * sizeof(float)) == 0,
                     qPrintable(where));
            QVERIFY2(a.metrics.clippedLowCount == results[i].metrics.clippedLowCount &&
                         a.metrics.clippedHighCount == results[i].metrics.clippedHighCount &&
                         a.metrics.maxAbsError == results[i].metrics.maxAbsError,
                     qPrintable(where));
        }
    }
    QVERIFY(strict > 0); // the double arithmetic was needed away from float ties too
}

#include "tst_quantize.moc"
