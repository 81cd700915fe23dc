// Crash safety of every writer of quantscope-cli: each output (export, export --all, the
// report, codes, dequantized values, CSV, and plot's PNG, SVG and PDF) is written by a child
// process that is killed with SIGKILL in the middle of its first write. The destination must
// then hold its old bytes, or not exist if it did not before; never a partial file.
// The child is stopped at a known point by AtomicFile's test hook (QS_TEST_STOP_MID_WRITE, see
// core/io/atomic_file.h): it writes half of its first buffer to the temporary file and stops
// itself, and the test sees that partial temporary file before it kills the process.
#include "core/io/npy.h"

#include "tests/support/cli_run.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace qs;

namespace {

const char* const kCli = QS_BIN_DIR "/quantscope-cli";

// `args` with every "{dir}" replaced by `dir`.
QStringList inDir(const QStringList& args, const QString& dir)
{
    QStringList out;
    for (QString a : args)
        out << a.replace(QLatin1String("{dir}"), dir);
    return out;
}

// Runs the CLI with QS_TEST_STOP_MID_WRITE set until it stops itself inside its first write,
// then kills it with SIGKILL. Empty on success, otherwise what happened instead.
QString runAndKillMidWrite(const QStringList& args)
{
    std::vector<std::string> strings{kCli};
    for (const QString& a : args)
        strings.push_back(a.toStdString());
    std::vector<char*> argv;
    for (std::string& s : strings)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    std::string hook = "QS_TEST_STOP_MID_WRITE=1";
    std::vector<char*> envp{hook.data()};
    for (char** e = environ; *e; ++e)
        envp.push_back(*e);
    envp.push_back(nullptr);

    pid_t pid = 0;
    if (posix_spawn(&pid, kCli, nullptr, nullptr, argv.data(), envp.data()) != 0)
        return QStringLiteral("cannot start %1").arg(kCli);
    QElapsedTimer clock;
    clock.start();
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WUNTRACED | WNOHANG);
        if (r == pid && WIFSTOPPED(status))
            break;
        if (r == pid)
            return QStringLiteral("the CLI ended (status %1) without stopping in a write")
                .arg(status);
        if (clock.elapsed() > 60000) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return QStringLiteral("the CLI did not reach a write within a minute");
        }
        QThread::msleep(2);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        return QStringLiteral("the CLI was not killed (status %1)").arg(status);
    return {};
}

// The hidden files under `dir`: AtomicFile's temporary files ".NAME.tmp-XXXXXXXXXXXX".
QStringList hiddenFiles(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        if (QFileInfo(f).fileName().startsWith(QLatin1Char('.')))
            out << f;
    }
    return out;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A .safetensors file of two F32 tensors "first" and "second" of `n` values each.
QByteArray twoTensors(int n)
{
    const QByteArray header = QStringLiteral("{\"first\":{\"dtype\":\"F32\",\"shape\":[%1],"
                                             "\"data_offsets\":[0,%2]},\"second\":{\"dtype\":"
                                             "\"F32\",\"shape\":[%1],\"data_offsets\":[%2,%3]}}")
                                  .arg(n)
                                  .arg(4 * n)
                                  .arg(8 * n)
                                  .toUtf8();
    QByteArray out;
    for (int i = 0; i < 8; ++i)
        out.append(char((quint64(header.size()) >> (8 * i)) & 0xff));
    out += header;
    for (int i = 0; i < 2 * n; ++i) {
        const float v = float(i % 1000) * 0.25f - 100.0f;
        out.append(reinterpret_cast<const char*>(&v), 4);
    }
    return out;
}

} // namespace

class TestCliCrash : public test::CliTest {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_scratch.open(&why), qPrintable(why));
        // Inputs of the exports: 2^18 values (1 MiB of data, the size of AtomicFile's buffer).
        std::vector<float> values(size_t(1) << 18);
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(i % 4093) * 0.5f - 1000.0f;
        writeNpyFloat32(file("big.npy").toStdString(), {512, 512}, values);
        QFile st(file("two.safetensors"));
        QVERIFY(st.open(QIODevice::WriteOnly));
        st.write(twoTensors(1 << 17));
    }

    void killedWriterLeavesOldFileOrNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("outputs"); // relative to {dir}
        const QString big = file("big.npy"), two = file("two.safetensors");
        const QStringList gen{"--generate", "normal", "--shape", "256x256", "--bits", "4"};
        const QStringList small{"--generate", "normal", "--shape", "32x32"};
        QTest::newRow("export") << QStringList{"export", big, "{dir}/out.npy"}
                                << QStringList{"out.npy"};
        QTest::newRow("export --all") << QStringList{"export", two, "--all", "{dir}/all"}
                                      << QStringList{"all/first.npy", "all/second.npy"};
        const std::pair<const char*, const char*> quantizeOutputs[] = {{"--report", "r.json"},
                                                                       {"--codes", "c.npy"},
                                                                       {"--dequantized", "d.npy"},
                                                                       {"--csv", "e.csv"}};
        for (const auto& [option, out] : quantizeOutputs)
            QTest::newRow(qPrintable(QStringLiteral("quantize %1").arg(option)))
                << (QStringList{"quantize"} + gen +
                    QStringList{option, QStringLiteral("{dir}/") + out})
                << QStringList{out};
        QTest::newRow("quantize --gguf")
            << (QStringList{"quantize", "--generate", "normal", "--shape", "256x256", "--scheme",
                            "q8_0", "--gguf", "{dir}/w.gguf"})
            << QStringList{"w.gguf"};
        for (const char* suffix : {"png", "svg", "pdf"}) {
            const QString out = QStringLiteral("p.%1").arg(suffix);
            QTest::newRow(qPrintable("plot " + out))
                << (QStringList{"plot"} + small +
                    QStringList{"--chart", "histogram", "--out", "{dir}/" + out})
                << QStringList{out};
        }
    }

    void killedWriterLeavesOldFileOrNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(QStringList, outputs);
        const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_');

        // A complete run: the sizes a finished write has.
        const QString ref = file(tag + "-ref");
        QVERIFY(QDir().mkpath(ref));
        const test::CliRun done = test::runCli(inDir(args, ref));
        QVERIFY2(done.code == 0, qPrintable(done.err));
        QMap<QString, qint64> fullSize;
        for (const QString& o : outputs) {
            fullSize[o] = QFileInfo(ref + "/" + o).size();
            QVERIFY2(fullSize[o] > 1, qPrintable(o));
        }

        // Killed with no file there before: nothing at the destination, and the partial
        // temporary file beside it proves the kill came in the middle of the write.
        const QString fresh = file(tag + "-fresh");
        QVERIFY(QDir().mkpath(fresh));
        const QString killed = runAndKillMidWrite(inDir(args, fresh));
        QVERIFY2(killed.isEmpty(), qPrintable(killed));
        for (const QString& o : outputs)
            QVERIFY2(!QFileInfo::exists(fresh + "/" + o), qPrintable(o + " exists"));
        const QStringList temps = hiddenFiles(fresh);
        QCOMPARE(temps.size(), 1);
        const QFileInfo temp(temps[0]);
        const QString written = outputs.front();
        QVERIFY2(temp.fileName().startsWith("." + QFileInfo(written).fileName() + ".tmp-"),
                 qPrintable(temp.fileName()));
        QVERIFY2(temp.size() > 0 && temp.size() < fullSize[written],
                 qPrintable(QStringLiteral("temporary file of %1 bytes, the full file has %2")
                                .arg(temp.size())
                                .arg(fullSize[written])));

        // Killed while replacing existing files: they keep their old bytes.
        const QString old = file(tag + "-old");
        for (const QString& o : outputs) {
            QVERIFY(QDir().mkpath(QFileInfo(old + "/" + o).path()));
            QFile f(old + "/" + o);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("old " + o.toUtf8());
        }
        const QString killedAgain = runAndKillMidWrite(inDir(args, old));
        QVERIFY2(killedAgain.isEmpty(), qPrintable(killedAgain));
        for (const QString& o : outputs)
            QCOMPARE(readAll(old + "/" + o), "old " + o.toUtf8());
    }
};

QTEST_GUILESS_MAIN(TestCliCrash)
#include "tst_cli_crash.moc"
