// Tests of the model report: a small multi-tensor safetensors model written here, each tensor's
// metrics equal to a direct quantize() of that tensor with that scheme (the same code path, so
// the doubles are equal bit for bit), error percentiles equal to those of the sorted errors,
// totals equal to hand sums, llama.cpp's fallback types on rows of 96 and 100, 1-D tensors
// kept as stored, include / exclude patterns, a bad pattern, importance, scheme names, cancel,
// tensors measured side by side equal to one thread's.
#include "core/config/presets.h"
#include "core/io/npy.h"
#include "core/io/safetensors_writer.h"
#include "core/io/tensor_file.h"
#include "core/model/error_percentiles.h"
#include "core/model/model_report.h"
#include "core/model/model_report_writers.h"
#include "core/quant/quantize.h"
#include "tests/support/random_tensor.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#if __has_include(<omp.h>)
#include <omp.h>
#define QS_TEST_OMP 1
#endif

using namespace qs;
using namespace qs::test;

namespace {

const std::vector<SafetensorsEntry> kModel = {
    {"model.layers.0.self_attn.q_proj.weight", "F32", {64, 256}},
    {"model.layers.0.input_layernorm.weight", "F32", {256}},
    {"model.layers.0.mlp.down_proj.weight", "BF16", {32, 512}},
    {"model.layers.1.self_attn.q_proj.weight", "F32", {64, 256}},
    {"model.layers.1.mlp.up_proj.weight", "F32", {16, 100}},
    {"lm_head.weight", "BF16", {8, 96}},
};

// |x - x^| over the finite x, ascending (a NaN error ranks as infinite).
std::vector<double> sortedErrors(const std::vector<float>& x, const std::vector<float>& xh)
{
    std::vector<double> e;
    for (size_t i = 0; i < x.size(); ++i)
        if (std::isfinite(x[i])) {
            const double d = std::fabs(double(x[i]) - double(xh[i]));
            e.push_back(std::isnan(d) ? HUGE_VAL : d);
        }
    std::sort(e.begin(), e.end());
    return e;
}

// numpy.percentile (linear) of sorted values.
double percentileOf(const std::vector<double>& e, double p)
{
    const double pos = p * double(e.size() - 1);
    const size_t lo = size_t(pos), hi = std::min(e.size() - 1, lo + 1);
    return e[lo] + (pos - double(lo)) * (e[hi] - e[lo]);
}

void compareToDirect(const Tensor& t, const SchemeMetrics& m, const QuantConfig& config,
                     const Importance* imp = nullptr)
{
    QVERIFY(m.ok);
    const QuantResult r = quantize(t, config, nullptr, imp);
    QCOMPARE_EXACT(m.rmse, r.metrics.rmse);
    QCOMPARE_EXACT(m.sqnrDb, r.metrics.sqnrDb);
    QCOMPARE_EXACT(m.maxAbsError, r.metrics.maxAbsError);
    QCOMPARE_EXACT(m.sse, r.metrics.errorPower);
    QCOMPARE_EXACT(m.signalEnergy, r.metrics.signalPower);
    QCOMPARE_EXACT(m.bitsPerElement, r.metrics.bitsPerElement);
    QCOMPARE(m.bytes, r.metrics.quantizedBytes);
    const double rms = std::sqrt(r.metrics.signalPower / double(r.metrics.count));
    QCOMPARE_EXACT(m.relRmse, r.metrics.rmse / rms);
    QCOMPARE_EXACT(m.maxAbsErrorRel, r.metrics.maxAbsError / rms);
    // The products summed as error_percentiles.h documents: per block of 32768 elements in four
    // lanes (element i of the block in lane i % 4), the blocks in order.
    double dot = 0, hh = 0;
    const size_t n = t.data.size(), block = 32768;
    for (size_t b0 = 0; b0 < n; b0 += block) {
        double d[4] = {0, 0, 0, 0}, h[4] = {0, 0, 0, 0};
        for (size_t i = b0; i < std::min(n, b0 + block); ++i) {
            d[(i - b0) % 4] += double(t.data[i]) * double(r.dequantized[i]);
            h[(i - b0) % 4] += double(r.dequantized[i]) * double(r.dequantized[i]);
        }
        dot += (d[0] + d[1]) + (d[2] + d[3]);
        hh += (h[0] + h[1]) + (h[2] + h[3]);
    }
    QCOMPARE_EXACT(m.cosine, dot / (std::sqrt(r.metrics.signalPower) * std::sqrt(hh)));
    const std::vector<double> e = sortedErrors(t.data, r.dequantized);
    QCOMPARE_EXACT(m.medianAbsError, percentileOf(e, 0.5));
    QCOMPARE_EXACT(m.p95AbsError, percentileOf(e, 0.95));
}

// An importance vector for 256 columns, 1 + j % period, written as `name` in dir.
std::string writeImportance(const QTemporaryDir& dir, const char* name, size_t period)
{
    std::vector<float> a(256);
    for (size_t j = 0; j < a.size(); ++j)
        a[j] = float(1 + j % period);
    const std::string npy = dir.filePath(name).toStdString();
    writeNpyFloat32(npy, {256}, a);
    return npy;
}

} // namespace

class TestModelReport : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::string m_model;

private slots:
    void initTestCase();
    void writerRoundTrip();
    void parseSchemes();
    void fallbackTypes();
    void metricsEqualDirectQuantize();
    void aggregatesAreHandSums();
    void includeExclude();
    void badPattern();
    void importance();
    void percentilesOfHeavyBins();
    void cancel();
    void sideBySideEqualsOneThread();
};

void TestModelReport::initTestCase()
{
    m_dir = scratchDir("model");
    QVERIFY(m_dir->isValid());
    m_model = m_dir->filePath("model.safetensors").toStdString();
    writeSafetensors(m_model, kModel, [](size_t i, std::vector<float>& v) {
        const Tensor r = randomTensor({int64_t(v.size())}, uint32_t(100 + i), i == 3 ? 40.0 : 0);
        v = r.data;
    });
}

void TestModelReport::writerRoundTrip()
{
    const std::vector<TensorInfo> infos = listTensors(m_model);
    QCOMPARE(infos.size(), kModel.size());
    for (size_t i = 0; i < infos.size(); ++i) {
        QCOMPARE(infos[i].name, kModel[i].name);
        QCOMPARE(infos[i].dtype, kModel[i].dtype);
        QVERIFY(infos[i].shape == kModel[i].shape);
    }
    // bf16 rounds to nearest even: the stored value of element 0 of lm_head.weight.
    const float x = randomTensor({768}, 105).data[0];
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    const uint32_t rounded = ((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16) << 16;
    float expected;
    std::memcpy(&expected, &rounded, 4);
    QCOMPARE_EXACT(loadTensor(m_model, "lm_head.weight").data[0], expected);
}

void TestModelReport::parseSchemes()
{
    QuantConfig base;
    base.rounding = Rounding::HalfAway;
    const std::vector<ModelScheme> s =
        parseModelSchemes("q4_k, ggml-q4_0,int8-channel,uint4-g64", base);
    QCOMPARE(s.size(), size_t(4));
    QCOMPARE(s[0].name, std::string("q4_k"));
    QCOMPARE(int(s[0].config.scheme), int(Scheme::Q4_K));
    QCOMPARE(int(s[0].config.rounding), int(Rounding::HalfAway)); // from base
    QVERIFY(s[1].config == presetByName("ggml-q4_0").config);
    QCOMPARE(int(s[2].config.scheme), int(Scheme::Symmetric));
    QCOMPARE(s[2].config.bits, 8);
    QCOMPARE(int(s[2].config.granularity), int(Granularity::PerChannel));
    QCOMPARE(s[2].config.axis, 0);
    QCOMPARE(int(s[3].config.scheme), int(Scheme::Asymmetric));
    QCOMPARE(s[3].config.bits, 4);
    QCOMPARE(int(s[3].config.granularity), int(Granularity::PerGroup));
    QCOMPARE(s[3].config.groupSize, int64_t(64));
    try {
        parseModelSchemes("q8_0,q9_9", base);
        QFAIL("an unknown name was accepted");
    } catch (const Error& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains("'q9_9'") && msg.contains("ggml-q4_0") && msg.contains("iq4_xs") &&
                     msg.contains("int8-channel"),
                 qPrintable(msg));
    }
    QVERIFY_THROWS_EXCEPTION(Error, parseModelSchemes("q8_0,,nf4", base));
    QVERIFY_THROWS_EXCEPTION(Error, parseModelSchemes("nf4,nf4", base));
}

void TestModelReport::fallbackTypes()
{
    QuantConfig c;
    const struct {
        Scheme scheme;
        int64_t row;
        const char* fallback;
        bool skipped;
    } rows[] = {
        {Scheme::Q4_K, 512, "", false},      {Scheme::Q4_K, 96, "q5_0", false},
        {Scheme::Q4_K, 100, "fp16", false},  {Scheme::Q2_K, 96, "iq4_nl", false},
        {Scheme::Q3_K, 32, "iq4_nl", false}, {Scheme::IQ4_XS, 64, "iq4_nl", false},
        {Scheme::Q5_K, 96, "q5_1", false},   {Scheme::Q6_K, 160, "q8_0", false},
        {Scheme::Q6_K, 100, "fp16", false},  {Scheme::Q8_0, 96, "", false},
        {Scheme::Q8_0, 100, "", true},       {Scheme::IQ4_NL, 100, "", true},
        {Scheme::NF4, 100, "", false},
    };
    for (const auto& r : rows) {
        c.scheme = r.scheme;
        const SchemeApplication a = applySchemeToShape(c, {7, r.row});
        QCOMPARE(a.fallback, std::string(r.fallback));
        QCOMPARE(!a.skipped.empty(), r.skipped);
        if (!a.fallback.empty())
            QCOMPARE(toName(a.config.scheme), a.fallback);
        else
            QCOMPARE(int(a.config.scheme), int(r.scheme));
    }
    c.scheme = Scheme::Q8_0;
    QCOMPARE(QString::fromStdString(applySchemeToShape(c, {3, 100}).skipped),
             QString("row length 100 is not a multiple of 32, which q8_0 needs (llama.cpp "
                     "refuses such a tensor)"));
}

void TestModelReport::metricsEqualDirectQuantize()
{
    const std::vector<ModelScheme> schemes =
        parseModelSchemes("q8_0,q4_k,nf4,int8-channel", QuantConfig{});
    const ModelReport rep = computeModelReport(m_model, schemes);
    QCOMPARE(rep.tensors.size(), kModel.size());
    QVERIFY(rep.percentileMethod.rfind("exact", 0) == 0);
    for (size_t i = 0; i < kModel.size(); ++i) {
        const TensorReport& tr = rep.tensors[i];
        QCOMPARE(tr.name, kModel[i].name);
        QVERIFY(tr.shape == kModel[i].shape);
        QCOMPARE(tr.stored, kModel[i].dtype);
        QCOMPARE(tr.params, shapeProduct(kModel[i].shape));
        const Tensor t = loadTensor(m_model, tr.name);
        for (size_t s = 0; s < schemes.size(); ++s) {
            const SchemeMetrics& m = tr.results[s];
            const SchemeApplication a = applySchemeToShape(schemes[s].config, t.shape);
            QCOMPARE(m.fallback, a.fallback);
            if (t.rank() == 1) {
                QVERIFY(!m.ok);
                QCOMPARE(m.skipped, std::string("kept as stored (1-D)"));
                QCOMPARE(m.bytes, int64_t(256 * 4));
                QCOMPARE_EXACT(m.bitsPerElement, 32.0);
                QCOMPARE_EXACT(m.sse, 0.0);
            } else if (!a.skipped.empty()) {
                QVERIFY(!m.ok);
                QCOMPARE(m.skipped, a.skipped);
                QCOMPARE(m.bytes, int64_t(16 * 100 * 4));
            } else {
                compareToDirect(t, m, a.config);
            }
        }
    }
    // The fallbacks of the last two tensors (rows of 100 and 96).
    QCOMPARE(rep.tensors[4].results[1].fallback, std::string("fp16"));
    QVERIFY(!rep.tensors[4].results[0].ok);
    QCOMPARE(rep.tensors[5].results[1].fallback, std::string("q5_0"));
    QCOMPARE(rep.tensors[5].role.kind, TensorKind::Output);
}

void TestModelReport::aggregatesAreHandSums()
{
    const std::vector<ModelScheme> schemes = parseModelSchemes("q4_k,int8-channel", {});
    const ModelReport rep = computeModelReport(m_model, schemes);
    for (size_t s = 0; s < schemes.size(); ++s) {
        int64_t params = 0, bytes = 0, qParams = 0, qBytes = 0;
        double signal = 0, sse = 0, qSignal = 0, qSse = 0;
        for (const TensorReport& tr : rep.tensors) {
            params += tr.params;
            bytes += tr.results[s].bytes;
            signal += tr.results[s].signalEnergy;
            sse += tr.results[s].sse;
            if (tr.role.kind == TensorKind::AttnQ) {
                qParams += tr.params;
                qBytes += tr.results[s].bytes;
                qSignal += tr.results[s].signalEnergy;
                qSse += tr.results[s].sse;
            }
        }
        const SchemeTotals& t = rep.totals[s];
        QCOMPARE(t.params, params);
        QCOMPARE(t.params, int64_t(64 * 256 * 2 + 256 + 32 * 512 + 1600 + 768));
        QCOMPARE(t.bytes, bytes);
        QCOMPARE(t.tensors, int64_t(6));
        QCOMPARE_EXACT(t.sse, sse);
        QCOMPARE_EXACT(t.sqnrDb, 10 * std::log10(signal / sse));
        QCOMPARE_EXACT(t.relRmse, std::sqrt(sse / signal));
        QCOMPARE_EXACT(t.bitsPerElement, 8.0 * double(bytes) / double(params));
        const SchemeTotals& q = rep.kinds.at("attn_q")[s];
        QCOMPARE(q.tensors, int64_t(2));
        QCOMPARE(q.params, qParams);
        QCOMPARE(q.bytes, qBytes);
        QCOMPARE_EXACT(q.sqnrDb, 10 * std::log10(qSignal / qSse));
        const SchemeTotals& l1 = rep.layers.at(1)[s];
        QCOMPARE(l1.tensors, int64_t(2));
        QCOMPARE(l1.params, int64_t(64 * 256 + 1600));
        QCOMPARE_EXACT(l1.sse, rep.tensors[3].results[s].sse + rep.tensors[4].results[s].sse);
    }
    QCOMPARE(rep.layers.size(), size_t(2));
    QCOMPARE(rep.kinds.count("norm"), size_t(1));
    QCOMPARE(rep.kinds.at("output")[0].tensors, int64_t(1));
    // Worst first by the first scheme: layer 1's q_proj (an outlier of 40) before layer 0's.
    const std::vector<size_t> order = worstFirst(rep, 0);
    QCOMPARE(order.size(), size_t(6));
    QCOMPARE(order.back(), size_t(1)); // the kept norm last
    for (size_t i = 1; i + 1 < order.size(); ++i)
        QVERIFY(rep.tensors[order[i - 1]].results[0].relRmse >=
                rep.tensors[order[i]].results[0].relRmse);
}

void TestModelReport::includeExclude()
{
    const std::vector<ModelScheme> schemes = parseModelSchemes("q8_0", {});
    ModelReportOptions o;
    o.include = "q_proj|lm_";
    o.exclude = "layers\\.1\\.";
    const ModelReport rep = computeModelReport(m_model, schemes, o);
    QCOMPARE(rep.tensors.size(), size_t(2));
    QCOMPARE(rep.tensors[0].name, std::string("model.layers.0.self_attn.q_proj.weight"));
    QCOMPARE(rep.tensors[1].name, std::string("lm_head.weight"));
    QCOMPARE(rep.totals[0].params, int64_t(64 * 256 + 768));
}

void TestModelReport::badPattern()
{
    ModelReportOptions o;
    o.exclude = "mlp.(up";
    try {
        computeModelReport(m_model, parseModelSchemes("q8_0", {}), o);
        QFAIL("a bad pattern was accepted");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).startsWith("the exclude pattern 'mlp.(up' is not a valid "
                                              "regular expression"),
                 e.what());
    }
}

void TestModelReport::importance()
{
    const std::string npy = writeImportance(*m_dir, "imp.npy", 5);
    ModelReportOptions o;
    o.imatrixPath = npy;
    o.include = "proj";
    const std::vector<ModelScheme> schemes = parseModelSchemes("q4_k,q8_0", {});
    const ModelReport rep = computeModelReport(m_model, schemes, o);
    QCOMPARE(rep.tensors.size(), size_t(4));
    const Importance imp = loadImportanceNpy(npy);
    for (size_t i : {size_t(0), size_t(2)}) { // the q_proj tensors, 256 columns
        const TensorReport& tr = rep.tensors[i];
        QCOMPARE(tr.importance, npy);
        const Tensor t = loadTensor(m_model, tr.name);
        compareToDirect(t, tr.results[0], schemes[0].config, &imp); // q4_k takes the importance
        compareToDirect(t, tr.results[1], schemes[1].config);       // q8_0 has no weighted path
        for (size_t s = 0; s < 2; ++s) {
            const QuantResult r = quantize(t, schemes[s].config, nullptr, s == 0 ? &imp : nullptr);
            double w = 0;
            for (size_t k = 0; k < t.data.size(); ++k) {
                const double e = double(t.data[k]) - double(r.dequantized[k]);
                w += double(1 + (k % 256) % 5) * e * e; // the vector writeImportance wrote
            }
            QCOMPARE_EXACT(tr.results[s].weightedSse, w);
        }
    }
    QVERIFY(std::isnan(rep.tensors[1].results[0].weightedSse)); // 512 columns: no fit
    QVERIFY(rep.tensors[1].importance.empty());
    QCOMPARE(rep.warnings.size(), size_t(1));
    QVERIFY2(QString::fromStdString(rep.warnings[0]).contains("2 of 4 quantized tensors"),
             rep.warnings[0].c_str());
    QCOMPARE_EXACT(rep.totals[0].weightedSse,
                   rep.tensors[0].results[0].weightedSse + rep.tensors[2].results[0].weightedSse);
    QCOMPARE_EXACT(rep.kinds.at("attn_q")[0].weightedShare, 1.0);
}

void TestModelReport::percentilesOfHeavyBins()
{
    // 2.5M errors of one value, 1M spread ones, zeros, a NaN reconstruction and an infinite x:
    // the bins of the order statistics are too big to gather and are split again.
    const int64_t n = 3600000;
    std::vector<float> x(size_t(n), 0.0f), xh(size_t(n), 0.0f);
    const std::vector<int64_t> r = lcgInts(n, 7, 20);
    for (int64_t i = 0; i < n; ++i) {
        if (i % 36 < 25)
            xh[size_t(i)] = 0.5f;
        else if (i % 36 < 35)
            xh[size_t(i)] = float(r[size_t(i)]) * 1e-6f;
    }
    xh[17] = std::nanf("");
    x[18] = INFINITY;
    std::vector<double> e = sortedErrors(x, xh);
    // The largest error measured, or given (then the first pass gathers the bins the
    // percentiles should lie in, and gives up on a bin too big).
    for (double maxAbs : {-1.0, 0.6}) {
        const ReconstructionStats st = reconstructionStats(x.data(), xh.data(), n, maxAbs);
        QCOMPARE_EXACT(st.medianAbsError, percentileOf(e, 0.5));
        QCOMPARE_EXACT(st.p95AbsError, percentileOf(e, 0.95));
        QCOMPARE_EXACT(st.medianAbsError, 0.5);
    }
    // A uniform spread, small enough to gather at once; the largest error given (above the
    // real one: bins still order the values).
    for (int64_t i = 0; i < n; ++i)
        xh[size_t(i)] = float(r[size_t(i)]) * 1e-6f;
    const ReconstructionStats u = reconstructionStats(x.data(), xh.data(), n, 0.6);
    e = sortedErrors(x, xh);
    QCOMPARE_EXACT(u.medianAbsError, percentileOf(e, 0.5));
    QCOMPARE_EXACT(u.p95AbsError, percentileOf(e, 0.95));
}

void TestModelReport::cancel()
{
    const std::vector<ModelScheme> schemes = parseModelSchemes("q8_0", {});
    CancelToken token;
    ModelReportOptions o;
    o.cancel = &token;
    std::vector<int> seen;
    o.progress = [&](int done, int total, const std::string&) {
        QCOMPARE(total, 6);
        seen.push_back(done);
        if (done == 2)
            token.cancel();
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled, computeModelReport(m_model, schemes, o));
    QVERIFY(seen == std::vector<int>({0, 1, 2})); // the first four are measured one at a time
    seen.clear();
    CancelToken never;
    o.cancel = &never;
    const std::thread::id caller = std::this_thread::get_id();
    bool onCaller = true;
    o.progress = [&](int done, int, const std::string&) {
        seen.push_back(done);
        onCaller = onCaller && std::this_thread::get_id() == caller;
    };
    computeModelReport(m_model, schemes, o);
    // The last two are small enough to be measured side by side: the calling thread reports the
    // ones it takes (none, one or both, as the threads come), each once.
    QVERIFY(onCaller);
    std::string calls;
    for (int d : seen)
        calls += std::to_string(d) + " ";
    QVERIFY2(seen.size() >= 5 && seen.size() <= 7, calls.c_str());
    QVERIFY2(std::adjacent_find(seen.begin(), seen.end(), std::greater_equal<int>()) == seen.end(),
             calls.c_str()); // increasing
    QVERIFY(std::vector<int>(seen.begin(), seen.begin() + 4) == std::vector<int>({0, 1, 2, 3}));
    for (size_t k = 4; k + 1 < seen.size(); ++k)
        QVERIFY2(seen[k] == 4 || seen[k] == 5, calls.c_str());
    QCOMPARE(seen.back(), 6);
}

// Tensors of at most half the largest's size are measured two at a time, one thread each: the
// report is the one-thread report, byte for byte in its JSON (whose numbers read back to the same
// doubles), importance warnings included.
void TestModelReport::sideBySideEqualsOneThread()
{
#ifdef QS_TEST_OMP
    const std::string path = m_dir->filePath("mixed.safetensors").toStdString();
    std::vector<SafetensorsEntry> model = {{"model.embed_tokens.weight", "BF16", {128, 256}}};
    for (int l = 0; l < 3; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        model.push_back({p + "input_layernorm.weight", "F32", {256}});
        model.push_back({p + "self_attn.q_proj.weight", "F32", {48, 256}});
        model.push_back({p + "self_attn.k_proj.weight", "BF16", {16, 256}});
        model.push_back({p + "mlp.down_proj.weight", "F32", {256, 64}}); // 64 columns: no weights
    }
    writeSafetensors(path, model, [](size_t i, std::vector<float>& v) {
        v = randomTensor({int64_t(v.size())}, uint32_t(500 + i), i % 4 == 2 ? 30.0 : 0).data;
    });
    const std::string npy = writeImportance(*m_dir, "mixed-imp.npy", 3);
    ModelReportOptions o;
    o.imatrixPath = npy;
    const std::vector<ModelScheme> schemes = parseModelSchemes("q8_0,q4_k,nf4,int8-channel", {});
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    const ModelReport one = computeModelReport(path, schemes, o);
    omp_set_num_threads(2);
    const ModelReport two = computeModelReport(path, schemes, o);
    omp_set_num_threads(before);
    QCOMPARE(one.tensors.size(), model.size());
    QVERIFY(!one.warnings.empty()); // the down_proj tensors have no fitting importance
    // The warning names the first of them in file order, whichever thread met it first.
    QVERIFY2(one.warnings[0].find("no usable entry for 3 of 10 quantized tensors (first: "
                                  "model.layers.0.mlp.down_proj.weight") != std::string::npos,
             one.warnings[0].c_str());
    QCOMPARE(modelReportJson(two, ""), modelReportJson(one, ""));
    QVERIFY(two.warnings == one.warnings);
#else
    QSKIP("built without OpenMP");
#endif
}

QTEST_GUILESS_MAIN(TestModelReport)
#include "tst_model_report.moc"
