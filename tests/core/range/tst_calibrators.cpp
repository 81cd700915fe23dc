// TensorRT (pytorch-quantization) and ONNX Runtime histogram calibrators (core/calibrators.h).
// Golden values: the reference algorithms (pytorch-quantization calib/histogram.py, ONNX Runtime
// quantization/calibrate.py, the torch fake quantization emulated in float32 numpy) run with
// numpy 1.24 / scipy 1.10 on the float32 data these generators produce, pasted here.
// Independent straightforward re-implementations (explicit edges, binary search, plain loops)
// are compared bit for bit on further seeded tensors.
#include "core/config/quant_config.h"
#include "core/range/calibrators.h"
#include "core/range/range.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using qs::test::lcgInts;

namespace {

// kind 0: bell shaped (sum of three uniforms, |x| < 3) with outliers 9, -7, 8;
// 1: the same after ReLU; 2: heavy tailed (product of two uniforms cubed);
// 3: multiples of 0.25 in [-10, 10] (many values exactly on bin edges).
std::vector<float> makeData(int kind, uint64_t seed, int64_t n)
{
    const auto a = lcgInts(n, seed, 20), b = lcgInts(n, seed + 100, 20),
               c = lcgInts(n, seed + 200, 20);
    std::vector<float> x(static_cast<size_t>(n));
    for (size_t i = 0; i < x.size(); ++i) {
        const double u = double(a[i]) * 0x1p-19, v = double(b[i]) * 0x1p-19,
                     w = double(c[i]) * 0x1p-19; // each in [-1, 1)
        switch (kind) {
        case 0:
        case 1:
            x[i] = float(u + v + w);
            break;
        case 2:
            x[i] = float(u * v * v * v * 50.0);
            break;
        default:
            x[i] = float(double(a[i] % 41) * 0.25);
            break;
        }
    }
    if (kind == 0 || kind == 1) {
        x[0] = 9.0f;
        x[1] = -7.0f;
        x[2] = 8.0f;
    }
    if (kind == 1)
        for (float& v : x)
            v = std::max(v, 0.0f);
    return x;
}

// Straightforward numpy.histogram for a strictly increasing float32 edge list: the bin of v is
// the last edge <= v, the last bin closed.
std::vector<int64_t> plainHistogram(const std::vector<float>& v, const std::vector<float>& edges)
{
    const size_t bins = edges.size() - 1;
    std::vector<int64_t> h(bins, 0);
    for (float x : v) {
        if (!(x >= edges.front() && x <= edges.back()))
            continue;
        size_t k = size_t(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()) - 1;
        ++h[std::min(k, bins - 1)];
    }
    return h;
}

// float32 edges of numpy.linspace(first, last, bins + 1) computed in float64.
std::vector<float> plainEdges(double first, double last, int bins)
{
    std::vector<float> e;
    for (int k = 0; k < bins; ++k)
        e.push_back(float(first + double(k) * ((last - first) / bins)));
    e.push_back(float(last));
    return e;
}

size_t plainSearch(const std::vector<int64_t>& h, double q)
{
    double total = 0;
    for (int64_t c : h)
        total += double(c);
    std::vector<double> cdf;
    double run = 0;
    for (int64_t c : h) {
        run += double(c) / total;
        cdf.push_back(run);
    }
    return size_t(std::lower_bound(cdf.begin(), cdf.end(), q) - cdf.begin());
}

std::vector<float> absOf(const std::vector<float>& x)
{
    std::vector<float> a;
    for (float v : x)
        a.push_back(std::fabs(v));
    return a;
}

float absMax(const std::vector<float>& x)
{
    float m = 0;
    for (float v : x)
        m = std::max(m, std::fabs(v));
    return m;
}

} // namespace

class TestCalibrators : public QObject {
    Q_OBJECT

private slots:
    // Hand-computed: x = 1..10, 2048 bins over [0, 10]; value k lies in bin floor(k * 204.8)
    // (10 in the last bin, 2047). The cdf steps by 0.1 in float64: after nine values it is
    // 0.8999999999999999 < 0.9, so percentile 90 already needs the last bin.
    void trtPercentileByHand_data()
    {
        QTest::addColumn<double>("p");
        QTest::addColumn<double>("expected");
        QTest::newRow("50") << 50.0 << 5.0;          // bin 1024, edge 1024 * 10 / 2048
        QTest::newRow("40") << 40.0 << 3.9990234375; // value 4 in bin 819: 819 * 10 / 2048
        QTest::newRow("90") << 90.0 << 9.9951171875; // cumsum rounding: bin 2047
        QTest::newRow("99.99") << 99.99 << 9.9951171875;
        QTest::newRow("100") << 100.0 << 10.0; // cdf ends at 0.9999999999999999: edges[2048]
        QTest::newRow("0") << 0.0 << 0.0;
    }
    void trtPercentileByHand()
    {
        QFETCH(double, p);
        QFETCH(double, expected);
        std::vector<float> x;
        for (int k = 1; k <= 10; ++k)
            x.push_back(float(k % 2 ? k : -k)); // the sign does not matter: |x|
        QCOMPARE_EXACT(qs::trtPercentileAmax(x.data(), int64_t(x.size()), p), expected);
    }

    // ONNX Runtime symmetric percentile on |x| over [min|x|, max|x|] = [1, 10]: bin width
    // 9/2048; value 10 in the last bin, whose left edge float32(1 + 2047 * 9 / 2048) is the
    // threshold at 99.999; thresholds are clipped to [min x, max x].
    void ortPercentileByHand()
    {
        std::vector<float> x;
        for (int k = 1; k <= 10; ++k)
            x.push_back(float(k));
        const qs::Range r = qs::ortPercentileRange(x.data(), int64_t(x.size()), 99.999);
        const float edge = float(1.0 + 2047.0 * (9.0 / 2048.0));
        QCOMPARE_EXACT(r.hi, edge);
        QCOMPARE_EXACT(r.lo, 1.0); // -edge < min x = 1: clipped to 1
        x[0] = -1.0f;
        const qs::Range s = qs::ortPercentileRange(x.data(), int64_t(x.size()), 99.999);
        QCOMPARE_EXACT(s.lo, -1.0);
        QCOMPARE_EXACT(s.hi, edge);
    }

    // ONNX Runtime entropy with its defaults (128 bins, 128 quantized bins) has a single
    // window, the whole histogram: the result is [min x, max x].
    void ortEntropyDefaultIsMinMax()
    {
        for (int kind = 0; kind < 4; ++kind) {
            const std::vector<float> x = makeData(kind, 5, 3001);
            const qs::Range r = qs::ortEntropyRange(x.data(), int64_t(x.size()));
            const qs::Range m = qs::minMaxRange(x.data(), int64_t(x.size()));
            QCOMPARE_EXACT(r.lo, m.lo);
            QCOMPARE_EXACT(r.hi, m.hi);
        }
    }

    void golden_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QVector<double>>("expected");
        // trt-pct 99.99, trt-pct 99.9, trt-mse 8, trt-mse 4, ort-pct sym 99.999 (lo, hi),
        // ort-pct signed 99.9 (lo, hi), ort-entropy 512/128 (lo, hi)
        QTest::newRow("bell") << 0 << QVector<double>{2.9619140625,   2.865234375, 7.811279296875,
                                                      2.357666015625, -7.0,        8.99560546875,
                                                      -2.865234375,   2.865234375, -5.30859375,
                                                      5.34375};
        QTest::newRow("relu")
            << 1
            << QVector<double>{
                   2.953125,    2.8125, 8.092529296875, 2.375244140625, 0.0, 8.99560546875, 0.0,
                   2.865234375, 0.0,    2.28515625};
        QTest::newRow("heavy") << 2 << QVector<double>{48.453937530517578,  46.248180389404297,
                                                       47.714645385742188,  38.043247222900391,
                                                       -49.617412567138672, 48.461933135986328,
                                                       -46.442092895507812, 46.248180389404297,
                                                       -49.641651153564453, 48.461933135986328};
        QTest::newRow("grid") << 3 << QVector<double>{9.9951171875,  9.9951171875,  9.97314453125,
                                                      9.38232421875, -9.9951171875, 9.9951171875,
                                                      -10.0,         9.990234375,   -10.0,
                                                      10.0};
    }
    void golden()
    {
        QFETCH(int, kind);
        QFETCH(QVector<double>, expected);
        const std::vector<float> x = makeData(kind, 42, 40000);
        const int64_t n = int64_t(x.size());
        QCOMPARE_EXACT(qs::trtPercentileAmax(x.data(), n, 99.99), expected[0]);
        QCOMPARE_EXACT(qs::trtPercentileAmax(x.data(), n, 99.9), expected[1]);
        QCOMPARE_EXACT(qs::trtMseAmax(x.data(), n, 8), expected[2]);
        QCOMPARE_EXACT(qs::trtMseAmax(x.data(), n, 4), expected[3]);
        qs::Range r = qs::ortPercentileRange(x.data(), n, 99.999, true);
        QCOMPARE_EXACT(r.lo, expected[4]);
        QCOMPARE_EXACT(r.hi, expected[5]);
        r = qs::ortPercentileRange(x.data(), n, 99.9, false);
        QCOMPARE_EXACT(r.lo, expected[6]);
        QCOMPARE_EXACT(r.hi, expected[7]);
        r = qs::ortEntropyRange(x.data(), n, 512, 128);
        QCOMPARE_EXACT(r.lo, expected[8]);
        QCOMPARE_EXACT(r.hi, expected[9]);
    }

    // The histogram against explicit edges and a binary search, on several seeded tensors.
    void histogramMatchesPlain_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("seed");
        for (int kind = 0; kind < 4; ++kind)
            for (int seed : {1, 2, 3})
                QTest::addRow("kind%d-seed%d", kind, seed) << kind << seed;
    }
    void histogramMatchesPlain()
    {
        QFETCH(int, kind);
        QFETCH(int, seed);
        const std::vector<float> x = makeData(kind, uint64_t(seed), 50000);
        const int64_t n = int64_t(x.size());
        const std::vector<float> ax = absOf(x);
        const float amax = absMax(x);

        const qs::CalibHistogram h = qs::trtHistogram(x.data(), n);
        const std::vector<float> e = plainEdges(0.0, amax, 2048);
        QCOMPARE(h.edges, e);
        QCOMPARE(h.counts, plainHistogram(ax, e));

        // TensorRT percentile: the left edge of the bin where the cdf reaches p.
        for (double p : {50.0, 99.0, 99.9, 99.99})
            QCOMPARE_EXACT(qs::trtPercentileAmax(x.data(), n, p),
                           e[plainSearch(h.counts, p / 100.0)]);

        // ONNX Runtime symmetric percentile: |x| over its own range, clipped to [min, max].
        const float amin = *std::min_element(ax.begin(), ax.end());
        const std::vector<float> eo = plainEdges(amin, amax, 2048);
        const std::vector<int64_t> ho = plainHistogram(ax, eo);
        const float t = eo[plainSearch(ho, 0.99999)];
        const float lo = *std::min_element(x.begin(), x.end());
        const float hi = *std::max_element(x.begin(), x.end());
        const qs::Range r = qs::ortPercentileRange(x.data(), n, 99.999);
        QCOMPARE_EXACT(r.lo, std::max(-t, lo));
        QCOMPARE_EXACT(r.hi, std::min(t, hi));
    }

    // pytorch-quantization's mse search written out: every candidate, every bin centre.
    void trtMseMatchesPlain_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("bits");
        for (int kind = 0; kind < 4; ++kind)
            for (int bits : {4, 8})
                QTest::addRow("kind%d-%dbit", kind, bits) << kind << bits;
    }
    void trtMseMatchesPlain()
    {
        QFETCH(int, kind);
        QFETCH(int, bits);
        const std::vector<float> x = makeData(kind, 9, 20000);
        const std::vector<float> e = plainEdges(0.0, absMax(x), 2048);
        const std::vector<int64_t> h = plainHistogram(absOf(x), e);
        const float bound = float((1 << (bits - 1)) - 1);
        float bestAmax = 0;
        double best = std::numeric_limits<double>::infinity();
        for (int i = 128; i < 2048; ++i) {
            const float amax = (e[size_t(i) + 1] + e[size_t(i)]) / 2.0f;
            const float s = bound / amax;
            double sums[4] = {0, 0, 0, 0}; // the non-empty bins dealt round robin
            int used = 0;
            for (int k = 0; k < 2048; ++k) {
                if (h[size_t(k)] == 0)
                    continue;
                const float c = (e[size_t(k) + 1] + e[size_t(k)]) / 2.0f;
                const float q = std::clamp(std::nearbyint(c * s), -bound, bound);
                const float d = q / s - c;
                sums[used++ % 4] += double(d * d * float(h[size_t(k)]));
            }
            const double err = (sums[0] + sums[1]) + (sums[2] + sums[3]);
            if (err < best) {
                best = err;
                bestAmax = amax;
            }
        }
        QCOMPARE_EXACT(qs::trtMseAmax(x.data(), int64_t(x.size()), bits), bestAmax);
    }

    // Range methods through estimateRange: symmetric schemes get {-amax, amax}, asymmetric ones
    // the data range clipped (TensorRT) or ONNX Runtime's thresholds.
    void estimateRangeDispatch()
    {
        const std::vector<float> x = makeData(0, 42, 40000);
        const int64_t n = int64_t(x.size());
        qs::QuantConfig c;
        c.scheme = qs::Scheme::Symmetric;
        c.percentile = 99.99;
        c.range = qs::RangeMethod::TrtPercentile;
        const double a = qs::trtPercentileAmax(x.data(), n, 99.99);
        qs::Range r = qs::estimateRange(x.data(), n, c);
        QCOMPARE_EXACT(r.lo, -a);
        QCOMPARE_EXACT(r.hi, a);
        c.range = qs::RangeMethod::TrtMse;
        r = qs::estimateRange(x.data(), n, c);
        QCOMPARE_EXACT(r.hi, qs::trtMseAmax(x.data(), n, 8));
        c.range = qs::RangeMethod::OrtPercentile;
        c.percentile = 99.999;
        const qs::Range o = qs::ortPercentileRange(x.data(), n, 99.999);
        r = qs::estimateRange(x.data(), n, c);
        QCOMPARE_EXACT(r.hi, std::max(std::fabs(o.lo), std::fabs(o.hi)));
        c.scheme = qs::Scheme::Asymmetric;
        r = qs::estimateRange(x.data(), n, c);
        QCOMPARE_EXACT(r.lo, o.lo);
        QCOMPARE_EXACT(r.hi, o.hi);
        c.range = qs::RangeMethod::OrtEntropy;
        r = qs::estimateRange(x.data(), n, c);
        QCOMPARE_EXACT(r.lo, -7.0);
        QCOMPARE_EXACT(r.hi, 9.0);
        c.range = qs::RangeMethod::TrtPercentile;
        c.percentile = 99.99;
        r = qs::estimateRange(x.data(), n, c);
        QCOMPARE_EXACT(r.hi, std::min(9.0, a));
        QCOMPARE_EXACT(r.lo, std::max(-7.0, -a));
        // Names round-trip (session files, CLI).
        for (qs::RangeMethod m : {qs::RangeMethod::TrtPercentile, qs::RangeMethod::TrtMse,
                                  qs::RangeMethod::OrtPercentile, qs::RangeMethod::OrtEntropy})
            QCOMPARE(qs::rangeMethodFromName(qs::toName(m)), m);
        QCOMPARE(qs::toName(qs::RangeMethod::TrtMse), std::string("trt-mse"));
    }

    void zerosNaNAndErrors()
    {
        const std::vector<float> zeros(50, 0.0f);
        QCOMPARE_EXACT(qs::trtPercentileAmax(zeros.data(), 50, 99.99), 0.0);
        QCOMPARE_EXACT(qs::trtMseAmax(zeros.data(), 50, 8), 0.0);
        QCOMPARE_EXACT(qs::entropyAmax(zeros.data(), 50, 8), 0.0);
        qs::Range r = qs::ortPercentileRange(zeros.data(), 50, 99.999);
        QCOMPARE_EXACT(r.lo, 0.0);
        QCOMPARE_EXACT(r.hi, 0.0);
        r = qs::ortEntropyRange(zeros.data(), 50);
        QCOMPARE_EXACT(r.lo, 0.0);
        QCOMPARE_EXACT(r.hi, 0.0);

        // Non-finite values are left out.
        std::vector<float> x = makeData(0, 3, 5000);
        const double a = qs::trtPercentileAmax(x.data(), 5000, 99.99);
        x.push_back(std::numeric_limits<float>::quiet_NaN());
        x.push_back(std::numeric_limits<float>::infinity());
        QCOMPARE_EXACT(qs::trtPercentileAmax(x.data(), int64_t(x.size()), 99.99), a);

        const float nan = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::trtPercentileAmax(&nan, 1, 99.99));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::trtPercentileAmax(x.data(), 0, 99.99));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::trtPercentileAmax(nullptr, 3, 99.99));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::trtPercentileAmax(x.data(), 10, 101.0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::trtMseAmax(x.data(), 10, 0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::ortPercentileRange(&nan, 1, 99.999));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::ortEntropyRange(x.data(), 10, 64, 128));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::ortEntropyRange(x.data(), 10, 1, 1));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::numpyHistogram(x.data(), 10, 0, false, 0, 1));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::numpyHistogram(x.data(), 10, 8, false, 1, 0));
    }
};

QTEST_APPLESS_MAIN(TestCalibrators)
#include "tst_calibrators.moc"
