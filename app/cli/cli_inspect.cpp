// `quantscope-cli inspect`: one block of a quantized tensor as the format stores it: its bytes in
// hex, the fields decoded from them and a row per element (core/analysis/block_anatomy.h).
#include "cli_commands.h"
#include "cli_options.h"

#include "core/analysis/block_anatomy.h"
#include "core/base/error.h"
#include "core/quant/quantize.h"

#include <QTextStream>

#include <cstdio>
#include <string>
#include <vector>

namespace qs::cli {

namespace {

// Columns of text, each as wide as its widest cell; `right` columns are right-aligned.
std::string table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right)
{
    std::vector<size_t> width(right.size(), 0);
    for (const auto& row : rows)
        for (size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], row[c].size());
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
            const std::string pad(width[c] - row[c].size(), ' ');
            line += (c ? "  " : "") + (right[c] ? pad + row[c] : row[c] + pad);
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + "\n";
    }
    return out;
}

std::string num(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string fieldsTable(const BlockAnatomy& a)
{
    std::vector<std::vector<std::string>> rows = {{"name", "value", "bits", "meaning"}};
    for (const AnatomyField& f : a.fields)
        rows.push_back({f.name, num(f.value), f.bits, f.meaning});
    return table(rows, {false, true, false, false});
}

std::string elementsTable(const BlockAnatomy& a)
{
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"i", "x", "code"});
    if (a.hasGridIndex)
        rows.back().push_back("grid index");
    rows.back().insert(rows.back().end(), {"grid value", "x^", "error"});
    for (const AnatomyElement& e : a.elements) {
        rows.push_back({std::to_string(e.index), num(e.x), std::to_string(e.code)});
        if (a.hasGridIndex)
            rows.back().push_back(std::to_string(e.gridIndex));
        rows.back().insert(rows.back().end(), {num(e.gridValue), num(e.xhat), num(e.error)});
    }
    return table(rows, std::vector<bool>(rows[0].size(), true));
}

std::string anatomyText(const Source& src, const BlockAnatomy& a)
{
    const AnatomyElement& first = a.elements.front();
    const AnatomyElement& last = a.elements.back();
    std::string s = "tensor   " + src.tensor.name + "  " + src.tensor.shapeString() + "  (" +
                    src.description + ")\n";
    s += "scheme   " + a.scheme + ", block " + std::to_string(a.block) + " of " +
         std::to_string(a.numBlocks) + " (blocks 0 to " + std::to_string(a.numBlocks - 1) +
         "), elements " + std::to_string(first.index) + " to " + std::to_string(last.index) + "\n";
    s += "layout   " + a.layout + "\n";
    s += "formula  " + a.formula + "\n\n";
    s += "bytes (" + std::to_string(a.bytes.size()) + ")\n" + hexDump(a.bytes) + "\n";
    s += "fields\n" + fieldsTable(a) + "\n";
    s += "elements\n" + elementsTable(a);
    return s;
}

// The tensor: a positional FILE[:TENSOR], or --input / --generate as `quantize` takes them.
Source inspectSource(const QCommandLineParser& p)
{
    const QStringList pos = p.positionalArguments();
    if (pos.size() > 1)
        throw UsageError("unexpected argument '" + pos[1].toStdString() + "'");
    if (pos.isEmpty())
        return loadSource(p);
    if (p.isSet("input") || p.isSet("generate"))
        throw UsageError("give the SOURCE once: " + pos[0].toStdString() +
                         " or --input / --generate");
    return loadInputSpec(pos[0], p.isSet("grayscale"));
}

int64_t blockOption(const QCommandLineParser& p)
{
    if (!p.isSet("block"))
        throw UsageError("--block N is missing (the index of the block to show, from 0)");
    bool ok = false;
    const qlonglong b = p.value("block").toLongLong(&ok);
    if (!ok)
        throw UsageError("--block: '" + p.value("block").toStdString() + "' is not an integer");
    return b;
}

} // namespace

int runInspect(const QStringList& args)
{
    QCommandLineParser p;
    addSourceOptions(p);
    addQuantOptions(p);
    p.addPositionalArgument("SOURCE", "FILE[:TENSOR] (or --input / --generate)");
    p.addOptions({
        {"block", "Index of the block to show (from 0).", "N"},
        {"json", "Print the block as JSON instead of tables."},
    });
    if (!parseOrHelp(p, args, inspectUsage()))
        return ExitOk;
    const QuantConfig config = quantConfigFromOptions(p);
    const int64_t block = blockOption(p);
    if (!hasBlockAnatomy(config))
        throw UsageError(noBlocksMessage(config));
    const Source src = inspectSource(p);
    if (src.tensor.empty())
        throw InputError(src.description + ": the tensor has no values (shape " +
                         src.tensor.shapeString() + ")");
    const QuantResult result = quantize(src.tensor, config);
    const int64_t count = anatomyBlockCount(result);
    if (block < 0 || block >= count)
        throw UsageError("--block " + std::to_string(block) + " is out of range: " +
                         src.description + " has " + std::to_string(count) + " blocks of " +
                         toName(config.scheme) + " (0 to " + std::to_string(count - 1) + ")");
    const BlockAnatomy a = blockAnatomy(src.tensor, result, block);
    const std::string text = p.isSet("json") ? blockAnatomyJson(a) : anatomyText(src, a);
    std::fputs(text.c_str(), stdout);
    return ExitOk;
}

} // namespace qs::cli
