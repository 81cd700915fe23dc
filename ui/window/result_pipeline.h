// ResultPipeline: the window's source, its jobs and its current result. Control changes and new
// sources become jobs on the JobRunner; a burst of changes is coalesced by a short single-shot
// timer, and only the newest job's output is taken. It holds the tensor and the result every
// chart, view and export reads, and says what changed through its signals; the window decides
// what each panel shows.
#pragma once

#include "core/data/generators.h"
#include "core/io/tensor_file.h"
#include "ui/jobs/job_runner.h"
#include "ui/support/session.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace qs::ui {

class WindowStatus;

// Freeing a big tensor or result (hundreds of MB) takes the kernel a while: if this is the last
// reference, a worker thread drops it instead of the GUI thread.
void releaseLater(std::shared_ptr<const Tensor> tensor);
void releaseLater(std::shared_ptr<const QuantResult> result);

class ResultPipeline : public QObject {
    Q_OBJECT
public:
    explicit ResultPipeline(WindowStatus& status);
    ~ResultPipeline() override; // cancels and waits for the running jobs

    // What a job takes from the window when it starts: the controls' configuration, and the
    // reduction of the visible chart's data to run on the worker after quantize (none when no
    // chart is shown). newTensor: the job makes a new tensor (the chart starts unzoomed).
    std::function<QuantConfig()> configOfControls;
    // The importance file of the controls ("" for none), loaded by each job for its tensor.
    std::function<QString()> importanceOfControls = [] { return QString(); };
    std::function<JobRunner::ChartPreparer(bool newTensor)> visibleChartPreparer;

    // Sources: the job that makes the tensor starts after the coalescing delay.
    void generate(const GeneratorOptions& options);
    void openFile(const QString& path, const QString& member, bool grayscale);
    void setTensor(Tensor tensor);
    void schedule(); // a control changed: quantize again
    void cancel();   // the cancel button: drops the pending and running jobs
    void cancelJobs() { m_jobs->cancelAll(); } // closing the window
    void cancelAndWait();                      // window teardown

    std::shared_ptr<const Tensor> tensor() const { return m_tensor; }
    std::shared_ptr<const QuantResult> result() const { return m_result; }
    const SourceSpec& source() const { return m_source; }
    // Where file dialogs start: the loaded file's folder, else the home folder.
    QString sourceDir() const;
    // Tensors in the file the current tensor came from (empty unless it holds several).
    const std::vector<TensorInfo>& members() const;
    // Counts changes of tensor() and result(): data prepared for another count is void.
    quint64 serial() const { return m_serial; }
    bool jobsBusy() const { return m_jobs->isBusy() || m_debounce.isActive(); }
    bool changePending() const { return m_changePending; }

    // The visible chart shows the newest result: stops the latency clock of the burst.
    void chartShown();
    // Milliseconds from the first control change of a burst to the visible chart refreshed.
    double lastLatencyMs() const { return m_lastLatencyMs; }
    // GUI-thread milliseconds spent on taking the last result (numbers, table, visible chart).
    double lastResultGuiMs() const { return m_lastResultGuiMs; }

signals:
    void busyChanged(bool busy);
    void dataChanged(); // tensor() or result() changed: data prepared from them is void
    void tensorReplaced(const qs::ui::JobOutputPtr& output); // tensor(), source() are new
    // The tensors of a file being opened, while `loading` (one of them) still loads.
    void membersListed(const QString& path, const std::vector<qs::TensorInfo>& members,
                       const QString& loading);
    void resultReplaced(const qs::ui::JobOutputPtr& output); // result() is new
    void resultFailed(const QString& message);               // result() is null: quantize failed
    void resultReady();                                      // the newest result is taken and shown

private:
    void setPending(SourceSpec spec, JobRunner::TensorMaker maker);
    void start();
    void onJobFinished(JobOutputPtr output);
    void onLoadFailed(const JobOutput& output);
    void takeTensor(const JobOutputPtr& output);
    void onQuantFailed(const QString& message);
    void takeResult(const JobOutputPtr& output);
    void replaced();

    WindowStatus& m_status;
    JobRunner* m_jobs;
    QTimer m_debounce;
    QElapsedTimer m_changeClock; // since the first change of the current burst
    bool m_changePending = false;
    bool m_latencyPending = false; // a result arrived; latency stops at the visible chart
    double m_lastLatencyMs = 0;
    double m_lastResultGuiMs = 0;

    // Source of the next job (set by generate/openFile/setTensor, cleared when it arrives).
    JobRunner::TensorMaker m_pendingMaker;
    SourceSpec m_pendingSource;
    std::shared_ptr<std::vector<TensorInfo>> m_pendingMembers;
    std::shared_ptr<std::vector<std::string>> m_pendingWarnings;
    std::shared_ptr<std::vector<TensorInfo>> m_members;

    std::shared_ptr<const Tensor> m_tensor;
    std::shared_ptr<const QuantResult> m_result;
    quint64 m_serial = 0;
    SourceSpec m_source;
};

} // namespace qs::ui
