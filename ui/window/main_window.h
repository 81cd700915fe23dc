// MainWindow: the layout (controls on the left, the views in the centre under the view
// selector, the numbers on the right), the menus, the settings and drag-and-drop. The work
// is done by its parts:
//   ResultPipeline    sources, background jobs (coalesced), the current tensor and result
//   WindowTabs        the basic charts (ChartTab) and the analysis views (ViewTab), grouped
//                     in the ViewSelector
//   ExportController  charts, views, data and the clipboard
//   LessonController  the Lessons menu and the lesson panel
//   PresentationMode  large fonts, thick lines, high contrast, only bits/scheme/range
//   SessionController the state as a session, .qscope files
//   SourceController  the source panel's requests and the facts of a new tensor
//   SidePanels        the controls and numbers columns: collapsible, widths remembered
// The window opens inside the screen (window_geometry.h) and shrinks to 1024x640 with every
// control reachable: the controls scroll, the side columns collapse.
// The window holds no math: control changes become jobs, only the newest job's result is
// shown, and the visible tab is rebuilt from it (hidden tabs when they are shown).
//
// The public API below is what the menus use and what tests and `quantscope --screenshot`
// drive; errors are reported through errorShown()/lastError() (message boxes are optional
// and never block).
#pragma once

#include "ui/window/export_controller.h"
#include "ui/window/lesson_controller.h"
#include "ui/window/presentation_mode.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/session_controller.h"
#include "ui/window/source_controller.h"
#include "ui/window/window_status.h"
#include "ui/window/window_tabs.h"

#include <QMainWindow>

#include <memory>

class QMenu;
class QSplitter;

namespace qs::ui {

class AnalysisView;
class LessonPanel;
class NumbersPanel;
class QuantPanel;
class SidePanels;
class SliceTable;
class SourcePanel;
class ViewSelector;

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

    // The window's parts.
    ResultPipeline& pipeline() const { return *m_pipeline; }
    WindowTabs& tabs() const { return *m_tabs; }
    ExportController& exports() const { return *m_exports; }
    LessonController& lessons() const { return *m_lessons; }
    SessionController& sessions() const { return *m_sessions; }

    // Sources (asynchronous: the result arrives with resultReady() or errorShown()).
    void generate(const GeneratorOptions& options) { m_pipeline->generate(options); }
    void openFile(const QString& path, const QString& member = {});
    void setTensor(Tensor tensor) { m_pipeline->setTensor(std::move(tensor)); }

    QuantConfig config() const;
    void setConfig(const QuantConfig& config);
    ChartKind currentChart() const { return m_tabs->currentChart(); }
    void setCurrentChart(ChartKind kind) { m_tabs->setCurrentChart(kind); }
    void setErrorBins(int bins) { m_tabs->setErrorBins(bins); }
    int errorBins() const { return m_tabs->errorBins(); }

    Session session() const { return m_sessions->session(); }
    void applySession(const Session& session) { m_sessions->apply(session); }
    bool saveSession(const QString& path) { return m_sessions->save(path); }
    bool openSession(const QString& path) { return m_sessions->open(path); }

    // Exports (synchronous, on the current result). false + errorShown on failure.
    bool exportChart(ChartKind kind, const QString& path, const ExportOptions& options)
    {
        return m_exports->exportChart(kind, path, options);
    }
    // path ending in .pdf: one multi-page PDF; .png / .svg: one file per chart next to path,
    // named <base>-<kind>.<suffix>.
    bool exportAllCharts(const QString& path, const ExportOptions& options)
    {
        return m_exports->exportAllCharts(path, options);
    }
    // .npy in the smallest integer dtype, for every scheme (fp16/bf16 and low-bit formats: their
    // bit patterns or table indices), the same file as the CLI's --codes.
    bool exportCodes(const QString& path) { return exportData(DataExport::Codes, path); }
    bool exportDequantized(const QString& path) // .npy float32
    {
        return exportData(DataExport::Dequantized, path);
    }
    // index, original, code, dequantized, error
    bool exportCsv(const QString& path) { return exportData(DataExport::Table, path); }
    // JSON report (same as the CLI)
    bool exportReport(const QString& path) { return exportData(DataExport::Report, path); }
    bool exportData(DataExport what, const QString& path)
    {
        return m_exports->exportData(what, path);
    }
    void copyChartToClipboard() { m_exports->copyChartToClipboard(); }

    // State for tests and tools.
    std::shared_ptr<const Tensor> tensor() const { return m_pipeline->tensor(); }
    std::shared_ptr<const QuantResult> result() const { return m_pipeline->result(); }
    // The chart shown in that tab (built now if out of date).
    QChart* chart(ChartKind kind) { return m_tabs->chart(kind); }
    QString lastError() const { return m_status->lastError(); }
    // An error in the status line and, with message boxes on, a window-modal box.
    void showError(const QString& message) { m_status->showError(message, true); }
    bool isBusy() const { return m_pipeline->jobsBusy() || m_tabs->isBusy(); }
    // True when no job is pending or running and the shown result matches the controls.
    bool isIdle() const { return !isBusy() && !m_pipeline->changePending(); }
    NumbersPanel* numbersPanel() const { return m_numbers; }
    QuantPanel* quantPanel() const { return m_quant; }
    SourcePanel* sourcePanel() const { return m_source; }
    // The columns beside the tabs: shown or collapsed, kept in the settings.
    SidePanels& sidePanels() const { return *m_panels; }
    SliceTable* sliceTable() const { return m_tabs->sliceTable(); }
    // The centre: the view selector and the page it shows.
    ViewSelector* viewSelector() const { return m_tabs->selector(); }
    // Milliseconds from the first control change of a burst to the visible chart refreshed.
    double lastLatencyMs() const { return m_pipeline->lastLatencyMs(); }
    // GUI-thread milliseconds spent on the last result (numbers, table, visible chart) and on
    // the last chart build alone.
    double lastResultGuiMs() const { return m_pipeline->lastResultGuiMs(); }
    double lastChartBuildMs() const { return m_tabs->lastChartBuildMs(); }

    // ---- Teaching ----
    // The views after the charts, pages of the view selector: number line, sweep, clipping,
    // compare, worked example, image, integer math, fp16 pitfalls. Only the visible one is
    // recomputed on a new result; the others are marked out of date.
    QList<AnalysisView*> analysisViews() const { return m_tabs->analysisViews(); }
    // By viewName(), e.g. "image".
    AnalysisView* analysisView(const QString& name) const { return m_tabs->analysisView(name); }
    // nullptr on a chart tab
    AnalysisView* currentAnalysisView() const { return m_tabs->currentAnalysisView(); }
    // Chart kind names, then view names, in tab order.
    QStringList tabNames() const { return m_tabs->tabNames(); }
    // false for an unknown name
    bool setCurrentTab(const QString& name) { return m_tabs->setCurrentTab(name); }
    QString currentTabName() const { return m_tabs->currentTabName(); }
    // Waits (event loop) until the visible view finished computing; false on timeout.
    bool waitForView(int timeoutMs) { return m_tabs->waitForView(timeoutMs); }
    // Exports a tab by name (charts too) as PNG/SVG/PDF: the view's charts, else its widget.
    bool exportView(const QString& name, const QString& path, const ExportOptions& options)
    {
        return m_exports->exportView(name, path, options);
    }
    // Clicking a point of the values chart: the worked example of that element.
    void showWorkedExample(int64_t index) { m_tabs->showWorkedExample(index); }
    // Lessons: a built-in id or a lesson file; applying sets the tensor, every control and the
    // chart, and shows the lesson panel above the tabs.
    bool openLesson(const QString& nameOrPath) { return m_lessons->openLesson(nameOrPath); }
    void applyLesson(const Lesson& lesson, int step = 0) { m_lessons->applyLesson(lesson, step); }
    void applyLessonStep(int step) { m_lessons->applyStep(step); }
    void closeLesson() { m_lessons->close(); }
    LessonPanel* lessonPanel() const { return m_lessons->panel(); }
    // Presentation mode: large fonts, thick lines, high contrast, only bits/scheme/range.
    void setPresentationMode(bool on) { m_presentation->set(on); }
    bool presentationMode() const { return m_presentation->isOn(); }
    // The palette's style, thick and large when presenting.
    ChartStyle chartStyle() const { return m_tabs->chartStyle(); }

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
    void buildParts();
    QSplitter* buildUi();
    QSplitter* buildControlsColumn();
    QWidget* buildNumbersColumn();
    void connectParts();
    WindowParts parts();
    void buildMenus();
    void buildFileMenu();
    void buildQuantizeMenu();
    void buildViewMenu();
    void addViewSelectorActions(QMenu* view);
    void buildTeaching(QSplitter* columns);
    Session restoreSettings();
    void onBusyChanged(bool busy);
    void onResultReplaced(const JobOutputPtr& output);
    void onResultFailed(const QString& message);
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();

    Options m_options;
    // The parts, made in this order and destroyed before the widgets they use.
    std::unique_ptr<WindowStatus> m_status;
    std::unique_ptr<ResultPipeline> m_pipeline;
    std::unique_ptr<WindowTabs> m_tabs;
    std::unique_ptr<ExportController> m_exports;
    std::unique_ptr<SourceController> m_sourceControl;
    std::unique_ptr<LessonController> m_lessons;
    std::unique_ptr<PresentationMode> m_presentation;
    std::unique_ptr<SessionController> m_sessions;
    // The panels around the tabs.
    SourcePanel* m_source = nullptr;
    QuantPanel* m_quant = nullptr;
    NumbersPanel* m_numbers = nullptr;
    SidePanels* m_panels = nullptr; // the collapsible columns beside the tabs
    QMenu* m_recentMenu = nullptr;
};

} // namespace qs::ui
