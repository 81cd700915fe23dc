#include "ui/window/index_zoom.h"

#include "ui/window/chart_tab.h"
#include "ui/window/overview_strip.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_tabs.h"

#include <QChart>
#include <QChartView>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace qs::ui {

// The strip is worth its height from this many values on: fewer are drawn whole.
constexpr int64_t kOverviewElements = 2000;

IndexZoom::IndexZoom(WindowTabs& tabs, const ResultPipeline& pipeline)
    : QObject(&tabs), m_tabs(tabs), m_pipeline(pipeline)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(20); // a rubber band reports one range; this only merges bursts
    connect(&pipeline, &ResultPipeline::tensorReplaced, this, &IndexZoom::tensorReplaced);
}

QWidget* IndexZoom::valuesPage(ChartTab& tab)
{
    auto* page = new QWidget;
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(0);
    v->addWidget(tab.view(), 1);
    m_strip = new OverviewStrip(page);
    m_strip->hide();
    v->addWidget(m_strip);
    connect(m_strip, &OverviewStrip::windowChosen, this, &IndexZoom::setWindow);
    return page;
}

void IndexZoom::tensorReplaced()
{
    m_begin = 0;
    m_end = -1;
    const auto& tensor = m_pipeline.tensor();
    if (!m_strip)
        return;
    const bool big = tensor && tensor->numel() > kOverviewElements;
    m_strip->setVisible(big);
    m_strip->setTensor(big ? tensor : nullptr);
}

void IndexZoom::setWindow(int64_t begin, int64_t end)
{
    m_timer.stop();
    m_begin = begin;
    m_end = end;
    if (m_strip)
        m_strip->setWindow(begin, end);
    m_tabs.chartTab(ChartKind::Values).markDirty();
    m_tabs.chartTab(ChartKind::Codes).markDirty();
    m_tabs.refreshVisible();
}

void IndexZoom::watch(ChartTab& tab)
{
    if (tab.kind() != ChartKind::Values && tab.kind() != ChartKind::Codes)
        return;
    const auto axes = tab.chart()->axes(Qt::Horizontal);
    if (axes.isEmpty() || !m_pipeline.tensor())
        return;
    auto* axis = qobject_cast<QValueAxis*>(axes.first());
    if (!axis)
        return;
    const ChartKind kind = tab.kind();
    connect(axis, &QValueAxis::rangeChanged, this, [this, kind](qreal lo, qreal hi) {
        if (!m_pipeline.tensor())
            return;
        const int64_t n = m_pipeline.tensor()->numel();
        const int64_t b = std::clamp<int64_t>(int64_t(std::floor(lo)), 0, n);
        const int64_t e = std::clamp<int64_t>(int64_t(std::ceil(hi)) + 1, 0, n);
        if (e - b < 2 || (b == m_begin && e == (m_end < 0 ? n : m_end)))
            return;
        m_timer.disconnect();
        connect(&m_timer, &QTimer::timeout, this, [this, kind, b, e, n] {
            m_begin = b;
            m_end = (b == 0 && e >= n) ? -1 : e;
            if (m_strip)
                m_strip->setWindow(m_begin, m_end);
            m_tabs.chartTab(ChartKind::Values).markDirty();
            m_tabs.chartTab(ChartKind::Codes).markDirty();
            if (m_tabs.currentChart() == kind)
                m_tabs.refreshVisible();
        });
        m_timer.start();
    });
}

bool IndexZoom::isBusy() const
{
    return m_timer.isActive() || (m_strip && m_strip->isReducing());
}

} // namespace qs::ui
