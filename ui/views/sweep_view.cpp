#include "ui/views/sweep_view.h"

#include "ui/charts/teaching/teach_charts.h"
#include "ui/views/view_job.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QVBoxLayout>

namespace qs::ui {

SweepView::SweepView(QWidget* parent) : BackgroundAnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_status = addStatusLabel(layout, this, tr("No result yet."));
    auto* charts = new ChartPair(this);
    m_sqnr = charts->first();
    m_mse = charts->second();
    layout->addWidget(charts, 1);
}

void SweepView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                            std::shared_ptr<const QuantResult> result)
{
    startJob(
        std::move(tensor), std::move(result),
        tr("The bit-width sweep needs an integer scheme: %1 has no bit width."),
        tr("computing\u2026 (bits 1\u201316, four range methods)"), m_sweep,
        [](const Tensor& t, const QuantConfig& config, CancelToken* c) {
            return bitWidthSweep(t, config, {}, c);
        },
        [this](const Sweep& sweep) {
            return tr("%1 values%2; reference line through %3 bits (%4 dB)")
                .arg(sweep.elementsUsed)
                .arg(sweep.subsampled ? tr(" (every k-th value of the tensor)") : QString())
                .arg(sweep.anchorBits)
                .arg(sweep.anchorDb, 0, 'f', 2);
        });
}

void SweepView::rebuildCharts()
{
    if (!m_sweep) {
        replaceChart(m_sqnr, new QChart);
        replaceChart(m_mse, new QChart);
        return;
    }
    const ChartStyle st = viewChartStyle(m_presentation);
    const QString sub = QStringLiteral("%1 \u2014 %2")
                            .arg(QString::fromStdString(m_tensor->name),
                                 QString::fromStdString(m_result->config.summary()));
    replaceChart(m_sqnr, buildSweepSqnrChart(*m_sweep, st, sub));
    replaceChart(m_mse, buildSweepMseChart(*m_sweep, st, sub));
}

QChart* SweepView::sqnrChart() const
{
    return m_sweep ? m_sqnr->chart() : nullptr;
}

QChart* SweepView::mseChart() const
{
    return m_sweep ? m_mse->chart() : nullptr;
}

QList<QChart*> SweepView::exportCharts()
{
    if (!m_sweep)
        return {};
    return {m_sqnr->chart(), m_mse->chart()};
}

void SweepView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on);
    rebuildCharts();
}

} // namespace qs::ui
