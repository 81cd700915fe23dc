// JobRunner: runs "make the tensor (if the source changed), then quantize it" off the GUI thread
// with QtConcurrent + QPromise. Every job gets a generation number; submitting a new job cancels
// all older ones (their CancelToken fires) and only the newest job's output is ever delivered,
// so the window never shows results of a stale configuration.
#pragma once

#include "core/error.h"
#include "core/quantize.h"
#include "core/tensor.h"
#include "ui/charts.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace qs::ui {

// Summary statistics of a tensor's finite values (computed in double), for the facts view.
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
    // then runs on the result, so the GUI thread only has to build the chart. Returns the
    // generation.
    quint64 submit(TensorMaker makeTensor, std::shared_ptr<const Tensor> tensor,
                   const QuantConfig& config, ChartPreparer prepareChart = {});
    void cancelAll();
    bool isBusy() const { return !m_jobs.empty(); }
    quint64 latestGeneration() const { return m_generation; }
    // Blocks until every job finished (tests, shutdown). Results are still delivered by events.
    void waitForDone();

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
};

} // namespace qs::ui

Q_DECLARE_METATYPE(qs::ui::JobOutputPtr)
