// Tests of `quantscope-cli quantize --gguf` through the real binary: for every scheme with a
// ggml type the GGUF file holds the input tensor under its name, in that type, with the
// metadata; `export OUT.gguf:NAME` gives bit for bit the values `--dequantized` wrote (MXFP4's
// -0 reads back as +0, and the summary says how many). Refusals keep the CLI's exit statuses.
#include "core/io/gguf.h"
#include "core/io/npy.h"
#include "core/io/tensor_file.h"

#include "tests/support/cli_run.h"
#include "tests/support/float_bits.h"
#include "tests/support/random_tensor.h"

#include <QFile>
#include <QtTest>

#include <cmath>
#include <map>

using namespace qs;

namespace {

using Run = test::CliRun;

} // namespace

class TestCliGguf : public test::CliTest {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_scratch.open(&why), qPrintable(why));
        // Rows of three blocks; an outlier widens some blocks so that small values round to 0.
        const Tensor t = test::randomTensor({4, 3, 96}, 11, 60.0);
        writeNpyFloat32(file("w.npy").toStdString(), t.shape, t.data);
        writeNpyFloat32(file("odd.npy").toStdString(), {2, 33}, std::vector<float>(66, 1.0f));
        // Rows of two super-blocks for the K types and IQ4_XS.
        const Tensor k = test::randomTensor({3, 512}, 12, 40.0);
        writeNpyFloat32(file("k.npy").toStdString(), k.shape, k.data);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("input");
        const char* rows[][3] = {
            {"q8_0", "Q8_0", "w"},   {"q4_0", "Q4_0", "w"}, {"q4_1", "Q4_1", "w"},
            {"mxfp4", "MXFP4", "w"}, {"fp16", "F16", "w"},  {"bf16", "BF16", "w"},
            {"q5_0", "Q5_0", "w"},   {"q5_1", "Q5_1", "w"}, {"iq4_nl", "IQ4_NL", "w"},
            {"q2_k", "Q2_K", "k"},   {"q3_k", "Q3_K", "k"}, {"q4_k", "Q4_K", "k"},
            {"q5_k", "Q5_K", "k"},   {"q6_k", "Q6_K", "k"}, {"iq4_xs", "IQ4_XS", "k"}};
        for (const auto& row : rows)
            QTest::newRow(row[0]) << row[0] << row[1] << row[2];
    }
    void roundTrip()
    {
        QFETCH(QString, scheme);
        QFETCH(QString, type);
        QFETCH(QString, input);
        const Run q = run({"quantize", "--input", input + ".npy", "--scheme", scheme, "--gguf",
                           "w.gguf", "--dequantized", "dq.npy"});
        QVERIFY2(q.code == 0, qPrintable(q.err));
        const std::string gguf = file("w.gguf").toStdString();
        const std::vector<TensorInfo> infos = listTensors(gguf);
        QCOMPARE(infos.size(), size_t(1));
        QCOMPARE(infos[0].name, listTensors(file(input + ".npy").toStdString())[0].name);
        QCOMPARE(QString::fromStdString(infos[0].dtype), type);
        const std::vector<int64_t> shape =
            input == "w" ? std::vector<int64_t>{4, 3, 96} : std::vector<int64_t>{3, 512};
        QCOMPARE(infos[0].shape, shape);
        std::map<std::string, std::string> meta;
        for (const auto& [k, v] : ggufMetadata(gguf))
            meta[k] = v;
        QCOMPARE(QString::fromStdString(meta["quantscope.scheme"]), scheme);
        QCOMPARE(meta["general.alignment"], std::string("32"));
        QVERIFY(meta["general.name"].find((input + ".npy").toStdString()) != std::string::npos);

        const Run e = run({"export", "w.gguf:" + QString::fromStdString(infos[0].name), "x.npy"});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        std::vector<float> want = loadNpy(file("dq.npy").toStdString()).data;
        int negativeZeros = 0;
        for (float& v : want)
            if (scheme == "mxfp4" && v == 0.0f && std::signbit(v)) {
                v = 0.0f;
                ++negativeZeros;
            }
        QCOMPARE(negativeZeros > 0, scheme == "mxfp4"); // the data has some
        QCOMPARE(q.out.contains(QString("--gguf: %1 values are -0").arg(negativeZeros)),
                 negativeZeros > 0);
        test::compareBits(loadNpy(file("x.npy").toStdString()).data, want, qPrintable(type));
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("scheme without a type")
            << QStringList{"--input", "w.npy", "--scheme", "nf4", "--gguf", "out.gguf"} << 2
            << "--gguf: scheme 'nf4' has no GGUF type; the schemes GGUF stores are fp16, bf16, "
               "mxfp4, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k, q3_k, q4_k, q5_k, q6_k, iq4_nl, iq4_xs";
        for (const char* scheme : {"nvfp4", "mxfp6-e2m3", "mxfp6-e3m2", "e4m3fnuz", "e5m2fnuz"})
            QTest::newRow(scheme)
                << QStringList{"--input", "w.npy", "--scheme", scheme, "--gguf", "out.gguf"} << 2
                << QString(
                       "--gguf: scheme '%1' has no GGUF type; the schemes GGUF stores are fp16, "
                       "bf16, mxfp4, q8_0")
                       .arg(QLatin1String(scheme));
        QTest::newRow("rows not whole blocks")
            << QStringList{"--input", "odd.npy", "--scheme", "q4_1", "--gguf", "out.gguf"} << 2
            << "--gguf: tensor 'odd' (shape 2x33, Q4_1): its rows of 33 elements are not whole "
               "blocks of 32";
        QTest::newRow("k-quant rows not whole super-blocks")
            << QStringList{"--input", "w.npy", "--scheme", "q4_k", "--gguf", "out.gguf"} << 2
            << "--gguf: tensor 'w' (shape 4x3x96, Q4_K): its rows of 96 elements are not whole "
               "blocks of 256";
        QTest::newRow("over the input")
            << QStringList{"--input", "in.gguf", "--scheme", "q8_0", "--gguf", "in.gguf"} << 2
            << "--gguf in.gguf: refusing to overwrite the input file";
        QTest::newRow("same as another output")
            << QStringList{"--input", "w.npy",    "--scheme",      "q8_0",
                           "--gguf",  "out.gguf", "--dequantized", "out.gguf"}
            << 2 << "--dequantized and --gguf name the same file";
        QTest::newRow("unwritable")
            << QStringList{"--input", "w.npy", "--scheme", "q8_0", "--gguf", "no/dir/out.gguf"} << 1
            << "out.gguf: cannot create a file";
        QTest::newRow("no file name")
            << QStringList{"--input", "w.npy", "--gguf", ""} << 2 << "--gguf needs a file name";
    }
    void refusals()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        QVERIFY(
            run({"quantize", "--input", "w.npy", "--scheme", "q8_0", "--gguf", "in.gguf"}).code ==
            0);
        QFile in(file("in.gguf"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray before = in.readAll();
        in.close();
        const Run r = run(QStringList{"quantize"} + args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(file("out.gguf")));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QCOMPARE(in.readAll(), before);
    }
};

QTEST_MAIN(TestCliGguf)
#include "tst_cli_gguf.moc"
