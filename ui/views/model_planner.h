// ModelPlanner: the size planner of the Model view. A budget slider in bits per weight, from
// the smallest to the largest size the report's schemes allow, and on every move the plan of
// qs::planAssignment for that budget: the scheme per tensor, the predicted size and bits per
// weight, and the error against the best single scheme that fits the same size.
#pragma once

#include "core/model/model_plan.h"

#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QSlider;

namespace qs::ui {

class ModelPlanner : public QWidget {
    Q_OBJECT
public:
    explicit ModelPlanner(QWidget* parent = nullptr);

    // A new report: the slider spans its sizes and starts at the middle; null clears. The
    // planner's options are planTensorsOf()'s, importance-weighted when the report has weights.
    void setReport(std::shared_ptr<const ModelReport> report);
    void setBudgetBpw(double bpw); // moves the slider (to the nearest 0.01)
    double budgetBpw() const;
    double minBpw() const { return m_minBpw; }
    double maxBpw() const { return m_maxBpw; }
    bool hasPlan() const { return m_hasPlan; }
    const Plan& plan() const { return m_plan; }
    bool weighted() const { return m_weighted; }
    // The plan's scheme per tensor of the report (-1: stored); empty without a plan.
    std::vector<int> schemeOfTensor() const;
    QSlider* slider() const { return m_slider; }
    QString summary() const;

signals:
    void planChanged();

private:
    void replan();

    std::shared_ptr<const ModelReport> m_report;
    std::vector<PlanTensor> m_tensors;
    int64_t m_params = 0;
    double m_minBpw = 0, m_maxBpw = 0;
    bool m_weighted = false;
    bool m_hasPlan = false;
    Plan m_plan;
    QSlider* m_slider;
    QLabel* m_budget;
    QLabel* m_summary;
};

} // namespace qs::ui
