// quantscope: the QuantScope desktop application.
//   quantscope [FILE | SESSION.qscope]
//   quantscope --screenshot OUT.png [--session FILE.qscope | FILE] [quantization options]
//              [--tab values|codes|...|image|int-matmul|float-pitfalls] [--size 1400x900]
//   quantscope [--lesson NAME | --lesson FILE.json] [--presentation]
//   quantscope --benchmark-ui [--elements N | FILE]
// Without a file the window starts on a generated example tensor.
#include "ui/window/app_options.h"
#include "ui/window/main_window.h"
#include "ui/window/ui_benchmark.h"

#include <QApplication>
#include <QStringList>
#include <QTextStream>

#include <cstdio>

int main(int argc, char** argv)
{
    // Headless modes need no display: pick the offscreen platform before QApplication exists.
    const bool headless = qs::ui::wantsHeadless(argc, argv);
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // The arguments as given: QApplication takes some out of argv (Qt's own "-session" among
    // them, which would swallow our --session).
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("QuantScope"));
    QApplication::setOrganizationName(QStringLiteral("QuantScope"));
    QApplication::setApplicationVersion(QStringLiteral(QS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/quantscope.svg")));
    QApplication::setDesktopFileName(QStringLiteral("io.github.quantscope.QuantScope"));

    qs::ui::AppOptions options;
    QString error;
    if (!qs::ui::parseAppOptions(arguments, options, &error)) {
        QTextStream(stderr) << "quantscope: " << error << "\n\n" << qs::ui::appUsage();
        return 2;
    }
    if (options.help) {
        QTextStream(stdout) << qs::ui::appUsage();
        return 0;
    }
    if (options.benchmark)
        return qs::ui::runUiBenchmark(options.benchmarkElements, options.file);
    if (!options.screenshot.isEmpty())
        return qs::ui::runScreenshot(options);

    qs::ui::MainWindow window;
    qs::ui::applyStartOptions(window, options);
    window.show();
    return app.exec();
}
