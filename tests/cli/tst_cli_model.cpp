// Tests of `quantscope-cli model` through the real binary: every tensor's numbers equal those of
// `quantscope-cli quantize --input FILE:TENSOR --report -` with the same scheme (the fallback
// type where llama.cpp's rule applies, the imatrix entry of the tensor's name), the table worst
// first with the totals, the CSV, and the refusals with the CLI's exit statuses.
#include "core/io/gguf_writer.h"
#include "core/io/safetensors_writer.h"

#include "tests/support/cli_run.h"
#include "tests/support/random_tensor.h"
#include "tests/support/test_support.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QtTest>

using namespace qs;
using json = nlohmann::json;

namespace {

using Run = test::CliRun;

const std::vector<SafetensorsEntry> kModel = {
    {"blk.0.attn_q.weight", "F32", {8, 512}},
    {"blk.0.attn_norm.weight", "F32", {512}},
    {"blk.0.ffn_down.weight", "BF16", {4, 96}},
    {"blk.1.attn_q.weight", "F32", {6, 512}},
};

// The quantize options that give the same config as a scheme of the model command.
QStringList quantizeFlags(const std::string& type)
{
    if (type == "int8-channel")
        return {"--scheme", "symmetric", "--bits", "8", "--granularity", "channel", "--axis", "0"};
    return {"--scheme", QString::fromStdString(type)};
}

} // namespace

class TestCliModel : public test::CliTest {
    Q_OBJECT

    json model(const QStringList& extra)
    {
        const Run r = run(QStringList{"model", "m.safetensors", "--report", "-"} + extra);
        if (r.code != 0)
            qWarning("%s", qPrintable(r.err));
        return r.code == 0 ? json::parse(r.out.toStdString()) : json();
    }

    json quantizeReport(const QString& tensor, const QStringList& flags)
    {
        const Run r = run(
            QStringList{"quantize", "--input", "m.safetensors:" + tensor, "--report", "-"} + flags);
        if (r.code != 0)
            qWarning("%s", qPrintable(r.err));
        return r.code == 0 ? json::parse(r.out.toStdString()) : json();
    }

    // The model command's result of one tensor and scheme against quantize's report.
    void compare(const json& result, const json& q)
    {
        const json& m = q["metrics"];
        QVERIFY(m.is_object());
        QCOMPARE_EXACT(result["rmse"].get<double>(), m["rmse"].get<double>());
        QCOMPARE_EXACT(result["sqnr_db"].get<double>(), m["sqnr_db"].get<double>());
        QCOMPARE_EXACT(result["max_abs_error"].get<double>(), m["max_abs_error"].get<double>());
        QCOMPARE_EXACT(result["bits_per_element"].get<double>(),
                       m["bits_per_element"].get<double>());
        QCOMPARE(result["bytes"].get<int64_t>(), m["quantized_bytes"].get<int64_t>());
    }

private slots:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_scratch.open(&why), qPrintable(why));
        writeSafetensors(
            file("m.safetensors").toStdString(), kModel, [](size_t i, std::vector<float>& v) {
                v = test::randomTensor({int64_t(v.size())}, uint32_t(40 + i), i == 3 ? 25.0 : 0)
                        .data;
            });
        GgufWriter w;
        std::vector<float> sums(512);
        for (size_t c = 0; c < sums.size(); ++c)
            sums[c] = float(1 + c % 7);
        const float count = 1.0f;
        w.addFloatTensor("blk.0.attn_q.weight.in_sum2", {1, 512}, *ggmlTypeByName("F32"),
                         sums.data());
        w.addFloatTensor("blk.0.attn_q.weight.counts", {1, 1}, *ggmlTypeByName("F32"), &count);
        w.write(file("imatrix.gguf").toStdString());
    }

    void sameNumbersAsQuantize()
    {
        const json j = model({"--schemes", "q4_k,q8_0,int8-channel"});
        QCOMPARE(j["tensors"].size(), size_t(4));
        for (const json& t : j["tensors"]) {
            const QString name = QString::fromStdString(t["name"].get<std::string>());
            for (const std::string s : {"q4_k", "q8_0", "int8-channel"}) {
                const json& result = t["results"][s];
                if (t["shape"].size() == 1) {
                    QCOMPARE(result["skipped"].get<std::string>(),
                             std::string("kept as stored (1-D)"));
                    QCOMPARE(result["bytes"].get<int64_t>(), int64_t(2048));
                    continue;
                }
                const std::string type = result.value("fallback", s);
                compare(result, quantizeReport(name, quantizeFlags(type)));
            }
        }
        // Rows of 96: q4_k is stored as q5_0, as llama-quantize does.
        QCOMPARE(j["tensors"][2]["results"]["q4_k"]["fallback"].get<std::string>(),
                 std::string("q5_0"));
        QCOMPARE(j["schemes"]["q4_k"]["params"].get<int64_t>(),
                 int64_t(8 * 512 + 512 + 384 + 3072));
    }

    void importanceFromImatrix()
    {
        const json j = model({"--schemes", "q4_k", "--imatrix", "imatrix.gguf"});
        const json& q = j["tensors"][0];
        QCOMPARE(q["importance"].get<std::string>(), std::string("blk.0.attn_q.weight"));
        QVERIFY(q["results"]["q4_k"].contains("weighted_sse"));
        compare(q["results"]["q4_k"],
                quantizeReport("blk.0.attn_q.weight",
                               {"--scheme", "q4_k", "--imatrix", "imatrix.gguf"}));
        QVERIFY(!j["tensors"][3]["results"]["q4_k"].contains("weighted_sse"));
        QCOMPARE(j["warnings"].size(), size_t(1));
        QVERIFY(j["warnings"][0].get<std::string>().find("2 of 3 quantized tensors") !=
                std::string::npos);
    }

    void tableWorstFirst()
    {
        const Run r = run({"model", "m.safetensors", "--schemes", "q4_k,nf4", "--exclude", "ffn",
                           "--csv", "r.csv"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err)); // no progress line off a terminal
        const QStringList lines = r.out.split('\n');
        QVERIFY(lines[0].startsWith("tensor"));
        // blk.1 has an outlier of 25: worst under q4_k, then blk.0, then the kept norm.
        QVERIFY2(lines[1].startsWith("blk.1.attn_q.weight"), qPrintable(r.out));
        QVERIFY2(lines[2].startsWith("blk.0.attn_q.weight"), qPrintable(r.out));
        QVERIFY2(lines[3].startsWith("blk.0.attn_norm.weight"), qPrintable(r.out));
        QVERIFY2(lines[3].split(' ', Qt::SkipEmptyParts).mid(3) == QStringList({"-", "-"}),
                 qPrintable(lines[3]));
        QVERIFY2(r.out.contains(QRegularExpression("\nq4_k +\\d+ +[0-9.]+ +[0-9.]+ +[0-9.]+  2 "
                                                   "of 3 tensors\n")),
                 qPrintable(r.out));
        QFile csv(file("r.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 1 + 3 * 2);
        QVERIFY(rows[1].startsWith("blk.0.attn_q.weight,0,attn_q,8x512,4096,F32,q4_k,ok,q4_k,"));
    }

    void refusals()
    {
        const struct {
            QStringList args;
            int code;
            const char* message;
        } cases[] = {
            {{"model", "m.safetensors"}, 2, "--schemes is missing"},
            {{"model", "--schemes", "q8_0"}, 2, "FILE is missing"},
            {{"model", "m.safetensors", "--schemes", "q8_0,q7"}, 2, "unknown scheme 'q7': give"},
            {{"model", "m.safetensors", "--schemes", "q8_0,q4k"},
             2,
             "unknown scheme 'q4k'; did you mean 'q4_k'? Give a preset"},
            {{"model", "m.safetensors", "--schemes", "q8_0", "--include", "^nothing"},
             2,
             "no tensor of m.safetensors is left by --include '^nothing'"},
            {{"model", "m.safetensors", "--schemes", "q8_0", "--include", "attn", "--exclude",
              "blk"},
             2,
             "is left by --include 'attn' and --exclude 'blk'"},
            {{"model", "m.safetensors", "--schemes", "q8_0", "--include", "blk.("},
             2,
             "the include pattern 'blk.(' is not a valid regular expression"},
            {{"model", "m.safetensors", "--schemes", "q8_0", "--report", "m.safetensors"},
             2,
             "refusing to overwrite an input file"},
            {{"model", "none.safetensors", "--schemes", "q8_0"}, 3, "none.safetensors"},
            {{"model", "m.safetensors", "--schemes", "q8_0", "--imatrix", "none.dat"},
             3,
             "none.dat"},
        };
        for (const auto& c : cases) {
            const Run r = run(c.args);
            QCOMPARE(r.code, c.code);
            QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
            // A usage error ends with the synopsis and where the rest is, so that the message
            // stays in view: not the description of the command.
            if (c.code == 2) {
                QVERIFY2(r.err.contains("Usage: quantscope-cli model FILE --schemes"),
                         qPrintable(r.err));
                QVERIFY2(r.err.endsWith("Run 'quantscope-cli model --help' for every option.\n"),
                         qPrintable(r.err));
                QVERIFY2(!r.err.contains("Quantizes every tensor"), qPrintable(r.err));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCliModel)
#include "tst_cli_model.moc"
