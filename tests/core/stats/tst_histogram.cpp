// Histograms: exact bin assignment (numpy.histogram's rule; expected counts from numpy 1.24),
// out-of-range and non-finite bookkeeping, automatic ranges, error histograms, bad arguments.
#include "core/stats/histogram.h"

#include "core/base/error.h"
#include "core/data/generators.h"
#include "core/quant/quantize.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace {

std::vector<int64_t> counts(const qs::Histogram& h)
{
    return h.counts;
}

// Tensors for the histograms of a pass that keeps no outputs: several work blocks of normal
// values, the same with every third value 0 (errors exactly 0, on the middle error edge), with
// NaN and +-Inf, a constant tensor and one without finite values.
std::vector<qs::Tensor> leanPassTensors()
{
    qs::GeneratorOptions g;
    g.distribution = qs::Distribution::Normal;
    g.shape = {3 * 65536 + 1024 / 64, 64};
    g.seed = 21;
    std::vector<qs::Tensor> ts{qs::generate(g), qs::generate(g), qs::generate(g)};
    ts[0].name = "normal";
    ts[1].name = "sparse";
    for (size_t i = 0; i < ts[1].data.size(); i += 3)
        ts[1].data[i] = 0.0f;
    ts[2].name = "nonfinite";
    ts[2].data[70000] = std::numeric_limits<float>::quiet_NaN();
    ts[2].data[70001] = std::numeric_limits<float>::infinity();
    ts[2].data[150000] = -std::numeric_limits<float>::infinity();
    ts.emplace_back("constant", std::vector<int64_t>{5000, 1}, std::vector<float>(5000, 2.5f));
    ts.emplace_back("no finite values", std::vector<int64_t>{3000, 1},
                    std::vector<float>(3000, std::numeric_limits<float>::quiet_NaN()));
    return ts;
}

// The histograms of quantizeInto without codes or dequantized values equal histogram() and
// errorHistogram() over the same ranges, the errors taken from the x^ of a pass that writes it;
// the metrics are those of that pass, bit for bit.
void checkLeanPassHistograms(const qs::Tensor& t, const qs::QuantConfig& c, int valueBins,
                             int errorBins, const QString& where)
{
    qs::HistogramRequest h;
    h.valueBins = valueBins;
    h.errorBins = errorBins;
    qs::QuantResult lean, full;
    qs::quantizeInto(t, c, lean, nullptr, h, nullptr, qs::QuantOutputs{false, false});
    qs::quantizeInto(t, c, full);
    QVERIFY2(lean.dequantized.empty() && full.valueHistogram.counts.empty(), qPrintable(where));
    const int64_t n = t.numel();
    const qs::Histogram& v = lean.valueHistogram;
    const qs::Histogram& e = lean.errorHistogram;
    const qs::Histogram sv = qs::histogram(t.data.data(), n, valueBins, v.lo, v.hi);
    const qs::Histogram se =
        qs::errorHistogram(t.data.data(), full.dequantized.data(), n, errorBins, e.lo, e.hi);
    QVERIFY2(v.counts == sv.counts && v.below == sv.below && v.above == sv.above &&
                 v.nonfinite == sv.nonfinite,
             qPrintable(where));
    QVERIFY2(e.counts == se.counts && e.below == se.below && e.above == se.above &&
                 e.nonfinite == se.nonfinite,
             qPrintable(where));
    QVERIFY2(std::memcmp(&lean.metrics.mse, &full.metrics.mse, sizeof(double)) == 0 &&
                 lean.metrics.levelsUsed == full.metrics.levelsUsed &&
                 lean.metrics.maxAbsError == full.metrics.maxAbsError,
             qPrintable(where));
}

} // namespace

class TestHistogram : public QObject {
    Q_OBJECT

private slots:
    void countsMatchNumpy()
    {
        const std::vector<float> x{0.0f,  0.1f, 0.2f,        0.3f, 0.7f,      1.0f,
                                   -0.5f, 2.0f, 0.30000001f, 0.6f, 0.9999999f};
        const qs::Histogram h = qs::histogram(x.data(), int64_t(x.size()), 10, 0.0, 1.0);
        QCOMPARE(counts(h), (std::vector<int64_t>{1, 1, 1, 2, 0, 0, 2, 0, 0, 2}));
        QCOMPARE(h.below, int64_t(1));
        QCOMPARE(h.above, int64_t(1));
        QCOMPARE(h.nonfinite, int64_t(0));
        QCOMPARE(h.total(), int64_t(9));
        QCOMPARE(h.binWidth(), 0.1);
        QCOMPARE(h.binCenter(0), 0.05);
    }

    void valuesOnEdges()
    {
        // Edges -1, 0, 1, 2: a value on an inner edge starts the next bin; hi is in the last.
        const std::vector<float> y{-1.0f, 0.0f, 1.0f, 2.0f, -0.0f, 0.99999994f, 1.0000001f};
        const qs::Histogram h = qs::histogram(y.data(), int64_t(y.size()), 3, -1.0, 2.0);
        QCOMPARE(counts(h), (std::vector<int64_t>{1, 3, 3}));
        // The float32 images of numpy.linspace(0.1, 0.8, 8) against 7 bins over [0.1, 0.8].
        const std::vector<float> z{0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
        const qs::Histogram hz = qs::histogram(z.data(), int64_t(z.size()), 7, 0.1, 0.8);
        QCOMPARE(counts(hz), (std::vector<int64_t>{1, 1, 1, 1, 1, 2, 0}));
        QCOMPARE(hz.above, int64_t(1)); // 0.8f = 0.800000011920929 > 0.8
    }

    void nonFiniteCounted()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> x{nan, 1.0f, inf, -inf, 2.0f, 3.0f};
        const qs::Histogram h = qs::histogram(x.data(), int64_t(x.size()), 2);
        QCOMPARE(h.lo, 1.0);
        QCOMPARE(h.hi, 3.0);
        QCOMPARE(counts(h), (std::vector<int64_t>{1, 2}));
        QCOMPARE(h.nonfinite, int64_t(3));
        QCOMPARE(h.below + h.above, int64_t(0));
    }

    void constantWidened()
    {
        const std::vector<float> x(5, 4.0f);
        const qs::Histogram h = qs::histogram(x.data(), 5, 4);
        QCOMPARE(h.lo, 3.5);
        QCOMPARE(h.hi, 4.5);
        QCOMPARE(counts(h), (std::vector<int64_t>{0, 0, 5, 0}));
        const qs::Histogram e = qs::histogram(x.data(), 0, 3);
        QCOMPARE(e.lo, 0.0);
        QCOMPARE(e.hi, 1.0);
        QCOMPARE(e.total(), int64_t(0));
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> allNan{nan, nan};
        const qs::Histogram hn = qs::histogram(allNan.data(), 2, 3);
        QCOMPARE(hn.lo, 0.0);
        QCOMPARE(hn.hi, 1.0);
        QCOMPARE(hn.nonfinite, int64_t(2));
    }

    void largeParallelMatchesSerialRule()
    {
        // 1M values: every value's bin recomputed by the documented rule.
        const int64_t n = 1 << 20;
        std::vector<float> x(static_cast<size_t>(n));
        uint64_t s = 12345;
        for (auto& v : x) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            v = float(int64_t(s >> 40) - (int64_t(1) << 23)) * 0x1p-21f; // [-4, 4)
        }
        const int bins = 97;
        const double lo = -3.3, hi = 2.9;
        const qs::Histogram h = qs::histogram(x.data(), n, bins, lo, hi);
        std::vector<int64_t> expect(bins, 0);
        int64_t below = 0, above = 0;
        const double step = (hi - lo) / bins;
        for (float f : x) {
            const double v = f;
            if (v < lo) {
                ++below;
                continue;
            }
            if (v > hi) {
                ++above;
                continue;
            }
            int k = bins - 1;
            for (int j = 1; j < bins; ++j)
                if (v < double(j) * step + lo) {
                    k = j - 1;
                    break;
                }
            ++expect[size_t(k)];
        }
        QCOMPARE(counts(h), expect);
        QCOMPARE(h.below, below);
        QCOMPARE(h.above, above);
        QCOMPARE(h.total() + h.below + h.above, n);
    }

    void errorHistogram()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> x{1.0f, 2.0f, 3.0f, nan, 5.0f};
        const std::vector<float> xhat{0.5f, 2.0f, 3.25f, 0.0f, 6.0f};
        const qs::Histogram h = qs::errorHistogram(x.data(), xhat.data(), 5, 4, -1.0, 1.0);
        // errors 0.5, 0, -0.25, (nan), -1
        QCOMPARE(counts(h), (std::vector<int64_t>{1, 1, 1, 1}));
        QCOMPARE(h.nonfinite, int64_t(1));
        const qs::Histogram a = qs::errorHistogram(x.data(), xhat.data(), 5, 3);
        QCOMPARE(a.lo, -1.0);
        QCOMPARE(a.hi, 0.5);
        QCOMPARE(a.total(), int64_t(4));
    }

    // Histograms filled inside quantizeInto's pass equal the standalone functions over the
    // same range, bin for bin, and no finite error falls outside the error range (the bound
    // of quantize.h holds), for every path of the kernel: contiguous and strided slices,
    // each rounding rule, float32 parameters, clipping ranges, 16 bits, non-finite values.
    void fusedHistogramsMatchStandalone_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("range");
        QTest::addColumn<QString>("granularity");
        QTest::addColumn<QString>("rounding");
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("f32");
        QTest::addColumn<bool>("nonfinite");
        QTest::newRow("asym tensor") << "asymmetric"
                                     << "minmax"
                                     << "tensor"
                                     << "half-even" << 8 << false << false;
        QTest::newRow("asym tensor nan") << "asymmetric"
                                         << "minmax"
                                         << "tensor"
                                         << "half-even" << 8 << false << true;
        QTest::newRow("sym percentile") << "symmetric"
                                        << "percentile"
                                        << "tensor"
                                        << "half-away" << 4 << false << false;
        QTest::newRow("channel axis1 floor") << "asymmetric"
                                             << "minmax"
                                             << "channel1"
                                             << "floor" << 8 << false << true;
        QTest::newRow("group truncate") << "symmetric"
                                        << "minmax"
                                        << "group"
                                        << "truncate" << 3 << false << false;
        QTest::newRow("stochastic") << "asymmetric"
                                    << "percentile"
                                    << "channel0"
                                    << "stochastic" << 2 << false << false;
        QTest::newRow("16-bit f32") << "asymmetric"
                                    << "minmax"
                                    << "tensor"
                                    << "half-up" << 16 << true << false;
        QTest::newRow("mse f32") << "symmetric"
                                 << "mse"
                                 << "tensor"
                                 << "half-even" << 5 << true << true;
        QTest::newRow("fp16") << "fp16"
                              << "minmax"
                              << "tensor"
                              << "half-even" << 8 << false << true;
        QTest::newRow("nf4") << "nf4"
                             << "minmax"
                             << "tensor"
                             << "half-even" << 4 << false << false;
    }
    void fusedHistogramsMatchStandalone()
    {
        QFETCH(QString, scheme);
        QFETCH(QString, range);
        QFETCH(QString, granularity);
        QFETCH(QString, rounding);
        QFETCH(int, bits);
        QFETCH(bool, f32);
        QFETCH(bool, nonfinite);
        qs::GeneratorOptions g;
        g.distribution = qs::Distribution::Laplace;
        g.shape = {96, 1100};
        g.seed = 7;
        qs::Tensor t = qs::generate(g);
        t.data[5] = 40.0f; // an outlier that percentile / MSE ranges clip
        if (nonfinite) {
            t.data[17] = std::numeric_limits<float>::quiet_NaN();
            t.data[2000] = std::numeric_limits<float>::infinity();
            t.data[3001] = -std::numeric_limits<float>::infinity();
        }
        qs::QuantConfig c;
        c.scheme = qs::schemeFromName(scheme.toStdString());
        c.range = qs::rangeMethodFromName(range.toStdString());
        c.rounding = qs::roundingFromName(rounding.toStdString());
        c.bits = bits;
        c.float32Params = f32;
        if (granularity == "channel0" || granularity == "channel1") {
            c.granularity = qs::Granularity::PerChannel;
            c.axis = granularity == "channel0" ? 0 : 1;
        } else if (granularity == "group") {
            c.granularity = qs::Granularity::PerGroup;
            c.axis = 0; // groups down the columns: strided runs
            c.groupSize = 32;
        }
        if (c.isLowbit())
            c.groupSize = 64;
        qs::HistogramRequest h;
        h.valueBins = 200;
        h.errorBins = 150;
        qs::QuantResult r;
        qs::quantizeInto(t, c, r, nullptr, h);
        const int64_t n = t.numel();
        const qs::Histogram& hv = r.valueHistogram;
        const qs::Histogram& he = r.errorHistogram;
        QCOMPARE(int(hv.counts.size()), 200);
        QCOMPARE(int(he.counts.size()), 150);
        // Values: over [min, max] of the finite values, every finite value inside.
        double lo = INFINITY, hi = -INFINITY;
        for (float v : t.data)
            if (std::isfinite(v)) {
                lo = std::min(lo, double(v));
                hi = std::max(hi, double(v));
            }
        QCOMPARE(hv.lo, lo);
        QCOMPARE(hv.hi, hi);
        const qs::Histogram sv = qs::histogram(t.data.data(), n, 200, hv.lo, hv.hi);
        QCOMPARE(hv.counts, sv.counts);
        QCOMPARE(hv.below + hv.above, int64_t(0));
        QCOMPARE(hv.nonfinite, int64_t(nonfinite ? 3 : 0));
        // Errors: symmetric range, the standalone counts, nothing outside.
        QCOMPARE(he.lo, -he.hi);
        QVERIFY(he.hi >= r.metrics.maxAbsError);
        const qs::Histogram se =
            qs::errorHistogram(t.data.data(), r.dequantized.data(), n, 150, he.lo, he.hi);
        QCOMPARE(he.counts, se.counts);
        QCOMPARE(he.below, int64_t(0));
        QCOMPARE(he.above, int64_t(0));
        QCOMPARE(he.nonfinite, se.nonfinite);
        QCOMPARE(he.total(), r.metrics.count);
        // Per tensor the bound is tight: the range is at most a few percent wider than the
        // largest error (integer schemes; elsewhere it is that error). Per slice it is the
        // largest slice's bound, which that slice's few values need not approach.
        if (c.isInteger() && c.granularity == qs::Granularity::PerTensor)
            QVERIFY2(he.hi <= 1.1 * r.metrics.maxAbsError,
                     qPrintable(
                         QString("range %1, max error %2").arg(he.hi).arg(r.metrics.maxAbsError)));
        // Without a request there are none, and the other results do not change.
        qs::QuantResult plain;
        qs::quantizeInto(t, c, plain);
        QVERIFY(plain.valueHistogram.counts.empty());
        QVERIFY(plain.errorHistogram.counts.empty());
        QVERIFY(plain.codes == r.codes);
        QCOMPARE(plain.metrics.mse, r.metrics.mse);
        QCOMPARE(plain.metrics.levelsUsed, r.metrics.levelsUsed);
    }

    // One slice, bits <= 8 and no stochastic rounding: the pass counts code and value bin with
    // one counter (quantize.cpp, splitFineCounts). Stressed where codes and bins are tight:
    // codes finer than the float spacing, bins finer than it, denormals, -0, many roundings.
    void fusedValueHistogramWithCodeUsage()
    {
        struct Data {
            const char* name;
            std::vector<float> v;
        };
        std::vector<Data> sets;
        {
            qs::GeneratorOptions g;
            g.distribution = qs::Distribution::Normal;
            g.shape = {70000};
            g.seed = 11;
            sets.push_back({"normal", qs::generate(g).data});
        }
        {
            std::vector<float> v; // 1000 + a few ulps: several codes per float step
            for (int k = 0; k < 5000; ++k)
                v.push_back(std::nextafter(1000.0f, 2000.0f) + float(k % 7) * 0.00006103515625f);
            sets.push_back({"ulps", v});
        }
        {
            std::vector<float> v; // denormals, both zeros, a wide spread
            for (int k = 0; k < 4000; ++k) {
                const float d = std::numeric_limits<float>::denorm_min() * float(k % 50);
                v.push_back(k % 3 == 0 ? -d : d);
            }
            v.push_back(-0.0f);
            v.push_back(0.0f);
            sets.push_back({"denormal", v});
        }
        {
            std::vector<float> v; // on the code and bin edges of 8 bits over [-1, 1]
            for (int k = -2550; k <= 2550; ++k)
                v.push_back(float(k) / 2550.0f);
            sets.push_back({"edges", v});
        }
        const qs::Rounding roundings[] = {qs::Rounding::HalfEven, qs::Rounding::HalfAway,
                                          qs::Rounding::HalfUp, qs::Rounding::Floor,
                                          qs::Rounding::Truncate};
        int checked = 0;
        for (const Data& d : sets) {
            const qs::Tensor t(d.name, {int64_t(d.v.size())}, d.v);
            for (const qs::Rounding rounding : roundings)
                for (int variant = 0; variant < 6; ++variant)
                    for (const int bits : {1, 3, 8})
                        for (const int bins : {1, 7, 256, 700}) {
                            qs::QuantConfig c;
                            c.rounding = rounding;
                            c.bits = bits;
                            if (variant == 1)
                                c.roundingOrder = qs::RoundingOrder::BeforeZeroPoint;
                            if (variant == 2) {
                                if (std::string(d.name) == "denormal")
                                    continue; // no float32 scale that small
                                c.float32Params = true;
                            }
                            if (variant == 3)
                                c.includeZero = false;
                            if (variant >= 4) {
                                if (bits == 1)
                                    continue;
                                c.scheme = qs::Scheme::Symmetric;
                                c.reciprocalScale = variant == 5;
                            }
                            qs::HistogramRequest h;
                            h.valueBins = bins;
                            h.errorBins = 9;
                            qs::QuantResult r, plain;
                            qs::quantizeInto(t, c, r, nullptr, h);
                            qs::quantizeInto(t, c, plain);
                            const QString where =
                                QString("%1 rounding %2 variant %3 bits %4 bins %5")
                                    .arg(d.name)
                                    .arg(int(rounding))
                                    .arg(variant)
                                    .arg(bits)
                                    .arg(bins);
                            QVERIFY2(r.metrics.levelsUsed == plain.metrics.levelsUsed,
                                     qPrintable(where));
                            const qs::Histogram sv =
                                qs::histogram(t.data.data(), t.numel(), bins, r.valueHistogram.lo,
                                              r.valueHistogram.hi);
                            QVERIFY2(r.valueHistogram.counts == sv.counts, qPrintable(where));
                            ++checked;
                        }
        }
        QCOMPARE(checked, (4 * (6 * 3 - 2) - 3) * 5 * 4);
    }

    // Histograms of a pass that writes neither codes nor dequantized values (as reports run it):
    // every tensor of leanPassTensors, per tensor and per channel, 4, 8 and 16 bits, bin counts
    // that take each counting path of the pass (value and error bins counted together, apart,
    // in the exact rule only).
    void leanPassHistogramsMatchSeparate()
    {
        const std::pair<int, int> bins[] = {{256, 256}, {7, 300}, {600, 9}};
        int checked = 0;
        for (const qs::Tensor& t : leanPassTensors())
            for (int variant = 0; variant < 4; ++variant)
                for (const auto& [vb, eb] : bins) {
                    qs::QuantConfig c;
                    if (variant == 1) {
                        c.scheme = qs::Scheme::Symmetric;
                        c.bits = 4;
                        c.rounding = qs::Rounding::HalfAway;
                        c.float32Params = true;
                    } else if (variant == 2) {
                        c.granularity = qs::Granularity::PerChannel;
                        c.axis = 1;
                    } else if (variant == 3) {
                        c.bits = 16;
                    }
                    checkLeanPassHistograms(t, c, vb, eb,
                                            QString("%1 variant %2 bins %3/%4")
                                                .arg(QString::fromStdString(t.name))
                                                .arg(variant)
                                                .arg(vb)
                                                .arg(eb));
                    ++checked;
                }
        QCOMPARE(checked, 5 * 4 * 3);
        const qs::Tensor empty("empty", {0}, {});
        qs::QuantResult r;
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::quantizeInto(empty, qs::QuantConfig(), r));
    }

    // The value and error slots that the quantize loop computes for the joint counters (256 and
    // 256 bins, 8 bits, per tensor) agree with histogram() and errorHistogram() in every build
    // of the loop: values on every value-bin edge and zeros (errors exactly 0), NaN and +-Inf, a
    // constant tensor, and lengths that are no multiple of a vector (the threaded pass over
    // several work blocks, and a short one).
    void jointSlotsInEveryKernelBuild()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        const int64_t n = 2 * 65536 + 1021;
        std::vector<float> edges(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) // -2 + k/64: exactly the edges of 256 bins over [-2, 2]
            edges[size_t(i)] = float((i * 37) % 257) / 64.0f - 2.0f;
        std::vector<float> mixed = edges;
        for (int64_t i = 0; i < n; i += 1000)
            mixed[size_t(i)] = (i / 1000) % 3 == 0 ? nan : ((i / 1000) % 3 == 1 ? inf : -inf);
        qs::GeneratorOptions g;
        g.shape = {n};
        g.seed = 8;
        const std::vector<qs::Tensor> tensors{
            qs::Tensor("edges", {n}, edges), qs::Tensor("edges with NaN and Inf", {n}, mixed),
            qs::generate(g),
            qs::Tensor("short", {1003}, std::vector<float>(edges.begin(), edges.begin() + 1003)),
            qs::Tensor("constant", {n}, std::vector<float>(size_t(n), -0.75f))};
        int checked = 0;
        for (const std::string& b : qs::detail::kernelBuilds()) {
            qs::detail::useKernelBuild(b);
            for (const qs::Tensor& t : tensors) {
                checkLeanPassHistograms(t, qs::QuantConfig(), 256, 256,
                                        QString("%1, build %2")
                                            .arg(QString::fromStdString(t.name))
                                            .arg(QString::fromStdString(b)));
                ++checked;
            }
        }
        qs::detail::useKernelBuild("avx512");
        QCOMPARE(checked, 5 * int(qs::detail::kernelBuilds().size()));
    }

    void fusedHistogramsConstantAndBigTensor()
    {
        // A constant tensor: value range widened as histogram() does, errors all 0.
        const qs::Tensor k("k", {1000}, std::vector<float>(1000, 2.5f));
        qs::HistogramRequest h;
        h.valueBins = 10;
        h.errorBins = 10;
        qs::QuantResult r;
        qs::quantizeInto(k, qs::QuantConfig(), r, nullptr, h);
        QCOMPARE(r.valueHistogram.lo, 2.0);
        QCOMPARE(r.valueHistogram.hi, 3.0);
        QCOMPARE(r.valueHistogram.total(), int64_t(1000));
        QCOMPARE(r.errorHistogram.total(), int64_t(1000));
        QCOMPARE(r.errorHistogram.below + r.errorHistogram.above, int64_t(0));
        // A tensor big enough for the threads and several work blocks.
        qs::GeneratorOptions g;
        g.shape = {1 << 19};
        g.seed = 3;
        const qs::Tensor t = qs::generate(g);
        qs::quantizeInto(t, qs::QuantConfig(), r, nullptr, h);
        QCOMPARE(r.valueHistogram.counts, qs::histogram(t.data.data(), t.numel(), 10,
                                                        r.valueHistogram.lo, r.valueHistogram.hi)
                                              .counts);
        QCOMPARE(r.errorHistogram.counts,
                 qs::errorHistogram(t.data.data(), r.dequantized.data(), t.numel(), 10,
                                    r.errorHistogram.lo, r.errorHistogram.hi)
                     .counts);
    }

    void badArguments()
    {
        const std::vector<float> x{1.0f, 2.0f};
        const double inf = std::numeric_limits<double>::infinity();
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(x.data(), 2, 0, 0.0, 1.0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(x.data(), 2, -5));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(x.data(), 2, 10, 1.0, 0.0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(x.data(), 2, 10, 0.0, inf));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(x.data(), 2, 10, std::nan(""), 1.0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(x.data(), 2, 10, -1e308, 1e308));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(nullptr, 2, 10, 0.0, 1.0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::histogram(x.data(), -1, 10, 0.0, 1.0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::errorHistogram(x.data(), nullptr, 2, 10));
    }
};

QTEST_APPLESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
