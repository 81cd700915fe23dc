// Integer codes are stored in one byte when the scheme has at most 256 of them (8 bits and
// fewer) and in two bytes otherwise; fp16 / bf16 bit patterns in two. The one-byte path gives
// the same codes, dequantized values, metrics, slice metrics and histograms, bit for bit, as the
// two-byte path (detail::useCodeWidth(2)), for every granularity, the transposed and the
// in-place strided walks, the parameter optimisers and the streamed per-tensor pass.
#include "core/quant/code_width.h"
#include "core/quant/quantize.h"
#include "tests/support/result_compare.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

Q_DECLARE_METATYPE(qs::QuantConfig)

using namespace qs;
using qs::test::compareResults;

namespace {

// 263 x 512 (two kernel blocks of 2^16 and a tail; 512 columns: batches of 64 strided slices)
// normal values with outliers; nonfinite adds NaN and +-Inf.
Tensor testTensor(bool nonfinite)
{
    const int64_t rows = 263, cols = 512;
    std::mt19937 gen(20261207);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(rows * cols));
    for (float& x : v)
        x = normal(gen);
    v[1000] = 40.0f;
    v[70001] = -35.0f;
    if (nonfinite) {
        v[65536 + 17] = std::numeric_limits<float>::quiet_NaN();
        v[65536 + 4097] = std::numeric_limits<float>::infinity();
        v[100000] = -std::numeric_limits<float>::infinity();
    }
    return Tensor("x", {rows, cols}, std::move(v));
}

QuantConfig config(int bits, Granularity g, int axis, Rounding rounding = Rounding::HalfEven,
                   RangeMethod range = RangeMethod::MinMax, Scheme scheme = Scheme::Asymmetric)
{
    QuantConfig c;
    c.bits = bits;
    c.granularity = g;
    c.axis = axis;
    c.groupSize = 32;
    c.rounding = rounding;
    c.seed = 11;
    c.range = range;
    c.scheme = scheme;
    return c;
}

// The result of the two-byte path, the reference.
QuantResult wideResult(const Tensor& t, const QuantConfig& c, const HistogramRequest& h)
{
    detail::useCodeWidth(2);
    QuantResult r;
    try {
        quantizeInto(t, c, r, nullptr, h);
    } catch (...) {
        detail::useCodeWidth(1);
        throw;
    }
    detail::useCodeWidth(1);
    return r;
}

bool sameFloats(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

class TestCodeWidth : public QObject {
    Q_OBJECT
private slots:
    void sameResultsInEitherWidth_data();
    void sameResultsInEitherWidth();
    void streamedPassInOneByte();
    void givenParamsInOneByte();
    void floatPatternsInTwoBytes();
    void widthKnobChecked();
};

void TestCodeWidth::sameResultsInEitherWidth_data()
{
    QTest::addColumn<QuantConfig>("config");
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("nonfinite");
    const auto T = Granularity::PerTensor, C = Granularity::PerChannel, G = Granularity::PerGroup;
    const auto S = Rounding::Stochastic, E = Rounding::HalfEven;
    const std::pair<const char*, std::pair<QuantConfig, int>> rows[] = {
        {"tensor-8", {config(8, T, 0), 1}},
        {"tensor-4-symmetric", {config(4, T, 0, E, RangeMethod::MinMax, Scheme::Symmetric), 1}},
        {"tensor-8-stochastic", {config(8, T, 0, S), 1}},
        {"channel-rows-8", {config(8, C, 0), 1}},
        {"channel-columns-8", {config(8, C, 1), 1}}, // transposed tiles
        {"channel-columns-4", {config(4, C, 1), 1}},
        {"channel-columns-4-stochastic", {config(4, C, 1, S), 1}}, // strided tiles in place
        {"group32-rows-4", {config(4, G, 1), 1}},
        {"group32-rows-8", {config(8, G, 1), 1}},
        {"group32-columns-8", {config(8, G, 0), 1}}, // groups along the leading axis
        {"group32-hqq-4", {config(4, G, 1, E, RangeMethod::Hqq), 1}},
        {"channel-grid-4", {config(4, C, 0, E, RangeMethod::GridSearch), 1}},
        {"tensor-9", {config(9, T, 0), 2}},
        {"channel-columns-12", {config(12, C, 1), 2}},
        {"group32-rows-16", {config(16, G, 1), 2}},
    };
    for (const auto& [name, row] : rows)
        for (bool nonfinite : {false, true})
            QTest::addRow("%s%s", name, nonfinite ? "-nonfinite" : "")
                << row.first << row.second << nonfinite;
}

// Codes, values, metrics and histograms of the stored width against the two-byte reference;
// every finite element's value decodes from its code.
void TestCodeWidth::sameResultsInEitherWidth()
{
    QFETCH(QuantConfig, config);
    QFETCH(int, width);
    QFETCH(bool, nonfinite);
    const Tensor t = testTensor(nonfinite);
    HistogramRequest h;
    h.valueBins = 256;
    h.errorBins = 100;
    const QuantResult wide = wideResult(t, config, h);
    QuantResult r;
    quantizeInto(t, config, r, nullptr, h);
    QCOMPARE(wide.codes.width(), 2);
    QCOMPARE(r.codes.width(), width);
    QCOMPARE(r.codes.offset(), int32_t(config.qmin()));
    QVERIFY(r.codes == wide.codes);
    QVERIFY(sameFloats(r.dequantized, wide.dequantized));
    compareResults(wide, r);
    QCOMPARE(r.metrics.nonfinite, nonfinite ? 3 : 0);
    for (int64_t i = 0; i < t.numel(); ++i) {
        const int32_t q = r.codes[size_t(i)];
        QVERIFY(q >= config.qmin() && q <= config.qmax());
        if (std::isfinite(t.data[size_t(i)]))
            QCOMPARE(r.dequantized[size_t(i)],
                     float(dequantizeCode(r.params, r.params.layout.sliceOf(i), q)));
    }
}

// The per-tensor pass that leaves out codes or values: one byte per kept code, the rest as the
// two-byte reference with every output.
void TestCodeWidth::streamedPassInOneByte()
{
    for (const int bits : {8, 4}) {
        const Tensor t = testTensor(true);
        const QuantConfig c = config(bits, Granularity::PerTensor, 0);
        HistogramRequest h;
        h.valueBins = 200;
        h.errorBins = 64;
        const QuantResult wide = wideResult(t, c, h);
        for (const QuantOutputs outputs : {QuantOutputs{true, false}, QuantOutputs{false, false}}) {
            QuantResult lean;
            quantizeInto(t, c, lean, nullptr, h, nullptr, outputs);
            compareResults(wide, lean);
            QVERIFY(lean.dequantized.empty());
            if (outputs.codes) {
                QCOMPARE(lean.codes.width(), 1);
                QVERIFY(lean.codes == wide.codes);
            } else {
                QVERIFY(lean.codes.empty());
            }
        }
    }
}

// quantizeWithParams writes one byte per code too, the codes of the result it was given.
void TestCodeWidth::givenParamsInOneByte()
{
    const Tensor t = testTensor(false);
    const QuantConfig c = config(4, Granularity::PerChannel, 1);
    const QuantResult r = quantize(t, c);
    const QuantResult again = quantizeWithParams(t, r.params, c);
    QCOMPARE(again.codes.width(), 1);
    QVERIFY(again.codes == r.codes);
    QVERIFY(sameFloats(again.dequantized, r.dequantized));
}

// fp16 / bf16 keep their 16-bit patterns (1.0: 0x3C00 and 0x3F80).
void TestCodeWidth::floatPatternsInTwoBytes()
{
    const Tensor t("x", {3}, {1.0f, -2.0f, 0.5f});
    for (const auto& [scheme, one] : {std::pair{Scheme::FP16, 0x3C00}, {Scheme::BF16, 0x3F80}}) {
        QuantConfig c;
        c.scheme = scheme;
        const QuantResult r = quantize(t, c);
        QCOMPARE(r.codes.width(), 2);
        QCOMPARE(r.codes.offset(), 0);
        QCOMPARE(r.codes[0], one);
        QCOMPARE(int(r.codes.raw16()[0]), one);
    }
}

void TestCodeWidth::widthKnobChecked()
{
    QVERIFY_THROWS_EXCEPTION(Error, detail::useCodeWidth(4));
    QVERIFY_THROWS_EXCEPTION(Error, detail::useCodeWidth(0));
    const QuantResult r = quantize(testTensor(false), config(8, Granularity::PerTensor, 0));
    QCOMPARE(r.codes.width(), 1); // the failed calls changed nothing
}

QTEST_APPLESS_MAIN(TestCodeWidth)
#include "tst_code_width.moc"
