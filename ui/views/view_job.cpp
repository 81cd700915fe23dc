#include "ui/views/view_job.h"

#include "core/config/quant_config.h"

#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QGraphicsScene>
#include <QLabel>

#include <algorithm>
#include <cmath>

namespace qs::ui {

ChartStyle viewChartStyle(bool presentation)
{
    ChartStyle st = ChartStyle::fromPalette();
    if (presentation) {
        st.fontScale = 1.8;
        st.lineWidth = 3;
    }
    return st;
}

namespace {

// QGraphicsView tells its scene that the window was activated whenever the view is shown (and
// deactivated when hidden), and every top-level item then repaints itself for the active or
// inactive palette. Charts draw in colours of their own, so that was a second full paint of the
// chart each time its view was shown (~10 ms for a values chart).
class IgnoreActivation : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::WindowActivate || event->type() == QEvent::WindowDeactivate)
            return true;
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

QChartView* newChartView(QWidget* parent)
{
    auto* view = new QChartView(new QChart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->scene()->installEventFilter(new IgnoreActivation(view));
    return view;
}

QLabel* addStatusLabel(QBoxLayout* layout, QWidget* parent, const QString& text)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    layout->addWidget(label);
    return label;
}

void replaceChart(QChartView* view, QChart* chart)
{
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

ChartPair::ChartPair(QWidget* parent)
    : QWidget(parent), m_layout(new QBoxLayout(QBoxLayout::LeftToRight, this)),
      m_first(newChartView(this)), m_second(newChartView(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->addWidget(m_first, 1);
    m_layout->addWidget(m_second, 1);
}

void ChartPair::resizeEvent(QResizeEvent* event)
{
    const double w = std::max(1, width()), h = std::max(1, height());
    const auto offShape = [](double aspect) { return std::fabs(std::log(aspect / 1.6)); };
    const auto direction = offShape(w / 2 / h) <= offShape(w / (h / 2)) ? QBoxLayout::LeftToRight
                                                                        : QBoxLayout::TopToBottom;
    if (m_layout->direction() != direction)
        m_layout->setDirection(direction);
    QWidget::resizeEvent(event);
}

BackgroundAnalysisView::~BackgroundAnalysisView()
{
    if (m_cancel)
        m_cancel->cancel();
}

QString BackgroundAnalysisView::statusText() const
{
    return m_status->text();
}

std::shared_ptr<CancelToken> BackgroundAnalysisView::restart(
    std::shared_ptr<const Tensor> tensor, std::shared_ptr<const QuantResult> result,
    const QString& notInteger, const QString& computing, int& generation)
{
    if (m_cancel)
        m_cancel->cancel();
    m_cancel.reset();
    m_tensor = std::move(tensor);
    m_result = std::move(result);
    clearValue();
    generation = ++m_generation;
    if (!m_tensor || !m_result || !m_result->config.isInteger()) {
        m_computing = false;
        m_status->setText(m_tensor && m_result ? notInteger.arg(QString::fromStdString(
                                                     toName(m_result->config.scheme)))
                                               : tr("No result yet."));
        rebuild();
        emit viewUpdated();
        return nullptr;
    }
    m_cancel = std::make_shared<CancelToken>();
    m_computing = true;
    m_status->setText(computing);
    rebuild();
    return m_cancel;
}

bool BackgroundAnalysisView::takeOutcome(int generation, bool cancelled)
{
    if (generation != m_generation)
        return false; // a newer request replaced this one
    m_computing = false;
    return !cancelled;
}

} // namespace qs::ui
