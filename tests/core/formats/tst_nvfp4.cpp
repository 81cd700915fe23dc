// NVFP4, the MXFP6 elements, the MX shared-scale rounding options and the FNUZ float8 formats:
// a hand-computed NVFP4 tensor (codes, E4M3 block-scale bits, the fp32 tensor scale and every
// x^ as float32 bits), every E2M3 / E3M2 code against the OCP MX v1.0 table, the E8M0 exponent
// of each rounding on hand-chosen block maxima, and every FNUZ code as the ONNX spec defines it
// (0x80 the only NaN, no -0) with ties to even and saturation.
#include "core/base/error.h"
#include "core/formats/minifloat.h"
#include "core/formats/mx.h"
#include "core/formats/nvfp4.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

using namespace qs;

namespace {

uint32_t bitsOf(float v)
{
    uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

} // namespace

class TestNvfp4 : public QObject {
    Q_OBJECT
private slots:
    void nvfp4HandBlock();
    void nvfp4ZeroAndTinyBlocks();
    void nvfp4NonFinite();
    void mxfp6Codes_data();
    void mxfp6Codes();
    void mxfp6Blocks();
    void mxScaleRounding_data();
    void mxScaleRounding();
    void mxScaleRoundingBlocks();
    void fnuzCodes_data();
    void fnuzCodes();
    void fnuzRounding();
};

// Two blocks of 16. amax = 12: g = float32(12 / 2688) = 0x3b924925. Block 0 (amax 3):
// 3 / (6 g) = 111.99999 -> E4M3 112 = 0x6E, s * g = 0.5 exactly; block 1 (amax 12): 447.99997 ->
// 448 = 0x7E, s * g = 2. Ties go to even codes (2.5 -> 2, 3.5 -> 4, 1.25 -> 1 in units of s*g).
void TestNvfp4::nvfp4HandBlock()
{
    const std::vector<float> x = {3.0f,  -1.5f, 0.75f, 0.1f,  -0.0f, 2.2f,  1.25f, -3.0f,
                                  0.5f,  0.26f, 1.75f, -0.9f, 0.0f,  2.75f, -2.0f, 1.0f,
                                  12.0f, -7.0f, 5.0f,  0.4f,  -11.f, 9.0f,  1.0f,  -0.2f,
                                  3.5f,  2.5f,  -6.5f, 8.0f,  0.0f,  10.5f, -4.0f, 0.05f};
    const LowbitResult r = quantizeNvfp4(x.data(), int64_t(x.size()));
    QCOMPARE(r.format, std::string("NVFP4"));
    QCOMPARE(r.blockSize, int64_t(16));
    QCOMPARE(bitsOf(r.tensorScale), 0x3b924925u);
    QCOMPARE(bitsOf(nvfp4TensorScale(12.0f)), 0x3b924925u);
    QCOMPARE(r.scaleCodes, (std::vector<uint8_t>{0x6E, 0x7E}));
    QCOMPARE(bitsOf(r.scales[0]), 0x3f000000u); // 0.5
    QCOMPARE(bitsOf(r.scales[1]), 0x40000000u); // 2
    const int32_t codes[] = {0x7, 0xd, 0x3, 0x0, 0x8, 0x6, 0x4, 0xf, 0x2, 0x1, 0x6,
                             0xc, 0x0, 0x7, 0xe, 0x4, 0x7, 0xe, 0x4, 0x0, 0xf, 0x6,
                             0x1, 0x8, 0x4, 0x2, 0xd, 0x6, 0x0, 0x7, 0xc, 0x0};
    const uint32_t xhat[] = {
        0x40400000u, 0xbfc00000u, 0x3f400000u, 0x00000000u, 0x80000000u, 0x40000000u, 0x3f800000u,
        0xc0400000u, 0x3f000000u, 0x3e800000u, 0x40000000u, 0xbf800000u, 0x00000000u, 0x40400000u,
        0xc0000000u, 0x3f800000u, 0x41400000u, 0xc1000000u, 0x40800000u, 0x00000000u, 0xc1400000u,
        0x41000000u, 0x3f800000u, 0x80000000u, 0x40800000u, 0x40000000u, 0xc0c00000u, 0x41000000u,
        0x00000000u, 0x41400000u, 0xc0800000u, 0x00000000u};
    for (size_t i = 0; i < x.size(); ++i) {
        QCOMPARE(r.codes[i], codes[i]);
        QCOMPARE(bitsOf(r.dequantized[i]), xhat[i]);
    }
    QCOMPARE(r.flushedToZero, int64_t(4)); // 0.1, 0.4, -0.2, 0.05
    QCOMPARE(r.saturated, int64_t(0));
    // 4 bits per element, 8 per block of 16, 32 for the tensor.
    QCOMPARE(r.storage.payloadBits, 32.0 * 4);
    QCOMPARE(r.storage.scaleBits, 2.0 * 8);
    QCOMPARE(r.storage.secondLevelBits, 32.0);
    QCOMPARE(r.storageBits, int64_t(32 * 4 + 16 + 32));
}

// A block of zeros gets the E4M3 scale 1 (0x38); a block whose scale rounds to E4M3 zero decodes
// to zeros with its nonzero inputs flushed; a tensor of zeros has g = 1.
void TestNvfp4::nvfp4ZeroAndTinyBlocks()
{
    std::vector<float> x(32, 0.0f);
    x[16] = 1.0f;
    LowbitResult r = quantizeNvfp4(x.data(), 32);
    QCOMPARE(r.scaleCodes, (std::vector<uint8_t>{0x38, 0x7E}));
    const float g = 1.0f / 2688.0f;
    QCOMPARE_EXACT(r.tensorScale, g);
    QCOMPARE_EXACT(r.scales[0], g);
    QCOMPARE_EXACT(r.scales[1], 448.0f * g);
    QCOMPARE(r.codes[16], 0x7); // 1 / (448 g) rounds to 6
    QCOMPARE_EXACT(r.dequantized[16], 6.0f * (448.0f * g));

    x.assign(32, 0.0f);
    x[0] = 1e-4f; // 1e-4 / (6 g) = 4.48e-5 < 2^-10: the E4M3 scale is 0
    x[1] = -2e-5f;
    x[16] = 1000.0f;
    r = quantizeNvfp4(x.data(), 32);
    QCOMPARE(int(r.scaleCodes[0]), 0);
    QCOMPARE_EXACT(r.scales[0], 0.0f);
    QCOMPARE(r.codes[0], 0x0);
    QCOMPARE(r.codes[1], 0x8);
    QCOMPARE_EXACT(r.dequantized[0], 0.0f);
    QCOMPARE(r.flushedToZero, int64_t(2));

    x.assign(16, 0.0f);
    r = quantizeNvfp4(x.data(), 16);
    QCOMPARE_EXACT(r.tensorScale, 1.0f);
    QCOMPARE(int(r.scaleCodes[0]), 0x38);
}

// NaN and +-Inf take no part in amax and keep their value; codes +0, +6 and -6.
void TestNvfp4::nvfp4NonFinite()
{
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> x(16, 0.0f);
    x[0] = std::nanf("");
    x[1] = inf;
    x[2] = -inf;
    x[3] = 6.0f;
    const LowbitResult r = quantizeNvfp4(x.data(), 16);
    QCOMPARE(r.nonfinite, int64_t(3));
    QCOMPARE_EXACT(r.tensorScale, 6.0f / 2688.0f);
    QCOMPARE(r.codes[0], 0x0);
    QCOMPARE(r.codes[1], 0x7);
    QCOMPARE(r.codes[2], 0xf);
    QVERIFY(std::isnan(r.dequantized[0]));
    QCOMPARE_EXACT(r.dequantized[1], inf);
    QCOMPARE_EXACT(r.dequantized[2], -inf);
    QCOMPARE(r.codes[3], 0x7);
}

// OCP MX v1.0, section 5.3.2: the 32 non-negative values of each FP6 format in code order
// (S = 0); code c | 0x20 is the negative of code c (0x20 is -0).
void TestNvfp4::mxfp6Codes_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<std::vector<double>>("values");
    QTest::newRow("E2M3") << int(MiniFloat::E2M3)
                          << std::vector<double>{0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875,
                                                 1, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,
                                                 2, 2.25,  2.5,  2.75,  3,   3.25,  3.5,  3.75,
                                                 4, 4.5,   5,    5.5,   6,   6.5,   7,    7.5};
    QTest::newRow("E3M2") << int(MiniFloat::E3M2)
                          << std::vector<double>{
                                 0,   0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375,
                                 0.5, 0.625,  0.75,  0.875,  1,    1.25,   1.5,   1.75,
                                 2,   2.5,    3,     3.5,    4,    5,      6,     7,
                                 8,   10,     12,    14,     16,   20,     24,    28};
}

void TestNvfp4::mxfp6Codes()
{
    QFETCH(int, format);
    QFETCH(std::vector<double>, values);
    const MiniFloat f = MiniFloat(format);
    const MiniFloatInfo& fi = miniFloatInfo(f);
    QCOMPARE(fi.bits(), 6);
    QVERIFY(!fi.hasInf && !fi.hasNaN);
    QCOMPARE_EXACT(fi.maxFinite, values.back());
    for (int c = 0; c < 64; ++c) {
        const double v = decodeMiniFloat(f, uint8_t(c));
        const double want = (c & 0x20) ? -values[size_t(c & 0x1f)] : values[size_t(c)];
        QVERIFY2(v == want && std::signbit(v) == bool(c & 0x20), qPrintable(QString::number(c)));
        if (c < 0x20) // each value encodes to its own code
            QCOMPARE(int(encodeMiniFloat(f, want)), c);
    }
    // Saturation (no inf or NaN) and a tie between codes 0x1e and 0x1f: to the even code.
    QCOMPARE(int(encodeMiniFloat(f, 1000.0)), 0x1f);
    QCOMPARE(int(encodeMiniFloat(f, -1000.0)), 0x3f);
    QCOMPARE(int(encodeMiniFloat(f, (values[30] + values[31]) / 2)), 0x1e);
    QCOMPARE(int(encodeMiniFloat(f, std::nan(""))), 0);
    QVERIFY_THROWS_EXCEPTION(Error, encodeMiniFloat(f, 1.0, false));
}

// MXFP6 blocks: X = 2^(floor(log2 amax) - emax), 6 + 8/32 bits per element.
void TestNvfp4::mxfp6Blocks()
{
    QCOMPARE(mxElementEmax(MxFormat::MXFP6_E2M3), 2);
    QCOMPARE(mxElementEmax(MxFormat::MXFP6_E3M2), 4);
    QCOMPARE(mxElementBits(MxFormat::MXFP6_E2M3), 6);
    QCOMPARE(mxFormatFromName("mxfp6_e3m2"), MxFormat::MXFP6_E3M2);
    std::vector<float> x(32, 0.0f);
    x[0] = 7.5f;    // E2M3: X = 2^(2 - 2) = 1
    x[1] = -0.2f;   // between 0.125 (code 1) and 0.25 (code 2): -0.25, code 0x22
    x[2] = 0.0625f; // tie between 0 and 0.125: to 0 (flushed)
    LowbitResult r = quantizeMx(x.data(), 32, MxFormat::MXFP6_E2M3);
    QCOMPARE_EXACT(r.scales[0], 1.0f);
    QCOMPARE(r.codes[0], 0x1f);
    QCOMPARE(r.codes[1], 0x22);
    QCOMPARE_EXACT(r.dequantized[1], -0.25f);
    QCOMPARE(r.codes[2], 0x00);
    QCOMPARE(r.flushedToZero, int64_t(1));
    QCOMPARE(r.bitsPerElement, 6.25);
    x[0] = 30.0f; // E3M2: X = 2^(4 - 4) = 1, 30 saturates to 28
    r = quantizeMx(x.data(), 32, MxFormat::MXFP6_E3M2);
    QCOMPARE_EXACT(r.scales[0], 1.0f);
    QCOMPARE(r.codes[0], 0x1f);
    QCOMPARE_EXACT(r.dequantized[0], 28.0f);
    QCOMPARE(r.saturated, int64_t(1));
}

// The E8M0 exponent of each rounding (MXFP4: emax 2, max 6; MXFP6 E3M2: emax 4, max 28).
void TestNvfp4::mxScaleRounding_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<double>("amax");
    QTest::addColumn<std::vector<int>>("exps"); // floor, ceil, even, no-clip
    const int fp4 = int(MxFormat::MXFP4), e3m2 = int(MxFormat::MXFP6_E3M2);
    QTest::newRow("4: a power of two") << fp4 << 4.0 << std::vector<int>{0, 0, 0, 0};
    QTest::newRow("5: fits") << fp4 << 5.0 << std::vector<int>{0, 1, 0, 0};
    QTest::newRow("7: clips under floor") << fp4 << 7.0 << std::vector<int>{0, 1, 1, 1};
    QTest::newRow("3: 3/0.5 = 6 fits") << fp4 << 3.0 << std::vector<int>{-1, 0, 0, -1};
    QTest::newRow("1.5: above sqrt 2") << fp4 << 1.5 << std::vector<int>{-2, -1, -1, -2};
    QTest::newRow("1.4: below sqrt 2") << fp4 << 1.4 << std::vector<int>{-2, -1, -2, -2};
    QTest::newRow("E3M2 30") << e3m2 << 30.0 << std::vector<int>{0, 1, 1, 1};
    QTest::newRow("E3M2 28") << e3m2 << 28.0 << std::vector<int>{0, 1, 1, 0};
    QTest::newRow("tiny: clamped") << fp4 << 1e-45 << std::vector<int>{-127, -127, -127, -127};
    QTest::newRow("zero") << fp4 << 0.0 << std::vector<int>{-127, -127, -127, -127};
}

void TestNvfp4::mxScaleRounding()
{
    QFETCH(int, format);
    QFETCH(double, amax);
    QFETCH(std::vector<int>, exps);
    const MxFormat f = MxFormat(format);
    const double a = double(float(amax));      // block maxima are float32 values
    QCOMPARE(mxSharedExponent(f, a), exps[0]); // floor by default
    std::vector<int> got;
    for (MxScaleRounding r : {MxScaleRounding::Floor, MxScaleRounding::Ceil, MxScaleRounding::Even,
                              MxScaleRounding::NoClip})
        got.push_back(mxSharedExponent(f, a, r));
    QCOMPARE(got, exps);
}

// Through quantizeMx: the rounding picks each block's scale, no-clip never saturates.
void TestNvfp4::mxScaleRoundingBlocks()
{
    std::vector<float> x(64, 0.5f);
    x[0] = 7.0f;
    x[32] = -1.5f;
    const LowbitResult floor = quantizeMx(x.data(), 64, MxFormat::MXFP4);
    QCOMPARE_EXACT(floor.scales[0], 1.0f);
    QCOMPARE_EXACT(floor.scales[1], 0.25f);
    QCOMPARE(floor.saturated, int64_t(1)); // 7 -> 6
    const LowbitResult noClip =
        quantizeMx(x.data(), 64, MxFormat::MXFP4, 0, 32, nullptr, MxScaleRounding::NoClip);
    QCOMPARE_EXACT(noClip.scales[0], 2.0f);
    QCOMPARE_EXACT(noClip.scales[1], 0.25f);
    QCOMPARE(noClip.saturated, int64_t(0));
    QCOMPARE_EXACT(noClip.dequantized[0], 8.0f); // 7 / 2 = 3.5 -> 4 (tie to even)
    const LowbitResult ceil =
        quantizeMx(x.data(), 64, MxFormat::MXFP4, 0, 32, nullptr, MxScaleRounding::Ceil);
    QCOMPARE_EXACT(ceil.scales[1], 0.5f);
}

void TestNvfp4::fnuzCodes_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("mantissaBits");
    QTest::addColumn<int>("bias");
    QTest::addColumn<double>("maxFinite");
    QTest::newRow("E4M3FNUZ") << int(MiniFloat::E4M3FNUZ) << 3 << 8 << 240.0;
    QTest::newRow("E5M2FNUZ") << int(MiniFloat::E5M2FNUZ) << 2 << 16 << 57344.0;
}

// ONNX float8e4m3fnuz / float8e5m2fnuz: S.E.M with the given bias; exponent 0 is subnormal,
// every other exponent (all ones included) normal; 0x80 is the only NaN; no inf, no -0.
void TestNvfp4::fnuzCodes()
{
    QFETCH(int, format);
    QFETCH(int, mantissaBits);
    QFETCH(int, bias);
    QFETCH(double, maxFinite);
    const MiniFloat f = MiniFloat(format);
    const int m = mantissaBits, e = 7 - m;
    QCOMPARE_EXACT(miniFloatInfo(f).maxFinite, maxFinite);
    for (int c = 0; c < 256; ++c) {
        const double v = decodeMiniFloat(f, uint8_t(c));
        if (c == 0x80) {
            QVERIFY(std::isnan(v));
            continue;
        }
        const int s = c >> 7, ex = (c >> m) & ((1 << e) - 1), man = c & ((1 << m) - 1);
        const double mag =
            ex == 0 ? std::ldexp(man, 1 - bias - m) : std::ldexp((1 << m) + man, ex - bias - m);
        QVERIFY2(v == (s ? -mag : mag) && std::isfinite(v), qPrintable(QString::number(c)));
        QVERIFY(!(v == 0 && std::signbit(v))); // no -0
        if (mag <= maxFinite && (mag != 0 || s == 0))
            QCOMPARE(int(encodeMiniFloat(f, v)), c);
    }
    QCOMPARE(int(encodeMiniFloat(f, -0.0)), 0x00);
    QCOMPARE(int(encodeMiniFloat(f, -1e-30)), 0x00); // flushed: +0, not -0
    QCOMPARE(int(encodeMiniFloat(f, std::nan(""))), 0x80);
    QCOMPARE(int(encodeMiniFloat(f, -std::nan(""))), 0x80);
    const double inf = std::numeric_limits<double>::infinity();
    QCOMPARE(int(encodeMiniFloat(f, inf)), 0x7f);
    QCOMPARE(int(encodeMiniFloat(f, -inf)), 0xff);
    QCOMPARE(int(encodeMiniFloat(f, inf, false)), 0x80);
    QCOMPARE(int(encodeMiniFloat(f, -1e9, false)), 0x80);
    EncodeEvent ev;
    QCOMPARE(int(encodeMiniFloat(f, -1e9, true, &ev)), 0xff);
    QVERIFY(ev == EncodeEvent::Saturated);
    // The fast path agrees at every midpoint between neighbouring values and one float either
    // side of it, both signs, saturating or not (the last midpoint is the overflow threshold).
    for (int c = 0; c < 0x7f; ++c) {
        const float mid = float((decodeMiniFloat(f, uint8_t(c)) +
                                 (c + 1 < 0x80 ? decodeMiniFloat(f, uint8_t(c + 1)) : 0)) /
                                2);
        for (float x : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e30f)})
            for (float sx : {x, -x})
                for (bool sat : {true, false})
                    QCOMPARE(encodeMiniFloatFast(f, sx, sat), encodeMiniFloat(f, sx, sat));
    }
}

// Ties to even at hand-picked midpoints, the overflow threshold and subnormals.
void TestNvfp4::fnuzRounding()
{
    const MiniFloat e4 = MiniFloat::E4M3FNUZ, e5 = MiniFloat::E5M2FNUZ;
    QCOMPARE(int(encodeMiniFloat(e4, 1.0)), 0x40);    // 2^0: exponent field 8
    QCOMPARE(int(encodeMiniFloat(e4, 1.0625)), 0x40); // tie 1 | 1.125: even
    QCOMPARE(int(encodeMiniFloat(e4, 1.1875)), 0x42); // tie 1.125 | 1.25: even
    QCOMPARE(int(encodeMiniFloat(e4, -1.1875)), 0xc2);
    QCOMPARE(int(encodeMiniFloat(e4, 247.9)), 0x7f);        // rounds to 240
    QCOMPARE(int(encodeMiniFloat(e4, 248.0, false)), 0x80); // tie 240 | 256: overflow
    QCOMPARE(int(encodeMiniFloat(e4, 248.0)), 0x7f);
    QCOMPARE(int(encodeMiniFloat(e4, std::ldexp(1.0, -10))), 0x01); // smallest subnormal
    QCOMPARE(int(encodeMiniFloat(e4, std::ldexp(1.0, -11))), 0x00); // tie 0 | 2^-10: 0
    QCOMPARE(int(encodeMiniFloat(e5, std::ldexp(3.0, -18))), 0x02); // tie 2^-17 | 2^-16
    QCOMPARE(int(encodeMiniFloat(e5, 61440.0)), 0x7f);
    QCOMPARE(int(encodeMiniFloat(e5, 61440.0, false)), 0x80);
    QCOMPARE(int(encodeMiniFloatFast(e4, 248.0f, false)), 0x80);
    QCOMPARE(int(encodeMiniFloatFast(e4, 247.99998f, false)), 0x7f);
    QCOMPARE(int(encodeMiniFloatFast(e5, -61440.0f)), 0xff);
    QCOMPARE(miniFloatFromName("e4m3fnuz"), MiniFloat::E4M3FNUZ);
    const float x[] = {1.0625f, -300.0f, -0.0f, std::nanf("")};
    const LowbitResult r = quantizeMiniFloat(x, 4, e4);
    QCOMPARE(r.codes[0], 0x40);
    QCOMPARE(r.codes[1], 0xff);
    QCOMPARE(r.codes[2], 0x00);
    QCOMPARE(r.codes[3], 0x80);
    QCOMPARE(r.saturated, int64_t(1));
    QCOMPARE(r.nonfinite, int64_t(1));
    QCOMPARE(r.bitsPerElement, 8.0);
}

QTEST_APPLESS_MAIN(TestNvfp4)
#include "tst_nvfp4.moc"
