// quantscope-cli subcommands. Each takes the argument list after the subcommand name (with the
// program name in front, as QCommandLineParser expects), returns an exit status and throws the
// errors of cli_options.h.
#pragma once

#include <QStringList>

namespace qs::cli {

int runInfo(const QStringList& args);
int runExport(const QStringList& args);
int runQuantize(const QStringList& args);
int runPlot(int& argc, char** argv, const QStringList& args);
int runPresets(const QStringList& args);
int runInspect(const QStringList& args);
int runModel(const QStringList& args);

// Usage texts (also printed after a usage error).
QString mainUsage();
QString infoUsage();
QString exportUsage();
QString quantizeUsage();
QString plotUsage();
QString presetsUsage();
QString inspectUsage();
QString modelUsage();
// `help schemes`: every scheme, range method and rounding mode with its description (the same
// text as docs/CLI.md, "Schemes, range methods and rounding modes").
QString schemesUsage();

} // namespace qs::cli
