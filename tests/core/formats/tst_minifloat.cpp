// Tests of the 8-bit and 4-bit float formats: every code decodes to the value the OCP spec
// defines (computed here from the bit fields), encoding rounds to nearest even at every
// midpoint, saturation, NaN, subnormals and negative zero.
#include "core/base/error.h"
#include "core/formats/minifloat.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace qs;

namespace {

// Spec value of an 8-bit float code from its fields: E exponent bits with bias 2^(E-1) - 1, M
// mantissa bits. An all-ones exponent holds infinity (mantissa 0) and NaNs as in IEEE (E5M2);
// with finiteOnly (E4M3 FN) it holds normal values, and only S.1111.111 is NaN.
double specValue(int c, int E, int M, bool finiteOnly)
{
    const int emax = (1 << E) - 1, mmax = (1 << M) - 1, bias = (1 << (E - 1)) - 1;
    const int s = (c >> (E + M)) & 1, e = (c >> M) & emax, m = c & mmax;
    const double fraction = m / double(1 << M);
    double v;
    if (e == emax && (!finiteOnly || m == mmax))
        v = !finiteOnly && m == 0 ? std::numeric_limits<double>::infinity()
                                  : std::numeric_limits<double>::quiet_NaN();
    else if (e == 0)
        v = fraction * std::pow(2.0, 1 - bias);
    else
        v = (1.0 + fraction) * std::pow(2.0, e - bias);
    return s ? -v : v;
}

double specE4M3(int c)
{
    return specValue(c, 4, 3, true);
}

double specE5M2(int c)
{
    return specValue(c, 5, 2, false);
}

int codeCount(MiniFloat f)
{
    return 1 << miniFloatInfo(f).bits();
}

// Finite codes of a format with their values, non-negative values only, ascending.
std::vector<std::pair<double, int>> positiveGrid(MiniFloat f)
{
    std::vector<std::pair<double, int>> g;
    const int signBit = codeCount(f) / 2;
    for (int c = 0; c < signBit; ++c) {
        const double v = decodeMiniFloat(f, static_cast<uint8_t>(c));
        if (std::isfinite(v))
            g.push_back({v, c});
    }
    std::sort(g.begin(), g.end());
    return g;
}

// Brute force: nearest finite value, ties to the even code; beyond max, saturation.
int bruteForce(MiniFloat f, double x)
{
    const auto g = positiveGrid(f);
    const int signBit = codeCount(f) / 2;
    const double a = std::fabs(x);
    int best = g[0].second;
    double bestD = std::fabs(a - g[0].first);
    for (const auto& [v, c] : g) {
        const double d = std::fabs(a - v);
        if (d < bestD || (d == bestD && (c & 1) == 0)) {
            best = c;
            bestD = d;
        }
    }
    return std::signbit(x) ? best | signBit : best;
}

} // namespace

class TestMiniFloat : public QObject {
    Q_OBJECT
private slots:
    void decodeAllE4M3();
    void decodeAllE5M2();
    void decodeAllE2M1();
    void limits();
    void roundTripEveryCode_data();
    void roundTripEveryCode();
    void midpointsRoundToEven_data();
    void midpointsRoundToEven();
    void randomAgainstBruteForce_data();
    void randomAgainstBruteForce();
    void fastPathAgrees_data();
    void fastPathAgrees();
    void saturation();
    void nonSaturating();
    void nanHandling();
    void subnormals();
    void knownValues();
    void negativeZero();
    void errors();
};

void TestMiniFloat::decodeAllE4M3()
{
    int nans = 0;
    for (int c = 0; c < 256; ++c) {
        const double expected = specE4M3(c);
        const double got = decodeMiniFloat(MiniFloat::E4M3, static_cast<uint8_t>(c));
        if (std::isnan(expected)) {
            QVERIFY2(std::isnan(got), qPrintable(QString::number(c, 16)));
            ++nans;
        } else {
            QCOMPARE_EXACT(got, expected);
            QCOMPARE(std::signbit(got), bool(c & 0x80));
        }
        QVERIFY(!std::isinf(got)); // E4M3FN has no infinity
    }
    QCOMPARE(nans, 2); // 0x7F and 0xFF
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E4M3, 0x7E), 448.0);
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E4M3, 0x08), 0.015625);    // 2^-6 min normal
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E4M3, 0x01), 0.001953125); // 2^-9 min subnormal
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E4M3, 0x38), 1.0);         // exponent field 7 = bias
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E4M3, 0xF8), -256.0);
}

void TestMiniFloat::decodeAllE5M2()
{
    int nans = 0, infs = 0;
    for (int c = 0; c < 256; ++c) {
        const double expected = specE5M2(c);
        const double got = decodeMiniFloat(MiniFloat::E5M2, static_cast<uint8_t>(c));
        if (std::isnan(expected)) {
            QVERIFY(std::isnan(got));
            ++nans;
        } else {
            QCOMPARE_EXACT(got, expected);
            infs += std::isinf(got) ? 1 : 0;
        }
    }
    QCOMPARE(nans, 6);
    QCOMPARE(infs, 2);
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E5M2, 0x7B), 57344.0);
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E5M2, 0x7C), std::numeric_limits<double>::infinity());
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E5M2, 0xFC),
                   -std::numeric_limits<double>::infinity());
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E5M2, 0x04), 6.103515625e-05);   // 2^-14
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E5M2, 0x01), 1.52587890625e-05); // 2^-16
}

void TestMiniFloat::decodeAllE2M1()
{
    const double pos[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    for (int c = 0; c < 16; ++c) {
        const double got = decodeMiniFloat(MiniFloat::E2M1, static_cast<uint8_t>(c));
        QCOMPARE_EXACT(got, c & 8 ? -pos[c & 7] : pos[c & 7]);
        QCOMPARE(std::signbit(got), bool(c & 8));
    }
}

void TestMiniFloat::limits()
{
    for (MiniFloat f : {MiniFloat::E4M3, MiniFloat::E5M2, MiniFloat::E2M1}) {
        const MiniFloatInfo& fi = miniFloatInfo(f);
        const auto g = positiveGrid(f);
        QCOMPARE_EXACT(g.back().first, fi.maxFinite);
        QCOMPARE(g.back().second, int(fi.maxCode));
        QCOMPARE_EXACT(g[1].first, fi.minSubnormal);
        QCOMPARE_EXACT(decodeMiniFloat(f, static_cast<uint8_t>(1 << fi.mantissaBits)),
                       fi.minNormal);
    }
    QCOMPARE(miniFloatFromName("E4M3"), MiniFloat::E4M3);
    QCOMPARE(miniFloatFromName("e5m2"), MiniFloat::E5M2);
    QVERIFY_THROWS_EXCEPTION(Error, miniFloatFromName("e3m4"));
}

void TestMiniFloat::roundTripEveryCode_data()
{
    QTest::addColumn<int>("format");
    QTest::newRow("E4M3") << int(MiniFloat::E4M3);
    QTest::newRow("E5M2") << int(MiniFloat::E5M2);
    QTest::newRow("E2M1") << int(MiniFloat::E2M1);
}

void TestMiniFloat::roundTripEveryCode()
{
    QFETCH(int, format);
    const MiniFloat f = static_cast<MiniFloat>(format);
    for (int c = 0; c < codeCount(f); ++c) {
        const double v = decodeMiniFloat(f, static_cast<uint8_t>(c));
        if (std::isnan(v))
            continue;
        EncodeEvent ev;
        const bool saturate = !std::isinf(v); // keep infinities of E5M2
        QCOMPARE(int(encodeMiniFloat(f, static_cast<float>(v), saturate, &ev)), c);
        if (std::isfinite(v))
            QVERIFY(ev == EncodeEvent::None);
    }
}

void TestMiniFloat::midpointsRoundToEven_data()
{
    roundTripEveryCode_data();
}

void TestMiniFloat::midpointsRoundToEven()
{
    QFETCH(int, format);
    const MiniFloat f = static_cast<MiniFloat>(format);
    const auto g = positiveGrid(f);
    const int signBit = codeCount(f) / 2;
    int checked = 0;
    for (size_t i = 0; i + 1 < g.size(); ++i) {
        const auto [a, ca] = g[i];
        const auto [b, cb] = g[i + 1];
        QCOMPARE(cb, ca + 1); // neighbours are consecutive codes: exactly one is even
        const float mid = static_cast<float>((a + b) / 2);
        QCOMPARE(double(mid), (a + b) / 2); // exact in float32
        const int even = (ca % 2 == 0) ? ca : cb;
        for (int sgn : {1, -1}) {
            const int s = sgn < 0 ? signBit : 0;
            QCOMPARE(int(encodeMiniFloat(f, sgn * mid)), even | s);
            QCOMPARE(int(encodeMiniFloat(f, sgn * std::nextafter(mid, 1e9f))), cb | s);
            QCOMPARE(int(encodeMiniFloat(f, sgn * std::nextafter(mid, 0.0f))), ca | s);
            // Just inside the neighbours themselves.
            QCOMPARE(int(encodeMiniFloat(f, sgn * std::nextafter(float(a), 1e9f))), ca | s);
            QCOMPARE(int(encodeMiniFloat(f, sgn * std::nextafter(float(b), 0.0f))), cb | s);
        }
        ++checked;
    }
    QCOMPARE(checked, int(g.size()) - 1);
    QVERIFY(checked >= 7);
}

void TestMiniFloat::randomAgainstBruteForce_data()
{
    roundTripEveryCode_data();
}

void TestMiniFloat::randomAgainstBruteForce()
{
    QFETCH(int, format);
    const MiniFloat f = static_cast<MiniFloat>(format);
    const MiniFloatInfo& fi = miniFloatInfo(f);
    std::mt19937_64 rng(42 + format);
    std::uniform_real_distribution<double> logMag(std::log2(fi.minSubnormal) - 3,
                                                  std::log2(fi.maxFinite) + 2);
    for (int i = 0; i < 20000; ++i) {
        float x = static_cast<float>(std::exp2(logMag(rng)));
        if (rng() & 1)
            x = -x;
        QCOMPARE(int(encodeMiniFloat(f, x)), bruteForce(f, x));
    }
}

void TestMiniFloat::fastPathAgrees_data()
{
    roundTripEveryCode_data();
}

void TestMiniFloat::fastPathAgrees()
{
    // The table-driven float32 encoder against the exact one: random bit patterns (every
    // exponent, NaN, inf, subnormals), every midpoint and its neighbours, both overflow modes.
    QFETCH(int, format);
    const MiniFloat f = static_cast<MiniFloat>(format);
    std::vector<float> values;
    std::mt19937 rng(7 + format);
    for (int i = 0; i < 300000; ++i) {
        const uint32_t u = rng();
        float v;
        std::memcpy(&v, &u, sizeof v);
        values.push_back(v);
    }
    std::uniform_real_distribution<double> logMag(-20, 18);
    for (int i = 0; i < 300000; ++i)
        values.push_back(float((rng() & 1 ? -1 : 1) * std::exp2(logMag(rng))));
    const auto g = positiveGrid(f);
    for (size_t i = 0; i + 1 < g.size(); ++i) {
        const float mid = float((g[i].first + g[i + 1].first) / 2);
        values.insert(values.end(), {mid, -mid, std::nextafter(mid, 0.0f),
                                     std::nextafter(mid, 1e9f), float(g[i].first)});
    }
    for (float big : {464.0f, 480.0f, 61440.0f, 65536.0f, 7.0f, 8.0f})
        values.insert(values.end(), {big, std::nextafter(big, 0.0f), std::nextafter(big, 1e9f)});
    for (bool saturate : {true, false}) {
        if (!saturate && f == MiniFloat::E2M1)
            continue;
        for (float v : values) {
            EncodeEvent e1, e2;
            const int exact = encodeMiniFloat(f, v, saturate, &e1);
            const int fast = encodeMiniFloatFast(f, v, saturate, &e2);
            if (exact != fast || e1 != e2)
                QFAIL(qPrintable(QString("x = %1 (saturate %2): exact %3, fast %4")
                                     .arg(double(v), 0, 'g', 12)
                                     .arg(saturate)
                                     .arg(exact, 0, 16)
                                     .arg(fast, 0, 16)));
        }
    }
}

void TestMiniFloat::saturation()
{
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> x = {500.0f, -1e6f, 448.0f, 1e30f, inf, 450.0f, -inf};
    LowbitResult r = quantizeMiniFloat(x.data(), int64_t(x.size()), MiniFloat::E4M3);
    const std::vector<int32_t> codes = {0x7E, 0xFE, 0x7E, 0x7E, 0x7E, 0x7E, 0xFE};
    QCOMPARE(r.codes, codes);
    QCOMPARE_EXACT(r.dequantized[0], 448.0f);
    QCOMPARE_EXACT(r.dequantized[1], -448.0f);
    QCOMPARE_EXACT(r.dequantized[4], inf); // non-finite inputs keep their value
    QCOMPARE(r.saturated, int64_t(4));     // 500, -1e6, 1e30, 450 (448 itself is not)
    QCOMPARE(r.nonfinite, int64_t(2));
    QCOMPARE_EXACT(r.bitsPerElement, 8.0);

    const std::vector<float> y = {60000.0f, -61440.0f, 57344.0f, 1e9f};
    r = quantizeMiniFloat(y.data(), int64_t(y.size()), MiniFloat::E5M2);
    QCOMPARE(r.codes, (std::vector<int32_t>{0x7B, 0xFB, 0x7B, 0x7B}));
    QCOMPARE_EXACT(r.dequantized[3], 57344.0f);
    QCOMPARE(r.saturated, int64_t(3));

    const std::vector<float> z = {7.0f, -100.0f, 5.0f, 6.0f};
    r = quantizeMiniFloat(z.data(), int64_t(z.size()), MiniFloat::E2M1);
    // 5 is the midpoint of 4 (0b110) and 6 (0b111): ties to even -> 4.
    QCOMPARE(r.codes, (std::vector<int32_t>{0x7, 0xF, 0x6, 0x7}));
    QCOMPARE(r.dequantized, (std::vector<float>{6.0f, -6.0f, 4.0f, 6.0f}));
    QCOMPARE(r.saturated, int64_t(2));
    QCOMPARE_EXACT(r.bitsPerElement, 4.0);
}

void TestMiniFloat::nonSaturating()
{
    const float inf = std::numeric_limits<float>::infinity();
    // E4M3: 464 is the midpoint of 448 and (the would-be) 480: ties to even keep 448.
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, 464.0f, false)), 0x7E);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, std::nextafter(464.0f, 1e9f), false)), 0x7F);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, -1000.0f, false)), 0xFF);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, inf, false)), 0x7F);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, std::nextafter(464.0f, 1e9f), true)), 0x7E);
    // E5M2: 61440 is the midpoint of 57344 (odd mantissa) and 65536 (even): rounds to inf.
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, 61440.0f, false)), 0x7C);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, std::nextafter(61440.0f, 0.0f), false)), 0x7B);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, -1e6f, false)), 0xFC);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, -inf, false)), 0xFC);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, -inf, true)), 0xFB);

    const std::vector<float> x = {1e6f, 1.0f};
    const LowbitResult r = quantizeMiniFloat(x.data(), 2, MiniFloat::E5M2, false);
    QCOMPARE_EXACT(r.dequantized[0], inf);
    QCOMPARE_EXACT(r.dequantized[1], 1.0f);
    QCOMPARE(r.saturated, int64_t(1));
}

void TestMiniFloat::nanHandling()
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EncodeEvent ev;
    const uint8_t c4 = encodeMiniFloat(MiniFloat::E4M3, nan, true, &ev);
    QCOMPARE(int(c4 & 0x7F), 0x7F);
    QVERIFY(ev == EncodeEvent::NonFinite);
    QVERIFY(std::isnan(decodeMiniFloat(MiniFloat::E4M3, c4)));
    const uint8_t c5 = encodeMiniFloat(MiniFloat::E5M2, -nan, true);
    QVERIFY(std::isnan(decodeMiniFloat(MiniFloat::E5M2, c5)));

    const std::vector<float> x = {nan, 1.0f, nan};
    LowbitResult r = quantizeMiniFloat(x.data(), 3, MiniFloat::E2M1);
    QCOMPARE(r.codes[0], 0); // no NaN in E2M1: the code of +0
    QVERIFY(std::isnan(r.dequantized[0]));
    QCOMPARE_EXACT(r.dequantized[1], 1.0f);
    QCOMPARE(r.nonfinite, int64_t(2));
    QCOMPARE(r.saturated, int64_t(0));
    r = quantizeMiniFloat(x.data(), 3, MiniFloat::E4M3);
    QVERIFY(std::isnan(r.dequantized[2]));
    QCOMPARE(r.codes[1], 0x38);
}

void TestMiniFloat::subnormals()
{
    const double s4 = std::ldexp(1.0, -9); // E4M3 smallest subnormal
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, float(s4))), 0x01);
    EncodeEvent ev;
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, float(s4 / 2), true, &ev)), 0x00); // tie -> 0
    QVERIFY(ev == EncodeEvent::Flushed);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, float(s4 * 0.75))), 0x01);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, float(s4 * 1.5))), 0x02); // tie 1|2 -> 2
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, float(s4 * 2.5))), 0x02); // tie 2|3 -> 2
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, float(s4 * 7.5))), 0x08); // 7|8 -> 8 = 2^-6
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, -float(s4 * 3))), 0x83);
    // The smallest float32 subnormal flushes to zero in every format.
    const float tiny = std::numeric_limits<float>::denorm_min();
    const std::vector<float> x = {tiny, -tiny, float(s4), 0.0f};
    const LowbitResult r = quantizeMiniFloat(x.data(), 4, MiniFloat::E4M3);
    QCOMPARE(r.codes, (std::vector<int32_t>{0x00, 0x80, 0x01, 0x00}));
    QCOMPARE(r.flushedToZero, int64_t(2));
    const double s5 = std::ldexp(1.0, -16);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, float(s5 * 3))), 0x03);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, float(s5 * 3.5))), 0x04); // 3|4 -> 4 (normal)
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, 0.25f)), 0x0);            // 0|0.5 -> 0
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, 0.75f)), 0x2);            // 0.5|1 -> 1
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, 1.25f)), 0x2);            // 1|1.5 -> 1
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, 1.75f)), 0x4);            // 1.5|2 -> 2
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, 2.5f)), 0x4);             // 2|3 -> 2
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, 3.5f)), 0x6);             // 3|4 -> 4
}

void TestMiniFloat::knownValues()
{
    // Values as the usual float8 libraries give them (ml_dtypes, ONNX, CUDA).
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, 0.1f)), 0x1D); // 0.1015625
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E4M3, 0x1D), 0.1015625);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, 0.1f)), 0x2E); // 0.09375
    QCOMPARE_EXACT(decodeMiniFloat(MiniFloat::E5M2, 0x2E), 0.09375);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, 3.14159f)), 0x45);  // 3.25
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, -3.14159f)), 0xC2); // -3.0
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, 2.7f)), 0x5);       // 3.0
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, 240.0f)), 0x77);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, 1.0f)), 0x3C);
}

void TestMiniFloat::negativeZero()
{
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, -0.0f)), 0x80);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, -0.0f)), 0x80);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E2M1, -0.0f)), 0x8);
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E4M3, 0.0f)), 0x00);
    QVERIFY(std::signbit(decodeMiniFloat(MiniFloat::E4M3, 0x80)));
    QVERIFY(std::signbit(decodeMiniFloat(MiniFloat::E2M1, 0x8)));
    // A negative value that flushes keeps its sign.
    QCOMPARE(int(encodeMiniFloat(MiniFloat::E5M2, -1e-30f)), 0x80);
    const std::vector<float> x = {-0.0f};
    const LowbitResult r = quantizeMiniFloat(x.data(), 1, MiniFloat::E4M3);
    QCOMPARE(r.flushedToZero, int64_t(0)); // zero is not flushed
    QVERIFY(std::signbit(r.dequantized[0]));
}

void TestMiniFloat::errors()
{
    const float one = 1.0f;
    QVERIFY_THROWS_EXCEPTION(Error, encodeMiniFloat(MiniFloat::E2M1, 1.0, false));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeMiniFloat(&one, 1, MiniFloat::E2M1, false));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeMiniFloat(&one, 0, MiniFloat::E4M3));
}

QTEST_APPLESS_MAIN(TestMiniFloat)
#include "tst_minifloat.moc"
