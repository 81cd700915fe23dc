// `quantscope-cli model FILE --schemes S1,S2,...`: every tensor of a model under every scheme
// (core/model/model_report.h), printed worst first with the per-scheme totals, written as JSON
// and CSV. Other options join through the parts of kModelCommandParts (cli_model.h).
#include "cli_model.h"
#include "cli_commands.h"
#include "cli_options.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/model/model_report_writers.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace qs::cli {

namespace {

// The parts that add options to the command (cli_model.h).
const std::vector<ModelCommandPart>& modelCommandParts()
{
    static const std::vector<ModelCommandPart> kModelCommandParts = {modelPlanPart(),
                                                                     modelAgainstPart()};
    return kModelCommandParts;
}

void addModelOptions(QCommandLineParser& p)
{
    addQuantOptions(p);
    p.addPositionalArgument("FILE", "The model: any file with tensors (.safetensors, .gguf, ...).");
    p.addOptions({
        {"schemes", "Comma-separated presets, schemes or shorthands (int8-channel, uint4-g128).",
         "S1,S2,..."},
        {"include", "Only the tensors whose name matches this regular expression.", "REGEX"},
        {"exclude", "Leave out the tensors whose name matches this regular expression.", "REGEX"},
        {"imatrix",
         "Importance (llama.cpp imatrix or .npy): the weighted squared error, and the weighted "
         "quantizers of the GGML schemes.",
         "FILE"},
        {"quantize-vectors", "Quantize 1-D tensors (norms, biases) too; by default they are kept "
                             "as stored."},
        {"top", "Print only the N worst tensors (the files hold every tensor).", "N"},
        {"report", "Write the JSON report (- for stdout).", "FILE.json"},
        {"csv", "Write one row per tensor and scheme.", "FILE.csv"},
    });
    for (const ModelCommandPart& part : modelCommandParts())
        part.addOptions(p);
}

ModelRequest requestFrom(const QCommandLineParser& p)
{
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1)
        throw UsageError(pos.isEmpty() ? "FILE is missing (the model to report on)"
                                       : "one FILE only, got '" + pos[1].toStdString() + "' too");
    for (const char* o : {"schemes", "include", "exclude", "imatrix", "report", "csv", "top"})
        if (p.isSet(o) && p.value(o).isEmpty())
            throw UsageError(std::string("--") + o + " needs a value");
    if (!p.isSet("schemes"))
        throw UsageError("--schemes is missing (for example --schemes q8_0,q4_k,nf4)");
    ModelRequest r;
    r.path = pos[0].toStdString();
    r.protect = {r.path};
    try {
        r.schemes = parseModelSchemes(p.value("schemes").toStdString(), quantConfigFromOptions(p));
        r.options.include = p.value("include").toStdString();
        r.options.exclude = p.value("exclude").toStdString();
        checkNamePatterns(r.options);
    } catch (const qs::Error& e) {
        throw UsageError(e.what());
    }
    r.options.imatrixPath = p.value("imatrix").toStdString();
    if (!r.options.imatrixPath.empty())
        r.protect.push_back(r.options.imatrixPath);
    r.options.quantizeVectors = p.isSet("quantize-vectors");
    return r;
}

// --report and --csv must not name an input or each other.
void checkOutputs(const QCommandLineParser& p, const ModelRequest& r)
{
    for (const char* o : {"report", "csv"}) {
        const std::string out = p.value(o).toStdString();
        if (out.empty() || out == "-")
            continue;
        for (const std::string& in : r.protect)
            if (out == in || sameFile(out, in))
                throw UsageError(std::string("--") + o + " " + out +
                                 ": refusing to overwrite an input file");
    }
    if (p.isSet("report") && p.isSet("csv") &&
        QFileInfo(p.value("report")).absoluteFilePath() ==
            QFileInfo(p.value("csv")).absoluteFilePath())
        throw UsageError("--report and --csv name the same file");
}

// "[12/66] model.layers.3.mlp.up_proj.weight" over itself on a terminal's stderr.
void showProgress(int done, int total, const std::string& tensor)
{
    if (done >= total) {
        std::fputs("\r\033[K", stderr);
    } else {
        std::string line =
            "[" + std::to_string(done + 1) + "/" + std::to_string(total) + "] " + tensor;
        if (line.size() > 79)
            line = line.substr(0, 76) + "...";
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
    }
    std::fflush(stderr);
}

QString cell(const SchemeMetrics& m)
{
    if (!m.ok)
        return QStringLiteral("-");
    return number(m.relRmse, 3) + (m.fallback.empty() ? "" : "*") + " " + number(m.sqnrDb, 3) +
           "dB";
}

QString tensorTable(const ModelReport& r, int top)
{
    int nameWidth = 6;
    for (const TensorReport& t : r.tensors)
        nameWidth = std::max(nameWidth, int(t.name.size()));
    nameWidth = std::min(nameWidth, 56);
    QString s = QString("tensor").leftJustified(nameWidth) + "  " +
                QString("shape").leftJustified(12) + " " + QString("params").rightJustified(10);
    for (const ModelScheme& m : r.schemes)
        s += "  " + QString::fromStdString(m.name).leftJustified(18);
    s = s.trimmed() + "\n";
    const std::vector<size_t> order = worstFirst(r, 0);
    const size_t rows = top > 0 ? std::min(order.size(), size_t(top)) : order.size();
    for (size_t k = 0; k < rows; ++k) {
        const TensorReport& t = r.tensors[order[k]];
        s += QString::fromStdString(t.name).leftJustified(nameWidth, ' ', true) + "  " +
             QString::fromStdString(shapeString(t.shape)).leftJustified(12) + " " +
             QString::number(t.params).rightJustified(10);
        QString row;
        for (const SchemeMetrics& m : t.results)
            row += "  " + cell(m).leftJustified(18);
        s += "  " + row.trimmed() + "\n";
    }
    if (rows < order.size())
        s += QString("... %1 more (--top)\n").arg(order.size() - rows);
    return s + "cells: relative RMSE, SQNR; * a llama.cpp fallback type; - kept as stored\n";
}

QString totalsTable(const ModelReport& r)
{
    QString s = "\n" + QString("scheme").leftJustified(20) + QString("bytes").rightJustified(13) +
                QString("bits/elem").rightJustified(11) + QString("SQNR dB").rightJustified(9) +
                QString("rel RMSE").rightJustified(10) + "  applied\n";
    for (size_t i = 0; i < r.schemes.size(); ++i) {
        const SchemeTotals& t = r.totals[i];
        int applied = 0, fallback = 0;
        for (const TensorReport& tr : r.tensors) {
            applied += tr.results[i].ok ? 1 : 0;
            fallback += tr.results[i].ok && !tr.results[i].fallback.empty() ? 1 : 0;
        }
        s += QString::fromStdString(r.schemes[i].name).leftJustified(20) +
             QString::number(t.bytes).rightJustified(13) +
             number(t.bitsPerElement, 4).rightJustified(11) +
             number(t.sqnrDb, 4).rightJustified(9) + number(t.relRmse, 4).rightJustified(10) +
             QString("  %1 of %2 tensors").arg(applied).arg(r.tensors.size()) +
             (fallback ? QString(" (%1 fallback)").arg(fallback) : QString()) +
             (std::isnan(t.weightedSse) ? QString() : "  weighted SSE " + number(t.weightedSse)) +
             "\n";
    }
    for (const std::string& w : r.warnings)
        s += "warning  " + QString::fromStdString(w) + "\n";
    return s;
}

void writeOutputs(const QCommandLineParser& p, const ModelRequest& request,
                  const ModelReport& report, const ModelOutputs& out)
{
    try {
        const std::string json = p.value("report").toStdString();
        if (json == "-")
            std::fputs(modelReportJson(report, out.planJson).c_str(), stdout);
        else if (!json.empty())
            writeModelReportJson(json, report, out.planJson, request.protect);
        if (p.isSet("csv"))
            writeModelReportCsv(p.value("csv").toStdString(), report, request.protect);
    } catch (const qs::Error& e) {
        throw OutputError(e.what());
    }
}

} // namespace

QString number(double v, int precision)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', precision);
}

int runModel(const QStringList& args)
{
    QCommandLineParser p;
    addModelOptions(p);
    if (!parseOrHelp(p, args, modelUsage()))
        return ExitOk;
    ModelRequest request = requestFrom(p);
    const int top = p.isSet("top") ? intOption(p, "top", 1, 1 << 30) : 0;
    for (const ModelCommandPart& part : modelCommandParts())
        part.prepare(p, request);
    checkOutputs(p, request);
    if (isatty(fileno(stderr)))
        request.options.progress = showProgress;
    ModelReport report;
    try {
        report = computeModelReport(request.path, request.schemes, request.options);
    } catch (const qs::Error& e) {
        throw InputError(e.what());
    }
    if (report.tensors.empty()) {
        if (request.options.include.empty() && request.options.exclude.empty())
            throw InputError(request.path + ": the file holds no tensors");
        std::string filters;
        for (const auto& [option, pattern] : {std::pair{"--include", request.options.include},
                                              {"--exclude", request.options.exclude}})
            if (!pattern.empty())
                filters +=
                    (filters.empty() ? "" : " and ") + std::string(option) + " '" + pattern + "'";
        throw UsageError("no tensor of " + request.path + " is left by " + filters +
                         " ('quantscope-cli info " + request.path + "' lists the names)");
    }
    ModelOutputs out;
    for (const ModelCommandPart& part : modelCommandParts())
        part.finish(p, request, report, out);
    writeOutputs(p, request, report, out);
    if (p.value("report") != "-") {
        const QString text = tensorTable(report, top) + totalsTable(report) + out.text;
        std::fputs(text.toUtf8().constData(), stdout);
    }
    return ExitOk;
}

} // namespace qs::cli
