// Tests of the GGUF reader and ggml's block types: files built byte by byte here (versions 2
// and 3, the default and a custom alignment, every metadata value type, nested arrays), one
// block per readable quantized type whose floats are computed from the format's formula in
// this file, a fixture written by ggml's own quantizer and dequantizer (tests/data/gguf) that
// must load bit for bit, and malformed files that must each give an error naming the file.
#include "core/base/error.h"
#include "core/io/ggml_blocks.h"
#include "core/io/gguf.h"
#include "core/io/npy.h"
#include "core/io/tensor_file.h"
#include "tests/core/io/gguf_hand_blocks.h"
#include "tests/support/float_bits.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>

using namespace qs;
using namespace qs::test;

namespace {

Bytes u32(uint64_t v)
{
    return le(v, 4);
}
Bytes u64(uint64_t v)
{
    return le(v, 8);
}
Bytes str(const std::string& s)
{
    return u64(s.size()) + s;
}
Bytes f32le(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u32(u);
}

Bytes kv(const std::string& key, GgufValueType type, const Bytes& value)
{
    return str(key) + u32(static_cast<uint32_t>(type)) + value;
}
Bytes arrayOf(GgufValueType elem, uint64_t count, const Bytes& items)
{
    return u32(static_cast<uint32_t>(elem)) + u64(count) + items;
}
// ne in ggml order (ne[0] is the row length).
Bytes tensorInfo(const std::string& name, const std::vector<uint64_t>& ne, uint32_t type,
                 uint64_t offset)
{
    Bytes b = str(name) + u32(ne.size());
    for (uint64_t d : ne)
        b += u64(d);
    return b + u32(type) + u64(offset);
}

struct GgufSpec {
    uint32_t version = 3;
    std::vector<Bytes> kvs;
    std::vector<Bytes> infos;
    Bytes data;
    uint64_t alignment = 32;
    char padByte = 0;
};

Bytes ggufFile(const GgufSpec& s)
{
    Bytes b = "GGUF" + u32(s.version) + u64(s.infos.size()) + u64(s.kvs.size());
    for (const Bytes& k : s.kvs)
        b += k;
    for (const Bytes& i : s.infos)
        b += i;
    b += Bytes((s.alignment - b.size() % s.alignment) % s.alignment, s.padByte);
    return b + s.data;
}

} // namespace

class TestGguf : public QObject {
    Q_OBJECT

private:
    // This test's scratch folder, made inside QS_TEST_TMP (created first).
    static QString scratchTemplate()
    {
        QDir().mkpath(QS_TEST_TMP);
        return QStringLiteral(QS_TEST_TMP "/gguf-XXXXXX");
    }
    QTemporaryDir m_dir{scratchTemplate()};
    std::string write(const std::string& name, const Bytes& bytes) const
    {
        const std::string p = (m_dir.path() + "/").toStdString() + name;
        std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
        return p;
    }
    // The file as bad.gguf must fail to list or load with a message naming it and `problem`.
    void expectRefused(const Bytes& bytes, const std::string& problem)
    {
        const std::string p = write("bad.gguf", bytes);
        std::string m = errorOf([&] { listTensors(p); });
        if (m.empty())
            m = errorOf([&] {
                for (const TensorInfo& info : listTensors(p))
                    loadTensor(p, info.name);
            });
        QVERIFY2(m.rfind("bad.gguf: ", 0) == 0 && m.find(problem) != std::string::npos,
                 qPrintable(QString::fromStdString("message '" + m + "' lacks '" + problem + "'")));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void typeTable()
    {
        QCOMPARE(ggmlTypeInfo(12)->name, "Q4_K");
        QCOMPARE(ggmlTypeInfo(12)->bitsPerWeight(), 4.5);
        QCOMPARE(ggmlTypeInfo(14)->bitsPerWeight(), 6.5625);
        QCOMPARE(ggmlTypeByName("iq4_xs")->id, 23u);
        QVERIFY(ggmlTypeInfo(4) == nullptr); // Q4_2, removed from ggml
        QVERIFY(ggmlTypeInfo(17)->decode == nullptr);
        QCOMPARE(bitsOf(ggmlHalfToFloat(0x0001)), bitsOf(std::ldexp(1.0f, -24)));
        QCOMPARE(bitsOf(ggmlHalfToFloat(0xFC00)), 0xFF800000u);
        QCOMPARE(bitsOf(ggmlHalfToFloat(0x7D01)), 0x7FE02000u); // payload kept, made quiet
    }

    // Version 2 and 3, default alignment: two F32 tensors, shapes in NumPy order.
    void versionsAndDefaultAlignment_data()
    {
        QTest::addColumn<uint32_t>("version");
        QTest::newRow("v2") << 2u;
        QTest::newRow("v3") << 3u;
    }
    void versionsAndDefaultAlignment()
    {
        QFETCH(uint32_t, version);
        GgufSpec s;
        s.version = version;
        s.kvs = {kv("general.architecture", GgufValueType::String, str("llama"))};
        s.infos = {tensorInfo("a", {3, 2}, 0, 0), tensorInfo("b.weight", {2}, 1, 32)};
        for (float v : {1.5f, -2.0f, 0.25f, 3.0f, 0.0f, 7.0f})
            s.data += f32le(v);
        s.data += Bytes(8, 'x') + le(0x3C00, 2) + le(0xC000, 2); // b at 32: 1, -2
        s.padByte = 'p';
        const std::string p = write("v.gguf", ggufFile(s));
        const auto infos = listTensors(p);
        QCOMPARE(infos.size(), size_t(2));
        QCOMPARE(infos[0].shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(infos[0].dtype, std::string("F32"));
        QCOMPARE(infos[0].bitsPerWeight, 32.0);
        QCOMPARE(infos[1].bytes, int64_t(4));
        const Tensor a = loadTensor(p, "a");
        compareBits(a.data, {1.5f, -2.0f, 0.25f, 3.0f, 0.0f, 7.0f}, "a");
        QCOMPARE(a.dtype, std::string("F32"));
        compareBits(loadTensor(p, "b.weight").data, {1.0f, -2.0f}, "b");
        QCOMPARE(parseGgufHeader(reinterpret_cast<const uint8_t*>(ggufFile(s).data()),
                                 ggufFile(s).size(), "v")
                     .version,
                 version);
    }

    void customAlignment()
    {
        GgufSpec s;
        s.alignment = 64;
        s.kvs = {kv("general.alignment", GgufValueType::U32, u32(64))};
        s.infos = {tensorInfo("t", {4}, 0, 64)};
        s.data = Bytes(64, 'z');
        for (float v : {1.0f, 2.0f, 3.0f, 4.0f})
            s.data += f32le(v);
        s.padByte = 'p';
        const Bytes file = ggufFile(s);
        QCOMPARE(file.size() % 64, size_t(16));
        const GgufHeader h =
            parseGgufHeader(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "c");
        QCOMPARE(h.alignment, uint64_t(64));
        QCOMPARE(h.dataStart % 64, uint64_t(0));
        compareBits(loadTensor(write("c.gguf", file), "t").data, {1, 2, 3, 4}, "t");
    }

    void everyMetadataType()
    {
        GgufSpec s;
        using T = GgufValueType;
        s.kvs = {
            kv("k.u8", T::U8, le(200, 1)),
            kv("k.i8", T::I8, le(0xFB, 1)),
            kv("k.u16", T::U16, le(65535, 2)),
            kv("k.i16", T::I16, le(0x8000, 2)),
            kv("k.u32", T::U32, u32(4096)),
            kv("k.i32", T::I32, u32(0xFFFFFFFE)),
            kv("k.f32", T::F32, f32le(0.1f)),
            kv("k.bool", T::Bool, le(1, 1)),
            kv("k.string", T::String, str("llama")),
            kv("k.template", T::String, str("{% a %}\n\t\x01" + std::string(200, 'x'))),
            kv("k.u64", T::U64, u64(1ull << 40)),
            kv("k.i64", T::I64, u64(uint64_t(-3))),
            kv("k.f64", T::F64, u64(0x3FF8000000000000ull)),
            kv("k.ints", T::Array, arrayOf(T::I32, 3, u32(1) + u32(0xFFFFFFFE) + u32(3))),
            kv("k.strings", T::Array, arrayOf(T::String, 2, str("a") + str("bc"))),
            kv("k.nested", T::Array,
               arrayOf(T::Array, 2, arrayOf(T::U8, 2, "\x01\x02") + arrayOf(T::U8, 1, "\x03"))),
            kv("k.long", T::Array, arrayOf(T::U16, 10, Bytes(20, '\0'))),
            kv("k.bools", T::Array, arrayOf(T::Bool, 2, Bytes("\x00\x01", 2))),
        };
        const std::string p = write("meta.gguf", ggufFile(s));
        const auto meta = ggufMetadata(p);
        const std::vector<std::pair<std::string, std::string>> want = {
            {"k.u8", "200"},
            {"k.i8", "-5"},
            {"k.u16", "65535"},
            {"k.i16", "-32768"},
            {"k.u32", "4096"},
            {"k.i32", "-2"},
            {"k.f32", "0.1"},
            {"k.bool", "true"},
            {"k.string", "llama"},
            {"k.template", "{% a %}\\n\\t\\x01" + std::string(150, 'x') + "... (210 bytes)"},
            {"k.u64", "1099511627776"},
            {"k.i64", "-3"},
            {"k.f64", "1.5"},
            {"k.ints", "[1, -2, 3]"},
            {"k.strings", "[\"a\", \"bc\"]"},
            {"k.nested", "[[1, 2], [3]]"},
            {"k.long", "[0, 0, 0, 0, 0, 0, 0, 0, ...] (10 items)"},
            {"k.bools", "[false, true]"}};
        QCOMPARE(meta, want);
        QVERIFY(listTensors(p).empty());
        const Bytes file = ggufFile(s);
        const GgufHeader h =
            parseGgufHeader(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "m");
        auto value = [&h](const std::string& key) {
            for (const auto& [k, v] : h.metadata)
                if (k == key)
                    return v;
            return GgufValue{};
        };
        QCOMPARE(value("k.i8").asInt(), int64_t(-5));
        QCOMPARE(value("k.f32").asDouble(), double(0.1f));
        QCOMPARE(value("k.ints").element(1).asInt(), int64_t(-2));
        QCOMPARE(value("k.nested").items[0].element(1).asUInt(), uint64_t(2));
        QCOMPARE(value("k.strings").strings[1], std::string("bc"));
    }

    // One hand-built block per quantized type, two rows of it in one tensor.
    void handComputedBlocks_data()
    {
        QTest::addColumn<int>("which");
        const char* names[] = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0",   "IQ4_NL", "Q2_K",
                               "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS", "MXFP4"};
        for (int i = 0; i < 13; ++i)
            QTest::newRow(names[i]) << i;
    }
    void handComputedBlocks()
    {
        QFETCH(int, which);
        const std::function<HandBlock()> make[] = {q4_0,
                                                   [] { return q4q5(3); },
                                                   [] { return q4q5(6); },
                                                   [] { return q4q5(7); },
                                                   q8_0,
                                                   iq4_nl,
                                                   q2_K,
                                                   q3_K,
                                                   [] { return q4q5_K(12); },
                                                   [] { return q4q5_K(13); },
                                                   q6_K,
                                                   iq4_xs,
                                                   mxfp4};
        const HandBlock b = make[which]();
        const GgmlTypeInfo* t = ggmlTypeInfo(b.type);
        QCOMPARE(int(b.bytes.size()), t->typeSize);
        QCOMPARE(int(b.want.size()), t->blockSize);
        GgufSpec s;
        s.infos = {tensorInfo("w", {uint64_t(t->blockSize), 2}, b.type, 0)};
        s.data = b.bytes + b.bytes;
        const Tensor got = loadTensor(write("block.gguf", ggufFile(s)), "w");
        QCOMPARE(got.dtype, std::string(t->name));
        std::vector<float> want = b.want;
        want.insert(want.end(), b.want.begin(), b.want.end());
        compareBits(got.data, want, t->name);
    }

    // Spot values worked out by hand from the formulas.
    void handComputedValues()
    {
        const HandBlock a = q4_0(); // qs[0] = 0x10: x0 = (0 - 8) d, x16 = (1 - 8) d
        QCOMPARE(bitsOf(a.want[0]), bitsOf(-8 * 0.333251953125f));
        QCOMPARE(bitsOf(a.want[16]), bitsOf(-7 * 0.333251953125f));
        const HandBlock b = q8_0(); // qs[1] = 75
        QCOMPARE(bitsOf(b.want[1]), bitsOf(112.5f));
        const HandBlock c = iq4_nl(); // qs[0] = 49 = 0x31: x0 = 0.25 * -104, x16 = 0.25 * -65
        QCOMPARE(bitsOf(c.want[0]), bitsOf(-26.0f));
        QCOMPARE(bitsOf(c.want[16]), bitsOf(-16.25f));
        // Q4_K element 0: scale 51, min 62, q = 4: 0.0999755859375 * 51 * 4 - 0.25 * 62
        QCOMPARE(bitsOf(q4q5_K(12).want[0]), bitsOf(4.89501953125f));
        // MXFP4 qs[0] = 5 * 11 + 5 = 0x3c: x0 code 12 (E2M1 -2), x16 code 3 (E2M1 1.5), scale 64
        QCOMPARE(bitsOf(mxfp4().want[0]), bitsOf(-128.0f));
        QCOMPARE(bitsOf(mxfp4().want[16]), bitsOf(96.0f));
        // Q6_K element 0: scale -75, q = (15 | 2 << 4) - 32 = 15: 1365/4096 * -75 * 15
        QCOMPARE(bitsOf(q6_K().want[0]), bitsOf(-1535625.0f / 4096));
    }

    // Written by ggml's quantize_row_*_ref and dequantize_row_* (tests/data/gguf/README.md).
    void ggmlReferenceFixture()
    {
        const std::string dir = QS_SOURCE_DIR "/tests/data/gguf/";
        const std::string file = dir + "ggml_reference.gguf";
        const auto infos = listTensors(file);
        QCOMPARE(infos.size(), size_t(20));
        for (const TensorInfo& info : infos) {
            const Tensor got = loadTensor(file, info.name);
            const Tensor want = loadNpy(dir + "expected/" + info.name + ".npy");
            QCOMPARE(got.shape, want.shape);
            compareBits(got.data, want.data, info.name.c_str());
            if (info.name == "blk.0.attn_q.weight") {
                QCOMPARE(info.dtype, std::string("Q4_K"));
                QCOMPARE(info.bitsPerWeight, 4.5);
                QCOMPARE(info.bytes, int64_t(2 * 144));
            }
        }
        QCOMPARE(tensorFileFormat("M.GGUF"), TensorFileFormat::Gguf);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("problem");
        auto row = [](const char* name, const Bytes& b, const char* problem) {
            QTest::newRow(name) << QByteArray(b.data(), int(b.size())) << QString(problem);
        };
        auto one = [](const Bytes& info, const Bytes& data = Bytes(32, '\0')) {
            GgufSpec s;
            s.infos = {info};
            s.data = data;
            return ggufFile(s);
        };
        GgufSpec kvs;
        row("empty", "", "file is empty");
        row("bad magic", "GGML" + u32(3) + u64(0) + u64(0), "not a GGUF file");
        row("v1", "GGUF" + u32(1) + u32(0) + u32(0), "GGUF version 1 is not supported");
        row("v4", "GGUF" + u32(4) + u64(0) + u64(0), "unsupported GGUF version 4");
        row("big-endian", "GGUF" + Bytes("\0\0\0\3", 4) + u64(0) + u64(0), "big-endian");
        row("truncated header", "GGUF" + u32(3) + u64(0), "truncated: metadata count");
        row("kv count", "GGUF" + u32(3) + u64(0) + u64(1ull << 60), "metadata count");
        row("string past end",
            "GGUF" + u32(3) + u64(0) + u64(1) + u64(1000) + "key" + Bytes(20, 'x'),
            "has length 1000, past the end");
        row("value type", "GGUF" + u32(3) + u64(0) + u64(1) + str("k") + u32(13) + u64(0),
            "unknown value type 13");
        row("bool", "GGUF" + u32(3) + u64(0) + u64(1) + kv("k", GgufValueType::Bool, "\x02"),
            "bool value 2");
        row("array past end",
            "GGUF" + u32(3) + u64(0) + u64(1) +
                kv("k", GgufValueType::Array, arrayOf(GgufValueType::U32, 1ull << 62, "")),
            "array length");
        Bytes deep = arrayOf(GgufValueType::U8, 0, "");
        for (int i = 0; i < 20; ++i)
            deep = arrayOf(GgufValueType::Array, 1, deep);
        row("nesting", "GGUF" + u32(3) + u64(0) + u64(1) + kv("k", GgufValueType::Array, deep),
            "nests arrays more than 16 deep");
        row("duplicate key",
            "GGUF" + u32(3) + u64(0) + u64(2) + kv("k", GgufValueType::U8, "\x01") +
                kv("k", GgufValueType::U8, "\x01"),
            "'k' appears twice");
        kvs.kvs = {kv("general.alignment", GgufValueType::U32, u32(48))};
        row("alignment", ggufFile(kvs), "power of two");
        row("tensor count", "GGUF" + u32(3) + u64(1000) + u64(0), "tensor count 1000");
        row("five dims", one(tensorInfo("t", {1, 1, 1, 1, 1}, 0, 0)), "has 5 dimensions");
        row("zero dim", one(tensorInfo("t", {4, 0}, 0, 0)), "dimension 1 is 0");
        row("dims overflow", one(tensorInfo("t", {1ull << 32, 1ull << 32}, 0, 0)),
            "more elements than fit in 64 bits");
        row("unknown type", one(tensorInfo("t", {4}, 99, 0)), "unknown ggml type id 99");
        row("row not whole blocks", one(tensorInfo("t", {48}, 2, 0)),
            "not a multiple of Q4_0's block size 32");
        row("offset out of file", one(tensorInfo("t", {8}, 0, 32)), "lies outside");
        row("size out of file", one(tensorInfo("t", {1ull << 40}, 0, 0)), "too many");
        row("unaligned offset", one(tensorInfo("t", {2}, 0, 4)), "not a multiple of the alignment");
        row("duplicate tensor", "", "");
        row("refused IQ2_XS", one(tensorInfo("t", {256}, 17, 0), Bytes(96, '\0')),
            "stored as IQ2_XS, which cannot be dequantized");
    }
    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, problem);
        if (problem.isEmpty()) {
            GgufSpec s;
            s.infos = {tensorInfo("t", {1}, 0, 0), tensorInfo("t", {1}, 0, 0)};
            s.data = Bytes(4, '\0');
            expectRefused(ggufFile(s), "tensor name 't' appears twice");
            return;
        }
        expectRefused(Bytes(bytes.constData(), size_t(bytes.size())), problem.toStdString());
    }

    // A type without a dequantizer is still listed with its name and size.
    void refusedTypeIsListed()
    {
        GgufSpec s;
        s.infos = {tensorInfo("t", {256, 2}, 16, 0)};
        s.data = Bytes(2 * 66, '\0');
        const auto infos = listTensors(write("iq2.gguf", ggufFile(s)));
        QCOMPARE(infos[0].dtype, std::string("IQ2_XXS"));
        QCOMPARE(infos[0].bytes, int64_t(132));
        QCOMPARE(infos[0].bitsPerWeight, 2.0625);
    }
};

QTEST_APPLESS_MAIN(TestGguf)
#include "tst_gguf.moc"
