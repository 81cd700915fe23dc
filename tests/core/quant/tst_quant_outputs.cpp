// quantizeInto() with QuantOutputs: turning the codes and / or the dequantized values off leaves
// them empty and changes nothing else, bit for bit (metrics, slice metrics, parameters,
// histograms), for the streamed per-tensor integer pass and for the schemes that compute the
// outputs and release them.
#include "core/config/choices.h"
#include "core/io/imatrix.h"
#include "core/quant/quantize.h"
#include "tests/support/result_compare.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <random>
#include <set>
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

// Records every value a pass shows (and its sample), each element exactly once, and where the
// values lay: x^ of element i at xhat + (i - first) in a tensor-sized array gives one origin
// xhat - first for every part; windows reused from part to part give many.
class Recorder : public ValueObserver {
public:
    explicit Recorder(int64_t n) : values(size_t(n), 0.0f), seen(size_t(n), 0) {}
    int64_t sampleStride(int64_t parts, int64_t) const override { return parts >= 14 ? 7 : 2; }
    void sample(int64_t first, const float* xhat, int64_t count) override
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        sampled.emplace_back(first, std::vector<float>(xhat, xhat + count));
    }
    void ready(int64_t first, const float* xhat, int64_t count) override
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        origins.insert(reinterpret_cast<uintptr_t>(xhat) - uintptr_t(first) * sizeof(float));
        for (int64_t k = 0; k < count; ++k) {
            values[size_t(first + k)] = xhat[k];
            ++seen[size_t(first + k)];
        }
    }
    std::vector<float> values;
    std::vector<int> seen;
    std::vector<std::pair<int64_t, std::vector<float>>> sampled;
    std::set<uintptr_t> origins;

private:
    std::mutex m_mutex;
};

// 256 rows of 1024 (whole blocks of every low-bit format, above the threading thresholds), with
// outliers and, if asked, NaN and +-Inf.
Tensor lowbitTensor(bool nonfinite)
{
    std::mt19937 gen(7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(size_t(256 * 1024));
    for (float& x : v)
        x = normal(gen);
    for (size_t k = 0; k < v.size(); k += 4099)
        v[k] *= 30.0f;
    if (nonfinite) {
        v[3] = std::numeric_limits<float>::quiet_NaN();
        v[70000] = std::numeric_limits<float>::infinity();
        v[200001] = -std::numeric_limits<float>::infinity();
    }
    return Tensor("w", {256, 1024}, std::move(v));
}

bool sameFloats(const float* a, const float* b, size_t n)
{
    return std::memcmp(a, b, n * sizeof(float)) == 0;
}

} // namespace

class TestQuantOutputs : public QObject {
    Q_OBJECT
private slots:
    void sameResultsWithoutOutputs_data();
    void sameResultsWithoutOutputs();
    void reusedResult();
    void lowbitWindows_data();
    void lowbitWindows();
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

void TestQuantOutputs::lowbitWindows_data()
{
    QTest::addColumn<int>("scheme");
    QTest::addColumn<bool>("nonfinite");
    QTest::addColumn<bool>("weighted");
    QTest::addColumn<int>("width"); // bytes per stored code
    for (const Choice<Scheme>& c : choices<Scheme>()) {
        if (!isLowbitScheme(c.value))
            continue;
        for (bool nonfinite : {false, true})
            QTest::addRow("%s%s", c.name, nonfinite ? "-nonfinite" : "")
                << int(c.value) << nonfinite << false << 1;
    }
    QTest::addRow("q4_k-importance") << int(Scheme::Q4_K) << false << true << 1;
    QTest::addRow("iq4_xs-importance") << int(Scheme::IQ4_XS) << true << true << 1;
    QTest::addRow("codebook-300") << int(Scheme::Codebook) << true << false << 2; // > 256 codes
}

// A low-bit format with no codes, values or error histogram asked for makes each part in a
// window that stays in cache: the observer sees every value once, bit for bit those of the
// full pass, from many places (not one tensor-sized array); the result holds no per-element
// output and everything else equals the full pass bit for bit.
void TestQuantOutputs::lowbitWindows()
{
    QFETCH(int, scheme);
    QFETCH(bool, nonfinite);
    QFETCH(bool, weighted);
    QFETCH(int, width);
    const Tensor t = lowbitTensor(nonfinite);
    QuantConfig c;
    c.scheme = Scheme(scheme);
    c.groupSize = 64;
    c.bits = 3;
    if (c.scheme == Scheme::Codebook && width == 1)
        c.codebook = {-1.0, -0.4, -0.1, 0.0, 0.2, 0.5, 1.0};
    for (int k = 0; width == 2 && k < 300; ++k)
        c.codebook.push_back(-1.0 + k / 149.5);
    Importance imp;
    imp.source.columns = 1024;
    imp.source.groups = 1;
    for (int64_t j = 0; j < 1024; ++j)
        imp.values.push_back(float(1 + j % 5));
    const Importance* steer = weighted ? &imp : nullptr;
    HistogramRequest values;
    values.valueBins = 64; // needs no x^: still windows
    QuantResult full;
    quantizeInto(t, c, full, nullptr, values, steer);
    QCOMPARE(int64_t(full.dequantized.size()), t.numel());
    QCOMPARE(full.codes.width(), width); // the narrowest that holds the format's codes
    Recorder seen(t.numel());
    QuantResult lean;
    quantizeInto(t, c, lean, nullptr, values, steer, QuantOutputs{false, false, &seen});
    compareResults(full, lean);
    QVERIFY(lean.codes.empty() && lean.dequantized.empty());
    QVERIFY(sameFloats(seen.values.data(), full.dequantized.data(), full.dequantized.size()));
    QVERIFY(std::all_of(seen.seen.begin(), seen.seen.end(), [](int k) { return k == 1; }));
    QVERIFY2(seen.origins.size() > 1, "the values came from one tensor-sized array");
    QVERIFY(!seen.sampled.empty());
    for (const auto& [first, part] : seen.sampled)
        QVERIFY(sameFloats(part.data(), full.dequantized.data() + first, part.size()));
}

QTEST_APPLESS_MAIN(TestQuantOutputs)
#include "tst_quant_outputs.moc"
