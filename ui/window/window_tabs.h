// WindowTabs: the pages of the window's centre, shown one at a time by a ViewSelector: in
// order the basic charts (ChartTab, the Explore group) and the analysis views (ViewTab, each
// in its group), with the controls the charts share: the zoom window of the
// index charts, the bin counts, the slice whose grid is drawn and the slice table. A new result
// marks every tab out of date and brings the visible one up to date; the others follow when
// they are shown.
#pragma once

#include "ui/charts/charts.h"
#include "ui/jobs/job_runner.h"

#include <QObject>

#include <initializer_list>

#include <memory>
#include <vector>

class QChart;
class QSpinBox;

namespace qs::ui {

class AnalysisView;
class ChartTab;
class IndexZoom;
class ResultPipeline;
class SliceTable;
class TabPage;
class ViewSelector;
class ViewTab;
class WindowStatus;

class WindowTabs : public QObject {
    Q_OBJECT
public:
    WindowTabs(ResultPipeline& pipeline, WindowStatus& status);
    ~WindowTabs() override;

    ViewSelector* selector() const { return m_selector; }
    void addChartTabs(); // the five basic charts with their controls
    void addViewTabs();  // the analysis views after them
    // Window teardown: every chart view lets go of its chart.
    void releaseCharts();

    // ---- the basic charts
    ChartKind currentChart() const; // Values on a view's tab
    void setCurrentChart(ChartKind kind);
    ChartTab& chartTab(ChartKind kind);
    QChart* chart(ChartKind kind); // built now if out of date
    ChartInput chartInput(ChartKind kind) const;
    ChartStyle chartStyle() const; // the palette's style, thick and large when presenting
    // The reduction of the visible chart's data for a job about to start (empty on a view).
    JobRunner::ChartPreparer visibleChartPreparer(bool newTensor) const;
    int errorBins() const;
    void setErrorBins(int bins);
    int valueBins() const;
    void setBinsQuietly(int errorBins, int valueBins); // applying a session
    void showAllIndices();
    IndexZoom& indexZoom() const { return *m_zoom; }
    SliceTable* sliceTable() const { return m_sliceTable; }
    void markChartsDirty();

    // ---- every tab
    QStringList tabNames() const; // chart kind names, then view names, in tab order
    bool setCurrentTab(const QString& name);
    QString currentTabName() const;
    void selectTab(int index) const;
    const std::vector<TabPage*>& pages() const { return m_pages; }
    void nextTab(); // in the selector's order, group by group
    void previousTab();
    void refreshVisible();

    // ---- the analysis views
    QList<AnalysisView*> analysisViews() const;
    AnalysisView* analysisView(const QString& name) const;
    AnalysisView* currentAnalysisView() const; // nullptr on a chart tab
    bool waitForView(int timeoutMs);
    // Brings a view up to date (it may never have been shown) and waits for views that compute
    // on a worker thread.
    void waitForViewUpdated(AnalysisView* view);
    void showWorkedExample(int64_t index);
    // A clicked element: its block in the block inspector, or its worked example.
    void showElementDetail(int64_t index);

    // ---- the current result
    void takeResult(const JobOutputPtr& output);
    void clearResult();
    bool isBusy() const; // a chart being prepared, a zoom or the slice table pending

    void setPresentation(bool on);
    bool presentation() const { return m_presentation; }
    double lastChartBuildMs() const { return m_lastChartBuildMs; }

    // For ChartTab and ViewTab.
    const ResultPipeline& pipeline() const { return m_pipeline; }
    QString lastError() const;
    void chartBuilt(double ms) { m_lastChartBuildMs = ms; }
    void chartInstalled(ChartTab& tab);
    void viewUpdateStarted() { m_viewPending = true; }

signals:
    void chartsRefreshed(); // the visible chart was (re)built
    void configRequested(const qs::QuantConfig& config);

private:
    struct SpinControl;
    ChartTab* addChartTab(ChartKind kind);
    QWidget* controlsPage(ChartTab& tab, std::initializer_list<SpinControl> controls);
    QWidget* channelsPage(ChartTab& tab);
    void connectValueClicks(QChart* chart);
    ViewTab* viewTab(AnalysisView* view) const;
    TabPage* currentPage() const;

    ResultPipeline& m_pipeline;
    WindowStatus& m_status;
    ViewSelector* m_selector;
    std::vector<TabPage*> m_pages; // in tab order
    std::vector<std::unique_ptr<ViewTab>> m_viewTabs;
    std::vector<ChartTab*> m_chartTabs;
    QSpinBox* m_errorBins = nullptr;
    QSpinBox* m_valueBins = nullptr;
    QSpinBox* m_slice = nullptr; // histogram: slice whose grid is drawn
    SliceTable* m_sliceTable = nullptr;
    IndexZoom* m_zoom;           // the index window of the values and codes charts
    bool m_tablePending = false; // the slice table is yet to take the result
    bool m_viewPending = false;  // the visible view has not reported viewUpdated yet
    bool m_presentation = false;
    double m_lastChartBuildMs = 0;
};

} // namespace qs::ui
