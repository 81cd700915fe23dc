// ModelView: the model workbench. For a file with several tensors (the model browser lists them
// beside it): a list of schemes (presets or scheme names, comma-separated as on the command
// line) measured on every tensor off the GUI thread (Run, Ctrl+R; a progress bar and Cancel),
// with optional include / exclude patterns; then
//   Table    tensors x schemes, the chosen metric per scheme, sortable, filtered by name, kind
//            and layer (ModelTableModel, ModelTableFilter);
//   Heatmap  layer x kind of tensor for one scheme and metric (ModelHeatmap);
//   Pareto   error against bits per weight: each scheme's model total, each tensor's points on
//            demand, the planner's curve and chosen point (buildModelParetoChart);
// and below them the planner (ModelPlanner): a budget slider, the assignment (the table's plan
// column), size, bits per weight and error against the best single scheme.
// Double-clicking a table or heatmap cell asks the window to open that tensor in the explorer
// with that scheme (tensorRequested, then configRequested). The heatmap and the chart export as
// PNG / SVG / PDF, the table as CSV, the report as JSON.
#pragma once

#include "core/io/tensor_file.h"
#include "core/model/model_report.h"
#include "ui/support/chart_export.h"
#include "ui/views/analysis_view.h"
#include "ui/views/model_metric.h"

#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QModelIndex;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;

namespace qs::ui {

class ModelHeatmap;
class ModelPlanner;
class ModelTableFilter;
class ModelTableModel;

// The schemes a new Model view starts with.
QString defaultModelSchemes();

class ModelView : public AnalysisView {
    Q_OBJECT
public:
    explicit ModelView(QWidget* parent = nullptr);
    ~ModelView() override; // cancels a running report

    QString viewName() const override { return QStringLiteral("model"); }
    QString viewTitle() const override { return tr("Model"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;
    QList<QChart*> exportCharts() override;
    bool isComputing() const override { return bool(m_running); }
    void setPresentationMode(bool on) override;

    // The file whose tensors the workbench measures (empty path: none; the view then says how
    // to open one). The same file again keeps the report.
    void setModelFile(const QString& path, const std::vector<TensorInfo>& members);
    QString modelPath() const { return m_path; }

    // The importance file (imatrix or .npy) the report weighs its errors with; the window gives
    // the quantization panel's. Empty: none.
    std::function<QString()> importanceFile = [] { return QString(); };

    void setSchemes(const QString& list);
    QString schemes() const;
    // Starts the report off the GUI thread; false (and the reason in the status line) when
    // there is no model, the list does not parse or a pattern is not a valid regex.
    bool run();
    void cancel();
    // Shows a report as if computed (a finished run calls it).
    void setReport(std::shared_ptr<const ModelReport> report);
    std::shared_ptr<const ModelReport> report() const { return m_report; }
    QString statusText() const;

    void setMetric(ModelMetric metric);
    ModelMetric metric() const;
    void setHeatmapScheme(int scheme);
    void showTensorPoints(bool on);
    void showPage(const QString& name); // "table", "heatmap", "pareto"

    // The double-click of a cell: opens `tensor` with `scheme` (-1: the current configuration).
    void openTensor(int tensor, int scheme);

    // Exports; false and the reason in *error.
    bool exportHeatmap(const QString& path, const ExportOptions& options, QString* error);
    bool exportPareto(const QString& path, const ExportOptions& options, QString* error);
    // The table as shown (its rows in their order, the chosen metric in full precision).
    bool exportTableCsv(const QString& path, QString* error) const;
    // The whole report through the core's writers: JSON, or CSV for a .csv path.
    bool exportReport(const QString& path, QString* error) const;

    // The parts, for tests.
    QTableView* table() const { return m_table; }
    ModelTableModel* tableModel() const { return m_model; }
    ModelTableFilter* tableFilter() const { return m_filter; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    ModelHeatmap* heatmap() const { return m_heatmap; }
    ModelPlanner* planner() const { return m_planner; }
    QChart* paretoChart() const;
    QPushButton* runButton() const { return m_runButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }

signals:
    // Open `tensor` of the model file `path` in the explorer (followed by configRequested with
    // the scheme's configuration when a scheme was chosen).
    void tensorRequested(const QString& path, const QString& tensor);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // the table's width, font

private:
    QWidget* buildRunRows();
    QWidget* buildDisplayRow();
    QWidget* buildTablePage();
    QWidget* buildParetoPage();
    QMenu* buildSchemeMenu();
    QToolButton* buildExportButton();
    void addScheme(const QString& name);
    void connectParts();
    void listTensors();
    void finishRun(std::shared_ptr<ModelReport> report, const QString& error, bool cancelled);
    void pollProgress();
    void setRunning(bool running);
    void refreshDisplay();
    void fitTableColumns();
    void fitNameColumn();
    void rebuildPareto();
    void showPointTips(const QString& errorName);
    void planChanged();
    void cellActivated(const QModelIndex& index);
    void askExport(int what);

    QString m_path;
    std::vector<TensorInfo> m_members;
    std::shared_ptr<const ModelReport> m_report;
    QString m_currentTensor; // the explorer's tensor, selected in the table

    // A running report: its token and the progress the worker leaves for the GUI thread.
    struct Progress {
        std::atomic<int> done{0}, total{0};
        std::mutex mutex;
        std::string tensor;
    };
    std::shared_ptr<CancelToken> m_cancel;
    std::shared_ptr<Progress> m_progress;
    bool m_running = false;
    int m_generation = 0;
    QTimer m_progressTimer;

    QStackedWidget* m_stack;
    QLineEdit* m_schemes;
    QLineEdit* m_include;
    QLineEdit* m_exclude;
    QCheckBox* m_vectors;
    QPushButton* m_runButton;
    QPushButton* m_cancelButton;
    QProgressBar* m_progressBar;
    QLabel* m_status;
    QComboBox* m_metric;
    QComboBox* m_scheme;
    QTabWidget* m_pages;
    QLineEdit* m_filterEdit;
    QTableView* m_table;
    QWidget* m_tableViewport; // watched for its width
    int m_fittedWidth = -1;   // the table's width when the name column was last fitted
    ModelTableModel* m_model;
    ModelTableFilter* m_filter;
    ModelHeatmap* m_heatmap;
    QComboBox* m_paretoError;
    QCheckBox* m_tensorPoints;
    QChartView* m_pareto;
    ModelPlanner* m_planner;
};

} // namespace qs::ui
