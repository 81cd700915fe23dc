#include "ui/views/worked_example_view.h"

#include "core/base/error.h"
#include "core/teach/worked_example.h"

#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace qs::ui {

WorkedExampleView::WorkedExampleView(QWidget* parent) : AnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Element index:"), this));
    m_index = new QSpinBox(this);
    m_index->setToolTip(tr("Flat (row-major) index of the element; click a point in the values "
                           "chart to pick one"));
    m_index->setRange(0, 0);
    top->addWidget(m_index);
    m_value = new QLabel(this);
    top->addWidget(m_value, 1);
    layout->addLayout(top);
    m_text = new QTextBrowser(this);
    m_text->setOpenLinks(false);
    layout->addWidget(m_text, 1);
    connect(m_index, &QSpinBox::valueChanged, this, [this] { refresh(); });
    setPresentationMode(false);
}

void WorkedExampleView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                                    std::shared_ptr<const QuantResult> result)
{
    m_tensor = std::move(tensor);
    m_result = std::move(result);
    const int64_t n = m_tensor ? m_tensor->numel() : 0;
    const int maxIndex =
        static_cast<int>(std::clamp<int64_t>(n - 1, 0, std::numeric_limits<int>::max()));
    {
        const QSignalBlocker block(m_index);
        m_index->setRange(0, maxIndex);
    }
    refresh();
}

void WorkedExampleView::showElement(int64_t index)
{
    const int64_t n = m_tensor ? m_tensor->numel() : 0;
    const int64_t clamped = std::clamp<int64_t>(index, 0, std::max<int64_t>(0, n - 1));
    {
        const QSignalBlocker block(m_index);
        m_index->setValue(static_cast<int>(std::min<int64_t>(clamped, m_index->maximum())));
    }
    refresh();
    if (clamped != index)
        m_value->setText(tr("index %1 is outside the tensor (0..%2); showing %3")
                             .arg(index)
                             .arg(n - 1)
                             .arg(clamped));
}

int64_t WorkedExampleView::currentIndex() const
{
    return m_index->value();
}

QString WorkedExampleView::html() const
{
    return m_html;
}

QString WorkedExampleView::plainText() const
{
    return m_text->toPlainText();
}

void WorkedExampleView::refresh()
{
    m_value->clear();
    if (!m_tensor || !m_result || m_tensor->numel() == 0) {
        m_html = tr("<p>No result yet.</p>");
    } else {
        try {
            const WorkedExample w = workedExample(*m_tensor, *m_result, m_index->value());
            m_html = QString::fromStdString(workedExampleHtml(w));
            m_value->setText(tr("of %1 (%2)")
                                 .arg(m_tensor->numel())
                                 .arg(QString::fromStdString(m_tensor->name)));
        } catch (const Error& e) {
            m_html = QStringLiteral("<p><b>%1</b></p>")
                         .arg(QString::fromStdString(e.what()).toHtmlEscaped());
        }
    }
    m_text->setHtml(m_html);
    emit viewUpdated();
}

void WorkedExampleView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on);
    QFont f = m_text->font();
    f.setPointSizeF(on ? 22 : 13);
    m_text->document()->setDefaultFont(f);
    m_text->setHtml(m_html);
}

} // namespace qs::ui
