// Block anatomy: hand-computed blocks (Q4_0 from its struct layout, MXFP4, NF4), a Q4_K
// super-block whose decoded fields reproduce its values, and for every block scheme bytes that
// decode to the result's values bit for bit.
#include "core/analysis/block_anatomy.h"
#include "core/analysis/block_anatomy_internal.h"
#include "core/config/choices.h"
#include "core/formats/codebook.h"
#include "core/quant/quantize.h"
#include "tests/support/config_rows.h"
#include "tests/support/float_bits.h"
#include "tests/support/random_tensor.h"

#include <QtTest>

#include <cmath>

using namespace qs;

class TestBlockAnatomy : public QObject {
    Q_OBJECT
private slots:
    void q4_0ByHand();
    void q4_kFieldsGiveTheValues();
    void mxfp4ByHand();
    void nf4ByHand();
    void everySchemeDecodesItsBytes_data();
    void everySchemeDecodesItsBytes();
    void weightedBlocksDecodeTheirBytes_data();
    void weightedBlocksDecodeTheirBytes();
    void shortBlockIsPadded();
    void blockCountAndErrors();
    void textForms();
};

namespace {

QuantConfig schemeConfig(Scheme s, int64_t groupSize = 32)
{
    QuantConfig c;
    c.scheme = s;
    c.groupSize = groupSize;
    return c;
}

std::string bytesOf(std::initializer_list<int> v)
{
    std::string s;
    for (int b : v)
        s.push_back(static_cast<char>(b));
    return s;
}

const AnatomyField& field(const BlockAnatomy& a, const std::string& name)
{
    for (const AnatomyField& f : a.fields)
        if (f.name == name)
            return f;
    throw std::runtime_error("no field " + name);
}

void checkBlocksDecode(const Tensor& t, const QuantResult& r)
{
    const int64_t blocks = anatomyBlockCount(r);
    QVERIFY(blocks > 0);
    std::vector<int> seen(t.data.size(), 0);
    for (int64_t b = 0; b < blocks; ++b) {
        const BlockAnatomy a = blockAnatomy(t, r, b);
        QCOMPARE(a.decodedFromBytes.size(), a.elements.size());
        QVERIFY(!a.fields.empty() && !a.layout.empty() && !a.formula.empty());
        for (size_t k = 0; k < a.elements.size(); ++k) {
            const AnatomyElement& e = a.elements[k];
            ++seen[size_t(e.index)];
            QCOMPARE(anatomyBlockOf(r, e.index), b);
            QCOMPARE(test::bitsOf(e.xhat), test::bitsOf(r.dequantized[size_t(e.index)]));
            QCOMPARE(e.x, t.data[size_t(e.index)]);
            if (e.xhat == 0.0f) // -0 of the result reads back as +0 from a code without a sign
                QCOMPARE(a.decodedFromBytes[k], 0.0f);
            else
                QCOMPARE(test::bitsOf(a.decodedFromBytes[k]), test::bitsOf(e.xhat));
        }
    }
    for (int s : seen)
        QCOMPARE(s, 1); // every element in exactly one block
}

} // namespace

// x_j = (j - 16) / 4: max = -4 (the largest magnitude), d = -4 / -8 = 0.5 (fp16 0x3800),
// q_j = trunc(x_j * 2 + 8.5) = floor((j + 1) / 2), capped at 15; byte j = q_j | q_(j+16) << 4.
void TestBlockAnatomy::q4_0ByHand()
{
    std::vector<float> x(32);
    for (int j = 0; j < 32; ++j)
        x[size_t(j)] = float(j - 16) / 4.0f;
    const Tensor t("w", {32}, x);
    const QuantResult r = quantize(t, schemeConfig(Scheme::Q4_0));
    const BlockAnatomy a = blockAnatomy(t, r, 0);
    QCOMPARE(a.bytes, bytesOf({0x00, 0x38, 0x80, 0x91, 0x91, 0xa2, 0xa2, 0xb3, 0xb3, 0xc4, 0xc4,
                               0xd5, 0xd5, 0xe6, 0xe6, 0xf7, 0xf7, 0xf8}));
    QCOMPARE(a.numBlocks, int64_t(1));
    QCOMPARE(a.fields.size(), size_t(1));
    QCOMPARE(a.fields[0].name, std::string("d"));
    QCOMPARE(a.fields[0].value, 0.5);
    QCOMPARE(a.fields[0].bits, std::string("0 01110 0000000000"));
    QCOMPARE(a.elements.size(), size_t(32));
    QCOMPARE(a.elements[0].code, 0);
    QCOMPARE(a.elements[0].gridValue, -8.0f);
    QCOMPARE(a.elements[0].xhat, -4.0f);
    QCOMPARE(a.elements[2].code, 1); // x = -3.5 -> 1.5 + 8.5 -> 1, x^ = -3.5
    QCOMPARE(a.elements[2].xhat, -3.5f);
    QCOMPARE(a.elements[31].code, 15); // 3.75 clipped to 3.5
    QCOMPARE(a.elements[31].error, 0.25);
    QCOMPARE(a.elements[5].gridIndex, -1);
    test::compareBits(a.decodedFromBytes, r.dequantized, "Q4_0 bytes decoded");
}

// Each element of a Q4_K super-block is d*scale[j]*q - dmin*min[j] with the fields read back
// from the bytes (float32 products in llama.cpp's order).
void TestBlockAnatomy::q4_kFieldsGiveTheValues()
{
    const Tensor t = test::randomTensor({2, 256}, 7);
    const QuantResult r = quantize(t, schemeConfig(Scheme::Q4_K));
    QCOMPARE(anatomyBlockCount(r), int64_t(2));
    const BlockAnatomy a = blockAnatomy(t, r, 1);
    QCOMPARE(a.bytes.size(), size_t(144));
    QCOMPARE(a.fields.size(), size_t(2 + 8 + 8));
    const float d = float(field(a, "d").value), dmin = float(field(a, "dmin").value);
    // d is the first two bytes, little-endian fp16.
    const uint16_t dBits = uint16_t(uint8_t(a.bytes[0]) | (uint8_t(a.bytes[1]) << 8));
    QCOMPARE(field(a, "d").bits, bitPattern(dBits >> 15, 1) + " " +
                                     bitPattern((dBits >> 10) & 31, 5, 0) + " " +
                                     bitPattern(dBits & 1023, 10, 0));
    for (size_t k = 0; k < 256; ++k) {
        const AnatomyElement& e = a.elements[k];
        QCOMPARE(e.index, int64_t(256 + k));
        const std::string j = "[" + std::to_string(k / 32) + "]";
        const float sc = float(field(a, "scale" + j).value), m = float(field(a, "min" + j).value);
        QVERIFY(sc >= 0 && sc < 64 && m >= 0 && m < 64);
        const float d1 = d * sc, m1 = dmin * m;
        QCOMPARE(test::bitsOf(d1 * float(e.code) - m1), test::bitsOf(e.xhat));
        QCOMPARE(e.gridValue, float(e.code));
        QCOMPARE(e.error, double(e.x) - double(e.xhat));
    }
    test::compareBits(a.decodedFromBytes,
                      std::vector<float>(r.dequantized.begin() + 256, r.dequantized.end()),
                      "Q4_K bytes decoded");
}

// Amax 6: shared exponent floor(log2 6) - 2 = 0, E8M0 byte 127; the values are E2M1's own, so the
// codes are their patterns (sign bit 8) and the nibbles pack as Q4_0's. llama.cpp reads -0 (code
// 8) as +0.
void TestBlockAnatomy::mxfp4ByHand()
{
    const float vals[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
    std::vector<float> x(32);
    for (int j = 0; j < 32; ++j)
        x[size_t(j)] = (j / 8) % 2 ? -vals[j % 8] : vals[j % 8];
    const Tensor t("w", {32}, x);
    const QuantResult r = quantize(t, schemeConfig(Scheme::MXFP4));
    const BlockAnatomy a = blockAnatomy(t, r, 0);
    QCOMPARE(a.bytes, bytesOf({0x7f, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
                               0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}));
    QCOMPARE(a.fields[0].name, std::string("E8M0"));
    QCOMPARE(a.fields[0].value, 0.0);
    QCOMPARE(a.fields[0].bits, std::string("01111111"));
    QCOMPARE(a.elements[13].code, 13); // -3: sign 1, exponent 10, mantissa 1
    QCOMPARE(a.elements[13].gridValue, -3.0f);
    QVERIFY(std::signbit(a.elements[8].xhat));
    QVERIFY(!std::signbit(a.decodedFromBytes[8]));
    for (size_t k = 0; k < 32; ++k)
        QCOMPARE(a.decodedFromBytes[k], x[k]);
}

// NF4 values times 2: absmax 2 (fp32 0x40000000), each code its table index, two per byte with
// the first element in the high nibble.
void TestBlockAnatomy::nf4ByHand()
{
    const std::vector<float>& nf4 = nf4Codebook().values;
    std::vector<float> x(64);
    for (size_t k = 0; k < 64; ++k)
        x[k] = nf4[k % 16] * 2.0f;
    const Tensor t("w", {64}, x);
    const QuantResult r = quantize(t, schemeConfig(Scheme::NF4, 64));
    const BlockAnatomy a = blockAnatomy(t, r, 0);
    std::string want = bytesOf({0x00, 0x00, 0x00, 0x40});
    for (int rep = 0; rep < 4; ++rep)
        want += bytesOf({0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef});
    QCOMPARE(a.bytes, want);
    QCOMPARE(a.fields[0].name, std::string("absmax"));
    QCOMPARE(a.fields[0].value, 2.0);
    QCOMPARE(a.fields[0].bits, std::string("0 10000000 00000000000000000000000"));
    QVERIFY(a.hasGridIndex);
    for (size_t k = 0; k < 64; ++k) {
        QCOMPARE(a.elements[k].gridIndex, int32_t(k % 16));
        QCOMPARE(a.elements[k].gridValue, nf4[k % 16]);
        QCOMPARE(a.elements[k].xhat, x[k]);
    }
    test::compareBits(a.decodedFromBytes, r.dequantized, "NF4 bytes decoded");
}

void TestBlockAnatomy::everySchemeDecodesItsBytes_data()
{
    QTest::addColumn<QuantConfig>("config");
    for (const Choice<Scheme>& c : choices<Scheme>()) {
        // A new block scheme needs its row (block_anatomy.h says how).
        QVERIFY2(!schemeConfig(c.value).isBlockwise() || hasBlockAnatomy(schemeConfig(c.value)),
                 qPrintable(QString("scheme %1 has blocks but no row in kSchemes of "
                                    "core/analysis/block_anatomy.cpp")
                                .arg(c.name)));
        QuantConfig config = schemeConfig(c.value, 64);
        if (c.value == Scheme::Codebook) {
            config.codebook = {-1, -0.4, -0.1, 0, 0.2, 0.7, 1};
            config.granularity = Granularity::PerGroup;
        }
        if (hasBlockAnatomy(config))
            QTest::newRow(c.name) << config;
    }
    QuantConfig group4;
    group4.bits = 4;
    group4.granularity = Granularity::PerGroup;
    group4.axis = 1;
    QTest::newRow("asymmetric 4-bit per group") << group4;
    QuantConfig sym = group4;
    sym.scheme = Scheme::Symmetric;
    sym.bits = 3;
    sym.float32Params = true;
    QTest::newRow("symmetric 3-bit float32 per group") << sym;
    QuantConfig recip = sym;
    recip.reciprocalScale = true;
    recip.bits = 8;
    QTest::newRow("symmetric 8-bit reciprocal per group") << recip;
    QuantConfig columns = group4;
    columns.axis = 0;
    columns.groupSize = 2;
    QTest::newRow("asymmetric groups down the columns") << columns;
}

void TestBlockAnatomy::everySchemeDecodesItsBytes()
{
    QFETCH(QuantConfig, config);
    const Tensor t = test::randomTensor({4, 512}, 3);
    checkBlocksDecode(t, quantize(t, config));
}

// With an importance vector the GGML schemes take llama.cpp's weighted path, which uses
// statistics of the whole row: every block's bytes still decode to the result's values, and
// they are not the unweighted bytes.
void TestBlockAnatomy::weightedBlocksDecodeTheirBytes_data()
{
    QTest::addColumn<QuantConfig>("config");
    for (const Choice<Scheme>& c : choices<Scheme>())
        if (hasImportancePath(c.value))
            QTest::newRow(c.name) << schemeConfig(c.value);
}

void TestBlockAnatomy::weightedBlocksDecodeTheirBytes()
{
    QFETCH(QuantConfig, config);
    const Tensor t = test::randomTensor({4, 512}, 5);
    Importance imp;
    imp.source.file = "importance.npy";
    imp.source.columns = 512;
    const Tensor w = test::randomTensor({512}, 6);
    for (size_t j = 0; j < w.data.size(); ++j) // zeros, and ratios up to e^6
        imp.values.push_back(j % 7 == 0 ? 0.0f : std::exp(2.0f * w.data[j]));
    const QuantResult r = quantize(t, config, nullptr, &imp);
    QVERIFY(r.importanceValues);
    checkBlocksDecode(t, r);
    const QuantResult plain = quantize(t, config);
    int64_t differ = 0;
    for (int64_t b = 0; b < anatomyBlockCount(r); ++b)
        differ += blockAnatomy(t, r, b).bytes != blockAnatomy(t, plain, b).bytes;
    QVERIFY(differ > 0);
}

// A row of 40: the second Q4_0 block of a row holds 8 elements and is stored padded with the
// code of zero (8); the decoder gives the 8 values.
void TestBlockAnatomy::shortBlockIsPadded()
{
    const Tensor t = test::randomTensor({2, 40}, 5);
    const QuantResult r = quantize(t, schemeConfig(Scheme::Q4_0));
    QCOMPARE(anatomyBlockCount(r), int64_t(4));
    const BlockAnatomy a = blockAnatomy(t, r, 3);
    QCOMPARE(a.elements.size(), size_t(8));
    QCOMPARE(a.elements[0].index, int64_t(72));
    QCOMPARE(a.bytes.size(), size_t(18));
    for (size_t j = 6; j < 18; ++j) // elements 8..31 and 24..31 (high nibbles) are padding
        QCOMPARE(uint8_t(a.bytes[j]) & 0xf0, 0x80);
    for (size_t k = 0; k < 8; ++k)
        QCOMPARE(test::bitsOf(a.decodedFromBytes[k]), test::bitsOf(r.dequantized[72 + k]));
}

void TestBlockAnatomy::blockCountAndErrors()
{
    const Tensor t = test::randomTensor({4, 256}, 1);
    QuantConfig perTensor;
    QVERIFY(!hasBlockAnatomy(perTensor));
    QCOMPARE(noBlocksMessage(perTensor),
             std::string("Per-tensor 8-bit asymmetric has no blocks: choose a block scheme such "
                         "as Q4_K, Q4_0, MXFP4 or NF4, or an integer scheme per group"));
    const QuantResult plain = quantize(t, perTensor);
    QCOMPARE(anatomyBlockCount(plain), int64_t(0));
    QVERIFY(test::errorOf([&] {
                blockAnatomy(t, plain, 0);
            }).rfind("Per-tensor 8-bit asymmetric has no blocks", 0) == 0);
    QVERIFY(!hasBlockAnatomy(schemeConfig(Scheme::E4M3)));
    QCOMPARE(noBlocksMessage(schemeConfig(Scheme::E4M3)).substr(0, 34),
             std::string("The scheme 'e4m3' has no blocks: c"));
    const QuantResult q6 = quantize(t, schemeConfig(Scheme::Q6_K));
    QCOMPARE(anatomyBlockCount(q6), int64_t(4));
    QCOMPARE(anatomyBlockOf(q6, 511), int64_t(1));
    QCOMPARE(test::errorOf([&] { blockAnatomy(t, q6, 4); }),
             std::string("block 4 is out of range: the tensor has 4 blocks (0 to 3)"));
    QVERIFY(test::errorOf([&] { blockAnatomy(t, q6, -1); }).rfind("block -1 is out of range", 0) ==
            0);
    const QuantResult q8 = quantize(t, schemeConfig(Scheme::Q8_0));
    QCOMPARE(anatomyBlockCount(q8), int64_t(32));
}

void TestBlockAnatomy::textForms()
{
    QCOMPARE(bitPattern(0x2d, 6), std::string("10 1101"));
    QCOMPARE(bitPattern(5, 3, 0), std::string("101"));
    // Nibbles: bitsandbytes puts the first code in the high nibble, ModelOpt in the low one; a
    // 3-bit stream runs LSB first (5 = 101, 6 = 110 -> 0b110101 = 0x35).
    using anatomy_detail::packCodes;
    using anatomy_detail::unpackCodes;
    QCOMPARE(packCodes({1, 2, 3}, 4), bytesOf({0x12, 0x30}));
    QCOMPARE(packCodes({1, 2, 3}, 4, false), bytesOf({0x21, 0x03}));
    QCOMPARE(packCodes({5, 6}, 3), bytesOf({0x35}));
    QCOMPARE(unpackCodes(bytesOf({0x21, 0x03}), 0, 3, 4, false, false),
             (std::vector<int32_t>{1, 2, 3}));
    QCOMPARE(unpackCodes(bytesOf({0x35}), 0, 2, 3, true), (std::vector<int32_t>{-3, -2}));
    std::string bytes;
    for (int i = 0; i < 18; ++i)
        bytes.push_back(char(i * 15));
    QCOMPARE(hexDump(bytes), std::string("0000  00 0f 1e 2d 3c 4b 5a 69 78 87 96 a5 b4 c3 d2 e1\n"
                                         "0010  f0 ff\n"));
    std::vector<float> x(32, 0.0f);
    x[0] = 1.0f;
    const Tensor t("w", {32}, x);
    const BlockAnatomy a = blockAnatomy(t, quantize(t, schemeConfig(Scheme::Q8_0)), 0);
    const std::string json = blockAnatomyJson(a);
    QVERIFY(json.find("\"scheme\": \"q8_0\"") != std::string::npos);
    QVERIFY(json.find("\"bytes\": \"0820"
                      "7f"
                      "00") != std::string::npos); // d = 1/127 = 0x2008
    QVERIFY(json.find("\"grid_index\"") == std::string::npos);
    QVERIFY(json.find("\"name\": \"d\"") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestBlockAnatomy)
#include "tst_block_anatomy.moc"
