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

void addPlotOptions(QCommandLineParser& p)
{
    addSourceOptions(p);
    addQuantOptions(p);
    p.addOptions({
        {"chart",
         "values, codes, histogram, error-histogram, channels, convergence, number-line, sweep, "
         "clipping.",
         "KIND"},
        {"lesson", "Data and configuration of a lesson (built-in name or FILE.json).", "NAME"},
        {"step", "Lesson step (1-based, default 1).", "N"},
        {"out", "Output file: .png, .svg or .pdf.", "FILE"},
        {"width", "Width in pixels (default 1200).", "W"},
        {"height", "Height in pixels (default 800).", "H"},
        {"dpi", "PNG resolution metadata (default 96).", "DPI"},
    });
}

// --lesson and --step (0-based here); no lesson without --lesson.
struct LessonChoice {
    std::optional<Lesson> lesson;
    int step = 0;
};

LessonChoice lessonOptions(const QCommandLineParser& p)
{
    LessonChoice c;
    if (p.isSet("lesson")) {
        try {
            c.lesson = ui::findLesson(p.value("lesson"));
        } catch (const qs::Error& e) {
            throw InputError(std::string("--lesson: ") + e.what());
        }
        if (p.isSet("step"))
            c.step = intOption(p, "step", 1, c.lesson->numSteps()) - 1;
    } else if (p.isSet("step")) {
        throw UsageError("--step needs --lesson");
    }
    return c;
}

// What to draw and where: the chart (a kind of ui/charts/charts.h or a teaching chart) and the
// output file with its size.
struct PlotTarget {
    QString chartName;
    bool teaching = false;
    ui::ChartKind kind = ui::ChartKind::Values;
    QString out;
    ui::ExportOptions options;
};

PlotTarget plotTarget(const QCommandLineParser& p, const LessonChoice& lc)
{
    PlotTarget t;
    t.chartName = p.isSet("chart") || !lc.lesson
                      ? p.value("chart")
                      : QString::fromStdString(lc.lesson->steps[size_t(lc.step)].chart);
    if (t.chartName.isEmpty())
        throw UsageError("missing --chart KIND");
    t.teaching = t.chartName == QLatin1String("number-line") ||
                 t.chartName == QLatin1String("sweep") || t.chartName == QLatin1String("clipping");
    if (!p.isSet("out") || p.value("out").isEmpty())
        throw UsageError("missing --out FILE.png|.svg|.pdf");
    if (!t.teaching) {
        try {
            t.kind = ui::chartKindFromName(t.chartName);
        } catch (const qs::Error& e) {
            throw UsageError(std::string("--chart: ") + e.what() +
                             "; number-line, sweep and clipping too (the other teaching views: "
                             "quantscope --screenshot OUT.png --lesson NAME --tab VIEW)");
        }
    }
    t.out = p.value("out");
    const QString suffix = QFileInfo(t.out).suffix().toLower();
    if (suffix != "png" && suffix != "svg" && suffix != "pdf")
        throw UsageError("--out: '" + t.out.toStdString() + "' must end in .png, .svg or .pdf");
    if (p.isSet("width"))
        t.options.size.setWidth(intOption(p, "width", 16, 20000));
    if (p.isSet("height"))
        t.options.size.setHeight(intOption(p, "height", 16, 20000));
    if (p.isSet("dpi"))
        t.options.dpi = intOption(p, "dpi", 24, 2400);
    return t;
}

// The tensor and configuration: the lesson step's, or those of the source and quantization
// options.
void loadPlotData(const QCommandLineParser& p, const LessonChoice& lc, const QString& out,
                  Source& src, QuantConfig& config)
{
    if (lc.lesson) {
        config = lessonConfig(*lc.lesson, lc.step);
        src.tensor = lessonTensor(*lc.lesson, lc.step);
        src.description = "lesson " + lc.lesson->id;
    } else {
        config = quantConfigFromOptions(p);
        src = loadSource(p);
    }
    if (!src.inputPath.empty() && sameFile(out.toStdString(), src.inputPath))
        throw UsageError("--out " + out.toStdString() + ": refusing to overwrite the input file");
    if (src.tensor.empty())
        throw InputError(src.description + ": the tensor has no values");
}

} // namespace

int runPlot(int& argc, char** argv, const QStringList& args)
{
    // Charts need a QApplication; without a display use the offscreen platform.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    QCommandLineParser p;
    addPlotOptions(p);
    if (!parseOptionsOrHelp(p, args, plotUsage()))
        return ExitOk;
    const LessonChoice lc = lessonOptions(p);
    const PlotTarget target = plotTarget(p, lc);
    QuantConfig config;
    Source src;
    loadPlotData(p, lc, target.out, src, config);
    const QuantResult result = quantize(src.tensor, config);

    ui::ChartInput input;
    input.tensor = &src.tensor;
    input.result = &result;
    std::unique_ptr<QChart> chart(
        target.teaching ? buildTeachingChart(target.chartName, src.tensor, result, config)
                        : ui::buildChart(target.kind, input, ui::ChartStyle{}));
    QString error;
    if (!ui::exportChart(chart.get(), target.out, target.options, &error))
        throw OutputError(target.out.toStdString() + ": " + error.toStdString());
    std::printf("wrote %s (%s, %dx%d)\n", target.out.toLocal8Bit().constData(),
                target.chartName.toLocal8Bit().constData(), target.options.size.width(),
                target.options.size.height());
    return ExitOk;
}

} // namespace qs::cli
