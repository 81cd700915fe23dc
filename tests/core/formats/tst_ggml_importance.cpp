// Tests of the importance-weighted GGML quantizers (llama.cpp's quantize_row_*_impl with
// quant_weights). The golden values come from ggml-quants.c itself: quantize_<type>(x, y, 2,
// 256, imatrix) run on two rows of 256 ggmlTestValue()s with the importance testImportance(column)
// (zeros every 11th column, 1000 every 29th), its bytes kept whole for one block of Q4_0, Q4_K,
// Q6_K and IQ4_XS and as FNV-1a hashes for every type. Beside them: properties llama.cpp's
// arithmetic guarantees (an importance scaled by a power of two changes nothing; each group of
// rows takes its own vector) and the refusals.
#include "core/base/error.h"
#include "core/formats/ggml.h"
#include "core/io/ggml_blocks.h"

#include "tests/support/float_bits.h"
#include "tests/support/ggml_test_input.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace qs;

namespace {

// Importance of column c: 0, 0.25, ..., 2.5 in turn, and 1000 on every 29th column.
float testImportance(uint32_t c)
{
    if (c % 29 == 0)
        return 1000.0f;
    return float((c * 7) % 11) * 0.25f;
}

using test::fnv1a;

std::string hexOf(const std::string& bytes, size_t count)
{
    static const char kDigits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < count; ++i) {
        s += kDigits[uint8_t(bytes[i]) >> 4];
        s += kDigits[uint8_t(bytes[i]) & 0xF];
    }
    return s;
}

struct Input {
    std::vector<float> x, importance;
    Input() : x(512), importance(256)
    {
        for (uint32_t i = 0; i < 512; ++i)
            x[i] = test::ggmlTestValue(i);
        for (uint32_t c = 0; c < 256; ++c)
            importance[c] = testImportance(c);
    }
    std::string bytes(GgmlType t, const std::vector<float>& weights, int64_t groups = 1) const
    {
        GgmlImportance imp;
        imp.weights = weights.data();
        imp.groups = groups;
        return ggmlQuantizedBytes(x.data(), 512, t, 256, nullptr, &imp);
    }
};

const GgmlType kWeighted[] = {GgmlType::Q4_0, GgmlType::Q4_1,   GgmlType::Q5_0,  GgmlType::Q5_1,
                              GgmlType::Q2_K, GgmlType::Q3_K,   GgmlType::Q4_K,  GgmlType::Q5_K,
                              GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

// Every type's two rows hashed as ggml-quants.c wrote them, with the test importance and with
// importance 1 everywhere, the size of the two rows' bytes, and whether importance 1 gives the
// unweighted bytes.
struct Reference {
    GgmlType t;
    uint64_t weighted, ones;
    size_t size;
    bool onesAsUnweighted;
};

const Reference kRef[] = {
    {GgmlType::Q4_0, 0x75f89f14221b76fcull, 0x7aefff72b15f2c76ull, 288, false},
    {GgmlType::Q4_1, 0xb3cc02a941af908aull, 0xb0700b1c6c558e6full, 320, false},
    {GgmlType::Q5_0, 0x14438613fb8efd47ull, 0xf204eb9eae9842deull, 352, false},
    {GgmlType::Q5_1, 0x50d4f9ad8586981aull, 0xb6aab861be1719deull, 384, false},
    {GgmlType::Q2_K, 0x2860b349766f40faull, 0x6296525d6672d4fcull, 168, false},
    {GgmlType::Q3_K, 0xa84601410fac30dfull, 0x8e47d33a07b9f37dull, 220, false},
    {GgmlType::Q4_K, 0xe0fa461ba09aa0ccull, 0x1ded8bd71f72d9d6ull, 288, false},
    {GgmlType::Q5_K, 0xf43c07db0a3c2101ull, 0x868adfb2a595237aull, 352, false},
    {GgmlType::Q6_K, 0x3d09b7c07c2a90cbull, 0xe12b477394cec82bull, 420, false},
    {GgmlType::IQ4_NL, 0x3992e6ace652b67full, 0x6dcedeb5523818b8ull, 288, false},
    {GgmlType::IQ4_XS, 0x617010107946a440ull, 0x3aa8327a82ebe5f7ull, 272, false},
};

} // namespace

class TestGgmlImportance : public QObject {
    Q_OBJECT

private slots:
    void goldenBlocks();
    void llamaCppBytes();
    void valuesAreTheBytes();
    void powerOfTwoScaleChangesNothing();
    void groupsOfRows();
    void refusals();
    void threadedRowGroups();
};

// The first block of each type, byte for byte as ggml-quants.c wrote it. Q4_0: d = fp16 0x37e9,
// codes 0..15 from the weighted symmetric search (make_qx_quants, nmax 8) with weights
// qw * sqrt(sigma2 + x^2), sigma2 the mean x^2 of the whole row of 256.
void TestGgmlImportance::goldenBlocks()
{
    const Input in;
    const struct {
        GgmlType t;
        const char* hex;
    } kGolden[] = {
        {GgmlType::Q4_0, "e937787bc6698ca7e82da660896879287d57"},
        {GgmlType::Q4_K, "cf20bb2cf5f6ebfdfce6deeff8876f2ca90cf75a2d6899fd5790aa494a684e38"
                         "b8184d47a97b1f739b87b8a7788388763e1668b884967621365735460a584564"
                         "9792eb6c8313c4805c9e4789677377966373b8f9259e978a6c2c9b60b845ca6f"
                         "aacaba096956ba9c5c84672aa8d77e5e097850a75aea619f853a757793274a94"
                         "898ca815a8575a2858d26d59b797a768"},
        {GgmlType::Q6_K, "10db68646eeee2f1eaa003e1137e254eacfca675ae8a4f525c17ae168d819ae0"
                         "216322939de0659012a5207616de8509314d072b835779855c3070a718dfb026"
                         "7caaafd042337a146a3c88f10cf445c43a59c9ae80f10bae8e7d1b56020d0381"
                         "c7e454416b1b4a50a7dbebd77034be77a791dab009859d646510199a99631b24"
                         "461e91daaa9996235954665a1a556ba9516d0b8961e62f748245915195605555"
                         "d858b5529d17b54a6a9e665875dd926b594d19e1569799d8943b86912a6e6494"
                         "6d4f82b8a4a95d8d7db6a07080a08ea3f014"},
        {GgmlType::IQ4_XS, "9f95f0c03672a0b3787bc6598ca7e82db660796879276d47dc337f67d4a84baf"
                           "b7bbdcc696b9b6a560d72414bab797ed1706683753b5597a3c4e079255e4165e"
                           "ac3abc6b8f796a3893939788845d96b9bb3b6aa17765c9dda6d7bc0f5149ca98"
                           "46815a16bce26d46bbea9159ac8cc29fa63ce5a883888ca46f674ae44aa0a9d5"
                           "a61c87a7355d4b85"},
    };
    for (const auto& g : kGolden) {
        const std::string hex = g.hex;
        QCOMPARE(hexOf(in.bytes(g.t, in.importance), hex.size() / 2), hex);
    }
}

// Every type's two rows hashed, with the test importance and with importance 1 everywhere. The
// flag says whether importance 1 gives the unweighted bytes: never on this input, since the
// weighted path searches with other weights (and, for Q4_0 ... Q5_1, another algorithm).
void TestGgmlImportance::llamaCppBytes()
{
    const Input in;
    const std::vector<float> ones(256, 1.0f);
    for (const auto& ref : kRef) {
        const std::string weighted = in.bytes(ref.t, in.importance);
        QCOMPARE(weighted.size(), ref.size);
        QVERIFY2(fnv1a(weighted) == ref.weighted, toName(ref.t).c_str());
        const std::string withOnes = in.bytes(ref.t, ones);
        QVERIFY2(fnv1a(withOnes) == ref.ones, toName(ref.t).c_str());
        const std::string unweighted = ref.t == GgmlType::Q4_0 || ref.t == GgmlType::Q4_1
                                           ? std::string()
                                           : ggmlQuantizedBytes(in.x.data(), 512, ref.t, 256);
        if (!unweighted.empty())
            QCOMPARE(withOnes == unweighted, ref.onesAsUnweighted);
    }
}

// quantizeGgml with importance: the values are llama.cpp's dequantization of the weighted
// bytes, and the codes and block scales reproduce them (Q4_0 and Q4_1 included).
void TestGgmlImportance::valuesAreTheBytes()
{
    const Input in;
    GgmlImportance imp;
    imp.weights = in.importance.data();
    for (GgmlType t : kWeighted) {
        const std::string bytes = in.bytes(t, in.importance);
        const GgmlTypeInfo* info = ggmlTypeByName(toName(t));
        std::vector<float> y(512);
        info->decode(reinterpret_cast<const uint8_t*>(bytes.data()), 512 / info->blockSize,
                     y.data());
        const LowbitResult r = quantizeGgml(in.x.data(), 512, t, 256, nullptr, &imp);
        const int shift = t == GgmlType::Q4_0   ? 8
                          : t == GgmlType::Q5_0 ? 16
                          : t == GgmlType::Q3_K ? 4
                          : t == GgmlType::Q6_K ? 32
                                                : 0;
        for (size_t i = 0; i < 512; ++i) {
            QCOMPARE_EXACT(r.dequantized[i], y[i]);
            const int64_t b = r.blockOf(int64_t(i));
            const float v =
                r.codebook.empty() ? float(r.codes[i] - shift) : r.codebook[size_t(r.codes[i])];
            float yi = v * r.scales[size_t(b)];
            if (!r.offsets.empty())
                yi = yi + r.offsets[size_t(b)];
            QCOMPARE_EXACT(yi, y[i]);
        }
    }
}

// Every weighted sum and comparison scales exactly with a power of two, so importance x 8 (or
// x 1/4) gives the same bytes as the importance itself, for every type.
void TestGgmlImportance::powerOfTwoScaleChangesNothing()
{
    const Input in;
    std::vector<float> times8 = in.importance, quarter = in.importance;
    for (size_t c = 0; c < 256; ++c) {
        times8[c] *= 8.0f;
        quarter[c] *= 0.25f;
    }
    for (GgmlType t : kWeighted) {
        const std::string base = in.bytes(t, in.importance);
        QVERIFY2(in.bytes(t, times8) == base, toName(t).c_str());
        QVERIFY2(in.bytes(t, quarter) == base, toName(t).c_str());
    }
}

// Two groups of rows (the experts of a 3-D tensor): each row takes its group's vector, as
// quantizing each half alone with its own vector does.
void TestGgmlImportance::groupsOfRows()
{
    const Input in;
    std::vector<float> two(in.importance);
    for (uint32_t c = 0; c < 256; ++c)
        two.push_back(testImportance(c + 5));
    for (GgmlType t : kWeighted) {
        GgmlImportance first, second;
        first.weights = two.data();
        second.weights = two.data() + 256;
        const std::string expected =
            ggmlQuantizedBytes(in.x.data(), 256, t, 256, nullptr, &first) +
            ggmlQuantizedBytes(in.x.data() + 256, 256, t, 256, nullptr, &second);
        QVERIFY2(in.bytes(t, two, 2) == expected, toName(t).c_str());
        QVERIFY(in.bytes(t, two, 2) != in.bytes(t, in.importance));
    }
}

void TestGgmlImportance::refusals()
{
    const Input in;
    QCOMPARE(ggmlHasWeightedPath(GgmlType::Q8_0), false);
    for (GgmlType t : kWeighted)
        QVERIFY(ggmlHasWeightedPath(t));
    GgmlImportance imp;
    imp.weights = in.importance.data();
    QCOMPARE(
        test::errorOf([&] { quantizeGgml(in.x.data(), 512, GgmlType::Q8_0, 256, nullptr, &imp); }),
        std::string("Q8_0 has no importance-weighted path in llama.cpp (quantize_q8_0 "
                    "ignores the importance); importance applies to every other GGML type"));
    imp.groups = 3;
    QCOMPARE(test::errorOf([&] { in.bytes(GgmlType::Q4_K, in.importance, 3); }),
             std::string("importance in 3 groups does not divide the 2 rows"));
    imp.groups = 1;
    // the weighted Q4_0 and Q4_1 need whole blocks like every searched type
    QCOMPARE(
        test::errorOf([&] { quantizeGgml(in.x.data(), 40, GgmlType::Q4_0, 40, nullptr, &imp); }),
        std::string("Q4_0 needs rows whose length is a multiple of 32, but the rows here "
                    "have 40 elements; llama.cpp stores such tensors as F16"));
}

// A tensor large enough for its blocks to go to the threads (65536 values and more): the two rows
// of the reference 130 times, each pair of rows a group of its own, the even groups with the test
// importance and the odd ones with importance 1. Every pair's bytes are llama.cpp's, by the hashes
// above, and the values of quantizeGgml are those bytes decoded.
void TestGgmlImportance::threadedRowGroups()
{
    const Input in;
    constexpr int64_t kPairs = 130, n = kPairs * 512;
    std::vector<float> x, w;
    for (int64_t g = 0; g < kPairs; ++g) {
        x.insert(x.end(), in.x.begin(), in.x.end());
        if (g % 2 == 0)
            w.insert(w.end(), in.importance.begin(), in.importance.end());
        else
            w.insert(w.end(), 256, 1.0f);
    }
    GgmlImportance imp;
    imp.weights = w.data();
    imp.groups = kPairs;
    for (const Reference& ref : kRef) {
        const std::string bytes = ggmlQuantizedBytes(x.data(), n, ref.t, 256, nullptr, &imp);
        QCOMPARE(bytes.size(), size_t(kPairs) * ref.size);
        for (int64_t g = 0; g < kPairs; ++g)
            QVERIFY2(fnv1a(bytes.substr(size_t(g) * ref.size, ref.size)) ==
                         (g % 2 == 0 ? ref.weighted : ref.ones),
                     qPrintable(QString("%1, rows %2 and %3")
                                    .arg(toName(ref.t).c_str())
                                    .arg(2 * g)
                                    .arg(2 * g + 1)));
        const GgmlTypeInfo* info = ggmlTypeByName(toName(ref.t));
        std::vector<float> y(static_cast<size_t>(n));
        info->decode(reinterpret_cast<const uint8_t*>(bytes.data()), n / info->blockSize, y.data());
        const LowbitResult r = quantizeGgml(x.data(), n, ref.t, 256, nullptr, &imp);
        test::compareBits(r.dequantized, y, toName(ref.t).c_str());
    }
}

QTEST_APPLESS_MAIN(TestGgmlImportance)
#include "tst_ggml_importance.moc"
