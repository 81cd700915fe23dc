// quantizeInto() with QuantOutputs: turning the codes and / or the dequantized values off leaves
// them empty and changes nothing else, bit for bit (metrics, slice metrics, parameters,
// histograms), for the streamed per-tensor integer pass and for the schemes that compute the
// outputs and release them.
#include "core/quant/quantize.h"
#include "tests/support/result_compare.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

using namespace qs;
using qs::test::compareMetrics;
using qs::test::compareResults;

namespace {

// 3 kernel blocks of 2^16 and a tail that is not a whole number of chunks, in rows of 32: normal
// values with a few outliers; nonfinite adds NaN and +-Inf in the second block.
Tensor testTensor(bool nonfinite)
{
    const int64_t n = 3 * 65536 + 12352;
    std::mt19937 gen(20261206);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v)
        x = normal(gen);
    v[1000] = 40.0f;
    v[70000] = -35.0f;
    if (nonfinite) {
        v[65536 + 17] = std::numeric_limits<float>::quiet_NaN();
        v[65536 + 4097] = std::numeric_limits<float>::infinity();
        v[65536 + 9000] = -std::numeric_limits<float>::infinity();
    }
    return Tensor("x", {n / 32, 32}, std::move(v));
}

QuantConfig configNamed(const QString& name)
{
    QuantConfig c;
    if (name == "per-tensor-stochastic") {
        c.rounding = Rounding::Stochastic;
        c.seed = 7;
    } else if (name == "per-tensor-symmetric-4bit") {
        c.scheme = Scheme::Symmetric;
        c.bits = 4;
    } else if (name == "per-channel") {
        c.granularity = Granularity::PerChannel;
        c.axis = 1;
    } else if (name == "per-group") {
        c.granularity = Granularity::PerGroup;
        c.axis = 0;
        c.groupSize = 32;
    } else if (name != "per-tensor") {
        c.scheme = schemeFromName(name.toStdString()); // fp16, q4_0, e4m3, nf4
        c.groupSize = 64;
    }
    return c;
}

} // namespace

class TestQuantOutputs : public QObject {
    Q_OBJECT
private slots:
    void sameResultsWithoutOutputs_data();
    void sameResultsWithoutOutputs();
    void reusedResult();
};

void TestQuantOutputs::sameResultsWithoutOutputs_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<bool>("nonfinite");
    for (const char* name : {"per-tensor", "per-tensor-stochastic", "per-tensor-symmetric-4bit",
                             "per-channel", "per-group", "fp16", "q4_0", "e4m3", "nf4"})
        for (bool nonfinite : {false, true})
            QTest::addRow("%s%s", name, nonfinite ? "-nonfinite" : "")
                << QString(name) << nonfinite;
}

// Each combination of outputs against all of them on: the kept ones equal, the others empty,
// the rest bit for bit.
void TestQuantOutputs::sameResultsWithoutOutputs()
{
    QFETCH(QString, config);
    QFETCH(bool, nonfinite);
    const Tensor t = testTensor(nonfinite);
    const QuantConfig c = configNamed(config);
    HistogramRequest h;
    h.valueBins = 256;
    h.errorBins = 100;
    QuantResult full;
    quantizeInto(t, c, full, nullptr, h);
    QCOMPARE(int64_t(full.dequantized.size()), t.numel());
    QCOMPARE(full.metrics.nonfinite, nonfinite ? 3 : 0);
    for (const QuantOutputs outputs :
         {QuantOutputs{false, false}, QuantOutputs{true, false}, QuantOutputs{false, true}}) {
        QuantResult lean;
        quantizeInto(t, c, lean, nullptr, h, nullptr, outputs);
        compareResults(full, lean);
        QCOMPARE(int64_t(lean.codes.size()), outputs.codes ? t.numel() : 0);
        QCOMPARE(int64_t(lean.dequantized.size()), outputs.dequantized ? t.numel() : 0);
        if (outputs.codes)
            QVERIFY(lean.codes == full.codes);
        if (outputs.dequantized)
            QVERIFY(std::memcmp(lean.dequantized.data(), full.dequantized.data(),
                                full.dequantized.size() * sizeof(float)) == 0);
    }
}

// One result reused with the outputs off, on and off again: each call as a fresh one.
void TestQuantOutputs::reusedResult()
{
    const Tensor t = testTensor(false);
    QuantConfig c;
    const QuantResult fresh = quantize(t, c);
    QuantResult r;
    const QuantOutputs none{false, false};
    quantizeInto(t, c, r, nullptr, HistogramRequest(), nullptr, none);
    QVERIFY(r.codes.empty());
    QVERIFY(r.dequantized.empty());
    compareMetrics(fresh.metrics, r.metrics);
    quantizeInto(t, c, r);
    QVERIFY(r.codes == fresh.codes);
    QCOMPARE(r.dequantized, fresh.dequantized);
    quantizeInto(t, c, r, nullptr, HistogramRequest(), nullptr, none);
    QVERIFY(r.codes.empty());
    QVERIFY(r.dequantized.empty());
    compareMetrics(fresh.metrics, r.metrics);
}

QTEST_APPLESS_MAIN(TestQuantOutputs)
#include "tst_quant_outputs.moc"
