// `quantscope-cli info FILE`: every tensor in a file with its statistics; for GGUF models also
// the metadata (one `key = value` line each, after the table), and for ONNX initializers that
// feed DequantizeLinear their scale and zero point.
#include "cli_commands.h"
#include "cli_options.h"

#include "core/base/error.h"
#include "core/io/gguf.h"
#include "core/io/mapped_file.h"
#include "core/io/tensor_file.h"
#include "core/stats/tensor_stats.h"
#include "ui/panels/model_tree.h"
#include "ui/support/image_tensor.h"

#include <cmath>
#include <cstdio>

namespace qs::cli {

namespace {

QString num(double v)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'g', 7);
}

using ui::shapeText;

// The dtype column: the file's dtype, and for block-quantized storage its bits per weight.
QString storedType(const TensorInfo& info)
{
    const QString dtype = QString::fromStdString(info.dtype);
    if (info.bitsPerWeight <= 0)
        return dtype;
    return QStringLiteral("%1 (%2 bits/weight)").arg(dtype).arg(info.bitsPerWeight, 0, 'g', 6);
}

struct Row {
    QString name, dtype, shape;
    TensorStats stats;
};

// What info prints about a file: a row per tensor, metadata lines (GGUF) and warnings.
struct Listing {
    std::vector<Row> rows;
    std::vector<std::pair<std::string, std::string>> metadata;
    std::vector<std::pair<std::string, std::string>> details; // tensor name, TensorInfo::detail
    std::vector<std::string> warnings;
};

// A GGUF model, mapped and parsed once; a tensor of a type QuantScope cannot dequantize is
// listed, not read.
void listGgufModel(const std::string& path, Listing& out)
{
    const GgufFile model(path);
    for (const auto& [key, value] : model.header().metadata)
        out.metadata.emplace_back(key, value.printable());
    for (const GgufTensor& t : model.header().tensors) {
        Row row{
            QString::fromStdString(t.info.name), storedType(t.info), shapeText(t.info.shape), {}};
        try {
            row.stats = tensorStats(model.load(t.info.name));
        } catch (const qs::Error& e) {
            out.warnings.push_back(e.what());
        }
        out.rows.push_back(row);
    }
}

void listFile(const QString& file, bool grayscale, Listing& out)
{
    const std::string path = file.toStdString();
    const TensorFileFormat format = tensorFileFormat(path);
    if (ui::isImageFile(file)) {
        const Tensor t = ui::loadImageTensor(file, grayscale);
        out.rows.push_back({QString::fromStdString(t.name), QString::fromStdString(t.dtype),
                            shapeText(t.shape), tensorStats(t)});
    } else if (format == TensorFileFormat::Gguf) {
        listGgufModel(path, out);
    } else if (format == TensorFileFormat::Npz || format == TensorFileFormat::Safetensors ||
               format == TensorFileFormat::SafetensorsIndex || format == TensorFileFormat::Torch ||
               format == TensorFileFormat::Onnx) {
        for (const TensorInfo& info : listTensors(path)) {
            Row row{QString::fromStdString(info.name), storedType(info), shapeText(info.shape), {}};
            if (!info.detail.empty())
                out.details.emplace_back(info.name, info.detail);
            try {
                row.stats = tensorStats(loadTensor(path, info.name, &out.warnings));
            } catch (const qs::Error& e) {
                // An ONNX initializer of a type QuantScope cannot read (listing has already
                // checked the file itself) is listed, not read.
                if (format != TensorFileFormat::Onnx)
                    throw;
                out.warnings.push_back(e.what());
            }
            out.rows.push_back(row);
        }
    } else {
        // Single-tensor formats: one pass over the file.
        const Tensor t = loadTensor(path, {}, &out.warnings);
        out.rows.push_back({QString::fromStdString(t.name), QString::fromStdString(t.dtype),
                            shapeText(t.shape), tensorStats(t)});
    }
}

// The table: names, dtype and shape left-aligned, numbers right-aligned.
QString tableText(const std::vector<Row>& rows)
{
    QList<QStringList> table;
    table << QStringList{"name", "dtype", "shape", "min", "max", "mean", "std", "nonfinite"};
    for (const Row& r : rows)
        table << QStringList{r.name,           r.dtype,
                             r.shape,          num(r.stats.min),
                             num(r.stats.max), num(r.stats.mean),
                             num(r.stats.std), QString::number(r.stats.nonfinite)};
    QVector<int> width(table[0].size(), 0);
    for (const auto& row : table)
        for (int c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], int(row[c].size()));
    QString out;
    for (const auto& row : table) {
        QString line;
        for (int c = 0; c < row.size(); ++c)
            line += (c ? "  " : "") +
                    (c < 3 ? row[c].leftJustified(width[c]) : row[c].rightJustified(width[c]));
        out += line.trimmed() + "\n";
    }
    return out;
}

} // namespace

int runInfo(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"grayscale", "Load an image as one luminance channel."});
    p.addPositionalArgument("FILE", "Tensor file or image.");
    if (!parseOrHelp(p, args, infoUsage()))
        return ExitOk;
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1)
        throw UsageError(pos.isEmpty() ? "missing FILE" : "expected one FILE");
    Listing listing;
    try {
        listFile(pos[0], p.isSet("grayscale"), listing);
    } catch (const qs::Error& e) {
        throw InputError(e.what());
    }
    const size_t n = listing.rows.size();
    QString out = QStringLiteral("%1: %2 tensor%3\n")
                      .arg(QString::fromStdString(fileDisplayName(pos[0].toStdString())))
                      .arg(n)
                      .arg(n == 1 ? "" : "s");
    out += tableText(listing.rows);
    if (!listing.metadata.empty())
        out += "metadata:\n";
    for (const auto& [key, value] : listing.metadata)
        out += "  " + QString::fromStdString(key) + " = " + QString::fromStdString(value) + "\n";
    if (!listing.details.empty())
        out += "quantization:\n";
    for (const auto& [name, detail] : listing.details)
        out += "  " + QString::fromStdString(name) + ": " + QString::fromStdString(detail) + "\n";
    for (const auto& w : listing.warnings)
        out += "warning: " + QString::fromStdString(w) + "\n";
    std::fputs(out.toUtf8().constData(), stdout);
    return ExitOk;
}

} // namespace qs::cli
