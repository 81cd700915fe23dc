#include "ui/job_runner.h"

#include <QElapsedTimer>
#include <QPromise>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace qs::ui {

TensorFacts computeFacts(const Tensor& t)
{
    TensorFacts f;
    double sum = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (float v : t.data) {
        if (!std::isfinite(v)) {
            ++f.nonfinite;
            continue;
        }
        ++f.finite;
        sum += v;
        lo = std::min(lo, double(v));
        hi = std::max(hi, double(v));
    }
    if (f.finite == 0)
        return f;
    f.min = lo;
    f.max = hi;
    f.mean = sum / double(f.finite);
    // Second pass around the mean: no catastrophic cancellation for large offsets.
    double ss = 0;
    for (float v : t.data)
        if (std::isfinite(v))
            ss += (double(v) - f.mean) * (double(v) - f.mean);
    f.std = std::sqrt(ss / double(f.finite));
    return f;
}

namespace {

void runJob(QPromise<JobOutputPtr>& promise, quint64 generation, std::shared_ptr<CancelToken> token,
            JobRunner::TensorMaker makeTensor, std::shared_ptr<const Tensor> tensor,
            QuantConfig config, JobRunner::ChartPreparer prepareChart)
{
    auto out = std::make_shared<JobOutput>();
    out->generation = generation;
    QElapsedTimer timer;
    timer.start();
    try {
        if (makeTensor) {
            out->tensor = std::make_shared<const Tensor>(makeTensor(*token));
            out->newTensor = true;
            throwIfCancelled(token.get());
            out->facts = computeFacts(*out->tensor);
        } else {
            out->tensor = std::move(tensor);
        }
    } catch (const Cancelled&) {
        return;
    } catch (const std::exception& e) {
        out->loadError = QString::fromStdString(e.what());
        out->tensor.reset();
        promise.addResult(JobOutputPtr(out));
        return;
    }
    out->loadMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    if (!out->tensor) {
        out->quantError = QStringLiteral("no tensor loaded");
    } else {
        try {
            out->result =
                std::make_shared<const QuantResult>(quantize(*out->tensor, config, token.get()));
        } catch (const Cancelled&) {
            return;
        } catch (const std::exception& e) {
            out->quantError = QString::fromStdString(e.what());
        }
    }
    out->quantizeMs = double(timer.nsecsElapsed()) / 1e6;
    if (prepareChart && out->result && !token->isCancelled()) {
        timer.restart();
        try {
            out->chart = prepareChart(*out->tensor, *out->result);
        } catch (const std::exception&) {
            // The window prepares the chart again on its own and shows the error there.
            out->chart.reset();
        }
        out->chartMs = double(timer.nsecsElapsed()) / 1e6;
    }
    if (!token->isCancelled())
        promise.addResult(JobOutputPtr(out));
}

} // namespace

JobRunner::JobRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<qs::ui::JobOutputPtr>();
}

JobRunner::~JobRunner()
{
    cancelAll();
    waitForDone();
}

quint64 JobRunner::submit(TensorMaker makeTensor, std::shared_ptr<const Tensor> tensor,
                          const QuantConfig& config, ChartPreparer prepareChart)
{
    for (Job& job : m_jobs)
        job.token->cancel();
    const quint64 generation = ++m_generation;
    auto token = std::make_shared<CancelToken>();
    auto* watcher = new QFutureWatcher<JobOutputPtr>(this);
    connect(watcher, &QFutureWatcher<JobOutputPtr>::finished, this,
            [this, generation] { onJobFinished(generation); });
    const bool wasBusy = isBusy();
    m_jobs.push_back({generation, token, watcher});
    watcher->setFuture(QtConcurrent::run(runJob, generation, token, std::move(makeTensor),
                                         std::move(tensor), config, std::move(prepareChart)));
    if (!wasBusy)
        emit busyChanged(true);
    return generation;
}

void JobRunner::cancelAll()
{
    for (Job& job : m_jobs)
        job.token->cancel();
}

void JobRunner::waitForDone()
{
    for (Job& job : m_jobs)
        job.watcher->waitForFinished();
}

void JobRunner::onJobFinished(quint64 generation)
{
    auto it = std::find_if(m_jobs.begin(), m_jobs.end(),
                           [generation](const Job& j) { return j.generation == generation; });
    if (it == m_jobs.end())
        return;
    const Job job = *it;
    m_jobs.erase(it);
    JobOutputPtr output;
    {
        const QFuture<JobOutputPtr> future = job.watcher->future();
        if (future.resultCount() > 0) {
            output = future.result();
            if (generation != m_generation || job.token->isCancelled()) {
                // A stale result: free its buffers on a worker, not on the GUI thread.
                QThreadPool::globalInstance()->start([stale = std::move(output)] {});
                output.reset();
            }
        }
        // Drop the future's copy now so big tensors and results do not outlive their use.
        job.watcher->disconnect(this);
        job.watcher->setFuture(QFuture<JobOutputPtr>());
    }
    job.watcher->deleteLater();
    if (output)
        emit finished(std::move(output));
    else
        emit cancelled(generation);
    if (m_jobs.empty())
        emit busyChanged(false);
}

} // namespace qs::ui
