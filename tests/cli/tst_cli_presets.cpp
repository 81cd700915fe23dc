// Tests of the presets through the quantscope-cli binary: `presets` lists every preset,
// `--preset NAME` reproduces the core's result for that preset, later options override it, and
// the low-bit schemes work by name; the notebook presets' old names still work.
#include "core/config/presets.h"
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/range/calibrators.h"

#include "tests/support/cli_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace qs;

namespace {

using Run = test::CliRun;
using test::runCli;

QJsonObject report(const QStringList& args)
{
    const Run r = runCli(QStringList{"quantize", "--generate", "normal", "--shape", "4x64",
                                     "--seed", "3", "--report", "-"} +
                         args);
    if (r.code != 0)
        qWarning("%s", qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

} // namespace

class TestCliPresets : public QObject {
    Q_OBJECT
private slots:
    void listsPresets();
    void presetReport();
    void optionsOverridePreset();
    void lowbitSchemesByName();
    void unknownPreset();
    void calibratorRanges();
    void oldNotebookNames();
};

// A title line per system, then its presets indented, one line each with its description: the
// groups of presetGroups() in order, every preset once.
void TestCliPresets::listsPresets()
{
    const Run r = runCli({"presets"});
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
    const std::vector<PresetGroup> groups = presetGroups();
    size_t count = 0;
    for (const PresetGroup& g : groups)
        count += 1 + g.presets.size();
    QCOMPARE(lines.size(), qsizetype(count));
    QCOMPARE(count, groups.size() + presets().size());
    qsizetype i = 0;
    for (const PresetGroup& g : groups) {
        QCOMPARE(lines[i++], QString::fromStdString(g.title));
        for (const Preset& p : g.presets) {
            QVERIFY(lines[i].startsWith("  " + QString::fromStdString(p.name) + " "));
            QVERIFY(lines[i++].endsWith(QString::fromStdString(p.description)));
        }
    }
    QVERIFY(lines.contains(QStringLiteral("llama.cpp / GGML")));
    QCOMPARE(runCli({"presets", "extra"}).code, 2);
}

// The CLI's report for a preset equals the core's quantize() with that preset.
void TestCliPresets::presetReport()
{
    const QJsonObject j = report({"--preset", "ggml-q4_0"});
    QCOMPARE(j["config"].toObject()["preset"].toString(), QStringLiteral("ggml-q4_0"));
    QCOMPARE(j["config"].toObject()["scheme"].toString(), QStringLiteral("q4_0"));
    QCOMPARE(j["metrics"].toObject()["bits_per_element"].toDouble(), 4.5);
    QCOMPARE(j["params"].toObject()["num_slices"].toInt(), 8); // 4 rows x 2 blocks of 32
    QCOMPARE(j["params"].toObject()["zero_point"].toArray()[0].toInt(), 8);

    const QJsonObject t = report({"--preset", "pytorch-qint8-symmetric"});
    QCOMPARE(t["config"].toObject()["symmetric_scale"].toString(), QStringLiteral("half-span"));
    QVERIFY(t["config"].toObject()["multiply_by_inverse"].toBool());
    QCOMPARE(t["params"].toObject()["qmin"].toInt(), -128);
}

void TestCliPresets::optionsOverridePreset()
{
    const QJsonObject j = report({"--preset", "bnb-nf4", "--group-size", "128"});
    QCOMPARE(j["config"].toObject()["preset"].toString(), QStringLiteral("bnb-nf4 + options"));
    QCOMPARE(j["config"].toObject()["group_size"].toInt(), 128);
    QCOMPARE(j["params"].toObject()["num_slices"].toInt(), 2); // 256 / 128
    // A flag of the preset that is not given stays on.
    const QJsonObject f = report({"--preset", "pytorch-quint8-affine", "--bits", "6"});
    QVERIFY(f["config"].toObject()["float32_params"].toBool());
    QCOMPARE(f["params"].toObject()["qmax"].toInt(), 63);
}

void TestCliPresets::lowbitSchemesByName()
{
    const std::pair<const char*, double> expected[] = {
        {"mxfp4", 4.25}, {"q8_0", 8.5}, {"q4_1", 5.0}, {"e4m3", 8.0}, {"nf4", 4.5}};
    for (const auto& [scheme, bpe] : expected) {
        QStringList args{"--scheme", scheme};
        if (QString(scheme) == "nf4")
            args << "--group-size"
                 << "64";
        const QJsonObject j = report(args);
        QCOMPARE(j["metrics"].toObject()["bits_per_element"].toDouble(), bpe);
    }
    const QJsonObject cb = report({"--scheme", "codebook", "--codebook", "-1,0,1"});
    QCOMPARE(cb["config"].toObject()["codebook"].toArray().size(), qsizetype(3));
    QCOMPARE(cb["metrics"].toObject()["levels_total"].toInt(), 3);
    // A code book scheme without values is a usage error.
    QCOMPARE(runCli({"quantize", "--generate", "normal", "--scheme", "codebook"}).code, 2);
    QCOMPARE(runCli({"quantize", "--generate", "normal", "--scheme", "e2m1", "--no-saturate"}).code,
             2);
}

void TestCliPresets::unknownPreset()
{
    const Run r = runCli({"quantize", "--generate", "normal", "--preset", "tflite"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(QStringLiteral("unknown preset 'tflite'")));
    QVERIFY(r.err.contains(QStringLiteral("ggml-q8_0")));
}

// The calibrator range methods by name and through their presets: the report's range is the
// core calibrator's on the same generated tensor (normal, 4x64, seed 3).
void TestCliPresets::calibratorRanges()
{
    GeneratorOptions g;
    g.shape = {4, 64};
    g.seed = 3;
    const Tensor t = generate(g);
    const float* x = t.data.data();
    const int64_t n = t.numel();
    auto rangeMax = [](const QJsonObject& j) {
        return j["params"].toObject()["range_max"].toArray()[0].toDouble();
    };
    auto amaxOf = [](const QJsonObject& j) {
        const double s = j["params"].toObject()["scale"].toArray()[0].toDouble();
        return double(float(s));
    };
    const double tp = trtPercentileAmax(x, n, 99.9);
    QJsonObject j = report({"--scheme", "symmetric", "--range", "trt-percentile", "--percentile",
                            "99.9", "--float32-params"});
    QCOMPARE(j["config"].toObject()["range"].toString(), QStringLiteral("trt-percentile"));
    QCOMPARE(amaxOf(j), double(float(tp) / 127.0f));
    j = report({"--preset", "trt-mse"});
    QCOMPARE(j["config"].toObject()["range"].toString(), QStringLiteral("trt-mse"));
    QCOMPARE(amaxOf(j), double(float(trtMseAmax(x, n, 8)) / 127.0f));
    j = report({"--preset", "ort-percentile"});
    const Range o = ortPercentileRange(x, n, 99.999);
    QCOMPARE(amaxOf(j), double(float(std::max(std::fabs(o.lo), std::fabs(o.hi))) / 127.0f));
    j = report({"--range", "ort-entropy"}); // asymmetric: ONNX Runtime's [min, max]
    QVERIFY(rangeMax(j) > 0);
    QCOMPARE(j["config"].toObject()["range"].toString(), QStringLiteral("ort-entropy"));
    // --percentile belongs to the percentile methods only.
    QCOMPARE(
        runCli({"quantize", "--generate", "normal", "--range", "trt-mse", "--percentile", "99"})
            .code,
        2);
    const Run bad = runCli({"quantize", "--generate", "normal", "--range", "trt-median"});
    QCOMPARE(bad.code, 2);
    QVERIFY(bad.err.contains(QStringLiteral("ort-percentile")));
}

// `--preset seed001` gives the report of `--preset notebook-asymmetric`, naming the preset as
// given; `presets` lists only the current names.
void TestCliPresets::oldNotebookNames()
{
    QJsonObject old = report({"--preset", "seed001"});
    QJsonObject now = report({"--preset", "notebook-asymmetric"});
    QCOMPARE(old["config"].toObject()["preset"].toString(), QStringLiteral("seed001"));
    QCOMPARE(now["config"].toObject()["preset"].toString(), QStringLiteral("notebook-asymmetric"));
    QJsonObject oldConfig = old["config"].toObject();
    oldConfig["preset"] = QStringLiteral("notebook-asymmetric");
    QCOMPARE(oldConfig, now["config"].toObject());
    QCOMPARE(old["params"], now["params"]);
    QCOMPARE(old["metrics"].toObject()["mse"], now["metrics"].toObject()["mse"]);
    const Run r = runCli({"presets"});
    QVERIFY(r.out.contains(QStringLiteral("notebook-scale ")));
    QVERIFY(!r.out.contains(QStringLiteral("seed0")));
}

QTEST_APPLESS_MAIN(TestCliPresets)
#include "tst_cli_presets.moc"
