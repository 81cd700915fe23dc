// Command-line options of the quantscope GUI and the two headless modes built on the window:
// --screenshot (render the window at a fixed size into a PNG after the job finished; the docs'
// screenshots and the UI tests use it) and the start-up file/session/options of a normal run.
#pragma once

#include "core/config/quant_config.h"

#include <QSize>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace qs::ui {

class MainWindow;

struct AppOptions {
    QString file;       // tensor file or .qscope session to open
    QString session;    // --session
    QString screenshot; // --screenshot OUT.png
    QSize size{1400, 900};
    QString tab;                                        // chart kind or view name
    QString lesson;                                     // --lesson NAME | FILE.json
    bool presentation = false;                          // --presentation
    int errorBins = 0;                                  // 0 = keep
    std::vector<std::pair<QString, QString>> quantArgs; // --bits 4 ... applied in order
    QString generate;                                   // --generate DIST
    QString shape;                                      // --shape 256x64
    QString modelSchemes; // --model-schemes: the Model view's report, run once the file is open
    QString modelPage;    // --model-page table|heatmap|pareto
    QString pins; // --pin PRESET[,PRESET...]: pinned in the A/B view once the tensor is open
    qint64 seed = -1;
    bool benchmark = false;
    qint64 benchmarkElements = 0; // 0 = 1M and 16M
    bool help = false;
};

QString appUsage();
// True if argv asks for a mode that needs no display (--screenshot, --benchmark-ui, --help).
bool wantsHeadless(int argc, char** argv);
bool parseAppOptions(const QStringList& args, AppOptions& options, QString* error);
// Applies --bits/--scheme/... to config; throws qs::Error naming the bad option.
void applyQuantArgs(const std::vector<std::pair<QString, QString>>& args, QuantConfig& config);
// Opens the file / session and applies the options on a shown window.
void applyStartOptions(MainWindow& window, const AppOptions& options);
// Renders the window into options.screenshot; returns the process exit status.
int runScreenshot(const AppOptions& options);

} // namespace qs::ui
