// bitsandbytes' dynamic 8-bit map (core/dynamic_map.h): table entries as torch 1.13 computes
// create_dynamic_map() on x86-64 (printed with 9 significant digits, which identify a float32),
// the properties of the construction, and the binary-search coder.
#include "core/formats/dynamic_map.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

class TestDynamicMap : public QObject {
    Q_OBJECT

private slots:
    void knownEntries_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<float>("value");
        QTest::newRow("0") << 0 << -0.992968738f; // -(b63 + b64) / 2, b = linspace(0.1, 1, 65)
        QTest::newRow("1") << 1 << -0.978906214f; // a torch linspace entry off the exact midpoint
        QTest::newRow("2") << 2 << -0.96484375f;
        QTest::newRow("4") << 4 << -0.936718702f;
        QTest::newRow("126") << 126 << -5.50000038e-07f; // -0.55e-6: exponent 0, one midpoint
        QTest::newRow("127") << 127 << 0.0f;
        QTest::newRow("128") << 128 << 5.50000038e-07f;
        QTest::newRow("129") << 129 << 3.25000019e-06f; // 1e-5 * (0.1 + 0.55) / 2
        QTest::newRow("130") << 130 << 7.7499999e-06f;  // 1e-5 * (0.55 + 1) / 2
        QTest::newRow("254") << 254 << 0.992968738f;
        QTest::newRow("255") << 255 << 1.0f;
    }
    void knownEntries()
    {
        QFETCH(int, index);
        QFETCH(float, value);
        QCOMPARE(qs::bnbDynamicMap().at(size_t(index)), value);
    }

    // 256 strictly increasing values in [-1, 1]: 127 negatives, 0, 127 positives and 1; the
    // negatives mirror the positives; each exponent i contributes 2^i values per sign in
    // [0.1e(i-6), 1e(i-6)).
    void properties()
    {
        const std::vector<float>& m = qs::bnbDynamicMap();
        QCOMPARE(m.size(), size_t(256));
        for (size_t i = 1; i < m.size(); ++i)
            QVERIFY(m[i - 1] < m[i]);
        QCOMPARE(m[127], 0.0f);
        QCOMPARE(m[255], 1.0f);
        QVERIFY(m[0] > -1.0f);
        for (size_t k = 0; k < 127; ++k)
            QCOMPARE(m[k], -m[254 - k]);
        for (int i = 0; i < 7; ++i) {
            const double lo = 0.1 * std::pow(10.0, i - 6), hi = std::pow(10.0, i - 6);
            int count = 0;
            for (size_t k = 128; k < 255; ++k)
                count += (m[k] > lo && m[k] < hi) ? 1 : 0;
            QCOMPARE(count, 1 << i);
        }
    }

    // dQuantize: the entries code to themselves, a value halfway between two entries goes to
    // the entry the search ended on, out-of-range values to the ends, NaN to 0.
    void coder()
    {
        const std::vector<float>& m = qs::bnbDynamicMap();
        const float* c = m.data();
        for (int k = 0; k < 256; ++k)
            QCOMPARE(qs::bnbDynamicCode(c, m[size_t(k)]), k);
        QCOMPARE(qs::bnbDynamicCode(c, 2.0f), 255);
        QCOMPARE(qs::bnbDynamicCode(c, -2.0f), 0);
        QCOMPARE(qs::bnbDynamicCode(c, std::numeric_limits<float>::quiet_NaN()), 0);
        QCOMPARE(qs::bnbDynamicCode(c, 0.999f), 255); // above the midpoint of 0.99296875 and 1
        QCOMPARE(qs::bnbDynamicCode(c, 0.996f), 254);
        // Nearest entry everywhere except at float32 midpoints.
        for (int k = 0; k < 255; ++k) {
            const float a = m[size_t(k)], b = m[size_t(k) + 1];
            const float mid = (a + b) * 0.5f;
            const float below = std::nextafter(mid, a), above = std::nextafter(mid, b);
            QCOMPARE(qs::bnbDynamicCode(c, below), k);
            QCOMPARE(qs::bnbDynamicCode(c, above), k + 1);
            // A tie goes to where the 7-step search ends: an even index (a leaf of the search).
            QCOMPARE(qs::bnbDynamicCode(c, mid), k % 2 == 0 ? k : k + 1);
        }
    }
};

QTEST_APPLESS_MAIN(TestDynamicMap)
#include "tst_dynamic_map.moc"
