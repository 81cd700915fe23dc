// Tests of the GGUF writer: the bytes of a tiny file and of one Q8_0, Q4_0, Q4_1 and MXFP4
// block worked out by hand, every metadata type read back by the project's reader, the default
// and a custom general.alignment, a round trip of every type QuantScope writes (the file read
// back must hold bit for bit the values the core computed), and the refusals.
#include "core/base/error.h"
#include "core/config/quant_config.h"
#include "core/io/element_convert.h"
#include "core/io/gguf.h"
#include "core/io/gguf_writer.h"
#include "core/io/tensor_file.h"
#include "core/quant/gguf_export.h"
#include "core/quant/quantize.h"
#include "tests/support/float_bits.h"
#include "tests/support/random_tensor.h"
#include "tests/support/test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

using namespace qs;
using namespace qs::test;

namespace {

const GgmlTypeInfo& type(const char* name)
{
    return *ggmlTypeByName(name);
}

// Hex text ("0038 81ff") as bytes; spaces are ignored.
std::string hex(const char* text)
{
    std::string out, digits;
    for (const char* p = text; *p; ++p)
        if (*p != ' ')
            digits += *p;
    for (size_t i = 0; i + 1 < digits.size(); i += 2)
        out += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
    return out;
}

QuantResult quantized(const Tensor& t, Scheme s)
{
    QuantConfig c;
    c.scheme = s;
    return quantize(t, c);
}

// The 32 codes 0..15 then 15..0: nibble byte j = j | (15 - j) << 4.
CodeBuffer nibbleCodes()
{
    std::vector<int32_t> c(32);
    for (int j = 0; j < 16; ++j) {
        c[size_t(j)] = j;
        c[size_t(j) + 16] = 15 - j;
    }
    return CodeBuffer(c);
}

const char* const kNibbles = "f0e1d2c3b4a5968778695a4b3c2d1e0f";

} // namespace

class TestGgufWriter : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const char* name) const { return (m_dir.path() + "/").toStdString() + name; }

    // t quantized with s, written as GGUF and read back by the project's reader: the values
    // must be the core's dequantized values, bit for bit (MXFP4: -0 reads back as +0, and
    // ggufWarnings says how many).
    void roundTrip(const Tensor& t, Scheme s)
    {
        QuantResult r = quantized(t, s);
        const std::vector<std::string> warnings = ggufWarnings(t, r);
        int64_t negativeZeros = 0;
        for (float& v : r.dequantized)
            if (s == Scheme::MXFP4 && v == 0.0f && std::signbit(v)) {
                v = 0.0f;
                ++negativeZeros;
            }
        QCOMPARE(warnings.size(), size_t(negativeZeros > 0));
        if (negativeZeros > 0)
            QCOMPARE(warnings[0], std::to_string(negativeZeros) +
                                      " values are -0 in E2M1 and read back as +0 (llama.cpp's "
                                      "MXFP4 table has no negative zero)");
        GgufWriter w;
        setQuantizationMetadata(w, "round trip", r.config);
        addQuantizedTensor(w, "blk.0.w", t, r);
        w.write(path("rt.gguf"));
        const Tensor back = loadTensor(path("rt.gguf"), "blk.0.w");
        QCOMPARE(back.shape, t.shape);
        QCOMPARE(back.dtype, std::string(ggmlTypeOf(s)->name));
        compareBits(back.data, r.dequantized, ggmlTypeOf(s)->name);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // One F32 tensor "a" {1.5, -2} and general.name "t": every byte of the file.
    void tinyFileBytes()
    {
        GgufWriter w;
        w.setString("general.name", "t");
        const float v[2] = {1.5f, -2.0f};
        w.addFloatTensor("a", {2}, type("F32"), v);
        const std::string want = hex("47475546 03000000"            // "GGUF", version 3
                                     "0100000000000000"             // 1 tensor
                                     "0100000000000000"             // 1 key
                                     "0c00000000000000") +          // key length 12
                                 "general.name" +                   //
                                 hex("08000000 0100000000000000") + // STRING, length 1
                                 "t" +                              //
                                 hex("0100000000000000") +
                                 "a" +                             // tensor name
                                 hex("01000000 0200000000000000"   // 1 dimension, ne[0] = 2
                                     "00000000 0000000000000000"); // F32, offset 0
        // 90 bytes of header and infos, padded to 96; 8 data bytes, padded to 128.
        QCOMPARE(want.size(), size_t(90));
        const std::string data = hex("0000c03f 000000c0");
        QCOMPARE(w.bytes(), want + std::string(6, '\0') + data + std::string(24, '\0'));
    }

    // d = 0.5 (fp16 0x3800), codes -127, -126, ..., -96 (0x81..0xa0).
    void q8_0Block()
    {
        std::vector<int32_t> c(32);
        for (int j = 0; j < 32; ++j)
            c[size_t(j)] = j - 127;
        const std::string got = encodeGgmlBlocks(type("Q8_0"), CodeBuffer(c), {0.5f});
        QCOMPARE(got, hex("0038 8182838485868788898a8b8c8d8e8f90"
                          "9192939495969798999a9b9c9d9e9fa0"));
    }

    // d = -0.25 (fp16 0xb400); element j in the low nibble of byte j, j + 16 in the high one.
    void q4_0Block()
    {
        QCOMPARE(encodeGgmlBlocks(type("Q4_0"), nibbleCodes(), {-0.25f}),
                 hex("00b4") + hex(kNibbles));
    }

    // d = 0.125 (0x3000), m = -1 (0xbc00).
    void q4_1Block()
    {
        QCOMPARE(encodeGgmlBlocks(type("Q4_1"), nibbleCodes(), {0.125f}, {-1.0f}),
                 hex("0030 00bc") + hex(kNibbles));
    }

    // Scale 2^-2: E8M0 125 (0x7d); the nibbles are E2M1 codes.
    void mxfp4Block()
    {
        const std::string b = encodeGgmlBlocks(type("MXFP4"), nibbleCodes(), {0.25f});
        QCOMPARE(b, hex("7d") + hex(kNibbles));
        // Read back: value = E2M1 value of the code x 2^-2.
        GgufWriter w;
        w.addTensor("m", {32}, type("MXFP4"), b);
        w.write(path("mx.gguf"));
        const Tensor t = loadTensor(path("mx.gguf"), "m");
        QCOMPARE(bitsOf(t.data[0]), bitsOf(0.0f));
        QCOMPARE(bitsOf(t.data[7]), bitsOf(1.5f)); // code 7: E2M1 6
        QCOMPARE(bitsOf(t.data[16]), bitsOf(-1.5f));
        QCOMPARE(bitsOf(t.data[31]), bitsOf(0.0f));
        QCOMPARE(bitsOf(t.data[9]), bitsOf(-0.125f)); // code 9: E2M1 -0.5
        QCOMPARE(bitsOf(t.data[8]), bitsOf(0.0f));    // code 8, E2M1 -0: ggml's table has +0
    }

    // fp16 / bfloat16 conversion as ggml's: ties to even, overflow, subnormals, NaN.
    void halfAndBfloat16Conversion()
    {
        QCOMPARE(floatToHalf(1.0f), uint16_t(0x3c00));
        QCOMPARE(floatToHalf(65504.0f), uint16_t(0x7bff));
        QCOMPARE(floatToHalf(65519.99f), uint16_t(0x7bff));
        QCOMPARE(floatToHalf(65520.0f), uint16_t(0x7c00)); // a tie, to even: inf
        QCOMPARE(floatToHalf(-1e9f), uint16_t(0xfc00));
        QCOMPARE(floatToHalf(std::ldexp(1.0f, -24)), uint16_t(0x0001));
        QCOMPARE(floatToHalf(std::ldexp(1.0f, -25)), uint16_t(0x0000)); // tie with 0
        QCOMPARE(floatToHalf(std::ldexp(1.5f, -25)), uint16_t(0x0001));
        QCOMPARE(floatToHalf(std::ldexp(3.0f, -25)), uint16_t(0x0002));        // 1.5 ulp: tie, to 2
        QCOMPARE(floatToHalf(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3c00)); // tie, to even
        QCOMPARE(floatToHalf(1.0f + std::ldexp(3.0f, -11)), uint16_t(0x3c02));
        QCOMPARE(floatToHalf(-std::numeric_limits<float>::quiet_NaN()), uint16_t(0xfe00));
        QCOMPARE(floatToBfloat16(1.0f + std::ldexp(1.0f, -8)), uint16_t(0x3f80));
        QCOMPARE(floatToBfloat16(1.0f + std::ldexp(3.0f, -8)), uint16_t(0x3f82));
        QCOMPARE(floatToBfloat16(std::numeric_limits<float>::denorm_min()), uint16_t(0x0000));
        QCOMPARE(floatToBfloat16(std::ldexp(1.0f, -133)), uint16_t(0x0001)); // kept subnormal
        uint32_t nanBits = 0x7f800001u;
        float nan;
        std::memcpy(&nan, &nanBits, 4);
        QCOMPARE(floatToBfloat16(nan), uint16_t(0x7fc0));
    }

    void metadataRoundTrip()
    {
        GgufWriter w;
        w.setString("general.name", "tiny");
        w.setU32("u32", 4096);
        w.setI32("i32", -7);
        w.setF32("f32", 0.1f);
        w.setBool("yes", true);
        w.setU64("u64", uint64_t(1) << 40);
        w.setStringArray("tokens", {"<s>", "", "héllo"});
        w.setU32("u32", 11); // replaces, keeps its place
        const float one = 1.0f;
        w.addFloatTensor("x", {1}, type("F32"), &one);
        const std::string bytes = w.bytes();
        const GgufHeader h = parseGgufHeader(reinterpret_cast<const uint8_t*>(bytes.data()),
                                             bytes.size(), "meta.gguf");
        QCOMPARE(h.version, 3u);
        QCOMPARE(h.metadata.size(), size_t(7));
        const auto& m = h.metadata;
        QCOMPARE(m[0].first, std::string("general.name"));
        QCOMPARE(m[0].second.text, std::string("tiny"));
        QCOMPARE(m[1].first, std::string("u32"));
        QVERIFY(m[1].second.type == GgufValueType::U32);
        QCOMPARE(m[1].second.asUInt(), uint64_t(11));
        QVERIFY(m[2].second.type == GgufValueType::I32);
        QCOMPARE(m[2].second.asInt(), int64_t(-7));
        QVERIFY(m[3].second.type == GgufValueType::F32);
        QCOMPARE(bitsOf(float(m[3].second.asDouble())), bitsOf(0.1f));
        QVERIFY(m[4].second.type == GgufValueType::Bool);
        QCOMPARE(m[4].second.asUInt(), uint64_t(1));
        QVERIFY(m[5].second.type == GgufValueType::U64);
        QCOMPARE(m[5].second.asUInt(), uint64_t(1) << 40);
        QVERIFY(m[6].second.type == GgufValueType::Array);
        QVERIFY(m[6].second.elementType == GgufValueType::String);
        QCOMPARE(m[6].second.strings, (std::vector<std::string>{"<s>", "", "héllo"}));
    }

    // Default 32, and 64: the data section and every tensor start on a multiple, the file ends
    // on one.
    void alignment_data()
    {
        QTest::addColumn<uint32_t>("alignment");
        QTest::newRow("default 32") << 0u;
        QTest::newRow("64") << 64u;
        QTest::newRow("8") << 8u;
    }
    void alignment()
    {
        QFETCH(uint32_t, alignment);
        GgufWriter w;
        if (alignment)
            w.setAlignment(alignment);
        const uint64_t a = alignment ? alignment : 32;
        const float v[3] = {1.0f, 2.5f, -3.0f};
        w.addFloatTensor("a", {3}, type("F16"), v); // 6 bytes
        w.addFloatTensor("b", {3}, type("BF16"), v);
        w.addFloatTensor("c", {1, 3}, type("F32"), v);
        w.write(path("align.gguf"));
        std::ifstream in(path("align.gguf"), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        QCOMPARE(bytes.size() % a, uint64_t(0));
        const GgufHeader h = parseGgufHeader(reinterpret_cast<const uint8_t*>(bytes.data()),
                                             bytes.size(), "align.gguf");
        QCOMPARE(h.alignment, a);
        QCOMPARE(h.dataStart % a, uint64_t(0));
        QCOMPARE(h.tensors[1].fileOffset - h.tensors[0].fileOffset, std::max<uint64_t>(a, 8));
        QCOMPARE(h.tensors[2].fileOffset - h.tensors[1].fileOffset, std::max<uint64_t>(a, 8));
        QCOMPARE(bytes.size(), h.tensors[2].fileOffset + std::max<uint64_t>(a, 16));
        for (const char* name : {"a", "b", "c"})
            compareBits(loadTensor(path("align.gguf"), name).data, {1.0f, 2.5f, -3.0f}, name);
        QCOMPARE(loadTensor(path("align.gguf"), "c").shape, (std::vector<int64_t>{1, 3}));
    }

    // Every type QuantScope writes: read back, the values are the core's bit for bit. The
    // tensor has an outlier (a wide block range) and rows of several blocks.
    void roundTripEveryType_data()
    {
        QTest::addColumn<int>("scheme");
        for (Scheme s :
             {Scheme::FP16, Scheme::BF16, Scheme::Q8_0, Scheme::Q4_0, Scheme::Q4_1, Scheme::MXFP4})
            QTest::newRow(ggmlTypeOf(s)->name) << int(s);
    }
    void roundTripEveryType()
    {
        QFETCH(int, scheme);
        const Scheme s = Scheme(scheme);
        Tensor t = randomTensor({3, 4, 96}, 7, 40.0);
        t.data[5] = 1e-30f; // flushes in some blocks
        t.data[200] = 3e5f; // fp16 overflow
        roundTrip(t, s);
        roundTrip(randomTensor({64}, 8), s); // one dimension
        t.data[100] = std::numeric_limits<float>::quiet_NaN();
        if (s != Scheme::FP16 && s != Scheme::BF16)
            QCOMPARE(ggufWarnings(t, quantized(t, s))[0],
                     "1 non-finite values have no code in " + std::string(ggmlTypeOf(s)->name) +
                         ": the file stores NaN as the code of 0 and +-Inf as the extreme codes");
    }

    // addFloatTensor converts as the core's fp16 / bf16 schemes round (finite values).
    void floatTensorsMatchTheCore()
    {
        Tensor t = randomTensor({8, 64}, 9);
        for (size_t i = 0; i < 64; ++i) // subnormal, tie and overflow corners
            t.data[i] = std::ldexp(float(i) + 0.5f, -24 - int(i % 5)) * (i % 2 ? -1.0f : 1.0f);
        t.data[70] = 65520.0f;
        t.data[71] = 70000.0f;
        for (const char* name : {"F16", "BF16"}) {
            const Scheme s = std::string(name) == "F16" ? Scheme::FP16 : Scheme::BF16;
            GgufWriter w;
            w.addFloatTensor("f", t.shape, type(name), t.data.data());
            w.write(path("f.gguf"));
            compareBits(loadTensor(path("f.gguf"), "f").data, quantized(t, s).dequantized, name);
        }
    }

    void refusals()
    {
        const Tensor t = randomTensor({3, 33}, 1);
        GgufWriter w;
        std::string m = errorOf([&] { addQuantizedTensor(w, "w", t, quantized(t, Scheme::Q8_0)); });
        QCOMPARE(m, std::string("tensor 'w' (shape 3x33, Q8_0): its rows of 33 elements are not "
                                "whole blocks of 32 (GGML blocks run along the last dimension)"));
        m = errorOf([&] { addQuantizedTensor(w, "w", t, quantized(t, Scheme::Symmetric)); });
        QCOMPARE(m, std::string("scheme 'symmetric' has no GGUF type; the schemes GGUF stores are "
                                "fp16, bf16, mxfp4, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k, q3_k, "
                                "q4_k, q5_k, q6_k, iq4_nl, iq4_xs"));
        const float v[32] = {};
        w.addFloatTensor("x", {32}, type("F32"), v);
        QVERIFY(errorOf([&] {
                    w.addFloatTensor("x", {32}, type("F32"), v);
                }).find("'x' is added twice") != std::string::npos);
        QVERIFY(errorOf([&] {
                    w.addFloatTensor("q", {32}, type("Q8_0"), v);
                }).find("F32, F16 or BF16, not Q8_0") != std::string::npos);
        QVERIFY(errorOf([&] {
                    w.addTensor("y", {32}, type("Q8_0"), std::string(33, '\0'));
                }).find("33 bytes for 1 Q8_0 blocks of 34 bytes") != std::string::npos);
        QVERIFY(errorOf([&] {
                    w.addFloatTensor("z", {1, 1, 1, 1, 1}, type("F32"), v);
                }).find("1 to 4 dimensions") != std::string::npos);
        QVERIFY(errorOf([&] { w.setAlignment(48); }).find("power of two") != std::string::npos);
        // A scale fp16 cannot hold, a code out of range.
        QVERIFY(errorOf([&] {
                    encodeGgmlBlocks(type("Q8_0"), CodeBuffer(std::vector<int32_t>(32, 0)), {0.1f});
                }).find("0.1") != std::string::npos);
        QVERIFY(errorOf([&] {
                    encodeGgmlBlocks(type("Q4_0"), CodeBuffer(std::vector<int32_t>(32, 16)),
                                     {1.0f});
                }).find("outside 0..15") != std::string::npos);
        // An unwritable path and the input itself.
        m = errorOf([&] { w.write(path("no/such/dir/out.gguf")); });
        QVERIFY2(m.find("no/such/dir") != std::string::npos, m.c_str());
        w.write(path("in.gguf"));
        m = errorOf([&] { w.write(path("in.gguf"), {path("in.gguf")}); });
        QVERIFY2(!m.empty(), "writing over a protected path must fail");
    }
};

QTEST_APPLESS_MAIN(TestGgufWriter)
#include "tst_gguf_writer.moc"
