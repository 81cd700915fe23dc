#include "ui/views/number_line_view.h"

#include "core/base/error.h"
#include "ui/views/view_job.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qs::ui {

NumberLineView::NumberLineView(QWidget* parent) : AnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_sliceLabel = new QLabel(tr("Slice:"), this);
    m_slice = new QSpinBox(this);
    m_slice->setToolTip(tr("Slice whose grid and samples are drawn"));
    top->addWidget(m_sliceLabel);
    top->addWidget(m_slice);
    top->addStretch(1);
    layout->addLayout(top);
    m_message = addStatusLabel(layout, this);
    m_view = newChartView(this);
    layout->addWidget(m_view, 1);
    m_sliceLabel->hide();
    m_slice->hide();
    m_message->hide();
    connect(m_slice, &QSpinBox::valueChanged, this, [this] { rebuild(); });
}

NumberLineView::~NumberLineView() = default;

void NumberLineView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                                 std::shared_ptr<const QuantResult> result)
{
    m_tensor = std::move(tensor);
    m_result = std::move(result);
    const int64_t slices = m_result ? m_result->params.numSlices() : 1;
    {
        const QSignalBlocker block(m_slice);
        m_slice->setRange(0, static_cast<int>(std::max<int64_t>(0, slices - 1)));
        if (m_slice->value() >= slices)
            m_slice->setValue(0);
    }
    m_slice->setVisible(slices > 1);
    m_sliceLabel->setVisible(slices > 1);
    rebuild();
}

void NumberLineView::rebuild()
{
    m_data = NumberLineData();
    if (!m_tensor || !m_result) {
        replaceChart(m_view, new QChart);
        m_message->setText(tr("No result yet."));
        m_message->show();
        emit viewUpdated();
        return;
    }
    try {
        m_data = prepareNumberLine(*m_tensor, *m_result, m_slice->value());
        replaceChart(m_view, buildNumberLineChart(m_data, viewChartStyle(m_presentation)));
        m_message->hide();
    } catch (const Error& e) {
        replaceChart(m_view, new QChart);
        m_data = NumberLineData();
        m_message->setText(QString::fromStdString(e.what()));
        m_message->show();
    }
    emit viewUpdated();
}

QChart* NumberLineView::chart() const
{
    return m_data.grid.empty() ? nullptr : m_view->chart();
}

QList<QChart*> NumberLineView::exportCharts()
{
    if (QChart* c = chart())
        return {c};
    return {};
}

void NumberLineView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on);
    rebuild();
}

} // namespace qs::ui
