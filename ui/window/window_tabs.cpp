#include "ui/window/window_tabs.h"

#include "core/analysis/block_anatomy.h"
#include "ui/panels/slice_table.h"
#include "ui/views/block_inspector_view.h"
#include "ui/views/clipping_view.h"
#include "ui/views/compare_view.h"
#include "ui/views/float_pitfalls_view.h"
#include "ui/views/image_view.h"
#include "ui/views/int_matmul_view.h"
#include "ui/views/number_line_view.h"
#include "ui/views/sweep_view.h"
#include "ui/views/worked_example_view.h"
#include "ui/window/chart_tab.h"
#include "ui/window/index_zoom.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/view_selector.h"
#include "ui/window/window_status.h"

#include <QChart>
#include <QChartView>
#include <QEventLoop>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QXYSeries>

#include <cmath>

namespace qs::ui {

// ---- the tabs --------------------------------------------------------------------------------

WindowTabs::WindowTabs(ResultPipeline& pipeline, WindowStatus& status)
    : m_pipeline(pipeline), m_status(status), m_selector(new ViewSelector),
      m_zoom(new IndexZoom(*this, pipeline))
{
    connect(m_selector, &ViewSelector::currentChanged, this, &WindowTabs::refreshVisible);
    connect(&m_pipeline, &ResultPipeline::dataChanged, this, [this] {
        // Prepared data points at the old tensor and result by address; a recycled result may
        // come back at the same address with other contents, so none of it may be used any more.
        for (ChartTab* tab : m_chartTabs)
            tab->dropPrepared();
    });
}

WindowTabs::~WindowTabs() = default;

void WindowTabs::addChartTabs()
{
    for (ChartKind kind : allChartKinds()) {
        ChartTab* tab = addChartTab(kind);
        m_selector->addPage(ViewGroup::Explore, tab->name(), tab->widget(), tab->label(),
                            tab->title());
        m_pages.push_back(tab);
        m_chartTabs.push_back(tab);
    }
}

struct WindowTabs::SpinControl {
    QSpinBox** spin;
    const char* objectName;
    int minimum, maximum, value;
    QString label, toolTip;
};

ChartTab* WindowTabs::addChartTab(ChartKind kind)
{
    auto* tab = new ChartTab(kind, *this);
    if (kind == ChartKind::Values || kind == ChartKind::Codes) {
        tab->view()->setRubberBand(QChartView::HorizontalRubberBand);
        if (kind == ChartKind::Values)
            tab->setPage(m_zoom->valuesPage(*tab));
        tab->view()->setToolTip(tr("Drag to zoom into an index range (re-sampled at full detail); "
                                   "right-click to zoom out; Ctrl+0 shows everything. Click a "
                                   "point: its block in the Block inspector (block schemes) or "
                                   "its worked example."));
    } else if (kind == ChartKind::Histogram) {
        tab->setPage(controlsPage(
            *tab, {{&m_valueBins, "valueBinsSpin", 8, 4096, 256, tr("Bins"),
                    tr("Number of bins of the value histogram.")},
                   {&m_slice, "sliceSpin", 0, 0, 0, tr("Grid of slice"),
                    tr("Per channel / group: the slice whose quantization grid and clipping "
                       "bounds are drawn (also: double-click a row of the slice table).")}}));
    } else if (kind == ChartKind::ErrorHistogram) {
        tab->setPage(controlsPage(*tab, {{&m_errorBins, "errorBinsSpin", 5, 2001, 101, tr("&Bins"),
                                          tr("Number of bins of the error histogram.")}}));
    } else if (kind == ChartKind::Channels) {
        tab->setPage(channelsPage(*tab));
    }
    return tab;
}

// The chart below a row of labelled spin boxes; changing one rebuilds the chart.
QWidget* WindowTabs::controlsPage(ChartTab& tab, std::initializer_list<SpinControl> controls)
{
    auto* page = new QWidget;
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(6, 4, 6, 0);
    for (const SpinControl& c : controls) {
        auto* spin = *c.spin = new QSpinBox(page);
        spin->setObjectName(QLatin1String(c.objectName));
        spin->setRange(c.minimum, c.maximum);
        spin->setValue(c.value);
        spin->setKeyboardTracking(false);
        spin->setToolTip(c.toolTip);
    }
    bool first = true;
    for (const SpinControl& c : controls) {
        auto* label = new QLabel(c.label, page);
        label->setBuddy(*c.spin);
        if (!first)
            row->addSpacing(12);
        first = false;
        row->addWidget(label);
        row->addWidget(*c.spin);
    }
    row->addStretch(1);
    v->addLayout(row);
    v->addWidget(tab.view(), 1);
    for (const SpinControl& c : controls)
        connect(*c.spin, &QSpinBox::valueChanged, this, [this, kind = tab.kind()] {
            chartTab(kind).markDirty();
            refreshVisible();
        });
    return page;
}

// Chart above, the sortable per-slice table below it (both need the width).
QWidget* WindowTabs::channelsPage(ChartTab& tab)
{
    auto* split = new QSplitter(Qt::Vertical);
    m_sliceTable = new SliceTable(split);
    connect(m_sliceTable, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
        m_slice->setValue(int(m_sliceTable->sliceModel()->sliceAt(i.row())));
        setCurrentChart(ChartKind::Histogram);
    });
    split->addWidget(tab.view());
    split->addWidget(m_sliceTable);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({500, 300});
    return split;
}

void WindowTabs::addViewTabs()
{
    // Each view with its group; the page order (tabNames()) is this list's.
    const std::pair<ViewGroup, AnalysisView*> views[] = {
        {ViewGroup::Understand, new NumberLineView},
        {ViewGroup::Compare, new SweepView},
        {ViewGroup::Compare, new ClippingView},
        {ViewGroup::Compare, new CompareView},
        {ViewGroup::Understand, new WorkedExampleView},
        {ViewGroup::Understand, new BlockInspectorView},
        {ViewGroup::Modes, new ImageView},
        {ViewGroup::Modes, new IntMatmulView},
        {ViewGroup::Modes, new FloatPitfallsView},
    };
    for (const auto& [group, v] : views) {
        v->setObjectName(QStringLiteral("view-") + v->viewName());
        m_viewTabs.push_back(std::make_unique<ViewTab>(v, *this));
        m_pages.push_back(m_viewTabs.back().get());
        m_selector->addPage(group, v->viewName(), v, v->viewTitle(), v->viewTitle());
        connect(v, &AnalysisView::configRequested, this, &WindowTabs::configRequested);
        connect(v, &AnalysisView::viewUpdated, this, [this, v] {
            if (v == currentAnalysisView())
                m_viewPending = false;
        });
    }
}

void WindowTabs::releaseCharts()
{
    for (ChartTab* tab : m_chartTabs)
        tab->releaseChart();
}

// ---- the basic charts ------------------------------------------------------------------------

TabPage* WindowTabs::currentPage() const
{
    const int i = m_selector->currentIndex();
    return i >= 0 && i < int(m_pages.size()) ? m_pages[size_t(i)] : nullptr;
}

ChartKind WindowTabs::currentChart() const
{
    const auto* tab = dynamic_cast<const ChartTab*>(currentPage());
    return tab ? tab->kind() : ChartKind::Values;
}

void WindowTabs::setCurrentChart(ChartKind kind)
{
    for (int i = 0; i < int(m_pages.size()); ++i)
        if (const auto* tab = dynamic_cast<const ChartTab*>(m_pages[size_t(i)]))
            if (tab->kind() == kind)
                m_selector->setCurrentIndex(i);
}

ChartTab& WindowTabs::chartTab(ChartKind kind)
{
    for (ChartTab* tab : m_chartTabs)
        if (tab->kind() == kind)
            return *tab;
    return *m_chartTabs.front();
}

QChart* WindowTabs::chart(ChartKind kind)
{
    ChartTab& tab = chartTab(kind);
    tab.rebuild(true);
    return tab.chart();
}

ChartInput WindowTabs::chartInput(ChartKind kind) const
{
    ChartInput in;
    in.tensor = m_pipeline.tensor().get();
    in.result = m_pipeline.result().get();
    if (kind == ChartKind::Values || kind == ChartKind::Codes) {
        in.viewBegin = m_zoom->begin();
        in.viewEnd = m_zoom->end();
    }
    in.errorBins = m_errorBins ? m_errorBins->value() : 101;
    in.valueBins = m_valueBins ? m_valueBins->value() : 256;
    if (m_slice && in.result)
        in.slice = std::min<int64_t>(m_slice->value(), in.result->params.numSlices() - 1);
    return in;
}

ChartStyle WindowTabs::chartStyle() const
{
    ChartStyle s = ChartStyle::fromPalette();
    if (m_presentation) {
        s.fontScale = 1.8;
        s.lineWidth = 3.5;
    }
    return s;
}

JobRunner::ChartPreparer WindowTabs::visibleChartPreparer(bool newTensor) const
{
    const auto* tab = dynamic_cast<const ChartTab*>(currentPage());
    if (!tab)
        return {};
    const ChartKind kind = tab->kind();
    ChartInput input = chartInput(kind);
    if (newTensor) { // a new tensor starts unzoomed
        input.viewBegin = 0;
        input.viewEnd = -1;
    }
    const int64_t slice = m_slice ? m_slice->value() : 0;
    return [kind, input, slice](const Tensor& t, const QuantResult& r) {
        ChartInput in = input;
        in.tensor = &t;
        in.result = &r;
        in.slice = std::min<int64_t>(slice, r.params.numSlices() - 1);
        return std::make_shared<const ChartData>(prepareChartData(kind, in));
    };
}

int WindowTabs::errorBins() const
{
    return m_errorBins->value();
}

void WindowTabs::setErrorBins(int bins)
{
    m_errorBins->setValue(bins);
}

int WindowTabs::valueBins() const
{
    return m_valueBins->value();
}

void WindowTabs::setBinsQuietly(int errorBins, int valueBins)
{
    QSignalBlocker block(m_errorBins);
    m_errorBins->setValue(errorBins);
    QSignalBlocker blockValues(m_valueBins);
    m_valueBins->setValue(valueBins);
}

void WindowTabs::showAllIndices()
{
    m_zoom->showAll();
}

void WindowTabs::markChartsDirty()
{
    for (ChartTab* tab : m_chartTabs)
        tab->markDirty();
}

void WindowTabs::chartInstalled(ChartTab& tab)
{
    m_zoom->watch(tab);
    if (tab.kind() == ChartKind::Values)
        connectValueClicks(tab.chart());
    if (tab.kind() == currentChart()) {
        m_pipeline.chartShown();
        emit chartsRefreshed();
    }
}

// Clicking a point of the values chart opens the element's block in the block inspector (block
// schemes) or its worked example.
void WindowTabs::connectValueClicks(QChart* chart)
{
    for (QAbstractSeries* s : chart->series())
        if (auto* xy = qobject_cast<QXYSeries*>(s))
            connect(xy, &QXYSeries::clicked, this,
                    [this](const QPointF& p) { showElementDetail(int64_t(std::llround(p.x()))); });
}

void WindowTabs::showElementDetail(int64_t index)
{
    auto* inspector =
        qobject_cast<BlockInspectorView*>(analysisView(QStringLiteral("block-inspector")));
    const auto& result = m_pipeline.result();
    if (!inspector || !result || !m_pipeline.tensor() || !hasBlockAnatomy(result->config)) {
        showWorkedExample(index);
        return;
    }
    setCurrentTab(inspector->viewName()); // brings it up to date first
    inspector->showElement(std::clamp<int64_t>(index, 0, m_pipeline.tensor()->numel() - 1));
}

// ---- every tab -------------------------------------------------------------------------------

QStringList WindowTabs::tabNames() const
{
    QStringList names;
    for (const TabPage* page : m_pages)
        names << page->name();
    return names;
}

bool WindowTabs::setCurrentTab(const QString& name)
{
    for (const auto& tab : m_viewTabs)
        if (tab->name() == name) {
            m_selector->setCurrentWidget(tab->widget());
            return true;
        }
    try {
        setCurrentChart(chartKindFromName(name));
        return true;
    } catch (const Error&) {
        return false;
    }
}

QString WindowTabs::currentTabName() const
{
    if (AnalysisView* v = currentAnalysisView())
        return v->viewName();
    return chartKindName(currentChart());
}

void WindowTabs::selectTab(int index) const
{
    m_selector->setCurrentIndex(index);
}

void WindowTabs::nextTab()
{
    m_selector->next();
}

void WindowTabs::previousTab()
{
    m_selector->previous();
}

void WindowTabs::refreshVisible()
{
    if (TabPage* page = currentPage())
        page->refresh();
}

// ---- the analysis views ----------------------------------------------------------------------

QList<AnalysisView*> WindowTabs::analysisViews() const
{
    QList<AnalysisView*> out;
    for (const auto& tab : m_viewTabs)
        out << tab->view();
    return out;
}

AnalysisView* WindowTabs::analysisView(const QString& name) const
{
    for (const auto& tab : m_viewTabs)
        if (tab->name() == name)
            return tab->view();
    return nullptr;
}

AnalysisView* WindowTabs::currentAnalysisView() const
{
    const auto* tab = dynamic_cast<const ViewTab*>(currentPage());
    return tab ? tab->view() : nullptr;
}

ViewTab* WindowTabs::viewTab(AnalysisView* view) const
{
    for (const auto& tab : m_viewTabs)
        if (tab->view() == view)
            return tab.get();
    return nullptr;
}

bool WindowTabs::waitForView(int timeoutMs)
{
    if (auto* tab = dynamic_cast<ViewTab*>(currentPage()))
        tab->refresh();
    if (!currentAnalysisView() || !m_viewPending)
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(currentAnalysisView(), &AnalysisView::viewUpdated, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    while (m_viewPending && timer.isActive())
        loop.exec();
    // A view can still be computing (image compression also computes when its own controls
    // change).
    while (currentAnalysisView()->isComputing() && timer.isActive())
        loop.exec();
    return !m_viewPending;
}

void WindowTabs::waitForViewUpdated(AnalysisView* v)
{
    ViewTab* tab = viewTab(v);
    if (!tab->isDirty() && !(v == currentAnalysisView() && m_viewPending) && !v->isComputing())
        return;
    bool updated = false;
    QEventLoop loop;
    const QMetaObject::Connection c = connect(v, &AnalysisView::viewUpdated, &loop, [&] {
        updated = true;
        loop.quit();
    });
    tab->update();
    QTimer timeout;
    timeout.setSingleShot(true);
    connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(60000);
    while ((!updated || v->isComputing()) && timeout.isActive()) {
        updated = updated && !v->isComputing();
        if (!updated)
            loop.exec();
    }
    disconnect(c);
    if (v == currentAnalysisView())
        m_viewPending = false;
}

void WindowTabs::showWorkedExample(int64_t index)
{
    auto* v = qobject_cast<WorkedExampleView*>(analysisView(QStringLiteral("worked-example")));
    if (!v || !m_pipeline.tensor())
        return;
    setCurrentTab(v->viewName()); // brings it up to date first
    v->showElement(std::clamp<int64_t>(index, 0, m_pipeline.tensor()->numel() - 1));
}

// ---- the current result ----------------------------------------------------------------------

void WindowTabs::takeResult(const JobOutputPtr& out)
{
    const std::shared_ptr<const QuantResult>& result = m_pipeline.result();
    {
        QSignalBlocker block(m_slice);
        m_slice->setMaximum(int(std::max<int64_t>(0, result->params.numSlices() - 1)));
        m_slice->setEnabled(result->params.numSlices() > 1);
    }
    // The slice table takes the result in the next round of the event loop: with half a million
    // groups its header takes a while, which need not add to this handler's stretch.
    m_tablePending = true;
    QTimer::singleShot(0, this, [this, shown = std::weak_ptr<const QuantResult>(result)] {
        if (!m_tablePending || shown.lock() != m_pipeline.result())
            return; // a newer result (or none) came meanwhile and scheduled its own
        m_tablePending = false;
        m_sliceTable->setResult(m_pipeline.result());
    });
    for (TabPage* page : m_pages)
        page->markDirty();
    if (out->chart)
        chartTab(out->chart->kind).setPrepared(out->chart);
    refreshVisible();
}

void WindowTabs::clearResult()
{
    m_tablePending = false;
    m_sliceTable->setResult(nullptr);
    markChartsDirty();
    refreshVisible();
}

bool WindowTabs::isBusy() const
{
    return m_tablePending || m_zoom->isBusy() ||
           std::any_of(m_chartTabs.begin(), m_chartTabs.end(),
                       [](const ChartTab* tab) { return tab->isPreparing(); });
}

void WindowTabs::setPresentation(bool on)
{
    m_presentation = on;
    m_selector->setCompact(on);
    for (const auto& tab : m_viewTabs)
        tab->view()->setPresentationMode(on);
}

QString WindowTabs::lastError() const
{
    return m_status.lastError();
}

} // namespace qs::ui
