// Tests of ErrorStream (error_percentiles.h): statistics of x^ shown part by part equal
// reconstructionStats() of the whole arrays bit for bit, whatever the parts, their order and the
// threads that show them; and the model report, which measures each scheme in its quantization
// pass, equals the two-step path (quantize() with every output, then reconstructionStats() of
// its dequantized values) for every class of scheme, with and without importance, on tensors
// large enough that the passes use every thread.
#include "core/io/npy.h"
#include "core/io/safetensors_writer.h"
#include "core/io/tensor_file.h"
#include "core/model/error_percentiles.h"
#include "core/model/model_report.h"
#include "core/quant/quantize.h"
#include "tests/support/random_tensor.h"
#include "tests/support/reconstruction_compare.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace qs;
using qs::test::bitsOf;
using qs::test::compareBits;

namespace {

// x with heavy tails and a few non-finite values; x^ on a coarse grid, or (fine) x scaled and
// shifted a little, whose products with x use every bit of a double, so that their sums round
// and depend on the order of the additions.
void makePair(int64_t n, uint32_t seed, std::vector<float>& x, std::vector<float>& xh,
              bool fine = false)
{
    x = test::randomTensor({n}, seed).data;
    for (int64_t i = 0; i < n; i += 977)
        x[size_t(i)] *= 40.0f;
    x[7] = std::nanf("");
    x[size_t(n / 2)] = INFINITY;
    xh.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i)
        xh[size_t(i)] = fine ? x[size_t(i)] * 0.99902344f + 0.00024414f
                             : std::round(x[size_t(i)] * 8.0f) / 8.0f;
}

// Shows x^ in parts of `part` elements: the sample first, then every part in a shuffled order
// (the threads of a pass are the report test's part).
void showShuffled(const std::vector<float>& xh, int64_t part, uint32_t seed, ValueObserver& o)
{
    const int64_t n = int64_t(xh.size()), parts = (n + part - 1) / part;
    if (const int64_t k = o.sampleStride(parts, n)) {
        for (int64_t j = 0; j < sampledParts(parts, k); ++j) {
            const int64_t i0 = sampledPart(j, k) * part;
            o.sample(i0, xh.data() + i0, std::min(part, n - i0));
        }
        o.sampled();
    }
    std::vector<int64_t> order(static_cast<size_t>(parts));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    for (int64_t k = 0; k < parts; ++k) {
        const int64_t i0 = order[size_t(k)] * part;
        o.ready(i0, xh.data() + i0, std::min(part, n - i0));
    }
}

struct Written {
    std::string path, imatrix;
};

// A model of a tensor above the threading thresholds and a small one, and an importance vector
// for their 1024 columns.
Written writeModel(const QTemporaryDir& dir)
{
    Written w{dir.filePath("m.safetensors").toStdString(), dir.filePath("i.npy").toStdString()};
    const std::vector<SafetensorsEntry> model = {{"big.weight", "F32", {1024, 1024}},
                                                 {"small.weight", "BF16", {48, 1024}}};
    writeSafetensors(w.path, model, [](size_t i, std::vector<float>& v) {
        v = test::randomTensor({int64_t(v.size())}, uint32_t(31 + i)).data;
        for (size_t k = 0; k < v.size(); k += 1031)
            v[k] *= 25.0f; // outliers
        v[5] = std::nanf("");
    });
    std::vector<float> a(1024);
    for (size_t j = 0; j < a.size(); ++j)
        a[j] = float(1 + j % 7) * 0.5f;
    writeNpyFloat32(w.imatrix, {1024}, a);
    return w;
}

// Every class of scheme: integer per tensor, per channel and per group, the GGML types, MX,
// NVFP4, float8, code books, Lloyd-Max (measured after its pass) and fp16.
std::vector<ModelScheme> everyClass()
{
    std::vector<ModelScheme> schemes = parseModelSchemes(
        "q8_0,q4_0,q4_1,q5_k,q4_k,iq4_xs,mxfp4,nvfp4,e4m3,nf4,lloyd-max,fp16", {});
    for (Granularity g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup}) {
        QuantConfig c;
        c.scheme = Scheme::Asymmetric;
        c.bits = 4;
        c.granularity = g;
        c.groupSize = 128;
        schemes.push_back({"int4-" + std::to_string(int(g)), c});
    }
    return schemes;
}

} // namespace

class TestErrorStream : public QObject {
    Q_OBJECT

private slots:
    void partsInAnyOrderEqualArrays()
    {
        for (int64_t n : {int64_t(20000), int64_t(300007), int64_t(70001)}) {
            std::vector<float> x, xh;
            makePair(n, uint32_t(n), x, xh, n == 70001);
            std::vector<float> w(1000);
            for (size_t c = 0; c < w.size(); ++c)
                w[c] = float(1 + c % 3);
            const ColumnWeights weights{n % 1000 == 0 ? w.data() : nullptr, 1000, 1};
            const ReconstructionStats want =
                reconstructionStats(x.data(), xh.data(), n, -1, weights);
            const PairWalk again = [&](ValueObserver& o) { showShuffled(xh, 4099, 5, o); };
            // 101: parts that start at every lane of the sums' four (error_terms.h).
            for (int64_t part : {int64_t(100), int64_t(101), int64_t(2048), int64_t(40000)}) {
                ErrorStream stream(x.data(), n, weights);
                showShuffled(xh, part, uint32_t(part), stream);
                compareBits(stream.finish(again), want);
            }
        }
    }

    // A sample unlike the pass (x^ of another grid, ten times finer): the windows of bins it
    // picks miss both order statistics, so finish() takes the further pass, with the same result.
    void misleadingSampleTakesFurtherPass()
    {
        const int64_t n = 300007;
        std::vector<float> x, xh;
        makePair(n, 17, x, xh);
        std::vector<float> finer(xh.size());
        for (size_t i = 0; i < xh.size(); ++i)
            finer[i] = std::round(x[i] * 80.0f) / 80.0f;
        const ReconstructionStats want = reconstructionStats(x.data(), xh.data(), n, -1);
        ErrorStream stream(x.data(), n);
        const int64_t part = 1000, parts = (n + part - 1) / part;
        const int64_t k = stream.sampleStride(parts, n);
        QVERIFY(k > 0);
        for (int64_t j = 0; j < sampledParts(parts, k); ++j) {
            const int64_t i0 = sampledPart(j, k) * part;
            stream.sample(i0, finer.data() + i0, std::min(part, n - i0));
        }
        stream.sampled();
        for (int64_t i0 = 0; i0 < n; i0 += part)
            stream.ready(i0, xh.data() + i0, std::min(part, n - i0));
        int walks = 0;
        const PairWalk again = [&](ValueObserver& o) {
            ++walks;
            showShuffled(xh, 4099, 5, o);
        };
        compareBits(stream.finish(again), want);
        QVERIFY(walks > 0);
    }

    void reportEqualsTwoStepPath()
    {
        QTemporaryDir dir;
        const Written w = writeModel(dir);
        const std::vector<ModelScheme> schemes = everyClass();
        const Importance imp = loadImportanceNpy(w.imatrix);
        const ColumnWeights weights{imp.values.data(), imp.source.columns, imp.source.groups};
        for (bool weighted : {false, true}) {
            ModelReportOptions o;
            o.imatrixPath = weighted ? w.imatrix : std::string();
            const ModelReport rep = computeModelReport(w.path, schemes, o);
            QCOMPARE(rep.tensors.size(), size_t(2));
            for (const TensorReport& tr : rep.tensors) {
                const Tensor t = loadTensor(w.path, tr.name);
                for (size_t s = 0; s < schemes.size(); ++s) {
                    const QuantConfig& c = schemes[s].config;
                    const Importance* steer =
                        weighted && hasImportancePath(c.scheme) ? &imp : nullptr;
                    const QuantResult r = quantize(t, c, nullptr, steer);
                    const ReconstructionStats st = reconstructionStats(
                        t.data.data(), r.dequantized.data(), t.numel(), r.metrics.maxAbsError,
                        weighted ? weights : ColumnWeights{});
                    const SchemeMetrics& m = tr.results[size_t(s)];
                    const std::string what = tr.name + " " + schemes[s].name;
                    QVERIFY2(m.ok, what.c_str());
                    const double norms =
                        std::sqrt(r.metrics.signalPower) * std::sqrt(st.reconEnergy);
                    QCOMPARE(bitsOf(m.cosine), bitsOf(st.dot / norms));
                    QCOMPARE(bitsOf(m.medianAbsError), bitsOf(st.medianAbsError));
                    QCOMPARE(bitsOf(m.p95AbsError), bitsOf(st.p95AbsError));
                    QCOMPARE(bitsOf(m.weightedSse), bitsOf(st.weightedSse));
                    QCOMPARE(bitsOf(m.rmse), bitsOf(r.metrics.rmse));
                    QVERIFY2(weighted == !std::isnan(m.weightedSse), what.c_str());
                }
            }
        }
    }

    // A per-tensor integer scheme leaves no codes or values behind when none are asked for, and
    // its values still reach the observer.
    void noTensorSizedOutputs()
    {
        std::vector<float> x, xh;
        makePair(200000, 3, x, xh);
        const Tensor t("t", {200000}, x);
        QuantConfig c;
        c.scheme = Scheme::Symmetric;
        const QuantResult full = quantize(t, c);
        ErrorStream stream(x.data(), t.numel());
        QuantResult r;
        quantizeInto(t, c, r, nullptr, HistogramRequest{}, nullptr,
                     QuantOutputs{false, false, &stream});
        QVERIFY(r.codes.empty());
        QVERIFY(r.dequantized.empty());
        const PairWalk again = [&](ValueObserver& o) {
            showValues(full.dequantized.data(), t.numel(), o);
        };
        compareBits(stream.finish(again),
                    reconstructionStats(x.data(), full.dequantized.data(), t.numel(), -1));
    }
};

QTEST_GUILESS_MAIN(TestErrorStream)
#include "tst_error_stream.moc"
