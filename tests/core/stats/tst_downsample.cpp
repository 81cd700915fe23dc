// Downsampling: point limits, extremes kept, index order, non-finite values skipped, LTTB on
// known shapes, bucket ranges of values and errors by hand, bad arguments.
#include "core/stats/downsample.h"

#include "core/base/error.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {

std::vector<float> wave(int64_t n)
{
    std::vector<float> y(static_cast<size_t>(n));
    uint64_t s = 99;
    for (int64_t i = 0; i < n; ++i) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        y[size_t(i)] = float(int64_t(s >> 44) - (1 << 19)) * 0x1p-19f + float(i % 1000) * 0.01f;
    }
    return y;
}

bool increasingX(const std::vector<qs::SeriesPoint>& p)
{
    for (size_t i = 1; i < p.size(); ++i)
        if (!(p[i].x > p[i - 1].x))
            return false;
    return true;
}

} // namespace

class TestDownsample : public QObject {
    Q_OBJECT

private slots:
    void minMaxKeepsExtremes()
    {
        const std::vector<float> y = wave(100003);
        const int64_t n = int64_t(y.size());
        const auto p = qs::downsampleMinMax(y.data(), 0, n, 500);
        QVERIFY(p.size() <= 1000);
        QVERIFY(p.size() >= 500);
        QVERIFY(increasingX(p));
        const auto mx = std::max_element(y.begin(), y.end());
        const auto mn = std::min_element(y.begin(), y.end());
        bool hasMax = false, hasMin = false;
        for (const auto& q : p) {
            QCOMPARE(q.y, double(y[size_t(q.x)])); // points are real samples
            hasMax = hasMax || (q.x == double(mx - y.begin()));
            hasMin = hasMin || (q.x == double(mn - y.begin()));
        }
        QVERIFY(hasMax);
        QVERIFY(hasMin);
        // Every bucket's own extremes: bucket b spans [b*n/B, (b+1)*n/B).
        for (int b = 0; b < 500; ++b) {
            const int64_t s = b * n / 500, e = (b + 1) * n / 500;
            const float bmax = *std::max_element(y.begin() + s, y.begin() + e);
            bool found = false;
            for (const auto& q : p)
                found = found || (q.x >= double(s) && q.x < double(e) && q.y == double(bmax));
            QVERIFY(found);
        }
    }

    void minMaxShortAndSubrange()
    {
        const std::vector<float> y{3, 1, 4, 1, 5};
        const auto p = qs::downsampleMinMax(y.data(), 0, 5, 3); // 5 < 2*3: whole series
        QCOMPARE(p.size(), size_t(5));
        QCOMPARE(p[2].y, 4.0);
        const std::vector<float> z = wave(10000);
        const auto s = qs::downsampleMinMax(z.data(), 2000, 3000, 10);
        QVERIFY(s.size() <= 20);
        for (const auto& q : s) {
            QVERIFY(q.x >= 2000 && q.x < 3000);
        }
        QVERIFY(qs::downsampleMinMax(z.data(), 5, 5, 10).empty());
    }

    void nonFiniteSkipped()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        std::vector<float> y = wave(5000);
        for (size_t i = 0; i < y.size(); i += 7)
            y[i] = nan;
        y[100] = inf;
        y[0] = nan;
        y.back() = -inf;
        for (const auto& p : qs::downsampleMinMax(y.data(), 0, 5000, 100))
            QVERIFY(std::isfinite(p.y));
        const auto l = qs::downsampleLttb(y.data(), 0, 5000, 200);
        QVERIFY(l.size() <= 200);
        for (const auto& p : l)
            QVERIFY(std::isfinite(p.y));
        QCOMPARE(l.front().x, 1.0);   // first finite point
        QCOMPARE(l.back().x, 4997.0); // last finite point (4998 is a multiple of 7: NaN)
        const std::vector<float> allNan(10, nan);
        QVERIFY(qs::downsampleLttb(allNan.data(), 0, 10, 5).empty());
        QVERIFY(qs::downsampleMinMax(allNan.data(), 0, 10, 2).empty());
    }

    void lttbLimitsAndEnds()
    {
        const std::vector<float> y = wave(200000);
        for (int threshold : {2, 3, 10, 1000, 4000}) {
            const auto p = qs::downsampleLttb(y.data(), 0, 200000, threshold);
            QCOMPARE(int(p.size()), threshold);
            QCOMPARE(p.front().x, 0.0);
            QCOMPARE(p.back().x, 199999.0);
            QVERIFY(increasingX(p));
        }
        // Short series come back whole.
        const auto s = qs::downsampleLttb(y.data(), 10, 20, 50);
        QCOMPARE(s.size(), size_t(10));
    }

    void lttbPicksSpikes()
    {
        // A flat line with three spikes: LTTB with enough buckets keeps each spike.
        std::vector<float> y(3000, 0.0f);
        y[700] = 10.0f;
        y[1500] = -8.0f;
        y[2300] = 6.0f;
        const auto p = qs::downsampleLttb(y.data(), 0, 3000, 30);
        QCOMPARE(p.size(), size_t(30));
        for (double spike : {700.0, 1500.0, 2300.0}) {
            bool found = false;
            for (const auto& q : p)
                found = found || q.x == spike;
            QVERIFY2(found, qPrintable(QString("spike at %1 lost").arg(spike)));
        }
    }

    // Seven values in three buckets of 2, 2 and 3 indices ([0,2), [2,4), [4,7)); NaN skipped,
    // a bucket of only NaN left out; more buckets than indices gives one per index.
    void bucketRangesByHand()
    {
        const float nan = std::nanf("");
        const std::vector<float> y{3, -1, nan, nan, 2, 7, -4};
        const auto r = qs::bucketRanges(y.data(), 0, 7, 3);
        QCOMPARE(r.size(), size_t(2));
        QCOMPARE(r[0].first, int64_t(0));
        QCOMPARE(r[0].last, int64_t(2));
        QCOMPARE(r[0].lo, -1.0);
        QCOMPARE(r[0].hi, 3.0);
        QCOMPARE(r[1].first, int64_t(4));
        QCOMPARE(r[1].last, int64_t(7));
        QCOMPARE(r[1].lo, -4.0);
        QCOMPARE(r[1].hi, 7.0);
        const auto each = qs::bucketRanges(y.data(), 4, 7, 10);
        QCOMPARE(each.size(), size_t(3));
        QCOMPARE(each[2].first, int64_t(6));
        QCOMPARE(each[2].lo, -4.0);
        QCOMPARE(each[2].hi, -4.0);
    }

    // x - xhat in double: 0.1f - 0.25f is not the float subtraction's result.
    void errorBucketRangesByHand()
    {
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> x{0.1f, 1.0f, inf, 2.0f};
        const std::vector<float> xhat{0.25f, 0.5f, 3.0f, 2.5f};
        const auto r = qs::errorBucketRanges(x.data(), xhat.data(), 0, 4, 2);
        QCOMPARE(r.size(), size_t(2));
        QCOMPARE(r[0].lo, double(0.1f) - 0.25);
        QCOMPARE(r[0].hi, 0.5);
        QCOMPARE(r[1].lo, -0.5); // the infinite value is skipped
        QCOMPARE(r[1].hi, -0.5);
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::errorBucketRanges(x.data(), nullptr, 0, 4, 2));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::bucketRanges(x.data(), 0, 4, 0));
    }

    void badArguments()
    {
        const std::vector<float> y(10, 1.0f);
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::downsampleMinMax(y.data(), 0, 10, 0));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::downsampleMinMax(y.data(), 5, 2, 3));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::downsampleMinMax(y.data(), -1, 2, 3));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::downsampleMinMax(nullptr, 0, 2, 3));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::downsampleLttb(y.data(), 0, 10, 1));
        QVERIFY_THROWS_EXCEPTION(qs::Error, qs::downsampleLttb(nullptr, 0, 10, 5));
    }
};

QTEST_APPLESS_MAIN(TestDownsample)
#include "tst_downsample.moc"
