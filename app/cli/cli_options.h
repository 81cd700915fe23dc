// quantscope-cli: the option sets shared by its subcommands (SOURCE, OPTIONS, OUTPUTS), how they
// map onto the core (GeneratorOptions, QuantConfig) and the exit-status contract:
//   0 success, 1 an output could not be written, 2 usage error (bad or missing option, impossible
//   configuration), 3 bad input file (missing, unreadable, malformed, no such tensor).
#pragma once

#include "core/base/tensor.h"
#include "core/config/quant_config.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <stdexcept>
#include <string>
#include <vector>

namespace qs::cli {

enum ExitCode { ExitOk = 0, ExitOutputFailed = 1, ExitUsage = 2, ExitBadInput = 3 };

// Thrown by the commands; main() prints the message (and the usage for UsageError) to stderr.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct OutputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Option groups added to a subcommand's parser. The quantization options are the flags of
// core/config/config_fields.h (--preset first).
void addSourceOptions(QCommandLineParser& p);
void addQuantOptions(QCommandLineParser& p);

// Parses argv of a subcommand (args[0] is the program); --help prints help and returns false.
// Throws UsageError with QCommandLineParser's message on unknown options / missing values.
bool parseOrHelp(QCommandLineParser& p, const QStringList& args, const QString& usageText);
// parseOrHelp for a subcommand that takes options only: a positional argument is a UsageError.
bool parseOptionsOrHelp(QCommandLineParser& p, const QStringList& args, const QString& usageText);

// A loaded or generated tensor with what the report needs to know about it.
struct Source {
    Tensor tensor;
    std::string description;           // "w.npz:layer0", "generate normal 64x64 seed 0"
    std::string inputPath;             // empty for --generate (outputs must not overwrite it)
    std::vector<std::string> warnings; // from loading
    double loadMs = 0;
};

// --input or --generate; throws UsageError (bad options) or InputError (bad file).
Source loadSource(const QCommandLineParser& p);
// OPTIONS -> QuantConfig (defaults = the GUI's; --preset NAME starts from that preset's
// config and the other options override it); validated. Throws UsageError.
QuantConfig quantConfigFromOptions(const QCommandLineParser& p);
// Loads one tensor (or an image) from "PATH[:TENSOR]"; throws InputError / UsageError.
Source loadInputSpec(const QString& spec, bool grayscale);

// Number parsing with messages naming the option.
int intOption(const QCommandLineParser& p, const QString& name, int lo, int hi);
double doubleOption(const QCommandLineParser& p, const QString& name);

QString programVersion();

} // namespace qs::cli
