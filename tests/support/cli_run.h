// Runs the quantscope-cli binary of this build (QProcess) for the CLI tests.
#pragma once

#include <QDir>
#include <QFile>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <string>

namespace qs::test {

struct CliRun {
    int code = -1; // exit status; -2: crashed
    QString out, err;
};

// Waits up to a minute; `dir` is the working directory (empty: this process's).
inline CliRun runCli(const QStringList& args, const QString& dir = QString())
{
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope-cli"), args);
    CliRun r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timeout");
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// The standard output of a run that succeeded; empty (its error printed as a warning) otherwise.
inline std::string outputOf(const CliRun& r)
{
    if (r.code != 0)
        qWarning("exit status %d: %s", r.code, qPrintable(r.err));
    return r.code == 0 ? r.out.toStdString() : std::string();
}

// The scratch folder of one CLI test program: files by name, and the CLI run inside it. open()
// belongs in initTestCase: false (with the reason in *why) when the binary is missing or the
// folder cannot be made.
class CliScratch {
public:
    bool open(QString* why)
    {
        if (!QFile::exists(QStringLiteral(QS_BIN_DIR "/quantscope-cli"))) {
            *why = QStringLiteral("build quantscope-cli first");
            return false;
        }
        QDir().mkpath(QStringLiteral(QS_TEST_TMP));
        m_dir = std::make_unique<QTemporaryDir>(QStringLiteral(QS_TEST_TMP "/cli-XXXXXX"));
        *why = QStringLiteral("cannot make a scratch folder in " QS_TEST_TMP);
        return m_dir->isValid();
    }
    QString path() const { return m_dir->path(); }
    QString file(const QString& name) const { return m_dir->path() + "/" + name; }
    CliRun run(const QStringList& args) const { return runCli(args, m_dir->path()); }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

// Base of a CLI test program: its scratch folder, a file there by name, and the CLI run there.
// initTestCase opens m_scratch.
class CliTest : public QObject {
protected:
    CliScratch m_scratch;
    QString file(const QString& name) const { return m_scratch.file(name); }
    CliRun run(const QStringList& args) const { return m_scratch.run(args); }
};

} // namespace qs::test
