#include "ui/window/main_window.h"

#include "core/io/csv_io.h"
#include "core/io/npy.h"
#include "core/io/tensor_file.h"
#include "core/report/report.h"
#include "core/report/result_csv.h"
#include "ui/panels/numbers_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/panels/slice_table.h"
#include "ui/panels/source_panel.h"
#include "ui/support/image_tensor.h"
#include "ui/views/analysis_view.h"

#include <QAction>
#include <QApplication>
#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QThreadPool>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QXYSeries>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>

#include <cmath>

// Resources of a static library must be registered explicitly (outside any namespace).
static void initResources()
{
    Q_INIT_RESOURCE(quantscope);
}

namespace qs::ui {

namespace {

constexpr int kDebounceMs = 15;
constexpr int kMaxRecent = 8;
// From this many elements on, a chart's data (downsampled series, histograms) is reduced on a
// worker thread when a tab, the zoom window, a bin count or the grid's slice changes; smaller
// tensors take well under a millisecond and are drawn at once.
constexpr int64_t kAsyncChartElements = int64_t(1) << 16;
// A chart whose new data takes longer than this is dimmed meanwhile (it shows an older result).
constexpr int kDimStaleChartMs = 120;

QString qstr(const std::string& s)
{
    return QString::fromStdString(s);
}

int64_t elementsOf(const Tensor& t)
{
    return t.numel();
}
int64_t elementsOf(const QuantResult& r)
{
    return int64_t(r.dequantized.size());
}

// Freeing a big tensor or result (hundreds of MB) takes the kernel a while: if this is the
// last reference, a worker thread drops it instead of the GUI thread.
template <class T> void releaseLater(std::shared_ptr<const T> p)
{
    if (p && p.use_count() == 1 && elementsOf(*p) > (int64_t(1) << 20))
        QThreadPool::globalInstance()->start([q = std::move(p)]() mutable { q.reset(); });
}
std::string sstr(const QString& s)
{
    return s.toStdString();
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : MainWindow(Options(), parent) {}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), m_options(options)
{
    initResources();
    setWindowTitle(tr("QuantScope"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/quantscope.svg")));
    setAcceptDrops(true);
    m_jobs = new JobRunner(this);
    connect(m_jobs, &JobRunner::finished, this, &MainWindow::onJobFinished);
    connect(m_jobs, &JobRunner::busyChanged, this, [this](bool busy) {
        m_progress->setVisible(busy);
        m_cancel->setVisible(busy);
        if (!busy && !m_changePending)
            setStatus(m_lastError.isEmpty() ? tr("Ready") : m_lastError);
        emit busyChanged(busy);
    });
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &MainWindow::startJob);
    m_zoomTimer.setSingleShot(true);
    m_zoomTimer.setInterval(20); // a rubber band reports one range; this only merges bursts

    buildUi();
    buildMenus();
    buildTeachingUi();
    buildTeachingMenus();

    Session start;
    start.source.generator = exampleGenerator();
    if (m_options.useSettings) {
        QSettings settings;
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
        restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
        const QByteArray last = settings.value(QStringLiteral("session/last")).toByteArray();
        if (!last.isEmpty()) {
            try {
                const Session s = sessionFromJson(last, tr("last session"));
                start.config = s.config;
                start.tab = s.tab;
                start.errorBins = s.errorBins;
                // Generated sources come back; files are reopened by the user (recent files).
                if (s.source.kind == SourceSpec::Kind::Generated)
                    start.source = s.source;
            } catch (const Error&) {
                // A stale or damaged entry: start on the defaults.
            }
        }
    }
    if (m_options.startExample)
        applySession(start);
}

MainWindow::~MainWindow()
{
    m_jobs->cancelAll();
    m_jobs->waitForDone();
    for (ChartPage& p : m_pages) {
        if (p.view)
            p.view->setChart(new QChart);
        delete p.chart;
        p.chart = nullptr;
    }
}

void MainWindow::buildUi()
{
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->setChildrenCollapsible(false);

    // Left: source and quantization controls, scrollable on small screens.
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 6, 6);
    m_source = new SourcePanel(left);
    m_quant = new QuantPanel(left);
    leftLayout->addWidget(m_quant);
    leftLayout->addWidget(m_source);
    leftLayout->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(left->minimumSizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width() + 4);
    splitter->addWidget(scroll);

    // Centre: one tab per chart.
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("chartTabs"));
    const QList<ChartKind> kinds = allChartKinds();
    for (int i = 0; i < int(m_pages.size()) && i < kinds.size(); ++i) {
        ChartPage& p = m_pages[size_t(i)];
        p.kind = kinds[i];
        p.view = new QChartView(new QChart);
        p.view->setObjectName(QStringLiteral("chartView-") + chartKindName(p.kind));
        p.view->setRenderHint(QPainter::Antialiasing);
        p.chart = p.view->chart();
        QWidget* pageWidget = p.view;
        if (p.kind == ChartKind::Values || p.kind == ChartKind::Codes) {
            p.view->setRubberBand(QChartView::HorizontalRubberBand);
            p.view->setToolTip(tr("Drag to zoom into an index range (re-sampled at full detail); "
                                  "right-click to zoom out; Ctrl+0 shows everything."));
        } else if (p.kind == ChartKind::Histogram) {
            auto* w = new QWidget;
            auto* v = new QVBoxLayout(w);
            v->setContentsMargins(0, 0, 0, 0);
            auto* row = new QHBoxLayout;
            row->setContentsMargins(6, 4, 6, 0);
            m_valueBins = new QSpinBox(w);
            m_valueBins->setObjectName(QStringLiteral("valueBinsSpin"));
            m_valueBins->setRange(8, 4096);
            m_valueBins->setValue(256);
            m_valueBins->setKeyboardTracking(false);
            m_valueBins->setToolTip(tr("Number of bins of the value histogram."));
            m_slice = new QSpinBox(w);
            m_slice->setObjectName(QStringLiteral("sliceSpin"));
            m_slice->setRange(0, 0);
            m_slice->setKeyboardTracking(false);
            m_slice->setToolTip(tr("Per channel / group: the slice whose quantization grid and "
                                   "clipping bounds are drawn (also: double-click a row of the "
                                   "slice table)."));
            auto* binsLabel = new QLabel(tr("Bins"), w);
            binsLabel->setBuddy(m_valueBins);
            auto* sliceLabel = new QLabel(tr("Grid of slice"), w);
            sliceLabel->setBuddy(m_slice);
            row->addWidget(binsLabel);
            row->addWidget(m_valueBins);
            row->addSpacing(12);
            row->addWidget(sliceLabel);
            row->addWidget(m_slice);
            row->addStretch(1);
            v->addLayout(row);
            v->addWidget(p.view, 1);
            pageWidget = w;
            for (QSpinBox* spin : {m_valueBins, m_slice})
                connect(spin, &QSpinBox::valueChanged, this, [this] {
                    page(ChartKind::Histogram).dirty = true;
                    refreshVisibleChart();
                });
        } else if (p.kind == ChartKind::ErrorHistogram) {
            auto* w = new QWidget;
            auto* v = new QVBoxLayout(w);
            v->setContentsMargins(0, 0, 0, 0);
            auto* row = new QHBoxLayout;
            row->setContentsMargins(6, 4, 6, 0);
            m_errorBins = new QSpinBox(w);
            m_errorBins->setObjectName(QStringLiteral("errorBinsSpin"));
            m_errorBins->setRange(5, 2001);
            m_errorBins->setValue(101);
            m_errorBins->setKeyboardTracking(false);
            m_errorBins->setToolTip(tr("Number of bins of the error histogram."));
            auto* label = new QLabel(tr("&Bins"), w);
            label->setBuddy(m_errorBins);
            row->addWidget(label);
            row->addWidget(m_errorBins);
            row->addStretch(1);
            v->addLayout(row);
            v->addWidget(p.view, 1);
            pageWidget = w;
            connect(m_errorBins, &QSpinBox::valueChanged, this, [this] {
                page(ChartKind::ErrorHistogram).dirty = true;
                refreshVisibleChart();
            });
        } else if (p.kind == ChartKind::Channels) {
            // Chart above, the sortable per-slice table below it (both need the width).
            auto* s = new QSplitter(Qt::Vertical);
            m_sliceTable = new SliceTable(s);
            connect(m_sliceTable, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
                m_slice->setValue(int(m_sliceTable->sliceModel()->sliceAt(i.row())));
                setCurrentChart(ChartKind::Histogram);
            });
            s->addWidget(p.view);
            s->addWidget(m_sliceTable);
            s->setStretchFactor(0, 3);
            s->setStretchFactor(1, 2);
            s->setSizes({500, 300});
            pageWidget = s;
        }
        // Short tab names keep every tab visible; the chart's own title says it in full.
        static const char* shortNames[] = {"Values", "Codes", "Histogram", "Error", "Channels"};
        const int tab = m_tabs->addTab(pageWidget, tr(shortNames[std::min(i, 4)]));
        m_tabs->setTabToolTip(tab, chartKindTitle(p.kind));
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { refreshVisibleChart(); });
    splitter->addWidget(m_tabs);

    // Right: the tensor's facts and the numbers of the result.
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 6, 6, 6);
    rightLayout->addWidget(m_source->factsBox());
    m_numbers = new NumbersPanel(right);
    rightLayout->addWidget(m_numbers, 1);
    right->setMinimumWidth(280);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 0);
    setCentralWidget(splitter);
    splitter->setSizes({390, 710, 300});

    connect(m_quant, &QuantPanel::configChanged, this, &MainWindow::scheduleJob);
    connect(m_source, &SourcePanel::generateRequested, this, [this] {
        try {
            generate(m_source->generatorOptions());
        } catch (const Error& e) {
            showError(qstr(e.what()), false);
        }
    });
    connect(m_source, &SourcePanel::openRequested, this, &MainWindow::onOpenFile);
    connect(m_source, &SourcePanel::memberChosen, this, [this](const QString& member) {
        if (m_sourceSpec.kind == SourceSpec::Kind::File)
            openFile(m_sourceSpec.path, member);
    });
    connect(m_source, &SourcePanel::grayscaleChanged, this, [this] {
        if (m_sourceSpec.kind == SourceSpec::Kind::File && isImageFile(m_sourceSpec.path))
            openFile(m_sourceSpec.path);
    });

    m_statusText = new QLabel(tr("Ready"));
    m_statusText->setObjectName(QStringLiteral("statusText"));
    m_progress = new QProgressBar;
    m_progress->setRange(0, 0); // busy indicator: quantize reports no fraction
    m_progress->setMaximumWidth(140);
    m_progress->setMaximumHeight(16);
    m_progress->hide();
    m_cancel = new QToolButton;
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running computation (Esc)."));
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_debounce.stop();
        m_jobs->cancelAll();
        m_changePending = false;
        setStatus(tr("Cancelled"));
    });
    statusBar()->addWidget(m_statusText, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    resize(1400, 900);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Tensor…"), this, &MainWindow::onOpenFile);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addAction(tr("&Generate Example"), this, [this] {
        m_source->setGeneratorOptions(exampleGenerator());
        generate(exampleGenerator());
    });
    file->addSeparator();
    file->addAction(tr("Open &Session…"), QKeySequence(tr("Ctrl+Shift+O")), this,
                    &MainWindow::onOpenSession);
    file->addAction(tr("&Save Session…"), QKeySequence::Save, this, &MainWindow::onSaveSession);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* exp = menuBar()->addMenu(tr("&Export"));
    exp->addAction(tr("&Chart…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::onExportChart);
    exp->addAction(tr("&All Charts…"), QKeySequence(tr("Ctrl+Shift+E")), this,
                   &MainWindow::onExportAll);
    exp->addAction(tr("Co&py Chart"), QKeySequence(tr("Ctrl+Shift+C")), this,
                   &MainWindow::copyChartToClipboard);
    exp->addSeparator();
    exp->addAction(tr("Codes (.npy)…"), this, [this] { onExportData(0); });
    exp->addAction(tr("Dequantized Values (.npy)…"), this, [this] { onExportData(1); });
    exp->addAction(tr("Table (.csv)…"), this, [this] { onExportData(2); });
    exp->addAction(tr("JSON Report…"), this, [this] { onExportData(3); });

    QMenu* quant = menuBar()->addMenu(tr("&Quantize"));
    QAction* up = quant->addAction(tr("More Bits"), this, [this] { m_quant->stepBits(+1); });
    up->setShortcuts(
        {QKeySequence(tr("Ctrl+Up")), QKeySequence(tr("Ctrl++")), QKeySequence(tr("Ctrl+="))});
    QAction* down = quant->addAction(tr("Fewer Bits"), this, [this] { m_quant->stepBits(-1); });
    down->setShortcuts({QKeySequence(tr("Ctrl+Down")), QKeySequence(tr("Ctrl+-"))});
    quant->addAction(tr("Next Scheme"), QKeySequence(tr("Ctrl+]")), this,
                     [this] { m_quant->stepScheme(+1); });
    quant->addAction(tr("Previous Scheme"), QKeySequence(tr("Ctrl+[")), this,
                     [this] { m_quant->stepScheme(-1); });
    quant->addSeparator();
    quant->addAction(tr("Cancel Computation"), QKeySequence(Qt::Key_Escape), m_cancel,
                     &QToolButton::click);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < int(m_pages.size()); ++i) {
        QAction* a = view->addAction(chartKindTitle(m_pages[size_t(i)].kind), this,
                                     [this, i] { m_tabs->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(QStringLiteral("Alt+%1").arg(i + 1)));
    }
    view->addSeparator();
    view->addAction(tr("Show All Indices"), QKeySequence(tr("Ctrl+0")), this, [this] {
        m_viewBegin = 0;
        m_viewEnd = -1;
        page(ChartKind::Values).dirty = true;
        page(ChartKind::Codes).dirty = true;
        refreshVisibleChart();
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("QuantScope &Help"), QKeySequence::HelpContents, this, &MainWindow::onHelp);
    help->addAction(tr("&About QuantScope"), this, &MainWindow::onAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

// ---- sources -------------------------------------------------------------------------------

void MainWindow::generate(const GeneratorOptions& options)
{
    m_pendingSource = SourceSpec();
    m_pendingSource.kind = SourceSpec::Kind::Generated;
    m_pendingSource.generator = options;
    m_pendingMembers.reset();
    m_pendingWarnings.reset();
    m_pendingMaker = [options](const CancelToken&) { return qs::generate(options); };
    scheduleJob();
}

void MainWindow::openFile(const QString& path, const QString& member)
{
    if (path.endsWith(QLatin1String(".qscope"), Qt::CaseInsensitive)) {
        openSession(path);
        return;
    }
    m_pendingSource = SourceSpec();
    m_pendingSource.kind = SourceSpec::Kind::File;
    m_pendingSource.path = QFileInfo(path).absoluteFilePath();
    m_pendingSource.member = member;
    m_pendingSource.grayscale = m_source->grayscale();
    auto members = std::make_shared<std::vector<TensorInfo>>();
    auto warnings = std::make_shared<std::vector<std::string>>();
    m_pendingMembers = members;
    m_pendingWarnings = warnings;
    const QString file = m_pendingSource.path;
    const bool gray = m_pendingSource.grayscale;
    // Runs on a worker thread: only the captured values and the two shared vectors are touched.
    m_pendingMaker = [file, member, gray, members, warnings](const CancelToken&) {
        if (isImageFile(file))
            return loadImageTensor(file, gray);
        const std::string path = sstr(file);
        if (!isTensorFile(path))
            throw Error(sstr(QFileInfo(file).fileName()) +
                        ": unknown file type (expected .npy, .npz, .safetensors, .csv, .txt, "
                        ".png, .jpg or .bmp)");
        *members = listTensors(path);
        std::string pick = sstr(member);
        if (pick.empty() && members->size() > 1)
            pick = members->front().name; // several tensors: start on the first
        return loadTensor(path, pick, warnings.get());
    };
    setStatus(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    scheduleJob();
}

void MainWindow::setTensor(Tensor tensor)
{
    m_pendingSource = SourceSpec();
    m_pendingSource.kind = SourceSpec::Kind::Custom;
    m_pendingMembers.reset();
    m_pendingWarnings.reset();
    auto shared = std::make_shared<Tensor>(std::move(tensor));
    m_pendingMaker = [shared](const CancelToken&) { return *shared; };
    scheduleJob();
}

// ---- jobs ----------------------------------------------------------------------------------

void MainWindow::scheduleJob()
{
    if (!m_changePending) {
        m_changePending = true;
        m_changeClock.start();
    }
    m_debounce.start();
}

void MainWindow::startJob()
{
    const QuantConfig cfg = m_quant->config();
    // The visible chart's data is reduced on the worker right after quantize, so the GUI thread
    // only turns a few thousand numbers into a QChart.
    JobRunner::ChartPreparer prepare;
    const int tab = m_tabs->currentIndex();
    if (tab >= 0 && tab < int(m_pages.size())) {
        const ChartKind kind = m_pages[size_t(tab)].kind;
        ChartInput input = chartInput(kind);
        if (m_pendingMaker) { // a new tensor starts unzoomed
            input.viewBegin = 0;
            input.viewEnd = -1;
        }
        const int64_t slice = m_slice ? m_slice->value() : 0;
        prepare = [kind, input, slice](const Tensor& t, const QuantResult& r) {
            ChartInput in = input;
            in.tensor = &t;
            in.result = &r;
            in.slice = std::min<int64_t>(slice, r.params.numSlices() - 1);
            return std::make_shared<const ChartData>(prepareChartData(kind, in));
        };
    }
    if (m_pendingMaker) {
        m_jobs->submit(m_pendingMaker, nullptr, cfg, prepare);
    } else if (m_tensor) {
        m_jobs->submit({}, m_tensor, cfg, prepare);
    } else {
        m_changePending = false;
        return;
    }
    const int64_t n = m_pendingMaker ? 0 : m_tensor->numel();
    setStatus(n > 0 ? tr("Quantizing %1 values…").arg(QLocale().toString(qlonglong(n)))
                    : tr("Preparing tensor…"));
}

void MainWindow::onJobFinished(JobOutputPtr out)
{
    QElapsedTimer gui;
    gui.start();
    if (!out->loadError.isEmpty()) {
        // The previous tensor stays; the request that failed is forgotten.
        m_pendingMaker = nullptr;
        showError(out->loadError, true);
        if (m_tensor && (!m_result || m_result->config.summary() != m_quant->config().summary()))
            scheduleJob(); // the config may have changed while loading
        else
            m_changePending = false;
        return;
    }
    if (out->newTensor) {
        m_pendingMaker = nullptr;
        releaseLater(std::exchange(m_tensor, out->tensor));
        setNewResult();
        m_sourceSpec = m_pendingSource;
        m_viewBegin = 0;
        m_viewEnd = -1;
        QString origin;
        if (m_sourceSpec.kind == SourceSpec::Kind::File) {
            origin = QFileInfo(m_sourceSpec.path).fileName();
            addRecentFile(m_sourceSpec.path);
            if (m_pendingMembers && m_pendingMembers->size() > 1)
                m_source->setMembers(*m_pendingMembers, qstr(m_tensor->name));
            else
                m_source->clearMembers();
        } else {
            m_source->clearMembers();
            origin = m_sourceSpec.kind == SourceSpec::Kind::Generated ? tr("generated") : QString();
        }
        m_source->setFacts(*m_tensor, out->facts, origin);
        m_quant->setTensorShape(m_tensor->shape);
        if (m_pendingWarnings && !m_pendingWarnings->empty())
            setStatus(qstr(m_pendingWarnings->front()));
    }
    if (!out->result) {
        m_result.reset();
        setNewResult();
        m_lastError = out->quantError;
        m_numbers->clear();
        m_numbers->setError(out->quantError);
        m_tablePending = false;
        m_sliceTable->setResult(nullptr);
        markChartsDirty();
        refreshVisibleChart();
        m_changePending = false;
        setStatus(out->quantError);
        emit errorShown(out->quantError);
        return;
    }
    m_lastError.clear();
    // The slice table holds the previous result too: release it after the table let go.
    std::shared_ptr<const QuantResult> previous = std::exchange(m_result, out->result);
    setNewResult();
    m_numbers->setResult(*m_result);
    {
        QSignalBlocker block(m_slice);
        m_slice->setMaximum(int(std::max<int64_t>(0, m_result->params.numSlices() - 1)));
        m_slice->setEnabled(m_result->params.numSlices() > 1);
    }
    // The slice table takes the result in the next round of the event loop: with half a million
    // groups its header needs ~12 ms, which need not add to this handler's stretch.
    m_tablePending = true;
    QTimer::singleShot(0, this, [this, shown = std::weak_ptr<const QuantResult>(m_result)] {
        if (!m_tablePending || shown.lock() != m_result)
            return; // a newer result (or none) came meanwhile and scheduled its own
        m_tablePending = false;
        m_sliceTable->setResult(m_result);
    });
    releaseLater(std::move(previous));
    markChartsDirty();
    if (out->chart)
        page(out->chart->kind).prepared = out->chart;
    m_latencyPending = m_changePending;
    m_changePending = false;
    refreshVisibleChart();
    m_lastResultGuiMs = double(gui.nsecsElapsed()) / 1e6;
    setStatus(
        tr("%1 · %2 values · quantized in %3 ms")
            .arg(qstr(m_result->config.summary()), QLocale().toString(qlonglong(m_tensor->numel())))
            .arg(out->quantizeMs, 0, 'f', 1));
    emit resultReady();
}

bool MainWindow::isBusy() const
{
    return m_jobs->isBusy() || m_debounce.isActive() || m_tablePending || m_zoomTimer.isActive() ||
           std::any_of(m_pages.begin(), m_pages.end(),
                       [](const ChartPage& p) { return p.preparing; });
}

bool MainWindow::isIdle() const
{
    return !isBusy() && !m_changePending;
}

// ---- charts --------------------------------------------------------------------------------

MainWindow::ChartPage& MainWindow::page(ChartKind kind)
{
    for (ChartPage& p : m_pages)
        if (p.kind == kind)
            return p;
    return m_pages[0];
}

ChartInput MainWindow::chartInput(ChartKind kind) const
{
    ChartInput in;
    in.tensor = m_tensor.get();
    in.result = m_result.get();
    if (kind == ChartKind::Values || kind == ChartKind::Codes) {
        in.viewBegin = m_viewBegin;
        in.viewEnd = m_viewEnd;
    }
    in.errorBins = m_errorBins ? m_errorBins->value() : 101;
    in.valueBins = m_valueBins ? m_valueBins->value() : 256;
    if (m_slice && m_result)
        in.slice = std::min<int64_t>(m_slice->value(), m_result->params.numSlices() - 1);
    return in;
}

namespace {

// Whether data prepared for `a` draws the chart asked for by `b`.
bool sameInput(const ChartInput& a, const ChartInput& b)
{
    return a.tensor == b.tensor && a.result == b.result && a.viewBegin == b.viewBegin &&
           a.viewEnd == b.viewEnd && a.maxPoints == b.maxPoints && a.valueBins == b.valueBins &&
           a.errorBins == b.errorBins && a.slice == b.slice;
}

} // namespace

void MainWindow::markChartsDirty()
{
    for (ChartPage& p : m_pages)
        p.dirty = true;
}

void MainWindow::setNewResult()
{
    ++m_resultSerial;
    // Prepared data points at the old tensor and result by address; a recycled result may come
    // back at the same address with other contents, so none of it may be used any more.
    for (ChartPage& p : m_pages)
        p.prepared.reset();
}

namespace {

struct PreparedChart {
    std::shared_ptr<const ChartData> data;
    QString error; // prepareChartData threw
};

} // namespace

void MainWindow::prepareChartAsync(ChartPage& p, const ChartInput& input)
{
    if (p.preparing)
        return; // one reduction per page at a time: its arrival starts the next if needed
    p.preparing = true;
    const ChartKind kind = p.kind;
    const quint64 serial = m_resultSerial;
    QTimer::singleShot(kDimStaleChartMs, this, [this, kind, serial] {
        ChartPage& q = page(kind);
        if (q.preparing && q.chart && q.builtSerial != serial && serial == m_resultSerial)
            q.chart->setOpacity(0.35);
    });
    // The worker holds the tensor and result (they stay alive and are not recycled meanwhile).
    std::shared_ptr<const Tensor> tensor = m_tensor;
    std::shared_ptr<const QuantResult> result = m_result;
    QtConcurrent::run([tensor, result, kind, input] {
        PreparedChart out;
        try {
            out.data = std::make_shared<const ChartData>(prepareChartData(kind, input));
        } catch (const std::exception& e) {
            out.error = qstr(e.what());
        }
        return out;
    }).then(this, [this, kind, tensor, result, input](PreparedChart out) mutable {
        ChartPage& q = page(kind);
        q.preparing = false;
        const bool current =
            tensor == m_tensor && result == m_result && sameInput(input, chartInput(kind));
        std::shared_ptr<const ChartData> data = std::move(out.data);
        // Release on a worker if these were the last references (a replaced 16M tensor).
        releaseLater(std::move(tensor));
        releaseLater(std::move(result));
        if (!q.dirty)
            return; // built meanwhile (chart() builds at once instead of asking a worker)
        if (current && !out.error.isEmpty()) {
            q.dirty = false;
            auto* chart = new QChart;
            chart->setTitle(tr("Cannot draw this chart: %1").arg(out.error));
            installChart(q, chart);
            return;
        }
        if (current)
            q.prepared = std::move(data);
        if (q.kind == currentChart())
            refreshChart(q); // builds from the prepared data, or reduces again for new input
    });
}

void MainWindow::refreshChart(ChartPage& p, bool wait)
{
    if (!p.dirty)
        return;
    if (!wait && m_tensor && m_result && m_tensor->numel() >= kAsyncChartElements) {
        const ChartInput input = chartInput(p.kind);
        if (!(p.prepared && sameInput(p.prepared->input, input))) {
            prepareChartAsync(p, input);
            return;
        }
    }
    p.dirty = false;
    QElapsedTimer clock;
    clock.start();
    QChart* chart = nullptr;
    const std::shared_ptr<const ChartData> prepared = std::move(p.prepared);
    p.prepared.reset();
    if (m_tensor && m_result) {
        try {
            const ChartInput input = chartInput(p.kind);
            if (prepared && sameInput(prepared->input, input))
                chart = buildChart(*prepared, chartStyle());
            else
                chart = buildChart(p.kind, input, chartStyle());
        } catch (const std::exception& e) {
            chart = new QChart;
            chart->setTitle(tr("Cannot draw this chart: %1").arg(qstr(e.what())));
        }
    } else {
        chart = new QChart;
        chart->setTitle(m_lastError.isEmpty() ? tr("No result") : m_lastError);
    }
    m_lastChartBuildMs = double(clock.nsecsElapsed()) / 1e6;
    installChart(p, chart);
}

namespace {

// Dense series (the min/max envelope of a downsampled tensor, the steps of a histogram or of
// hundreds of channels) are drawn without antialiasing and with 1-pixel pens: the raster
// engine then draws plain lines, ~4x faster (values chart at 2000 points: ~35 ms per repaint
// antialiased with 1.5-pixel pens, ~3 ms so), and a thousand short strokes look the same.
// Sparse series (small tensors, deep zooms) keep antialiasing and their width; exports always
// use both (ui/chart_export), and presentation mode keeps its thick pens.
constexpr int kDenseSeriesPoints = 400;

int seriesPoints(const QAbstractSeries* s)
{
    if (const auto* xy = qobject_cast<const QXYSeries*>(s))
        return int(xy->count());
    if (const auto* area = qobject_cast<const QAreaSeries*>(s))
        return int(area->upperSeries()->count());
    return 0;
}

bool hasDenseSeries(const QChart* chart)
{
    for (const QAbstractSeries* s : chart->series())
        if (seriesPoints(s) > kDenseSeriesPoints)
            return true;
    return false;
}

void thinDensePens(QChart* chart)
{
    auto thin = [](QPen pen) {
        if (pen.widthF() > 1)
            pen.setWidthF(1);
        return pen;
    };
    for (QAbstractSeries* s : chart->series()) {
        if (seriesPoints(s) <= kDenseSeriesPoints)
            continue;
        if (auto* xy = qobject_cast<QXYSeries*>(s))
            xy->setPen(thin(xy->pen()));
        else if (auto* area = qobject_cast<QAreaSeries*>(s))
            area->setPen(thin(area->pen()));
    }
}

} // namespace

void MainWindow::installChart(ChartPage& p, QChart* chart)
{
    const bool dense = hasDenseSeries(chart);
    p.view->setRenderHint(QPainter::Antialiasing, !dense);
    if (dense && !m_presentation)
        thinDensePens(chart);
    QChart* old = p.view->chart();
    p.view->setChart(chart);
    old->deleteLater(); // its destruction needs not lengthen this stretch of the GUI thread
    p.chart = chart;
    p.builtSerial = m_resultSerial;
    watchZoom(p);
    if (p.kind == ChartKind::Values)
        connectValueClicks(chart);
    if (p.kind == currentChart()) {
        if (m_latencyPending) {
            m_lastLatencyMs = double(m_changeClock.nsecsElapsed()) / 1e6;
            m_latencyPending = false;
        }
        emit chartsRefreshed();
    }
}

void MainWindow::watchZoom(ChartPage& p)
{
    if (p.kind != ChartKind::Values && p.kind != ChartKind::Codes)
        return;
    const auto axes = p.chart->axes(Qt::Horizontal);
    if (axes.isEmpty() || !m_tensor)
        return;
    auto* axis = qobject_cast<QValueAxis*>(axes.first());
    if (!axis)
        return;
    const ChartKind kind = p.kind;
    // After a rubber-band zoom, rebuild the chart from the full data of the visible window so
    // the detail is real, not the stretched downsampled overview.
    connect(axis, &QValueAxis::rangeChanged, this, [this, kind](qreal lo, qreal hi) {
        if (!m_tensor)
            return;
        const int64_t n = m_tensor->numel();
        const int64_t b = std::clamp<int64_t>(int64_t(std::floor(lo)), 0, n);
        const int64_t e = std::clamp<int64_t>(int64_t(std::ceil(hi)) + 1, 0, n);
        if (e - b < 2 || (b == m_viewBegin && e == (m_viewEnd < 0 ? n : m_viewEnd)))
            return;
        m_zoomTimer.disconnect();
        connect(&m_zoomTimer, &QTimer::timeout, this, [this, kind, b, e, n] {
            m_viewBegin = b;
            m_viewEnd = (b == 0 && e >= n) ? -1 : e;
            page(ChartKind::Values).dirty = true;
            page(ChartKind::Codes).dirty = true;
            if (currentChart() == kind)
                refreshVisibleChart();
        });
        m_zoomTimer.start();
    });
}

void MainWindow::refreshVisibleChart()
{
    const int i = m_tabs->currentIndex();
    if (i >= 0 && i < int(m_pages.size()))
        refreshChart(m_pages[size_t(i)]);
}

QChart* MainWindow::chart(ChartKind kind)
{
    ChartPage& p = page(kind);
    refreshChart(p, true);
    return p.chart;
}

ChartKind MainWindow::currentChart() const
{
    const int i = m_tabs->currentIndex();
    return i >= 0 && i < int(m_pages.size()) ? m_pages[size_t(i)].kind : ChartKind::Values;
}

void MainWindow::setCurrentChart(ChartKind kind)
{
    for (int i = 0; i < int(m_pages.size()); ++i)
        if (m_pages[size_t(i)].kind == kind)
            m_tabs->setCurrentIndex(i);
}

void MainWindow::setErrorBins(int bins)
{
    m_errorBins->setValue(bins);
}

int MainWindow::errorBins() const
{
    return m_errorBins->value();
}

QuantConfig MainWindow::config() const
{
    return m_quant->config();
}

void MainWindow::setConfig(const QuantConfig& config)
{
    m_quant->setConfig(config);
    scheduleJob();
}

// ---- sessions ------------------------------------------------------------------------------

Session MainWindow::session() const
{
    Session s;
    s.source = m_sourceSpec;
    if (s.source.kind == SourceSpec::Kind::Custom) {
        s.source.kind = SourceSpec::Kind::Generated;
        s.source.generator = exampleGenerator();
    }
    s.config = m_quant->config();
    s.tab = currentTabName();
    s.errorBins = errorBins();
    s.valueBins = m_valueBins->value();
    return s;
}

void MainWindow::applySession(const Session& s)
{
    m_quant->setConfig(s.config);
    if (!setCurrentTab(s.tab))
        setCurrentChart(ChartKind::Values);
    {
        QSignalBlocker block(m_errorBins);
        m_errorBins->setValue(s.errorBins);
        QSignalBlocker blockValues(m_valueBins);
        m_valueBins->setValue(s.valueBins);
    }
    if (s.source.kind == SourceSpec::Kind::File) {
        m_source->findChild<QCheckBox*>(QStringLiteral("grayscaleCheck"))
            ->setChecked(s.source.grayscale);
        openFile(s.source.path, s.source.member);
    } else {
        m_source->setGeneratorOptions(s.source.generator);
        generate(s.source.generator);
    }
}

bool MainWindow::saveSession(const QString& path)
{
    try {
        saveSessionFile(session(), path);
        setStatus(tr("Session saved to %1").arg(QFileInfo(path).fileName()));
        return true;
    } catch (const Error& e) {
        showError(qstr(e.what()), true);
        return false;
    }
}

bool MainWindow::openSession(const QString& path)
{
    try {
        applySession(loadSessionFile(path));
        return true;
    } catch (const Error& e) {
        showError(qstr(e.what()), true);
        return false;
    }
}

// ---- exports -------------------------------------------------------------------------------

bool MainWindow::exportChart(ChartKind kind, const QString& path, const ExportOptions& options)
{
    if (!m_result) {
        showError(tr("Nothing to export yet: no quantization result."), true);
        return false;
    }
    std::unique_ptr<QChart> chart;
    try {
        chart.reset(buildChart(kind, chartInput(kind), chartStyle()));
    } catch (const std::exception& e) {
        showError(qstr(e.what()), true);
        return false;
    }
    QString error;
    if (!qs::ui::exportChart(chart.get(), path, options, &error)) {
        showError(error, true);
        return false;
    }
    setStatus(tr("Chart exported to %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool MainWindow::exportAllCharts(const QString& path, const ExportOptions& options)
{
    if (!m_result) {
        showError(tr("Nothing to export yet: no quantization result."), true);
        return false;
    }
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    std::vector<std::unique_ptr<QChart>> charts;
    try {
        for (ChartKind kind : allChartKinds())
            charts.emplace_back(buildChart(kind, chartInput(kind), chartStyle()));
    } catch (const std::exception& e) {
        showError(qstr(e.what()), true);
        return false;
    }
    QString error;
    if (suffix == QLatin1String("pdf")) {
        QList<QChart*> list;
        for (auto& c : charts)
            list << c.get();
        if (!exportChartsPdf(list, path, options, &error)) {
            showError(error, true);
            return false;
        }
    } else if (suffix == QLatin1String("png") || suffix == QLatin1String("svg")) {
        const QList<ChartKind> kinds = allChartKinds();
        for (int i = 0; i < kinds.size(); ++i) {
            const QString file = info.absoluteDir().filePath(
                QStringLiteral("%1-%2.%3")
                    .arg(info.completeBaseName(), chartKindName(kinds[i]), suffix));
            if (!qs::ui::exportChart(charts[size_t(i)].get(), file, options, &error)) {
                showError(error, true);
                return false;
            }
        }
    } else {
        showError(tr("%1: choose a .pdf (one page per chart) or a .png / .svg name (one file per "
                     "chart)")
                      .arg(info.fileName()),
                  true);
        return false;
    }
    setStatus(tr("All charts exported to %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool MainWindow::writeDataExport(
    const std::function<void(const std::vector<std::string>& protect)>& write)
{
    if (!m_result) {
        showError(tr("Nothing to export yet: no quantization result."), true);
        return false;
    }
    try {
        // Never write over the loaded input file.
        std::vector<std::string> protect;
        if (m_sourceSpec.kind == SourceSpec::Kind::File)
            protect.push_back(sstr(m_sourceSpec.path));
        write(protect);
    } catch (const Error& e) {
        showError(qstr(e.what()), true);
        return false;
    }
    return true;
}

bool MainWindow::exportCodes(const QString& path)
{
    // Every scheme has codes, written as `quantscope-cli quantize --codes` writes them: integer
    // codes, fp16/bf16 bit patterns, float8/float4/MX element bit patterns, code-book and GGML
    // indices (the scales of block formats are in the JSON report).
    return writeDataExport([&](const std::vector<std::string>& protect) {
        writeNpyCodes(sstr(path), m_tensor->shape, m_result->codes, protect);
    });
}

bool MainWindow::exportDequantized(const QString& path)
{
    return writeDataExport([&](const std::vector<std::string>& protect) {
        writeNpyFloat32(sstr(path), m_tensor->shape, m_result->dequantized, protect);
    });
}

bool MainWindow::exportCsv(const QString& path)
{
    return writeDataExport([&](const std::vector<std::string>& protect) {
        writeResultCsv(sstr(path), *m_tensor, *m_result, protect);
    });
}

bool MainWindow::exportReport(const QString& path)
{
    return writeDataExport([&](const std::vector<std::string>& protect) {
        ReportExtras extras;
        if (m_sourceSpec.kind == SourceSpec::Kind::File) {
            extras.source = sstr(m_sourceSpec.path);
            if (!m_sourceSpec.member.isEmpty())
                extras.source += ":" + sstr(m_sourceSpec.member);
        } else if (m_sourceSpec.kind == SourceSpec::Kind::Generated) {
            const GeneratorOptions& g = m_sourceSpec.generator;
            extras.source = "generate " + toName(g.distribution) + " " + m_tensor->shapeString() +
                            " seed " + std::to_string(g.seed);
        }
        writeReport(sstr(path), *m_tensor, *m_result, extras, protect);
    });
}

void MainWindow::copyChartToClipboard()
{
    if (AnalysisView* v = currentAnalysisView()) { // a teaching view: its first chart or itself
        ExportOptions opt;
        opt.size = v->size() * devicePixelRatioF();
        const QList<QChart*> charts = v->exportCharts();
        QApplication::clipboard()->setImage(charts.isEmpty() ? renderWidget(v->exportWidget(), opt)
                                                             : renderChart(charts.first(), opt));
        setStatus(tr("%1 copied to the clipboard").arg(v->viewTitle()));
        return;
    }
    QChart* c = chart(currentChart());
    if (!c)
        return;
    ExportOptions opt;
    opt.size = page(currentChart()).view->size() * devicePixelRatioF();
    std::unique_ptr<QChart> fresh;
    if (m_result) {
        try {
            fresh.reset(buildChart(currentChart(), chartInput(currentChart()), chartStyle()));
        } catch (const std::exception&) {
        }
    }
    if (!fresh)
        return;
    QApplication::clipboard()->setImage(renderChart(fresh.get(), opt));
    setStatus(tr("Chart copied to the clipboard"));
}

// ---- errors, status, settings --------------------------------------------------------------

void MainWindow::showError(const QString& message, bool dialog)
{
    m_lastError = message;
    setStatus(message);
    if (dialog && m_options.messageBoxes) {
        auto* box =
            new QMessageBox(QMessageBox::Warning, tr("QuantScope"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("errorBox"));
        box->open(); // window-modal, returns at once
    }
    emit errorShown(message);
}

void MainWindow::setStatus(const QString& text)
{
    m_statusText->setText(text);
}

QString MainWindow::defaultDir() const
{
    if (m_sourceSpec.kind == SourceSpec::Kind::File)
        return QFileInfo(m_sourceSpec.path).absolutePath();
    return QDir::homePath();
}

void MainWindow::addRecentFile(const QString& path)
{
    if (!m_options.useSettings)
        return;
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_options.useSettings
                                   ? QSettings().value(QStringLiteral("recentFiles")).toStringList()
                                   : QStringList();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_options.useSettings) {
        QSettings settings;
        settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
        settings.setValue(QStringLiteral("window/state"), saveState());
        settings.setValue(QStringLiteral("session/last"), sessionToJson(session()));
    }
    m_jobs->cancelAll();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    openFile(urls.first().toLocalFile());
    event->acceptProposedAction();
}

void MainWindow::changeEvent(QEvent* event)
{
    // Follow the system light / dark theme: the charts take their colours from the palette.
    if (event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::StyleChange) {
        markChartsDirty();
        if (m_tabs)
            refreshVisibleChart();
    }
    QMainWindow::changeEvent(event);
}

// ---- dialogs -------------------------------------------------------------------------------

void MainWindow::onOpenFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Tensor"), defaultDir(),
        tr("Tensors and images (*.npy *.npz *.safetensors *.csv *.txt *.tsv *.png *.jpg *.jpeg "
           "*.bmp);;Sessions (*.qscope);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::onOpenSession()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Session"), defaultDir(),
                                                      tr("QuantScope sessions (*.qscope)"));
    if (!path.isEmpty())
        openSession(path);
}

void MainWindow::onSaveSession()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save Session"),
                                                defaultDir() + QStringLiteral("/session.qscope"),
                                                tr("QuantScope sessions (*.qscope)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".qscope");
    saveSession(path);
}

namespace {

// Asks for the pixel size and DPI of a PNG export. Returns false if cancelled.
bool askPngOptions(QWidget* parent, ExportOptions& opt)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("PNG Size"));
    auto* form = new QFormLayout(&dialog);
    auto* w = new QSpinBox(&dialog);
    w->setRange(100, 10000);
    w->setValue(opt.size.width());
    auto* h = new QSpinBox(&dialog);
    h->setRange(100, 10000);
    h->setValue(opt.size.height());
    auto* dpi = new QSpinBox(&dialog);
    dpi->setRange(48, 1200);
    dpi->setValue(opt.dpi);
    dpi->setToolTip(QObject::tr("Resolution stored in the file; fonts and lines scale with it."));
    form->addRow(QObject::tr("Width (px)"), w);
    form->addRow(QObject::tr("Height (px)"), h);
    form->addRow(QObject::tr("DPI"), dpi);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    opt.size = QSize(w->value(), h->value());
    opt.dpi = dpi->value();
    return true;
}

} // namespace

void MainWindow::onExportChart()
{
    if (currentAnalysisView()) { // a teaching view: its charts or the widget
        onExportView();
        return;
    }
    const ChartKind kind = currentChart();
    QString selected;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export Chart"), defaultDir() + QLatin1Char('/') + chartKindName(kind) + ".png",
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &selected);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += selected.contains(QLatin1String("svg"))   ? QStringLiteral(".svg")
                : selected.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf")
                                                          : QStringLiteral(".png");
    ExportOptions opt;
    if (path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) && !askPngOptions(this, opt))
        return;
    exportChart(kind, path, opt);
}

void MainWindow::onExportAll()
{
    QString selected;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export All Charts"), defaultDir() + QStringLiteral("/charts.pdf"),
        tr("Multi-page PDF (*.pdf);;One PNG per chart (*.png);;One SVG per chart (*.svg)"),
        &selected);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += selected.contains(QLatin1String("SVG"))   ? QStringLiteral(".svg")
                : selected.contains(QLatin1String("PNG")) ? QStringLiteral(".png")
                                                          : QStringLiteral(".pdf");
    ExportOptions opt;
    if (path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) && !askPngOptions(this, opt))
        return;
    exportAllCharts(path, opt);
}

void MainWindow::onExportData(int which)
{
    static const char* names[] = {"codes.npy", "dequantized.npy", "quantized.csv", "report.json"};
    static const char* filters[] = {"NumPy array (*.npy)", "NumPy array (*.npy)",
                                    "CSV table (*.csv)", "JSON report (*.json)"};
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Data"), defaultDir() + QLatin1Char('/') + QLatin1String(names[which]),
        tr(filters[which]));
    if (path.isEmpty())
        return;
    bool ok = false;
    switch (which) {
    case 0:
        ok = exportCodes(path);
        break;
    case 1:
        ok = exportDequantized(path);
        break;
    case 2:
        ok = exportCsv(path);
        break;
    default:
        ok = exportReport(path);
        break;
    }
    if (ok)
        setStatus(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::onHelp()
{
    auto* box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("QuantScope Help"));
    box->setTextFormat(Qt::RichText);
    box->setText(
        tr("<h3>QuantScope</h3>"
           "<p>README.md in the source tree explains the project; its sections:</p>"
           "<ul><li><b>Two commands</b>: <code>./scripts/run</code> starts this window, "
           "<code>./scripts/test</code> runs the tests</li>"
           "<li><b>Layout</b>: core library, Qt layer, applications</li>"
           "<li><b>Using the core from C++</b></li>"
           "<li><b>Conventions</b>: rounding ties, 127 vs 127.5, ranges that include zero</li>"
           "<li><b>The window</b>, <b>Presets and low-bit formats</b></li>"
           "<li><b>Teaching and comparison</b>: lessons, presentation mode, the views</li>"
           "<li><b>Command line</b>: <code>quantscope-cli</code> and its JSON report</li>"
           "<li><b>Benchmark</b>, <b>Fuzzing</b>, <b>Packaging</b></li></ul>"
           "<p>docs/GUI.md describes this window (controls, charts, sessions, export, "
           "<code>--screenshot</code>); docs/CLI.md describes <code>quantscope-cli</code> and "
           "its JSON report.</p>"
           "<p><b>Shortcuts</b>: Ctrl+O open · Ctrl+S save session · Ctrl+Shift+O open session "
           "· Ctrl+E export chart · Ctrl+Shift+E export all · Ctrl+Shift+C copy chart · "
           "Ctrl+Up/Down (or Ctrl++/-) bits · Ctrl+] / Ctrl+[ scheme · Alt+1..5 charts · "
           "Ctrl+0 show all indices · Esc cancel · F1 this help</p>"
           "<p>Hover over any control for what it does and its formula.</p>"));
    box->open();
}

void MainWindow::onAbout()
{
    auto* box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("About QuantScope"));
    box->setIconPixmap(windowIcon().pixmap(64, 64));
    box->setText(tr("<h3>QuantScope %1</h3><p>Explore numeric quantization: schemes, ranges, "
                    "granularity and the errors they cause.</p><p>Built with Qt %2.</p>")
                     .arg(QApplication::applicationVersion(), QLatin1String(QT_VERSION_STR)));
    box->open();
}

} // namespace qs::ui
