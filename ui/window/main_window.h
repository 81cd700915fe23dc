// MainWindow: wires the source panel, the quantization panel, the charts (one tab per chart
// kind, built by qs::ui::buildChart), the numbers panel and the slice table to the background
// JobRunner. The window itself holds no math: it turns control changes into jobs (coalesced by
// a short single-shot timer), shows only the newest job's result, and rebuilds the visible
// chart from it. Charts of hidden tabs are rebuilt when their tab is shown.
//
// The public API below is what the menus use and what tests and `quantscope --screenshot`
// drive; errors are reported through errorShown()/lastError() (message boxes are optional
// and never block).
#pragma once

#include "core/data/generators.h"
#include "core/io/tensor_file.h"
#include "core/quant/quantize.h"
#include "core/teach/lesson.h"
#include "ui/charts/charts.h"
#include "ui/jobs/job_runner.h"
#include "ui/support/chart_export.h"
#include "ui/support/session.h"

#include <QElapsedTimer>
#include <QFont>
#include <QMainWindow>
#include <QPalette>
#include <QTimer>

#include <array>
#include <functional>
#include <memory>
#include <vector>

class QChart;
class QChartView;
class QLabel;
class QMenu;
class QProgressBar;
class QSpinBox;
class QTabWidget;
class QToolButton;
class QAction;

namespace qs::ui {

class AnalysisView;
class LessonPanel;
class NumbersPanel;
class QuantPanel;
class SliceTable;
class SourcePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        bool useSettings = true;  // read/write QSettings (geometry, last session, recent files)
        bool messageBoxes = true; // show errors in (non-blocking) message boxes too
        bool startExample = true; // start on the built-in example tensor
    };
    explicit MainWindow(QWidget* parent = nullptr);
    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Sources (asynchronous: the result arrives with resultReady() or errorShown()).
    void generate(const GeneratorOptions& options);
    void openFile(const QString& path, const QString& member = {});
    void setTensor(Tensor tensor);

    QuantConfig config() const;
    void setConfig(const QuantConfig& config);
    ChartKind currentChart() const;
    void setCurrentChart(ChartKind kind);
    void setErrorBins(int bins);
    int errorBins() const;

    Session session() const;
    void applySession(const Session& session);
    bool saveSession(const QString& path);
    bool openSession(const QString& path);

    // Exports (synchronous, on the current result). false + errorShown on failure.
    bool exportChart(ChartKind kind, const QString& path, const ExportOptions& options);
    // path ending in .pdf: one multi-page PDF; .png / .svg: one file per chart next to path,
    // named <base>-<kind>.<suffix>.
    bool exportAllCharts(const QString& path, const ExportOptions& options);
    // .npy in the smallest integer dtype, for every scheme (fp16/bf16 and low-bit formats: their
    // bit patterns or table indices), the same file as the CLI's --codes.
    bool exportCodes(const QString& path);
    bool exportDequantized(const QString& path); // .npy float32
    bool exportCsv(const QString& path);         // index, original, code, dequantized, error
    bool exportReport(const QString& path);      // JSON report (same as the CLI)
    void copyChartToClipboard();

    // State for tests and tools.
    std::shared_ptr<const Tensor> tensor() const { return m_tensor; }
    std::shared_ptr<const QuantResult> result() const { return m_result; }
    QChart* chart(ChartKind kind); // the chart shown in that tab (built now if out of date)
    QString lastError() const { return m_lastError; }
    bool isBusy() const;
    // True when no job is pending or running and the shown result matches the controls.
    bool isIdle() const;
    NumbersPanel* numbersPanel() const { return m_numbers; }
    QuantPanel* quantPanel() const { return m_quant; }
    SourcePanel* sourcePanel() const { return m_source; }
    SliceTable* sliceTable() const { return m_sliceTable; }
    QTabWidget* chartTabs() const { return m_tabs; }
    // Milliseconds from the first control change of a burst to the visible chart refreshed.
    double lastLatencyMs() const { return m_lastLatencyMs; }
    // GUI-thread milliseconds spent on the last result (numbers, table, visible chart) and on
    // the last chart build alone.
    double lastResultGuiMs() const { return m_lastResultGuiMs; }
    double lastChartBuildMs() const { return m_lastChartBuildMs; }

    // ---- Teaching (main_window_teaching.cpp) ----
    // The views after the five charts, as tabs: number line, sweep, clipping, compare, worked
    // example, image, integer math, fp16 pitfalls. Only the visible one is recomputed on a new
    // result; the others are marked out of date.
    QList<AnalysisView*> analysisViews() const;
    AnalysisView* analysisView(const QString& name) const; // by viewName(), e.g. "image"
    AnalysisView* currentAnalysisView() const;             // nullptr on a chart tab
    QStringList tabNames() const;            // chart kind names, then view names, in tab order
    bool setCurrentTab(const QString& name); // false for an unknown name
    QString currentTabName() const;
    // Waits (event loop) until the visible view finished computing; false on timeout.
    bool waitForView(int timeoutMs);
    // Exports a tab by name (charts too) as PNG/SVG/PDF: the view's charts, else its widget.
    bool exportView(const QString& name, const QString& path, const ExportOptions& options);
    // Clicking a point of the values chart: the worked example of that element.
    void showWorkedExample(int64_t index);
    // Lessons: a built-in id or a lesson file; applying sets the tensor, every control and the
    // chart, and shows the lesson panel above the tabs.
    bool openLesson(const QString& nameOrPath);
    void applyLesson(const Lesson& lesson, int step = 0);
    void applyLessonStep(int step);
    void closeLesson();
    LessonPanel* lessonPanel() const { return m_lessonPanel; }
    // Presentation mode: large fonts, thick lines, high contrast, only bits/scheme/range.
    void setPresentationMode(bool on);
    bool presentationMode() const { return m_presentation; }
    ChartStyle chartStyle() const; // the palette's style, thick and large when presenting

signals:
    void resultReady();     // the numbers show a new result (small tensors: the chart too)
    void chartsRefreshed(); // the visible chart was (re)built
    void errorShown(const QString& message);
    void busyChanged(bool busy);
    void presentationModeChanged(bool on);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct ChartPage {
        ChartKind kind;
        QChartView* view = nullptr;
        QChart* chart = nullptr;
        // Charts copy the (downsampled) data they show: no tensor or result is kept alive here.
        bool dirty = true;
        // Data reduced off the GUI thread for the next rebuild (used only if it still matches
        // chartInput(kind); it points at m_tensor and m_result, which outlive it: every page's
        // prepared data is dropped when they change).
        std::shared_ptr<const ChartData> prepared;
        bool preparing = false;  // a worker is reducing this page's data
        quint64 builtSerial = 0; // m_resultSerial when the shown chart was built
    };

    void buildUi();
    // Checks there is a result, protects the input file, reports qs::Error; write() does the I/O.
    bool writeDataExport(const std::function<void(const std::vector<std::string>& protect)>& write);
    void buildMenus();
    void scheduleJob();
    void startJob();
    void onJobFinished(JobOutputPtr output);
    // Rebuilds the page's chart if it is out of date. Qt Charts is not thread-safe (it keeps
    // static text items for measuring), so charts are built on the GUI thread; the data they
    // draw is reduced on a worker (prepareChartAsync) for big tensors unless `wait` is set, and
    // the chart is built when it arrives.
    void refreshChart(ChartPage& page, bool wait = false);
    void prepareChartAsync(ChartPage& page, const ChartInput& input);
    void setNewResult(); // m_tensor or m_result changed: prepared data is void
    void installChart(ChartPage& page, QChart* chart);
    void refreshVisibleChart();
    void markChartsDirty();
    void showError(const QString& message, bool dialog);
    void setStatus(const QString& text);
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void watchZoom(ChartPage& page);
    ChartPage& page(ChartKind kind);
    ChartInput chartInput(ChartKind kind) const;
    QString defaultDir() const;

    // Interactive actions (dialogs).
    void onOpenFile();
    void onOpenSession();
    void onSaveSession();
    void onExportChart();
    void onExportAll();
    void onExportData(int which);
    void onHelp();
    void onAbout();

    // Teaching (main_window_teaching.cpp).
    struct ViewPage {
        AnalysisView* view = nullptr;
        bool dirty = true;
    };
    void buildTeachingUi();
    void buildTeachingMenus();
    void refreshVisibleView();
    void onTeachingResult();
    void updateLessonCheck();
    void connectValueClicks(QChart* chart);
    void onExportView();
    void showLessonPanel(bool on);

    Options m_options;
    SourcePanel* m_source = nullptr;
    QuantPanel* m_quant = nullptr;
    NumbersPanel* m_numbers = nullptr;
    SliceTable* m_sliceTable = nullptr;
    QTabWidget* m_tabs = nullptr;
    QSpinBox* m_errorBins = nullptr;
    QSpinBox* m_valueBins = nullptr;
    QSpinBox* m_slice = nullptr; // histogram: slice whose grid is drawn
    QLabel* m_statusText = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    QMenu* m_recentMenu = nullptr;
    std::array<ChartPage, 5> m_pages;

    JobRunner* m_jobs = nullptr;
    QTimer m_debounce;
    QTimer m_zoomTimer;
    QElapsedTimer m_changeClock; // since the first change of the current burst
    bool m_changePending = false;
    bool m_tablePending = false;   // the slice table is yet to take m_result
    bool m_latencyPending = false; // a result arrived; latency stops at the visible chart
    double m_lastLatencyMs = 0;
    double m_lastResultGuiMs = 0;
    double m_lastChartBuildMs = 0;

    // Source of the next job (set by generate/openFile/setTensor, cleared when it arrives).
    JobRunner::TensorMaker m_pendingMaker;
    SourceSpec m_pendingSource;
    std::shared_ptr<std::vector<TensorInfo>> m_pendingMembers;
    std::shared_ptr<std::vector<std::string>> m_pendingWarnings;

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    quint64 m_resultSerial = 0; // counts changes of m_tensor / m_result
    SourceSpec m_sourceSpec;
    QString m_lastError;
    int64_t m_viewBegin = 0, m_viewEnd = -1; // zoom window of the index charts

    std::vector<ViewPage> m_views;
    int m_firstViewTab = 5;
    bool m_viewPending = false; // the visible view has not reported viewUpdated yet
    LessonPanel* m_lessonPanel = nullptr;
    std::shared_ptr<const Tensor> m_lessonTensor; // the applied step's data and config
    std::string m_lessonConfig;
    bool m_presentation = false;
    QAction* m_presentationAction = nullptr;
    QFont m_normalFont;
    QPalette m_normalPalette;
    QList<int> m_normalSplitSizes; // main splitter before presentation mode
    int m_normalLeftMin = 0;
};

} // namespace qs::ui
