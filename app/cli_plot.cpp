// `quantscope-cli plot`: one chart of a quantization, built by the GUI's chart builders and
// exported headless (PNG, SVG or PDF by suffix).
#include "cli_commands.h"
#include "cli_options.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/quantize.h"
#include "ui/chart_export.h"
#include "ui/charts.h"

#include <QApplication>
#include <QChart>
#include <QFileInfo>

#include <cstdio>
#include <memory>

namespace qs::cli {

int runPlot(int& argc, char** argv, const QStringList& args)
{
    // Charts need a QApplication; without a display use the offscreen platform.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    QCommandLineParser p;
    addSourceOptions(p);
    addQuantOptions(p);
    p.addOptions({
        {"chart", "values, codes, histogram, error-histogram, channels.", "KIND"},
        {"out", "Output file: .png, .svg or .pdf.", "FILE"},
        {"width", "Width in pixels (default 1200).", "W"},
        {"height", "Height in pixels (default 800).", "H"},
        {"dpi", "PNG resolution metadata (default 96).", "DPI"},
    });
    if (!parseOrHelp(p, args, plotUsage()))
        return ExitOk;
    if (!p.positionalArguments().isEmpty())
        throw UsageError("unexpected argument '" + p.positionalArguments()[0].toStdString() + "'");
    if (!p.isSet("chart"))
        throw UsageError("missing --chart KIND");
    if (!p.isSet("out") || p.value("out").isEmpty())
        throw UsageError("missing --out FILE.png|.svg|.pdf");
    ui::ChartKind kind;
    try {
        kind = ui::chartKindFromName(p.value("chart"));
    } catch (const qs::Error& e) {
        throw UsageError(std::string("--chart: ") + e.what());
    }
    const QString out = p.value("out");
    const QString suffix = QFileInfo(out).suffix().toLower();
    if (suffix != "png" && suffix != "svg" && suffix != "pdf")
        throw UsageError("--out: '" + out.toStdString() + "' must end in .png, .svg or .pdf");
    ui::ExportOptions opt;
    if (p.isSet("width"))
        opt.size.setWidth(intOption(p, "width", 16, 20000));
    if (p.isSet("height"))
        opt.size.setHeight(intOption(p, "height", 16, 20000));
    if (p.isSet("dpi"))
        opt.dpi = intOption(p, "dpi", 24, 2400);
    const QuantConfig config = quantConfigFromOptions(p);

    const Source src = loadSource(p);
    if (!src.inputPath.empty() && sameFile(out.toStdString(), src.inputPath))
        throw UsageError("--out " + out.toStdString() + ": refusing to overwrite the input file");
    if (src.tensor.empty())
        throw InputError(src.description + ": the tensor has no values");
    const QuantResult result = quantize(src.tensor, config);

    ui::ChartInput input;
    input.tensor = &src.tensor;
    input.result = &result;
    std::unique_ptr<QChart> chart(ui::buildChart(kind, input, ui::ChartStyle{}));
    QString error;
    if (!ui::exportChart(chart.get(), out, opt, &error))
        throw OutputError(out.toStdString() + ": " + error.toStdString());
    std::printf("wrote %s (%s, %dx%d)\n", out.toLocal8Bit().constData(),
                ui::chartKindName(kind).toLocal8Bit().constData(), opt.size.width(),
                opt.size.height());
    return ExitOk;
}

} // namespace qs::cli
