// Helpers shared by the Qt Test executables of the window and its views: options for a window
// under test, a path in the test's own scratch folder, waiting until the window shows the
// result of the configuration its controls hold, and telling a rendered image from a blank one.
#pragma once

#include "ui/views/model_view.h"
#include "ui/window/main_window.h"

#include <QChart>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QSet>
#include <QString>
#include <QXYSeries>
#include <QtTest>

namespace qs::test {

// No settings read or written, no message boxes (errors go to the status bar); startExample
// false: no built-in example at start-up.
inline ui::MainWindow::Options windowOptions(bool startExample = true)
{
    ui::MainWindow::Options o;
    o.useSettings = false;
    o.messageBoxes = false;
    o.startExample = startExample;
    return o;
}

// `name` in this test executable's scratch folder (QS_TEST_TMP, made if missing).
inline QString tmpPath(const QString& name)
{
    QDir().mkpath(QStringLiteral(QS_TEST_TMP));
    return QDir(QStringLiteral(QS_TEST_TMP)).filePath(name);
}

// Waits until the window shows the result of the configuration its controls hold.
inline bool waitForCurrent(ui::MainWindow& w, int timeoutMs = 20000)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (w.isIdle() && w.result() && w.tensor() &&
            w.result()->config.summary() == w.config().summary() &&
            w.result()->codes.size() == size_t(w.tensor()->numel()))
            return true;
        QTest::qWait(5);
    }
    return false;
}

// Opens `path` (a model file) in the window and shows its Model view; null if a step fails.
inline ui::ModelView* showModelView(ui::MainWindow& w, const QString& path)
{
    w.openFile(path);
    if (!waitForCurrent(w) || !w.setCurrentTab(QStringLiteral("model")) || !w.waitForView(20000))
        return nullptr;
    return qobject_cast<ui::ModelView*>(w.analysisView(QStringLiteral("model")));
}

// The first series of a chart with points (the values chart's original values), or null.
inline QXYSeries* firstXYSeries(QChart* chart)
{
    for (QAbstractSeries* s : chart->series())
        if (auto* xy = qobject_cast<QXYSeries*>(s))
            return xy;
    return nullptr;
}

// The number of different colours on a grid of every `step`-th pixel: a blank or failed
// rendering has very few.
inline int distinctColours(const QImage& image, int step)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += step)
        for (int x = 0; x < image.width(); x += step)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace qs::test
