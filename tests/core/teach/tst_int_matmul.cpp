// Integer matrix multiplication: reference vector T13 (uint8 x int8, int32 accumulation,
// requantization to uint8), the correction terms, int16 overflow, and the gemmlowp fixed-point
// primitives against their definitions.
#include "core/teach/int_matmul.h"


#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

using namespace qs;

class TestIntMatmul : public QObject {
    Q_OBJECT
private slots:
    void t13();
    void correctionTermsAddUp();
    void int16Overflow();
    void quantizeMultiplierValues();
    void fixedPointPrimitives();
    void fixedPointMatchesRoundedProduct();
    void demoAgreesWithFloat();
    void badInput();
};

void TestIntMatmul::t13()
{
    const auto [a, b, out, result] = referenceMatmulT13(); // vector T13
    const IntMatmulResult r = integerMatmul(a, b, out);
    QCOMPARE(r.acc32, (std::vector<int32_t>{4, -28, 8, 24}));
    const std::vector<double> c = {0.5, -3.5, 1, 3};
    for (size_t i = 0; i < c.size(); ++i) {
        QCOMPARE(r.dequantProduct[i], c[i]);
        QCOMPARE(r.realProduct[i], c[i]); // equals the float product exactly
    }
    QCOMPARE(r.multiplier, 0.5);
    QCOMPARE(r.fixedPoint.m0, int32_t(1) << 30);
    QCOMPARE(r.fixedPoint.rightShift, 0);
    QCOMPARE(r.fixedPoint.leftShift, 0);
    QCOMPARE(r.outCodes, (std::vector<int32_t>{130, 114, 132, 140}));
    QCOMPARE(r.outCodesFloat, r.outCodes);
    QCOMPARE(r.outDequant, c);
    QCOMPARE(r.outClipped, int64_t(0));
    QVERIFY(!r.int32Overflow);
    QVERIFY(r.overflowed16.empty());
}

void TestIntMatmul::correctionTermsAddUp()
{
    auto [a, b, out, result] = referenceMatmulT13(); // vector T13
    const IntMatmulResult r = integerMatmul(a, b, out);
    // sum qA qB: [[12*4+8*2, 12*-8+8*6], [10*4+14*2, 10*-8+14*6]]
    QCOMPARE(r.sumProducts, (std::vector<int64_t>{64, -48, 68, 4}));
    QCOMPARE(r.rowSumsA, (std::vector<int64_t>{20, 24}));
    QCOMPARE(r.colSumsB, (std::vector<int64_t>{6, -2}));
    QCOMPARE(r.termZeroB, (std::vector<int64_t>{0, 0, 0, 0})); // zB = 0
    QCOMPARE(r.termZeroA, (std::vector<int64_t>{-60, 20, -60, 20}));
    QCOMPARE(r.termConstant, int64_t(0));
    // With a nonzero zB every term matters: compare with the direct sum of (qA - zA)(qB - zB).
    b.zeroPoint = 3;
    const IntMatmulResult r2 = integerMatmul(a, b, out);
    QCOMPARE(r2.termConstant, int64_t(2 * 10 * 3));
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
            int64_t direct = 0;
            for (int t = 0; t < 2; ++t)
                direct += (a.codes[i * 2 + t] - 10) * (b.codes[t * 2 + j] - 3);
            QCOMPARE(int64_t(r2.acc32[i * 2 + j]), direct);
            QCOMPARE(r2.sumProducts[i * 2 + j] + r2.termZeroB[i * 2 + j] + r2.termZeroA[i * 2 + j] +
                         r2.termConstant,
                     direct);
        }
}

void TestIntMatmul::int16Overflow()
{
    // A 1x4 of 255 times B 4x2: column 0 all 127 -> 4 * 32385 = 129540 (wraps), column 1 small.
    QuantMatrix a, b;
    a.rows = 1;
    a.cols = 4;
    a.codes = {255, 255, 255, 255};
    a.scale = 1;
    b.rows = 4;
    b.cols = 2;
    b.codes = {127, 1, 127, 1, 127, 1, 127, 1};
    b.qmin = -128;
    b.qmax = 127;
    OutputQuant out;
    out.scale = 1000;
    const IntMatmulResult r = integerMatmul(a, b, out);
    QCOMPARE(r.sumProducts[0], int64_t(129540));
    QCOMPARE(r.acc32[0], int32_t(129540));
    QCOMPARE(int64_t(r.acc16[0]), int64_t(129540 - 2 * 65536)); // -1532
    QCOMPARE(r.wraps16[0], 2);
    QCOMPARE(r.sumProducts[1], int64_t(1020));
    QCOMPARE(int64_t(r.acc16[1]), int64_t(1020));
    QCOMPARE(r.wraps16[1], 0);
    QCOMPARE(r.overflowed16, (std::vector<int64_t>{0}));
    // 129.54 -> 130 (ties away; not a tie here)
    QCOMPARE(r.outCodes[0], 130);
}

void TestIntMatmul::quantizeMultiplierValues()
{
    const FixedPointMultiplier half = quantizeMultiplier(0.5);
    QCOMPARE(half.m0, int32_t(1) << 30);
    QCOMPARE(half.rightShift, 0);
    const FixedPointMultiplier small = quantizeMultiplier(0.1);
    QVERIFY(small.m0 >= (int32_t(1) << 30));
    QCOMPARE(small.rightShift, 3); // 0.1 = 0.8 * 2^-3
    QCOMPARE(small.m0, int32_t(std::llround(0.8 * 2147483648.0)));
    QVERIFY(std::fabs(small.value() / 0.1 - 1) < 1e-9);
    const FixedPointMultiplier big = quantizeMultiplier(3.0);
    QCOMPARE(big.leftShift, 2); // 3 = 0.75 * 2^2
    QCOMPARE(big.value(), 3.0);
    // f * 2^31 rounding up to 2^31 moves to the next exponent.
    const FixedPointMultiplier edge = quantizeMultiplier(std::nextafter(1.0, 0.0));
    QCOMPARE(edge.m0, int32_t(1) << 30);
    QCOMPARE(edge.leftShift, 1);
    QCOMPARE(quantizeMultiplier(0).m0, 0);
    QVERIFY_THROWS_EXCEPTION(Error, quantizeMultiplier(-1));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeMultiplier(NAN));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeMultiplier(1e-12));
}

void TestIntMatmul::fixedPointPrimitives()
{
    const int32_t mn = std::numeric_limits<int32_t>::min();
    QCOMPARE(saturatingRoundingDoublingHighMul(mn, mn), std::numeric_limits<int32_t>::max());
    // (a * b * 2) / 2^32 with gemmlowp's nudge: 3 * 2^30 * 2 / 2^32 = 1.5 -> 2, but -1.5 -> -1
    // (the negative nudge 1 - 2^30 and truncating division round negative ties toward zero).
    QCOMPARE(saturatingRoundingDoublingHighMul(3, int32_t(1) << 30), 2);
    QCOMPARE(saturatingRoundingDoublingHighMul(-3, int32_t(1) << 30), -1);
    QCOMPARE(saturatingRoundingDoublingHighMul(-7, int32_t(1) << 29), -2); // -1.75
    QCOMPARE(saturatingRoundingDoublingHighMul(5, int32_t(1) << 30), 3);
    // Divide by 4 with ties away from zero.
    QCOMPARE(roundingDivideByPOT(6, 2), 2);   // 1.5 -> 2
    QCOMPARE(roundingDivideByPOT(-6, 2), -2); // -1.5 -> -2
    QCOMPARE(roundingDivideByPOT(5, 2), 1);   // 1.25 -> 1
    QCOMPARE(roundingDivideByPOT(-5, 2), -1);
    QCOMPARE(roundingDivideByPOT(-7, 2), -2); // -1.75
    QCOMPARE(roundingDivideByPOT(7, 0), 7);
}

// The fixed-point result is round(M * acc) up to one code.
void TestIntMatmul::fixedPointMatchesRoundedProduct()
{
    int exact = 0;
    for (double m : {0.0123, 0.37, 0.5, 0.9999, 1.7, 0.000731}) {
        const FixedPointMultiplier f = quantizeMultiplier(m);
        for (int32_t acc = -50000; acc <= 50000; acc += 37) {
            const int32_t q = multiplyByQuantizedMultiplier(acc, f);
            const double ref = std::round(m * double(acc));
            QVERIFY2(std::fabs(q - ref) <= 1, qPrintable(QString("%1 %2").arg(m).arg(acc)));
            exact += q == ref;
        }
    }
    // 16218 cases; the rest are off by one: gemmlowp rounds twice (high mul, then the shift) and
    // rounds negative ties of the high mul toward zero (14844 equal on this grid).
    QVERIFY2(exact > 14000, qPrintable(QString::number(exact)));
}

void TestIntMatmul::demoAgreesWithFloat()
{
    IntMatmulDemoOptions o;
    o.m = 4;
    o.k = 16;
    o.n = 4;
    o.seed = 7;
    const IntMatmulDemo d = intMatmulDemo(o);
    const IntMatmulResult& r = d.result;
    QCOMPARE(r.acc32.size(), size_t(16));
    QVERIFY(!r.int32Overflow);
    double maxErr = 0, maxAbs = 0;
    for (size_t i = 0; i < r.acc32.size(); ++i) {
        // The int32 result is the exact product of the dequantized inputs...
        double direct = 0;
        for (int64_t t = 0; t < o.k; ++t)
            direct += d.a.scale *
                      double(d.a.codes[size_t(int64_t(i / 4) * o.k + t)] - d.a.zeroPoint) *
                      d.b.scale * double(d.b.codes[size_t(t * o.n + int64_t(i % 4))]);
        QVERIFY(std::fabs(direct - r.dequantProduct[i]) < 1e-9 * (1 + std::fabs(direct)));
        // ...close to the float product, and the requantized output within one output step + the
        // input quantization error.
        maxErr = std::max(maxErr, std::fabs(r.outDequant[i] - r.realProduct[i]));
        maxAbs = std::max(maxAbs, std::fabs(r.realProduct[i]));
        QVERIFY(std::abs(r.outCodes[i] - r.outCodesFloat[i]) <= 1);
    }
    QVERIFY(maxErr < 0.05 * maxAbs);
    // Post-ReLU activations (up to 6 = code 255) times weights up to ~1.5 overflow int16 at k=16.
    QVERIFY(!r.overflowed16.empty());
    // Same seed, same numbers.
    const IntMatmulDemo d2 = intMatmulDemo(o);
    QCOMPARE(d2.result.outCodes, r.outCodes);
}

void TestIntMatmul::badInput()
{
    const auto [a, b, out, result] = referenceMatmulT13(); // vector T13
    QuantMatrix bad = b;
    bad.rows = 3;
    QVERIFY_THROWS_EXCEPTION(Error, integerMatmul(a, bad, out));
    bad = a;
    bad.codes[0] = 300;
    QVERIFY_THROWS_EXCEPTION(Error, integerMatmul(bad, b, out));
    bad = a;
    bad.scale = 0;
    QVERIFY_THROWS_EXCEPTION(Error, integerMatmul(bad, b, out));
    OutputQuant o2 = out;
    o2.zeroPoint = 300;
    QVERIFY_THROWS_EXCEPTION(Error, integerMatmul(a, b, o2));
    IntMatmulDemoOptions d;
    d.k = 0;
    QVERIFY_THROWS_EXCEPTION(Error, intMatmulDemo(d));
    d.k = 4;
    d.aLow = 2;
    d.aHigh = 1;
    QVERIFY_THROWS_EXCEPTION(Error, intMatmulDemo(d));
}

QTEST_APPLESS_MAIN(TestIntMatmul)
#include "tst_int_matmul.moc"
