// Histograms: exact bin assignment (numpy.histogram's rule; expected counts from numpy 1.24),
// out-of-range and non-finite bookkeeping, automatic ranges, error histograms, bad arguments.
#include "core/histogram.h"

#include "core/error.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

namespace {

std::vector<int64_t> counts(const qs::Histogram& h)
{
    return h.counts;
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
