// Tests of quantscope-cli through the real binary (QProcess): reports equal to the core API on
// the same generated tensor, --codes / --dequantized / --csv read back, --input from files,
// info, plot, help, and the exit statuses for usage errors (2), bad input files and lessons (3)
// and unwritable outputs (1).
#include "core/data/generators.h"
#include "core/io/csv_io.h"
#include "core/io/npy.h"
#include "core/io/tensor_file.h"
#include "core/quant/quantize.h"

#include "tests/support/bad_documents.h"
#include "tests/support/cli_run.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

using namespace qs;
using json = nlohmann::json;

namespace {

using Run = test::CliRun;
using test::runCli;

std::vector<double> doubles(const json& a)
{
    return a.get<std::vector<double>>();
}

} // namespace

class TestCli : public test::CliTest {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_scratch.open(&why), qPrintable(why));
    }

    void versionAndHelp()
    {
        Run r = run({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("quantscope-cli "));
        for (const QString cmd : {"info", "quantize", "plot"}) {
            r = run({cmd, "--help"});
            QCOMPARE(r.code, 0);
            QVERIFY2(r.out.contains("Usage: quantscope-cli " + cmd), qPrintable(r.out));
        }
        r = run({"quantize", "--help"});
        for (const char* opt : {"--bits", "--scheme", "--range", "--granularity", "--rounding",
                                "--report", "--codes", "--dequantized", "--csv", "--generate"})
            QVERIFY2(r.out.contains(opt), opt);
        r = run({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Exit status"));
    }

    void quantizeMatchesCore_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::newRow("defaults") << QStringList{};
        QTest::newRow("symmetric 4-bit per channel axis 1") << QStringList{
            "--bits", "4", "--scheme", "symmetric", "--granularity", "channel", "--axis", "1"};
        QTest::newRow("groups of 10 along axis 1, percentile")
            << QStringList{"--granularity", "group",      "--group-size", "10", "--axis", "1",
                           "--range",       "percentile", "--percentile", "99"};
        QTest::newRow("signed 3-bit truncate, no zero widening") << QStringList{
            "--bits", "3", "--signed", "--rounding", "truncate", "--no-include-zero"};
        QTest::newRow("mse range, 6 bits") << QStringList{"--range", "mse", "--bits", "6"};
        QTest::newRow("fp16") << QStringList{"--scheme", "fp16"};
        QTest::newRow("NVFP4 (upper-case name)") << QStringList{"--scheme", "NVFP4"};
        QTest::newRow("mxfp6-e3m2, no-clip scale")
            << QStringList{"--scheme", "MXFP6-E3M2", "--mx-scale-rounding", "no-clip"};
        QTest::newRow("e4m3fnuz") << QStringList{"--scheme", "e4m3fnuz"};
        QTest::newRow("hqq 4-bit groups of 16 along axis 1")
            << QStringList{"--range", "hqq",          "--bits", "4",      "--granularity",
                           "group",   "--group-size", "16",     "--axis", "1"};
        QTest::newRow("grid-search 3-bit per channel")
            << QStringList{"--range", "grid-search", "--bits", "3", "--granularity", "channel"};
    }
    void quantizeMatchesCore()
    {
        QFETCH(QStringList, options);
        QStringList args{"quantize", "--generate", "laplace", "--shape",         "32x48", "--seed",
                         "7",        "--outliers", "3",       "--outlier-value", "25"};
        args << options << QStringList{"--report",      "r.json", "--codes", "c.npy",
                                       "--dequantized", "d.npy",  "--csv",   "e.csv"};
        const Run r = run(args);
        QVERIFY2(r.code == 0, qPrintable(r.err));

        // The same tensor and configuration through the core API.
        GeneratorOptions g;
        g.distribution = Distribution::Laplace;
        g.shape = {32, 48};
        g.seed = 7;
        g.outliers = 3;
        g.outlierValue = 25;
        const Tensor t = generate(g);
        QuantConfig c;
        for (int i = 0; i < options.size(); ++i) {
            const QString o = options[i];
            const std::string v = i + 1 < options.size() ? options[i + 1].toStdString() : "";
            if (o == "--bits")
                c.bits = std::stoi(v);
            else if (o == "--scheme")
                c.scheme = schemeFromName(v);
            else if (o == "--granularity")
                c.granularity = granularityFromName(v);
            else if (o == "--axis")
                c.axis = std::stoi(v);
            else if (o == "--group-size")
                c.groupSize = std::stoi(v);
            else if (o == "--range")
                c.range = rangeMethodFromName(v);
            else if (o == "--percentile")
                c.percentile = std::stod(v);
            else if (o == "--rounding")
                c.rounding = roundingFromName(v);
            else if (o == "--signed")
                c.signedCodes = true;
            else if (o == "--no-include-zero")
                c.includeZero = false;
            else if (o == "--mx-scale-rounding")
                c.mxScaleRounding = mxScaleRoundingFromName(v);
        }
        const QuantResult q = quantize(t, c);

        QFile f(file("r.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const json j = json::parse(f.readAll().toStdString());
        QCOMPARE(j["tensor"]["name"].get<std::string>(), t.name);
        QCOMPARE(j["tensor"]["shape"].get<std::vector<int64_t>>(), t.shape);
        QCOMPARE(j["tensor"]["numel"].get<int64_t>(), t.numel());
        QCOMPARE(j["config"]["bits"].get<int>(), c.bits);
        QCOMPARE(j["config"]["scheme"].get<std::string>(), toName(c.scheme));
        QCOMPARE(j["config"]["granularity"].get<std::string>(), toName(c.granularity));
        QCOMPARE(j["config"]["rounding"].get<std::string>(), toName(c.rounding));
        QCOMPARE(j["config"]["include_zero"].get<bool>(), c.includeZero);
        // Exact equality: the report prints doubles with 17 significant digits.
        QVERIFY(doubles(j["params"]["scale"]) == q.params.scale);
        QCOMPARE(j["params"].contains("zero_point_real"), !q.params.realZeroPoint.empty());
        if (!q.params.realZeroPoint.empty())
            QVERIFY(doubles(j["params"]["zero_point_real"]) == q.params.realZeroPoint);
        QCOMPARE(j.contains("convergence"), q.convergence.iterations() > 0);
        if (q.convergence.iterations() > 0)
            QVERIFY(doubles(j["convergence"]["mean_abs_error"]) == q.convergence.meanAbsError);
        QVERIFY(j["params"]["zero_point"].get<std::vector<int64_t>>() == q.params.zeroPoint);
        QVERIFY(doubles(j["params"]["range_min"]) == q.params.rangeMin);
        QVERIFY(doubles(j["params"]["range_max"]) == q.params.rangeMax);
        QCOMPARE(j["params"]["qmin"].get<int64_t>(), q.params.qmin);
        QCOMPARE(j["params"]["qmax"].get<int64_t>(), q.params.qmax);
        QCOMPARE(j["params"]["scale"].size(), size_t(q.params.numSlices()));
        QVERIFY(j["metrics"]["mse"].get<double>() == q.metrics.mse);
        QVERIFY(j["metrics"]["rmse"].get<double>() == q.metrics.rmse);
        QVERIFY(j["metrics"]["mae"].get<double>() == q.metrics.mae);
        QVERIFY(j["metrics"]["max_abs_error"].get<double>() == q.metrics.maxAbsError);
        QVERIFY(j["metrics"]["sqnr_db"].get<double>() == q.metrics.sqnrDb);
        QVERIFY(j["metrics"]["clipped_low"].get<double>() == q.metrics.clippedLow);
        QVERIFY(j["metrics"]["clipped_high"].get<double>() == q.metrics.clippedHigh);
        QCOMPARE(j["metrics"]["levels_used"].get<int64_t>(), q.metrics.levelsUsed);
        QCOMPARE(j["metrics"]["original_bytes"].get<int64_t>(), q.metrics.originalBytes);
        QCOMPARE(j["metrics"]["quantized_bytes"].get<int64_t>(), q.metrics.quantizedBytes);
        QVERIFY(j["metrics"]["bits_per_element"].get<double>() == q.metrics.bitsPerElement);
        const json& st = j["metrics"]["storage"];
        QVERIFY(st["payload_bits"].get<double>() == q.metrics.storage.payloadBits);
        QVERIFY(st["scale_bits"].get<double>() == q.metrics.storage.scaleBits);
        QVERIFY(st["min_bits"].get<double>() == q.metrics.storage.minBits);
        QVERIFY(st["second_level_bits"].get<double>() == q.metrics.storage.secondLevelBits);
        if (isMxScheme(c.scheme))
            QCOMPARE(j["config"]["mx_scale_rounding"].get<std::string>(),
                     toName(c.mxScaleRounding));
        QVERIFY(j["timings_ms"].contains("generate"));
        QVERIFY(j["timings_ms"]["total"].get<double>() >= 0);

        const Tensor codes = loadNpy(file("c.npy").toStdString());
        QCOMPARE(codes.shape, t.shape);
        int64_t lo = 0, hi = 0;
        for (size_t i = 0; i < q.codes.size(); ++i) {
            QCOMPARE(codes.data[i], float(q.codes[i]));
            lo = std::min<int64_t>(lo, q.codes[i]);
            hi = std::max<int64_t>(hi, q.codes[i]);
        }
        QCOMPARE(codes.dtype, smallestCodeDtype(*std::min_element(q.codes.begin(), q.codes.end()),
                                                *std::max_element(q.codes.begin(), q.codes.end())));
        const Tensor deq = loadNpy(file("d.npy").toStdString());
        QCOMPARE(deq.dtype, std::string("<f4"));
        QCOMPARE(deq.shape, t.shape);
        QVERIFY(deq.data == q.dequantized);
        CsvInfo info;
        const Tensor csv = loadCsv(file("e.csv").toStdString(), nullptr, &info);
        QCOMPARE(csv.shape, (std::vector<int64_t>{t.numel(), 5}));
        QCOMPARE(csv.data[5 * 100 + 1], t.data[100]);
        QCOMPARE(csv.data[5 * 100 + 2], float(q.codes[100]));
        QCOMPARE(csv.data[5 * 100 + 3], q.dequantized[100]);
    }

    void reportToStdout()
    {
        const Run r = run({"quantize", "--generate", "uniform", "--shape", "100", "--low", "-2",
                           "--high", "3", "--report", "-"});
        QCOMPARE(r.code, 0);
        const json j = json::parse(r.out.toStdString());
        QCOMPARE(j["tensor"]["shape"].get<std::vector<int64_t>>(), std::vector<int64_t>{100});
        QCOMPARE(j["params"]["qmax"].get<int>(), 255);
        QVERIFY(j["metrics"]["sqnr_db"].get<double>() > 30);
    }

    void quantizeInputFiles()
    {
        const std::string npy = file("w.npy").toStdString();
        writeNpyFloat32(npy, {4, 2}, {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f});
        Run r = run({"quantize", "--input", "w.npy", "--bits", "3", "--report", "w.json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(file("w.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const json j = json::parse(f.readAll().toStdString());
        QCOMPARE(j["tensor"]["name"].get<std::string>(), std::string("w"));
        QCOMPARE(j["tensor"]["dtype"].get<std::string>(), std::string("<f4"));
        QCOMPARE(j["source"].get<std::string>(), std::string("w.npy"));
        // 3 bits over [0, 3.5]: scale 0.5, every value exact.
        QCOMPARE(j["params"]["scale"][0].get<double>(), 0.5);
        QCOMPARE(j["metrics"]["mse"].get<double>(), 0.0);
        QCOMPARE(j["metrics"]["sqnr_db"].get<std::string>(), std::string("inf"));
        QVERIFY(j["metrics"].contains("sqnr_note"));
        // CSV input with a header and a NaN
        QFile csv(file("t.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("a;b\n1;2\nnan;4\n");
        csv.close();
        r = run({"quantize", "--input", "t.csv", "--report", "-"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const json k = json::parse(r.out.toStdString());
        QCOMPARE(k["tensor"]["nonfinite"].get<int>(), 1);
        QCOMPARE(k["tensor"]["shape"].get<std::vector<int64_t>>(), (std::vector<int64_t>{2, 2}));
        QVERIFY(k["warnings"].dump().find("1 NaN") != std::string::npos);
    }

    void info()
    {
        writeNpyFloat32(file("i.npy").toStdString(), {2, 3}, {1, -2, 3, std::nanf(""), 5, 6});
        const Run r = run({"info", "i.npy"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("i.npy: 1 tensor"), qPrintable(r.out));
        const QStringList lines = r.out.split('\n');
        QVERIFY(lines.size() >= 3);
        const QStringList cols = lines[2].split(' ', Qt::SkipEmptyParts);
        // name dtype shape min max mean std nonfinite
        QCOMPARE(cols, (QStringList{"i", "<f4", "2x3", "-2", "6", "2.6", "2.87054", "1"}));
    }

    // A GGUF model (tests/data/gguf: one 2x256 tensor per ggml type, written by ggml): every
    // tensor is listed with its stored type and bits per weight, the metadata follows the
    // table, and one tensor opens by name.
    void ggufModel()
    {
        const QString model = QStringLiteral(QS_SOURCE_DIR "/tests/data/gguf/ggml_reference.gguf");
        Run r = run({"info", model});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("ggml_reference.gguf: 20 tensors"), qPrintable(r.out));
        const QStringList lines = r.out.split('\n');
        const auto row = std::find_if(lines.begin(), lines.end(), [](const QString& l) {
            return l.startsWith(QStringLiteral("blk.0.attn_q.weight "));
        });
        QVERIFY(row != lines.end());
        QCOMPARE(row->split(' ', Qt::SkipEmptyParts).mid(0, 5),
                 (QStringList{"blk.0.attn_q.weight", "Q4_K", "(4.5", "bits/weight)", "2x256"}));
        QVERIFY2(r.out.endsWith("metadata:\n"
                                "  general.architecture = llama\n"
                                "  general.name = ggml reference blocks\n"
                                "  general.alignment = 32\n"),
                 qPrintable(r.out));
        r = run({"quantize", "--input", model + ":blk.0.attn_q.weight", "--report", "-"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const json j = json::parse(r.out.toStdString());
        QCOMPARE(j["tensor"]["dtype"].get<std::string>(), std::string("Q4_K"));
        QCOMPARE(j["tensor"]["shape"].get<std::vector<int64_t>>(), (std::vector<int64_t>{2, 256}));
    }

    // ONNX initializers that feed DequantizeLinear: their scale and zero point follow the table.
    void onnxQuantizedInitializers()
    {
        const Run r =
            run({"info", QStringLiteral(QS_SOURCE_DIR "/tests/data/onnx/dequantize.onnx")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.endsWith("quantization:\n"
                                "  wq: per tensor, scale 0.05, zero point 0\n"
                                "  wu: per axis 0, scales 'wu_scale' (3 values, 0.1 to 0.3), zero "
                                "points 'wu_zero' (3 values, 0 to 128)\n"
                                "  w4: blocks of 2 along axis 1, scales 'w4_scale' (4 values, 0.5 "
                                "to 2), zero point 0 (default)\n"),
                 qPrintable(r.out));
    }

    void multiTensorFilesAndImages()
    {
        // safetensors with two tensors: a F32 [2] = {1, 3}, b I8 [3] = {-1, 0, 1}
        const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}})";
        QByteArray st;
        for (int i = 0; i < 8; ++i)
            st.append(char((header.size() >> (8 * i)) & 0xff));
        st.append(header.data(), int(header.size()));
        const float a[2] = {1, 3};
        st.append(reinterpret_cast<const char*>(a), 8);
        st.append("\xff\x00\x01", 3);
        QFile f(file("m.safetensors"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(st);
        f.close();
        Run r = run({"info", "m.safetensors"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("m.safetensors: 2 tensors"), qPrintable(r.out));
        const QStringList lines = r.out.split('\n');
        QCOMPARE(lines[2].split(' ', Qt::SkipEmptyParts),
                 (QStringList{"a", "F32", "2", "1", "3", "2", "1", "0"}));
        QCOMPARE(lines[3].split(' ', Qt::SkipEmptyParts),
                 (QStringList{"b", "I8", "3", "-1", "1", "0", "0.8164966", "0"}));
        r = run({"quantize", "--input", "m.safetensors:b", "--report", "-"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        json j = json::parse(r.out.toStdString());
        QCOMPARE(j["tensor"]["name"].get<std::string>(), std::string("b"));
        QCOMPARE(j["tensor"]["dtype"].get<std::string>(), std::string("I8"));
        r = run({"quantize", "--input", "m.safetensors"});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("holds 2 tensors; pick one with PATH:NAME (a, b)"),
                 qPrintable(r.err));

        QImage img(4, 3, QImage::Format_RGB32);
        img.fill(QColor(10, 20, 30));
        QVERIFY(img.save(file("img.png")));
        r = run({"quantize", "--input", "img.png", "--report", "-"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        j = json::parse(r.out.toStdString());
        QCOMPARE(j["tensor"]["shape"].get<std::vector<int64_t>>(), (std::vector<int64_t>{3, 4, 3}));
        r = run({"quantize", "--input", "img.png", "--grayscale", "--report", "-"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        j = json::parse(r.out.toStdString());
        QCOMPARE(j["tensor"]["shape"].get<std::vector<int64_t>>(), (std::vector<int64_t>{3, 4, 1}));
    }

    void plot_data()
    {
        QTest::addColumn<QString>("chart");
        QTest::addColumn<QString>("out");
        QTest::newRow("values png") << "values"
                                    << "v.png";
        QTest::newRow("histogram png") << "histogram"
                                       << "h.png";
        QTest::newRow("channels svg") << "channels"
                                      << "c.svg";
        QTest::newRow("error-histogram pdf") << "error-histogram"
                                             << "e.pdf";
        QTest::newRow("convergence png (no iterations)") << "convergence"
                                                         << "k.png";
    }
    void plot()
    {
        QFETCH(QString, chart);
        QFETCH(QString, out);
        const Run r =
            run({"plot", "--generate", "normal", "--shape", "64x16", "--granularity", "channel",
                 "--chart", chart, "--out", out, "--width", "640", "--height", "480"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(file(out));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        if (out.endsWith(".png")) {
            QImage img;
            QVERIFY(img.loadFromData(bytes, "PNG"));
            QCOMPARE(img.size(), QSize(640, 480));
        } else if (out.endsWith(".svg")) {
            QVERIFY(bytes.contains("<svg"));
            QVERIFY(bytes.contains("<text") || bytes.contains("<tspan"));
        } else {
            QVERIFY(bytes.startsWith("%PDF"));
        }
    }

    void exitStatuses_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList{} << 2 << "missing command";
        QTest::newRow("unknown command")
            << QStringList{"squash"} << 2 << "unknown command 'squash'";
        QTest::newRow("unknown option")
            << QStringList{"quantize", "--generate", "normal", "--bitz", "4"} << 2 << "bitz";
        QTest::newRow("no source") << QStringList{"quantize", "--bits", "4"} << 2 << "no source";
        QTest::newRow("both sources")
            << QStringList{"quantize", "--generate", "normal", "--input", "x.npy"} << 2
            << "either --input or --generate";
        QTest::newRow("bits out of range")
            << QStringList{"quantize", "--generate", "normal", "--bits", "17"} << 2
            << "bits must be between 1 and 16";
        QTest::newRow("bits not a number")
            << QStringList{"quantize", "--generate", "normal", "--bits", "eight"} << 2
            << "--bits: 'eight' is not an integer";
        QTest::newRow("bad scheme")
            << QStringList{"quantize", "--generate", "normal", "--scheme", "cubic"} << 2 << "cubic";
        QTest::newRow("bad distribution")
            << QStringList{"quantize", "--generate", "poisson"} << 2 << "--generate:";
        QTest::newRow("bad shape")
            << QStringList{"quantize", "--generate", "normal", "--shape", "4xq"} << 2 << "--shape:";
        QTest::newRow("axis beyond rank")
            << QStringList{"quantize",      "--generate", "normal", "--shape", "8x8",
                           "--granularity", "channel",    "--axis", "5"}
            << 2 << "axis";
        QTest::newRow("plot without chart")
            << QStringList{"plot", "--generate", "normal", "--out", "x.png"} << 2 << "--chart";
        QTest::newRow("plot bad suffix")
            << QStringList{"plot", "--generate", "normal", "--chart", "values", "--out", "x.gif"}
            << 2 << "must end in .png, .svg or .pdf";
        QTest::newRow("missing file")
            << QStringList{"quantize", "--input", "nope.npy"} << 3 << "nope.npy: cannot open file";
        QTest::newRow("malformed npy") << QStringList{"quantize", "--input", "bad.npy"} << 3
                                       << "bad.npy: header says 1000000 float32 values";
        QTest::newRow("info malformed") << QStringList{"info", "bad.npy"} << 3 << "bad.npy:";
        QTest::newRow("unknown type") << QStringList{"info", "bad.xyz"} << 3 << "unknown file type";
        QTest::newRow("missing member")
            << QStringList{"quantize", "--input", "bad.npy:w"} << 3 << "holds a single tensor";
        QTest::newRow("output over input")
            << QStringList{"quantize", "--input", "in.npy", "--dequantized", "in.npy"} << 2
            << "refusing to overwrite the input file";
        QTest::newRow("same output twice")
            << QStringList{"quantize", "--generate",    "normal", "--codes",
                           "a.npy",    "--dequantized", "a.npy"}
            << 2 << "name the same file";
        QTest::newRow("unwritable output")
            << QStringList{"quantize", "--generate",        "normal", "--shape", "4",
                           "--report", "no/such/dir/r.json"}
            << 1 << "r.json: cannot create a file";
    }
    void exitStatuses()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        {
            QFile bad(file("bad.npy"));
            QVERIFY(bad.open(QIODevice::WriteOnly));
            const std::string h = encodeNpyHeader("<f4", false, {1000000});
            bad.write(h.data(), qint64(h.size()));
            bad.write(QByteArray(512, '\0'));
        }
        QFile(file("bad.xyz")).open(QIODevice::WriteOnly);
        writeNpyFloat32(file("in.npy").toStdString(), {2}, {1, 2});
        const QByteArray before = [&] {
            QFile f(file("in.npy"));
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        const Run r = run(args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY2(!r.err.contains("terminate") && !r.err.contains("Aborted"), qPrintable(r.err));
        if (code == 2 && !args.isEmpty() && args[0] != "squash")
            QVERIFY2(r.err.contains("Usage"), qPrintable(r.err));
        QFile f(file("in.npy"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }

    // `plot --lesson FILE.json` on a malformed lesson: exit 3 with the file and the problem
    // (the same rows as the window's test), and no output written.
    void badLessonFileExits3_data() { test::addBadDocumentRows(test::kBadLessons); }
    void badLessonFileExits3()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QFile f(file("bad-lesson.json"));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        f.close();
        QFile::remove(file("lesson.svg"));
        const Run r = run({"plot", "--lesson", "bad-lesson.json", "--out", "lesson.svg"});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("bad-lesson.json") && r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(file("lesson.svg")));
        const Run missing = run({"plot", "--lesson", "no-such-lesson.json", "--out", "x.svg"});
        QCOMPARE(missing.code, 3);
        QVERIFY2(missing.err.contains("no-such-lesson.json"), qPrintable(missing.err));
    }
};

QTEST_MAIN(TestCli)
#include "tst_cli.moc"
