// Tests of the passes that stream their values (quantize.h, streamsValues): with the codes and
// dequantized values turned off, integer schemes per channel (first, middle and last axis) and per
// group (along the rows and along a leading axis) and fp16 / bf16 give every number of the pass
// with them on bit for bit (metrics, slice sums, histograms, float counts) and the same error
// statistics (ErrorStream, as the model report measures), on 1 and 2 threads, above the
// threading thresholds; and they never size the result's codes or values.
#include "core/model/error_percentiles.h"
#include "core/quant/quantize.h"
#include "tests/support/random_tensor.h"
#include "tests/support/reconstruction_compare.h"
#include "tests/support/result_compare.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

using namespace qs;
using qs::test::bitsOf;
using qs::test::compareBits;

namespace {

struct Case {
    std::string name;
    QuantConfig config;
    std::vector<int64_t> shape;
    bool streams = true; // streamsValues(config, shape)
};

QuantConfig integer(int bits, Scheme scheme, Granularity g, int axis, int64_t groupSize = 32)
{
    QuantConfig c;
    c.bits = bits;
    c.scheme = scheme;
    c.granularity = g;
    c.axis = axis;
    c.groupSize = groupSize;
    return c;
}

QuantConfig floatFormat(Scheme s)
{
    QuantConfig c;
    c.scheme = s;
    return c;
}

std::vector<Case> cases()
{
    const Granularity ch = Granularity::PerChannel, gr = Granularity::PerGroup;
    const Scheme sym = Scheme::Symmetric, asym = Scheme::Asymmetric;
    QuantConfig stochastic = integer(8, sym, ch, -1);
    stochastic.rounding = Rounding::Stochastic;
    QuantConfig stochasticGroups = integer(8, sym, gr, 0, 32);
    stochasticGroups.rounding = Rounding::Stochastic;
    QuantConfig stochasticMiddle = integer(8, sym, ch, 1);
    stochasticMiddle.rounding = Rounding::Stochastic;
    return {
        {"int8 channel axis 0", integer(8, sym, ch, 0), {1024, 700}},
        {"uint4 channel axis 0, rows of several pieces", integer(4, asym, ch, 0), {96, 9000}},
        {"int8 channel last axis", integer(8, sym, ch, -1), {1030, 700}},
        {"uint4 channel last axis", integer(4, asym, ch, 1), {600, 1000}},
        {"int12 channel last axis", integer(12, sym, ch, 1), {2100, 200}},
        {"int8 group 32 along rows", integer(8, sym, gr, -1, 32), {1000, 700}},
        {"int12 group 64 along rows", integer(12, asym, gr, -1, 64), {900, 600}},
        {"uint4 group 128 along rows", integer(4, asym, gr, 1, 128), {3, 300000}},
        {"int8 group 32 along axis 0", integer(8, sym, gr, 0, 32), {1000, 700}},
        {"uint4 group 300 along axis 0", integer(4, asym, gr, 0, 300), {1000, 650}},
        // A window of 256 rows over 16 MiB: streamed when it and the flags take at most half the
        // codes and values they spare (many rows), else written.
        {"int8 channel last axis, wide, many rows", integer(8, sym, ch, -1), {560, 16400}},
        {"int8 channel last axis, wide, few rows", integer(8, sym, ch, -1), {300, 16400}, false},
        {"int8 channel axis 1 of 3-D", integer(8, sym, ch, 1), {40, 30, 700}},
        {"int12 channel axis 2 of 4-D", integer(12, asym, ch, 2), {7, 5, 60, 333}},
        {"uint4 channel axis 1 of 3-D, one block per window",
         integer(4, asym, ch, 1),
         {3, 2000, 700}},
        {"int8 channel axis 1 of 3-D, stochastic", stochasticMiddle, {50, 20, 1000}},
        {"int8 channel last axis, stochastic", stochastic, {1000, 300}},
        {"int8 group 32 along axis 0, stochastic", stochasticGroups, {1000, 300}},
        {"fp16", floatFormat(Scheme::FP16), {1000, 700}},
        {"bf16", floatFormat(Scheme::BF16), {1000, 700}},
    };
}

// Heavy tails, values beyond fp16's range and a few NaN / Inf.
Tensor tensorFor(const std::vector<int64_t>& shape)
{
    Tensor t = test::randomTensor(shape, 17);
    for (size_t i = 0; i < t.data.size(); i += 997)
        t.data[i] *= 40.0f;
    for (size_t i = 13; i < t.data.size(); i += 150001)
        t.data[i] = 1e6f;
    t.data[7] = std::nanf("");
    t.data[t.data.size() / 2] = INFINITY;
    t.data[t.data.size() / 3] = -INFINITY;
    return t;
}

void compareMetrics(const Metrics& a, const Metrics& b)
{
    QCOMPARE(a.count, b.count);
    QCOMPARE(a.nonfinite, b.nonfinite);
    for (auto f :
         {&Metrics::mse, &Metrics::rmse, &Metrics::mae, &Metrics::maxAbsError, &Metrics::sqnrDb,
          &Metrics::signalPower, &Metrics::errorPower, &Metrics::clippedLow, &Metrics::clippedHigh,
          &Metrics::quantizedBits, &Metrics::bitsPerElement})
        QCOMPARE(bitsOf(a.*f), bitsOf(b.*f));
    QCOMPARE(a.clippedLowCount, b.clippedLowCount);
    QCOMPARE(a.clippedHighCount, b.clippedHighCount);
    QCOMPARE(a.levelsUsed, b.levelsUsed);
    QCOMPARE(a.levelsTotal, b.levelsTotal);
    QCOMPARE(a.quantizedBytes, b.quantizedBytes);
}

// Everything test::compareResults compares, and each slice's sums and every float count.
void compareResults(const QuantResult& a, const QuantResult& b)
{
    test::compareResults(b, a);
    compareMetrics(a.metrics, b.metrics);
    QCOMPARE(a.sliceMetrics.size(), b.sliceMetrics.size());
    for (size_t s = 0; s < a.sliceMetrics.size(); ++s) {
        const SliceMetrics::Sums &x = a.sliceMetrics.sums(s), &y = b.sliceMetrics.sums(s);
        QCOMPARE(x.count, y.count);
        QCOMPARE(x.nonfinite, y.nonfinite);
        QCOMPARE(x.clippedLow, y.clippedLow);
        QCOMPARE(x.clippedHigh, y.clippedHigh);
        QCOMPARE(x.levelsUsed, y.levelsUsed);
        QCOMPARE(bitsOf(x.signalPower), bitsOf(y.signalPower));
        QCOMPARE(bitsOf(x.errorPower), bitsOf(y.errorPower));
        QCOMPARE(bitsOf(x.absError), bitsOf(y.absError));
        QCOMPARE(bitsOf(x.maxAbsError), bitsOf(y.maxAbsError));
    }
    QCOMPARE(a.valueHistogram.counts, b.valueHistogram.counts);
    QCOMPARE(a.errorHistogram.counts, b.errorHistogram.counts);
    for (auto f : {&QuantResult::valueHistogram, &QuantResult::errorHistogram}) {
        QCOMPARE(bitsOf((a.*f).lo), bitsOf((b.*f).lo));
        QCOMPARE(bitsOf((a.*f).hi), bitsOf((b.*f).hi));
        QCOMPARE((a.*f).below, (b.*f).below);
        QCOMPARE((a.*f).above, (b.*f).above);
        QCOMPARE((a.*f).nonfinite, (b.*f).nonfinite);
    }
    QCOMPARE(a.floatCounts.overflow, b.floatCounts.overflow);
    QCOMPARE(a.floatCounts.flushedToZero, b.floatCounts.flushedToZero);
    QCOMPARE(a.floatCounts.subnormal, b.floatCounts.subnormal);
    QCOMPARE(a.warnings, b.warnings);
}

// An ErrorStream that also checks, at every part, that the result has no codes or values
// allocated, and that each element is shown once.
class WatchingStream : public ErrorStream {
public:
    WatchingStream(const Tensor& t, const QuantResult& r)
        : ErrorStream(t.data.data(), t.numel()), m_r(r), m_seen(t.data.size(), 0)
    {
    }
    void ready(int64_t first, const float* xhat, int64_t count) override
    {
        if (m_r.codes.capacity() != 0 || m_r.dequantized.capacity() != 0)
            m_sized = true;
        for (int64_t i = first; i < first + count; ++i)
            ++m_seen[size_t(i)]; // disjoint parts: no two threads touch one element
        ErrorStream::ready(first, xhat, count);
    }
    bool sized() const { return m_sized; }
    bool eachOnce() const
    {
        for (uint8_t v : m_seen)
            if (v != 1)
                return false;
        return true;
    }

private:
    const QuantResult& m_r;
    std::vector<uint8_t> m_seen;
    std::atomic<bool> m_sized{false};
};

void setThreads(int n)
{
#ifdef _OPENMP
    omp_set_num_threads(n);
#else
    (void)n;
#endif
}

} // namespace

class TestStreamedValues : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { setThreads(2); }

    void outputsOffEqualOutputsOn_data()
    {
        QTest::addColumn<int>("index");
        const std::vector<Case> list = cases();
        for (size_t i = 0; i < list.size(); ++i)
            QTest::newRow(list[i].name.c_str()) << int(i);
    }

    void outputsOffEqualOutputsOn()
    {
        QFETCH(int, index);
        const Case c = cases()[size_t(index)];
        QCOMPARE(streamsValues(c.config, c.shape), c.streams);
        const Tensor t = tensorFor(c.shape);
        HistogramRequest h;
        h.valueBins = 64;
        h.errorBins = c.config.isInteger() ? 48 : 0; // fp16 / bf16: measured on written values
        QuantResult first;
        for (int threads : {1, 2}) {
            setThreads(threads);
            QuantResult on, off;
            ErrorStream onStream(t.data.data(), t.numel());
            quantizeInto(t, c.config, on, nullptr, h, nullptr, QuantOutputs{true, true, &onStream});
            QCOMPARE(on.dequantized.size(), t.data.size());
            WatchingStream offStream(t, off);
            quantizeInto(t, c.config, off, nullptr, h, nullptr,
                         QuantOutputs{false, false, &offStream});
            QVERIFY(off.codes.empty() && off.dequantized.empty());
            QVERIFY(offStream.eachOnce());
            QCOMPARE(offStream.sized(), !c.streams);
            compareResults(off, on);
            if (threads == 1)
                first = on;
            else
                compareResults(on, first);
            const PairWalk again = [&](ValueObserver& o) {
                showValues(on.dequantized.data(), t.numel(), o);
            };
            const ReconstructionStats want = onStream.finish(again);
            compareBits(offStream.finish(again), want);
            compareBits(want,
                        reconstructionStats(t.data.data(), on.dequantized.data(), t.numel(), -1));
        }
    }

    // Without an observer the streamed passes make the same numbers and allocate nothing.
    void noObserverNoBuffers()
    {
        for (const Case& c : cases()) {
            if (!c.streams)
                continue;
            const Tensor t = tensorFor(c.shape);
            QuantResult on, off;
            quantizeInto(t, c.config, on, nullptr, HistogramRequest{});
            quantizeInto(t, c.config, off, nullptr, HistogramRequest{}, nullptr,
                         QuantOutputs{false, false, nullptr});
            QCOMPARE(off.codes.capacity(), size_t(0));
            QCOMPARE(off.dequantized.capacity(), size_t(0));
            compareResults(off, on);
        }
    }
};

QTEST_GUILESS_MAIN(TestStreamedValues)
#include "tst_streamed_values.moc"
