// ModelView: the model file, running the report, opening a tensor and the exports.
#include "ui/views/model_view.h"

#include "core/model/model_report_writers.h"
#include "ui/support/atomic_device.h"
#include "ui/views/model_heatmap.h"
#include "ui/views/model_planner.h"
#include "ui/views/model_table.h"
#include "ui/views/view_job.h"

#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>

namespace qs::ui {

namespace {

// The tensors of the file before any report: name, shape, size, stored type and role.
std::shared_ptr<ModelReport> listing(const QString& path, const std::vector<TensorInfo>& members)
{
    auto report = std::make_shared<ModelReport>();
    report->path = path.toStdString();
    for (const TensorInfo& info : members)
        report->tensors.push_back(describeTensor(info));
    return report;
}

} // namespace

void ModelView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                            std::shared_ptr<const QuantResult> result)
{
    Q_UNUSED(result);
    m_currentTensor = tensor ? QString::fromStdString(tensor->name) : QString();
    // The explorer's tensor, selected in the table.
    if (m_report)
        for (int row = 0; row < m_filter->rowCount(); ++row) {
            const QModelIndex i = m_filter->index(row, ModelTableModel::NameColumn);
            if (i.data().toString() == m_currentTensor) {
                m_table->setCurrentIndex(i);
                break;
            }
        }
    emit viewUpdated();
}

void ModelView::setModelFile(const QString& path, const std::vector<TensorInfo>& members)
{
    const bool model = !path.isEmpty() && members.size() > 1;
    m_stack->setCurrentIndex(model ? 1 : 0);
    if (model && path == m_path && members.size() == m_members.size())
        return; // the same file: the report stays
    if (!model && m_path.isEmpty() && !m_report)
        return; // still no model: nothing to clear (every new single tensor lands here)
    cancel();
    m_path = model ? path : QString();
    m_members = model ? members : std::vector<TensorInfo>();
    listTensors();
}

// The file's tensors in the table, no scheme measured yet.
void ModelView::listTensors()
{
    if (m_path.isEmpty()) {
        setReport(nullptr);
        return;
    }
    setReport(listing(m_path, m_members));
    m_status->setText(tr("%1: %2 tensors. Choose schemes and press Run (Ctrl+R).")
                          .arg(QFileInfo(m_path).fileName())
                          .arg(m_members.size()));
}

void ModelView::setSchemes(const QString& list)
{
    m_schemes->setText(list);
}

QString ModelView::schemes() const
{
    return m_schemes->text();
}

QString ModelView::statusText() const
{
    return m_status->text();
}

bool ModelView::run()
{
    if (m_path.isEmpty()) {
        m_status->setText(tr("No model: open a file with several tensors first."));
        return false;
    }
    ModelReportOptions options;
    options.include = m_include->text().toStdString();
    options.exclude = m_exclude->text().toStdString();
    options.quantizeVectors = m_vectors->isChecked();
    options.imatrixPath = importanceFile().toStdString();
    std::vector<ModelScheme> schemes;
    try {
        checkNamePatterns(options);
        schemes = parseModelSchemes(m_schemes->text().toStdString(), QuantConfig());
    } catch (const std::exception& e) {
        // An unknown scheme's message lists every valid name: the line shows it up to that list
        // (the Add menu offers the names) and the tooltip all of it.
        const QString full = QString::fromStdString(e.what());
        const qsizetype list = full.indexOf(QStringLiteral(" ("));
        m_status->setText(full.size() > 200 && list > 0
                              ? full.left(list) + tr(" … (the Add menu lists every valid name; "
                                                     "the whole message is in the tooltip)")
                              : full);
        m_status->setToolTip(full);
        return false;
    }
    cancel();
    m_cancel = std::make_shared<CancelToken>();
    m_progress = std::make_shared<Progress>();
    options.progress = [progress = m_progress](int done, int total, const std::string& tensor) {
        progress->done = done;
        progress->total = total;
        const std::lock_guard<std::mutex> lock(progress->mutex);
        progress->tensor = tensor;
    };
    const std::string path = m_path.toStdString();
    auto work = [path, schemes, options](CancelToken* cancel) {
        ModelReportOptions withCancel = options;
        withCancel.cancel = cancel;
        return computeModelReport(path, schemes, withCancel);
    };
    const int generation = ++m_generation;
    setRunning(true);
    m_status->setText(tr("Measuring %1 schemes…").arg(schemes.size()));
    m_status->setToolTip(QString());
    runViewJob<ModelReport>(this, m_cancel, work,
                            [this, generation](const JobOutcome<ModelReport>& out) {
                                if (generation == m_generation)
                                    finishRun(out.value, out.error, out.cancelled);
                            });
    return true;
}

void ModelView::cancel()
{
    if (!m_running)
        return;
    m_cancel->cancel();
    ++m_generation; // the running job's outcome is dropped
    setRunning(false);
    m_status->setText(tr("Cancelled."));
    emit viewUpdated();
}

void ModelView::setRunning(bool running)
{
    m_running = running;
    m_runButton->setEnabled(!running);
    m_cancelButton->setEnabled(running);
    m_progressBar->setVisible(running);
    m_progressBar->setRange(0, 0); // busy until the first tensor is counted
    if (running)
        m_progressTimer.start();
    else
        m_progressTimer.stop();
}

void ModelView::pollProgress()
{
    if (!m_progress)
        return;
    const int total = m_progress->total, done = m_progress->done;
    if (total <= 0)
        return;
    m_progressBar->setRange(0, total);
    m_progressBar->setValue(done);
    const std::lock_guard<std::mutex> lock(m_progress->mutex);
    m_status->setText(tr("Measuring %1 of %2: %3")
                          .arg(std::min(done + 1, total))
                          .arg(total)
                          .arg(QString::fromStdString(m_progress->tensor)));
}

void ModelView::finishRun(std::shared_ptr<ModelReport> report, const QString& error, bool cancelled)
{
    setRunning(false);
    if (cancelled)
        m_status->setText(tr("Cancelled."));
    else if (!error.isEmpty())
        m_status->setText(error);
    else
        setReport(std::move(report));
    emit viewUpdated();
}

void ModelView::setReport(std::shared_ptr<const ModelReport> report)
{
    m_report = std::move(report);
    {
        const QSignalBlocker block(m_scheme);
        const int old = m_scheme->currentIndex();
        m_scheme->clear();
        if (m_report)
            for (const ModelScheme& s : m_report->schemes)
                m_scheme->addItem(QString::fromStdString(s.name));
        m_scheme->setCurrentIndex(std::clamp(old, 0, m_scheme->count() - 1));
    }
    m_model->setReport(m_report);
    const bool measured = m_report && !m_report->schemes.empty();
    m_table->setColumnHidden(ModelTableModel::PlanColumn, !measured);
    if (measured) {
        // The percentile method and the report's warnings in the tooltip; their count shown.
        QStringList notes = {tr("Median and 95th percentile: %1")
                                 .arg(QString::fromStdString(m_report->percentileMethod))};
        for (const std::string& w : m_report->warnings)
            notes << QString::fromStdString(w);
        m_status->setText(tr("%1 tensors × %2 schemes")
                              .arg(m_report->tensors.size())
                              .arg(m_report->schemes.size()) +
                          (notes.size() > 1 ? tr(" — %n warning(s), see the tooltip", nullptr,
                                                 int(notes.size() - 1))
                                            : QString()));
        m_status->setToolTip(notes.join(QLatin1Char('\n')));
        if (m_report->tensors.empty())
            m_status->setText(tr("No tensor is left by the include and exclude patterns: change "
                                 "or clear them and run again"));
    }
    m_planner->setReport(measured ? m_report : nullptr);
    refreshDisplay();
}

// ---- opening a tensor -------------------------------------------------------------------------

void ModelView::cellActivated(const QModelIndex& index)
{
    const int tensor = index.data(ModelTableModel::TensorRole).toInt();
    int scheme = index.data(ModelTableModel::SchemeRole).toInt();
    if (index.column() < ModelTableModel::PlanColumn)
        scheme = m_scheme->currentIndex();
    openTensor(tensor, scheme);
}

void ModelView::openTensor(int tensor, int scheme)
{
    if (!m_report || size_t(tensor) >= m_report->tensors.size())
        return;
    emit tensorRequested(m_path, QString::fromStdString(m_report->tensors[size_t(tensor)].name));
    if (scheme >= 0 && size_t(scheme) < m_report->schemes.size())
        emit configRequested(m_report->schemes[size_t(scheme)].config);
}

// ---- exports ----------------------------------------------------------------------------------

bool ModelView::exportHeatmap(const QString& path, const ExportOptions& options, QString* error)
{
    return qs::ui::exportWidget(m_heatmap, path, options, error);
}

bool ModelView::exportPareto(const QString& path, const ExportOptions& options, QString* error)
{
    return exportChart(m_pareto->chart(), path, options, error);
}

namespace {

QString csvField(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')))
        text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
               QLatin1Char('"');
    return text;
}

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    AtomicFileDevice file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QObject::tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

// The table as shown (rows in their order, the filter applied), numbers in full precision.
bool ModelView::exportTableCsv(const QString& path, QString* error) const
{
    if (!m_report) {
        *error = tr("No model report to export.");
        return false;
    }
    QStringList header;
    for (int c = 0; c < m_filter->columnCount(); ++c)
        header << csvField(m_filter->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
    QByteArray out = QStringLiteral("# %1 per scheme\n").arg(modelMetricName(metric())).toUtf8();
    out += header.join(QLatin1Char(',')).toUtf8() + '\n';
    for (int r = 0; r < m_filter->rowCount(); ++r) {
        QStringList fields;
        for (int c = 0; c < m_filter->columnCount(); ++c) {
            const QModelIndex i = m_filter->index(r, c);
            const bool number = c == ModelTableModel::LayerColumn ||
                                c == ModelTableModel::ParamsColumn ||
                                c >= ModelTableModel::FirstSchemeColumn;
            const QVariant key = i.data(ModelTableModel::SortRole);
            fields << (number ? (std::isnan(key.toDouble())
                                     ? QString()
                                     : QString::number(key.toDouble(), 'g',
                                                       QLocale::FloatingPointShortest))
                              : csvField(i.data().toString()));
        }
        out += fields.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    return writeAtomically(path, out, error);
}

// The core's writers: JSON (README's schema) or CSV (a row per tensor and scheme, every metric)
// by the suffix, never over the model file.
bool ModelView::exportReport(const QString& path, QString* error) const
{
    if (!m_report || m_report->schemes.empty()) {
        *error = tr("No model report to export: press Run first.");
        return false;
    }
    try {
        const std::vector<std::string> model = {m_path.toStdString()};
        if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
            writeModelReportCsv(path.toStdString(), *m_report, model);
        else
            writeModelReportJson(path.toStdString(), *m_report, {}, model);
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

void ModelView::askExport(int what)
{
    static const char* const filters[] = {
        QT_TR_NOOP("Images (*.png *.svg *.pdf)"), QT_TR_NOOP("Images (*.png *.svg *.pdf)"),
        QT_TR_NOOP("CSV (*.csv)"), QT_TR_NOOP("JSON (*.json);;CSV (*.csv)")};
    static const char* const names[] = {"heatmap.png", "pareto.png", "table.csv",
                                        "model-report.json"};
    const QString dir = QFileInfo(m_path).absolutePath();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export"), dir + QLatin1Char('/') + QLatin1String(names[what]), tr(filters[what]));
    if (path.isEmpty())
        return;
    QString error;
    const ExportOptions options;
    const bool ok = what == 0   ? exportHeatmap(path, options, &error)
                    : what == 1 ? exportPareto(path, options, &error)
                    : what == 2 ? exportTableCsv(path, &error)
                                : exportReport(path, &error);
    m_status->setText(ok ? tr("Exported to %1").arg(QDir::toNativeSeparators(path)) : error);
}

} // namespace qs::ui
