// Bit-for-bit comparison of two quantization results' metrics, slice metrics, parameters and
// histograms (QtTest checks), for tests that reach one result by two paths.
#pragma once

#include "core/quant/quantize.h"

#include <QtTest>

#include <cstring>
#include <iterator>
#include <utility>

namespace qs::test {

// Bit equality of two doubles (NaN equals NaN, -0 differs from +0).
inline bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

inline void compareMetrics(const Metrics& a, const Metrics& b)
{
    const std::pair<double, double> sums[] = {{a.mse, b.mse},
                                              {a.rmse, b.rmse},
                                              {a.mae, b.mae},
                                              {a.maxAbsError, b.maxAbsError},
                                              {a.sqnrDb, b.sqnrDb},
                                              {a.signalPower, b.signalPower},
                                              {a.errorPower, b.errorPower},
                                              {a.quantizedBits, b.quantizedBits}};
    const char* names[] = {"mse",    "rmse",        "mae",        "maxAbsError",
                           "sqnrDb", "signalPower", "errorPower", "quantizedBits"};
    for (size_t k = 0; k < std::size(sums); ++k)
        QVERIFY2(sameBits(sums[k].first, sums[k].second),
                 qPrintable(QString("%1: %2 and %3")
                                .arg(names[k])
                                .arg(sums[k].first, 0, 'g', 17)
                                .arg(sums[k].second, 0, 'g', 17)));
    const std::pair<int64_t, int64_t> counts[] = {{a.count, b.count},
                                                  {a.nonfinite, b.nonfinite},
                                                  {a.clippedLowCount, b.clippedLowCount},
                                                  {a.clippedHighCount, b.clippedHighCount},
                                                  {a.levelsUsed, b.levelsUsed},
                                                  {a.levelsTotal, b.levelsTotal}};
    for (const auto& [x, y] : counts)
        QCOMPARE(x, y);
}

inline void compareHistograms(const Histogram& a, const Histogram& b)
{
    QVERIFY(sameBits(a.lo, b.lo) && sameBits(a.hi, b.hi));
    QCOMPARE(a.counts, b.counts);
    QVERIFY(a.below == b.below && a.above == b.above && a.nonfinite == b.nonfinite);
}

// Everything but the codes and dequantized values, bit for bit.
inline void compareResults(const QuantResult& full, const QuantResult& lean)
{
    compareMetrics(full.metrics, lean.metrics);
    QCOMPARE(lean.sliceMetrics.size(), full.sliceMetrics.size());
    for (size_t s = 0; s < full.sliceMetrics.size(); ++s)
        compareMetrics(full.sliceMetrics[s], lean.sliceMetrics[s]);
    QCOMPARE(lean.params.scale, full.params.scale);
    QCOMPARE(lean.params.zeroPoint, full.params.zeroPoint);
    QCOMPARE(lean.params.dataMin, full.params.dataMin);
    QCOMPARE(lean.params.dataMax, full.params.dataMax);
    QCOMPARE(lean.floatCounts.overflow, full.floatCounts.overflow);
    QCOMPARE(lean.warnings.size(), full.warnings.size());
    compareHistograms(full.valueHistogram, lean.valueHistogram);
    compareHistograms(full.errorHistogram, lean.errorHistogram);
}

} // namespace qs::test
