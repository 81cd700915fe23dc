// Generators: reproducibility (same seed, any thread count; pinned values), moments, bounds,
// the He truncation, rounding to decimals, outliers, Keras fans and option validation.
#include "core/data/generators.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#if __has_include(<omp.h>)
#include <omp.h>
#define QS_HAVE_OMP 1
#endif

namespace {

struct Moments {
    double mean = 0, var = 0, min = 0, max = 0;
};

Moments moments(const std::vector<float>& v)
{
    Moments m;
    double s = 0, s2 = 0;
    m.min = m.max = v[0];
    for (float f : v) {
        s += f;
        m.min = std::min(m.min, double(f));
        m.max = std::max(m.max, double(f));
    }
    m.mean = s / double(v.size());
    for (float f : v)
        s2 += (f - m.mean) * (f - m.mean);
    m.var = s2 / double(v.size());
    return m;
}

qs::Tensor gen(qs::Distribution d, std::vector<int64_t> shape, uint64_t seed = 7)
{
    qs::GeneratorOptions o;
    o.distribution = d;
    o.shape = std::move(shape);
    o.seed = seed;
    return qs::generate(o);
}

// 10 000 values uniform in [-50, 150) rounded to 2 decimals (the outlier notebook's data).
qs::GeneratorOptions uniformTwoDecimals()
{
    qs::GeneratorOptions o;
    o.distribution = qs::Distribution::Uniform;
    o.shape = {10000};
    o.low = -50;
    o.high = 150;
    o.decimals = 2;
    return o;
}

} // namespace

class TestGenerators : public QObject {
    Q_OBJECT

private slots:
    void reproducible()
    {
        for (qs::Distribution d :
             {qs::Distribution::Uniform, qs::Distribution::Normal, qs::Distribution::Laplace,
              qs::Distribution::He, qs::Distribution::Bimodal}) {
            const qs::Tensor a = gen(d, {300, 400}, 11);
            const qs::Tensor b = gen(d, {300, 400}, 11);
            const qs::Tensor c = gen(d, {300, 400}, 12);
            QVERIFY(a.data == b.data);
            QVERIFY(a.data != c.data);
            QCOMPARE(a.name, qs::toName(d));
            QCOMPARE(a.shape, (std::vector<int64_t>{300, 400}));
        }
    }

    void independentOfThreadCount()
    {
#ifdef QS_HAVE_OMP
        omp_set_num_threads(1);
        const qs::Tensor a = gen(qs::Distribution::He, {512, 512}, 3);
        omp_set_num_threads(2);
        const qs::Tensor b = gen(qs::Distribution::He, {512, 512}, 3);
        QVERIFY(a.data == b.data);
#endif
        // A prefix of a longer tensor holds the same values: element i depends on (seed, i).
        const qs::Tensor s = gen(qs::Distribution::Normal, {1000}, 5);
        const qs::Tensor l = gen(qs::Distribution::Normal, {200000}, 5);
        QVERIFY(std::equal(s.data.begin(), s.data.end(), l.data.begin()));
    }

    void pinnedValues()
    {
        // Bit-exact values on every platform (only IEEE-exact arithmetic and our own log).
        const qs::Tensor n = gen(qs::Distribution::Normal, {4}, 42);
        const qs::Tensor u = gen(qs::Distribution::Uniform, {4}, 42);
        const qs::Tensor l = gen(qs::Distribution::Laplace, {4}, 42);
        QByteArray text;
        for (const qs::Tensor* t : {&n, &u, &l})
            for (float f : t->data)
                text += QByteArray::number(double(f), 'g', 9) + ' ';
        QCOMPARE(text, QByteArray("1.30144954 0.277868211 -0.782820642 -1.00371182 0.33460927 "
                                  "0.0164176226 -0.13415876 0.228676066 0.288061768 "
                                  "0.011705365 -0.101861358 0.183598042 "));
    }

    void normalMoments()
    {
        qs::GeneratorOptions o;
        o.shape = {1 << 20};
        o.mean = 3.0;
        o.std = 2.0;
        const Moments m = moments(qs::generate(o).data);
        QVERIFY(std::fabs(m.mean - 3.0) < 0.01);
        QVERIFY(std::fabs(std::sqrt(m.var) - 2.0) < 0.01);
        QVERIFY(m.max > 3.0 + 2.0 * 4.5); // 1M normals reach beyond 4.5 sigma
    }

    void uniformBoundsAndMoments()
    {
        qs::GeneratorOptions o;
        o.distribution = qs::Distribution::Uniform;
        o.shape = {1 << 20};
        o.low = -50;
        o.high = 150;
        const Moments m = moments(qs::generate(o).data);
        QVERIFY(m.min >= -50.0 && m.max < 150.0);
        QVERIFY(std::fabs(m.mean - 50.0) < 0.3);
        QVERIFY(std::fabs(m.var - 200.0 * 200.0 / 12.0) < 0.01 * 200.0 * 200.0 / 12.0);
    }

    void laplaceMoments()
    {
        qs::GeneratorOptions o;
        o.distribution = qs::Distribution::Laplace;
        o.shape = {1 << 20};
        o.std = 1.5;
        const std::vector<float> v = qs::generate(o).data;
        const Moments m = moments(v);
        QVERIFY(std::fabs(m.mean) < 0.01);
        QVERIFY(std::fabs(std::sqrt(m.var) - 1.5) < 0.015);
        // Laplace: E|x| = b = std / sqrt 2.
        double a = 0;
        for (float f : v)
            a += std::fabs(f);
        QVERIFY(std::fabs(a / double(v.size()) - 1.5 / std::sqrt(2.0)) < 0.01);
    }

    void heTruncatedNormal()
    {
        // Keras VarianceScaling(2, fan_in) on a 512x256 kernel: fan_in = 512,
        // stddev = sqrt(2/512)/0.87962566103423978; values within 2 stddev; the truncated
        // distribution's std is sqrt(2/512).
        qs::GeneratorOptions o;
        o.distribution = qs::Distribution::He;
        o.shape = {512, 256};
        const std::vector<float> v = qs::generate(o).data;
        const double stddev = std::sqrt(2.0 / 512.0) / 0.87962566103423978;
        const Moments m = moments(v);
        QVERIFY(m.max <= 2.0 * stddev && m.min >= -2.0 * stddev);
        QVERIFY(m.max > 1.95 * stddev);
        QVERIFY(std::fabs(std::sqrt(m.var) - std::sqrt(2.0 / 512.0)) <
                0.01 * std::sqrt(2.0 / 512.0));
        // fan_out and fan_avg change the scale.
        o.fanMode = qs::FanMode::FanOut;
        const Moments mo = moments(qs::generate(o).data);
        QVERIFY(std::fabs(std::sqrt(mo.var) - std::sqrt(2.0 / 256.0)) <
                0.01 * std::sqrt(2.0 / 256.0));
        o.fanMode = qs::FanMode::FanAvg;
        o.heScale = 1.0;
        const Moments ma = moments(qs::generate(o).data);
        QVERIFY(std::fabs(std::sqrt(ma.var) - std::sqrt(1.0 / 384.0)) <
                0.01 * std::sqrt(1.0 / 384.0));
    }

    void bimodal()
    {
        qs::GeneratorOptions o;
        o.distribution = qs::Distribution::Bimodal;
        o.shape = {1 << 18};
        o.separation = 6;
        o.std = 0.5;
        const std::vector<float> v = qs::generate(o).data;
        int64_t pos = 0, nearZero = 0;
        for (float f : v) {
            pos += f > 0;
            nearZero += std::fabs(f) < 1.0f;
        }
        QVERIFY(std::fabs(double(pos) / double(v.size()) - 0.5) < 0.01);
        QVERIFY(nearZero < int64_t(v.size()) / 1000); // 4 std from both modes
        const Moments m = moments(v);
        QVERIFY(std::fabs(m.var - (9.0 + 0.25)) < 0.1);
    }

    void kerasFans()
    {
        double fi = 0, fo = 0;
        qs::kerasFans({}, fi, fo);
        QCOMPARE(fi, 1.0);
        QCOMPARE(fo, 1.0);
        qs::kerasFans({7}, fi, fo);
        QCOMPARE(fi, 7.0);
        QCOMPARE(fo, 7.0);
        qs::kerasFans({64, 32}, fi, fo);
        QCOMPARE(fi, 64.0);
        QCOMPARE(fo, 32.0);
        qs::kerasFans({3, 3, 16, 32}, fi, fo); // conv kernel (kh, kw, in, out)
        QCOMPARE(fi, 144.0);
        QCOMPARE(fo, 288.0);
    }

    void decimals()
    {
        qs::GeneratorOptions o = uniformTwoDecimals();
        const std::vector<float> v = qs::generate(o).data;
        o.decimals = -1;
        const std::vector<float> raw = qs::generate(o).data;
        for (size_t i = 0; i < v.size(); ++i) {
            const double scaled = double(v[i]) * 100.0;
            QVERIFY(std::fabs(scaled - std::nearbyint(scaled)) < 1e-3);
            QVERIFY(std::fabs(double(v[i]) - double(raw[i])) <= 0.005 + 1e-5);
        }
    }

    void outliers()
    {
        qs::GeneratorOptions o = uniformTwoDecimals();
        o.outliers = 1;
        o.outlierValue = 1000;
        std::vector<float> v = qs::generate(o).data; // the outlier notebook's data: last value 1000
        QCOMPARE(v.back(), 1000.0f);
        QVERIFY(*std::max_element(v.begin(), v.end() - 1) < 150.0f);
        o.outliers = 5;
        o.outlierPosition = "start";
        v = qs::generate(o).data;
        QVERIFY(std::all_of(v.begin(), v.begin() + 5, [](float f) { return f == 1000.0f; }));
        QVERIFY(v[5] != 1000.0f);
        for (int64_t k : {int64_t(7), int64_t(9000)}) {
            o.outliers = k;
            o.outlierPosition = "random";
            v = qs::generate(o).data;
            QCOMPARE(std::count(v.begin(), v.end(), 1000.0f), k);
            QVERIFY(v == qs::generate(o).data);
        }
        o.outliers = 10000;
        v = qs::generate(o).data;
        QCOMPARE(std::count(v.begin(), v.end(), 1000.0f), 10000);
    }

    void validation()
    {
        auto bad = [](auto edit) {
            qs::GeneratorOptions o;
            o.shape = {10, 10};
            edit(o);
            bool threw = false;
            try {
                qs::generate(o);
            } catch (const qs::Error&) {
                threw = true;
            }
            return threw;
        };
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.shape = {10, 0}; }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.shape = {-1, 10}; }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.shape = {100000, 100000}; })); // > 1e9
        QVERIFY(bad([](qs::GeneratorOptions& o) {
            o.shape = {int64_t(1) << 40, int64_t(1) << 40};
        })); // overflow
        QVERIFY(bad([](qs::GeneratorOptions& o) {
            o.distribution = qs::Distribution::Uniform;
            o.low = 1;
            o.high = 1;
        }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.std = 0; }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.std = -1; }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.std = std::nan(""); }));
        QVERIFY(bad([](qs::GeneratorOptions& o) {
            o.distribution = qs::Distribution::He;
            o.heScale = 0;
        }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.outliers = 101; }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.outliers = -1; }));
        QVERIFY(bad([](qs::GeneratorOptions& o) {
            o.outliers = 1;
            o.outlierPosition = "middle";
        }));
        QVERIFY(bad([](qs::GeneratorOptions& o) {
            o.outliers = 1;
            o.outlierValue = 1e300;
        }));
        QVERIFY(bad([](qs::GeneratorOptions& o) { o.decimals = 16; }));
        QVERIFY(!bad([](qs::GeneratorOptions& o) { o.shape = {}; })); // 0-d: one value
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::distributionFromName("gauss"));
        QCOMPARE(qs::distributionFromName("He"), qs::Distribution::He);
        QCOMPARE(qs::distributionNames().size(), size_t(5));
    }
};

QTEST_APPLESS_MAIN(TestGenerators)
#include "tst_generators.moc"
