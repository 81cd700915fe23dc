// Float16 pitfalls and the A/B comparison table.
#include "core/analysis/compare.h"
#include "core/teach/float_pitfalls.h"

#include <QtTest>

#include <cmath>

using namespace qs;

class TestFloatPitfalls : public QObject {
    Q_OBJECT
private slots:
    void defaults();
    void nonFinite();
    void comparison();
    void comparisonErrors();
};

void TestFloatPitfalls::defaults()
{
    const std::vector<FloatPitfall> rows = floatPitfalls(defaultPitfallValues());
    QCOMPARE(rows.size(), size_t(10));
    auto fp16 = [&](int i) { return rows[size_t(i)].fp16; };
    auto bf16 = [&](int i) { return rows[size_t(i)].bf16; };
    // 1e-12 (LayerNorm epsilon): below half of fp16's smallest subnormal 2^-24 -> 0.
    QCOMPARE(fp16(0).outcome, FloatOutcome::FlushedToZero);
    QCOMPARE(fp16(0).value, 0.0);
    QCOMPARE(fp16(0).relativeError, 1.0);
    QCOMPARE(bf16(0).outcome, FloatOutcome::Rounded); // bf16 has float32's exponent range
    QVERIFY(bf16(0).relativeError < 1.0 / 256);
    // 1e-8 < 2^-25: also flushed in fp16. 6e-8 is the smallest subnormal 2^-24 = 5.96e-8.
    QCOMPARE(fp16(1).outcome, FloatOutcome::FlushedToZero);
    QCOMPARE(fp16(2).outcome, FloatOutcome::Subnormal);
    QCOMPARE(fp16(2).value, std::ldexp(1.0, -24));
    QCOMPARE(fp16(2).bits, uint16_t(1));
    // 6.1e-5 lies just below the smallest normal 2^-14 = 6.1035e-5.
    QCOMPARE(fp16(3).outcome, FloatOutcome::Subnormal);
    QCOMPARE(fp16(4).outcome, FloatOutcome::Exact);
    QCOMPARE(bf16(4).outcome, FloatOutcome::Exact);
    QCOMPARE(fp16(4).bits, uint16_t(0x3C00));
    QCOMPARE(fp16(5).outcome, FloatOutcome::Exact); // 65504, the largest fp16
    QCOMPARE(fp16(5).bits, uint16_t(0x7BFF));
    QCOMPARE(bf16(5).outcome, FloatOutcome::Rounded); // bf16 keeps 8 significant bits: 65536
    QCOMPARE(bf16(5).value, 65536.0);
    // 65520 is halfway between 65504 and 65536 (= inf's place): ties to even -> inf.
    QCOMPARE(fp16(6).outcome, FloatOutcome::Overflow);
    QVERIFY(std::isinf(fp16(6).value));
    QCOMPARE(fp16(7).outcome, FloatOutcome::Overflow);
    QCOMPARE(fp16(7).bits, uint16_t(0x7C00));
    QVERIFY(std::isinf(fp16(7).relativeError));
    QCOMPARE(bf16(7).outcome, FloatOutcome::Rounded);
    QCOMPARE(bf16(7).value, 70144.0); // 70000 to 8 significant bits
    QCOMPARE(fp16(8).outcome, FloatOutcome::Overflow);
    QCOMPARE(bf16(8).outcome, FloatOutcome::Rounded);
    // 3.4e38 rounds up past bf16's largest finite 3.3895e38 -> inf.
    QCOMPARE(bf16(9).outcome, FloatOutcome::Overflow);
    QCOMPARE(toName(FloatOutcome::FlushedToZero), std::string("flushed to zero"));
}

void TestFloatPitfalls::nonFinite()
{
    const std::vector<FloatPitfall> rows = floatPitfalls({NAN, -INFINITY, 1e300, 0.0});
    QCOMPARE(rows[0].fp16.outcome, FloatOutcome::NonFinite);
    QCOMPARE(rows[1].bf16.outcome, FloatOutcome::NonFinite);
    QCOMPARE(rows[2].fp16.outcome, FloatOutcome::Overflow); // beyond float32 already
    QCOMPARE(rows[2].bf16.outcome, FloatOutcome::Overflow);
    QCOMPARE(rows[3].fp16.outcome, FloatOutcome::Exact);
    QCOMPARE(rows[3].fp16.relativeError, 0.0);
}

void TestFloatPitfalls::comparison()
{
    std::vector<float> v;
    for (int i = 0; i < 1000; ++i)
        v.push_back(float(std::sin(i * 0.1) * (i == 500 ? 20 : 1)));
    const Tensor t("x", {1000}, v);
    QuantConfig a; // 8-bit min-max
    QuantConfig b = a;
    b.bits = 4;
    QuantConfig c = a;
    c.range = RangeMethod::Percentile;
    c.percentile = 99.9;
    const Comparison cmp = compareConfigs(t, {a, b, c});
    QCOMPARE(cmp.results.size(), size_t(3));
    QCOMPARE(cmp.metricNames.size(), cmp.values[0].size());
    for (size_t m = 0; m < cmp.metricNames.size(); ++m)
        QCOMPARE(cmp.deltas[0][m], 0.0);
    const QuantResult ref = quantize(t, b);
    QCOMPARE(cmp.values[1][0], ref.metrics.mse);
    QCOMPARE(cmp.deltas[1][0], ref.metrics.mse - cmp.values[0][0]);
    QVERIFY(cmp.deltas[1][0] > 0); // fewer bits, more error
    QVERIFY(cmp.deltas[1][4] < 0); // lower SQNR
    QCOMPARE(cmp.values[1][7], ref.metrics.bitsPerElement);
    QVERIFY(cmp.values[2][5] > 0); // percentile clips the spike
    QCOMPARE(cmp.labels[1], b.summary());
}

void TestFloatPitfalls::comparisonErrors()
{
    const Tensor t("x", {3}, {1, 2, 3});
    QVERIFY_THROWS_EXCEPTION(Error, compareConfigs(t, {}));
    QuantConfig bad;
    bad.bits = 17;
    try {
        compareConfigs(t, {QuantConfig(), bad});
        QFAIL("no error");
    } catch (const Error& e) {
        QVERIFY(std::string(e.what()).find("configuration 2") != std::string::npos);
    }
}

QTEST_APPLESS_MAIN(TestFloatPitfalls)
#include "tst_float_pitfalls.moc"
