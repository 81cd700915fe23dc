#include "ui/jobs/job_runner.h"

#include "core/io/imatrix.h"
#include "core/stats/tensor_stats.h"

#include <QElapsedTimer>
#include <QPromise>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <cmath>
#include <cstdint>

namespace qs::ui {

TensorFacts computeFacts(const Tensor& t)
{
    const TensorStats s = tensorStats(t);
    TensorFacts f;
    f.finite = s.finite;
    f.nonfinite = s.nonfinite;
    if (s.finite > 0) {
        f.min = s.min;
        f.max = s.max;
        f.mean = s.mean;
        f.std = s.std;
    }
    return f;
}

void JobRunner::ResultPool::warm(const Tensor& t)
{
    const size_t elements = size_t(t.numel());
    std::vector<std::shared_ptr<QuantResult>> dropped;
    {
        const std::lock_guard<std::mutex> lock(mutex);
        bool haveFree = false;
        for (auto it = entries.begin(); it != entries.end();) {
            if (it->use_count() == 1 && (*it)->dequantized.size() != elements) {
                dropped.push_back(std::move(*it)); // another tensor's: of no use any more
                it = entries.erase(it);
                continue;
            }
            haveFree = haveFree || it->use_count() == 1;
            ++it;
        }
        if (haveFree || warming != 0 || entries.size() >= kMaxEntries)
            return;
        warming = elements;
    }
    dropped.clear();
    std::shared_ptr<QuantResult> spare = std::make_shared<QuantResult>();
    try {
        quantizeInto(t, QuantConfig(), *spare); // touches every buffer now, off the critical path
    } catch (const std::exception&) {
        spare.reset(); // nothing to offer; the jobs allocate their own
    }
    {
        const std::lock_guard<std::mutex> lock(mutex);
        if (spare && entries.size() < kMaxEntries)
            entries.push_back(std::move(spare));
        warming = 0;
    }
    warmed.notify_all();
}

std::shared_ptr<QuantResult> JobRunner::ResultPool::acquire(size_t elements,
                                                            const CancelToken* cancel)
{
    std::vector<std::shared_ptr<QuantResult>> dropped;
    std::shared_ptr<QuantResult> pick;
    {
        std::unique_lock<std::mutex> lock(mutex);
        for (;;) {
            // use_count() == 1: only this pool holds the entry, and nobody can copy it without
            // holding it, so under the lock the answer cannot change behind our back.
            for (auto it = entries.begin(); it != entries.end();) {
                if (it->use_count() != 1) {
                    ++it;
                } else if (!pick && (*it)->dequantized.size() == elements) {
                    pick = *it++;
                } else if ((*it)->dequantized.size() != elements) {
                    dropped.push_back(std::move(*it));
                    it = entries.erase(it);
                } else {
                    ++it;
                }
            }
            if (pick || warming != elements)
                break;
            warmed.wait_for(lock, std::chrono::milliseconds(20));
            throwIfCancelled(cancel);
        }
        if (!pick) {
            pick = std::make_shared<QuantResult>();
            if (entries.size() < kMaxEntries)
                entries.push_back(pick);
        } else {
            ++recycled;
        }
    }
    // The last other owner released the result with a release decrement; pair it with an
    // acquire fence so its reads of the old contents happen before our writes.
    std::atomic_thread_fence(std::memory_order_acquire);
    return pick; // `dropped` is freed here, on the worker
}

namespace {

void runJob(QPromise<JobOutputPtr>& promise, quint64 generation, std::shared_ptr<CancelToken> token,
            JobRunner::TensorMaker makeTensor, std::shared_ptr<const Tensor> tensor,
            QuantConfig config, JobRunner::ChartPreparer prepareChart,
            std::shared_ptr<JobRunner::ResultPool> pool, std::string importanceFile)
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
            std::shared_ptr<QuantResult> result =
                pool->acquire(size_t(out->tensor->numel()), token.get());
            if (out->newTensor && out->tensor->numel() >= (int64_t(1) << 20)) {
                // The window will hold this job's result: a spare for the first control change
                // is made meanwhile (both fault in fresh pages, in parallel).
                QThreadPool::globalInstance()->start(
                    [pool, tensor = out->tensor] { pool->warm(*tensor); });
            }
            std::unique_ptr<Importance> importance;
            if (!importanceFile.empty() && hasImportancePath(config.scheme))
                importance =
                    std::make_unique<Importance>(loadImportance(importanceFile, out->tensor->name));
            quantizeInto(*out->tensor, config, *result, token.get(), HistogramRequest(),
                         importance.get());
            out->result = std::move(result);
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
    if (token->isCancelled())
        return;
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
                          const QuantConfig& config, ChartPreparer prepareChart,
                          const QString& importanceFile)
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
                                         std::move(tensor), config, std::move(prepareChart), m_pool,
                                         importanceFile.toStdString()));
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
