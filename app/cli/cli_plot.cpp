// `quantscope-cli plot`: one chart of a quantization, built by the GUI's chart builders and
// exported headless (PNG, SVG or PDF by suffix). With --lesson the data and configuration are
// the lesson's (step --step), and the chart defaults to the one the lesson selects.
#include "cli_commands.h"
#include "cli_options.h"

#include "core/analysis/clipping_curve.h"
#include "core/analysis/sweep.h"
#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/quant/quantize.h"
#include "core/teach/lesson.h"
#include "ui/charts/charts.h"
#include "ui/charts/teaching/teach_charts.h"
#include "ui/support/chart_export.h"
#include "ui/support/lesson_library.h"

#include <QApplication>
#include <QChart>
#include <QFileInfo>

#include <cstdio>
#include <memory>
#include <optional>

namespace qs::cli {

namespace {

// The teaching charts that have builders (the other teaching views are widgets: use
// `quantscope --screenshot --lesson NAME --tab VIEW`).
QChart* buildTeachingChart(const QString& name, const Tensor& t, const QuantResult& r,
                           const QuantConfig& config)
{
    const ui::ChartStyle style;
    if (name == QLatin1String("number-line"))
        return ui::buildNumberLineChart(ui::prepareNumberLine(t, r), style);
    if (name == QLatin1String("sweep"))
        return ui::buildSweepSqnrChart(bitWidthSweep(t, config), style,
                                       QString::fromStdString(t.shapeString()));
    if (name == QLatin1String("clipping"))
        return ui::buildClippingChart(clippingCurve(t, config), style,
                                      QString::fromStdString(config.summary()));
    return nullptr;
}

} // namespace

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
        {"chart",
         "values, codes, histogram, error-histogram, channels, number-line, sweep, clipping.",
         "KIND"},
        {"lesson", "Data and configuration of a lesson (built-in name or FILE.json).", "NAME"},
        {"step", "Lesson step (1-based, default 1).", "N"},
        {"out", "Output file: .png, .svg or .pdf.", "FILE"},
        {"width", "Width in pixels (default 1200).", "W"},
        {"height", "Height in pixels (default 800).", "H"},
        {"dpi", "PNG resolution metadata (default 96).", "DPI"},
    });
    if (!parseOrHelp(p, args, plotUsage()))
        return ExitOk;
    if (!p.positionalArguments().isEmpty())
        throw UsageError("unexpected argument '" + p.positionalArguments()[0].toStdString() + "'");
    std::optional<Lesson> lesson;
    int step = 0;
    if (p.isSet("lesson")) {
        try {
            lesson = ui::findLesson(p.value("lesson"));
        } catch (const qs::Error& e) {
            throw InputError(std::string("--lesson: ") + e.what());
        }
        if (p.isSet("step"))
            step = intOption(p, "step", 1, lesson->numSteps()) - 1;
    } else if (p.isSet("step")) {
        throw UsageError("--step needs --lesson");
    }
    const QString chartName = p.isSet("chart") || !lesson
                                  ? p.value("chart")
                                  : QString::fromStdString(lesson->steps[size_t(step)].chart);
    if (chartName.isEmpty())
        throw UsageError("missing --chart KIND");
    const bool teaching = chartName == QLatin1String("number-line") ||
                          chartName == QLatin1String("sweep") ||
                          chartName == QLatin1String("clipping");
    if (!p.isSet("out") || p.value("out").isEmpty())
        throw UsageError("missing --out FILE.png|.svg|.pdf");
    ui::ChartKind kind = ui::ChartKind::Values;
    if (!teaching) {
        try {
            kind = ui::chartKindFromName(chartName);
        } catch (const qs::Error& e) {
            throw UsageError(std::string("--chart: ") + e.what() +
                             "; number-line, sweep and clipping too (the other teaching views: "
                             "quantscope --screenshot OUT.png --lesson NAME --tab VIEW)");
        }
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
    QuantConfig config;
    Source src;
    if (lesson) {
        config = lessonConfig(*lesson, step);
        src.tensor = lessonTensor(*lesson, step);
        src.description = "lesson " + lesson->id;
    } else {
        config = quantConfigFromOptions(p);
        src = loadSource(p);
    }
    if (!src.inputPath.empty() && sameFile(out.toStdString(), src.inputPath))
        throw UsageError("--out " + out.toStdString() + ": refusing to overwrite the input file");
    if (src.tensor.empty())
        throw InputError(src.description + ": the tensor has no values");
    const QuantResult result = quantize(src.tensor, config);

    ui::ChartInput input;
    input.tensor = &src.tensor;
    input.result = &result;
    std::unique_ptr<QChart> chart(teaching
                                      ? buildTeachingChart(chartName, src.tensor, result, config)
                                      : ui::buildChart(kind, input, ui::ChartStyle{}));
    QString error;
    if (!ui::exportChart(chart.get(), out, opt, &error))
        throw OutputError(out.toStdString() + ": " + error.toStdString());
    std::printf("wrote %s (%s, %dx%d)\n", out.toLocal8Bit().constData(),
                chartName.toLocal8Bit().constData(), opt.size.width(), opt.size.height());
    return ExitOk;
}

} // namespace qs::cli
