#include "ui/views/model_view.h"

#include "core/config/presets.h"
#include "ui/charts/model_charts.h"
#include "ui/support/table_rows.h"
#include "ui/views/model_heatmap.h"
#include "ui/views/model_planner.h"
#include "ui/views/model_table.h"
#include "ui/views/view_job.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QCursor>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QXYSeries>

#include <cmath>

namespace qs::ui {

namespace {

// Tensor names elided at the front: their ends (layer, kind, weight or bias) tell them apart.
class LeftElidingDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = Qt::ElideLeft;
    }
};

} // namespace

QString defaultModelSchemes()
{
    return QStringLiteral("q8_0,q4_k,q4_0,nf4,int8-channel");
}

ModelView::ModelView(QWidget* parent) : AnalysisView(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);
    auto* none = new QLabel(tr("Open a file with several tensors (safetensors, GGUF, .npz, ONNX, "
                               "a PyTorch checkpoint) to measure every tensor under a list of "
                               "schemes, see where the error is and plan a mix of schemes for "
                               "a size budget."),
                            m_stack);
    none->setObjectName(QStringLiteral("modelPlaceholder"));
    none->setWordWrap(true);
    none->setAlignment(Qt::AlignCenter);
    none->setMargin(24);
    m_stack->addWidget(none);

    auto* page = new QWidget(m_stack);
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(6, 4, 6, 4);
    v->setSpacing(4);
    v->addWidget(buildRunRows());
    v->addWidget(buildDisplayRow());
    m_pages = new QTabWidget(page);
    m_pages->setObjectName(QStringLiteral("modelPages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(buildTablePage(), tr("Table"));
    m_heatmap = new ModelHeatmap(m_pages);
    m_heatmap->setToolTip(tr("Layers × kinds of tensor, coloured by the metric under the scheme "
                             "chosen above; hover a cell for its numbers, double-click it to "
                             "open the tensor in the explorer with that scheme."));
    m_pages->addTab(m_heatmap, tr("Heatmap"));
    m_pages->addTab(buildParetoPage(), tr("Pareto"));
    m_pages->setTabToolTip(0, tr("Every tensor under every scheme (double-click a cell: open it)"));
    m_pages->setTabToolTip(1, tr("Layer × kind of tensor for one scheme and metric"));
    m_pages->setTabToolTip(2, tr("Error against bits per weight: schemes, tensors, the plan"));
    v->addWidget(m_pages, 1);
    m_planner = new ModelPlanner(page);
    v->addWidget(m_planner);
    m_stack->addWidget(page);
    connectParts();
    setRunning(false);
}

ModelView::~ModelView()
{
    if (m_cancel)
        m_cancel->cancel();
}

// The scheme list with its picker, Run and Cancel; include / exclude and the 1-D switch below;
// the status line and the progress bar.
QWidget* ModelView::buildRunRows()
{
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(4);
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("&Schemes"), box);
    m_schemes = new QLineEdit(defaultModelSchemes(), box);
    m_schemes->setObjectName(QStringLiteral("modelSchemes"));
    m_schemes->setToolTip(tr("Presets or scheme names, comma-separated as for quantscope-cli "
                             "model --schemes (q8_0, q4_k, nf4, ggml-q4_0, int8-channel, …). "
                             "Enter runs the report."));
    label->setBuddy(m_schemes);
    auto* add = new QToolButton(box);
    add->setObjectName(QStringLiteral("addSchemeButton"));
    add->setText(tr("Add"));
    add->setToolTip(tr("Add a scheme or a preset to the list"));
    add->setPopupMode(QToolButton::InstantPopup);
    add->setMenu(buildSchemeMenu());
    m_runButton = new QPushButton(tr("&Run"), box);
    m_runButton->setObjectName(QStringLiteral("modelRunButton"));
    m_runButton->setToolTip(tr("Measure every tensor under every scheme of the list, off the "
                               "GUI thread (Ctrl+R); with an importance file in the "
                               "quantization panel, the weighted errors too"));
    auto* runAction = new QAction(tr("Run Model Report"), this);
    runAction->setShortcut(QKeySequence(tr("Ctrl+R")));
    connect(runAction, &QAction::triggered, this, [this] { run(); });
    addAction(runAction);
    m_cancelButton = new QPushButton(tr("&Cancel"), box);
    m_cancelButton->setObjectName(QStringLiteral("modelCancelButton"));
    m_cancelButton->setToolTip(tr("Stop the running report (Alt+C); what was measured is "
                                  "dropped"));
    row->addWidget(label);
    row->addWidget(m_schemes, 1);
    row->addWidget(add);
    row->addWidget(m_runButton);
    row->addWidget(m_cancelButton);
    v->addLayout(row);

    auto* filters = new QHBoxLayout;
    m_include = new QLineEdit(box);
    m_include->setObjectName(QStringLiteral("modelInclude"));
    m_include->setPlaceholderText(tr("include regex"));
    m_include->setToolTip(tr("Only tensors whose name matches this regular expression "
                             "(ECMAScript, as --include); empty: all"));
    m_exclude = new QLineEdit(box);
    m_exclude->setObjectName(QStringLiteral("modelExclude"));
    m_exclude->setPlaceholderText(tr("exclude regex"));
    m_exclude->setToolTip(tr("Leave out tensors whose name matches this regular expression (as "
                             "--exclude); empty: none"));
    m_vectors = new QCheckBox(tr("Norms too"), box);
    m_vectors->setObjectName(QStringLiteral("modelVectors"));
    m_vectors->setToolTip(tr("Quantize norms and other 1-D tensors too (by default they keep "
                             "their stored type)"));
    filters->addWidget(m_include, 1);
    filters->addWidget(m_exclude, 1);
    filters->addWidget(m_vectors);
    v->addLayout(filters);

    auto* status = new QHBoxLayout;
    m_status = new QLabel(box);
    m_status->setObjectName(QStringLiteral("modelStatus"));
    m_status->setWordWrap(true);
    m_progressBar = new QProgressBar(box);
    m_progressBar->setObjectName(QStringLiteral("modelProgress"));
    m_progressBar->setToolTip(tr("Tensors measured so far"));
    m_progressBar->setMaximumWidth(160);
    status->addWidget(m_status, 1);
    status->addWidget(m_progressBar);
    v->addLayout(status);
    return box;
}

QMenu* ModelView::buildSchemeMenu()
{
    auto* menu = new QMenu(this);
    QMenu* schemes = menu->addMenu(tr("Schemes"));
    for (const std::string& name : schemeNames()) {
        const QString n = QString::fromStdString(name);
        schemes->addAction(n, this, [this, n] { addScheme(n); });
    }
    schemes->addAction(QStringLiteral("int8-channel"), this,
                       [this] { addScheme(QStringLiteral("int8-channel")); });
    for (const PresetGroup& group : presetGroups()) {
        QMenu* sub = menu->addMenu(QString::fromStdString(group.title));
        for (const Preset& p : group.presets) {
            const QString n = QString::fromStdString(p.name);
            QAction* a = sub->addAction(n, this, [this, n] { addScheme(n); });
            a->setToolTip(QString::fromStdString(p.description));
        }
        sub->setToolTipsVisible(true);
    }
    return menu;
}

void ModelView::addScheme(const QString& name)
{
    QStringList list = m_schemes->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& s : list)
        s = s.trimmed();
    if (!list.contains(name))
        list << name;
    m_schemes->setText(list.join(QLatin1Char(',')));
}

// The metric and the heatmap's scheme, shared by the pages, and the export menu.
QWidget* ModelView::buildDisplayRow()
{
    auto* box = new QWidget(this);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    auto* metricLabel = new QLabel(tr("&Metric"), box);
    m_metric = new QComboBox(box);
    m_metric->setObjectName(QStringLiteral("modelMetric"));
    for (ModelMetric m : allModelMetrics()) {
        m_metric->addItem(modelMetricName(m), int(m));
        m_metric->setItemData(m_metric->count() - 1, modelMetricDescription(m), Qt::ToolTipRole);
    }
    m_metric->setToolTip(tr("The number the table's scheme columns and the heatmap show"));
    m_metric->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_metric->setMinimumContentsLength(6);
    metricLabel->setBuddy(m_metric);
    auto* schemeLabel = new QLabel(tr("Sc&heme"), box);
    m_scheme = new QComboBox(box);
    m_scheme->setObjectName(QStringLiteral("modelScheme"));
    m_scheme->setToolTip(tr("The scheme the heatmap shows, and the one a double-click on a "
                            "name opens the tensor with"));
    // Narrow enough for the centre of the smallest window; the list shows whole names.
    m_scheme->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_scheme->setMinimumContentsLength(6);
    schemeLabel->setBuddy(m_scheme);
    row->addWidget(metricLabel);
    row->addWidget(m_metric);
    row->addWidget(schemeLabel);
    row->addWidget(m_scheme);
    row->addStretch(1);
    row->addWidget(buildExportButton());
    return box;
}

QToolButton* ModelView::buildExportButton()
{
    auto* button = new QToolButton(this);
    button->setObjectName(QStringLiteral("modelExportButton"));
    button->setText(tr("Export"));
    button->setToolTip(tr("Save the heatmap or the chart (PNG, SVG, PDF), the table (CSV) or "
                          "the report (JSON or CSV)"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    const QStringList items = {tr("Heatmap…"), tr("Pareto Chart…"), tr("Table as CSV…"),
                               tr("Report (JSON or CSV)…")};
    for (int i = 0; i < items.size(); ++i)
        menu->addAction(items[i], this, [this, i] { askExport(i); });
    button->setMenu(menu);
    return button;
}

QWidget* ModelView::buildTablePage()
{
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(0, 4, 0, 0);
    m_filterEdit = new QLineEdit(page);
    m_filterEdit->setObjectName(QStringLiteral("modelTableFilter"));
    m_filterEdit->setPlaceholderText(tr("Filter: name, kind (mlp_down) or kind:attn_q layer:3"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setToolTip(tr("Rows whose name or kind contains every word; kind:K and "
                                "layer:N match exactly"));
    v->addWidget(m_filterEdit);
    m_model = new ModelTableModel(this);
    m_filter = new ModelTableFilter(this);
    m_filter->setSourceModel(m_model);
    m_table = new QTableView(page);
    m_table->setObjectName(QStringLiteral("modelTable"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // file order until a header is clicked
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    keepRowsFittingFont(m_table, 6);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setResizeContentsPrecision(500); // rows measured for widths
    m_table->setTextElideMode(Qt::ElideMiddle); // long names: the full name is the tooltip
    m_table->setItemDelegateForColumn(ModelTableModel::NameColumn,
                                      new LeftElidingDelegate(m_table));
    m_tableViewport = m_table->viewport();
    m_tableViewport->installEventFilter(this);
    m_table->installEventFilter(this); // its font: columns fitted again
    v->addWidget(m_table, 1);
    return page;
}

QWidget* ModelView::buildParetoPage()
{
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(0, 4, 0, 0);
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("&Error"), page);
    m_paretoError = new QComboBox(page);
    m_paretoError->setObjectName(QStringLiteral("paretoError"));
    m_paretoError->addItem(tr("model SSE"));
    m_paretoError->addItem(tr("rel RMSE"));
    m_paretoError->setToolTip(tr("The error axis: the summed squared error (what the planner "
                                 "minimises) or the relative RMSE, sqrt(SSE / signal energy)"));
    label->setBuddy(m_paretoError);
    m_tensorPoints = new QCheckBox(tr("&Tensor points"), page);
    m_tensorPoints->setObjectName(QStringLiteral("tensorPoints"));
    m_tensorPoints->setToolTip(tr("Also each tensor's point under every scheme"));
    row->addWidget(label);
    row->addWidget(m_paretoError);
    row->addSpacing(8);
    row->addWidget(m_tensorPoints);
    row->addStretch(1);
    v->addLayout(row);
    m_pareto = newChartView(page);
    m_pareto->setObjectName(QStringLiteral("paretoView"));
    m_pareto->setToolTip(tr("Each scheme's total over the model; the dashed curve: the best "
                            "mixes of schemes for every size; the square: the plan at the "
                            "budget"));
    v->addWidget(m_pareto, 1);
    return page;
}

void ModelView::connectParts()
{
    connect(m_runButton, &QPushButton::clicked, this, [this] { run(); });
    connect(m_schemes, &QLineEdit::returnPressed, this, [this] { run(); });
    connect(m_cancelButton, &QPushButton::clicked, this, &ModelView::cancel);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ModelView::refreshDisplay);
    connect(m_scheme, &QComboBox::currentIndexChanged, this, &ModelView::refreshDisplay);
    connect(m_paretoError, &QComboBox::currentIndexChanged, this, &ModelView::rebuildPareto);
    connect(m_tensorPoints, &QCheckBox::toggled, this, &ModelView::rebuildPareto);
    connect(m_filterEdit, &QLineEdit::textChanged, m_filter, &ModelTableFilter::setFilterText);
    connect(m_table, &QTableView::doubleClicked, this, &ModelView::cellActivated);
    connect(m_heatmap, &ModelHeatmap::tensorActivated, this, &ModelView::openTensor);
    connect(m_planner, &ModelPlanner::planChanged, this, &ModelView::planChanged);
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, &ModelView::pollProgress);
}

// ---- what is shown ----------------------------------------------------------------------------

void ModelView::setMetric(ModelMetric metric)
{
    m_metric->setCurrentIndex(m_metric->findData(int(metric)));
}

ModelMetric ModelView::metric() const
{
    return ModelMetric(m_metric->currentData().toInt());
}

void ModelView::setHeatmapScheme(int scheme)
{
    m_scheme->setCurrentIndex(scheme);
}

void ModelView::showTensorPoints(bool on)
{
    m_tensorPoints->setChecked(on);
}

void ModelView::showPage(const QString& name)
{
    const QStringList pages = {QStringLiteral("table"), QStringLiteral("heatmap"),
                               QStringLiteral("pareto")};
    m_pages->setCurrentIndex(std::max(0, int(pages.indexOf(name))));
}

void ModelView::refreshDisplay()
{
    m_model->setMetric(metric());
    m_heatmap->setReport(m_report, std::max(0, m_scheme->currentIndex()), metric());
    fitTableColumns();
}

// Every column as wide as its contents, but the names at most 30 % of the table (elided at the
// front: kind and layer have columns of their own, the full name is the tooltip), and the
// schemes' columns right after name, kind, layer and plan, so that they show without scrolling
// as far as they can (at 1280x720 with both side panels: three schemes; F9 hides the panels).
void ModelView::fitTableColumns()
{
    // Shape, parameters and stored type after the schemes: the numbers come first.
    QHeaderView* header = m_table->horizontalHeader();
    for (int c : {ModelTableModel::ShapeColumn, ModelTableModel::ParamsColumn,
                  ModelTableModel::StoredColumn})
        header->moveSection(header->visualIndex(c), header->count() - 1);
    m_table->resizeColumnsToContents();
    fitNameColumn();
}

// The names as wide as they are, up to 30 % of the table as it is now.
void ModelView::fitNameColumn()
{
    m_fittedWidth = m_tableViewport->width();
    const QAbstractItemView* view = m_table; // sizeHintForColumn is public here
    const int most = std::max(160, m_fittedWidth * 3 / 10);
    m_table->setColumnWidth(ModelTableModel::NameColumn,
                            std::min(most, view->sizeHintForColumn(ModelTableModel::NameColumn)));
}

// Only a resize of the table's viewport and a change of the table's font are looked at (the
// type first: events that arrive while the table is being destroyed touch nothing).
bool ModelView::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize && watched == m_tableViewport &&
        m_tableViewport->width() != m_fittedWidth && m_model->rowCount() > 0)
        fitNameColumn();
    else if (event->type() == QEvent::FontChange && watched == m_table && m_model->rowCount() > 0)
        fitTableColumns();
    return AnalysisView::eventFilter(watched, event);
}

QChart* ModelView::paretoChart() const
{
    return m_pareto->chart();
}

QList<QChart*> ModelView::exportCharts()
{
    return {m_pareto->chart()};
}

void ModelView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on);
    rebuildPareto();
}

// The chart from the report's totals, its tensors (on demand) and the plan.
void ModelView::rebuildPareto()
{
    ModelParetoInput in;
    const bool rel = m_paretoError->currentIndex() == 1;
    const bool weighted = m_planner->weighted();
    in.errorName = rel ? tr("rel RMSE") : weighted ? tr("weighted SSE") : tr("model SSE");
    if (!m_report) {
        replaceChart(m_pareto, buildModelParetoChart(in, viewChartStyle(m_presentation)));
        return;
    }
    double signal = 0;
    for (const TensorReport& t : m_report->tensors)
        signal += t.rms * t.rms * double(t.params);
    auto error = [&](double sse, double energy) {
        return rel ? (energy > 0 ? std::sqrt(sse / energy) : 0.0) : sse;
    };
    for (size_t s = 0; s < m_report->schemes.size(); ++s) {
        ModelParetoInput::Scheme scheme;
        scheme.name = QString::fromStdString(m_report->schemes[s].name);
        const SchemeTotals& total = m_report->totals[s];
        scheme.total = QPointF(total.bitsPerElement,
                               error(weighted ? total.weightedSse : total.sse, total.signalEnergy));
        if (m_tensorPoints->isChecked())
            for (const TensorReport& t : m_report->tensors) {
                const SchemeMetrics& m = t.results[s];
                if (m.ok)
                    scheme.tensors << QPointF(
                        m.bitsPerElement, error(weighted ? m.weightedSse : m.sse, m.signalEnergy));
            }
        in.schemes.push_back(scheme);
    }
    if (m_planner->hasPlan() && (!rel || !weighted)) {
        for (const ParetoPoint& p : m_planner->plan().pareto)
            in.planCurve << QPointF(p.bitsPerElement, error(p.error, signal));
        in.hasChoice = true;
        in.choice =
            QPointF(m_planner->plan().bitsPerElement, error(m_planner->plan().error, signal));
    }
    in.subtitle =
        tr("%1 — %2 tensors").arg(QFileInfo(m_path).fileName()).arg(m_report->tensors.size());
    replaceChart(m_pareto, buildModelParetoChart(in, viewChartStyle(m_presentation)));
    showPointTips(in.errorName);
}

// Hovering a point shows its name and numbers.
void ModelView::showPointTips(const QString& errorName)
{
    for (QAbstractSeries* series : m_pareto->chart()->series()) {
        auto* xy = qobject_cast<QXYSeries*>(series);
        QString name = series->objectName().section(QLatin1Char(':'), 1);
        if (series->objectName() == QLatin1String("planChoice"))
            name = tr("the plan at the budget");
        else if (series->objectName().startsWith(QLatin1String("tensors:")))
            name = tr("a tensor under %1").arg(name);
        if (!xy || name.isEmpty() || series->objectName().startsWith(QLatin1String("label:")))
            continue; // a label's anchor is no data point
        connect(xy, &QXYSeries::hovered, m_pareto, [this, name, errorName](QPointF p, bool on) {
            if (on)
                QToolTip::showText(QCursor::pos(),
                                   tr("%1\n%2 bits per weight, %3 %4")
                                       .arg(name)
                                       .arg(p.x(), 0, 'f', 3)
                                       .arg(errorName)
                                       .arg(p.y(), 0, 'g', 4),
                                   m_pareto);
            else
                QToolTip::hideText();
        });
    }
}

void ModelView::planChanged()
{
    m_model->setPlan(m_planner->schemeOfTensor());
    rebuildPareto();
}

} // namespace qs::ui
