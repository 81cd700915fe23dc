// `quantscope-cli inspect` through the real binary: the text form (hex lines of 16 bytes with
// offsets, the fields and elements tables), --json equal to the core's anatomy of the same block,
// and the exit statuses of bad blocks, schemes without blocks and missing files.
#include "core/analysis/block_anatomy.h"
#include "core/io/npy.h"
#include "core/quant/quantize.h"

#include "tests/support/cli_run.h"
#include "tests/support/random_tensor.h"

#include <QtTest>

#include <nlohmann/json.hpp>

using namespace qs;

class TestCliInspect : public test::CliTest {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_scratch.open(&why), qPrintable(why));
        m_tensor = test::randomTensor({3, 512}, 21);
        writeNpyFloat32(file("w.npy").toStdString(), m_tensor.shape, m_tensor.data);
    }

    void text()
    {
        const test::CliRun r = run({"inspect", "w.npy", "--scheme", "q4_k", "--block", "5"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(
            r.out.contains("scheme   q4_k, block 5 of 6 (blocks 0 to 5), elements 1280 to 1535"));
        QVERIFY(r.out.contains("layout   block_Q4_K (144 bytes, 4.5 bits/element)"));
        QVERIFY(r.out.contains("bytes (144)\n0000  "));
        QuantConfig c;
        c.scheme = Scheme::Q4_K;
        const QuantResult q = quantize(m_tensor, c);
        const BlockAnatomy a = blockAnatomy(m_tensor, q, 5);
        // The hex lines as the core writes them: 9 lines of 16 bytes.
        QVERIFY(r.out.contains(QString::fromStdString(hexDump(a.bytes))));
        QCOMPARE(QString::fromStdString(hexDump(a.bytes)).count('\n'), 9);
        QVERIFY(r.out.contains(QRegularExpression("\\nscale\\[7\\] +\\d+  \\d\\d \\d{4} ")));
        QVERIFY(r.out.contains(QRegularExpression("\\n *i +x +code +grid value +x\\^ +error\\n")));
        QVERIFY(!r.out.contains("grid index")); // Q4_K's codes are linear
        // One element row per element, the last element's index first on its line.
        QVERIFY(r.out.contains(QRegularExpression("\\n1535 ")));
        QCOMPARE(r.out.count('\n'), 4 + 1 + 1 + 9 + 1 + 1 + 19 + 1 + 1 + 1 + 256);
    }

    void json()
    {
        const test::CliRun r = run({"inspect", "--input", "w.npy", "--scheme", "nf4",
                                    "--group-size", "64", "--block", "3", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        QuantConfig c;
        c.scheme = Scheme::NF4;
        c.groupSize = 64;
        const BlockAnatomy a = blockAnatomy(m_tensor, quantize(m_tensor, c), 3);
        QCOMPARE(QString::fromStdString(r.out.toStdString()),
                 QString::fromStdString(blockAnatomyJson(a)));
        QCOMPARE(j["blocks"].get<int64_t>(), int64_t(24));
        QCOMPARE(j["bytes"].get<std::string>().size(), size_t(2 * (4 + 32)));
        QCOMPARE(j["fields"][0]["name"].get<std::string>(), std::string("absmax"));
        QCOMPARE(j["elements"].size(), size_t(64));
        QCOMPARE(j["elements"][0]["index"].get<int64_t>(), int64_t(192));
        QVERIFY(j["elements"][0].contains("grid_index"));
    }

    void generatedAndPreset()
    {
        const test::CliRun r = run({"inspect", "--generate", "normal", "--shape", "64", "--preset",
                                    "ggml-q4_0", "--block", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("block_Q4_0 (18 bytes, 4.5 bits/element)"));
        QVERIFY(r.out.contains("elements 32 to 63"));
    }

    // Each refusal: the arguments after "inspect", the exit status and a part of the message.
    void refusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QStringList q4k = {"w.npy", "--scheme", "q4_k", "--block"};
        QTest::newRow("block beyond") << (q4k + QStringList{"6"}) << 2
                                      << "--block 6 is out of range: w.npy has 6 blocks of q4_k "
                                         "(0 to 5)";
        QTest::newRow("negative") << (q4k + QStringList{"-1"}) << 2 << "--block -1 is out of range";
        QTest::newRow("not a number")
            << (q4k + QStringList{"two"}) << 2 << "--block: 'two' is not an integer";
        QTest::newRow("no block") << QStringList{"w.npy", "--scheme", "q4_k"} << 2
                                  << "--block N is missing";
        QTest::newRow("no blocks") << QStringList{"w.npy", "--bits", "8", "--block", "0"} << 2
                                   << "Per-tensor 8-bit asymmetric has no blocks: choose a block "
                                      "scheme";
        QTest::newRow("missing file")
            << QStringList{"missing.npy", "--scheme", "q4_0", "--block", "0"} << 3 << "missing.npy";
        QTest::newRow("two sources")
            << QStringList{"w.npy", "--input", "w.npy", "--scheme", "q4_0", "--block", "0"} << 2
            << "give the SOURCE once";
    }
    void refusals()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const test::CliRun r = run(QStringList{"inspect"} + args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

private:
    Tensor m_tensor;
};

QTEST_GUILESS_MAIN(TestCliInspect)
#include "tst_cli_inspect.moc"
