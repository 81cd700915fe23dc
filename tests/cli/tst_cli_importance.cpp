// Tests of `quantscope-cli quantize --imatrix / --importance` through the real binary: the
// dequantized values are the core's weighted quantization with the same importance (and differ
// from the unweighted ones), an imatrix GGUF and a legacy .dat give in_sum2 / count and value /
// ncall, --imatrix-tensor picks another entry, the report and the summary name the importance,
// --gguf stores the weighted bytes; the refusals keep the CLI's exit statuses.
#include "core/io/gguf_writer.h"
#include "core/io/imatrix.h"
#include "core/io/npy.h"
#include "core/quant/quantize.h"

#include "tests/support/cli_run.h"
#include "tests/support/float_bits.h"
#include "tests/support/random_tensor.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <limits>

using namespace qs;

namespace {

using Run = test::CliRun;

// Importance of column c (zeros and a few large weights).
float columnImportance(int64_t c)
{
    return c % 13 == 0 ? 50.0f : float(c % 5);
}

void putI32(std::string& s, int32_t v)
{
    char b[4];
    std::memcpy(b, &v, 4);
    s.append(b, 4);
}

std::vector<float> loadValues(const QString& path)
{
    return loadNpy(path.toStdString()).data;
}

} // namespace

class TestCliImportance : public test::CliTest {
    Q_OBJECT

    Tensor m_k;
    std::vector<float> m_importance;

    // The core's weighted quantization of k with `values` per column.
    std::vector<float> weighted(Scheme s, const std::vector<float>& values) const
    {
        Importance imp;
        imp.source.file = "x";
        imp.source.columns = int64_t(values.size());
        imp.values = values;
        QuantConfig c;
        c.scheme = s;
        return quantize(m_k, c, nullptr, &imp).dequantized;
    }

private slots:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_scratch.open(&why), qPrintable(why));
        m_k = test::randomTensor({3, 512}, 21, 30.0);
        m_k.name = "k";
        writeNpyFloat32(file("k.npy").toStdString(), m_k.shape, m_k.data);
        for (int64_t c = 0; c < 512; ++c)
            m_importance.push_back(columnImportance(c));
        writeNpyFloat32(file("imp.npy").toStdString(), {512}, m_importance);
        writeNpyFloat32(file("short.npy").toStdString(), {100}, std::vector<float>(100, 1.0f));
        std::vector<float> nan(512, 1.0f);
        nan[7] = std::numeric_limits<float>::quiet_NaN();
        writeNpyFloat32(file("nan.npy").toStdString(), {512}, nan);
        // imatrix GGUF: in_sum2 = 4 x importance, count 4
        GgufWriter w;
        std::vector<float> sums(m_importance);
        for (float& v : sums)
            v *= 4.0f;
        const float count = 4.0f;
        w.addFloatTensor("k.in_sum2", {1, 512}, *ggmlTypeByName("F32"), sums.data());
        w.addFloatTensor("k.counts", {1, 1}, *ggmlTypeByName("F32"), &count);
        w.write(file("imatrix.gguf").toStdString());
        // legacy .dat: "other" = 2 x importance with ncall 2
        std::string dat;
        putI32(dat, 1);
        putI32(dat, 5);
        dat += "other";
        putI32(dat, 2);
        putI32(dat, 512);
        for (float v : m_importance) {
            const float twice = 2 * v;
            dat.append(reinterpret_cast<const char*>(&twice), 4);
        }
        std::ofstream(file("imatrix.dat").toStdString(), std::ios::binary) << dat;
    }

    void importanceNpy()
    {
        const Run r =
            run({"quantize", "--input", "k.npy", "--scheme", "q4_k", "--importance", "imp.npy",
                 "--dequantized", "dq.npy", "--report", "r.json", "--gguf", "k.gguf"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const std::vector<float> want = weighted(Scheme::Q4_K, m_importance);
        test::compareBits(loadValues(file("dq.npy")), want, "q4_k weighted");
        QVERIFY(want != weighted(Scheme::Q4_K, std::vector<float>(512, 1.0f)));
        QuantConfig plain;
        plain.scheme = Scheme::Q4_K;
        QVERIFY(want != quantize(m_k, plain).dequantized);
        QFile f(file("r.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto j = nlohmann::json::parse(f.readAll().toStdString());
        QCOMPARE(j["importance"]["source"].get<std::string>(), std::string("imp.npy"));
        QVERIFY(!j["importance"].contains("tensor"));
        QCOMPARE(j["importance"]["columns"].get<int>(), 512);
        QVERIFY(r.out.contains("weights  importance from imp.npy, 512 columns"));
        // the GGUF holds the weighted bytes: llama.cpp's dequantization gives the same values
        const Run e = run({"export", "k.gguf:k", "x.npy"});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        test::compareBits(loadValues(file("x.npy")), want, "q4_k gguf");
    }

    // in_sum2 / count and value / ncall are the importance itself here: the same values.
    void imatrixFiles()
    {
        const Run g = run({"quantize", "--input", "k.npy", "--scheme", "q6_k", "--imatrix",
                           "imatrix.gguf", "--dequantized", "g.npy", "--report", "g.json"});
        QVERIFY2(g.code == 0, qPrintable(g.err));
        const std::vector<float> want = weighted(Scheme::Q6_K, m_importance);
        test::compareBits(loadValues(file("g.npy")), want, "q6_k imatrix.gguf");
        QVERIFY(g.out.contains("weights  importance from imatrix.gguf entry k, 512 columns"));
        QFile f(file("g.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto j = nlohmann::json::parse(f.readAll().toStdString());
        QCOMPARE(j["importance"]["tensor"].get<std::string>(), std::string("k"));
        const Run d = run({"quantize", "--input", "k.npy", "--scheme", "q6_k", "--imatrix",
                           "imatrix.dat", "--imatrix-tensor", "other", "--dequantized", "d.npy"});
        QVERIFY2(d.code == 0, qPrintable(d.err));
        test::compareBits(loadValues(file("d.npy")), want, "q6_k imatrix.dat");
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("q8_0")
            << QStringList{"--scheme", "q8_0", "--importance", "imp.npy"} << 2
            << "--importance: scheme 'q8_0' has no importance-weighted path (llama.cpp's "
               "quantize_q8_0 ignores the imatrix); importance applies to q4_0, q4_1, q5_0, "
               "q5_1, q2_k, q3_k, q4_k, q5_k, q6_k, iq4_nl, iq4_xs";
        QTest::newRow("integer scheme")
            << QStringList{"--scheme", "asymmetric", "--imatrix", "imatrix.gguf"} << 2
            << "--imatrix: scheme 'asymmetric' has no importance-weighted path; importance "
               "applies to";
        QTest::newRow("both") << QStringList{"--scheme",     "q4_k",         "--imatrix",
                                             "imatrix.gguf", "--importance", "imp.npy"}
                              << 2 << "--imatrix and --importance both give the importance";
        QTest::newRow("entry without file")
            << QStringList{"--scheme", "q4_k", "--imatrix-tensor", "k"} << 2
            << "--imatrix-tensor names an entry of the --imatrix file, which is missing";
        QTest::newRow("wrong length")
            << QStringList{"--scheme", "q4_k", "--importance", "short.npy"} << 3
            << "short.npy: the importance has 100 columns, but the rows of tensor 'k' (3x512) "
               "have 512";
        QTest::newRow("no entry") << QStringList{"--scheme", "q4_k", "--imatrix", "imatrix.dat"}
                                  << 3 << "imatrix.dat: the imatrix has no entry for tensor 'k'";
        QTest::newRow("nan") << QStringList{"--scheme", "q4_k", "--importance", "nan.npy"} << 3
                             << "nan.npy: importance is nan at column 7; importance must be "
                                "finite and non-negative";
        QTest::newRow("missing file")
            << QStringList{"--scheme", "q4_k", "--imatrix", "none.gguf"} << 3 << "none.gguf";
    }
    void refusals()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const Run r =
            run(QStringList{"quantize", "--input", "k.npy", "--dequantized", "out.npy"} + args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(file("out.npy")));
    }
};

QTEST_MAIN(TestCliImportance)
#include "tst_cli_importance.moc"
