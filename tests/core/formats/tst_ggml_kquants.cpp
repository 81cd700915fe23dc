// Tests of the searched GGML types (Q5_0, Q5_1, the K types, IQ4_NL, IQ4_XS): blocks worked by
// hand field by field, the bytes of llama.cpp's own quantizer for a fixed input (FNV-1a hashes
// of ggml-quants.c's output), the result's codes and scales reproducing its values, the
// row-length refusal with llama.cpp's fallback, and idempotence where the format has it.
#include "core/base/error.h"
#include "core/formats/ggml.h"
#include "core/io/ggml_blocks.h"

#include "tests/support/ggml_test_input.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace qs;

namespace {

using test::fnv1a;
constexpr auto testValue = &test::ggmlTestValue;

std::vector<uint8_t> bytesOf(const std::string& s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}

// The message of the qs::Error f throws ("" if it throws none).
template <class F> std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

const GgmlType kSearched[] = {GgmlType::Q5_0, GgmlType::Q5_1,   GgmlType::Q2_K,
                              GgmlType::Q3_K, GgmlType::Q4_K,   GgmlType::Q5_K,
                              GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

} // namespace

class TestGgmlKquants : public QObject {
    Q_OBJECT

private slots:
    void q5_0Block();
    void q5_1Block();
    void q4_KSuperBlock();
    void llamaCppBytes();
    void fieldsReproduceValues();
    void rowLengthRefused();
    void legacyIdempotent();
    void nonFiniteInputs();
    void storage();
};

// x = (j - 16) / 2: the signed largest magnitude is -8, d = -8 / -16 = 0.5 (fp16 0x3800),
// q = trunc(x * 2 + 16.5) = j; low nibbles j and j, fifth bits set for elements 16..31.
void TestGgmlKquants::q5_0Block()
{
    std::vector<float> x(32);
    for (int j = 0; j < 32; ++j)
        x[size_t(j)] = float(j - 16) * 0.5f;
    const std::vector<uint8_t> b = bytesOf(ggmlQuantizedBytes(x.data(), 32, GgmlType::Q5_0));
    QCOMPARE(b.size(), size_t(22));
    QCOMPARE(int(b[0]), 0x00); // d = 0x3800, little-endian
    QCOMPARE(int(b[1]), 0x38);
    const uint8_t qh[4] = {0x00, 0x00, 0xFF, 0xFF};
    QVERIFY(std::memcmp(&b[2], qh, 4) == 0);
    for (int j = 0; j < 16; ++j)
        QCOMPARE(int(b[size_t(6 + j)]), 0x11 * j);
    const LowbitResult r = quantizeGgml(x.data(), 32, GgmlType::Q5_0);
    QCOMPARE(r.scales, std::vector<float>{0.5f});
    QVERIFY(r.offsets.empty());
    for (int j = 0; j < 32; ++j) {
        QCOMPARE(r.codes[size_t(j)], j);
        QCOMPARE_EXACT(r.dequantized[size_t(j)], x[size_t(j)]);
    }
    QCOMPARE(r.saturated, int64_t(0)); // 7.5 -> 31.5 -> 31: in range
    // The opposite sign of the largest magnitude passes code 31: x = 8 with max -8 gives
    // 8 * 2 + 16.5 = 32.5 -> min(31, 32), x^ = 15 * 0.5; counted as clipped (high).
    x[31] = 8.0f;
    const LowbitResult c = quantizeGgml(x.data(), 32, GgmlType::Q5_0);
    QCOMPARE(c.codes[31], 31);
    QCOMPARE_EXACT(c.dequantized[31], 7.5f);
    QCOMPARE(c.saturated, int64_t(1));
    QCOMPARE(c.saturatedNegative, int64_t(0));
}

// x = 1 + j / 4: min 1, max 8.75, d = 7.75 / 31 = 0.25 (0x3400), m = 1 (0x3c00),
// q = trunc((x - 1) * 4 + 0.5) = j.
void TestGgmlKquants::q5_1Block()
{
    std::vector<float> x(32);
    for (int j = 0; j < 32; ++j)
        x[size_t(j)] = 1.0f + float(j) * 0.25f;
    const std::vector<uint8_t> b = bytesOf(ggmlQuantizedBytes(x.data(), 32, GgmlType::Q5_1));
    QCOMPARE(b.size(), size_t(24));
    const uint8_t head[8] = {0x00, 0x34, 0x00, 0x3c, 0x00, 0x00, 0xFF, 0xFF};
    QVERIFY(std::memcmp(b.data(), head, 8) == 0);
    for (int j = 0; j < 16; ++j)
        QCOMPARE(int(b[size_t(8 + j)]), 0x11 * j);
    const LowbitResult r = quantizeGgml(x.data(), 32, GgmlType::Q5_1);
    QCOMPARE(r.scales, std::vector<float>{0.25f});
    QCOMPARE(r.offsets, std::vector<float>{1.0f});
    for (int j = 0; j < 32; ++j)
        QCOMPARE_EXACT(r.dequantized[size_t(j)], x[size_t(j)]);
    QCOMPARE(r.saturated, int64_t(0)); // min and max map to codes 0 and 31: nothing clips
}

// Sub-block s of 32 holds (i % 16) * a_s with a_s = 1, 1/2, 1/4, 1/8, 1, ...: the search fits
// each exactly (scale a_s, min 0, zero error, which no trial beats). max_scale = 1, so the
// 6-bit scales are nearest(63 * a_s) = 63, 32 (31.5, ties to even), 16, 8; all mins are 0.
// d = fp16(1/63) = 0x2410 (0.0158691406), dmin = 0. Packing (get_scale_min_k4): bytes 0-3 hold
// scales 0-3 with the top two bits of scales 4-7 (63 | 3<<6, 32 | 2<<6, 16 | 1<<6, 8), bytes
// 4-7 mins 0-3 (0), bytes 8-11 the low nibbles of scales 4-7 (and of mins 4-7: 0). With
// d*sc = 0.99976, 0.50781, 0.25391, 0.12695 the codes stay i % 16 (ratio 0.98462).
void TestGgmlKquants::q4_KSuperBlock()
{
    std::vector<float> x(256);
    for (int i = 0; i < 256; ++i)
        x[size_t(i)] = float(i % 16) / float(1 << ((i / 32) % 4));
    const std::vector<uint8_t> b = bytesOf(ggmlQuantizedBytes(x.data(), 256, GgmlType::Q4_K));
    QCOMPARE(b.size(), size_t(144));
    const uint8_t head[16] = {0x10, 0x24, 0x00, 0x00, // d, dmin
                              0xFF, 0xA0, 0x50, 0x08, 0x00, 0x00,
                              0x00, 0x00, 0x0F, 0x00, 0x00, 0x08};
    for (int i = 0; i < 16; ++i)
        QCOMPARE(int(b[size_t(i)]), int(head[i]));
    for (int i = 0; i < 128; ++i) // sub-blocks 2c and 2c+1 share bytes 32c..32c+31
        QCOMPARE(int(b[size_t(16 + i)]), 0x11 * (i % 16));
    const LowbitResult r = quantizeGgml(x.data(), 256, GgmlType::Q4_K);
    QCOMPARE(r.blockSize, int64_t(32));
    const float d = ggmlHalfToFloat(0x2410);
    QCOMPARE_EXACT(d, 0.0158691406f);
    const int sc[8] = {63, 32, 16, 8, 63, 32, 16, 8};
    for (int s = 0; s < 8; ++s) {
        QCOMPARE_EXACT(r.scales[size_t(s)], d * float(sc[s]));
        QCOMPARE_EXACT(r.offsets[size_t(s)], 0.0f);
    }
    for (int i = 0; i < 256; ++i) {
        QCOMPARE(r.codes[size_t(i)], i % 16);
        QCOMPARE_EXACT(r.dequantized[size_t(i)], r.scales[size_t(i / 32)] * float(i % 16) - 0.0f);
    }
}

// ggml-quants.c (quantize_row_*_ref; quantize_iq4_nl / quantize_iq4_xs without importance)
// on two rows of 256 testValue()s: the FNV-1a hash of its bytes.
void TestGgmlKquants::llamaCppBytes()
{
    const struct {
        GgmlType t;
        uint64_t hash;
        size_t size;
    } kRef[] = {
        {GgmlType::Q5_0, 0xb74e8e0906216ed4ull, 352},
        {GgmlType::Q5_1, 0x8b3285fa4753d867ull, 384},
        {GgmlType::Q2_K, 0x5a8132e9dd1bd068ull, 168},
        {GgmlType::Q3_K, 0x6d9cabd356a7281eull, 220},
        {GgmlType::Q4_K, 0x94357f24f23388faull, 288},
        {GgmlType::Q5_K, 0xaa5e8ffc584d87aaull, 352},
        {GgmlType::Q6_K, 0x768ed43dc3d1dad8ull, 420},
        {GgmlType::IQ4_NL, 0xefcd8874096cdcb0ull, 288},
        {GgmlType::IQ4_XS, 0x81c7c592b2c3716full, 272},
    };
    std::vector<float> x(512);
    for (uint32_t i = 0; i < 512; ++i)
        x[i] = testValue(i);
    for (const auto& ref : kRef) {
        const std::string bytes = ggmlQuantizedBytes(x.data(), 512, ref.t, 256);
        QCOMPARE(bytes.size(), ref.size);
        QVERIFY2(fnv1a(bytes) == ref.hash, toName(ref.t).c_str());
        // the values are llama.cpp's dequantization of those bytes
        const LowbitResult r = quantizeGgml(x.data(), 512, ref.t, 256);
        std::vector<float> y(512);
        const GgmlTypeInfo* info = ggmlTypeByName(toName(ref.t));
        info->decode(reinterpret_cast<const uint8_t*>(bytes.data()), 512 / info->blockSize,
                     y.data());
        for (size_t i = 0; i < 512; ++i)
            QCOMPARE_EXACT(r.dequantized[i], y[i]);
    }
}

// value(code) * scale + offset is x^ for every element, with value q - shift or kvalues[q].
void TestGgmlKquants::fieldsReproduceValues()
{
    std::vector<float> x(1024);
    for (uint32_t i = 0; i < 1024; ++i)
        x[i] = testValue(i + 7) * (i % 300 == 0 ? 40.0f : 1.0f);
    for (GgmlType t : kSearched) {
        const LowbitResult r = quantizeGgml(x.data(), 1024, t, 512);
        const int shift = t == GgmlType::Q5_0   ? 16
                          : t == GgmlType::Q3_K ? 4
                          : t == GgmlType::Q6_K ? 32
                                                : 0;
        for (int64_t i = 0; i < 1024; ++i) {
            const int32_t q = r.codes[size_t(i)];
            QVERIFY(q >= 0 && q < r.codeLevels);
            const float v = r.codebook.empty() ? float(q - shift) : r.codebook[size_t(q)];
            const size_t b = size_t(r.blockOf(i));
            const float y = r.offsets.empty() ? v * r.scales[b] : v * r.scales[b] + r.offsets[b];
            QCOMPARE_EXACT(y, r.dequantized[size_t(i)]);
        }
    }
}

void TestGgmlKquants::rowLengthRefused()
{
    const struct {
        GgmlType t;
        const char* fallback;
        int block;
    } kRows[] = {{GgmlType::Q4_K, "Q5_0", 256},   {GgmlType::Q5_K, "Q5_1", 256},
                 {GgmlType::Q6_K, "Q8_0", 256},   {GgmlType::Q2_K, "IQ4_NL", 256},
                 {GgmlType::Q3_K, "IQ4_NL", 256}, {GgmlType::IQ4_XS, "IQ4_NL", 256},
                 {GgmlType::Q5_0, "F16", 32},     {GgmlType::IQ4_NL, "F16", 32}};
    const std::vector<float> x(480, 1.0f); // rows of 96 or of 480
    for (const auto& row : kRows) {
        const int64_t rowLength = row.block == 256 ? 96 : 48;
        const std::string want = toName(row.t) + " needs rows whose length is a multiple of " +
                                 std::to_string(row.block) + ", but the rows here have " +
                                 std::to_string(rowLength) +
                                 " elements; llama.cpp stores such tensors as " + row.fallback;
        QCOMPARE(errorOf([&] { quantizeGgml(x.data(), 480, row.t, rowLength); }), want);
        QCOMPARE(errorOf([&] { ggmlQuantizedBytes(x.data(), 480, row.t, rowLength); }), want);
    }
}

// Q5_0 and Q5_1 give back their own output (as values: -0 may come back as +0). The searched
// scales of the K and IQ4 types are least-squares fits, not fixed points, as in llama.cpp.
void TestGgmlKquants::legacyIdempotent()
{
    std::vector<float> x(4096);
    for (uint32_t i = 0; i < 4096; ++i)
        x[i] = testValue(i) * (i % 97 == 0 ? 30.0f : 1.0f);
    for (GgmlType t : {GgmlType::Q5_0, GgmlType::Q5_1}) {
        const LowbitResult a = quantizeGgml(x.data(), 4096, t);
        const LowbitResult b = quantizeGgml(a.dequantized.data(), 4096, t);
        QCOMPARE(b.dequantized, a.dequantized);
        QCOMPARE(ggmlQuantizedBytes(b.dequantized.data(), 4096, t),
                 ggmlQuantizedBytes(a.dequantized.data(), 4096, t));
    }
}

// NaN and +-Inf are quantized as 0 and keep their value in the reconstruction.
void TestGgmlKquants::nonFiniteInputs()
{
    std::vector<float> x(256), zeroed(256);
    for (uint32_t i = 0; i < 256; ++i)
        x[i] = zeroed[i] = testValue(i);
    x[3] = std::numeric_limits<float>::quiet_NaN();
    x[100] = std::numeric_limits<float>::infinity();
    zeroed[3] = zeroed[100] = 0.0f;
    for (GgmlType t : kSearched) {
        const LowbitResult r = quantizeGgml(x.data(), 256, t);
        const LowbitResult z = quantizeGgml(zeroed.data(), 256, t);
        QCOMPARE(r.nonfinite, int64_t(2));
        QVERIFY(std::isnan(r.dequantized[3]));
        QCOMPARE(r.dequantized[100], std::numeric_limits<float>::infinity());
        QCOMPARE(ggmlQuantizedBytes(x.data(), 256, t), ggmlQuantizedBytes(zeroed.data(), 256, t));
        for (size_t i = 0; i < 256; ++i)
            if (i != 3 && i != 100)
                QCOMPARE_EXACT(r.dequantized[i], z.dequantized[i]);
    }
}

void TestGgmlKquants::storage()
{
    const double bits[] = {5.5, 6.0, 2.625, 3.4375, 4.5, 5.5, 6.5625, 4.5, 4.25};
    const std::vector<float> x(512, 0.5f);
    for (size_t k = 0; k < 9; ++k) {
        const LowbitResult r = quantizeGgml(x.data(), 512, kSearched[k]);
        QCOMPARE_EXACT(r.bitsPerElement, bits[k]);
        QCOMPARE_EXACT(ggmlBitsPerElement(kSearched[k]), bits[k]);
        QCOMPARE(ggmlTypeFromName(toName(kSearched[k])), kSearched[k]);
    }
    QCOMPARE(ggmlTypeFromName("iq4_xs"), GgmlType::IQ4_XS);
}

QTEST_APPLESS_MAIN(TestGgmlKquants)
#include "tst_ggml_kquants.moc"
