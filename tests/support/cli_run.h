// Runs the quantscope-cli binary of this build (QProcess) for the CLI tests.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

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

} // namespace qs::test
