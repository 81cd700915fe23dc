// `quantscope-cli export FILE:TENSOR OUT.npy` and `export FILE --all DIR`: tensors as the core
// loads them (float32, dequantized from their stored type), written as .npy for NumPy.
#include "cli_commands.h"
#include "cli_options.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/io/npy.h"
#include "core/io/tensor_file.h"

#include <QDir>

#include <cctype>
#include <cstdio>
#include <set>

namespace qs::cli {

namespace {

// A file name for a tensor: characters other than letters, digits, '-', '_' and '.' become '_',
// and a leading '.' too, so the name is one plain file in DIR (never "..", never hidden).
std::string safeFileStem(const std::string& name)
{
    std::string s = name.empty() ? std::string("_") : name;
    for (char& c : s) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '-' || c == '_' || c == '.') || u >= 0x80)
            c = '_';
    }
    if (s[0] == '.')
        s[0] = '_';
    return s;
}

Tensor loadInput(const std::string& path, const std::string& member)
{
    try {
        std::vector<std::string> warnings;
        Tensor t = loadTensor(path, member, &warnings);
        for (const std::string& w : warnings)
            std::fprintf(stderr, "warning: %s\n", w.c_str());
        return t;
    } catch (const qs::Error& e) {
        throw InputError(e.what());
    }
}

void writeTensor(const Tensor& t, const std::string& out, const std::string& input)
{
    try {
        writeNpyFloat32(out, t.shape, t.data, {input});
    } catch (const qs::Error& e) {
        throw OutputError(e.what());
    }
    std::printf("%s -> %s\n", t.name.c_str(), out.c_str());
}

int exportOne(const QString& spec, const QString& out)
{
    std::string path, member;
    splitPathMember(spec.toStdString(), path, member);
    const std::string outPath = out.toStdString();
    if (!out.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive))
        throw UsageError("OUT must be a .npy file: " + outPath);
    if (outPath == path || sameFile(outPath, path))
        throw UsageError(outPath + ": refusing to overwrite the input file");
    writeTensor(loadInput(path, member), outPath, path);
    return ExitOk;
}

// Every tensor; one that cannot be loaded (a GGUF type without a dequantizer) is reported and
// skipped, and the exit status says so.
int exportAll(const QString& file, const QString& dir)
{
    const std::string path = file.toStdString();
    std::vector<TensorInfo> infos;
    try {
        infos = listTensors(path);
    } catch (const qs::Error& e) {
        throw InputError(e.what());
    }
    if (!QDir().mkpath(dir))
        throw OutputError(dir.toStdString() + ": cannot create the folder");
    std::set<std::string> used;
    int skipped = 0;
    for (const TensorInfo& info : infos) {
        std::string stem = safeFileStem(info.name);
        for (int n = 2; !used.insert(stem).second; ++n)
            stem = safeFileStem(info.name) + "-" + std::to_string(n);
        try {
            writeTensor(loadInput(path, info.name), dir.toStdString() + "/" + stem + ".npy", path);
        } catch (const InputError& e) {
            std::fprintf(stderr, "quantscope-cli: %s (not exported)\n", e.what());
            ++skipped;
        }
    }
    if (skipped)
        throw InputError(std::to_string(skipped) + " of " + std::to_string(infos.size()) +
                         " tensors could not be loaded");
    return ExitOk;
}

} // namespace

int runExport(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"all", "Write every tensor of FILE as DIR/NAME.npy.", "DIR"});
    p.addPositionalArgument("SOURCE", "FILE:TENSOR (FILE alone: its only tensor; with --all).");
    p.addPositionalArgument("OUT", "The .npy file to write (not with --all).");
    if (!parseOrHelp(p, args, exportUsage()))
        return ExitOk;
    const QStringList pos = p.positionalArguments();
    if (p.isSet("all")) {
        if (pos.size() != 1)
            throw UsageError(pos.isEmpty() ? "missing FILE" : "--all DIR takes FILE and no OUT");
        return exportAll(pos[0], p.value("all"));
    }
    if (pos.size() != 2)
        throw UsageError(pos.isEmpty() ? "missing FILE:TENSOR and OUT.npy"
                                       : "expected FILE:TENSOR OUT.npy");
    return exportOne(pos[0], pos[1]);
}

} // namespace qs::cli
