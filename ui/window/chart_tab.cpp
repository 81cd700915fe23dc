#include "ui/window/chart_tab.h"

#include "ui/support/run_async.h"
#include "ui/views/view_job.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_tabs.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QTimer>
#include <QXYSeries>

namespace qs::ui {

namespace {

// From this many elements on, a chart's data (downsampled series, histograms) is reduced on a
// worker thread when a tab, the zoom window, a bin count or the grid's slice changes; smaller
// tensors take well under a millisecond and are drawn at once.
constexpr int64_t kAsyncChartElements = int64_t(1) << 16;
// A chart whose new data takes longer than this is dimmed meanwhile (it shows an older result).
constexpr int kDimStaleChartMs = 120;

// Whether data prepared for `a` draws the chart asked for by `b`.
bool sameInput(const ChartInput& a, const ChartInput& b)
{
    return a.tensor == b.tensor && a.result == b.result && a.viewBegin == b.viewBegin &&
           a.viewEnd == b.viewEnd && a.maxPoints == b.maxPoints && a.valueBins == b.valueBins &&
           a.errorBins == b.errorBins && a.slice == b.slice;
}

struct PreparedChart {
    std::shared_ptr<const ChartData> data;
    QString error; // prepareChartData threw
};

QChart* errorChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    return chart;
}

// Dense series (the min/max envelope of a downsampled tensor, the steps of a histogram or of
// hundreds of channels) are drawn without antialiasing and with 1-pixel pens: the raster
// engine then draws plain lines, several times faster, and a thousand short strokes look the
// same. Sparse series (small tensors, deep zooms) keep antialiasing and their width; exports
// always use both (ui/support/chart_export), and presentation mode keeps its thick pens.
constexpr int kDenseSeriesPoints = 400;

int seriesPoints(const QAbstractSeries* s)
{
    if (const auto* xy = qobject_cast<const QXYSeries*>(s))
        return int(xy->count());
    if (const auto* area = qobject_cast<const QAreaSeries*>(s))
        return int(area->upperSeries()->count());
    return 0;
}

bool hasDenseSeries(const QChart* chart)
{
    for (const QAbstractSeries* s : chart->series())
        if (seriesPoints(s) > kDenseSeriesPoints)
            return true;
    return false;
}

void thinDensePens(QChart* chart)
{
    auto thin = [](QPen pen) {
        if (pen.widthF() > 1)
            pen.setWidthF(1);
        return pen;
    };
    for (QAbstractSeries* s : chart->series()) {
        if (seriesPoints(s) <= kDenseSeriesPoints)
            continue;
        if (auto* xy = qobject_cast<QXYSeries*>(s))
            xy->setPen(thin(xy->pen()));
        else if (auto* area = qobject_cast<QAreaSeries*>(s))
            area->setPen(thin(area->pen()));
    }
}

} // namespace

ChartTab::ChartTab(ChartKind kind, WindowTabs& tabs)
    : QObject(&tabs), m_kind(kind), m_tabs(tabs), m_view(newChartView(nullptr)),
      m_chart(m_view->chart()), m_page(m_view)
{
    m_view->setObjectName(QStringLiteral("chartView-") + chartKindName(kind));
}

QString ChartTab::name() const
{
    return chartKindName(m_kind);
}

QString ChartTab::label() const
{
    // Short tab names keep every tab visible; the chart's own title says it in full.
    static const std::pair<ChartKind, const char*> labels[] = {
        {ChartKind::Values, QT_TR_NOOP("Values")},
        {ChartKind::Codes, QT_TR_NOOP("Codes")},
        {ChartKind::Histogram, QT_TR_NOOP("Histogram")},
        {ChartKind::ErrorHistogram, QT_TR_NOOP("Error")},
        {ChartKind::Convergence, QT_TR_NOOP("Convergence")}};
    for (const auto& [kind, label] : labels)
        if (kind == m_kind)
            return tr(label);
    return tr("Channels");
}

QString ChartTab::title() const
{
    return chartKindTitle(m_kind);
}

void ChartTab::releaseChart()
{
    m_view->setChart(new QChart);
    delete m_chart;
    m_chart = nullptr;
}

void ChartTab::prepareAsync(const ChartInput& input)
{
    if (m_preparing)
        return; // one reduction per tab at a time: its arrival starts the next if needed
    m_preparing = true;
    const ResultPipeline& pipeline = m_tabs.pipeline();
    const quint64 serial = pipeline.serial();
    QTimer::singleShot(kDimStaleChartMs, this, [this, serial] {
        if (m_preparing && m_chart && m_builtSerial != serial &&
            serial == m_tabs.pipeline().serial())
            m_chart->setOpacity(0.35);
    });
    // The worker holds the tensor and result (they stay alive and are not recycled meanwhile).
    std::shared_ptr<const Tensor> tensor = pipeline.tensor();
    std::shared_ptr<const QuantResult> result = pipeline.result();
    const ChartKind kind = m_kind;
    auto work = [tensor, result, kind, input] {
        PreparedChart out;
        try {
            out.data = std::make_shared<const ChartData>(prepareChartData(kind, input));
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    };
    runAsync(this, std::move(work), [this, tensor, result, input](PreparedChart out) mutable {
        m_preparing = false;
        const ResultPipeline& now = m_tabs.pipeline();
        const bool current = tensor == now.tensor() && result == now.result() &&
                             sameInput(input, m_tabs.chartInput(m_kind));
        std::shared_ptr<const ChartData> data = std::move(out.data);
        // Release on a worker if these were the last references (a replaced big tensor).
        releaseLater(std::move(tensor));
        releaseLater(std::move(result));
        if (!m_dirty)
            return; // built meanwhile (chart() builds at once instead of asking a worker)
        if (current && !out.error.isEmpty()) {
            m_dirty = false;
            install(errorChart(tr("Cannot draw this chart: %1").arg(out.error)));
            return;
        }
        if (current)
            m_prepared = std::move(data);
        if (m_kind == m_tabs.currentChart())
            rebuild(false); // builds from the prepared data, or reduces again for new input
    });
}

void ChartTab::rebuild(bool wait)
{
    if (!m_dirty)
        return;
    const ResultPipeline& pipeline = m_tabs.pipeline();
    if (!wait && pipeline.tensor() && pipeline.result() &&
        pipeline.tensor()->numel() >= kAsyncChartElements) {
        const ChartInput input = m_tabs.chartInput(m_kind);
        if (!(m_prepared && sameInput(m_prepared->input, input))) {
            prepareAsync(input);
            return;
        }
    }
    m_dirty = false;
    QElapsedTimer clock;
    clock.start();
    QChart* chart = buildFromResult();
    m_tabs.chartBuilt(double(clock.nsecsElapsed()) / 1e6);
    install(chart);
}

QChart* ChartTab::buildFromResult()
{
    const std::shared_ptr<const ChartData> prepared = std::move(m_prepared);
    m_prepared.reset();
    const ResultPipeline& pipeline = m_tabs.pipeline();
    if (!pipeline.tensor() || !pipeline.result())
        return errorChart(m_tabs.lastError().isEmpty() ? tr("No result") : m_tabs.lastError());
    try {
        const ChartInput input = m_tabs.chartInput(m_kind);
        if (prepared && sameInput(prepared->input, input))
            return buildChart(*prepared, m_tabs.chartStyle());
        return buildChart(m_kind, input, m_tabs.chartStyle());
    } catch (const std::exception& e) {
        return errorChart(tr("Cannot draw this chart: %1").arg(QString::fromStdString(e.what())));
    }
}

void ChartTab::install(QChart* chart)
{
    const bool dense = hasDenseSeries(chart);
    m_view->setRenderHint(QPainter::Antialiasing, !dense);
    if (dense && !m_tabs.presentation())
        thinDensePens(chart);
    QChart* old = m_view->chart();
    m_view->setChart(chart);
    old->deleteLater(); // its destruction needs not lengthen this stretch of the GUI thread
    m_chart = chart;
    m_builtSerial = m_tabs.pipeline().serial();
    m_tabs.chartInstalled(*this);
}

} // namespace qs::ui
