#include "ui/window/app_options.h"

#include "core/base/error.h"
#include "core/config/presets.h"
#include "core/io/tensor_file.h"
#include "ui/support/lesson_library.h"
#include "ui/support/session.h"
#include "ui/views/compare_view.h"
#include "ui/views/model_view.h"
#include "ui/window/main_window.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QImage>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

#include <cstring>

namespace qs::ui {

namespace {

const QStringList kQuantValueOptions{"bits",        "scheme", "range",      "percentile",
                                     "granularity", "axis",   "group-size", "rounding"};
const QStringList kQuantFlagOptions{"signed", "full-range", "no-include-zero", "include-zero"};

int toInt(const QString& option, const QString& value, int lo, int hi)
{
    bool ok = false;
    const int v = value.toInt(&ok);
    if (!ok || v < lo || v > hi)
        throw Error(QStringLiteral("--%1 needs an integer in [%2, %3], got '%4'")
                        .arg(option)
                        .arg(lo)
                        .arg(hi)
                        .arg(value)
                        .toStdString());
    return v;
}

} // namespace

QString appUsage()
{
    return QStringLiteral(
               "Usage: quantscope [FILE | SESSION.qscope] [options]\n"
               "  FILE                     .npy .npz .safetensors[.index.json] .gguf .onnx .pt "
               ".pth "
               ".bin\n"
               "                           .csv .txt .png .jpg .bmp (FILE:TENSOR picks a tensor)\n"
               "  --session FILE.qscope    open a saved session\n"
               "  --generate DIST          uniform|normal|laplace|he|bimodal (with --shape, "
               "--seed)\n"
               "  --bits B --scheme asymmetric|symmetric|fp16|bf16 [--signed] [--full-range]\n"
               "  [--no-include-zero] --range minmax|percentile|mse|entropy|hqq|grid-search|...\n"
               "  [--percentile P]\n"
               "  --granularity tensor|channel|group [--axis A] [--group-size G]\n"
               "  --rounding half-even|half-away|half-up|floor|truncate|stochastic\n"
               "  --tab "
               "values|codes|histogram|error-histogram|channels|convergence|number-line|\n"
               "        sweep|clipping|compare|worked-example|block-inspector|image|int-matmul|\n"
               "        float-pitfalls|model\n"
               "  --model-schemes LIST     run the Model view's report with these schemes once "
               "the\n"
               "                           file is open (q8_0,q4_k,nf4,...)\n"
               "  --model-page table|heatmap|pareto   the Model view's page\n"
               "  --pin PRESET[,PRESET...]  pin these presets in the A/B comparison view\n"
               "  --bins N                 bins of the error histogram\n"
               "  --lesson NAME|FILE.json  apply a lesson (built-in: %1)\n"
               "  --presentation           presentation mode (large fonts, thick lines; F5 "
               "toggles)\n"
               "  --screenshot OUT.png [--size 1400x900]   render the window headless and exit\n"
               "  --benchmark-ui [--elements N]            time control changes to refreshed "
               "charts\n"
               "  --benchmark-ui FILE                      time opening FILE (tree, tensor, "
               "charts)\n")
        .arg(builtinLessonIds().join(QStringLiteral(", ")));
}

bool wantsHeadless(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--screenshot") || !std::strcmp(argv[i], "--benchmark-ui") ||
            !std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h"))
            return true;
    return false;
}

namespace {

// Options whose value is kept as given (checked after the loop).
const std::pair<const char*, QString AppOptions::*> kTextOptions[] = {
    {"--screenshot", &AppOptions::screenshot},
    {"--session", &AppOptions::session},
    {"--input", &AppOptions::file},
    {"--tab", &AppOptions::tab},
    {"--lesson", &AppOptions::lesson},
    {"--generate", &AppOptions::generate},
    {"--shape", &AppOptions::shape},
    {"--model-schemes", &AppOptions::modelSchemes},
    {"--model-page", &AppOptions::modelPage},
    {"--pin", &AppOptions::pins}};

// Options whose value is read into a number; false and *error when it is out of range.
using ValueReader = bool (*)(const QString& value, AppOptions& o, QString* error);

bool readSize(const QString& v, AppOptions& o, QString* error)
{
    const QStringList parts = v.toLower().split(QLatin1Char('x'));
    bool okW = false, okH = false;
    const int w = parts.size() == 2 ? parts[0].toInt(&okW) : 0;
    const int h = parts.size() == 2 ? parts[1].toInt(&okH) : 0;
    if (!okW || !okH || w < 200 || h < 150 || w > 8000 || h > 8000) {
        *error = QStringLiteral("--size needs WIDTHxHEIGHT between 200x150 and 8000x8000, got '%1'")
                     .arg(v);
        return false;
    }
    o.size = QSize(w, h);
    return true;
}

bool readBins(const QString& v, AppOptions& o, QString* error)
{
    o.errorBins = v.toInt();
    if (o.errorBins < 5 || o.errorBins > 2001) {
        *error = QStringLiteral("--bins needs an integer in [5, 2001], got '%1'").arg(v);
        return false;
    }
    return true;
}

bool readSeed(const QString& v, AppOptions& o, QString* error)
{
    bool ok = false;
    o.seed = v.toLongLong(&ok);
    if (!ok || o.seed < 0) {
        *error = QStringLiteral("--seed needs a non-negative integer, got '%1'").arg(v);
        return false;
    }
    return true;
}

bool readElements(const QString& v, AppOptions& o, QString* error)
{
    bool ok = false;
    o.benchmarkElements = v.toLongLong(&ok);
    if (!ok || o.benchmarkElements < 1 || o.benchmarkElements > 200'000'000) {
        *error = QStringLiteral("--elements needs an integer in [1, 2e8], got '%1'").arg(v);
        return false;
    }
    return true;
}

const std::pair<const char*, ValueReader> kValueOptions[] = {
    {"--size", readSize}, {"--bins", readBins}, {"--seed", readSeed}, {"--elements", readElements}};

// Options without a value.
const std::pair<const char*, bool AppOptions::*> kFlagOptions[] = {
    {"--help", &AppOptions::help},
    {"-h", &AppOptions::help},
    {"--presentation", &AppOptions::presentation},
    {"--benchmark-ui", &AppOptions::benchmark}};

template <class Table> auto findOption(const Table& table, const QString& arg)
{
    for (const auto& entry : table)
        if (arg == QLatin1String(entry.first))
            return &entry;
    return static_cast<decltype(&table[0])>(nullptr);
}

// Reads args[i] (and its value, advancing i); false and *error for a bad option.
bool readOption(const QStringList& args, int& i, AppOptions& o, QString* error)
{
    const QString a = args[i];
    const QString name = a.mid(2);
    const bool quantValue = a.startsWith(QLatin1String("--")) && kQuantValueOptions.contains(name);
    auto value = [&](QString& out) {
        if (i + 1 >= args.size()) {
            *error = QStringLiteral("%1 needs a value").arg(a);
            return false;
        }
        out = args[++i];
        return true;
    };
    QString v;
    if (const auto* flag = findOption(kFlagOptions, a)) {
        o.*(flag->second) = true;
    } else if (const auto* text = findOption(kTextOptions, a)) {
        return value(o.*(text->second));
    } else if (const auto* number = findOption(kValueOptions, a)) {
        return value(v) && number->second(v, o, error);
    } else if (quantValue) {
        if (!value(v))
            return false;
        o.quantArgs.emplace_back(name, v);
    } else if (a.startsWith(QLatin1String("--")) && kQuantFlagOptions.contains(name)) {
        o.quantArgs.emplace_back(name, QString());
    } else if (a.startsWith(QLatin1Char('-'))) {
        *error = QStringLiteral("unknown option %1").arg(a);
        return false;
    } else if (o.file.isEmpty()) {
        o.file = a;
    } else {
        *error = QStringLiteral("more than one file given (%1, %2)").arg(o.file, a);
        return false;
    }
    return true;
}

// The names the options give (quantization options, tab, lesson, generator, shape) exist.
void checkNames(const AppOptions& o)
{
    QuantConfig probe;
    applyQuantArgs(o.quantArgs, probe);
    static const QStringList viewTabs = {
        "number-line",     "sweep", "clipping",   "compare",        "worked-example",
        "block-inspector", "image", "int-matmul", "float-pitfalls", "model"};
    if (!o.tab.isEmpty() && !viewTabs.contains(o.tab))
        chartKindFromName(o.tab);
    if (!o.lesson.isEmpty())
        findLesson(o.lesson); // fails early with the lesson's problem
    if (!o.generate.isEmpty())
        distributionFromName(o.generate.toStdString());
    if (!o.shape.isEmpty())
        parseShape(o.shape.toStdString());
    for (const QString& name : o.pins.split(QLatin1Char(','), Qt::SkipEmptyParts))
        presetByName(name.toStdString()); // an unknown name lists the presets
    const QStringList pages = {"table", "heatmap", "pareto"};
    if (!o.modelPage.isEmpty() && !pages.contains(o.modelPage))
        throw Error("--model-page needs table, heatmap or pareto, got '" +
                    o.modelPage.toStdString() + "'");
}

} // namespace

bool parseAppOptions(const QStringList& args, AppOptions& o, QString* error)
{
    for (int i = 1; i < args.size(); ++i)
        if (!readOption(args, i, o, error))
            return false;
    try {
        checkNames(o);
    } catch (const Error& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

void applyQuantArgs(const std::vector<std::pair<QString, QString>>& args, QuantConfig& c)
{
    for (const auto& [key, value] : args) {
        const std::string v = value.toStdString();
        if (key == QLatin1String("bits")) {
            c.bits = toInt(key, value, 1, 16);
        } else if (key == QLatin1String("scheme")) {
            c.scheme = schemeFromName(v);
        } else if (key == QLatin1String("range")) {
            c.range = rangeMethodFromName(v);
        } else if (key == QLatin1String("percentile")) {
            bool ok = false;
            c.percentile = value.toDouble(&ok);
            if (!ok)
                throw Error("--percentile needs a number, got '" + v + "'");
        } else if (key == QLatin1String("granularity")) {
            c.granularity = granularityFromName(v);
        } else if (key == QLatin1String("axis")) {
            c.axis = toInt(key, value, -64, 64);
        } else if (key == QLatin1String("group-size")) {
            c.groupSize = toInt(key, value, 1, 1 << 30);
        } else if (key == QLatin1String("rounding")) {
            c.rounding = roundingFromName(v);
        } else if (key == QLatin1String("signed")) {
            c.signedCodes = true;
        } else if (key == QLatin1String("full-range")) {
            c.fullRange = true;
        } else if (key == QLatin1String("no-include-zero")) {
            c.includeZero = false;
        } else if (key == QLatin1String("include-zero")) {
            c.includeZero = true;
        }
    }
    c.validate();
}

namespace {

// The session the options describe: a session file or the defaults, then a file or a
// generator, then the quantization options on top.
Session sessionFor(const AppOptions& o)
{
    Session s;
    s.source.generator = exampleGenerator();
    if (!o.session.isEmpty())
        s = loadSessionFile(o.session);
    if (!o.file.isEmpty()) {
        if (o.file.endsWith(QLatin1String(".qscope"), Qt::CaseInsensitive)) {
            s = loadSessionFile(o.file);
        } else {
            s.source.kind = SourceSpec::Kind::File;
            std::string path, member;
            splitPathMember(o.file.toStdString(), path, member);
            s.source.path = QFileInfo(QString::fromStdString(path)).absoluteFilePath();
            s.source.member = QString::fromStdString(member);
        }
    }
    if (!o.generate.isEmpty() || !o.shape.isEmpty() || o.seed >= 0) {
        s.source.kind = SourceSpec::Kind::Generated;
        GeneratorOptions& g = s.source.generator;
        if (!o.generate.isEmpty()) {
            g = GeneratorOptions();
            g.distribution = distributionFromName(o.generate.toStdString());
            g.shape = {4096};
        }
        if (!o.shape.isEmpty())
            g.shape = parseShape(o.shape.toStdString());
        if (o.seed >= 0)
            g.seed = uint64_t(o.seed);
    }
    applyQuantArgs(o.quantArgs, s.config);
    if (!o.tab.isEmpty())
        s.tab = o.tab;
    if (o.errorBins > 0)
        s.errorBins = o.errorBins;
    return s;
}

// The Model view's page, and its report run with the schemes of the options (the file is open);
// with `wait`, until the report is done.
void applyModelOptions(MainWindow& window, const AppOptions& o, bool wait = false)
{
    auto* view = qobject_cast<ModelView*>(window.analysisView(QStringLiteral("model")));
    if (!view)
        return;
    if (!o.modelPage.isEmpty())
        view->showPage(o.modelPage);
    if (o.modelSchemes.isEmpty())
        return;
    view->setSchemes(o.modelSchemes);
    if (!view->run())
        QTextStream(stderr) << "quantscope: " << view->statusText() << "\n";
    QEventLoop loop;
    QObject::connect(view, &AnalysisView::viewUpdated, &loop, &QEventLoop::quit);
    QTimer::singleShot(600000, &loop, &QEventLoop::quit);
    if (wait && view->isComputing())
        loop.exec();
}

// The presets of --pin, pinned in the A/B view on the open tensor.
void applyPins(MainWindow& window, const AppOptions& o)
{
    auto* view = qobject_cast<CompareView*>(window.analysisView(QStringLiteral("compare")));
    if (!view)
        return;
    for (const QString& name : o.pins.split(QLatin1Char(','), Qt::SkipEmptyParts))
        view->pinConfig(presetByName(name.toStdString()).config);
}

} // namespace

void applyStartOptions(MainWindow& window, const AppOptions& o)
{
    const bool any = !o.session.isEmpty() || !o.file.isEmpty() || !o.quantArgs.empty() ||
                     !o.tab.isEmpty() || !o.generate.isEmpty() || !o.shape.isEmpty() ||
                     o.seed >= 0 || o.errorBins > 0 || !o.lesson.isEmpty() || o.presentation ||
                     !o.pins.isEmpty();
    if (!any)
        return;
    if (o.presentation)
        window.setPresentationMode(true);
    if (!o.pins.isEmpty())
        QObject::connect(
            &window, &MainWindow::resultReady, &window, [&window, o] { applyPins(window, o); },
            Qt::SingleShotConnection);
    if (!o.lesson.isEmpty()) {
        window.openLesson(o.lesson);
        if (!o.tab.isEmpty())
            window.setCurrentTab(o.tab);
        return;
    }
    try {
        Session s = sessionFor(o);
        if (o.file.isEmpty() && o.session.isEmpty() && o.generate.isEmpty() && o.shape.isEmpty() &&
            o.seed < 0) {
            s.source = window.session().source; // only options: keep the restored source
        }
        window.applySession(s);
        if (!o.modelSchemes.isEmpty() || !o.modelPage.isEmpty())
            QObject::connect(
                &window, &MainWindow::resultReady, &window,
                [&window, o] { applyModelOptions(window, o); }, Qt::SingleShotConnection);
    } catch (const Error& e) {
        QTextStream(stderr) << "quantscope: " << e.what() << "\n";
        // In a box once the window is up; the window starts as if the file had not been named.
        const QString message = QString::fromStdString(e.what());
        QTimer::singleShot(0, &window, [&window, message] { window.showError(message); });
    }
}

int runScreenshot(const AppOptions& o)
{
    MainWindow::Options wo;
    wo.useSettings = false;
    wo.messageBoxes = false;
    wo.startExample = false;
    MainWindow window(wo);
    Session s;
    try {
        s = sessionFor(o);
    } catch (const Error& e) {
        QTextStream(stderr) << "quantscope: " << e.what() << "\n";
        return 3;
    }
    window.resize(o.size);
    window.show();
    QString error;
    QEventLoop loop;
    QObject::connect(&window, &MainWindow::resultReady, &loop, &QEventLoop::quit);
    QObject::connect(&window, &MainWindow::errorShown, &loop, [&](const QString& message) {
        error = message;
        loop.quit();
    });
    QTimer::singleShot(120000, &loop, [&] {
        error = QStringLiteral("timed out waiting for the result");
        loop.quit();
    });
    if (o.presentation)
        window.setPresentationMode(true);
    if (!o.lesson.isEmpty()) {
        if (!window.openLesson(o.lesson)) {
            QTextStream(stderr) << "quantscope: " << window.lastError() << "\n";
            return 3;
        }
        if (!o.tab.isEmpty())
            window.setCurrentTab(o.tab);
    } else {
        window.applySession(s);
    }
    loop.exec();
    if (!error.isEmpty()) {
        QTextStream(stderr) << "quantscope: " << error << "\n";
        return 3;
    }
    applyModelOptions(window, o, true);
    applyPins(window, o);
    window.resize(o.size);
    QApplication::processEvents();
    if (window.currentAnalysisView())
        window.waitForView(60000);
    else
        window.chart(window.currentChart());
    QApplication::processEvents();
    QImage image = window.grab().toImage();
    if (image.size() != o.size)
        image = image.scaled(o.size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    if (!image.save(o.screenshot)) {
        QTextStream(stderr) << "quantscope: cannot write " << o.screenshot << "\n";
        return 3;
    }
    return 0;
}

} // namespace qs::ui
