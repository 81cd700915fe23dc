// quantscope-cli: the headless command-line tool. It runs the same core as the GUI (loaders,
// quantizers, reports) and the same chart builders for `plot`, so its numbers and figures are
// the GUI's. See docs/CLI.md for the reference and cli_options.h for the exit statuses.
#include "cli_commands.h"
#include "cli_options.h"

#include "core/base/error.h"

#include <QStringList>

#include <cstdio>
#include <exception>
#include <new>

using namespace qs::cli;

namespace {

void printErr(const QString& s)
{
    std::fputs(s.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

// The subcommands: name, usage text and how to run one on the arguments after its name.
const struct Command {
    const char* name;
    QString (*usage)();
    int (*run)(int& argc, char** argv, const QStringList& args);
} kCommands[] = {
    {"info", infoUsage, [](int&, char**, const QStringList& a) { return runInfo(a); }},
    {"export", exportUsage, [](int&, char**, const QStringList& a) { return runExport(a); }},
    {"quantize", quantizeUsage, [](int&, char**, const QStringList& a) { return runQuantize(a); }},
    {"plot", plotUsage, runPlot},
    {"inspect", inspectUsage, [](int&, char**, const QStringList& a) { return runInspect(a); }},
    {"model", modelUsage, [](int&, char**, const QStringList& a) { return runModel(a); }},
    {"presets", presetsUsage, [](int&, char**, const QStringList& a) { return runPresets(a); }},
};

const Command* commandNamed(const QString& name)
{
    for (const Command& c : kCommands)
        if (name == QLatin1String(c.name))
            return &c;
    return nullptr;
}

QString usageFor(const QString& cmd)
{
    if (cmd == "schemes")
        return schemesUsage();
    const Command* c = commandNamed(cmd);
    return c ? c->usage() : mainUsage();
}

// The synopsis of cmd's usage (its "Usage:" line and the indented lines that continue it), which a
// usage error prints below the message, so that the message stays in view.
QString synopsisFor(const QString& cmd)
{
    QString out;
    bool inSynopsis = false;
    for (const QString& line : usageFor(cmd).split('\n')) {
        if (line.startsWith("Usage:"))
            inSynopsis = true;
        else if (inSynopsis && !line.startsWith(' '))
            break;
        if (inSynopsis)
            out += line + '\n';
    }
    return out + "Run 'quantscope-cli " + cmd + " --help' for every option.\n";
}

} // namespace

int main(int argc, char** argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const QString program = args.value(0, "quantscope-cli");
    const QString cmd = args.value(1);
    try {
        if (cmd.isEmpty()) {
            printErr("quantscope-cli: missing command\n\n" + mainUsage());
            return ExitUsage;
        }
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            if (args.size() > 2)
                std::fputs(usageFor(args[2]).toLocal8Bit().constData(), stdout);
            else
                std::fputs(mainUsage().toLocal8Bit().constData(), stdout);
            return ExitOk;
        }
        if (cmd == "--version" || cmd == "-v") {
            std::printf("quantscope-cli %s\n", programVersion().toLocal8Bit().constData());
            return ExitOk;
        }
        QStringList rest = args.mid(2);
        rest.prepend(program + " " + cmd);
        if (const Command* c = commandNamed(cmd))
            return c->run(argc, argv, rest);
        printErr("quantscope-cli: unknown command '" + cmd + "'\n\n" + mainUsage());
        return ExitUsage;
    } catch (const UsageError& e) {
        printErr("quantscope-cli " + cmd + ": " + QString::fromStdString(e.what()) + "\n\n" +
                 synopsisFor(cmd));
        return ExitUsage;
    } catch (const InputError& e) {
        printErr("quantscope-cli: " + QString::fromStdString(e.what()) + "\n");
        return ExitBadInput;
    } catch (const OutputError& e) {
        printErr("quantscope-cli: " + QString::fromStdString(e.what()) + "\n");
        return ExitOutputFailed;
    } catch (const qs::Error& e) {
        // Anything the core rejects that is not a file problem is a usage problem (e.g. an axis
        // outside the tensor's rank).
        printErr("quantscope-cli " + cmd + ": " + QString::fromStdString(e.what()) + "\n\n" +
                 synopsisFor(cmd));
        return ExitUsage;
    } catch (const std::bad_alloc&) {
        printErr("quantscope-cli: out of memory\n");
        return ExitOutputFailed;
    } catch (const std::exception& e) {
        printErr("quantscope-cli: " + QString::fromStdString(e.what()) + "\n");
        return ExitOutputFailed;
    } catch (...) {
        printErr("quantscope-cli: unexpected error\n");
        return ExitOutputFailed;
    }
}
