#include "ui/views/model_planner.h"

#include "ui/support/quantity_text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace qs::ui {

ModelPlanner::ModelPlanner(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("modelPlanner"));
    auto* v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("&Budget"), this);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("budgetSlider"));
    m_slider->setToolTip(
        tr("Size budget in bits per weight: the planner picks one scheme per tensor that "
           "minimises the model's squared error within it (Lagrangian sweep over each tensor's "
           "convex hull, then an exact fill). Arrow keys: 0.01, Page Up/Down: 0.25."));
    m_slider->setPageStep(25);
    m_slider->setEnabled(false);
    label->setBuddy(m_slider);
    m_budget = new QLabel(this);
    m_budget->setObjectName(QStringLiteral("budgetLabel"));
    m_budget->setToolTip(tr("The budget the slider sets"));
    row->addWidget(label);
    row->addWidget(m_slider, 1);
    row->addWidget(m_budget);
    v->addLayout(row);
    m_summary = new QLabel(tr("Plan: run the report first."), this);
    m_summary->setObjectName(QStringLiteral("planSummary"));
    m_summary->setWordWrap(true);
    m_summary->setToolTip(tr("The plan at the budget: its size, bits per weight and error, "
                             "against the best single scheme that fits the same size"));
    v->addWidget(m_summary);
    connect(m_slider, &QSlider::valueChanged, this, &ModelPlanner::replan);
}

void ModelPlanner::setReport(std::shared_ptr<const ModelReport> report)
{
    m_report = std::move(report);
    m_tensors.clear();
    m_params = 0;
    m_minBpw = m_maxBpw = 0;
    if (m_report && !m_report->schemes.empty()) {
        m_weighted = hasWeightedErrors(*m_report);
        m_tensors = planTensorsOf(*m_report, m_weighted);
        int64_t lo = 0, hi = 0;
        for (const PlanTensor& t : m_tensors) {
            m_params += t.params;
            int64_t a = t.options.front().bytes, b = a;
            for (const PlanOption& o : t.options) {
                a = std::min(a, o.bytes);
                b = std::max(b, o.bytes);
            }
            lo += a;
            hi += b;
        }
        if (m_params > 0) {
            m_minBpw = 8.0 * double(lo) / double(m_params);
            m_maxBpw = 8.0 * double(hi) / double(m_params);
        }
    }
    const QSignalBlocker block(m_slider);
    // Hundredths of a bit, rounded up at both ends: the smallest plan fits at the left end,
    // the largest at the right end.
    const int left = int(std::ceil(m_minBpw * 100 - 1e-9));
    const int right = int(std::ceil(m_maxBpw * 100 - 1e-9));
    m_slider->setRange(left, std::max(left, right));
    m_slider->setValue((m_slider->minimum() + m_slider->maximum()) / 2);
    m_slider->setEnabled(!m_tensors.empty() && m_slider->maximum() > m_slider->minimum());
    replan();
}

double ModelPlanner::budgetBpw() const
{
    return m_slider->value() / 100.0;
}

void ModelPlanner::setBudgetBpw(double bpw)
{
    m_slider->setValue(int(std::lround(bpw * 100)));
}

std::vector<int> ModelPlanner::schemeOfTensor() const
{
    std::vector<int> out;
    if (!m_hasPlan)
        return out;
    for (size_t i = 0; i < m_tensors.size(); ++i)
        out.push_back(m_tensors[i].options[size_t(m_plan.choice[i])].scheme);
    return out;
}

QString ModelPlanner::summary() const
{
    return m_summary->text();
}

void ModelPlanner::replan()
{
    m_hasPlan = false;
    m_budget->setText(tr("%1 bits/weight").arg(budgetBpw(), 0, 'f', 2));
    if (m_tensors.empty() || m_params == 0) {
        if (!m_report)
            m_summary->setText(tr("Plan: run the report first."));
        else if (m_report->tensors.empty())
            m_summary->setText(tr("Plan: the report has no tensor to plan."));
        else
            m_summary->setText(tr("Plan: the tensors hold no parameter; nothing to plan."));
        emit planChanged();
        return;
    }
    try {
        m_plan = planAssignment(m_tensors, budgetBytesForBpw(*m_report, budgetBpw()));
        m_hasPlan = true;
    } catch (const std::exception& e) {
        m_summary->setText(QString::fromStdString(e.what()));
        emit planChanged();
        return;
    }
    const QString error = m_weighted ? tr("weighted SSE") : tr("SSE");
    QString text = tr("Plan: %1 bits/weight · %2 · %3 %4")
                       .arg(m_plan.bitsPerElement, 0, 'f', 3)
                       .arg(formatSize(m_plan.bytes), error)
                       .arg(m_plan.error, 0, 'g', 4);
    if (m_plan.uniformScheme >= 0) {
        const double gain = m_plan.uniformError > 0
                                ? 100.0 * (m_plan.error - m_plan.uniformError) / m_plan.uniformError
                                : 0.0;
        text +=
            tr(" — best single scheme that fits: %1, %2 %3 (plan %4%5 %)")
                .arg(QString::fromStdString(m_report->schemes[size_t(m_plan.uniformScheme)].name),
                     error)
                .arg(m_plan.uniformError, 0, 'g', 4)
                .arg(gain <= 0 ? QStringLiteral("−") : QStringLiteral("+"))
                .arg(std::fabs(gain), 0, 'f', 1);
    } else {
        text += tr(" — no single scheme fits this budget");
    }
    m_summary->setText(text);
    emit planChanged();
}

} // namespace qs::ui
