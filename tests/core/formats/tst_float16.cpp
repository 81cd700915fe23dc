// Tests of the 16-bit float conversions the fp16 / bf16 schemes and GGML block scales rely on
// (Eigen::half, Eigen::bfloat16): every 16-bit pattern round-trips through float32, decodes to
// the value its bit fields define, and float32 -> 16 bit agrees with an integer round-to-
// nearest-even reference written here, on millions of random values including ties,
// subnormals and overflow.
#include <Eigen/Core>

#include <QtTest>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

namespace {

uint32_t floatBits(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float bitsFloat(uint32_t u)
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

uint16_t halfBits(float f)
{
    return Eigen::numext::bit_cast<uint16_t>(Eigen::half(f));
}
uint16_t bf16Bits(float f)
{
    return Eigen::numext::bit_cast<uint16_t>(Eigen::bfloat16(f));
}
float halfValue(uint16_t b)
{
    return float(Eigen::numext::bit_cast<Eigen::half>(b));
}
float bf16Value(uint16_t b)
{
    return float(Eigen::numext::bit_cast<Eigen::bfloat16>(b));
}

bool isHalfNaN(uint16_t b)
{
    return (b & 0x7C00) == 0x7C00 && (b & 0x03FF) != 0;
}
bool isBf16NaN(uint16_t b)
{
    return (b & 0x7F80) == 0x7F80 && (b & 0x007F) != 0;
}

// Round the unsigned integer `value` right by `shift` bits, ties to even.
uint64_t shiftRoundEven(uint64_t value, int shift)
{
    if (shift <= 0)
        return value << -shift;
    if (shift > 63)
        return 0;
    const uint64_t q = value >> shift;
    const uint64_t rem = value & ((uint64_t(1) << shift) - 1);
    const uint64_t half = uint64_t(1) << (shift - 1);
    return (rem > half || (rem == half && (q & 1))) ? q + 1 : q;
}

// Reference float32 -> fp16 (finite or infinite input), integer arithmetic only.
// The magnitude is counted in units of 2^-24 (the smallest fp16 subnormal) for values below
// 2^-14, and as (exponent, 10-bit mantissa) above; a carry out of the mantissa moves to the next
// exponent, and reaching exponent 31 is infinity.
uint16_t refHalf(float f)
{
    const uint32_t u = floatBits(f);
    const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000);
    const int e = int((u >> 23) & 0xFF);
    const uint32_t m = u & 0x7FFFFF;
    if (e == 0xFF)
        return sign | 0x7C00; // infinity (NaN is checked separately)
    if (e == 0)
        return sign;                   // float32 subnormals are far below half of 2^-24
    const uint64_t sig = m | 0x800000; // value = sig * 2^(e - 150)
    const int halfExp = e - 127 + 15;
    if (halfExp >= 1) { // normal range of fp16 (before rounding)
        const uint64_t word = (uint64_t(halfExp) << 10) + (sig >> 13) - 0x400;
        const uint64_t rem = sig & 0x1FFF;
        uint64_t r = word;
        if (rem > 0x1000 || (rem == 0x1000 && (word & 1)))
            ++r;
        if (r >= 0x7C00)
            return sign | 0x7C00;
        return static_cast<uint16_t>(sign | r);
    }
    // Subnormal: units of 2^-24 -> sig * 2^(e - 150 + 24) = sig >> (126 - e).
    const uint64_t q = shiftRoundEven(sig, 126 - e);
    return static_cast<uint16_t>(sign | q); // q == 0x400 is the smallest normal, encoded right
}

// Reference float32 -> bfloat16: drop the low 16 bits with ties to even.
uint16_t refBf16(float f)
{
    const uint32_t u = floatBits(f);
    uint32_t upper = u >> 16;
    const uint32_t low = u & 0xFFFF;
    if (low > 0x8000 || (low == 0x8000 && (upper & 1)))
        ++upper; // a carry into the exponent is right, up to infinity 0x7F80
    return static_cast<uint16_t>(upper);
}

// fp16 value from its fields, computed independently of Eigen.
double halfFromFields(uint16_t b)
{
    const int s = b >> 15, e = (b >> 10) & 31, m = b & 1023;
    double v;
    if (e == 31)
        v = m == 0 ? HUGE_VAL : std::nan("");
    else if (e == 0)
        v = std::ldexp(double(m), -24);
    else
        v = std::ldexp(double(m + 1024), e - 25);
    return s ? -v : v;
}

double bf16FromFields(uint16_t b)
{
    const int s = b >> 15, e = (b >> 7) & 255, m = b & 127;
    double v;
    if (e == 255)
        v = m == 0 ? HUGE_VAL : std::nan("");
    else if (e == 0)
        v = std::ldexp(double(m), -133);
    else
        v = std::ldexp(double(m + 128), e - 134);
    return s ? -v : v;
}

} // namespace

class TestFloat16 : public QObject {
    Q_OBJECT
private slots:
    void halfAllPatternsRoundTrip();
    void bf16AllPatternsRoundTrip();
    void referenceSpotChecks();
    void halfRandomAgainstReference();
    void bf16RandomAgainstReference();
    void halfTiesSubnormalsOverflow();
    void bf16TiesAndOverflow();
};

void TestFloat16::halfAllPatternsRoundTrip()
{
    int nans = 0;
    for (uint32_t b = 0; b < 65536; ++b) {
        const uint16_t bits = static_cast<uint16_t>(b);
        const float f = halfValue(bits);
        const double expected = halfFromFields(bits);
        if (isHalfNaN(bits)) {
            QVERIFY(std::isnan(f));
            QVERIFY(isHalfNaN(halfBits(f))); // NaN stays NaN
            ++nans;
            continue;
        }
        QVERIFY2(double(f) == expected, qPrintable(QString::number(b, 16)));
        QVERIFY2(std::signbit(f) == bool(bits & 0x8000), qPrintable(QString::number(b, 16)));
        QVERIFY2(halfBits(f) == bits, qPrintable(QString::number(b, 16)));
    }
    QCOMPARE(nans, 2 * 1023);
}

void TestFloat16::bf16AllPatternsRoundTrip()
{
    int nans = 0;
    for (uint32_t b = 0; b < 65536; ++b) {
        const uint16_t bits = static_cast<uint16_t>(b);
        const float f = bf16Value(bits);
        if (isBf16NaN(bits)) {
            QVERIFY(std::isnan(f));
            QVERIFY(isBf16NaN(bf16Bits(f)));
            ++nans;
            continue;
        }
        QVERIFY2(double(f) == bf16FromFields(bits), qPrintable(QString::number(b, 16)));
        QVERIFY2(floatBits(f) == uint32_t(bits) << 16, qPrintable(QString::number(b, 16)));
        QVERIFY2(bf16Bits(f) == bits, qPrintable(QString::number(b, 16)));
    }
    QCOMPARE(nans, 2 * 127);
}

void TestFloat16::referenceSpotChecks()
{
    // The references themselves, on values whose answer is known.
    QCOMPARE(refHalf(1.0f), uint16_t(0x3C00));
    QCOMPARE(refHalf(65504.0f), uint16_t(0x7BFF));
    QCOMPARE(refHalf(65519.996f), uint16_t(0x7BFF));
    QCOMPARE(refHalf(65520.0f), uint16_t(0x7C00)); // tie with odd 65504 -> 65536 = inf
    QCOMPARE(refHalf(-1e6f), uint16_t(0xFC00));
    QCOMPARE(refHalf(std::ldexp(1.0f, -24)), uint16_t(0x0001));
    QCOMPARE(refHalf(std::ldexp(1.0f, -25)), uint16_t(0x0000)); // tie -> 0
    QCOMPARE(refHalf(std::ldexp(1.5f, -24)), uint16_t(0x0002)); // tie 1|2 -> 2
    QCOMPARE(refHalf(std::ldexp(1.0f, -14)), uint16_t(0x0400));
    QCOMPARE(refHalf(std::ldexp(1023.5f, -24)), uint16_t(0x0400));     // rounds up into normals
    QCOMPARE(refHalf(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3C00)); // tie -> even
    QCOMPARE(refHalf(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t(0x3C02));
    QCOMPARE(refHalf(-0.0f), uint16_t(0x8000));
    QCOMPARE(refBf16(1.0f), uint16_t(0x3F80));
    QCOMPARE(refBf16(bitsFloat(0x3F808000)), uint16_t(0x3F80)); // tie -> even
    QCOMPARE(refBf16(bitsFloat(0x3F818000)), uint16_t(0x3F82));
    QCOMPARE(refBf16(bitsFloat(0x7F7FFFFF)), uint16_t(0x7F80)); // FLT_MAX -> inf
    QCOMPARE(halfValue(0x7BFF), 65504.0f);
}

void TestFloat16::halfRandomAgainstReference()
{
    // Random bit patterns cover every exponent (subnormals, overflow, inf, NaN) uniformly.
    std::mt19937 rng(2024);
    int64_t checked = 0;
    for (int i = 0; i < 3000000; ++i) {
        const float f = bitsFloat(rng());
        const uint16_t got = halfBits(f);
        if (std::isnan(f)) {
            QVERIFY(isHalfNaN(got));
            continue;
        }
        if (got != refHalf(f))
            QFAIL(qPrintable(QString("float bits %1: Eigen %2, reference %3")
                                 .arg(floatBits(f), 8, 16, QChar('0'))
                                 .arg(got, 4, 16)
                                 .arg(refHalf(f), 4, 16)));
        ++checked;
    }
    // Values in and near the fp16 range, where most of the rounding happens.
    std::uniform_int_distribution<uint32_t> nearRange(0x33000000u, 0x47800000u); // 2^-25 .. 2^16
    for (int i = 0; i < 2000000; ++i) {
        uint32_t u = nearRange(rng) | (rng() & 0x80000000u);
        const float f = bitsFloat(u);
        if (halfBits(f) != refHalf(f))
            QFAIL(qPrintable(QString("float bits %1").arg(u, 8, 16, QChar('0'))));
        ++checked;
    }
    QVERIFY(checked > 4900000);
}

void TestFloat16::bf16RandomAgainstReference()
{
    std::mt19937 rng(77);
    for (int i = 0; i < 3000000; ++i) {
        const float f = bitsFloat(rng());
        const uint16_t got = bf16Bits(f);
        if (std::isnan(f)) {
            QVERIFY(isBf16NaN(got));
            continue;
        }
        if (got != refBf16(f))
            QFAIL(qPrintable(QString("float bits %1").arg(floatBits(f), 8, 16, QChar('0'))));
    }
}

void TestFloat16::halfTiesSubnormalsOverflow()
{
    // Every exact midpoint between neighbouring finite fp16 values (and the one between the
    // largest and 65536) rounds to the even pattern; one float ulp to either side rounds to
    // the nearer neighbour.
    int ties = 0;
    for (uint32_t b = 0; b < 0x7C00; ++b) {
        const double lo = halfFromFields(uint16_t(b));
        const double hi = b + 1 < 0x7C00 ? halfFromFields(uint16_t(b + 1)) : 65536.0;
        const float mid = float((lo + hi) / 2);
        QVERIFY(double(mid) == (lo + hi) / 2);
        const uint16_t even = (b & 1) ? uint16_t(b + 1) : uint16_t(b);
        for (int s : {0, 1}) {
            const float sg = s ? -1.0f : 1.0f;
            const uint16_t sb = s ? 0x8000 : 0;
            if (halfBits(sg * mid) != (even | sb) || refHalf(sg * mid) != (even | sb))
                QFAIL(qPrintable(QString("tie above pattern %1").arg(b, 4, 16)));
            if (halfBits(sg * std::nextafter(mid, 0.0f)) != (b | sb))
                QFAIL(qPrintable(QString("below tie above pattern %1").arg(b, 4, 16)));
            if (halfBits(sg * std::nextafter(mid, 1e30f)) != ((b + 1) | sb))
                QFAIL(qPrintable(QString("above tie above pattern %1").arg(b, 4, 16)));
        }
        ++ties;
    }
    QCOMPARE(ties, 0x7C00);
    QCOMPARE(halfBits(65520.0f), uint16_t(0x7C00));
    QCOMPARE(halfBits(std::nextafter(65520.0f, 0.0f)), uint16_t(0x7BFF));
    QCOMPARE(halfBits(1e30f), uint16_t(0x7C00));
    QCOMPARE(halfBits(-HUGE_VALF), uint16_t(0xFC00));
    QCOMPARE(halfBits(std::numeric_limits<float>::denorm_min()), uint16_t(0x0000));
    QCOMPARE(halfBits(-std::numeric_limits<float>::min()), uint16_t(0x8000));
}

void TestFloat16::bf16TiesAndOverflow()
{
    // Midpoints between every pair of neighbouring positive finite bf16 values.
    for (uint32_t b = 0; b < 0x7F80; ++b) {
        const uint32_t midBits = (b << 16) | 0x8000; // exactly halfway to b + 1
        const uint16_t even = (b & 1) ? uint16_t(b + 1) : uint16_t(b);
        if (bf16Bits(bitsFloat(midBits)) != even || refBf16(bitsFloat(midBits)) != even)
            QFAIL(qPrintable(QString("tie above pattern %1").arg(b, 4, 16)));
        if (bf16Bits(bitsFloat(midBits - 1)) != b || bf16Bits(bitsFloat(midBits + 1)) != b + 1)
            QFAIL(qPrintable(QString("near tie above pattern %1").arg(b, 4, 16)));
        if (bf16Bits(bitsFloat(midBits | 0x80000000u)) != (even | 0x8000))
            QFAIL(qPrintable(QString("negative tie above pattern %1").arg(b, 4, 16)));
    }
    QCOMPARE(bf16Bits(std::numeric_limits<float>::max()), uint16_t(0x7F80));
    QCOMPARE(bf16Bits(bitsFloat(0x7F7F7FFF)), uint16_t(0x7F7F)); // just below the last tie
    QCOMPARE(bf16Bits(std::numeric_limits<float>::denorm_min()), uint16_t(0x0000));
    QCOMPARE(bf16Bits(bitsFloat(0x00018000)), uint16_t(0x0002)); // subnormal tie 1|2 -> 2
}

QTEST_APPLESS_MAIN(TestFloat16)
#include "tst_float16.moc"
