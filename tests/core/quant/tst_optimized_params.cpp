// The range methods that optimise a slice's scale and real zero point (HQQ, the grid search)
// through quantize(): never a larger squared error than min-max on any slice, exactly; the
// hand-checked HQQ group of tst_hqq end to end; re-quantizing with the result's parameters;
// the configurations they refuse.
#include "core/data/generators.h"
#include "core/formats/ggml_search.h"
#include "core/quant/quantize.h"
#include "core/range/grid_search.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

using namespace qs;

namespace {

// Rows of 64 with different characters: normal, Laplace, a row with an outlier, constant rows
// (zero, positive, negative), rows scaled by 1e-30 and 1e30, NaN / inf among finite values.
Tensor mixedRows(uint64_t seed, int64_t rows)
{
    GeneratorOptions g;
    g.shape = {rows, 64};
    g.seed = seed;
    const Tensor normal = generate(g);
    g.distribution = Distribution::Laplace;
    g.seed = seed + 1;
    const Tensor laplace = generate(g);
    Tensor t("mixed", {rows, 64}, std::vector<float>(size_t(rows * 64)));
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < 64; ++c) {
            const size_t i = size_t(r * 64 + c);
            float v = (r % 2 == 0) ? normal.data[i] : laplace.data[i];
            switch (r % 9) {
            case 2:
                v = c == 17 ? 40.0f : v;
                break; // outlier
            case 3:
                v = 0.0f;
                break; // all zero
            case 4:
                v = 2.5f;
                break; // constant > 0
            case 5:
                v = -0.75f;
                break; // constant < 0
            case 6:
                v *= 1e-30f;
                break; // tiny
            case 7:
                v *= 1e30f;
                break; // huge
            case 8:
                v = c == 5 ? std::nanf("") : (c == 9 ? INFINITY : v + 3.0f);
                break;
            default:
                break;
            }
            t.data[i] = v;
        }
    }
    return t;
}

// Sum of (x - x^)^2 over the finite values of slice s, in the slice's element order.
double sliceSquaredError(const Tensor& t, const QuantResult& r, int64_t s)
{
    double sum = 0;
    r.params.layout.forEachRun(s, [&](int64_t off, int64_t cnt, int64_t stride) {
        for (int64_t k = 0; k < cnt; ++k) {
            const size_t i = size_t(off + k * stride);
            if (!std::isfinite(t.data[i]))
                continue;
            const double e = double(t.data[i]) - double(r.dequantized[i]);
            sum += e * e;
        }
    });
    return sum;
}

QuantConfig optimizer(RangeMethod m, int bits, Granularity g, int64_t group)
{
    QuantConfig c;
    c.range = m;
    c.bits = bits;
    c.granularity = g;
    c.groupSize = group;
    c.axis = 0;
    return c;
}

} // namespace

class TestOptimizedParams : public QObject {
    Q_OBJECT
private slots:
    void neverWorseThanMinMax_data();
    void neverWorseThanMinMax();
    void betterOnNormalData();
    void hqqHandGroup();
    void requantizeWithParams();
    void gridSearchIsLlamaCppSearch();
    void gridSearchExactGrid();
    void refusedConfigs();
};

void TestOptimizedParams::neverWorseThanMinMax_data()
{
    QTest::addColumn<int>("method");
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("granularity");
    QTest::addColumn<int>("group");
    QTest::addColumn<bool>("includeZero");
    QTest::addColumn<bool>("float32");
    for (RangeMethod m : {RangeMethod::Hqq, RangeMethod::GridSearch})
        for (int bits : {1, 2, 3, 4, 8})
            for (const auto& [g, size] :
                 {std::pair{Granularity::PerGroup, 64}, std::pair{Granularity::PerGroup, 16},
                  std::pair{Granularity::PerChannel, 1}, std::pair{Granularity::PerTensor, 1}})
                for (bool zero : {true, false}) {
                    const bool f32 = bits == 4 && !zero;
                    QTest::addRow("%s-%db-%s%d-%s%s", toName(m).c_str(), bits, toName(g).c_str(),
                                  size, zero ? "zero" : "nozero", f32 ? "-f32" : "")
                        << int(m) << bits << int(g) << size << zero << f32;
                }
}

// On every slice the optimised parameters give at most min-max's sum of squared errors, in
// the result's own values, compared exactly.
void TestOptimizedParams::neverWorseThanMinMax()
{
    QFETCH(int, method);
    QFETCH(int, bits);
    QFETCH(int, granularity);
    QFETCH(int, group);
    QFETCH(bool, includeZero);
    QFETCH(bool, float32);
    for (uint64_t seed : {1u, 2u, 3u}) {
        const Tensor t = mixedRows(seed, 27);
        QuantConfig c = optimizer(RangeMethod(method), bits, Granularity(granularity), group);
        c.includeZero = includeZero;
        c.float32Params = float32;
        c.rounding = seed == 3 ? Rounding::HalfAway : Rounding::HalfEven;
        QuantConfig mm = c;
        mm.range = RangeMethod::MinMax;
        const QuantResult opt = quantize(t, c), base = quantize(t, mm);
        QCOMPARE(opt.params.numSlices(), base.params.numSlices());
        QCOMPARE(int64_t(opt.params.realZeroPoint.size()), opt.params.numSlices());
        double optTotal = 0, baseTotal = 0;
        for (int64_t s = 0; s < opt.params.numSlices(); ++s) {
            const double a = sliceSquaredError(t, opt, s), b = sliceSquaredError(t, base, s);
            QVERIFY2(a <= b, qPrintable(QStringLiteral("slice %1: %2 > %3 (seed %4)")
                                            .arg(s)
                                            .arg(a, 0, 'g', 17)
                                            .arg(b, 0, 'g', 17)
                                            .arg(seed)));
            QCOMPARE(opt.params.zeroPoint[size_t(s)],
                     int64_t(std::nearbyint(opt.params.realZeroPoint[size_t(s)])));
            optTotal += a;
            baseTotal += b;
        }
        QVERIFY(optTotal <= baseTotal);
        QCOMPARE(opt.convergence.iterations() > 0, RangeMethod(method) == RangeMethod::Hqq);
    }
}

// On normal data both methods lower the error (4-bit groups of 64, 3-bit groups of 64).
void TestOptimizedParams::betterOnNormalData()
{
    GeneratorOptions g;
    g.shape = {256, 256};
    const Tensor t = generate(g);
    for (int bits : {3, 4}) {
        QuantConfig mm = optimizer(RangeMethod::MinMax, bits, Granularity::PerGroup, 64);
        mm.includeZero = false;
        const double base = quantize(t, mm).metrics.mse;
        for (RangeMethod m : {RangeMethod::Hqq, RangeMethod::GridSearch}) {
            QuantConfig c = mm;
            c.range = m;
            const double mse = quantize(t, c).metrics.mse;
            QVERIFY2(mse < 0.95 * base, qPrintable(QStringLiteral("%1 %2 bits: %3 vs %4")
                                                       .arg(QString::fromStdString(toName(m)))
                                                       .arg(bits)
                                                       .arg(mse)
                                                       .arg(base)));
        }
    }
}

// The group of tst_hqq, quantized per tensor at 2 bits without widening to zero: min-max gives
// s = 11/12, z = 1 (sum of squared errors 0.31944); HQQ's z = 0.98558... (4 iterations, early
// stop) gives codes [0, 0, 1, 1, 1, 1, 2, 3] and 0.30543, so it is kept.
void TestOptimizedParams::hqqHandGroup()
{
    const Tensor t("hand", {8}, {-1.0f, -0.625f, -0.125f, 0.0f, 0.25f, 0.375f, 0.875f, 1.75f});
    QuantConfig c = optimizer(RangeMethod::Hqq, 2, Granularity::PerTensor, 1);
    c.includeZero = false;
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.convergence.iterations(), 4);
    QVERIFY(std::fabs(r.params.realZeroPoint[0] - 0.9855849989713119) < 1e-14);
    QCOMPARE(r.params.zeroPoint[0], int64_t(1));
    QCOMPARE(r.params.scale[0], 2.75 / 3);
    const int64_t codes[] = {0, 0, 1, 1, 1, 1, 2, 3};
    for (int i = 0; i < 8; ++i)
        QCOMPARE(int64_t(r.codes.at(size_t(i))), codes[i]);
    QVERIFY(std::fabs(sliceSquaredError(t, r, 0) - 0.3054252443361536) < 1e-6);
    QCOMPARE(r.dequantized[0], float((0 - 0.9855849989713119) * (2.75 / 3)));
}

// Quantizing the dequantized values with the result's parameters reproduces codes and values
// (the real zero point travels with the parameters).
void TestOptimizedParams::requantizeWithParams()
{
    const Tensor t = mixedRows(7, 18);
    for (RangeMethod m : {RangeMethod::Hqq, RangeMethod::GridSearch}) {
        const QuantConfig c = optimizer(m, 4, Granularity::PerGroup, 32);
        const QuantResult r = quantize(t, c);
        const Tensor back("back", t.shape, r.dequantized);
        const QuantResult again = quantizeWithParams(back, r.params, c);
        for (size_t i = 0; i < r.dequantized.size(); ++i) {
            if (!std::isfinite(t.data[i]))
                continue;
            QCOMPARE(int64_t(again.codes.at(i)), int64_t(r.codes.at(i)));
            QCOMPARE(again.dequantized[i], r.dequantized[i]);
        }
    }
}

// For a group of 32 at 4 bits the general search is llama.cpp's Q4_K sub-block search; beyond
// 256 values (more than the block search holds) it still runs.
void TestOptimizedParams::gridSearchIsLlamaCppSearch()
{
    GeneratorOptions g;
    g.shape = {300};
    const Tensor t = generate(g);
    float w[32], sumX2 = 0;
    for (int i = 0; i < 32; ++i)
        sumX2 += t.data[size_t(i)] * t.data[size_t(i)];
    for (int i = 0; i < 32; ++i)
        w[i] = std::sqrt(sumX2 / 32) + std::fabs(t.data[size_t(i)]);
    uint8_t L[32];
    float negMin = 0;
    const float scale =
        ggml_detail::searchScaleMin(32, 15, t.data.data(), w, L, &negMin, -1.0f, 0.1f, 20, false);
    std::vector<float> scratch;
    const GridFit f = gridSearchFit(t.data.data(), 32, 4, 0, scratch);
    QVERIFY(f.found);
    QCOMPARE(f.scale, double(scale));
    QCOMPARE(f.zero, double(negMin) / double(scale));
    const GridFit big = gridSearchFit(t.data.data(), 300, 4, -8, scratch);
    QVERIFY(big.found && big.scale > 0);
}

// Values on a 2-bit grid {-0.5, 0, 0.5, 1}: the least-squares fit is the grid itself, scale
// 0.5 and min -0.5, so z = 0 + 0.5 / 0.5 = 1; a negative constant group has no fit.
void TestOptimizedParams::gridSearchExactGrid()
{
    const std::vector<float> x{-0.5f, 0.0f, 0.5f, 1.0f, 1.0f, -0.5f};
    std::vector<float> scratch;
    const GridFit f = gridSearchFit(x.data(), int64_t(x.size()), 2, 0, scratch);
    QVERIFY(f.found);
    QCOMPARE(f.scale, 0.5);
    QCOMPARE(f.zero, 1.0);
    const std::vector<float> flat(8, -0.25f); // min = max (a positive constant is fitted
                                              // with min 0, as llama.cpp's search does)
    QVERIFY(!gridSearchFit(flat.data(), 8, 4, 0, scratch).found);
    QVERIFY_THROWS_EXCEPTION(Error, gridSearchFit(x.data(), 6, 9, 0, scratch));
}

void TestOptimizedParams::refusedConfigs()
{
    const auto refused = [](QuantConfig c, const char* fragment) {
        try {
            c.validate();
            QFAIL(qPrintable(QStringLiteral("no error, expected '%1'").arg(fragment)));
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(fragment)), e.what());
        }
    };
    QuantConfig c = optimizer(RangeMethod::Hqq, 4, Granularity::PerGroup, 64);
    c.validate();
    const struct {
        void (*change)(QuantConfig&);
        const char* fragment;
    } cases[] = {
        {[](QuantConfig& x) { x.scheme = Scheme::Symmetric; },
         "hqq range method optimises the zero point of asymmetric"},
        {[](QuantConfig& x) { x.scheme = Scheme::NF4; }, "nf4 scheme has no integer grid"},
        {[](QuantConfig& x) {
             x.scheme = Scheme::FP16;
             x.range = RangeMethod::GridSearch;
         },
         "grid-search range method"},
        {[](QuantConfig& x) {
             x.range = RangeMethod::GridSearch;
             x.bits = 12;
         },
         "1..8 bits"},
        {[](QuantConfig& x) { x.roundingOrder = RoundingOrder::BeforeZeroPoint; },
         "after-zero-point"},
        {[](QuantConfig& x) { x.rounding = Rounding::Floor; }, "rounding to nearest"},
        {[](QuantConfig& x) { x.clampBits = 8; }, "storage clamp"},
    };
    for (const auto& k : cases) {
        QuantConfig changed = c;
        k.change(changed);
        refused(changed, k.fragment);
    }
}

QTEST_APPLESS_MAIN(TestOptimizedParams)
#include "tst_optimized_params.moc"
