// ChartTab: one of the five basic charts as a tab: its QChartView, the page around it, and the
// rebuild of its chart from the current result. Qt Charts is not thread-safe (it keeps static
// text items for measuring), so charts are built on the GUI thread; the data they draw is
// reduced on a worker for big tensors (or by the job itself for the visible chart) and the chart
// is built when it arrives. Charts copy the (downsampled) data they show: no tensor or result
// is kept alive by a chart.
#pragma once

#include "ui/charts/charts.h"
#include "ui/window/tab_page.h"

#include <QObject>

#include <memory>

class QChart;
class QChartView;

namespace qs::ui {

class ChartTab : public QObject, public TabPage {
    Q_OBJECT
public:
    ChartTab(ChartKind kind, WindowTabs& tabs);

    ChartKind kind() const { return m_kind; }
    QString name() const override;
    QString label() const override;
    QString title() const override;
    QWidget* widget() const override { return m_page; }
    void setPage(QWidget* page) { m_page = page; } // a page holding view() and its controls
    QChartView* view() const { return m_view; }
    QChart* chart() const { return m_chart; }

    void refresh() override { rebuild(false); }
    // Rebuilds the chart if it is out of date; `wait`: at once on the GUI thread, even for a
    // big tensor.
    void rebuild(bool wait);
    // Data reduced off the GUI thread for the next rebuild (used only if it still matches the
    // tab's chart input; it points at the pipeline's tensor and result by address, so it is
    // dropped whenever they change).
    void setPrepared(std::shared_ptr<const ChartData> data) { m_prepared = std::move(data); }
    void dropPrepared() { m_prepared.reset(); }
    bool isPreparing() const { return m_preparing; }
    // Window teardown: the view lets go of the chart, which is deleted now.
    void releaseChart();

private:
    void prepareAsync(const ChartInput& input);
    void install(QChart* chart);
    QChart* buildFromResult();

    ChartKind m_kind;
    WindowTabs& m_tabs;
    QChartView* m_view;
    QChart* m_chart;
    QWidget* m_page;
    std::shared_ptr<const ChartData> m_prepared;
    bool m_preparing = false;  // a worker is reducing this tab's data
    quint64 m_builtSerial = 0; // the pipeline's serial when the shown chart was built
};

} // namespace qs::ui
