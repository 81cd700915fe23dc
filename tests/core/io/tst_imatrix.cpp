// Tests of the importance readers: an imatrix GGUF written by the project's GGUF writer (one
// tensor, and an expert tensor with a count of 0), a legacy .dat imatrix built byte by byte,
// a .npy vector, each normalised as llama-quantize normalises it (in_sum2 / count, value /
// ncall), and the refusals: truncated files, counts that lie, wrong lengths, NaN and negative
// importance, a missing entry, each naming the file and the problem.
#include "core/base/error.h"
#include "core/io/gguf_writer.h"
#include "core/io/imatrix.h"
#include "core/io/npy.h"
#include "tests/support/float_bits.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

using namespace qs;
using namespace qs::test;

namespace {

void putI32(std::string& s, int32_t v)
{
    char b[4];
    std::memcpy(b, &v, 4);
    s.append(b, 4);
}

void putF32(std::string& s, float v)
{
    char b[4];
    std::memcpy(b, &v, 4);
    s.append(b, 4);
}

// One legacy entry: name, ncall, values.
void putEntry(std::string& s, const std::string& name, int32_t ncall,
              const std::vector<float>& values)
{
    putI32(s, int32_t(name.size()));
    s += name;
    putI32(s, ncall);
    putI32(s, int32_t(values.size()));
    for (float v : values)
        putF32(s, v);
}

// Two entries ("a.weight": ncall 3, values 3 6 1.5 0 -> 1 2 0.5 0; "b.weight": ncall 0, values
// kept) and the trailing chunk count 7 and dataset name "wiki.txt".
std::string legacyFile()
{
    std::string s;
    putI32(s, 2);
    putEntry(s, "a.weight", 3, {3.0f, 6.0f, 1.5f, 0.0f});
    putEntry(s, "b.weight", 0, {0.5f, 4.0f});
    putI32(s, 7);
    putI32(s, 8);
    s += "wiki.txt";
    return s;
}

const GgmlTypeInfo& f32()
{
    return *ggmlTypeByName("F32");
}

// An imatrix GGUF: "attn.weight" with 4 columns seen 4 times, and "ffn_exps.weight" with 2
// experts of 3 columns, expert 0 seen twice, expert 1 never.
std::string ggufFile()
{
    GgufWriter w;
    w.setStringArray("imatrix.datasets", {"wiki.txt"});
    w.setU32("imatrix.chunk_count", 10);
    w.setU32("imatrix.chunk_size", 512);
    const float sums[] = {4.0f, 8.0f, 2.0f, 0.0f};
    const float counts[] = {4.0f};
    w.addFloatTensor("attn.weight.in_sum2", {1, 4}, f32(), sums);
    w.addFloatTensor("attn.weight.counts", {1, 1}, f32(), counts);
    const float expertSums[] = {1.0f, 3.0f, 5.0f, 9.0f, 9.0f, 9.0f};
    const float expertCounts[] = {2.0f, 0.0f};
    w.addFloatTensor("ffn_exps.weight.in_sum2", {2, 3}, f32(), expertSums);
    w.addFloatTensor("ffn_exps.weight.counts", {2, 1}, f32(), expertCounts);
    return w.bytes();
}

Importance parse(const std::string& bytes, const std::string& tensor)
{
    return parseImatrix(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "imx",
                        tensor);
}

std::string parseError(const std::string& bytes, const std::string& tensor)
{
    return errorOf([&] { parse(bytes, tensor); });
}

} // namespace

class TestImatrix : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir = scratchDir("imatrix");

    std::string write(const char* name, const std::string& bytes)
    {
        const std::string path = m_dir->filePath(name).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir->isValid()); }

    void gguf()
    {
        const std::string path = write("imatrix.gguf", ggufFile());
        const Importance a = loadImatrix(path, "attn.weight");
        QCOMPARE(a.values, (std::vector<float>{1.0f, 2.0f, 0.5f, 0.0f}));
        QCOMPARE(a.source.file, path);
        QCOMPARE(a.source.tensor, std::string("attn.weight"));
        QCOMPARE(a.source.columns, int64_t(4));
        QCOMPARE(a.source.groups, int64_t(1));
        // expert 0: sums / 2; expert 1 never saw input: importance 1, as llama-quantize sets it
        const Importance e = loadImatrix(path, "ffn_exps.weight");
        QCOMPARE(e.values, (std::vector<float>{0.5f, 1.5f, 2.5f, 1.0f, 1.0f, 1.0f}));
        QCOMPARE(e.source.columns, int64_t(3));
        QCOMPARE(e.source.groups, int64_t(2));
        const std::string bytes = ggufFile();
        QCOMPARE(imatrixEntries(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "x"),
                 (std::vector<std::string>{"attn.weight", "ffn_exps.weight"}));
    }

    void legacy()
    {
        const std::string path = write("imatrix.dat", legacyFile());
        const Importance a = loadImatrix(path, "a.weight");
        QCOMPARE(a.values, (std::vector<float>{1.0f, 2.0f, 0.5f, 0.0f})); // divided by ncall 3
        QCOMPARE(a.source.columns, int64_t(4));
        const Importance b = loadImatrix(path, "b.weight"); // ncall 0: as stored
        QCOMPARE(b.values, (std::vector<float>{0.5f, 4.0f}));
        // without the optional dataset name at the end
        std::string plain = legacyFile();
        plain.resize(plain.size() - 16);
        QCOMPARE(parse(plain, "b.weight").values, (std::vector<float>{0.5f, 4.0f}));
        // 1/3 is float32 division, as llama.cpp's v /= ncall
        std::string third;
        putI32(third, 1);
        putEntry(third, "t", 3, {1.0f});
        QCOMPARE_EXACT(parse(third, "t").values[0], 1.0f / 3);
    }

    void npy()
    {
        const std::string path = m_dir->filePath("w.npy").toStdString();
        writeNpyFloat32(path, {3}, {0.0f, 2.0f, 1e30f});
        const Importance imp = loadImportanceNpy(path);
        QCOMPARE(imp.values, (std::vector<float>{0.0f, 2.0f, 1e30f}));
        QCOMPARE(imp.source.columns, int64_t(3));
        QVERIFY(imp.source.tensor.empty());
        const std::string square = m_dir->filePath("square.npy").toStdString();
        writeNpyFloat32(square, {2, 2}, {1, 2, 3, 4});
        QCOMPARE(errorOf([&] { loadImportanceNpy(square); }),
                 std::string("square.npy: an importance vector is 1-D (one value per column); "
                             "this array is 2x2"));
        const std::string nan = m_dir->filePath("nan.npy").toStdString();
        writeNpyFloat32(nan, {3}, {1.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f});
        QCOMPARE(errorOf([&] { loadImportanceNpy(nan); }),
                 std::string("nan.npy: importance is nan at column 1; importance must be finite "
                             "and non-negative"));
    }

    // Every prefix of the legacy file fails with a message naming the file (the full file and
    // the file without its dataset name are valid).
    void truncatedLegacy()
    {
        const std::string full = legacyFile();
        const size_t entriesEnd = full.size() - 16;
        for (size_t n = 1; n < full.size(); ++n) {
            if (n == entriesEnd)
                continue;
            const std::string m = parseError(full.substr(0, n), "a.weight");
            QVERIFY2(m.rfind("imx: ", 0) == 0 && m.find("(legacy imatrix)") != std::string::npos,
                     qPrintable(QString::number(n) + ": " + QString::fromStdString(m)));
        }
        QCOMPARE(parseError(full.substr(0, 6), "a.weight"),
                 std::string("imx: the entry count is 2 but 2 bytes are left in the file "
                             "(legacy imatrix)"));
        std::string one;
        putI32(one, 1);
        putEntry(one, "a.weight", 3, {3.0f});
        QCOMPARE(parseError(one.substr(0, 18), "a.weight"),
                 std::string("imx: the file ends inside a call count at byte 16 (legacy "
                             "imatrix)"));
        QCOMPARE(parseError(std::string(), "a.weight"),
                 std::string("imx: the imatrix file is empty"));
    }

    void lyingCounts()
    {
        std::string s;
        putI32(s, 1);
        putI32(s, 1);
        s += "w";
        putI32(s, 1);
        putI32(s, 1000000); // values claimed
        putF32(s, 1.0f);
        QCOMPARE(parseError(s, "w"), std::string("imx: the value count of 'w' is 1000000 but 4 "
                                                 "bytes are left in the file (legacy imatrix)"));
        std::string entries;
        putI32(entries, 1 << 30);
        QCOMPARE(parseError(entries, "w"),
                 std::string("imx: the entry count is 1073741824 but 0 bytes are left in the "
                             "file (legacy imatrix)"));
        std::string trailing = legacyFile();
        trailing += "xyz";
        QCOMPARE(parseError(trailing, "a.weight"),
                 std::string("imx: 3 unexpected bytes after the dataset name (legacy imatrix)"));
        // a GGUF whose counts do not match the experts of its sums
        GgufWriter w;
        const float v[] = {1, 2, 3, 4};
        w.addFloatTensor("x.in_sum2", {2, 2}, f32(), v);
        w.addFloatTensor("x.counts", {3, 1}, f32(), v);
        QCOMPARE(parseError(w.bytes(), "x"),
                 std::string("imx: 'x.counts' holds 3 counts for the 2 expert slice(s) of "
                             "'x.in_sum2'"));
    }

    void badValues()
    {
        std::string s;
        putI32(s, 1);
        putEntry(s, "w", 1, {1.0f, 2.0f, std::numeric_limits<float>::quiet_NaN()});
        QCOMPARE(parseError(s, "w"), std::string("imx: importance 'w' is nan at column 2; "
                                                 "importance must be finite and non-negative"));
        std::string neg;
        putI32(neg, 1);
        putEntry(neg, "w", 2, {-4.0f});
        QCOMPARE(parseError(neg, "w"), std::string("imx: importance 'w' is -2.000000 at column 0; "
                                                   "importance must be finite and non-negative"));
        GgufWriter w;
        const float sums[] = {1, 2}, counts[] = {-1};
        w.addFloatTensor("x.in_sum2", {1, 2}, f32(), sums);
        w.addFloatTensor("x.counts", {1, 1}, f32(), counts);
        QCOMPARE(parseError(w.bytes(), "x"),
                 std::string("imx: 'x.counts' holds the count -1.000000 for expert 0; counts are "
                             "finite and non-negative"));
    }

    void missingOrMismatched()
    {
        QCOMPARE(parseError(legacyFile(), "c.weight"),
                 std::string("imx: the imatrix has no entry for tensor 'c.weight'"));
        QCOMPARE(parseError(ggufFile(), "c.weight"),
                 std::string("imx: the imatrix has no entry for tensor 'c.weight' (no "
                             "'c.weight.in_sum2')"));
        GgufWriter w;
        const float v[] = {1, 2};
        w.addFloatTensor("x.in_sum2", {1, 2}, f32(), v);
        QCOMPARE(parseError(w.bytes(), "x"),
                 std::string("imx: the imatrix has 'x.in_sum2' but no 'x.counts'"));
        GgufWriter h;
        h.addFloatTensor("x.in_sum2", {1, 2}, *ggmlTypeByName("F16"), v);
        h.addFloatTensor("x.counts", {1, 1}, f32(), v);
        QCOMPARE(parseError(h.bytes(), "x"),
                 std::string("imx: 'x.in_sum2' is F16, an imatrix stores F32"));
    }

    // An importance fits a tensor whose rows have as many columns (and, with experts, a 3-D
    // tensor with as many experts first).
    void fits()
    {
        Importance imp = parse(ggufFile(), "attn.weight");
        imp.source.file = "dir/im.gguf";
        checkImportanceFits(imp, {8, 4}, "attn.weight");
        QCOMPARE(errorOf([&] {
                     checkImportanceFits(imp, {4, 8}, "attn.weight");
                 }),
                 std::string("im.gguf:attn.weight: the importance has 4 columns, but the rows of "
                             "tensor 'attn.weight' (4x8) have 8"));
        Importance e = parse(ggufFile(), "ffn_exps.weight");
        checkImportanceFits(e, {2, 5, 3}, "ffn_exps.weight");
        QCOMPARE(errorOf([&] {
                     checkImportanceFits(e, {10, 3}, "ffn_exps.weight");
                 }),
                 std::string("imx:ffn_exps.weight: the importance has 2 expert slices, so tensor "
                             "'ffn_exps.weight' must be 3-D with as many experts first; its "
                             "shape is 10x3"));
    }
};

QTEST_APPLESS_MAIN(TestImatrix)
#include "tst_imatrix.moc"
