// `quantscope-cli quantize`: quantize a loaded or generated tensor and write the report, codes,
// dequantized values, the per-element CSV and the quantized tensor as a GGUF file.
#include "cli_commands.h"
#include "cli_options.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/io/csv_io.h"
#include "core/io/gguf_writer.h"
#include "core/io/npy.h"
#include "core/quant/gguf_export.h"
#include "core/quant/lowbit_quantize.h"
#include "core/quant/quantize.h"
#include "core/report/report.h"
#include "core/report/result_csv.h"

#include <QFileInfo>

#include <cmath>
#include <cstdio>
#include <memory>

namespace qs::cli {

namespace {

struct Outputs {
    QString report, codes, dequantized, csv, gguf;
};

// Every output must differ from the input and from the other outputs.
void checkOutputs(const Outputs& o, const Source& src)
{
    const std::vector<std::pair<QString, QString>> all = {{"--report", o.report},
                                                          {"--codes", o.codes},
                                                          {"--dequantized", o.dequantized},
                                                          {"--csv", o.csv},
                                                          {"--gguf", o.gguf}};
    for (size_t i = 0; i < all.size(); ++i) {
        const QString& a = all[i].second;
        if (a.isEmpty() || a == "-")
            continue;
        if (!src.inputPath.empty() &&
            (a.toStdString() == src.inputPath || sameFile(a.toStdString(), src.inputPath)))
            throw UsageError(all[i].first.toStdString() + " " + a.toStdString() +
                             ": refusing to overwrite the input file");
        for (size_t j = i + 1; j < all.size(); ++j) {
            const QString& b = all[j].second;
            if (!b.isEmpty() && QFileInfo(a).absoluteFilePath() == QFileInfo(b).absoluteFilePath())
                throw UsageError(all[i].first.toStdString() + " and " + all[j].first.toStdString() +
                                 " name the same file");
        }
    }
}

// The GGUF tensor name: the input tensor's, "tensor" for a nameless one.
std::string ggufTensorName(const Source& src)
{
    return src.tensor.name.empty() ? "tensor" : src.tensor.name;
}

// --gguf before loading: a scheme with a ggml type.
void checkGgufScheme(const QuantConfig& config)
{
    if (!ggmlTypeOf(config.scheme))
        throw UsageError("--gguf: scheme '" + toName(config.scheme) +
                         "' has no GGUF type; the schemes GGUF stores are " +
                         ggufWritableSchemes());
}

// --gguf before quantizing: rows of whole blocks of the scheme's type.
void checkGgufRows(const QuantConfig& config, const Source& src)
{
    const GgmlTypeInfo* type = ggmlTypeOf(config.scheme);
    try {
        checkGgufTensor(ggufTensorName(src),
                        src.tensor.shape.empty() ? std::vector<int64_t>{1} : src.tensor.shape,
                        *type);
    } catch (const qs::Error& e) {
        throw UsageError(std::string("--gguf: ") + e.what());
    }
}

void writeGguf(const QString& path, const Source& src, const QuantResult& r,
               const std::vector<std::string>& protect)
{
    GgufWriter w;
    setQuantizationMetadata(w, src.description, r.config);
    addQuantizedTensor(w, ggufTensorName(src), src.tensor, r);
    w.write(path.toStdString(), protect);
}

// --imatrix / --importance before loading: one of them, and a scheme with a weighted path.
void checkImportanceOptions(const QCommandLineParser& p, const QuantConfig& config)
{
    for (const char* o : {"imatrix", "imatrix-tensor", "importance"})
        if (p.isSet(o) && p.value(o).isEmpty())
            throw UsageError(std::string("--") + o + " needs a value");
    if (p.isSet("imatrix") && p.isSet("importance"))
        throw UsageError("--imatrix and --importance both give the importance: use one");
    if (p.isSet("imatrix-tensor") && !p.isSet("imatrix"))
        throw UsageError("--imatrix-tensor names an entry of the --imatrix file, which is missing");
    if ((p.isSet("imatrix") || p.isSet("importance")) && !hasImportancePath(config.scheme)) {
        try {
            checkImportanceScheme(config.scheme);
        } catch (const qs::Error& e) {
            throw UsageError(std::string(p.isSet("imatrix") ? "--imatrix: " : "--importance: ") +
                             e.what());
        }
    }
}

// The importance of --imatrix (the entry of --imatrix-tensor, or the input tensor's name) or
// --importance, checked against the tensor; none when neither is given.
std::unique_ptr<Importance> loadImportance(const QCommandLineParser& p, const Source& src)
{
    if (!p.isSet("imatrix") && !p.isSet("importance"))
        return nullptr;
    std::unique_ptr<Importance> imp;
    try {
        if (p.isSet("importance")) {
            imp = std::make_unique<Importance>(
                loadImportanceNpy(p.value("importance").toStdString()));
        } else {
            const std::string entry = p.isSet("imatrix-tensor")
                                          ? p.value("imatrix-tensor").toStdString()
                                          : src.tensor.name;
            imp =
                std::make_unique<Importance>(loadImatrix(p.value("imatrix").toStdString(), entry));
        }
        checkImportanceFits(*imp, src.tensor.shape, src.tensor.name);
    } catch (const qs::Error& e) {
        throw InputError(e.what());
    }
    return imp;
}

QString summary(const Source& src, const QuantResult& r, bool gguf)
{
    const Metrics& m = r.metrics;
    QString s;
    s += QString("tensor   %1  %2  %3\n")
             .arg(QString::fromStdString(src.tensor.name),
                  QString::fromStdString(src.tensor.shapeString()),
                  QString::fromStdString(src.tensor.dtype));
    if (!r.config.preset.empty())
        s += "preset   " + QString::fromStdString(r.config.preset) + "\n";
    s += "config   " + QString::fromStdString(r.config.summary()) + "\n";
    if (r.params.numSlices() == 1 && r.config.isInteger())
        s += QString("params   scale %1  zero point %2  range [%3, %4]\n")
                 .arg(r.params.scale[0], 0, 'g', 9)
                 .arg(r.params.realZeroPoint.empty()
                          ? QString::number(r.params.zeroPoint[0])
                          : QString::number(r.params.zeroPointAt(0), 'g', 9))
                 .arg(r.params.rangeMin[0], 0, 'g', 9)
                 .arg(r.params.rangeMax[0], 0, 'g', 9);
    else if (r.config.isInteger())
        s += QString("params   %1 slices\n").arg(r.params.numSlices());
    else if (r.config.isBlockwise())
        s += QString("params   %1 blocks of %2 (scale per block)\n")
                 .arg(r.params.numSlices())
                 .arg(r.config.blockSize());
    s += QString("metrics  mse %1  rmse %2  mae %3  max|err| %4  sqnr %5 dB\n")
             .arg(m.mse, 0, 'g', 6)
             .arg(m.rmse, 0, 'g', 6)
             .arg(m.mae, 0, 'g', 6)
             .arg(m.maxAbsError, 0, 'g', 6)
             .arg(std::isinf(m.sqnrDb) ? QString("inf") : QString::number(m.sqnrDb, 'f', 2));
    s += QString("         clipped %1% low, %2% high; levels used %3 of %4; %5 bits/element\n")
             .arg(100 * m.clippedLow, 0, 'g', 4)
             .arg(100 * m.clippedHigh, 0, 'g', 4)
             .arg(m.levelsUsed)
             .arg(m.levelsTotal)
             .arg(m.bitsPerElement, 0, 'g', 5);
    if (r.importance.columns > 0)
        s += QString("weights  importance from %1%2, %3 columns%4\n")
                 .arg(QString::fromStdString(r.importance.file),
                      r.importance.tensor.empty()
                          ? QString()
                          : " entry " + QString::fromStdString(r.importance.tensor))
                 .arg(r.importance.columns)
                 .arg(r.importance.groups > 1 ? QString(" x %1 experts").arg(r.importance.groups)
                                              : QString());
    for (const auto& w : src.warnings)
        s += "warning  " + QString::fromStdString(w) + "\n";
    for (const auto& w : r.warnings)
        s += "warning  " + QString::fromStdString(w) + "\n";
    if (gguf)
        for (const auto& w : ggufWarnings(src.tensor, r))
            s += "warning  --gguf: " + QString::fromStdString(w) + "\n";
    return s;
}

} // namespace

int runQuantize(const QStringList& args)
{
    QCommandLineParser p;
    addSourceOptions(p);
    addQuantOptions(p);
    p.addOptions({
        {"report", "Write the JSON report (- for stdout).", "FILE.json"},
        {"codes", "Write the integer codes (.npy, smallest integer dtype).", "FILE.npy"},
        {"dequantized", "Write the dequantized values (.npy, float32).", "FILE.npy"},
        {"csv", "Write index,original,code,dequantized,error per element.", "FILE.csv"},
        {"gguf",
         QString::fromStdString("Write the quantized tensor as GGUF (schemes " +
                                ggufWritableSchemes() + ")."),
         "FILE.gguf"},
        {"imatrix",
         "Importance-weighted quantization with a llama.cpp imatrix (GGUF or legacy .dat).",
         "FILE"},
        {"imatrix-tensor", "The imatrix entry to use (default: the input tensor's name).", "NAME"},
        {"importance", "Importance-weighted quantization with one weight per column.", "FILE.npy"},
    });
    if (!parseOptionsOrHelp(p, args, quantizeUsage()))
        return ExitOk;
    const QuantConfig config = quantConfigFromOptions(p);
    Outputs out{p.value("report"), p.value("codes"), p.value("dequantized"), p.value("csv"),
                p.value("gguf")};
    for (const char* o : {"report", "codes", "dequantized", "csv", "gguf"})
        if (p.isSet(o) && p.value(o).isEmpty())
            throw UsageError(std::string("--") + o + " needs a file name");
    if (!out.gguf.isEmpty())
        checkGgufScheme(config);
    checkImportanceOptions(p, config);

    Source src = loadSource(p);
    checkOutputs(out, src);
    if (src.tensor.empty())
        throw InputError(src.description + ": the tensor has no values (shape " +
                         src.tensor.shapeString() + ")");
    if (!out.gguf.isEmpty())
        checkGgufRows(config, src);

    const std::unique_ptr<Importance> importance = loadImportance(p, src);
    const QuantResult result = quantize(src.tensor, config, nullptr, importance.get());

    std::vector<std::string> protect = src.inputPath.empty()
                                           ? std::vector<std::string>{}
                                           : std::vector<std::string>{src.inputPath};
    if (importance)
        protect.push_back(importance->source.file);
    ReportExtras extras;
    extras.source = src.description;
    extras.warnings = src.warnings;
    extras.timingsMs = {{src.inputPath.empty() ? "generate" : "load", src.loadMs}};
    try {
        if (!out.codes.isEmpty())
            writeNpyCodes(out.codes.toStdString(), src.tensor.shape, result.codes, protect);
        if (!out.dequantized.isEmpty())
            writeNpyFloat32(out.dequantized.toStdString(), src.tensor.shape, result.dequantized,
                            protect);
        if (!out.csv.isEmpty())
            writeResultCsv(out.csv.toStdString(), src.tensor, result, protect);
        if (!out.gguf.isEmpty())
            writeGguf(out.gguf, src, result, protect);
        if (out.report == "-")
            std::fputs(reportJson(src.tensor, result, extras).c_str(), stdout);
        else if (!out.report.isEmpty())
            writeReport(out.report.toStdString(), src.tensor, result, extras, protect);
    } catch (const qs::Error& e) {
        throw OutputError(e.what());
    }
    if (out.report != "-")
        std::fputs(summary(src, result, !out.gguf.isEmpty()).toUtf8().constData(), stdout);
    return ExitOk;
}

} // namespace qs::cli
