// Tests of the model report's files: a report built by hand (numbers exact in binary), its CSV
// byte for byte, its JSON's keys in the documented order with the report's numbers, the plan
// member, and atomic writing that refuses the protected model path.
#include "core/model/model_report_writers.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace qs;
using namespace qs::test;
using ojson = nlohmann::ordered_json;

namespace {

ModelReport handReport()
{
    ModelReport r;
    r.path = "m.safetensors";
    r.percentileMethod = "exact";
    r.schemes = {{"q4_k", QuantConfig{}}, {"q8_0", QuantConfig{}}};
    r.schemes[0].config.scheme = Scheme::Q4_K;
    r.schemes[1].config.scheme = Scheme::Q8_0;
    TensorReport a;
    a.name = "blk.2.attn_q.weight";
    a.shape = {4, 96};
    a.params = 384;
    a.stored = "F32";
    a.role = tensorRole(a.name);
    a.rms = 0.5;
    SchemeMetrics m;
    m.ok = true;
    m.fallback = "q5_0";
    m.rmse = 0.125;
    m.relRmse = 0.25;
    m.sqnrDb = 12.5;
    m.cosine = 0.96875;
    m.maxAbsError = 0.5;
    m.maxAbsErrorRel = 1;
    m.medianAbsError = 0.0625;
    m.p95AbsError = 0.25;
    m.bitsPerElement = 5.5;
    m.bytes = 264;
    m.sse = 6;
    m.signalEnergy = 96;
    SchemeMetrics q8 = m;
    q8.fallback.clear();
    a.results = {m, q8};
    TensorReport b;
    b.name = "output_norm.weight";
    b.shape = {96};
    b.params = 96;
    b.stored = "F32";
    b.role = tensorRole(b.name);
    b.rms = 1;
    SchemeMetrics kept;
    kept.skipped = "kept as stored (1-D)";
    kept.bitsPerElement = 32;
    kept.bytes = 384;
    kept.signalEnergy = 96;
    b.results = {kept, kept};
    r.tensors = {a, b};
    aggregateModelReport(r);
    return r;
}

std::vector<std::string> keys(const ojson& j)
{
    std::vector<std::string> k;
    for (auto it = j.begin(); it != j.end(); ++it)
        k.push_back(it.key());
    return k;
}

} // namespace

class TestModelReportWriters : public QObject {
    Q_OBJECT
private slots:
    void csvBytes();
    void jsonSchema();
    void planMember();
    void writesAtomically();
};

void TestModelReportWriters::csvBytes()
{
    const std::string expected =
        "tensor,layer,kind,shape,params,stored,scheme,status,type,rmse,rel_rmse,sqnr_db,cosine,"
        "max_abs_error,max_abs_error_rel,median_abs_error,p95_abs_error,bits_per_element,bytes,"
        "sse,weighted_sse\n"
        "blk.2.attn_q.weight,2,attn_q,4x96,384,F32,q4_k,fallback,q5_0,0.125,0.25,12.5,0.96875,0.5,"
        "1,0.0625,0.25,5.5,264,6,\n"
        "blk.2.attn_q.weight,2,attn_q,4x96,384,F32,q8_0,ok,q8_0,0.125,0.25,12.5,0.96875,0.5,1,"
        "0.0625,0.25,5.5,264,6,\n"
        "output_norm.weight,,norm,96,96,F32,q4_k,skipped,stored,,,,,,,,,32,384,,\n"
        "output_norm.weight,,norm,96,96,F32,q8_0,skipped,stored,,,,,,,,,32,384,,\n";
    QCOMPARE(QString::fromStdString(modelReportCsv(handReport())),
             QString::fromStdString(expected));
    // The audit of a quantized file adds an "against" row with the stored type per paired tensor.
    ModelReport audited = handReport();
    audited.tensors[0].against = audited.tensors[0].results[1];
    audited.tensors[0].againstName = "blk.2.attn_q.weight";
    audited.tensors[0].againstType = "Q4_K";
    const std::string csv = modelReportCsv(audited);
    const std::string againstRow =
        "blk.2.attn_q.weight,2,attn_q,4x96,384,F32,against,ok,Q4_K,0.125,0.25,12.5,0.96875,0.5,1,"
        "0.0625,0.25,5.5,264,6,\n";
    QVERIFY(csv.find(againstRow) != std::string::npos);
    QCOMPARE(csv.size(), expected.size() + againstRow.size());
    QVERIFY(csv.find(againstRow) < csv.find("output_norm.weight"));
}

void TestModelReportWriters::jsonSchema()
{
    const ojson j = ojson::parse(modelReportJson(handReport()));
    QVERIFY(keys(j) == std::vector<std::string>({"path", "percentile_method", "schemes", "tensors",
                                                 "layers", "kinds", "warnings"}));
    const ojson& total = j["schemes"]["q4_k"];
    QVERIFY(keys(total) ==
            std::vector<std::string>({"tensors", "params", "bytes", "bits_per_element", "sqnr_db",
                                      "rel_rmse", "sse", "signal_energy", "config"}));
    QCOMPARE(total["params"].get<int64_t>(), int64_t(480));
    QCOMPARE(total["bytes"].get<int64_t>(), int64_t(648));
    QCOMPARE_EXACT(total["bits_per_element"].get<double>(), 8.0 * 648 / 480);
    QCOMPARE_EXACT(total["sqnr_db"].get<double>(), 10 * std::log10(192.0 / 6));
    QCOMPARE_EXACT(total["rel_rmse"].get<double>(), std::sqrt(6.0 / 192));
    const ojson& t0 = j["tensors"][0];
    QVERIFY(keys(t0) == std::vector<std::string>({"name", "shape", "params", "stored", "layer",
                                                  "kind", "rms", "results"}));
    QVERIFY(t0["shape"] == ojson::array({4, 96}));
    QCOMPARE(t0["layer"].get<int>(), 2);
    const ojson& r = t0["results"]["q4_k"];
    QVERIFY(keys(r) ==
            std::vector<std::string>({"fallback", "rmse", "rel_rmse", "sqnr_db", "cosine",
                                      "max_abs_error", "max_abs_error_rel", "median_abs_error",
                                      "p95_abs_error", "bits_per_element", "bytes", "sse"}));
    QCOMPARE(r["fallback"].get<std::string>(), std::string("q5_0"));
    QCOMPARE_EXACT(r["cosine"].get<double>(), 0.96875);
    QVERIFY(!t0["results"]["q8_0"].contains("fallback"));
    const ojson& t1 = j["tensors"][1];
    QVERIFY(t1["layer"].is_null());
    QVERIFY(keys(t1["results"]["q8_0"]) ==
            std::vector<std::string>({"skipped", "bits_per_element", "bytes"}));
    QVERIFY(keys(j["layers"]) == std::vector<std::string>({"2"}));
    QCOMPARE(j["layers"]["2"]["q8_0"]["params"].get<int64_t>(), int64_t(384));
    QVERIFY(keys(j["kinds"]) == std::vector<std::string>({"attn_q", "norm"}));
    QCOMPARE(j["kinds"]["norm"]["q8_0"]["sqnr_db"].get<std::string>(), std::string("inf"));
}

void TestModelReportWriters::planMember()
{
    const ojson j = ojson::parse(modelReportJson(handReport(), R"({"budget_bpw": 4.5})"));
    QCOMPARE(keys(j).back(), std::string("plan"));
    QCOMPARE_EXACT(j["plan"]["budget_bpw"].get<double>(), 4.5);
    QVERIFY_THROWS_EXCEPTION(Error, modelReportJson(handReport(), "{budget"));
}

void TestModelReportWriters::writesAtomically()
{
    const auto dir = scratchDir("writers");
    QVERIFY(dir->isValid());
    const std::string model = dir->filePath("m.safetensors").toStdString();
    std::ofstream(model) << "model";
    const std::string json = dir->filePath("r.json").toStdString();
    writeModelReportJson(json, handReport(), {}, {model});
    std::stringstream text;
    text << std::ifstream(json).rdbuf();
    QCOMPARE(text.str(), modelReportJson(handReport()));
    QVERIFY_THROWS_EXCEPTION(Error, writeModelReportCsv(model, handReport(), {model}));
    std::stringstream kept;
    kept << std::ifstream(model).rdbuf();
    QCOMPARE(kept.str(), std::string("model"));
}

QTEST_GUILESS_MAIN(TestModelReportWriters)
#include "tst_model_report_writers.moc"
