#include "ui/window/ui_benchmark.h"

#include "ui/panels/quant_panel.h"
#include "ui/support/gui_block_meter.h"
#include "ui/window/main_window.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSpinBox>
#include <QTextStream>
#include <QTimer>
#include <QValueAxis>

#include <functional>

namespace qs::ui {

namespace {

bool waitForCharts(MainWindow& w, int timeoutMs)
{
    QEventLoop loop;
    bool ok = true;
    auto c1 = QObject::connect(&w, &MainWindow::chartsRefreshed, &loop, &QEventLoop::quit);
    auto c2 = QObject::connect(&w, &MainWindow::errorShown, &loop, [&] {
        ok = false;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, [&] {
        ok = false;
        loop.quit();
    });
    loop.exec();
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    return ok;
}

// Generates the benchmark's tensor of n elements and prints the table's header.
bool generateTensor(MainWindow& w, qint64 n, QTextStream& out)
{
    GeneratorOptions g;
    g.distribution = Distribution::Normal;
    g.shape = n % 1024 == 0 ? std::vector<int64_t>{n / 1024, 1024} : std::vector<int64_t>{n};
    g.seed = 1;
    g.outliers = 2;
    g.outlierValue = 8;
    QElapsedTimer t;
    t.start();
    w.generate(g);
    if (!waitForCharts(w, 300000)) {
        out << "failed to generate: " << w.lastError() << "\n";
        return false;
    }
    out << QStringLiteral("\n%1 elements (%2): generate + first result %3 ms\n")
               .arg(n)
               .arg(QString::fromStdString(w.tensor()->shapeString()))
               .arg(double(t.nsecsElapsed()) / 1e6, 0, 'f', 1);
    out << QStringLiteral("%1  %2  %3  %4  %5\n")
               .arg(QStringLiteral("change"), -36)
               .arg(QStringLiteral("to charts ms"), 12)
               .arg(QStringLiteral("GUI block ms"), 12)
               .arg(QStringLiteral("chart build ms"), 14)
               .arg(QStringLiteral("quantize ms"), 11);
    return true;
}

struct Change {
    QString name;
    std::function<void()> apply;
    bool job; // the change starts a quantization job
};

// The control changes timed, in order, on a window showing n elements.
std::vector<Change> changesFor(MainWindow& w, qint64 n)
{
    QuantPanel* q = w.quantPanel();
    auto* bits = q->findChild<QSpinBox*>(QStringLiteral("bitsSpin"));
    auto* scheme = q->findChild<QComboBox*>(QStringLiteral("schemeCombo"));
    auto* range = q->findChild<QComboBox*>(QStringLiteral("rangeCombo"));
    auto* gran = q->findChild<QComboBox*>(QStringLiteral("granularityCombo"));
    auto* rounding = q->findChild<QComboBox*>(QStringLiteral("roundingCombo"));
    auto* axis = q->findChild<QSpinBox*>(QStringLiteral("axisSpin"));
    auto* valueBins = w.findChild<QSpinBox*>(QStringLiteral("valueBinsSpin"));
    auto* errorBins = w.findChild<QSpinBox*>(QStringLiteral("errorBinsSpin"));
    auto* slice = w.findChild<QSpinBox*>(QStringLiteral("sliceSpin"));
    auto pick = [](QComboBox* c, const char* name) {
        return [c, name] { c->setCurrentIndex(c->findData(QLatin1String(name))); };
    };
    auto set = [](QSpinBox* spin, int value) { return [spin, value] { spin->setValue(value); }; };
    auto tab = [&w](ChartKind kind) { return [&w, kind] { w.setCurrentChart(kind); }; };
    // A rubber-band zoom: the shown chart's index axis gets a new range.
    auto zoom = [&w, n](ChartKind kind, double from, double to) {
        return [&w, n, kind, from, to] {
            auto* view =
                w.findChild<QChartView*>(QStringLiteral("chartView-") + chartKindName(kind));
            const auto axes = view->chart()->axes(Qt::Horizontal);
            if (auto* axis = axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.first()))
                axis->setRange(from * double(n), to * double(n));
        };
    };
    return {
        {"bits 8 -> 4 (values tab)", set(bits, 4), true},
        {"bits 4 -> 3", set(bits, 3), true},
        {"scheme symmetric", pick(scheme, "symmetric"), true},
        {"range percentile", pick(range, "percentile"), true},
        {"range minmax", pick(range, "minmax"), true},
        {"rounding truncate", pick(rounding, "truncate"), true},
        {"tab codes", tab(ChartKind::Codes), false},
        {"bits 3 -> 8 (codes tab)", set(bits, 8), true},
        {"zoom codes to the middle half", zoom(ChartKind::Codes, 0.25, 0.75), false},
        {"tab histogram", tab(ChartKind::Histogram), false},
        {"value bins 256 -> 64", set(valueBins, 64), false},
        {"scheme asymmetric (histogram tab)", pick(scheme, "asymmetric"), true},
        {"tab error histogram", tab(ChartKind::ErrorHistogram), false},
        {"error bins 101 -> 41", set(errorBins, 41), false},
        {"bits 8 -> 6 (error tab)", set(bits, 6), true},
        {"tab channels", tab(ChartKind::Channels), false},
        {"granularity channel, axis 1",
         [gran, axis, pick] {
             pick(gran, "channel")();
             axis->setValue(axis->maximum());
         },
         true},
        {"tab histogram (per channel)", tab(ChartKind::Histogram), false},
        {"grid of slice 0 -> 7", set(slice, 7), false},
        {"tab channels (per channel)", tab(ChartKind::Channels), false},
        {"granularity group 32", pick(gran, "group"), true},
        {"granularity tensor", pick(gran, "tensor"), true},
        {"tab values", tab(ChartKind::Values), false},
        {"range mse (values tab)", pick(range, "mse"), true},
        {"zoom values further (index 40%..60%)", zoom(ChartKind::Values, 0.4, 0.6), false},
    };
}

// Applies one change, waits for the visible chart and prints its line; false if it failed.
bool measure(MainWindow& w, const Change& c, GuiBlockMeter& meter, QTextStream& out)
{
    QApplication::processEvents();
    meter.reset();
    QElapsedTimer clock;
    clock.start();
    int refreshed = 0;
    auto counter = QObject::connect(&w, &MainWindow::chartsRefreshed, [&] { ++refreshed; });
    c.apply();
    QApplication::processEvents();
    // A tab whose chart is up to date just shows it: nothing to wait for.
    const bool ok = refreshed > 0 || (!c.job && w.isIdle()) || waitForCharts(w, 300000);
    QObject::disconnect(counter);
    if (!ok) {
        out << c.name << ": failed: " << w.lastError() << "\n";
        return false;
    }
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    const double block = meter.max();
    QApplication::processEvents();
    const auto total = w.result()->timingsMs.find("total");
    // QS_BENCH_DETAIL: also the result handler's own time and the event-loop measure.
    const QString detail = qEnvironmentVariableIsSet("QS_BENCH_DETAIL")
                               ? QStringLiteral("  [result %1, loop %2]")
                                     .arg(w.lastResultGuiMs(), 0, 'f', 1)
                                     .arg(block, 0, 'f', 1)
                               : QString();
    out << QStringLiteral("%1  %2  %3  %4  %5%6\n")
               .arg(c.name, -36)
               .arg(ms, 12, 'f', 1)
               .arg(std::max(block, c.job ? w.lastResultGuiMs() : 0.0), 12, 'f', 1)
               .arg(w.lastChartBuildMs(), 14, 'f', 1)
               .arg(c.job && total != w.result()->timingsMs.end() ? total->second : 0.0, 11, 'f', 1)
               .arg(detail);
    out.flush();
    return true;
}

int runOne(qint64 n, QTextStream& out)
{
    MainWindow::Options o;
    o.useSettings = false;
    o.messageBoxes = false;
    o.startExample = false;
    MainWindow w(o);
    w.resize(1400, 900);
    w.show();
    GuiBlockMeter meter;
    if (!generateTensor(w, n, out))
        return 1;
    int failures = 0;
    for (const Change& c : changesFor(w, n))
        if (!measure(w, c, meter, out))
            ++failures;
    return failures ? 1 : 0;
}

} // namespace

int runUiBenchmark(qint64 elements)
{
    QTextStream out(stdout);
    out << "QuantScope UI timing: ms from a control change to the visible chart showing the new "
           "result (includes the coalescing delay), and the longest GUI-thread block meanwhile.\n";
    int status = 0;
    if (elements > 0) {
        status |= runOne(elements, out);
    } else {
        status |= runOne(1 << 20, out);
        status |= runOne(1 << 24, out);
    }
    return status;
}

} // namespace qs::ui
