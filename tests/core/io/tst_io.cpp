// Tests of the tensor file formats: .npy (every dtype, byte order, layout and format version),
// .npz (stored and deflated members, zip64 local headers as numpy writes them), .safetensors
// (every dtype), CSV/TXT, the writers (npy codes/dequantized, result CSV, JSON report), atomic
// writes, and a malformed-file corpus where every file must give its specific error.
// All fixtures are built byte by byte here, independently of the writers under test.
#include "core/io/atomic_file.h"
#include "core/io/csv_io.h"
#include "core/io/element_convert.h"
#include "core/io/npy.h"
#include "core/io/npz.h"
#include "core/io/safetensors.h"
#include "core/io/tensor_file.h"
#include "core/report/report.h"
#include "core/report/result_csv.h"
#include "tests/support/test_support.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

using namespace qs;

namespace {

using Bytes = std::string;

void putUInt(Bytes& b, uint64_t v, int n, bool big = false)
{
    for (int i = 0; i < n; ++i) {
        const int shift = big ? 8 * (n - 1 - i) : 8 * i;
        b += static_cast<char>((v >> shift) & 0xff);
    }
}

uint64_t f32bits(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
uint64_t f64bits(double d)
{
    uint64_t u;
    std::memcpy(&u, &d, 8);
    return u;
}

// A .npy file built by hand: magic, version, header length, dict padded to 64 bytes, data.
Bytes npyFile(const std::string& descr, bool fortran, const std::string& shapeTuple,
              const Bytes& data, int major = 1)
{
    std::string dict = "{'descr': '" + descr +
                       "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shapeTuple + ", }";
    const size_t pre = major == 1 ? 10 : 12;
    const size_t total = pre + dict.size() + 1;
    dict.append((total + 63) / 64 * 64 - total, ' ');
    dict += '\n';
    Bytes b("\x93NUMPY", 6);
    b += static_cast<char>(major);
    b += '\0';
    putUInt(b, dict.size(), major == 1 ? 2 : 4);
    return b + dict + data;
}

// Raw-deflate (as zip members use) via zlib.
Bytes deflateRaw(const Bytes& in)
{
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    Bytes out(deflateBound(&zs, in.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

struct ZipIn {
    std::string name;
    Bytes data;
    bool deflated = false;
    bool zip64Local = false; // numpy (force_zip64) puts 0xffffffff + a zip64 extra in local headers
};

Bytes zipFile(const std::vector<ZipIn>& members)
{
    Bytes out, cd;
    for (const auto& m : members) {
        const Bytes payload = m.deflated ? deflateRaw(m.data) : m.data;
        const uint32_t crc = static_cast<uint32_t>(crc32(
            0, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size())));
        const uint64_t offset = out.size();
        const uint16_t method = m.deflated ? 8 : 0;
        Bytes local;
        putUInt(local, 0x04034b50, 4);
        putUInt(local, 45, 2);
        putUInt(local, 0, 2);
        putUInt(local, method, 2);
        putUInt(local, 0, 4); // time, date
        putUInt(local, crc, 4);
        Bytes extra;
        if (m.zip64Local) {
            putUInt(local, 0xffffffff, 4);
            putUInt(local, 0xffffffff, 4);
            putUInt(extra, 1, 2);
            putUInt(extra, 16, 2);
            putUInt(extra, m.data.size(), 8);
            putUInt(extra, payload.size(), 8);
        } else {
            putUInt(local, payload.size(), 4);
            putUInt(local, m.data.size(), 4);
        }
        putUInt(local, m.name.size(), 2);
        putUInt(local, extra.size(), 2);
        out += local + m.name + extra + payload;

        putUInt(cd, 0x02014b50, 4);
        putUInt(cd, 45, 2);
        putUInt(cd, 45, 2);
        putUInt(cd, 0, 2);
        putUInt(cd, method, 2);
        putUInt(cd, 0, 4);
        putUInt(cd, crc, 4);
        putUInt(cd, payload.size(), 4);
        putUInt(cd, m.data.size(), 4);
        putUInt(cd, m.name.size(), 2);
        putUInt(cd, 0, 2); // extra
        putUInt(cd, 0, 2); // comment
        putUInt(cd, 0, 2); // disk
        putUInt(cd, 0, 2); // internal attributes
        putUInt(cd, 0, 4); // external attributes
        putUInt(cd, offset, 4);
        cd += m.name;
    }
    const uint64_t cdOffset = out.size();
    out += cd;
    putUInt(out, 0x06054b50, 4);
    putUInt(out, 0, 2);
    putUInt(out, 0, 2);
    putUInt(out, members.size(), 2);
    putUInt(out, members.size(), 2);
    putUInt(out, cd.size(), 4);
    putUInt(out, cdOffset, 4);
    putUInt(out, 0, 2);
    return out;
}

Bytes safetensorsFile(const std::string& header, const Bytes& data)
{
    Bytes b;
    putUInt(b, header.size(), 8);
    return b + header + data;
}

struct DtypeCase {
    const char* code; // npy kind+size
    int size;
    std::vector<uint64_t> raw; // element bit patterns
    std::vector<float> expected;
};

std::vector<DtypeCase> dtypeCases()
{
    const float tiny16 = std::ldexp(1.0f, -24);
    return {
        {"f2",
         2,
         {0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000},
         {1, -2, 0.5f, 65504, tiny16, -0.0f}},
        {"f4",
         4,
         {f32bits(1.5f), f32bits(-2.25f), f32bits(1e-3f), f32bits(3.4e38f), f32bits(-0.0f),
          f32bits(7)},
         {1.5f, -2.25f, 1e-3f, 3.4e38f, -0.0f, 7}},
        {"f8",
         8,
         {f64bits(1.5), f64bits(-2.25), f64bits(0.125), f64bits(1e10), f64bits(-4), f64bits(0)},
         {1.5f, -2.25f, 0.125f, 1e10f, -4, 0}},
        {"i1", 1, {0x80, 0xFF, 0, 1, 127, 5}, {-128, -1, 0, 1, 127, 5}},
        {"i2", 2, {0x8000, 0xFFFF, 0, 300, 32767, 7}, {-32768, -1, 0, 300, 32767, 7}},
        {"i4",
         4,
         {uint64_t(uint32_t(-100000)), 0xFFFFFFFF, 0, 16777216, 123456, 7},
         {-100000, -1, 0, 16777216, 123456, 7}},
        {"i8",
         8,
         {uint64_t(-(int64_t(1) << 40)), ~uint64_t(0), 0, uint64_t(1) << 53, 123, 7},
         {-1099511627776.0f, -1, 0, 9007199254740992.0f, 123, 7}},
        {"u1", 1, {0, 1, 127, 128, 255, 9}, {0, 1, 127, 128, 255, 9}},
        {"u2", 2, {0, 65535, 256, 1, 2, 3}, {0, 65535, 256, 1, 2, 3}},
        {"u4", 4, {0, uint64_t(1) << 31, 65536, 1, 2, 3}, {0, 2147483648.0f, 65536, 1, 2, 3}},
        {"u8",
         8,
         {0, uint64_t(1) << 63, uint64_t(1) << 40, 1, 2, 3},
         {0, 9223372036854775808.0f, 1099511627776.0f, 1, 2, 3}},
        {"b1", 1, {0, 1, 2, 0, 1, 255}, {0, 1, 1, 0, 1, 1}},
    };
}

bool sameFloat(float a, float b)
{
    return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

#define QVERIFY_THROWS_MSG(expr, substring)                                                        \
    do {                                                                                           \
        bool thrown_ = false;                                                                      \
        try {                                                                                      \
            expr;                                                                                  \
        } catch (const qs::Error& e_) {                                                            \
            thrown_ = true;                                                                        \
            const std::string m_ = e_.what();                                                      \
            if (m_.find(substring) == std::string::npos)                                           \
                QFAIL(qPrintable(QString("message '%1' lacks '%2'")                                \
                                     .arg(QString::fromStdString(m_), QString(substring))));       \
        }                                                                                          \
        if (!thrown_)                                                                              \
            QFAIL("expected qs::Error with '" substring "'");                                      \
    } while (0)

} // namespace

class TestIo : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::string path(const std::string& name) const
    {
        return (m_dir->path() + "/").toStdString() + name;
    }
    std::string writeRaw(const std::string& name, const Bytes& bytes) const
    {
        const std::string p = path(name);
        std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
        return p;
    }

private slots:
    void initTestCase()
    {
        m_dir = test::scratchDir(QStringLiteral("io"));
        QVERIFY(m_dir->isValid());
    }

    // ---- element decoders -------------------------------------------------------------
    void minifloatDecoders()
    {
        QCOMPARE(halfToFloat(0x3C00), 1.0f);
        QCOMPARE(halfToFloat(0x7BFF), 65504.0f);
        QVERIFY(std::isinf(halfToFloat(0x7C00)) && halfToFloat(0x7C00) > 0);
        QVERIFY(std::isnan(halfToFloat(0x7E00)));
        QCOMPARE(halfToFloat(0x0001), std::ldexp(1.0f, -24));
        QCOMPARE(halfToFloat(0x03FF), std::ldexp(1023.0f, -24)); // largest subnormal
        QCOMPARE(bfloat16ToFloat(0x3F80), 1.0f);
        QCOMPARE(bfloat16ToFloat(0x4049), 3.140625f);
        QCOMPARE(bfloat16ToFloat(0xC000), -2.0f);
        QCOMPARE(float8E4M3ToFloat(0x38), 1.0f);
        QCOMPARE(float8E4M3ToFloat(0x7E), 448.0f);
        QVERIFY(std::isnan(float8E4M3ToFloat(0x7F)));
        QVERIFY(std::isnan(float8E4M3ToFloat(0xFF)));
        QCOMPARE(float8E4M3ToFloat(0x01), std::ldexp(1.0f, -9));
        QCOMPARE(float8E4M3ToFloat(0xB0), -0.5f);
        QCOMPARE(float8E4M3ToFloat(0x08), std::ldexp(1.0f, -6)); // smallest normal
        QCOMPARE(float8E5M2ToFloat(0x3C), 1.0f);
        QCOMPARE(float8E5M2ToFloat(0x7B), 57344.0f);
        QVERIFY(std::isinf(float8E5M2ToFloat(0x7C)));
        QCOMPARE(float8E5M2ToFloat(0xC0), -2.0f);
        QCOMPARE(float8E5M2ToFloat(0x01), std::ldexp(1.0f, -16));
    }

    // ---- npy ---------------------------------------------------------------------------
    void npyHeaderGolden()
    {
        // numpy writes exactly this 128-byte preamble for np.save(f, np.zeros(3, np.float32)).
        const std::string h = encodeNpyHeader("<f4", false, {3});
        QCOMPARE(h.size(), size_t(128));
        QCOMPARE(h.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
        QCOMPARE(uint8_t(h[8]), uint8_t(118));
        QCOMPARE(uint8_t(h[9]), uint8_t(0));
        QCOMPARE(h.substr(10, 57),
                 std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"));
        QCOMPARE(h.back(), '\n');
        QCOMPARE(encodeNpyHeader("|u1", false, {}).substr(10, 55),
                 std::string("{'descr': '|u1', 'fortran_order': False, 'shape': (), }"));
        QCOMPARE(encodeNpyHeader("<i2", false, {2, 3}).size() % 64, size_t(0));
    }

    void npyAllDtypes_data()
    {
        QTest::addColumn<int>("caseIndex");
        QTest::addColumn<bool>("big");
        QTest::addColumn<int>("major");
        QTest::addColumn<bool>("fortran");
        const auto cases = dtypeCases();
        for (int i = 0; i < int(cases.size()); ++i)
            for (bool big : {false, true})
                for (int major : {1, 2, 3})
                    for (bool fortran : {false, true})
                        QTest::addRow("%s %s v%d %s", cases[size_t(i)].code, big ? "BE" : "LE",
                                      major, fortran ? "F" : "C")
                            << i << big << major << fortran;
    }
    void npyAllDtypes()
    {
        QFETCH(int, caseIndex);
        QFETCH(bool, big);
        QFETCH(int, major);
        QFETCH(bool, fortran);
        const DtypeCase c = dtypeCases()[size_t(caseIndex)];
        // Logical 2x3 array, row-major values c.expected; Fortran data is column-major.
        Bytes data;
        for (int k = 0; k < 6; ++k) {
            const int src = fortran ? (k % 2) * 3 + k / 2 : k; // k-th stored element
            putUInt(data, c.raw[size_t(src)], c.size, big);
        }
        const std::string order = c.size == 1 ? "|" : big ? ">" : "<";
        const std::string descr = order + c.code;
        const std::string file = writeRaw("a.npy", npyFile(descr, fortran, "(2, 3)", data, major));
        std::vector<std::string> warnings;
        const Tensor t = loadNpy(file, &warnings);
        QCOMPARE(t.shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(t.dtype, descr);
        QCOMPARE(t.name, std::string("a"));
        QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings[0].c_str());
        for (int k = 0; k < 6; ++k)
            QVERIFY2(sameFloat(t.data[size_t(k)], c.expected[size_t(k)]),
                     qPrintable(QString("element %1: %2 vs %3")
                                    .arg(k)
                                    .arg(double(t.data[size_t(k)]))
                                    .arg(double(c.expected[size_t(k)]))));
        const auto infos = listTensors(file);
        QCOMPARE(infos.size(), size_t(1));
        QCOMPARE(infos[0].numel, int64_t(6));
        QCOMPARE(infos[0].bytes, int64_t(6 * c.size));
    }

    void npyFortran3d()
    {
        // shape (2, 3, 4); value at (i, j, k) = 100 i + 10 j + k; Fortran stores i fastest.
        Bytes data;
        for (int k = 0; k < 4; ++k)
            for (int j = 0; j < 3; ++j)
                for (int i = 0; i < 2; ++i)
                    putUInt(data, uint64_t(100 * i + 10 * j + k), 2);
        const std::string file = writeRaw("f3.npy", npyFile("<u2", true, "(2, 3, 4)", data));
        const Tensor t = loadNpy(file);
        QCOMPARE(t.shape, (std::vector<int64_t>{2, 3, 4}));
        int n = 0;
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j)
                for (int k = 0; k < 4; ++k)
                    QCOMPARE(t.data[size_t(n++)], float(100 * i + 10 * j + k));
    }

    void npyRanks()
    {
        Bytes one;
        putUInt(one, f32bits(2.5f), 4);
        Tensor t = loadNpy(writeRaw("s.npy", npyFile("<f4", false, "()", one)));
        QVERIFY(t.shape.empty());
        QCOMPARE(t.data, std::vector<float>{2.5f});
        t = loadNpy(writeRaw("v.npy", npyFile("<f4", false, "(1,)", one)));
        QCOMPARE(t.shape, std::vector<int64_t>{1});
        t = loadNpy(writeRaw("z.npy", npyFile("<f4", false, "(0, 5)", "")));
        QCOMPARE(t.shape, (std::vector<int64_t>{0, 5}));
        QVERIFY(t.empty());
        // Found by fuzzing: a zero dimension next to huge ones is a valid empty array.
        t = loadNpy(
            writeRaw("z2.npy", npyFile("<f4", false, "(0,00000000237461837,4444444444444)", "")));
        QCOMPARE(t.shape, (std::vector<int64_t>{0, 237461837, 4444444444444}));
        QVERIFY(t.empty());
        writeNpyFloat32(path("empty.npy"), {0}, {});
        QVERIFY(loadNpy(path("empty.npy")).empty());
        Bytes many;
        for (int i = 0; i < 32; ++i)
            putUInt(many, uint64_t(i), 1);
        t = loadNpy(writeRaw("r5.npy", npyFile("|i1", false, "(2, 2, 2, 2, 2)", many)));
        QCOMPARE(t.rank(), 5);
        QCOMPARE(t.data[31], 31.0f);
        // Python 2 style long literals and a header without the trailing comma
        const std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1L,)}";
        Bytes b("\x93NUMPY\x01\x00", 8);
        putUInt(b, h.size() + 1, 2);
        t = loadNpy(writeRaw("old.npy", b + h + "\n" + one));
        QCOMPARE(t.data, std::vector<float>{2.5f});
    }

    void npyPrecisionWarnings()
    {
        Bytes d;
        putUInt(d, f64bits(0.1), 8);
        putUInt(d, f64bits(1e300), 8);
        putUInt(d, f64bits(0.5), 8);
        std::vector<std::string> w;
        Tensor t = loadNpy(writeRaw("p.npy", npyFile("<f8", false, "(3,)", d)), &w);
        QCOMPARE(w.size(), size_t(1));
        QVERIFY(w[0].find("1 of 3 float64 values are not exactly representable") !=
                std::string::npos);
        QVERIFY(w[0].find("1 of 3 float64 values exceed the float32 range") != std::string::npos);
        QCOMPARE(t.data[0], 0.1f);
        QVERIFY(std::isinf(t.data[1]));
        QCOMPARE(t.data[2], 0.5f);
        d.clear();
        putUInt(d, 16777217, 4, true);
        putUInt(d, 16777216, 4, true);
        w.clear();
        t = loadNpy(writeRaw("p4.npy", npyFile(">i4", false, "(2,)", d)), &w);
        QCOMPARE(w.size(), size_t(1));
        QVERIFY(w[0].find("p4.npy: 1 of 2 int32 values") != std::string::npos);
        d.clear();
        putUInt(d, ~uint64_t(0), 8); // 2^64 - 1 rounds up to 2^64
        w.clear();
        t = loadNpy(writeRaw("p8.npy", npyFile("<u8", false, "(1,)", d)), &w);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(t.data[0], 18446744073709551616.0f);
    }

    void npyMalformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const Bytes& b, const char* msg) {
            QTest::newRow(name) << QByteArray(b.data(), int(b.size())) << QString(msg);
        };
        Bytes four;
        putUInt(four, 0, 4);
        row("empty", "", "w.npy: file is empty");
        row("wrong magic", "\x93NUMPX\x01\x00\x10\x00{}", "w.npy: not a .npy file (wrong magic");
        row("text file", "hello world, this is text", "wrong magic");
        row("truncated in magic", Bytes("\x93NUM", 4), "wrong magic");
        row("truncated before length", Bytes("\x93NUMPY\x01\x00\x10", 9),
            "w.npy: truncated .npy file");
        row("bad version", npyFile("<f4", false, "(1,)", four, 4),
            "unsupported .npy format version 4.0");
        {
            Bytes b = npyFile("<f4", false, "(1,)", four);
            b[7] = 1;
            row("bad minor version", b, "unsupported .npy format version 1.1");
        }
        {
            Bytes b("\x93NUMPY\x02\x00", 8);
            putUInt(b, 2000000, 4);
            row("header too long", b + "{}", "header length 2000000 bytes exceeds the limit");
        }
        {
            Bytes b("\x93NUMPY\x01\x00", 8);
            putUInt(b, 1000, 2);
            row("header past end", b + Bytes(90, ' '),
                "w.npy: header says 1000 header bytes but only 90 bytes follow");
        }
        row("shape overflow", npyFile("<f4", false, "(4294967296, 4294967296, 4294967296)", four),
            "has more elements than fit in 64 bits");
        row("bytes overflow", npyFile("<f8", false, "(4611686018427387904,)", four),
            "too many to address");
        row("data too short", npyFile("<f4", false, "(1000000,)", Bytes(512, '\0')),
            "w.npy: header says 1000000 float32 values (4000000 bytes) but only 512 bytes follow");
        row("data too long", npyFile("<f4", false, "(1,)", Bytes(8, '\0')),
            "header says 1 float32 values (4 bytes) but 8 bytes follow");
        row("unsupported dtype", npyFile("<c8", false, "(1,)", Bytes(8, '\0')),
            "unsupported dtype '<c8'");
        row("object dtype", npyFile("|O", false, "(1,)", Bytes(8, '\0')), "unsupported dtype '|O'");
        // A version 1.0 file with this header text and one float32.
        auto withHeader = [&](const std::string& h) {
            Bytes b("\x93NUMPY\x01\x00", 8);
            putUInt(b, h.size(), 2);
            return b + h + four;
        };
        row("structured dtype",
            withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n"),
            "structured dtypes are not supported");
        row("bad bool", withHeader("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }\n"),
            "'fortran_order' must be True or False");
        row("missing shape", withHeader("{'descr': '<f4', 'fortran_order': False, }\n"),
            "missing key 'shape'");
        row("negative dim",
            withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }\n"),
            "tuple of non-negative integers");
        row("extra key",
            withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}\n"),
            "unexpected key 'x'");
        row("unterminated dict",
            withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)"),
            "invalid .npy header: expected '}'");
    }
    void npyMalformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const std::string file = writeRaw("w.npy", Bytes(bytes.constData(), size_t(bytes.size())));
        for (int pass = 0; pass < 2; ++pass) {
            try {
                if (pass == 0)
                    loadNpy(file);
                else
                    listTensors(file);
                QFAIL("no error");
            } catch (const qs::Error& e) {
                QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos,
                         e.what());
            }
        }
        // The same bytes from memory: the same error.
        try {
            decodeNpy(reinterpret_cast<const uint8_t*>(bytes.constData()), size_t(bytes.size()),
                      "w.npy", "w");
            QFAIL("no error");
        } catch (const qs::Error& e) {
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos,
                     e.what());
        }
    }

    void npyWriters()
    {
        const std::vector<float> values{1.5f, -2, 0, 3.25f, std::numeric_limits<float>::infinity(),
                                        -0.0f};
        writeNpyFloat32(path("deq.npy"), {2, 3}, values);
        const Tensor t = loadNpy(path("deq.npy"));
        QCOMPARE(t.shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(t.dtype, std::string("<f4"));
        for (size_t i = 0; i < values.size(); ++i)
            QVERIFY(sameFloat(t.data[i], values[i]));
        // Byte-exact: header of 128 bytes then the raw little-endian floats.
        std::ifstream in(path("deq.npy"), std::ios::binary);
        const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QCOMPARE(bytes.size(), size_t(128 + 24));
        QCOMPARE(std::memcmp(bytes.data() + 128, values.data(), 24), 0);
        QVERIFY_THROWS_MSG(writeNpyFloat32(path("bad.npy"), {4}, values),
                           "shape holds 4 values but 6");
    }

    void npyCodesDtype_data()
    {
        QTest::addColumn<int>("lo");
        QTest::addColumn<int>("hi");
        QTest::addColumn<QString>("descr");
        QTest::newRow("u1") << 0 << 255 << "|u1";
        QTest::newRow("i1") << -128 << 127 << "|i1";
        QTest::newRow("u2") << 0 << 256 << "<u2";
        QTest::newRow("u2 max") << 0 << 65535 << "<u2";
        QTest::newRow("i2") << -129 << 5 << "<i2";
        QTest::newRow("i2 max") << -32768 << 32767 << "<i2";
        QTest::newRow("i4 high") << 0 << 65536 << "<i4";
        QTest::newRow("i4 low") << -32769 << 0 << "<i4";
    }
    void npyCodesDtype()
    {
        QFETCH(int, lo);
        QFETCH(int, hi);
        QFETCH(QString, descr);
        QCOMPARE(QString::fromStdString(smallestCodeDtype(lo, hi)), descr);
        const std::vector<int32_t> codes{lo, hi, (lo + hi) / 2, lo, hi, 0};
        const std::string used = writeNpyCodes(path("codes.npy"), {3, 2}, codes);
        QCOMPARE(QString::fromStdString(used), descr);
        const Tensor t = loadNpy(path("codes.npy"));
        QCOMPARE(t.dtype, descr.toStdString());
        QCOMPARE(t.shape, (std::vector<int64_t>{3, 2}));
        for (size_t i = 0; i < codes.size(); ++i)
            QCOMPARE(t.data[i], float(codes[i]));
    }

    // ---- atomic writes -----------------------------------------------------------------
    void atomicWrites()
    {
        const std::string in = writeRaw("input.npy", "original");
        QVERIFY_THROWS_MSG(writeFileAtomic(in, "x", {in}),
                           "input.npy: refusing to overwrite the input file");
        // Another spelling of the same file is caught too.
        const std::string other = (m_dir->path() + "/./input.npy").toStdString();
        QVERIFY_THROWS_MSG(writeNpyFloat32(other, {1}, {1.0f}, {in}), "refusing to overwrite");
        std::ifstream f(in);
        std::string content;
        std::getline(f, content);
        QCOMPARE(content, std::string("original"));
        {
            AtomicFile a(path("out.txt"));
            a.write("partial");
            // destroyed without commit: nothing appears, no temporary left behind
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path("out.txt"))));
        writeFileAtomic(path("out.txt"), "done\n");
        QVERIFY(QFile::exists(QString::fromStdString(path("out.txt"))));
        const QStringList leftovers =
            QDir(m_dir->path()).entryList({".*tmp*"}, QDir::Files | QDir::Hidden);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(',')));
        QVERIFY_THROWS_MSG(writeFileAtomic(path("no/such/dir/x.json"), "{}"),
                           "x.json: cannot create a file in");
    }

    // A link stays a link and the file it points to keeps its permissions; a pipe (or a device
    // such as /dev/null) is written to, never replaced by a regular file.
    void atomicWritesKeepLinksAndPipes()
    {
        const std::string real = writeRaw("real.txt", "old");
        QCOMPARE(::chmod(real.c_str(), 0640), 0);
        const std::string link = path("link.txt");
        QCOMPARE(::symlink("real.txt", link.c_str()), 0);
        writeFileAtomic(link, "new");
        struct stat st {};
        QCOMPARE(::lstat(link.c_str(), &st), 0);
        QVERIFY(S_ISLNK(st.st_mode));
        QCOMPARE(::stat(real.c_str(), &st), 0);
        QCOMPARE(int(st.st_mode & 07777), 0640);
        std::ifstream f(real);
        std::string content;
        std::getline(f, content);
        QCOMPARE(content, std::string("new"));
        const std::string dangling = path("dangling.txt");
        QCOMPARE(::symlink("missing/x.txt", dangling.c_str()), 0);
        QVERIFY_THROWS_MSG(writeFileAtomic(dangling, "x"),
                           "dangling.txt: is a symbolic link to a missing file");

        const std::string fifo = path("pipe");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
        QVERIFY(reader >= 0);
        writeFileAtomic(fifo, "through the pipe");
        char got[64] = {};
        const ssize_t n = ::read(reader, got, sizeof got - 1);
        ::close(reader);
        QCOMPARE(std::string(got, size_t(std::max<ssize_t>(n, 0))),
                 std::string("through the pipe"));
        QCOMPARE(::lstat(fifo.c_str(), &st), 0);
        QVERIFY(S_ISFIFO(st.st_mode));
        const QStringList leftovers =
            QDir(m_dir->path()).entryList({".*tmp*"}, QDir::Files | QDir::Hidden);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(',')));
    }

    // ---- npz ---------------------------------------------------------------------------
    void npzMembers_data()
    {
        QTest::addColumn<bool>("deflated");
        QTest::addColumn<bool>("zip64Local");
        QTest::newRow("stored (np.savez)") << false << true;
        QTest::newRow("deflated (np.savez_compressed)") << true << true;
        QTest::newRow("stored, plain local header") << false << false;
        QTest::newRow("deflated, plain local header") << true << false;
    }
    void npzMembers()
    {
        QFETCH(bool, deflated);
        QFETCH(bool, zip64Local);
        Bytes a, b;
        for (int i = 0; i < 12; ++i)
            putUInt(a, f32bits(float(i) - 5.5f), 4);
        for (int i = 0; i < 1000; ++i)
            putUInt(b, uint64_t(i % 7), 2, true);
        const std::string file = writeRaw(
            "m.npz",
            zipFile({{"arr_0.npy", npyFile("<f4", false, "(3, 4)", a), deflated, zip64Local},
                     {"weights.npy", npyFile(">i2", true, "(10, 100)", b), deflated, zip64Local}}));
        const auto infos = listTensors(file);
        QCOMPARE(infos.size(), size_t(2));
        QCOMPARE(infos[0].name, std::string("arr_0"));
        QCOMPARE(infos[0].dtype, std::string("<f4"));
        QCOMPARE(infos[0].shape, (std::vector<int64_t>{3, 4}));
        QCOMPARE(infos[1].name, std::string("weights"));
        QCOMPARE(infos[1].dtype, std::string(">i2"));
        QCOMPARE(infos[1].numel, int64_t(1000));
        QCOMPARE(infos[1].bytes, int64_t(2000));
        for (const std::string m : {"arr_0", "arr_0.npy"}) {
            const Tensor t = loadTensor(file, m);
            QCOMPARE(t.name, std::string("arr_0"));
            QCOMPARE(t.data.size(), size_t(12));
            QCOMPARE(t.data[11], 5.5f);
        }
        const Tensor w = loadTensor(file, "weights");
        QCOMPARE(w.shape, (std::vector<int64_t>{10, 100}));
        // Fortran (10, 100): element (r, c) was stored at c * 10 + r with value (c*10+r) % 7.
        QCOMPARE(w.data[size_t(3 * 100 + 42)], float((42 * 10 + 3) % 7));
        QVERIFY_THROWS_MSG(loadTensor(file),
                           "m.npz: holds 2 arrays; pick one with PATH:NAME (arr_0, weights)");
        QVERIFY_THROWS_MSG(loadTensor(file, "bias"),
                           "m.npz: no array named 'bias' (arrays: arr_0, weights)");
        // A single-member archive needs no name.
        const std::string one =
            writeRaw("one.npz", zipFile({{"x.npy", npyFile("<f4", false, "(3,)", a.substr(0, 12)),
                                          deflated, zip64Local}}));
        QCOMPARE(loadTensor(one).data, (std::vector<float>{-5.5f, -4.5f, -3.5f}));
    }

    // Several members of one name resolve as np.load does: the last entry is read, and the
    // listing has one row per name, with that entry's numbers. The committed file was found
    // by the npz fuzzer (listing and loading disagreed on a size): zipfile.writestr of
    // "w.npy" twice, np.arange(6, dtype=float32).reshape(2, 3), then np.arange(100) * 10;
    // np.load(f)["w"] is the second array (shape (100,), max 990).
    void npzDuplicateMembers()
    {
        const std::string file =
            QS_SOURCE_DIR "/tests/data/fuzz-regressions/npz/duplicate-member.npz";
        const auto infos = listTensors(file);
        QCOMPARE(infos.size(), size_t(1));
        QCOMPARE(infos[0].name, std::string("w"));
        QCOMPARE(infos[0].shape, (std::vector<int64_t>{100}));
        QCOMPARE(infos[0].bytes, int64_t(400));
        for (const std::string member : {"w", "w.npy", ""}) {
            std::vector<std::string> warnings;
            const Tensor t = loadTensor(file, member, &warnings);
            QCOMPARE(t.name, std::string("w"));
            QCOMPARE(t.shape, (std::vector<int64_t>{100}));
            QCOMPARE(t.data[99], 990.0f);
            QCOMPARE(t.data[1], 10.0f);
            QCOMPARE(warnings,
                     (std::vector<std::string>{"duplicate-member.npz: the archive holds 2 "
                                               "members named 'w.npy'; the last one is "
                                               "read, as np.load does"}));
        }
    }
    // np.load(f)["v"] reads a member called "v" before one called "v.npy", so the .npy
    // member keeps its full name; each name loads its own member, the last of its entries.
    void npzMemberNamedLikeAStem()
    {
        Bytes three, two, one;
        for (float f : {1.0f, 2.0f, 3.0f})
            putUInt(three, f32bits(f), 4);
        for (float f : {7.0f, 8.0f})
            putUInt(two, f32bits(f), 4);
        putUInt(one, f32bits(-4.0f), 4);
        const std::string file = writeRaw(
            "stem.npz", zipFile({{"v.npy", npyFile("<f4", false, "(1,)", one), false, true},
                                 {"v", npyFile("<f4", false, "(2,)", two), true, false},
                                 {"v.npy", npyFile("<f4", false, "(3,)", three), false, false}}));
        const auto infos = listTensors(file);
        QCOMPARE(infos.size(), size_t(2));
        QCOMPARE(infos[0].name, std::string("v.npy"));
        QCOMPARE(infos[0].numel, int64_t(3));
        QCOMPARE(infos[1].name, std::string("v"));
        QCOMPARE(infos[1].numel, int64_t(2));
        QCOMPARE(loadTensor(file, "v").data, (std::vector<float>{7.0f, 8.0f}));
        const Tensor npy = loadTensor(file, "v.npy");
        QCOMPARE(npy.name, std::string("v.npy"));
        QCOMPARE(npy.data, (std::vector<float>{1.0f, 2.0f, 3.0f}));
        QVERIFY_THROWS_MSG(loadTensor(file), "stem.npz: holds 2 arrays; pick one with PATH:NAME "
                                             "(v.npy, v)");
    }

    void npzMalformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("member");
        QTest::addColumn<QString>("message");
        Bytes a;
        for (int i = 0; i < 64; ++i)
            putUInt(a, f32bits(float(i)), 4);
        const Bytes good = zipFile({{"a.npy", npyFile("<f4", false, "(64,)", a), false, true}});
        const Bytes goodDeflated =
            zipFile({{"a.npy", npyFile("<f4", false, "(64,)", a), true, true}});
        auto row = [](const char* name, const Bytes& b, const char* member, const char* msg) {
            QTest::newRow(name) << QByteArray(b.data(), int(b.size())) << QString(member)
                                << QString(msg);
        };
        row("empty", "", "", "m.npz: file is empty");
        row("not a zip", Bytes(100, 'x'), "", "m.npz: not a zip archive (wrong magic");
        row("tiny", "PK", "", "not a zip archive (too short");
        row("truncated", good.substr(0, good.size() / 2), "", "no end of central directory");
        {
            Bytes b = good;
            b[b.size() - 3] = '\x7f'; // central directory offset far out
            row("cd offset out of range", b, "a", "lies outside the archive");
        }
        {
            Bytes b = good;
            const size_t cd = b.size() - 22 - (46 + 5);
            putUInt(b, 0, 0);
            b.replace(cd + 20, 4, "\xff\xff\xff\x0f", 4); // compressed size 256 MB
            row("member size beyond file", b, "a", "more than the archive holds at that offset");
        }
        {
            Bytes b = good;
            b[200] = char(b[200] ^ 0x55); // a data byte
            row("crc mismatch", b, "a", "m.npz:a.npy: CRC-32 mismatch");
        }
        {
            Bytes b = goodDeflated;
            // break the deflate stream right after the local header (30 + 5 + 20 bytes)
            for (size_t i = 55; i < 75 && i < b.size(); ++i)
                b[i] = char(0xff);
            row("corrupt deflate", b, "a", "m.npz:a.npy:");
        }
        {
            Bytes b = goodDeflated;
            const size_t cd = b.size() - 22 - (46 + 5);
            b.replace(cd + 24, 4, "\x00\x00\x00\x7f", 4); // uncompressed size 2 GB
            row("zip bomb claim", b, "a", "more than deflate can produce");
        }
        {
            Bytes b = good;
            const size_t cd = b.size() - 22 - (46 + 5);
            b.replace(cd + 10, 2, "\x0e\x00", 2); // LZMA
            row("unsupported method", b, "a", "uses compression method 14");
        }
        {
            const Bytes inner = npyFile("<f4", false, "(100,)", a); // 100 declared, 64 present
            row("member npy too short", zipFile({{"a.npy", inner, true, true}}), "a",
                "m.npz:a.npy: header says 100 float32 values (400 bytes) but the member holds 256");
        }
        row("member not npy", zipFile({{"a.npy", "hello", false, false}}), "a",
            "m.npz:a.npy: not a .npy file");
    }
    void npzMalformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, member);
        QFETCH(QString, message);
        const std::string file = writeRaw("m.npz", Bytes(bytes.constData(), size_t(bytes.size())));
        try {
            loadTensor(file, member.toStdString());
            QFAIL("no error");
        } catch (const qs::Error& e) {
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos,
                     e.what());
        }
    }

    // ---- safetensors -------------------------------------------------------------------
    void safetensorsAllDtypes()
    {
        struct St {
            const char* name;
            const char* dtype;
            int size;
            std::vector<uint64_t> raw;
            std::vector<float> expected;
        };
        const auto np = dtypeCases();
        const std::vector<St> cases = {
            {"f64", "F64", 8, np[2].raw, np[2].expected},
            {"f32", "F32", 4, np[1].raw, np[1].expected},
            {"f16", "F16", 2, np[0].raw, np[0].expected},
            {"bf16",
             "BF16",
             2,
             {0x3F80, 0x4049, 0xC000, 0x7F80, 0x0001, 0x8000},
             {1, 3.140625f, -2, std::numeric_limits<float>::infinity(), std::ldexp(1.0f, -133),
              -0.0f}},
            {"e4m3",
             "F8_E4M3",
             1,
             {0x38, 0x7E, 0x01, 0xB0, 0x08, 0x00},
             {1, 448, std::ldexp(1.0f, -9), -0.5f, std::ldexp(1.0f, -6), 0}},
            {"e5m2",
             "F8_E5M2",
             1,
             {0x3C, 0x7B, 0x01, 0xC0, 0x7C, 0x80},
             {1, 57344, std::ldexp(1.0f, -16), -2, std::numeric_limits<float>::infinity(), -0.0f}},
            {"i64", "I64", 8, np[6].raw, np[6].expected},
            {"i32", "I32", 4, np[5].raw, np[5].expected},
            {"i16", "I16", 2, np[4].raw, np[4].expected},
            {"i8", "I8", 1, np[3].raw, np[3].expected},
            {"u8", "U8", 1, np[7].raw, np[7].expected},
            {"bool", "BOOL", 1, np[11].raw, np[11].expected},
        };
        nlohmann::ordered_json header;
        header["__metadata__"] = {{"format", "pt"}};
        Bytes data;
        for (const auto& c : cases) {
            const size_t begin = data.size();
            for (uint64_t r : c.raw)
                putUInt(data, r, c.size);
            header[c.name] = {
                {"dtype", c.dtype}, {"shape", {3, 2}}, {"data_offsets", {begin, data.size()}}};
        }
        const std::string file = writeRaw("all.safetensors", safetensorsFile(header.dump(), data));
        const auto infos = listTensors(file);
        QCOMPARE(infos.size(), cases.size());
        for (size_t i = 0; i < cases.size(); ++i) {
            QCOMPARE(infos[i].name, std::string(cases[i].name)); // data-offset order
            QCOMPARE(infos[i].dtype, std::string(cases[i].dtype));
            QCOMPARE(infos[i].shape, (std::vector<int64_t>{3, 2}));
            QCOMPARE(infos[i].bytes, int64_t(6 * cases[i].size));
            const Tensor t = loadTensor(file, cases[i].name);
            QCOMPARE(t.dtype, std::string(cases[i].dtype));
            QCOMPARE(t.shape, (std::vector<int64_t>{3, 2}));
            for (size_t k = 0; k < 6; ++k)
                QVERIFY2(
                    sameFloat(t.data[k], cases[i].expected[k]),
                    qPrintable(
                        QString("%1[%2]: %3").arg(cases[i].name).arg(k).arg(double(t.data[k]))));
        }
        QVERIFY_THROWS_MSG(loadTensor(file, "nope"),
                           "all.safetensors: no tensor named 'nope' (tensors: f64, f32,");
        QVERIFY_THROWS_MSG(loadTensor(file), "holds 12 tensors; pick one");
        // 0-d and empty tensors, keys in any order, padding between tensors allowed
        const std::string h2 =
            R"({"s":{"data_offsets":[8,12],"shape":[],"dtype":"F32"},"e":{"dtype":"F32","shape":[0,4],"data_offsets":[8,8]}})";
        Bytes d2(8, '\0');
        putUInt(d2, f32bits(-7.25f), 4);
        const std::string f2 = writeRaw("s.safetensors", safetensorsFile(h2, d2));
        const Tensor s = loadTensor(f2, "s");
        QVERIFY(s.shape.empty());
        QCOMPARE(s.data, std::vector<float>{-7.25f});
        QVERIFY(loadTensor(f2, "e").empty());
    }

    // Large arrays convert in chunks on every thread: every element lands in place and the
    // counts of inexact values add up over the chunks (chunk edges at multiples of 2^18).
    void conversionInChunks()
    {
        const int64_t n = 3 * (int64_t(1) << 18) + 7;
        Bytes le, be, wide;
        for (int64_t i = 0; i < n; ++i) {
            const uint64_t bits = uint64_t(i * 7919) & 0x7f7fu; // finite bfloat16 patterns
            putUInt(le, bits, 2);
            putUInt(be, bits, 2, true);
        }
        const std::vector<int64_t> inexactAt = {0, (1 << 18) - 1, 1 << 18, 2 << 18, n - 1};
        for (int64_t i = 0; i < n; ++i) { // 2^24 + 1 is not a float32
            const bool inexact =
                std::find(inexactAt.begin(), inexactAt.end(), i) != inexactAt.end();
            putUInt(wide, inexact ? 16777217u : uint64_t(i), 8);
        }
        const size_t count = static_cast<size_t>(n);
        std::vector<float> out(count), outBe(count), outWide(count);
        ConversionStats st, stBe, stWide;
        const auto* p = reinterpret_cast<const uint8_t*>(le.data());
        convertToFloat(p, ElementType::BF16, false, n, out.data(), st);
        convertToFloat(reinterpret_cast<const uint8_t*>(be.data()), ElementType::BF16, true, n,
                       outBe.data(), stBe);
        convertToFloat(reinterpret_cast<const uint8_t*>(wide.data()), ElementType::I64, false, n,
                       outWide.data(), stWide);
        for (int64_t i = 0; i < n; ++i) {
            const uint32_t expected = uint32_t(uint64_t(i * 7919) & 0x7f7fu) << 16;
            uint32_t got, gotBe;
            std::memcpy(&got, &out[size_t(i)], 4);
            std::memcpy(&gotBe, &outBe[size_t(i)], 4);
            if (got != expected || gotBe != expected)
                QFAIL(qPrintable(QString("element %1: %2 / %3, expected %4")
                                     .arg(i)
                                     .arg(got, 0, 16)
                                     .arg(gotBe, 0, 16)
                                     .arg(expected, 0, 16)));
        }
        QCOMPARE(st.inexact, int64_t(0));
        QCOMPARE(stWide.inexact, int64_t(inexactAt.size()));
        QCOMPARE(stWide.overflow, int64_t(0));
        QCOMPARE(outWide[size_t(1 << 18)], 16777216.0f);
        QCOMPARE(outWide[size_t(12345)], 12345.0f);
        QCOMPARE(outWide[size_t(n - 2)], float(n - 2));
    }

    // A tensor loaded into the storage of an earlier, larger one has exactly its own values.
    void safetensorsLoadReusesRoom()
    {
        Bytes d;
        for (int i = 0; i < 6; ++i)
            putUInt(d, f32bits(float(i) - 2.5f), 4);
        const std::string file = writeRaw(
            "room.safetensors",
            safetensorsFile(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})", d));
        std::vector<float> room(100, 9.0f);
        const float* storage = room.data();
        const Tensor t = loadTensor(file, "a", nullptr, std::move(room));
        QCOMPARE(t.data, (std::vector<float>{-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}));
        QCOMPARE(t.data.data(), storage);
        QCOMPARE(t.shape, (std::vector<int64_t>{2, 3}));
    }

    void safetensorsMalformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const Bytes& b, const char* msg) {
            QTest::newRow(name) << QByteArray(b.data(), int(b.size())) << QString(msg);
        };
        const Bytes d16(16, '\0');
        row("empty", "", "t.safetensors: file is empty");
        row("short", "abc", "too short for a safetensors file (3 bytes");
        {
            Bytes b;
            putUInt(b, 200000000, 8);
            row("header too long", b + "{}",
                "header length 200000000 bytes exceeds the limit of 100000000");
        }
        {
            Bytes b;
            putUInt(b, 5000, 8);
            row("header past end", b + "{}", "header length 5000 bytes but only 2 bytes follow");
        }
        row("not json object start", safetensorsFile("[1, 2]", ""), "does not start with '{'");
        row("invalid json", safetensorsFile(R"({"a": {"dtype": "F32",)", ""),
            "t.safetensors: invalid JSON header");
        row("offsets out of range",
            safetensorsFile(R"({"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}})", d16),
            "tensor 'a': data_offsets [0, 32] lie outside the 16-byte data buffer");
        row("offsets reversed",
            safetensorsFile(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", d16),
            "end before they begin");
        row("overlap",
            safetensorsFile(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                            R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                            d16),
            "tensors 'a' [0, 12) and 'b' [8, 16) overlap");
        row("overlap across an empty tensor",
            safetensorsFile(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                            R"("e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                            R"("b":{"dtype":"U8","shape":[2],"data_offsets":[8,10]}})",
                            d16),
            "tensors 'a' [0, 16) and 'b' [8, 10) overlap");
        row("size mismatch",
            safetensorsFile(R"({"a":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}})", d16),
            "shape says 3 F16 values (6 bytes) but data_offsets span 8 bytes");
        row("shape overflow",
            safetensorsFile(
                R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})",
                d16),
            "shape has more elements than fit in 64 bits");
        row("huge shape",
            safetensorsFile(
                R"({"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}})", d16),
            "bytes) but data_offsets span 8 bytes");
        row("negative dim",
            safetensorsFile(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}})", d16),
            "every dimension of 'shape' must be a non-negative integer");
        row("bad dtype",
            safetensorsFile(R"({"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}})", d16),
            "unsupported dtype 'C64'");
        row("missing dtype", safetensorsFile(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", d16),
            "missing string 'dtype'");
        row("bad offsets type",
            safetensorsFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":"0-4"}})", d16),
            "'data_offsets' must be an array [begin, end]");
        row("entry not object", safetensorsFile(R"({"a":5})", d16),
            "tensor 'a': entry is not an object");
    }
    void safetensorsMalformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const std::string file =
            writeRaw("t.safetensors", Bytes(bytes.constData(), size_t(bytes.size())));
        for (int pass = 0; pass < 2; ++pass) {
            try {
                if (pass == 0)
                    listTensors(file);
                else
                    loadTensor(file, "a");
                QFAIL("no error");
            } catch (const qs::Error& e) {
                QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos,
                         e.what());
            }
        }
    }

    // ---- csv ---------------------------------------------------------------------------
    void csvFormats_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<char>("delimiter");
        QTest::addColumn<bool>("header");
        QTest::newRow("comma") << "1,2,3\n4,5,6\n" << ',' << false;
        QTest::newRow("comma header crlf") << "a,b,c\r\n1, 2 ,3\r\n4,5,6\r\n" << ',' << true;
        QTest::newRow("semicolon") << "x;y;z\n1;2;3\n4;5;6" << ';' << true;
        QTest::newRow("tab") << "1\t2\t3\n4\t5\t6\n" << '\t' << false;
        QTest::newRow("spaces") << "# comment\n  1   2 3\n\n4 5    6  \n" << ' ' << false;
        QTest::newRow("byte order mark") << "\xEF\xBB\xBF"
                                            "1,2,3\n4,5,6\n"
                                         << ',' << false;
        QTest::newRow("decimal comma") << "1,0;2;3\n4;5,00;6\n" << ';' << false;
        QTest::newRow("tab decimal comma") << "a\tb\tc\n1\t2\t3,0\n4\t5\t6\n" << '\t' << true;
        QTest::newRow("exponents and signs") << "1e0,+2,0.3e1\n4,5E0,6.0\n" << ',' << false;
    }
    void csvFormats()
    {
        QFETCH(QString, text);
        QFETCH(char, delimiter);
        QFETCH(bool, header);
        const std::string file = writeRaw("t.csv", text.toStdString());
        CsvInfo info;
        const Tensor t = loadCsv(file, nullptr, &info);
        QCOMPARE(info.delimiter, delimiter);
        QCOMPARE(info.hasHeader, header);
        QCOMPARE(t.shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(t.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(t.name, std::string("t"));
    }

    void csvSpecial()
    {
        // single column -> 1-D; non-finite values accepted and counted
        std::vector<std::string> w;
        CsvInfo info;
        Tensor t = loadCsv(writeRaw("c.txt", "value\n1.5\nnan\ninf\n-inf\n-Infinity\nNaN\n2\n"), &w,
                           &info);
        QCOMPARE(t.shape, std::vector<int64_t>{7});
        QCOMPARE(info.nanCount, int64_t(2));
        QCOMPARE(info.posInfCount, int64_t(1));
        QCOMPARE(info.negInfCount, int64_t(2));
        QCOMPARE(info.columnNames, std::vector<std::string>{"value"});
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0], std::string("c.txt: 2 NaN, 1 +Inf and 2 -Inf values"));
        QVERIFY(std::isnan(t.data[1]) && std::isinf(t.data[4]) && t.data[4] < 0);
        // beyond float32 / double range, denormal underflow
        w.clear();
        t = loadCsv(writeRaw("big.csv", "1e39,1e999,-1e400,1e-999\n"), &w);
        QVERIFY(std::isinf(t.data[0]) && t.data[0] > 0);
        QVERIFY(std::isinf(t.data[1]) && t.data[1] > 0);
        QVERIFY(std::isinf(t.data[2]) && t.data[2] < 0);
        QCOMPARE(t.data[3], 0.0f);
        QVERIFY(!w.empty());
        // precision: 0.1 is read as a double and rounded to float32
        t = loadCsv(writeRaw("p.csv", "0.1\n"));
        QCOMPARE(t.data[0], 0.1f);
    }

    void csvMalformed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "bad.csv: file is empty";
        QTest::newRow("only comments") << "# nothing\n\n"
                                       << "bad.csv: contains no numbers";
        QTest::newRow("header only") << "a,b\n"
                                     << "has a header row but no numbers";
        QTest::newRow("ragged") << "1,2,3\n4,5,6\n7,8\n"
                                << "bad.csv: line 3 has 2 values but line 1 has 3";
        QTest::newRow("ragged after header") << "a,b\n1,2\n\n3,4,5\n"
                                             << "line 4 has 3 values but line 2 has 2";
        QTest::newRow("not a number") << "1,2\n3,abc\n"
                                      << "bad.csv: line 2, column 2: 'abc' is not a number";
        QTest::newRow("empty field") << "1,2\n3,\n"
                                     << "line 2, column 2: empty value";
        QTest::newRow("double sign") << "1\n--2\n"
                                     << "line 2, column 1: '--2' is not a number";
        QTest::newRow("binary") << QString::fromLatin1("1,2\n\0\0", 6) << "not a text file";
    }
    void csvMalformed()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const QByteArray b = text.toLatin1();
        const std::string file = writeRaw("bad.csv", Bytes(b.constData(), size_t(b.size())));
        try {
            loadTensor(file);
            QFAIL("no error");
        } catch (const qs::Error& e) {
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos,
                     e.what());
        }
    }

    void resultCsvRoundTrip()
    {
        Tensor t("x", {2, 2}, {0.1f, -1.5f, std::nanf(""), 3.0f});
        QuantResult r;
        r.codes = {10, 0, 5, 255};
        r.dequantized = {0.125f, -1.5f, std::nanf(""), 2.75f};
        writeResultCsv(path("r.csv"), t, r, {});
        CsvInfo info;
        const Tensor back = loadCsv(path("r.csv"), nullptr, &info);
        QCOMPARE(info.columnNames,
                 (std::vector<std::string>{"index", "original", "code", "dequantized", "error"}));
        QCOMPARE(back.shape, (std::vector<int64_t>{4, 5}));
        for (int i = 0; i < 4; ++i) {
            const float* row = back.data.data() + 5 * i;
            QCOMPARE(row[0], float(i));
            QVERIFY(sameFloat(row[1], t.data[size_t(i)])); // shortest form round-trips exactly
            QCOMPARE(row[2], float(r.codes[size_t(i)]));
            QVERIFY(sameFloat(row[3], r.dequantized[size_t(i)]));
        }
        QCOMPARE(double(back.data[4]), double(float(double(0.1f) - 0.125)));
        QVERIFY(std::isnan(back.data[14]));
        QCOMPARE(back.data[19], 0.25f);
        QVERIFY_THROWS_MSG(writeResultCsv(path("r.csv"), t, r, {path("r.csv")}),
                           "refusing to overwrite");
        r.codes.pop_back();
        QVERIFY_THROWS_MSG(writeResultCsv(path("r2.csv"), t, r, {}),
                           "does not belong to this tensor");
    }

    // ---- report ------------------------------------------------------------------------
    void reportSchema()
    {
        Tensor t("layer0", {2, 3}, {0, 1, 2, 3, 4, 5});
        t.dtype = "<f2";
        QuantResult r;
        r.config.granularity = Granularity::PerChannel;
        r.config.axis = 0;
        r.params.qmin = 0;
        r.params.qmax = 255;
        r.params.layout.kind = Granularity::PerChannel;
        r.params.layout.axis = 0;
        r.params.scale = {0.5, 0.25};
        r.params.zeroPoint = {3, -1};
        r.params.rangeMin = {-1.5, 0.25};
        r.params.rangeMax = {126, 64};
        r.metrics.mse = 0.0;
        r.metrics.sqnrDb = std::numeric_limits<double>::infinity();
        r.metrics.nonfinite = 2;
        r.metrics.levelsUsed = 6;
        r.metrics.originalBytes = 24;
        r.metrics.quantizedBytes = 16;
        r.metrics.bitsPerElement = 21.333333333333332;
        r.warnings = {"2 non-finite values"};
        r.timingsMs = {{"range", 1.0}, {"quantize", 2.0}, {"metrics", 0.5}, {"total", 3.5}};
        ReportExtras extras;
        extras.timingsMs = {{"load", 4.0}};
        extras.warnings = {"w.npy: precision"};
        const auto j = nlohmann::ordered_json::parse(reportJson(t, r, extras));
        std::vector<std::string> keys;
        for (auto it = j.begin(); it != j.end(); ++it)
            keys.push_back(it.key());
        QCOMPARE(keys, (std::vector<std::string>{"format", "format_version", "tensor", "config",
                                                 "params", "metrics", "timings_ms", "warnings"}));
        QCOMPARE(j["tensor"]["name"].get<std::string>(), std::string("layer0"));
        QCOMPARE(j["tensor"]["shape"].get<std::vector<int64_t>>(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(j["tensor"]["dtype"].get<std::string>(), std::string("<f2"));
        QCOMPARE(j["tensor"]["numel"].get<int64_t>(), int64_t(6));
        QCOMPARE(j["tensor"]["nonfinite"].get<int64_t>(), int64_t(2));
        for (const char* k : {"bits", "scheme", "signed", "full_range", "include_zero", "range",
                              "percentile", "granularity", "axis", "group_size", "rounding",
                              "rounding_order", "zero_point_rounding", "symmetric_scale",
                              "multiply_by_inverse", "float32_params", "seed"})
            QVERIFY2(j["config"].contains(k), k);
        QCOMPARE(j["config"]["bits"].get<int>(), 8);
        QCOMPARE(j["config"]["granularity"].get<std::string>(), toName(Granularity::PerChannel));
        QCOMPARE(j["params"]["scale"].get<std::vector<double>>(), (std::vector<double>{0.5, 0.25}));
        QCOMPARE(j["params"]["zero_point"].get<std::vector<int64_t>>(),
                 (std::vector<int64_t>{3, -1}));
        QCOMPARE(j["params"]["range_min"].get<std::vector<double>>(),
                 (std::vector<double>{-1.5, 0.25}));
        QCOMPARE(j["params"]["range_max"].get<std::vector<double>>(),
                 (std::vector<double>{126, 64}));
        QCOMPARE(j["params"]["axis"].get<int>(), 0);
        QVERIFY(j["params"]["group_size"].is_null());
        QCOMPARE(j["params"]["qmax"].get<int>(), 255);
        for (const char* k :
             {"mse", "rmse", "mae", "max_abs_error", "sqnr_db", "clipped_low", "clipped_high",
              "levels_used", "original_bytes", "quantized_bytes", "bits_per_element"})
            QVERIFY2(j["metrics"].contains(k), k);
        QCOMPARE(j["metrics"]["sqnr_db"].get<std::string>(), std::string("inf"));
        QCOMPARE(j["metrics"]["sqnr_note"].get<std::string>(),
                 std::string("infinite: the reconstruction is exact"));
        QCOMPARE(j["metrics"]["bits_per_element"].get<double>(), 21.333333333333332);
        std::vector<std::string> tk;
        for (auto it = j["timings_ms"].begin(); it != j["timings_ms"].end(); ++it)
            tk.push_back(it.key());
        QCOMPARE(tk, (std::vector<std::string>{"load", "range", "quantize", "metrics", "total"}));
        QCOMPARE(j["timings_ms"]["total"].get<double>(), 7.5);
        QCOMPARE(j["warnings"].get<std::vector<std::string>>(),
                 (std::vector<std::string>{"w.npy: precision", "2 non-finite values"}));
        // finite SQNR: a number and no note
        r.metrics.sqnrDb = 41.5;
        const auto j2 = nlohmann::ordered_json::parse(reportJson(t, r));
        QCOMPARE(j2["metrics"]["sqnr_db"].get<double>(), 41.5);
        QVERIFY(!j2["metrics"].contains("sqnr_note"));
        QVERIFY(!j2.contains("source"));
        QCOMPARE(j2["format_version"].get<int>(), 2);
        // Non-finite numbers keep their sign: a block scale beyond fp16 is -inf or +inf.
        r.params.scale = {-std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::infinity()};
        r.metrics.mse = std::numeric_limits<double>::quiet_NaN();
        r.metrics.sqnrDb = std::numeric_limits<double>::quiet_NaN();
        const auto j3 = nlohmann::ordered_json::parse(reportJson(t, r));
        QCOMPARE(j3["params"]["scale"].get<std::vector<std::string>>(),
                 (std::vector<std::string>{"-inf", "inf"}));
        QCOMPARE(j3["metrics"]["mse"].get<std::string>(), std::string("nan"));
        QCOMPARE(j3["metrics"]["sqnr_note"].get<std::string>(), std::string("undefined"));
        writeReport(path("r.json"), t, r);
        QVERIFY(QFile(QString::fromStdString(path("r.json"))).size() > 100);
    }

    // ---- dispatch ----------------------------------------------------------------------
    void tensorFileDispatch()
    {
        QCOMPARE(tensorFileFormat("a/B.NPY"), TensorFileFormat::Npy);
        QCOMPARE(tensorFileFormat("x.safetensors"), TensorFileFormat::Safetensors);
        QCOMPARE(tensorFileFormat("x.tsv"), TensorFileFormat::Csv);
        QCOMPARE(tensorFileFormat("x.png"), TensorFileFormat::Unknown);
        QVERIFY_THROWS_MSG(loadTensor(writeRaw("x.bin", "abc")), "x.bin: unknown file type");
        QVERIFY_THROWS_MSG(loadTensor(path("missing.npy")), "missing.npy: cannot open file");
        QDir(m_dir->path()).mkdir("dir.npy");
        QVERIFY_THROWS_MSG(loadTensor(path("dir.npy")), "dir.npy: not a regular file");
        const std::string csv = writeRaw("one.csv", "1,2\n");
        QVERIFY_THROWS_MSG(loadTensor(csv, "x"), "one.csv: holds a single tensor");
        std::string p, m;
        splitPathMember(csv, p, m);
        QCOMPARE(p, csv);
        QVERIFY(m.empty());
        splitPathMember("dir/w.npz:layer.0", p, m);
        QCOMPARE(p, std::string("dir/w.npz"));
        QCOMPARE(m, std::string("layer.0"));
        splitPathMember("w.npz", p, m);
        QCOMPARE(p, std::string("w.npz"));
        QVERIFY(m.empty());
    }
};

QTEST_APPLESS_MAIN(TestIo)
#include "tst_io.moc"
