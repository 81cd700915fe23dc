// Tests of the planner on a model report, built by hand: the options of each tensor (schemes that
// apply, the weighted error where there is one, one fixed option for a tensor kept as stored),
// budgets in bits per weight, assignments by name and back with their refusals, and
// llama-quantize's tensor types (anchored GGUF names, fallback types, no line for kept tensors).
#include "core/base/error.h"
#include "core/model/model_plan.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <limits>

using namespace qs;

namespace {

SchemeMetrics ok(int64_t bytes, double sse, double weighted = std::nan(""))
{
    SchemeMetrics m;
    m.ok = true;
    m.bytes = bytes;
    m.sse = sse;
    m.weightedSse = weighted;
    return m;
}

SchemeMetrics kept(int64_t bytes)
{
    SchemeMetrics m;
    m.skipped = "kept as stored (1-D)";
    m.bytes = bytes;
    return m;
}

// q8_0 and q4_k over: a 256-wide q projection, an MLP weight of rows 96 (q4_k falls back to
// q5_0), a norm kept as stored, and a tensor q4_k refuses.
ModelReport handReport()
{
    ModelReport r;
    r.schemes = parseModelSchemes("q8_0,q4_k", QuantConfig());
    TensorReport t;
    t.name = "model.layers.0.self_attn.q_proj.weight";
    t.params = 1024;
    t.results = {ok(1088, 2.0, 20.0), ok(576, 9.0, 90.0)};
    r.tensors.push_back(t);
    t.name = "model.layers.0.mlp.up_proj.weight";
    t.params = 960;
    t.results = {ok(1020, 1.0), ok(660, 6.0)};
    t.results[1].fallback = "q5_0";
    r.tensors.push_back(t);
    t.name = "model.norm.weight";
    t.params = 64;
    t.results = {kept(256), kept(256)};
    r.tensors.push_back(t);
    t.name = "custom.w";
    t.params = 64;
    t.results = {ok(68, 0.5), SchemeMetrics{}};
    r.tensors.push_back(t);
    return r;
}

// The message of the qs::Error that f throws.
template <class F> QString errorOf(F f)
{
    try {
        f();
    } catch (const Error& e) {
        return QString(e.what());
    }
    return QStringLiteral("no error");
}

} // namespace

class TestModelPlan : public QObject {
    Q_OBJECT
private slots:
    void optionsFromTheReport();
    void budgetInBitsPerWeight();
    void assignmentsByName();
    void llamaQuantizeTypes();
};

void TestModelPlan::optionsFromTheReport()
{
    const ModelReport r = handReport();
    const auto plain = planTensorsOf(r, false);
    QCOMPARE(int(plain.size()), 4);
    QCOMPARE(int(plain[0].options.size()), 2);
    QCOMPARE(plain[0].options[1].scheme, 1);
    QCOMPARE(plain[0].options[1].bytes, int64_t(576));
    QCOMPARE_EXACT(plain[0].options[1].error, 9.0);
    QCOMPARE(int(plain[2].options.size()), 1);
    QCOMPARE(plain[2].options[0].scheme, -1);
    QCOMPARE(plain[2].options[0].bytes, int64_t(256));
    QCOMPARE_EXACT(plain[2].options[0].error, 0.0);
    QCOMPARE(int(plain[3].options.size()), 1);
    QCOMPARE(plain[3].options[0].scheme, 0);
    const auto weighted = planTensorsOf(r, true);
    QCOMPARE_EXACT(weighted[0].options[1].error, 90.0);
    QCOMPARE_EXACT(weighted[1].options[1].error, 6.0); // no importance: the plain error
    QVERIFY(hasWeightedErrors(r));
    ModelReport unweighted = r;
    unweighted.tensors.erase(unweighted.tensors.begin());
    QVERIFY(!hasWeightedErrors(unweighted));
}

// 2112 parameters at 4.5 bits: 1188 bytes; at 4.49: 1185.36, rounded down.
void TestModelPlan::budgetInBitsPerWeight()
{
    const ModelReport r = handReport();
    QCOMPARE(budgetBytesForBpw(r, 4.5), int64_t(1188));
    QCOMPARE(budgetBytesForBpw(r, 4.49), int64_t(1185));
    QVERIFY_THROWS_EXCEPTION(Error, budgetBytesForBpw(r, 0));
    QVERIFY_THROWS_EXCEPTION(Error, budgetBytesForBpw(r, -1));
    QVERIFY_THROWS_EXCEPTION(Error, budgetBytesForBpw(r, std::nan("")));
}

void TestModelPlan::assignmentsByName()
{
    const ModelReport r = handReport();
    const auto tensors = planTensorsOf(r, false);
    const std::vector<int> choice = {1, 0, 0, 0};
    const auto byName = assignmentByName(r, tensors, choice);
    const std::map<std::string, std::string> expected = {
        {"model.layers.0.self_attn.q_proj.weight", "q4_k"},
        {"model.layers.0.mlp.up_proj.weight", "q8_0"},
        {"model.norm.weight", "stored"},
        {"custom.w", "q8_0"}};
    QCOMPARE(byName, expected);
    QCOMPARE(choiceFromAssignment(r, tensors, byName), choice);
    auto bad = byName;
    bad["custom.w"] = "q4_k"; // does not apply
    QVERIFY_THROWS_EXCEPTION(Error, choiceFromAssignment(r, tensors, bad));
    bad = byName;
    bad["custom.w"] = "nf4"; // not a scheme of the report
    QCOMPARE(errorOf([&] { choiceFromAssignment(r, tensors, bad); }),
             QString("the plan's scheme 'nf4' is not one of the report's schemes (q8_0, q4_k); "
                     "give it in --schemes"));
    bad = byName;
    bad.erase("model.norm.weight");
    QCOMPARE(errorOf([&] { choiceFromAssignment(r, tensors, bad); }),
             QString("the plan has no scheme for the tensors model.norm.weight"));
    bad = byName;
    bad["blk.9.attn_q.weight"] = "q8_0";
    QVERIFY_THROWS_EXCEPTION(Error, choiceFromAssignment(r, tensors, bad));
}

void TestModelPlan::llamaQuantizeTypes()
{
    ModelReport r = handReport();
    const auto tensors = planTensorsOf(r, false);
    QCOMPARE(QString::fromStdString(llamaTensorTypes(r, tensors, {1, 1, 0, 0})),
             QString("^blk\\.0\\.attn_q\\.weight$=q4_k\n"
                     "^blk\\.0\\.ffn_up\\.weight$=q5_0\n"
                     "^custom\\.w$=q8_0\n"));
    QCOMPARE(QString::fromStdString(llamaTensorTypes(r, tensors, {0, 0, 0, 0})),
             QString("^blk\\.0\\.attn_q\\.weight$=q8_0\n"
                     "^blk\\.0\\.ffn_up\\.weight$=q8_0\n"
                     "^custom\\.w$=q8_0\n"));
    r.schemes = parseModelSchemes("nf4,q4_k", QuantConfig());
    QVERIFY_THROWS_EXCEPTION(Error, llamaTensorTypes(r, tensors, {0, 0, 0, 0}));
}

QTEST_APPLESS_MAIN(TestModelPlan)
#include "tst_model_plan.moc"
