// `quantscope-cli presets`: the named presets of core/presets.h, one line each (name, system,
// description), so that `--preset NAME` can be chosen from the command line.
#include "cli_commands.h"
#include "cli_options.h"

#include "core/config/presets.h"

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>

namespace qs::cli {

QString presetsUsage()
{
    return QStringLiteral("Usage: quantscope-cli presets\n"
                          "Lists the presets (name, system, what it reproduces). Use one with\n"
                          "  quantscope-cli quantize SOURCE --preset NAME [OPTIONS]\n"
                          "where OPTIONS given with --preset override the preset's values.\n");
}

int runPresets(const QStringList& args)
{
    QCommandLineParser p;
    if (!parseOrHelp(p, args, presetsUsage()))
        return ExitOk;
    if (!p.positionalArguments().isEmpty())
        throw UsageError("presets takes no arguments (got '" +
                         p.positionalArguments().first().toStdString() + "')");
    const std::vector<Preset> all = presets();
    size_t width = 0;
    for (const Preset& x : all)
        width = std::max(width, x.name.size());
    for (const Preset& x : all) {
        const std::string line = x.name + std::string(width + 2 - x.name.size(), ' ') + "[" +
                                 x.system + "] " + x.description + "\n";
        std::fputs(line.c_str(), stdout);
    }
    return ExitOk;
}

} // namespace qs::cli
