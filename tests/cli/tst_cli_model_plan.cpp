// Tests of the model command's planner and audit through the real binary, on the tiny two-layer
// Llama of tests/support (22528 quantizable weights, five norms of 32 floats kept as stored):
// the "plan" object of the JSON report and its numbers against the report's own tensors, the
// rejected budgets, llama-quantize's tensor types (hand-written files, the q4_k fallback on rows
// of 32), a saved plan evaluated again, and --against on a Q8_0 GGUF of the model.
#include "core/io/gguf_writer.h"
#include "core/io/npy.h"
#include "core/quant/gguf_export.h"
#include "core/quant/quantize.h"

#include "tests/support/cli_run.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_llama.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QtTest>

#include <cmath>

using namespace qs;
using json = nlohmann::ordered_json; // keys in file order

namespace {

using Run = test::CliRun;

constexpr int64_t kParams = 22688; // 22528 quantized + 160 in norms
// All q5_0 (q4_k's fallback on rows of 32): 22528 / 32 * 22 + 640 bytes of F32 norms.
constexpr int64_t kSmallest = 16128;

// The GGUF names of the 2-D tensors in file order, as anchored patterns with `type`.
QString tensorTypes(const char* type)
{
    QString s;
    const QStringList names = {"token_embd"};
    QStringList all = names;
    for (int l = 0; l < 2; ++l)
        for (const char* t :
             {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"})
            all << QString("blk\\.%1\\.%2").arg(l).arg(t);
    all << "output";
    for (const QString& n : all)
        s += "^" + n + "\\.weight$=" + type + "\n";
    return s;
}

} // namespace

class TestCliModelPlan : public test::CliTest {
    Q_OBJECT

    // The JSON report of the model with `extra` options (null when the command failed).
    json report(const QStringList& extra)
    {
        const std::string out =
            test::outputOf(run(QStringList{"model", "m.safetensors", "--report", "-"} + extra));
        return out.empty() ? json() : json::parse(out);
    }
    QString readFile(const QString& name)
    {
        QFile f(file(name));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

private slots:
    void initTestCase();
    void planWithinABudget();
    void weightedPlan();
    void rejectedBudgets();
    void llamaQuantizeTensorTypes();
    void savedPlanRoundTrip();
    void againstAQuantizedCopy();
};

void TestCliModelPlan::initTestCase()
{
    QString why;
    QVERIFY2(m_scratch.open(&why), qPrintable(why));
    const std::vector<Tensor> model = test::tinyLlama();
    test::writeTinySafetensors(file("m.safetensors").toStdString(), model);
    test::writeLlamaGguf(
        file("m-q8.gguf").toStdString(), model, [](GgufWriter& w, const Tensor& t) {
            if (t.rank() != 2) {
                w.addFloatTensor(t.name, t.shape, *ggmlTypeByName("F32"), t.data.data());
                return;
            }
            QuantConfig c;
            c.scheme = Scheme::Q8_0;
            addQuantizedTensor(w, t.name, t, quantize(t, c));
        });
}

// 6 bits per weight: the plan's size, error and assignment agree with the report's tensors, the
// best single scheme within it is q4_0, the curve runs from all q4_0 to all q8_0.
void TestCliModelPlan::planWithinABudget()
{
    const json j = report({"--schemes", "q8_0,q4_0", "--budget-bpw", "6"});
    const json& plan = j["plan"];
    QVERIFY(plan.is_object());
    QStringList keys;
    for (const auto& [k, v] : plan.items())
        keys << QString::fromStdString(k);
    QCOMPARE(keys,
             QStringList({"budget_bpw", "budget_bytes", "bits_per_element", "bytes", "sse",
                          "objective", "exact", "lower_bound", "uniform", "assignment", "pareto"}));
    QCOMPARE(plan["budget_bpw"].get<double>(), 6.0);
    QCOMPARE(plan["budget_bytes"].get<int64_t>(), int64_t(6 * kParams / 8));
    const int64_t bytes = plan["bytes"].get<int64_t>();
    QVERIFY(bytes <= 6 * kParams / 8);
    QCOMPARE_EXACT(plan["bits_per_element"].get<double>(), 8.0 * double(bytes) / kParams);
    QCOMPARE(plan["objective"], json("sse"));
    QVERIFY(plan["exact"].get<bool>());
    int64_t sumBytes = 0;
    double sse = 0;
    for (const json& t : j["tensors"]) {
        const std::string scheme = plan["assignment"][t["name"].get<std::string>()];
        if (t["shape"].size() == 1) {
            QCOMPARE(scheme, std::string("stored"));
            sumBytes += t["results"]["q8_0"]["bytes"].get<int64_t>();
            continue;
        }
        sumBytes += t["results"][scheme]["bytes"].get<int64_t>();
        sse += t["results"][scheme]["sse"].get<double>();
    }
    QCOMPARE(int(plan["assignment"].size()), 21);
    QCOMPARE(sumBytes, bytes);
    QCOMPARE_EXACT(plan["sse"].get<double>(), sse);
    QCOMPARE(plan["uniform"]["scheme"], json("q4_0"));
    QCOMPARE(plan["uniform"]["bytes"].get<int64_t>(), j["schemes"]["q4_0"]["bytes"].get<int64_t>());
    QVERIFY(plan["sse"].get<double>() <= plan["uniform"]["error"].get<double>());
    const json& pareto = plan["pareto"];
    QCOMPARE_EXACT(pareto.front()[0].get<double>(), j["schemes"]["q4_0"]["bits_per_element"]);
    QCOMPARE_EXACT(pareto.back()[0].get<double>(), j["schemes"]["q8_0"]["bits_per_element"]);
    for (size_t k = 1; k < pareto.size(); ++k) {
        QVERIFY(pareto[k][0].get<double>() > pareto[k - 1][0].get<double>());
        QVERIFY(pareto[k][1].get<double>() < pareto[k - 1][1].get<double>());
    }
    const Run text = run({"model", "m.safetensors", "--schemes", "q8_0,q4_0", "--budget-bpw", "6"});
    QCOMPARE(text.code, 0);
    QVERIFY2(text.out.contains(QString("plan within %1 bytes (6 bits per weight): %2 bytes")
                                   .arg(6 * kParams / 8)
                                   .arg(bytes)),
             qPrintable(text.out));
    QVERIFY(text.out.contains("best single scheme within it: q4_0"));
}

// With an importance vector of 32 columns the objective is the weighted SSE; the two
// down projections (rows of 64) have no weighted error and count with their plain one.
void TestCliModelPlan::weightedPlan()
{
    std::vector<float> importance(32);
    for (size_t i = 0; i < 32; ++i)
        importance[i] = float(1 + i % 4);
    writeNpyFloat32(file("imp.npy").toStdString(), {32}, importance);
    const json j = report({"--schemes", "q8_0,q4_0", "--budget-bpw", "7", "--imatrix", "imp.npy"});
    const json& plan = j["plan"];
    QCOMPARE(plan["objective"], json("weighted_sse"));
    double weighted = 0, plain = 0;
    int unweighted = 0;
    for (const json& t : j["tensors"]) {
        if (t["shape"].size() == 1)
            continue;
        const json& r =
            t["results"][plan["assignment"][t["name"].get<std::string>()].get<std::string>()];
        plain += r["sse"].get<double>();
        weighted +=
            r.contains("weighted_sse") ? r["weighted_sse"].get<double>() : r["sse"].get<double>();
        unweighted += r.contains("weighted_sse") ? 0 : 1;
    }
    QCOMPARE(unweighted, 2);
    QCOMPARE_EXACT(plan["weighted_sse"].get<double>(), weighted);
    QCOMPARE_EXACT(plan["sse"].get<double>(), plain);
    QVERIFY(plan["weighted_sse"].get<double>() <= plan["uniform"]["error"].get<double>());
}

void TestCliModelPlan::rejectedBudgets()
{
    const QStringList base = {"model", "m.safetensors", "--schemes", "q8_0,q4_k"};
    Run r = run(base + QStringList{"--budget-bytes", QString::number(kSmallest - 1)});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("planner: the budget of 16127 bytes (5.687 bits per weight) is below "
                            "the smallest possible size, 16128 bytes (5.687 bits per weight)"),
             qPrintable(r.err));
    r = run(base + QStringList{"--budget-bpw", "0"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("more than 0 bits per weight"), qPrintable(r.err));
    r = run(base + QStringList{"--budget-bytes", "12.5"});
    QCOMPARE(r.code, 2);
    r = run(base + QStringList{"--budget-bpw", "5", "--budget-bytes", "20000"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("give one of --budget-bpw, --budget-bytes and --plan"),
             qPrintable(r.err));
    r = run(base + QStringList{"--tensor-types", "t.txt"});
    QCOMPARE(r.code, 2);
    QVERIFY(!QFile::exists(file("t.txt")));
    r = run(base + QStringList{"--budget-bpw", "9", "--tensor-types", "m.safetensors"});
    QCOMPARE(r.code, 2);
    r = run({"model", "m.safetensors", "--schemes", "nf4", "--budget-bpw", "9", "--tensor-types",
             "t.txt"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("scheme 'nf4' has no llama.cpp type"), qPrintable(r.err));
}

// The smallest budget: every 2-D tensor in q4_k, which llama.cpp stores as q5_0 on rows of 32;
// a large one: every 2-D tensor in q8_0. Norms get no line.
void TestCliModelPlan::llamaQuantizeTensorTypes()
{
    const QStringList base = {"model", "m.safetensors", "--schemes", "q8_0,q4_k"};
    Run r = run(base + QStringList{"--budget-bytes", QString::number(kSmallest), "--tensor-types",
                                   "a.txt"});
    QCOMPARE(r.code, 0);
    QCOMPARE(readFile("a.txt"), tensorTypes("q5_0"));
    r = run(base + QStringList{"--budget-bpw", "16", "--tensor-types", "b.txt"});
    QCOMPARE(r.code, 0);
    QCOMPARE(readFile("b.txt"), tensorTypes("q8_0"));
    QVERIFY2(r.out.contains("24576 bytes"), qPrintable(r.out)); // 22528 / 32 * 34 + 640
}

// A plan saved in a report, evaluated again: the same assignment, size and error; the plan
// object alone works too; a plan naming a scheme left out of --schemes, a budget beside it and
// a missing or malformed file are refused.
void TestCliModelPlan::savedPlanRoundTrip()
{
    const QStringList base = {"model", "m.safetensors", "--schemes", "q8_0,q4_0"};
    QCOMPARE(run(base + QStringList{"--budget-bpw", "7", "--report", "saved.json"}).code, 0);
    const json saved = json::parse(readFile("saved.json").toStdString())["plan"];
    const json again = report({"--schemes", "q8_0,q4_0", "--plan", "saved.json"})["plan"];
    QCOMPARE(again["assignment"], saved["assignment"]);
    QCOMPARE(again["bytes"], saved["bytes"]);
    QCOMPARE_EXACT(again["sse"].get<double>(), saved["sse"].get<double>());
    QCOMPARE_EXACT(again["bits_per_element"].get<double>(), saved["bits_per_element"]);
    {
        QFile f(file("alone.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(json{{"assignment", saved["assignment"]}}.dump()));
    }
    const json alone = report({"--schemes", "q8_0,q4_0", "--plan", "alone.json"})["plan"];
    QCOMPARE(alone["bytes"], saved["bytes"]);
    Run r = run({"model", "m.safetensors", "--schemes", "q8_0", "--plan", "saved.json"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("the plan's scheme 'q4_0' is not one of the report's schemes (q8_0)"),
             qPrintable(r.err));
    r = run(base + QStringList{"--plan", "saved.json", "--budget-bpw", "7"});
    QCOMPARE(r.code, 2);
    r = run(base + QStringList{"--plan", "missing.json"});
    QCOMPARE(r.code, 3);
    r = run(base + QStringList{"--plan", "m.safetensors"});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("not a JSON file"), qPrintable(r.err));
}

// Each tensor's stored Q8_0 error equals the report's q8_0 result (the same values after the q
// and k rows are unpermuted; sums within the last bits of their order); the norms are F32.
void TestCliModelPlan::againstAQuantizedCopy()
{
    const json j = report({"--schemes", "q8_0,q4_0", "--against", "m-q8.gguf"});
    QCOMPARE(int(j["tensors"].size()), 21);
    for (const json& t : j["tensors"]) {
        const json& a = t["against"];
        QVERIFY(a.is_object());
        QVERIFY(a.contains("rmse"));
        const bool matrix = t["shape"].size() == 2;
        QCOMPARE(a["type"], json(matrix ? "Q8_0" : "F32"));
        if (!matrix) {
            QCOMPARE(a["sse"].get<double>(), 0.0);
            continue;
        }
        const double q8 = t["results"]["q8_0"]["sse"].get<double>();
        QVERIFY(std::fabs(a["sse"].get<double>() - q8) <= 1e-12 * q8);
        QCOMPARE(a["bytes"], t["results"]["q8_0"]["bytes"]);
    }
    QCOMPARE(j["tensors"][1]["against"]["tensor"], json("blk.0.attn_q.weight"));
    QCOMPARE(j["against"]["tensors"].get<int>(), 21);
    QCOMPARE(j["against"]["bytes"].get<int64_t>(), int64_t(24576));
    const Run text = run({"model", "m.safetensors", "--schemes", "q8_0", "--against", "m-q8.gguf"});
    QCOMPARE(text.code, 0);
    QVERIFY2(text.out.contains("copy over 21 paired tensors: 24576 bytes"), qPrintable(text.out));
    QCOMPARE(run({"model", "m.safetensors", "--schemes", "q8_0", "--against", "none.gguf"}).code,
             3);
}

QTEST_APPLESS_MAIN(TestCliModelPlan)
#include "tst_cli_model_plan.moc"
