// Shared scaffolding of the analysis views: the chart style a view draws with and swapping a
// chart view's chart (all chart views), and, for the views that compute off the GUI thread
// (sweep, clipping, compare), one cancellable background job whose outcome (value, error text
// or "cancelled") comes back on the GUI thread. Each view keeps a generation counter to drop
// stale outcomes; BackgroundAnalysisView holds that state for the sweep and clipping views.
// Usage: auto work = [t, config](CancelToken* c) { return bitWidthSweep(*t, config, {}, c); };
//        runViewJob<Sweep>(this, token, work, [this](const JobOutcome<Sweep>& out) { ... });
#pragma once

#include "core/base/error.h"
#include "ui/charts/charts.h"
#include "ui/support/run_async.h"
#include "ui/views/analysis_view.h"

#include <QLabel>
#include <QString>

#include <exception>
#include <memory>

class QBoxLayout;
class QResizeEvent;
class QChart;
class QChartView;
class QLabel;

namespace qs::ui {

// The palette's style; large fonts and thick lines in presentation mode.
ChartStyle viewChartStyle(bool presentation);

// An empty chart view as the views show their charts (antialiased), owned by parent.
QChartView* newChartView(QWidget* parent);
// A word-wrapped label for a view's status line, added to layout.
QLabel* addStatusLabel(QBoxLayout* layout, QWidget* parent, const QString& text = QString());

// Shows `chart` in `view` and deletes the chart it showed before.
void replaceChart(QChartView* view, QChart* chart);

// Two chart views side by side or one above the other, whichever gives each the shape nearer
// to a usual chart's (1.6 wide to 1 high); the arrangement follows the widget's size.
class ChartPair : public QWidget {
    Q_OBJECT
public:
    explicit ChartPair(QWidget* parent = nullptr);
    QChartView* first() const { return m_first; }
    QChartView* second() const { return m_second; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QBoxLayout* m_layout;
    QChartView* m_first;
    QChartView* m_second;
};

template <class T> struct JobOutcome {
    std::shared_ptr<T> value;
    QString error;          // what() of any exception but Cancelled
    bool cancelled = false; // the token was cancelled before the work finished
};

// Runs work(token) on the thread pool and calls done(outcome) on owner's thread when it ends
// (not at all if owner is destroyed first).
template <class T, class Work, class Done>
void runViewJob(QObject* owner, std::shared_ptr<CancelToken> token, Work work, Done done)
{
    runAsync(
        owner,
        [token, work] {
            JobOutcome<T> out;
            try {
                out.value = std::make_shared<T>(work(token.get()));
            } catch (const Cancelled&) {
                out.cancelled = true;
            } catch (const std::exception& e) {
                out.error = QString::fromStdString(e.what());
            }
            return out;
        },
        std::move(done));
}

// An analysis view that computes what it shows off the GUI thread from the current result of
// an integer scheme (bit-width sweep, clipping curve): the state and the start of a job that
// they share. The subclass makes m_status (a label) and says how to forget and to draw.
class BackgroundAnalysisView : public AnalysisView {
    Q_OBJECT
public:
    using AnalysisView::AnalysisView;
    ~BackgroundAnalysisView() override; // cancels the running job
    bool isComputing() const override { return m_computing; }
    QString statusText() const;

protected:
    // Cancels the running job, takes tensor and result and forgets the old value. Returns the
    // token of the job to start now (the status says `computing`, generation is its number),
    // or null when there is nothing to compute: no result, or not an integer scheme (the status
    // says `notInteger` with %1 the scheme); the view is then redrawn and says viewUpdated().
    std::shared_ptr<CancelToken> restart(std::shared_ptr<const Tensor> tensor,
                                         std::shared_ptr<const QuantResult> result,
                                         const QString& notInteger, const QString& computing,
                                         int& generation);
    // restart(), then compute(tensor, config, token) on the thread pool; its outcome (unless
    // dropped) goes into value, the status shows the error or statusOf(*value), the view is
    // redrawn and says viewUpdated().
    template <class T, class Compute, class Status>
    void startJob(std::shared_ptr<const Tensor> tensor, std::shared_ptr<const QuantResult> result,
                  const QString& notInteger, const QString& computing, std::shared_ptr<T>& value,
                  Compute compute, Status statusOf)
    {
        int generation = 0;
        const std::shared_ptr<CancelToken> token =
            restart(std::move(tensor), std::move(result), notInteger, computing, generation);
        if (!token)
            return;
        const QuantConfig config = m_result->config;
        const std::shared_ptr<const Tensor> t = m_tensor;
        auto work = [t, config, compute](CancelToken* c) { return compute(*t, config, c); };
        runViewJob<T>(this, token, work,
                      [this, generation, &value, statusOf](const JobOutcome<T>& out) {
                          if (!takeOutcome(generation, out.cancelled))
                              return;
                          value = out.value;
                          m_status->setText(out.error.isEmpty() ? statusOf(*value) : out.error);
                          rebuild();
                          emit viewUpdated();
                      });
    }
    // For a job's outcome: false when it is to be dropped (a newer restart() replaced the job,
    // or it was cancelled); otherwise the view is no longer computing.
    bool takeOutcome(int generation, bool cancelled);
    virtual void clearValue() = 0; // forget the computed value
    virtual void rebuild() = 0;    // draw the value (or empty charts without one)

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    QLabel* m_status = nullptr;

private:
    std::shared_ptr<CancelToken> m_cancel;
    int m_generation = 0;
    bool m_computing = false;
};

} // namespace qs::ui
