// Every committed fuzz seed (tests/fuzz/corpus/<reader>/) and every input that ever crashed a
// reader (tests/data/fuzz-regressions/<reader>/) through the same reader function its libFuzzer
// harness runs: each must load or fail with a clean qs::Error, and the reader's own answers must
// agree (listing and loading, writing and re-reading). The folders are read at run time, so a new
// crash file is picked up without touching this test.
#include "tests/fuzz/fuzz_reader.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <map>
#include <string>

#define QS_DECLARE_READER(reader) void qsFuzzRead_##reader(const uint8_t* data, size_t size);
QS_DECLARE_READER(npy)
QS_DECLARE_READER(npz)
QS_DECLARE_READER(safetensors)
QS_DECLARE_READER(safetensors_index)
QS_DECLARE_READER(gguf)
QS_DECLARE_READER(onnx)
QS_DECLARE_READER(torch)
QS_DECLARE_READER(pickle)
QS_DECLARE_READER(csv)
QS_DECLARE_READER(imatrix)
QS_DECLARE_READER(lesson)
QS_DECLARE_READER(session)

namespace {

using ReaderFunction = void (*)(const uint8_t*, size_t);

const std::map<QString, ReaderFunction>& readers()
{
    static const std::map<QString, ReaderFunction> table = {
        {"npy", qsFuzzRead_npy},
        {"npz", qsFuzzRead_npz},
        {"safetensors", qsFuzzRead_safetensors},
        {"safetensors_index", qsFuzzRead_safetensors_index},
        {"gguf", qsFuzzRead_gguf},
        {"onnx", qsFuzzRead_onnx},
        {"torch", qsFuzzRead_torch},
        {"pickle", qsFuzzRead_pickle},
        {"csv", qsFuzzRead_csv},
        {"imatrix", qsFuzzRead_imatrix},
        {"lesson", qsFuzzRead_lesson},
        {"session", qsFuzzRead_session},
    };
    return table;
}

const QString kSeeds = QStringLiteral(QS_SOURCE_DIR "/tests/fuzz/corpus");
const QString kCrashes = QStringLiteral(QS_SOURCE_DIR "/tests/data/fuzz-regressions");

QStringList subfolders(const QString& root)
{
    return QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT
private slots:
    void everyFolderIsAReader();
    void everyReaderHasSeeds();
    void inputLoadsOrFailsCleanly_data();
    void inputLoadsOrFailsCleanly();
};

void TestFuzzRegressions::everyFolderIsAReader()
{
    for (const QString& root : {kSeeds, kCrashes})
        for (const QString& folder : subfolders(root))
            QVERIFY2(readers().count(folder), qPrintable(root + "/" + folder + " names no reader"));
}

void TestFuzzRegressions::everyReaderHasSeeds()
{
    for (const auto& [reader, run] : readers()) {
        const int n = QDir(kSeeds + "/" + reader).entryList(QDir::Files).size();
        QVERIFY2(n >= 1 && n <= 60, qPrintable(reader + ": " + QString::number(n) + " seeds"));
    }
}

void TestFuzzRegressions::inputLoadsOrFailsCleanly_data()
{
    QTest::addColumn<QString>("reader");
    QTest::addColumn<QString>("path");
    for (const QString& root : {kSeeds, kCrashes})
        for (const QString& reader : subfolders(root)) {
            const QDir dir(root + "/" + reader);
            for (const QString& file : dir.entryList(QDir::Files, QDir::Name))
                QTest::addRow("%s/%s/%s", qPrintable(QDir(root).dirName()), qPrintable(reader),
                              qPrintable(file))
                    << reader << dir.filePath(file);
        }
}

void TestFuzzRegressions::inputLoadsOrFailsCleanly()
{
    QFETCH(QString, reader);
    QFETCH(QString, path);
    QVERIFY(readers().count(reader));
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray bytes = f.readAll();
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.constData());
    try {
        readers().at(reader)(data, size_t(bytes.size()));
    } catch (const qs::Error& e) {
        // A clean refusal names the input and the problem.
        QVERIFY2(std::string(e.what()).find("fuzz") != std::string::npos, e.what());
    } catch (const qs::fuzz::Broken& e) {
        QFAIL(qPrintable(QStringLiteral("inconsistent reader answers: ") + e.what()));
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("not a qs::Error: ") + e.what()));
    }
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzz_regressions.moc"
