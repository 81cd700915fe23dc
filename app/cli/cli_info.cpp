// `quantscope-cli info FILE`: every tensor in a file with its statistics.
#include "cli_commands.h"
#include "cli_options.h"

#include "core/base/error.h"
#include "core/io/mapped_file.h"
#include "core/io/tensor_file.h"
#include "core/stats/tensor_stats.h"
#include "ui/support/image_tensor.h"

#include <cmath>
#include <cstdio>

namespace qs::cli {

namespace {

QString num(double v)
{
    return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'g', 7);
}

QString shapeText(const std::vector<int64_t>& shape)
{
    if (shape.empty())
        return QStringLiteral("scalar");
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return parts.join('x');
}

// The dtype column: the file's dtype, and for block-quantized storage its bits per weight.
QString storedType(const TensorInfo& info)
{
    const QString dtype = QString::fromStdString(info.dtype);
    if (info.bitsPerWeight <= 0)
        return dtype;
    return QStringLiteral("%1 (%2 bits/weight)").arg(dtype).arg(info.bitsPerWeight, 0, 'g', 6);
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
    const QString file = pos[0];
    const std::string path = file.toStdString();

    struct Row {
        QString name, dtype, shape;
        TensorStats stats;
    };
    std::vector<Row> rows;
    std::vector<std::string> warnings;
    try {
        if (ui::isImageFile(file)) {
            const Tensor t = ui::loadImageTensor(file, p.isSet("grayscale"));
            rows.push_back({QString::fromStdString(t.name), QString::fromStdString(t.dtype),
                            shapeText(t.shape), tensorStats(t)});
        } else if (const TensorFileFormat format = tensorFileFormat(path);
                   format == TensorFileFormat::Npz || format == TensorFileFormat::Safetensors ||
                   format == TensorFileFormat::Gguf || format == TensorFileFormat::Onnx) {
            for (const TensorInfo& info : listTensors(path)) {
                Row row{
                    QString::fromStdString(info.name), storedType(info), shapeText(info.shape), {}};
                try {
                    row.stats = tensorStats(loadTensor(path, info.name, &warnings));
                } catch (const qs::Error& e) {
                    // A GGUF or ONNX tensor of a type QuantScope cannot read is listed, not read.
                    if (format != TensorFileFormat::Gguf && format != TensorFileFormat::Onnx)
                        throw;
                    warnings.push_back(e.what());
                }
                rows.push_back(row);
            }
        } else {
            // Single-tensor formats: one pass over the file.
            const Tensor t = loadTensor(path, {}, &warnings);
            rows.push_back({QString::fromStdString(t.name), QString::fromStdString(t.dtype),
                            shapeText(t.shape), tensorStats(t)});
        }
    } catch (const qs::Error& e) {
        throw InputError(e.what());
    }

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
    QString out = QStringLiteral("%1: %2 tensor%3\n")
                      .arg(QString::fromStdString(fileDisplayName(path)))
                      .arg(rows.size())
                      .arg(rows.size() == 1 ? "" : "s");
    for (const auto& row : table) {
        QString line;
        for (int c = 0; c < row.size(); ++c)
            line += (c ? "  " : "") +
                    (c < 3 ? row[c].leftJustified(width[c]) : row[c].rightJustified(width[c]));
        out += line.trimmed() + "\n";
    }
    for (const auto& w : warnings)
        out += "warning: " + QString::fromStdString(w) + "\n";
    std::fputs(out.toUtf8().constData(), stdout);
    return ExitOk;
}

} // namespace qs::cli
