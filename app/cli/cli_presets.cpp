// `quantscope-cli presets`: the named presets of core/presets.h grouped by system (a title
// line, then one indented line per preset: name and description), so that `--preset NAME`
// can be chosen from the command line.
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
                          "Lists the presets by system (name, what it reproduces). Use one with\n"
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
    const std::vector<PresetGroup> groups = presetGroups();
    size_t width = 0;
    for (const PresetGroup& g : groups)
        for (const Preset& x : g.presets)
            width = std::max(width, x.name.size());
    std::string out;
    for (const PresetGroup& g : groups) {
        out += (out.empty() ? "" : "\n") + g.title + "\n";
        for (const Preset& x : g.presets)
            out +=
                "  " + x.name + std::string(width + 2 - x.name.size(), ' ') + x.description + "\n";
    }
    std::fputs(out.c_str(), stdout);
    return ExitOk;
}

} // namespace qs::cli
