// IndexZoom: the index window [begin, end) that the values and codes charts show, and the ways
// to choose it: a rubber band on either chart, the overview strip under the values chart, the
// View menu's "Show All Indices". A chosen window rebuilds both charts from the full data of
// the window, so the detail is real, not the stretched downsampled overview; a new tensor
// starts unzoomed.
#pragma once

#include <QObject>
#include <QTimer>

#include <cstdint>

class QWidget;

namespace qs::ui {

class ChartTab;
class OverviewStrip;
class ResultPipeline;
class WindowTabs;

class IndexZoom : public QObject {
    Q_OBJECT
public:
    IndexZoom(WindowTabs& tabs, const ResultPipeline& pipeline);

    // The values chart's page: the chart above the overview strip.
    QWidget* valuesPage(ChartTab& tab);
    // Follows the rubber band of an index chart just installed.
    void watch(ChartTab& tab);
    int64_t begin() const { return m_begin; }
    int64_t end() const { return m_end; } // -1: to the end of the tensor
    // Shows [begin, end) (end < 0: to the end) in both index charts.
    void setWindow(int64_t begin, int64_t end);
    void showAll() { setWindow(0, -1); }
    bool isBusy() const; // a window about to be applied, or the strip reducing a tensor
    OverviewStrip* strip() const { return m_strip; }

private:
    void tensorReplaced();

    WindowTabs& m_tabs;
    const ResultPipeline& m_pipeline;
    OverviewStrip* m_strip = nullptr;
    QTimer m_timer;
    int64_t m_begin = 0, m_end = -1;
};

} // namespace qs::ui
