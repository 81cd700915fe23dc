#include "ui/window/result_pipeline.h"

#include "ui/support/image_tensor.h"
#include "ui/window/window_status.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QThreadPool>

namespace qs::ui {

namespace {

constexpr int kDebounceMs = 15;

int64_t elementsOf(const Tensor& t)
{
    return t.numel();
}
int64_t elementsOf(const QuantResult& r)
{
    return int64_t(r.dequantized.size());
}

std::string sstr(const QString& s)
{
    return s.toStdString();
}

template <class T> void releaseOnWorker(std::shared_ptr<const T> p)
{
    if (p && p.use_count() == 1 && elementsOf(*p) > (int64_t(1) << 20))
        QThreadPool::globalInstance()->start([q = std::move(p)]() mutable { q.reset(); });
}

} // namespace

void releaseLater(std::shared_ptr<const Tensor> tensor)
{
    releaseOnWorker(std::move(tensor));
}

void releaseLater(std::shared_ptr<const QuantResult> result)
{
    releaseOnWorker(std::move(result));
}

ResultPipeline::ResultPipeline(WindowStatus& status) : m_status(status), m_jobs(new JobRunner(this))
{
    connect(m_jobs, &JobRunner::finished, this, &ResultPipeline::onJobFinished);
    connect(m_jobs, &JobRunner::busyChanged, this, &ResultPipeline::busyChanged);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ResultPipeline::start);
}

ResultPipeline::~ResultPipeline()
{
    cancelAndWait();
}

void ResultPipeline::cancelAndWait()
{
    m_jobs->cancelAll();
    m_jobs->waitForDone();
}

const std::vector<TensorInfo>& ResultPipeline::members() const
{
    static const std::vector<TensorInfo> none;
    return m_members ? *m_members : none;
}

QString ResultPipeline::sourceDir() const
{
    if (m_source.kind == SourceSpec::Kind::File)
        return QFileInfo(m_source.path).absolutePath();
    return QDir::homePath();
}

// ---- sources ---------------------------------------------------------------------------------

void ResultPipeline::setPending(SourceSpec spec, JobRunner::TensorMaker maker)
{
    m_pendingSource = std::move(spec);
    m_pendingMaker = std::move(maker);
    schedule();
}

void ResultPipeline::generate(const GeneratorOptions& options)
{
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Generated;
    spec.generator = options;
    m_pendingMembers.reset();
    m_pendingWarnings.reset();
    setPending(spec, [options](const CancelToken&) { return qs::generate(options); });
}

void ResultPipeline::openFile(const QString& path, const QString& member, bool grayscale)
{
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::File;
    spec.path = QFileInfo(path).absoluteFilePath();
    spec.member = member;
    spec.grayscale = grayscale;
    auto members = std::make_shared<std::vector<TensorInfo>>();
    auto warnings = std::make_shared<std::vector<std::string>>();
    m_pendingMembers = members;
    m_pendingWarnings = warnings;
    const QString file = spec.path;
    // The listing reaches the window before the tensor does (a model's tree shows while its
    // first tensor loads), unless a newer request replaced this one meanwhile.
    auto listed = [this, file, members](const QString& loading) {
        QMetaObject::invokeMethod(this, [this, file, members, loading] {
            if (m_pendingMembers == members)
                emit membersListed(file, *members, loading);
        });
    };
    // Runs on a worker thread: only the captured values and the two shared vectors are touched.
    auto maker = [file, member, grayscale, members, warnings, listed](const CancelToken&) {
        if (isImageFile(file))
            return loadImageTensor(file, grayscale);
        const std::string path = sstr(file);
        if (!isTensorFile(path))
            throw Error(
                sstr(QFileInfo(file).fileName()) +
                ": unknown file type (expected .npy, .npz, .safetensors, .gguf, .onnx, .pt, "
                ".pth, .bin, .csv, .txt, .png, .jpg or .bmp)");
        *members = listTensors(path);
        std::string pick = sstr(member);
        if (pick.empty() && members->size() > 1)
            pick = members->front().name; // several tensors: start on the first
        listed(QString::fromStdString(pick));
        return loadTensor(path, pick, warnings.get());
    };
    m_status.setStatus(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    setPending(spec, maker);
}

void ResultPipeline::setTensor(Tensor tensor)
{
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Custom;
    m_pendingMembers.reset();
    m_pendingWarnings.reset();
    auto shared = std::make_shared<Tensor>(std::move(tensor));
    setPending(spec, [shared](const CancelToken&) { return *shared; });
}

// ---- jobs ------------------------------------------------------------------------------------

void ResultPipeline::schedule()
{
    if (!m_changePending) {
        m_changePending = true;
        m_changeClock.start();
    }
    m_debounce.start();
}

void ResultPipeline::cancel()
{
    m_debounce.stop();
    m_jobs->cancelAll();
    m_changePending = false;
    m_status.setStatus(tr("Cancelled"));
}

void ResultPipeline::start()
{
    const QuantConfig cfg = configOfControls();
    // The visible chart's data is reduced on the worker right after quantize, so the GUI thread
    // only turns a few thousand numbers into a QChart.
    const JobRunner::ChartPreparer prepare = visibleChartPreparer(bool(m_pendingMaker));
    const QString importance = importanceOfControls();
    if (m_pendingMaker) {
        m_jobs->submit(m_pendingMaker, nullptr, cfg, prepare, importance);
    } else if (m_tensor) {
        m_jobs->submit({}, m_tensor, cfg, prepare, importance);
    } else {
        m_changePending = false;
        return;
    }
    const int64_t n = m_pendingMaker ? 0 : m_tensor->numel();
    m_status.setStatus(n > 0 ? tr("Quantizing %1 values…").arg(QLocale().toString(qlonglong(n)))
                             : tr("Preparing tensor…"));
}

void ResultPipeline::onJobFinished(JobOutputPtr out)
{
    QElapsedTimer gui;
    gui.start();
    if (!out->loadError.isEmpty()) {
        onLoadFailed(*out);
        return;
    }
    if (out->newTensor)
        takeTensor(out);
    if (!out->result) {
        onQuantFailed(out->quantError);
        return;
    }
    takeResult(out);
    m_lastResultGuiMs = double(gui.nsecsElapsed()) / 1e6;
    m_status.setStatus(tr("%1 · %2 values · quantized in %3 ms")
                           .arg(QString::fromStdString(m_result->config.summary()),
                                QLocale().toString(qlonglong(m_tensor->numel())))
                           .arg(out->quantizeMs, 0, 'f', 1));
    emit resultReady();
}

void ResultPipeline::onLoadFailed(const JobOutput& out)
{
    // The previous tensor stays; the request that failed is forgotten.
    m_pendingMaker = nullptr;
    m_status.showError(out.loadError, true);
    if (m_tensor && (!m_result || !(m_result->config == configOfControls())))
        schedule(); // the config may have changed while loading
    else
        m_changePending = false;
}

void ResultPipeline::replaced()
{
    ++m_serial;
    emit dataChanged();
}

void ResultPipeline::takeTensor(const JobOutputPtr& out)
{
    m_pendingMaker = nullptr;
    releaseLater(std::exchange(m_tensor, out->tensor));
    replaced();
    m_source = m_pendingSource;
    m_members = m_pendingMembers;
    emit tensorReplaced(out);
    if (m_pendingWarnings && !m_pendingWarnings->empty())
        m_status.setStatus(QString::fromStdString(m_pendingWarnings->front()));
}

void ResultPipeline::onQuantFailed(const QString& message)
{
    m_result.reset();
    replaced();
    m_status.setLastError(message); // the charts show it as their title
    emit resultFailed(message);
    m_changePending = false;
    m_status.showError(message, false);
}

void ResultPipeline::takeResult(const JobOutputPtr& out)
{
    m_status.setLastError(QString());
    // The slice table holds the previous result too: released after the table let go.
    std::shared_ptr<const QuantResult> previous = std::exchange(m_result, out->result);
    replaced();
    m_latencyPending = m_changePending;
    m_changePending = false;
    emit resultReplaced(out);
    releaseLater(std::move(previous));
}

void ResultPipeline::chartShown()
{
    if (m_latencyPending) {
        m_lastLatencyMs = double(m_changeClock.nsecsElapsed()) / 1e6;
        m_latencyPending = false;
    }
}

} // namespace qs::ui
