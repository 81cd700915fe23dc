// Shared scaffolding of the analysis views: the chart style a view draws with and swapping a
// chart view's chart (all chart views), and, for the views that compute off the GUI thread
// (sweep, clipping, compare), one cancellable background job whose outcome (value, error text
// or "cancelled") comes back on the GUI thread. Each view keeps its own generation counter to
// drop stale outcomes.
// Usage: auto work = [t, config](CancelToken* c) { return bitWidthSweep(*t, config, {}, c); };
//        runViewJob<Sweep>(this, token, work, [this](const JobOutcome<Sweep>& out) { ... });
#pragma once

#include "core/error.h"
#include "ui/charts.h"

#include <QFutureWatcher>
#include <QString>
#include <QtConcurrent>

#include <exception>
#include <memory>

class QChart;
class QChartView;

namespace qs::ui {

// The palette's style; large fonts and thick lines in presentation mode.
ChartStyle viewChartStyle(bool presentation);

// Shows `chart` in `view` and deletes the chart it showed before.
void replaceChart(QChartView* view, QChart* chart);

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
    auto* watcher = new QFutureWatcher<JobOutcome<T>>(owner);
    QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([token, work] {
        JobOutcome<T> out;
        try {
            out.value = std::make_shared<T>(work(token.get()));
        } catch (const Cancelled&) {
            out.cancelled = true;
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

} // namespace qs::ui
