// Tests of `quantscope-cli export` through the real binary: a tensor of a .safetensors file and
// a Q4_K tensor of the GGUF fixture (tests/data/gguf) written as .npy must hold exactly the
// float32 bits loadTensor gives; --all writes every tensor under a name that stays inside DIR;
// refusals keep the exit statuses of the other commands. Also `info` on a sharded safetensors
// model whose index names a shard outside its folder (exit 3).
#include "core/io/npy.h"
#include "core/io/tensor_file.h"

#include "tests/support/cli_run.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace qs;

namespace {

using Run = test::CliRun;
using test::runCli;

const char* const kModel = QS_SOURCE_DIR "/tests/data/gguf/ggml_reference.gguf";

// A .safetensors file of F32 tensors with the given names, each {1.5, -2, i}.
QByteArray safetensorsWith(const QStringList& names)
{
    QByteArray header = "{", data;
    for (int i = 0; i < names.size(); ++i) {
        const float v[3] = {1.5f, -2.0f, float(i)};
        header +=
            QStringLiteral("%1\"%2\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[%3,%4]}")
                .arg(i ? "," : "")
                .arg(names[i])
                .arg(data.size())
                .arg(data.size() + 12)
                .toUtf8();
        data.append(reinterpret_cast<const char*>(v), 12);
    }
    header += "}";
    QByteArray out;
    for (int i = 0; i < 8; ++i)
        out.append(char((quint64(header.size()) >> (8 * i)) & 0xff));
    return out + header + data;
}

// The .npy at `npy` is float32 with the shape and the exact bits of `path`:`member` as loaded.
void expectSameBits(const QString& npy, const std::string& path, const std::string& member)
{
    const Tensor expected = loadTensor(path, member);
    const Tensor written = loadNpy(npy.toStdString());
    QCOMPARE(written.dtype, std::string("<f4"));
    QCOMPARE(written.shape, expected.shape);
    QCOMPARE(written.data.size(), expected.data.size());
    QVERIFY(std::memcmp(written.data.data(), expected.data.data(),
                        expected.data.size() * sizeof(float)) == 0);
}

} // namespace

class TestCliExport : public test::CliTest {
    Q_OBJECT

private:
    void writeFile(const QString& name, const QByteArray& bytes) const
    {
        QFile f(file(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

private slots:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_scratch.open(&why), qPrintable(why));
        writeFile("m.safetensors", safetensorsWith({"a", "b"}));
    }

    void exportSafetensorsTensor()
    {
        const Run r = run({"export", "m.safetensors:b", "b.npy"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        expectSameBits(file("b.npy"), file("m.safetensors").toStdString(), "b");
    }

    // Dequantized from Q4_K as the core holds it, bit for bit.
    void exportGgufQ4K()
    {
        const Run r = run({"export", QString(kModel) + ":blk.0.attn_q.weight", "q4k.npy"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        expectSameBits(file("q4k.npy"), kModel, "blk.0.attn_q.weight");
    }

    void exportAllGguf()
    {
        const Run r = run({"export", kModel, "--all", "nested/out"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList written = QDir(file("nested/out")).entryList(QDir::Files);
        QCOMPARE(written.size(), 20);
        for (const TensorInfo& info : listTensors(kModel))
            expectSameBits(file("nested/out/" + QString::fromStdString(info.name) + ".npy"), kModel,
                           info.name);
    }

    // Names with '/', "..", a leading '.' or the same sanitized form stay plain files in DIR.
    void exportAllSanitizesNames()
    {
        writeFile("odd.safetensors", safetensorsWith({"../evil", "x/y", ".hidden", "x_y"}));
        const Run r = run({"export", "odd.safetensors", "--all", "odd"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QStringList written = QDir(file("odd")).entryList(QDir::Files | QDir::Hidden);
        written.sort();
        QCOMPARE(written, (QStringList{"_._evil.npy", "_hidden.npy", "x_y-2.npy", "x_y.npy"}));
        QVERIFY(!QFile::exists(file("evil.npy")));
        QCOMPARE(loadNpy(file("odd/x_y.npy").toStdString()).data[2], 1.0f); // "x/y" came first
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no arguments") << QStringList{"export"} << 2 << "missing FILE";
        QTest::newRow("no OUT") << QStringList{"export", "m.safetensors:a"} << 2
                                << "expected FILE:TENSOR OUT.npy";
        QTest::newRow("OUT not npy")
            << QStringList{"export", "m.safetensors:a", "a.txt"} << 2 << "OUT must be a .npy file";
        QTest::newRow("--all with OUT")
            << QStringList{"export", "m.safetensors", "a.npy", "--all", "d"} << 2
            << "--all DIR takes FILE and no OUT";
        QTest::newRow("output over input") << QStringList{"export", "in.npy", "in.npy"} << 2
                                           << "refusing to overwrite the input file";
        QTest::newRow("missing file")
            << QStringList{"export", "nope.npy", "x.npy"} << 3 << "nope.npy: cannot open file";
        QTest::newRow("no such tensor")
            << QStringList{"export", "m.safetensors:zz", "x.npy"} << 3 << "no tensor named 'zz'";
        QTest::newRow("several tensors")
            << QStringList{"export", "m.safetensors", "x.npy"} << 3 << "holds 2 tensors";
        QTest::newRow("unwritable") << QStringList{"export", "m.safetensors:a", "no/such/dir/a.npy"}
                                    << 1 << "a.npy: cannot create a file";
        QTest::newRow("shard outside the folder")
            << QStringList{"info", "model.safetensors.index.json"} << 3
            << "model.safetensors.index.json: shard name '../m.safetensors' is not a plain file "
               "name";
    }
    void refusals()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        writeNpyFloat32(file("in.npy").toStdString(), {2}, {1, 2});
        writeFile("model.safetensors.index.json", R"({"weight_map": {"a": "../m.safetensors"}})");
        const Run r = run(args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(loadNpy(file("in.npy").toStdString()).data, (std::vector<float>{1, 2}));
    }
};

QTEST_MAIN(TestCliExport)
#include "tst_cli_export.moc"
