// Codes of the low-bit formats in one byte each: every format whose codes fit a window of 256
// values stores them as uint8_t (CodeBuffer width 1) from the window's first code (-127 for Q8_0
// and absmax int8, -128 for MXINT8, 0 for nibbles, bit patterns and code-book indices), with the
// AVX2 block loops and with the portable ones. The codes, read as integers, are those the formats
// gave with two bytes per code: their FNV-1a hash over a fixed tensor with non-finite values,
// subnormals, zero and constant blocks and values beyond fp16 is pinned. A code book of 300
// values keeps two bytes per code.
#include "core/config/quant_config.h"
#include "core/formats/lowbit.h"
#include "core/quant/lowbit_quantize.h"
#include "core/quant/quantize.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace qs;

namespace {

// 8 rows of 256: smooth values, every 13th block special (constant, zero, subnormal, NaN and
// +-inf, beyond fp16, ties on a grid of halves).
Tensor mixedTensor()
{
    Tensor t;
    t.name = "mixed";
    t.shape = {8, 256};
    t.data.resize(8 * 256);
    for (size_t i = 0; i < t.data.size(); ++i) {
        const double smooth = 2.5 * std::sin(0.37 * double(i)) + 0.3 * std::cos(1.9 * double(i));
        float v = float(smooth);
        switch ((i / 32) % 9) {
        case 1:
            v = 3.0f;
            break;
        case 2:
            v = 0.0f;
            break;
        case 3:
            v = std::ldexp(v, -140);
            break;
        case 4:
            v = i % 7 == 0   ? std::numeric_limits<float>::quiet_NaN()
                : i % 7 == 1 ? std::numeric_limits<float>::infinity()
                : i % 7 == 2 ? -std::numeric_limits<float>::infinity()
                             : v;
            break;
        case 5:
            v *= 4.0e4f;
            break;
        case 6:
            v = std::round(v * 4.0f) / 2.0f;
            break;
        default:
            break;
        }
        t.data[i] = v;
    }
    return t;
}

uint64_t hashCodes(const CodeBuffer& codes)
{
    uint64_t h = 1469598103934665603ull;
    for (int32_t c : codes) {
        const uint32_t u = uint32_t(c);
        for (int k = 0; k < 4; ++k) {
            h ^= (u >> (8 * k)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    return h;
}

struct Row {
    const char* scheme;
    int32_t offset; // the first code of the window
    uint64_t hash;  // hashCodes of mixedTensor's codes
};

const Row kRows[] = {
    {"q8_0", -127, 0xb61dcdfeea918fc9ull},    {"q4_0", 0, 0xc707dde0ce343994ull},
    {"q4_1", 0, 0xdc7f737a857cc692ull},       {"q5_0", 0, 0x926dccd62772dd12ull},
    {"q5_1", 0, 0xebd2dfc5335a75c5ull},       {"q2_k", 0, 0x05590431f01479a2ull},
    {"q3_k", 0, 0x23e2808d5ac60503ull},       {"q4_k", 0, 0xb02b7c2130c26e58ull},
    {"q5_k", 0, 0x55c526d068ed19c3ull},       {"q6_k", 0, 0x30524ed150260f3cull},
    {"iq4_nl", 0, 0xac0e2067abce04a2ull},     {"iq4_xs", 0, 0x9a303e5cfcdece14ull},
    {"nf4", 0, 0x551bcddad8d30d26ull},        {"fp4", 0, 0xdaf315f115dfb467ull},
    {"dynamic8", 0, 0xf3b300ad9c9959dfull},   {"absmax-int8", -127, 0x5511a32ccac08013ull},
    {"mxfp4", 0, 0x4769a5f3c42035edull},      {"mxfp6-e2m3", 0, 0x86edc12defb4aa95ull},
    {"mxfp6-e3m2", 0, 0x8e139f6730abed24ull}, {"mxfp8-e4m3", 0, 0x8be54ea07f718dd0ull},
    {"mxfp8-e5m2", 0, 0x13ec987d6e5710edull}, {"mxint8", -128, 0xf604c572fd4c86fdull},
    {"e4m3", 0, 0x62bc14e9f12337e3ull},       {"e5m2", 0, 0xee61f98832d10398ull},
    {"e4m3fnuz", 0, 0x94abe626eed4e059ull},   {"e5m2fnuz", 0, 0xfdee03cb90b0d8b8ull},
    {"e2m1", 0, 0x98cba77509da098eull},       {"nvfp4", 0, 0x91ef8a9e4351f518ull},
    {"lloyd-max", 0, 0x3b5b4234e6349b06ull},
};

QuantConfig configOf(const std::string& scheme)
{
    QuantConfig c;
    c.scheme = schemeFromName(scheme);
    c.groupSize = 64; // the bitsandbytes code books
    c.bits = 3;       // Lloyd-Max
    return c;
}

} // namespace

class TestNarrowCodes : public QObject {
    Q_OBJECT
private slots:
    void oneBytePerCode_data();
    void oneBytePerCode();
    void largeCodeBookKeepsTwoBytes();
};

void TestNarrowCodes::oneBytePerCode_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<bool>("avx2");
    for (bool avx2 : {true, false})
        for (size_t k = 0; k < std::size(kRows); ++k)
            QTest::newRow(qPrintable(QString("%1%2").arg(kRows[k].scheme, avx2 ? "" : " portable")))
                << int(k) << avx2;
}

void TestNarrowCodes::oneBytePerCode()
{
    QFETCH(int, row);
    QFETCH(bool, avx2);
    const Row& r = kRows[row];
    const Tensor t = mixedTensor();
    allowLowbitAvx2(avx2);
    const LowbitResult lr = quantizeLowbit(t, configOf(r.scheme));
    const QuantResult q = quantize(t, configOf(r.scheme));
    allowLowbitAvx2(true);
    QCOMPARE(lr.codes.width(), 1);
    QVERIFY(lr.codes.raw8() != nullptr);
    QCOMPARE(lr.codes.offset(), r.offset);
    QCOMPARE(q.codes.width(), 1);
    QCOMPARE(lr.codes.size(), t.data.size());
    for (size_t i = 0; i < t.data.size(); ++i)
        QCOMPARE(lr.codes[i], r.offset + int32_t(lr.codes.raw8()[i]));
    QCOMPARE(q.codes, lr.codes);
    QCOMPARE(hashCodes(lr.codes), r.hash);
}

void TestNarrowCodes::largeCodeBookKeepsTwoBytes()
{
    QuantConfig c;
    c.scheme = Scheme::Codebook;
    for (int k = 0; k < 300; ++k)
        c.codebook.push_back(-1.0 + 2.0 * k / 299.0);
    const Tensor t = mixedTensor();
    const QuantResult q = quantize(t, c);
    QCOMPARE(q.codes.width(), 2);
    QCOMPARE(q.codes.offset(), 0);
    // Index k holds -1 + 2k/299: 0.5 lies between 224 (0.49833) and 225 (0.50502).
    Tensor half;
    half.shape = {1};
    half.data = {0.5f};
    QCOMPARE(quantize(half, c).codes[0], 224);
}

QTEST_GUILESS_MAIN(TestNarrowCodes)
#include "tst_narrow_codes.moc"
