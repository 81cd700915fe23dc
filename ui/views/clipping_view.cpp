#include "ui/views/clipping_view.h"

#include "ui/charts/teaching/teach_charts.h"
#include "ui/views/view_job.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QVBoxLayout>

namespace qs::ui {

ClippingView::ClippingView(QWidget* parent) : BackgroundAnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_status = addStatusLabel(layout, this, tr("No result yet."));
    m_view = newChartView(this);
    layout->addWidget(m_view, 1);
}

void ClippingView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                               std::shared_ptr<const QuantResult> result)
{
    startJob(
        std::move(tensor), std::move(result),
        tr("The clipping curve needs an integer scheme: %1 does not clip."),
        tr("computing\u2026 (MSE at 150 clipping thresholds)"), m_curve,
        [](const Tensor& t, const QuantConfig& config, CancelToken* c) {
            return clippingCurve(t, config, {}, c);
        },
        [this](const ClippingCurve& curve) {
            return tr("%1 values%2; %3 clipping; parameters per tensor")
                .arg(curve.elementsUsed)
                .arg(curve.subsampled ? tr(" (every k-th value of the tensor)") : QString())
                .arg(curve.symmetric ? tr("symmetric [-amax, amax]")
                                     : tr("asymmetric, shrunk toward the median"));
        });
}

void ClippingView::rebuildChart()
{
    if (!m_curve) {
        replaceChart(m_view, new QChart);
        return;
    }
    const QString sub = QStringLiteral("%1 \u2014 %2-bit %3")
                            .arg(QString::fromStdString(m_tensor->name))
                            .arg(m_result->config.bits)
                            .arg(QString::fromStdString(toName(m_result->config.scheme)));
    replaceChart(m_view, buildClippingChart(*m_curve, viewChartStyle(m_presentation), sub));
}

QChart* ClippingView::chart() const
{
    return m_curve ? m_view->chart() : nullptr;
}

QList<QChart*> ClippingView::exportCharts()
{
    if (!m_curve)
        return {};
    return {m_view->chart()};
}

void ClippingView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on);
    rebuildChart();
}

} // namespace qs::ui
