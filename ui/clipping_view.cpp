#include "ui/clipping_view.h"

#include "ui/teach_charts.h"

#include <QChart>
#include <QChartView>
#include <QFutureWatcher>
#include <QLabel>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace qs::ui {

namespace {

struct CurveOutcome {
    std::shared_ptr<ClippingCurve> curve;
    QString error;
    bool cancelled = false;
};

ChartStyle viewStyle(bool presentation)
{
    ChartStyle st = ChartStyle::fromPalette();
    if (presentation) {
        st.fontScale = 1.8;
        st.lineWidth = 3;
    }
    return st;
}

void replaceChart(QChartView* view, QChart* chart)
{
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace

ClippingView::ClippingView(QWidget* parent) : AnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_status = new QLabel(tr("No result yet."), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_view = new QChartView(new QChart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    layout->addWidget(m_view, 1);
}

ClippingView::~ClippingView()
{
    if (m_cancel)
        m_cancel->cancel();
}

void ClippingView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                               std::shared_ptr<const QuantResult> result)
{
    if (m_cancel)
        m_cancel->cancel();
    m_cancel.reset();
    m_tensor = std::move(tensor);
    m_result = std::move(result);
    m_curve.reset();
    const int generation = ++m_generation;
    if (!m_tensor || !m_result) {
        m_computing = false;
        m_status->setText(tr("No result yet."));
        rebuildChart();
        emit viewUpdated();
        return;
    }
    if (!m_result->config.isInteger()) {
        m_computing = false;
        m_status->setText(tr("The clipping curve needs an integer scheme: %1 does not clip.")
                              .arg(QString::fromStdString(toName(m_result->config.scheme))));
        rebuildChart();
        emit viewUpdated();
        return;
    }
    auto token = std::make_shared<CancelToken>();
    m_cancel = token;
    m_computing = true;
    m_status->setText(tr("computing\u2026 (MSE at 150 clipping thresholds)"));
    rebuildChart();
    const QuantConfig config = m_result->config;
    const std::shared_ptr<const Tensor> t = m_tensor;
    auto* watcher = new QFutureWatcher<CurveOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        const CurveOutcome out = watcher->result();
        m_computing = false;
        if (out.cancelled)
            return;
        m_curve = out.curve;
        if (!out.error.isEmpty())
            m_status->setText(out.error);
        else
            m_status->setText(
                tr("%1 values%2; %3 clipping; parameters per tensor")
                    .arg(m_curve->elementsUsed)
                    .arg(m_curve->subsampled ? tr(" (every k-th value of the tensor)") : QString())
                    .arg(m_curve->symmetric ? tr("symmetric [-amax, amax]")
                                            : tr("asymmetric, shrunk toward the median")));
        rebuildChart();
        emit viewUpdated();
    });
    watcher->setFuture(QtConcurrent::run([t, config, token] {
        CurveOutcome out;
        try {
            out.curve = std::make_shared<ClippingCurve>(clippingCurve(*t, config, {}, token.get()));
        } catch (const Cancelled&) {
            out.cancelled = true;
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
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
    replaceChart(m_view, buildClippingChart(*m_curve, viewStyle(m_presentation), sub));
}

QChart* ClippingView::chart() const
{
    return m_curve ? m_view->chart() : nullptr;
}

QString ClippingView::statusText() const
{
    return m_status->text();
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
