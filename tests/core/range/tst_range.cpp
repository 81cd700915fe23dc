// Range methods: min-max, numpy-exact percentiles, MSE-optimal clipping, entropy calibration.
// Expected percentiles and entropy amax values were computed with numpy 1.24 (numpy.percentile
// on the float32 data cast to float64; a numpy port of pytorch-quantization's entropy
// calibrator) on the same integer-generated data as below, and pasted here.
#include "core/quant/quantize.h"
#include "core/range/range.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#if __has_include(<omp.h>)
#include <omp.h>
#define QS_HAVE_OMP 1
#endif

using qs::test::lcgInts;

namespace {

// 300007 values in [-8, 8) with a resolution of 2^-20 (exact in float32).
std::vector<float> caseA()
{
    std::vector<float> v;
    for (int64_t k : lcgInts(300007, 1, 24))
        v.push_back(float(double(k) * 0x1p-20));
    return v;
}

// 700001 values in [1, 1.0625] (one top-bits bucket: exercises the refinement passes) with
// every 100000th value replaced by -3, -4, ...
std::vector<float> caseB()
{
    std::vector<float> v;
    for (int64_t k : lcgInts(700001, 7, 20))
        v.push_back(float(1.0 + double(k + (1 << 19)) * 0x1p-24));
    for (size_t i = 0, j = 0; i < v.size(); i += 100000, ++j)
        v[i] = float(-3.0 - double(j));
    return v;
}

std::vector<uint64_t> lcgStates(int64_t n, uint64_t seed)
{
    std::vector<uint64_t> out(static_cast<size_t>(n));
    uint64_t s = seed;
    for (int64_t i = 0; i < n; ++i) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        out[size_t(i)] = s;
    }
    return out;
}

const std::vector<double> kPs{0, 0.01, 1, 25, 33.3, 50, 66.7, 99, 99.99, 100};

void comparePercentiles(const std::vector<float>& x, const std::vector<double>& expected)
{
    for (size_t i = 0; i < kPs.size(); ++i) {
        const double got = qs::percentile(x.data(), int64_t(x.size()), kPs[i]);
        if (got != expected[i])
            QFAIL(qPrintable(QString("p=%1: got %2, numpy %3")
                                 .arg(kPs[i])
                                 .arg(got, 0, 'g', 17)
                                 .arg(expected[i], 0, 'g', 17)));
    }
}

// MSE of x under the default quantizer formulas, for a clipping range (reference
// implementation written independently of the library: asymmetric widened to include zero,
// or symmetric amax / (2^(b-1) - 1) with the narrow code range; half-to-even rounding).
double referenceMse(const std::vector<float>& x, qs::Range r, int bits, bool symmetric)
{
    double s, z = 0, qmin, qmax;
    if (symmetric) {
        const double amax = std::max(std::fabs(r.lo), std::fabs(r.hi));
        qmax = double((1 << (bits - 1)) - 1);
        qmin = -qmax;
        s = amax / qmax;
    } else {
        const double lo = std::min(r.lo, 0.0), hi = std::max(r.hi, 0.0);
        qmin = 0;
        qmax = double((1 << bits) - 1);
        s = (hi - lo) / (qmax - qmin);
        z = std::clamp(qmin - std::nearbyint(lo / s), qmin, qmax);
    }
    double sum = 0;
    int64_t count = 0;
    for (float v : x) {
        if (!std::isfinite(v))
            continue;
        const double q = std::clamp(std::nearbyint(double(v) / s + z), qmin, qmax);
        const double e = double(v) - double(float(s * (q - z)));
        sum += e * e;
        ++count;
    }
    return sum / double(count);
}

std::vector<float> sumOfUniforms(int64_t n)
{
    const auto a = lcgInts(n, 11, 22), b = lcgInts(n, 12, 22), c = lcgInts(n, 13, 22);
    std::vector<float> x(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        x[size_t(i)] = float(double(a[size_t(i)] + b[size_t(i)] + c[size_t(i)]) * 0x1p-18);
    return x;
}

void setThreads(int n)
{
#ifdef QS_HAVE_OMP
    omp_set_num_threads(n);
#else
    Q_UNUSED(n);
#endif
}

} // namespace

class TestRange : public QObject {
    Q_OBJECT

private slots:
    void minMaxIgnoresNonFinite()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> x{nan, 3.5f, -inf, -2.25f, inf, 7.0f, nan};
        const qs::Range r = qs::minMaxRange(x.data(), int64_t(x.size()));
        QCOMPARE_EXACT(r.lo, -2.25);
        QCOMPARE_EXACT(r.hi, 7.0);
    }

    void errors()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> allNan{nan, nan};
        const std::vector<float> one{1.0f};
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::minMaxRange(one.data(), 0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::minMaxRange(nullptr, 4));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::minMaxRange(allNan.data(), 2));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::percentile(allNan.data(), 2, 50));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::percentile(one.data(), 1, -0.1));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::percentile(one.data(), 1, 100.5));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::percentile(one.data(), 1, double(nan)));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::entropyAmax(allNan.data(), 2, 8));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::entropyAmax(one.data(), 1, 0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::entropyAmax(one.data(), 1, 17));
        qs::QuantConfig c;
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::mseOptimalRange(allNan.data(), 2, c));
        c.bits = 0;
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::mseOptimalRange(one.data(), 1, c));
        qs::QuantConfig p;
        p.range = qs::RangeMethod::Percentile;
        p.percentile = 40;
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::estimateRange(one.data(), 1, p));
    }

    void percentileSmall()
    {
        // Ties and duplicates.
        comparePercentiles({2, 1, 1, 3, 2, 2, 5, 1},
                           {1.0, 1.0, 1.0, 1.0, 1.3309999999999995, 2.0, 2.0, 4.859999999999999,
                            4.998599999999998, 5.0});
        comparePercentiles({0.1f, 0.7f, -0.3f, 2.5f, 1e-3f, -7.25f, 3.3f, 0.0f, 4.0f, -1.5f},
                           {-7.25, -7.244825, -6.7325, -0.22500000894069672, -0.000900000035762821,
                            0.050500000768806785, 0.7053999881148341, 3.9369999957084656,
                            3.9993699999570835, 4.0});
    }

    void percentileSingleValue()
    {
        const float v = -1.75f;
        for (double p : kPs)
            QCOMPARE_EXACT(qs::percentile(&v, 1, p), -1.75);
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> x{nan, 2.5f, nan};
        for (double p : kPs)
            QCOMPARE_EXACT(qs::percentile(x.data(), 3, p), 2.5);
    }

    void percentileLarge()
    {
        comparePercentiles(caseA(), {-7.9999542236328125, -7.998544688415527, -7.84528736114502,
                                     -4.010791301727295, -2.684162342071534, 0.0018243789672851562,
                                     2.663404569625855, 7.836562938690186, 7.998126910972592,
                                     7.999895095825195});
    }

    void percentileRefinedAndNanIgnored()
    {
        std::vector<float> b = caseB();
        const std::vector<double> expected{-10.0,
                                           1.0000064373016357,
                                           1.000619649887085,
                                           1.0156093835830688,
                                           1.0208027362823486,
                                           1.0311925411224365,
                                           1.0415942668914795,
                                           1.0618705749511719,
                                           1.0624940395355225,
                                           1.0625};
        comparePercentiles(b, expected);
        // Non-finite values anywhere are ignored.
        b.insert(b.begin() + 12345, std::numeric_limits<float>::quiet_NaN());
        b.push_back(std::numeric_limits<float>::infinity());
        b.insert(b.begin(), -std::numeric_limits<float>::infinity());
        comparePercentiles(b, expected);
    }

    void percentileDeepRefinement()
    {
        // 300000 values 1 + k 2^-23, k < 1024: one bucket at both the 12-bit and the 22-bit
        // level, so the selection resolves the last 10 key bits by counting.
        std::vector<float> f;
        for (uint64_t v : lcgStates(300000, 5))
            f.push_back(float(1.0 + double(v >> 54) * 0x1p-23));
        comparePercentiles(f, {1.0, 1.0, 1.0000011920928955, 1.0000303983688354, 1.0000406503677368,
                               1.00006103515625, 1.0000814199447632, 1.0001208782196045,
                               1.0001219511032104, 1.0001219511032104});
    }

    void percentileExtremes()
    {
        // Magnitudes from subnormals to 1e32, both signs, +-FLT_MAX and -0.0.
        std::vector<float> g;
        for (uint64_t v : lcgStates(200003, 9)) {
            const double mant = double((v >> 40) & 0xFFFFFF);
            const int e = int((v >> 20) & 0xFF) - 149;
            const double sign = ((v >> 19) & 1) ? -1.0 : 1.0;
            g.push_back(float(sign * std::ldexp(mant, e - 23)));
        }
        g[17] = std::numeric_limits<float>::max();
        g[18] = -std::numeric_limits<float>::max();
        g[19] = -0.0f;
        comparePercentiles(
            g, {-3.4028234663852886e+38, -1.5618543975257623e+32, -2.4021101738196527e+30,
                -3.241419079813568e-07, -5.341441495193185e-20, 0.0, 3.49062630860092e-20,
                2.723666519511894e+30, 1.5553806152551935e+32, 3.4028234663852886e+38});
        const int64_t n = int64_t(g.size());
        QCOMPARE_EXACT(qs::absPercentile(g.data(), n, 0), 0.0);
        QCOMPARE_EXACT(qs::absPercentile(g.data(), n, 50), 2.6596200086714816e-07);
        QCOMPARE_EXACT(qs::absPercentile(g.data(), n, 99.99), 1.5944692117206052e+32);
        QCOMPARE_EXACT(qs::absPercentile(g.data(), n, 100), 3.4028234663852886e+38);
    }

    void percentileMatchesSortedReference()
    {
        // numpy's definition on a fully sorted copy, for the copy-and-select path (small n)
        // and the radix path, several p at once (percentileRange asks for four ranks).
        for (int64_t n : {int64_t(2), int64_t(3), int64_t(17), int64_t(1000), int64_t(65535),
                          int64_t(65536), int64_t(100001)}) {
            std::vector<float> x;
            for (int64_t k : lcgInts(n, uint64_t(n), 12))
                x.push_back(float(k) * 0.125f); // many duplicates
            std::vector<double> sorted(x.begin(), x.end());
            std::sort(sorted.begin(), sorted.end());
            for (double p : {0.0, 0.01, 12.5, 50.0, 97.0, 99.99, 100.0}) {
                const double vi = double(n - 1) * (p / 100.0);
                const double lo = std::floor(vi);
                const int64_t i0 = std::min<int64_t>(int64_t(lo), n - 1);
                const int64_t i1 = std::min<int64_t>(i0 + 1, n - 1);
                const double t = vi >= double(n - 1) ? 1.0 : vi - lo;
                const double a = sorted[size_t(i0)], b = sorted[size_t(i1)];
                const double expect = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
                QCOMPARE_EXACT(qs::percentile(x.data(), n, p), expect);
                const qs::Range r = qs::percentileRange(x.data(), n, p);
                QCOMPARE_EXACT(r.hi, expect);
            }
        }
    }

    void percentileManyTies()
    {
        std::vector<float> d;
        for (int64_t k : lcgInts(100000, 3, 2))
            d.push_back(float(k));
        comparePercentiles(d, {-2.0, -2.0, -2.0, -1.0, -1.0, 0.0, 0.0, 1.0, 1.0, 1.0});
    }

    void absPercentile()
    {
        const std::vector<float> a = caseA();
        const std::vector<double> ps{0, 50, 99.99, 100};
        const std::vector<double> expected{1.9073486328125e-06, 4.004002571105957,
                                           7.999162641334532, 7.9999542236328125};
        for (size_t i = 0; i < ps.size(); ++i)
            QCOMPARE_EXACT(qs::absPercentile(a.data(), int64_t(a.size()), ps[i]), expected[i]);
        const std::vector<float> e{0.1f, 0.7f, -0.3f, 2.5f, 1e-3f, -7.25f, 3.3f, 0.0f, 4.0f, -1.5f};
        const std::vector<double> expectedE{0.0, 1.0999999940395355, 7.247074999999995, 7.25};
        for (size_t i = 0; i < ps.size(); ++i)
            QCOMPARE_EXACT(qs::absPercentile(e.data(), int64_t(e.size()), ps[i]), expectedE[i]);
    }

    void percentileRangeBothTails()
    {
        const std::vector<float> a = caseA();
        const int64_t n = int64_t(a.size());
        for (double p : {99.99, 99.0, 75.0, 50.0}) {
            const qs::Range r = qs::percentileRange(a.data(), n, p);
            QCOMPARE_EXACT(r.lo, qs::percentile(a.data(), n, 100.0 - p));
            QCOMPARE_EXACT(r.hi, qs::percentile(a.data(), n, p));
        }
        const qs::Range r = qs::percentileRange(a.data(), n, 99.99);
        QCOMPARE_EXACT(r.hi, 7.998126910972592);
    }

    void percentileMonotone()
    {
        const std::vector<float> a = caseA();
        std::vector<float> b = caseB();
        b.resize(300000); // still one top-bits bucket beyond the gather limit
        for (const std::vector<float>* x : {&a, const_cast<const std::vector<float>*>(&b)}) {
            double prev = -std::numeric_limits<double>::infinity();
            for (double p = 0; p <= 100.0; p += 2.9) {
                const double v = qs::percentile(x->data(), int64_t(x->size()), p);
                QVERIFY2(v >= prev, qPrintable(QString("not monotone at p=%1").arg(p)));
                prev = v;
            }
        }
    }

    void entropyGolden_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("unsignedRange");
        QTest::addColumn<double>("expected");
        QTest::newRow("8-bit") << 8 << false << 23.7890625;
        QTest::newRow("4-bit") << 4 << false << 22.96875;
        QTest::newRow("8-bit unsigned") << 8 << true << 23.7890625;
        QTest::newRow("6-bit") << 6 << false << 23.28125;
    }

    void entropyGolden()
    {
        QFETCH(int, bits);
        QFETCH(bool, unsignedRange);
        QFETCH(double, expected);
        // Sum of three uniforms (bell shaped, |x| < 24) with four outliers at 40.
        std::vector<float> x = sumOfUniforms(100000);
        for (int i = 0; i < 4; ++i)
            x[size_t(i)] = 40.0f;
        QCOMPARE_EXACT(qs::entropyAmax(x.data(), int64_t(x.size()), bits, unsignedRange), expected);
    }

    void entropyHeavyTail()
    {
        const auto a = lcgInts(100000, 11, 22), b = lcgInts(100000, 12, 22);
        std::vector<float> x;
        for (size_t i = 0; i < a.size(); ++i)
            x.push_back(float(double(a[i] * b[i]) * 0x1p-42));
        QCOMPARE_EXACT(qs::entropyAmax(x.data(), int64_t(x.size()), 8), 0.9954076409339905);
        // numpy.histogram of float32 data returns float32 edges: the 4-bit amax is the float32
        // edge float32(0.9827706298674457) (a float64 histogram would return the latter).
        QCOMPARE_EXACT(qs::entropyAmax(x.data(), int64_t(x.size()), 4), 0.98277062177658081);
    }

    void entropyTies_data()
    {
        QTest::addColumn<bool>("nearZero");
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("unsignedRange");
        QTest::addColumn<double>("expected");
        // No |x| below max/16: the reference's NaN divergences select the first non-zero bin.
        QTest::newRow("gap-8bit") << false << 8 << false << 0.249755859375;
        QTest::newRow("gap-3bit") << false << 3 << false << 0.249755859375;
        // Eight distinct magnitudes plus a few near zero: many tied divergences, last one wins.
        QTest::newRow("ties-8bit") << true << 8 << false << 2.75;
        QTest::newRow("ties-3bit") << true << 3 << false << 0.2510986328125;
        QTest::newRow("ties-2bit-unsigned") << true << 2 << true << 0.2510986328125;
    }

    void entropyTies()
    {
        QFETCH(bool, nearZero);
        QFETCH(int, bits);
        QFETCH(bool, unsignedRange);
        QFETCH(double, expected);
        std::vector<float> x;
        for (int64_t k : lcgInts(20000, 21, 3))
            x.push_back(float(double(k) * 0.75 + 0.25));
        if (nearZero)
            std::fill(x.begin(), x.begin() + 10, 0.01f);
        QCOMPARE_EXACT(qs::entropyAmax(x.data(), int64_t(x.size()), bits, unsignedRange), expected);
    }

    void entropyZeroAndSymmetricRange()
    {
        const std::vector<float> zeros(100, 0.0f);
        QCOMPARE_EXACT(qs::entropyAmax(zeros.data(), 100, 8), 0.0);
        std::vector<float> x = sumOfUniforms(100000);
        x[0] = 40.0f;
        qs::QuantConfig c;
        c.scheme = qs::Scheme::Symmetric;
        c.range = qs::RangeMethod::Entropy;
        const double a = qs::entropyAmax(x.data(), int64_t(x.size()), 8);
        const qs::Range r = qs::estimateRange(x.data(), int64_t(x.size()), c);
        QCOMPARE_EXACT(r.lo, -a);
        QCOMPARE_EXACT(r.hi, a);
        QVERIFY(a < 40.0);
        // Asymmetric: the data range clipped to [-amax, amax].
        c.scheme = qs::Scheme::Asymmetric;
        const qs::Range ra = qs::estimateRange(x.data(), int64_t(x.size()), c);
        const qs::Range mm = qs::minMaxRange(x.data(), int64_t(x.size()));
        QCOMPARE_EXACT(ra.hi, std::min(mm.hi, a));
        QCOMPARE_EXACT(ra.lo, std::max(mm.lo, -a));
    }

    void estimateRangeDispatch()
    {
        const std::vector<float> a = caseA();
        const int64_t n = int64_t(a.size());
        qs::QuantConfig c;
        qs::Range r = qs::estimateRange(a.data(), n, c);
        QCOMPARE_EXACT(r.lo, -7.9999542236328125);
        QCOMPARE_EXACT(r.hi, 7.999895095825195);
        c.scheme = qs::Scheme::Symmetric;
        r = qs::estimateRange(a.data(), n, c);
        QCOMPARE_EXACT(r.lo, -7.9999542236328125);
        QCOMPARE_EXACT(r.hi, 7.9999542236328125);
        c.range = qs::RangeMethod::Percentile;
        r = qs::estimateRange(a.data(), n, c);
        QCOMPARE_EXACT(r.hi, 7.999162641334532);
        QCOMPARE_EXACT(r.lo, -7.999162641334532);
        c.scheme = qs::Scheme::Asymmetric;
        r = qs::estimateRange(a.data(), n, c);
        QCOMPARE_EXACT(r.lo, qs::percentile(a.data(), n, 100.0 - 99.99));
        QCOMPARE_EXACT(r.hi, 7.998126910972592);
    }

    void mseNeverWorseThanMinMax_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("symmetric");
        for (int kind = 0; kind < 4; ++kind)
            for (int bits : {2, 3, 4, 6, 8})
                for (bool sym : {false, true})
                    QTest::addRow("kind%d-%dbit-%s", kind, bits, sym ? "sym" : "asym")
                        << kind << bits << sym;
    }

    void mseNeverWorseThanMinMax()
    {
        QFETCH(int, kind);
        QFETCH(int, bits);
        QFETCH(bool, symmetric);
        std::vector<float> x;
        switch (kind) {
        case 0: // bell shaped
            x = sumOfUniforms(50000);
            break;
        case 1: // uniform, one far outlier (the outlier notebook's experiment)
            for (int64_t k : lcgInts(10000, 5, 20))
                x.push_back(float(50.0 + double(k) * 0x1p-19 * 100.0));
            x.back() = 1000.0f;
            break;
        case 2: // heavy tailed, all positive
            for (int64_t k : lcgInts(30000, 9, 20)) {
                const double u = (double(k) + 524288.5) / 1048576.0;
                x.push_back(float(0.5 + u * u * u * u * 10.0));
            }
            break;
        default: // few distinct values
            for (int64_t k : lcgInts(5000, 4, 3))
                x.push_back(float(k) * 0.25f);
            break;
        }
        qs::QuantConfig c;
        c.bits = bits;
        c.scheme = symmetric ? qs::Scheme::Symmetric : qs::Scheme::Asymmetric;
        const int64_t n = int64_t(x.size());
        const qs::Range mse = qs::mseOptimalRange(x.data(), n, c);
        const qs::Range mm = qs::minMaxRange(x.data(), n);
        const double eMse = referenceMse(x, mse, bits, symmetric);
        const double eMm = referenceMse(x, mm, bits, symmetric);
        QVERIFY2(eMse <= eMm, qPrintable(QString("mse range %1 > min-max %2").arg(eMse).arg(eMm)));
        if (kind == 0 && bits <= 4) // clipping a bell shape at low bit widths pays off
            QVERIFY(eMse < 0.9 * eMm);
        if (kind == 1 && !symmetric && bits <= 4) { // coarse grids: clipping the outlier pays
            QVERIFY(mse.hi < 500.0);
            QVERIFY(eMse < 0.5 * eMm);
        }
    }

    void mseThroughQuantizer_data()
    {
        QTest::addColumn<int>("variant");
        for (int v = 0; v < 8; ++v)
            QTest::addRow("variant%d", v) << v;
    }

    // The guarantee on the quantizer's own metric, for options the reference above lacks.
    void mseThroughQuantizer()
    {
        QFETCH(int, variant);
        std::vector<float> x = sumOfUniforms(40000);
        x[17] = 60.0f;
        qs::QuantConfig c;
        switch (variant) {
        case 0:
            c.bits = 4;
            c.rounding = qs::Rounding::Truncate;
            break;
        case 1:
            c.bits = 3;
            c.rounding = qs::Rounding::Floor;
            c.signedCodes = true;
            break;
        case 2:
            c.bits = 5;
            c.includeZero = false;
            break;
        case 3:
            c.bits = 4;
            c.scheme = qs::Scheme::Symmetric;
            c.fullRange = true;
            c.symmetricScale = qs::SymmetricScale::HalfSpan;
            break;
        case 4:
            c.bits = 6;
            c.float32Params = true;
            c.multiplyByInverse = true;
            break;
        case 5:
            c.bits = 4;
            c.roundingOrder = qs::RoundingOrder::BeforeZeroPoint;
            c.rounding = qs::Rounding::HalfAway;
            break;
        case 6:
            c.bits = 12;
            break;
        default:
            c.bits = 2;
            c.scheme = qs::Scheme::Symmetric;
            break;
        }
        const qs::Tensor t("x", {int64_t(x.size())}, x);
        qs::QuantConfig mm = c;
        mm.range = qs::RangeMethod::MinMax;
        c.range = qs::RangeMethod::MSE;
        const qs::QuantResult a = qs::quantize(t, mm);
        const qs::QuantResult b = qs::quantize(t, c);
        QVERIFY2(b.metrics.mse <= a.metrics.mse,
                 qPrintable(QString("mse %1 > min-max %2").arg(b.metrics.mse).arg(a.metrics.mse)));
        QVERIFY(b.metrics.mse < a.metrics.mse); // the outlier at 60 always costs resolution
    }

    void mseConstantAndTiny()
    {
        const std::vector<float> c5(20, 5.0f);
        qs::QuantConfig c;
        qs::Range r = qs::mseOptimalRange(c5.data(), 20, c);
        QCOMPARE_EXACT(r.lo, 5.0);
        QCOMPARE_EXACT(r.hi, 5.0);
        const std::vector<float> two{-1.0f, 3.0f};
        r = qs::mseOptimalRange(two.data(), 2, c);
        QVERIFY(referenceMse(two, r, 8, false) <= referenceMse(two, {-1.0, 3.0}, 8, false));
    }

    void resultsIndependentOfThreads()
    {
        std::vector<float> x = sumOfUniforms(300000);
        x[5] = 90.0f;
        const int64_t n = int64_t(x.size());
        qs::QuantConfig c;
        c.bits = 4;
        setThreads(1);
        const double p1 = qs::percentile(x.data(), n, 99.9);
        const qs::Range m1 = qs::mseOptimalRange(x.data(), n, c);
        const double e1 = qs::entropyAmax(x.data(), n, 8);
        setThreads(2);
        const double p2 = qs::percentile(x.data(), n, 99.9);
        const qs::Range m2 = qs::mseOptimalRange(x.data(), n, c);
        const double e2 = qs::entropyAmax(x.data(), n, 8);
        QCOMPARE_EXACT(p1, p2);
        QCOMPARE_EXACT(m1.lo, m2.lo);
        QCOMPARE_EXACT(m1.hi, m2.hi);
        QCOMPARE_EXACT(e1, e2);
    }
};

QTEST_APPLESS_MAIN(TestRange)
#include "tst_range.moc"
