// JobRunner: runs "make the tensor (if the source changed), then quantize it" off the GUI thread
// with QtConcurrent + QPromise. Every job gets a generation number; submitting a new job cancels
// all older ones (their CancelToken fires) and only the newest job's output is ever delivered,
// so the window never shows results of a stale configuration.
//
// Results are recycled: a 16M-element result holds ~100 MB of codes and dequantized values, and
// touching that much fresh memory costs the kernel far more than quantizing into it (page
// faults: ~450 ms against ~50 ms here). So the runner keeps the results its jobs made in a small
// pool and a job quantizes into one that nobody else holds any more (only the pool owns it:
// the window, its slice table, views and exporters all hold shared_ptrs). A result still shown
// is never written to.
#pragma once

#include "core/base/error.h"
#include "core/base/tensor.h"
#include "core/quant/quantize.h"
#include "ui/charts/charts.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace qs::ui {

// Summary statistics of a tensor's finite values (tensorStats), for the facts view: zeros when
// there is no finite value.
struct TensorFacts {
    int64_t finite = 0, nonfinite = 0;
    double min = 0, max = 0, mean = 0, std = 0; // population std
};
TensorFacts computeFacts(const Tensor& t);

struct JobOutput {
    quint64 generation = 0;
    std::shared_ptr<const Tensor> tensor;      // the tensor quantized (new or the previous one)
    bool newTensor = false;                    // tensor came from makeTensor in this job
    TensorFacts facts;                         // of tensor, when newTensor
    std::shared_ptr<const QuantResult> result; // null when quantize failed
    QString loadError;                         // makeTensor failed (tensor is then null)
    QString quantError;                        // quantize failed (bad options for this tensor)
    // The visible chart's data, reduced on the worker right after quantize (null when the job
    // had no chart preparer or preparing failed; the window then prepares on its own).
    std::shared_ptr<const ChartData> chart;
    double loadMs = 0, quantizeMs = 0, chartMs = 0;
};
using JobOutputPtr = std::shared_ptr<const JobOutput>;

class JobRunner : public QObject {
    Q_OBJECT
public:
    using TensorMaker = std::function<Tensor(const CancelToken&)>;
    // Reduces the job's tensor and result to one chart's data (runs on the worker thread).
    using ChartPreparer =
        std::function<std::shared_ptr<const ChartData>(const Tensor&, const QuantResult&)>;

    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override; // cancels and waits for running jobs

    // Starts a job and cancels older ones. If makeTensor is set, the job first builds the tensor
    // with it (and quantizes that); otherwise it quantizes `tensor`. If prepareChart is set, it
    // then runs on the result, so the GUI thread only has to build the chart. importanceFile:
    // the job loads it for the tensor (core/io/imatrix.h loadImportance, the entry named as the
    // tensor) and quantizes with it when the scheme has a weighted path. Returns the generation.
    quint64 submit(TensorMaker makeTensor, std::shared_ptr<const Tensor> tensor,
                   const QuantConfig& config, ChartPreparer prepareChart = {},
                   const QString& importanceFile = {});
    void cancelAll();
    bool isBusy() const { return !m_jobs.empty(); }
    quint64 latestGeneration() const { return m_generation; }
    // Blocks until every job finished (tests, shutdown). Results are still delivered by events.
    void waitForDone();
    // Jobs that quantized into a recycled result (instead of fresh memory), since construction.
    quint64 recycledCount() const { return m_pool->recycled.load(); }

    // Results made by jobs, reused once only the pool holds them (see the top of this file).
    struct ResultPool {
        static constexpr size_t kMaxEntries = 3;
        std::mutex mutex;
        std::condition_variable warmed;
        size_t warming = 0; // elements of the spare warm() is making (0: none)
        std::vector<std::shared_ptr<QuantResult>> entries;
        std::atomic<quint64> recycled{0};
        // A result to quantize `elements` values into: a free pooled one of that size, the spare
        // warm() is making for that size (waits for it: it is further along than fresh memory
        // would be), else a new one (pooled while there is room). Free entries of other sizes
        // are dropped (freed on the calling worker thread). Throws Cancelled if `cancel` fires
        // while waiting.
        std::shared_ptr<QuantResult> acquire(size_t elements, const CancelToken* cancel = nullptr);
        // Makes sure a free result for `t` waits in the pool with all its buffers in memory
        // (quantized once with the default configuration), so the first change after loading
        // a tensor does not pay for fresh pages. Runs on a worker after a new tensor's first
        // result.
        void warm(const Tensor& t);
    };

signals:
    void busyChanged(bool busy);
    void finished(qs::ui::JobOutputPtr output); // newest job only
    void cancelled(quint64 generation);         // an older job was dropped

private:
    struct Job {
        quint64 generation;
        std::shared_ptr<CancelToken> token;
        QFutureWatcher<JobOutputPtr>* watcher;
    };
    void onJobFinished(quint64 generation);
    std::vector<Job> m_jobs;
    quint64 m_generation = 0;
    std::shared_ptr<ResultPool> m_pool = std::make_shared<ResultPool>();
};

} // namespace qs::ui

Q_DECLARE_METATYPE(qs::ui::JobOutputPtr)
