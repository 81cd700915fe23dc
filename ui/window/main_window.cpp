#include "ui/window/main_window.h"

#include "ui/panels/importance_row.h"
#include "ui/panels/lesson_panel.h"
#include "ui/panels/model_browser.h"
#include "ui/panels/numbers_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/panels/slice_table.h"
#include "ui/panels/source_panel.h"
#include "ui/support/image_tensor.h"
#include "ui/views/analysis_view.h"
#include "ui/window/chart_tab.h"
#include "ui/window/help_dialogs.h"
#include "ui/window/panel_scroll.h"
#include "ui/window/session_controller.h"
#include "ui/window/side_panels.h"
#include "ui/window/source_controller.h"
#include "ui/window/tab_page.h"
#include "ui/window/view_selector.h"
#include "ui/window/window_geometry.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

// Resources of a static library must be registered explicitly (outside any namespace).
static void initResources()
{
    Q_INIT_RESOURCE(quantscope);
}

namespace qs::ui {

constexpr int kMaxRecentFiles = 8;

MainWindow::MainWindow(QWidget* parent) : MainWindow(Options(), parent) {}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), m_options(options)
{
    initResources();
    setWindowTitle(tr("QuantScope"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/quantscope.svg")));
    setAcceptDrops(true);
    buildParts();
    QSplitter* columns = buildUi();
    connectParts();
    buildTeaching(columns);
    buildMenus();
    const Session start = restoreSettings();
    if (m_options.startExample)
        applySession(start);
}

MainWindow::~MainWindow()
{
    m_pipeline->cancelAndWait();
    m_tabs->releaseCharts();
}

// ---- layout ----------------------------------------------------------------------------------

void MainWindow::buildParts()
{
    m_status = std::make_unique<WindowStatus>(this, m_options.messageBoxes);
    m_pipeline = std::make_unique<ResultPipeline>(*m_status);
    connect(m_pipeline.get(), &ResultPipeline::busyChanged, this, &MainWindow::onBusyChanged);
    m_tabs = std::make_unique<WindowTabs>(*m_pipeline, *m_status);
}

// Three columns: the controls, the tabs, the numbers; the status line below.
QSplitter* MainWindow::buildUi()
{
    auto* columns = new QSplitter(Qt::Horizontal, this);
    columns->setObjectName(QStringLiteral("mainSplitter"));
    auto* controls = buildControlsColumn();
    columns->addWidget(controls);
    m_tabs->addChartTabs();
    columns->addWidget(m_tabs->selector());
    columns->addWidget(buildNumbersColumn());
    columns->setStretchFactor(0, 0);
    columns->setStretchFactor(1, 1);
    columns->setStretchFactor(2, 0);
    setCentralWidget(columns);
    m_panels = new SidePanels(columns, controls, this);
    m_status->addTo(statusBar());
    connect(m_status->cancelButton(), &QToolButton::clicked, m_pipeline.get(),
            &ResultPipeline::cancel);
    return columns;
}

// Left: source and quantization controls, scrollable on small screens; below them the model
// browser of a file with several tensors, in a splitter.
QSplitter* MainWindow::buildControlsColumn()
{
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 6, 6);
    m_source = new SourcePanel(left);
    m_quant = new QuantPanel(left);
    leftLayout->addWidget(m_quant);
    leftLayout->addWidget(m_source);
    leftLayout->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("controlsScroll"));
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(left->minimumSizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width() + 4);
    scrollPanelOnWheel(scroll);
    auto* split = new QSplitter(Qt::Vertical);
    split->setObjectName(QStringLiteral("controlsSplitter"));
    split->setChildrenCollapsible(false);
    split->addWidget(scroll);
    split->addWidget(m_source->modelBrowserPane());
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    return split;
}

// Right: the tensor's facts and the numbers of the result.
QWidget* MainWindow::buildNumbersColumn()
{
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 6, 6, 6);
    rightLayout->addWidget(m_source->factsBox());
    m_numbers = new NumbersPanel(right);
    rightLayout->addWidget(m_numbers, 1);
    right->setMinimumWidth(280);
    return right;
}

// The analysis views after the charts, and the lesson panel above the tabs.
void MainWindow::buildTeaching(QSplitter* columns)
{
    m_tabs->addViewTabs();
    connect(m_tabs.get(), &WindowTabs::configRequested, this, &MainWindow::setConfig);
    m_lessons = std::make_unique<LessonController>(parts());
    m_lessons->addPanel(columns);
    m_presentation =
        std::make_unique<PresentationMode>(this, columns, *m_source, *m_quant, *m_tabs, *m_lessons);
    connect(m_presentation.get(), &PresentationMode::changed, this,
            &MainWindow::presentationModeChanged);
    m_sessions = std::make_unique<SessionController>(
        parts(), [this](const QString& path, const QString& member) { openFile(path, member); });
}

void MainWindow::connectParts()
{
    ResultPipeline* pipeline = m_pipeline.get();
    pipeline->configOfControls = [this] { return m_quant->config(); };
    pipeline->importanceOfControls = [this] { return m_quant->importance()->file(); };
    pipeline->visibleChartPreparer = [this](bool newTensor) {
        return m_tabs->visibleChartPreparer(newTensor);
    };
    connect(pipeline, &ResultPipeline::resultReplaced, this, &MainWindow::onResultReplaced);
    connect(pipeline, &ResultPipeline::resultFailed, this, &MainWindow::onResultFailed);
    connect(pipeline, &ResultPipeline::resultReady, this, [this] {
        m_lessons->checkResult();
        emit resultReady();
    });
    connect(m_tabs.get(), &WindowTabs::chartsRefreshed, this, &MainWindow::chartsRefreshed);
    connect(m_status.get(), &WindowStatus::errorShown, this, &MainWindow::errorShown);
    connect(m_quant, &QuantPanel::configChanged, pipeline, &ResultPipeline::schedule);
    connect(m_quant->importance(), &ImportanceRow::changed, pipeline, &ResultPipeline::schedule);
    m_exports = std::make_unique<ExportController>(parts());
    m_sourceControl = std::make_unique<SourceController>(parts());
    connect(m_sourceControl.get(), &SourceController::openRequested, this,
            [this](const QString& path) { openFile(path); });
    connect(m_sourceControl.get(), &SourceController::fileOpened, this, &MainWindow::addRecentFile);
}

WindowParts MainWindow::parts()
{
    return {*m_pipeline, *m_tabs, *m_status, *m_quant, *m_source, this};
}

// ---- results ---------------------------------------------------------------------------------

void MainWindow::onBusyChanged(bool busy)
{
    m_status->setBusy(busy);
    if (!busy && !m_pipeline->changePending())
        m_status->setStatus(lastError().isEmpty() ? tr("Ready") : lastError());
    emit busyChanged(busy);
}

void MainWindow::onResultReplaced(const JobOutputPtr& out)
{
    m_numbers->setResult(*out->result);
    m_tabs->takeResult(out);
}

void MainWindow::onResultFailed(const QString& message)
{
    m_numbers->clear();
    m_numbers->setError(message);
    m_tabs->clearResult();
}

QuantConfig MainWindow::config() const
{
    return m_quant->config();
}

void MainWindow::setConfig(const QuantConfig& config)
{
    m_quant->setConfig(config);
    m_pipeline->schedule();
}

void MainWindow::openFile(const QString& path, const QString& member)
{
    if (path.endsWith(QLatin1String(".qscope"), Qt::CaseInsensitive))
        m_sessions->open(path);
    else
        m_pipeline->openFile(path, member, m_source->grayscale());
}

// ---- menus -----------------------------------------------------------------------------------

void MainWindow::buildMenus()
{
    buildFileMenu();
    m_exports->fillMenu(menuBar()->addMenu(tr("&Export")));
    buildQuantizeMenu();
    buildViewMenu();
    menuBar()->addMenu(m_lessons->makeMenu([this] { return m_pipeline->sourceDir(); }));
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("QuantScope &Help"), QKeySequence::HelpContents, this,
                    [this] { showHelpBox(this); });
    help->addAction(tr("&About QuantScope"), this, [this] { showAboutBox(this); });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildFileMenu()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open =
        file->addAction(tr("&Open Tensor…"), m_sourceControl.get(), &SourceController::askOpen);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addAction(tr("&Generate Example"), m_sourceControl.get(),
                    &SourceController::generateExample);
    file->addSeparator();
    file->addAction(tr("Open &Session…"), QKeySequence(tr("Ctrl+Shift+O")), m_sessions.get(),
                    &SessionController::askOpen);
    file->addAction(tr("&Save Session…"), QKeySequence::Save, m_sessions.get(),
                    &SessionController::askSave);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::buildQuantizeMenu()
{
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
    quant->addAction(tr("Cancel Computation"), QKeySequence(Qt::Key_Escape),
                     m_status->cancelButton(), &QToolButton::click);
}

// The groups of views (Ctrl+1..5), the previous and next view (Ctrl+PgUp / PgDown), the charts
// (Alt+1..6), the teaching views (Alt+Shift+1..8), presentation mode.
void MainWindow::buildViewMenu()
{
    QMenu* view = menuBar()->addMenu(tr("&View"));
    addViewSelectorActions(view);
    QMenu* teaching = new QMenu(tr("Teaching &Views"), view);
    int charts = 0, views = 0;
    for (int i = 0; i < int(m_tabs->pages().size()); ++i) {
        const TabPage* page = m_tabs->pages()[size_t(i)];
        const bool chart = dynamic_cast<const ChartTab*>(page) != nullptr;
        QAction* a = (chart ? view : teaching)->addAction(page->title(), this, [this, i] {
            m_tabs->selectTab(i);
        });
        if (chart)
            a->setShortcut(QKeySequence(QStringLiteral("Alt+%1").arg(++charts)));
        else if (views < 8)
            a->setShortcut(QKeySequence(QStringLiteral("Alt+Shift+%1").arg(++views)));
    }
    view->addSeparator();
    view->addAction(tr("Show All Indices"), QKeySequence(tr("Ctrl+0")), m_tabs.get(),
                    &WindowTabs::showAllIndices);
    view->addSeparator();
    view->addMenu(teaching);
    view->addSeparator();
    m_panels->addActions(view);
    QAction* presentation = view->addAction(tr("&Presentation Mode"));
    presentation->setCheckable(true);
    presentation->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(tr("Ctrl+Shift+P"))});
    presentation->setToolTip(
        tr("Large fonts, thick lines, high contrast, only the essential controls (F5)"));
    m_presentation->setAction(presentation);
}

void MainWindow::addViewSelectorActions(QMenu* view)
{
    ViewSelector* selector = m_tabs->selector();
    for (ViewGroup g : selector->groups())
        view->addAction(viewGroupTitle(g), this, [selector, g] { selector->selectGroup(g); })
            ->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(int(g) + 1)));
    view->addAction(tr("Previous View"), QKeySequence(tr("Ctrl+PgUp")), m_tabs.get(),
                    &WindowTabs::previousTab);
    view->addAction(tr("Next View"), QKeySequence(tr("Ctrl+PgDown")), m_tabs.get(),
                    &WindowTabs::nextTab);
    view->addSeparator();
}

// ---- sessions and settings -------------------------------------------------------------------

// Restores the geometry (inside the screens of now) and the side panels, and returns the
// session to start on (the last one's source, controls and tab if it was generated). Without
// settings the window takes its preferred size whatever the screen, as tests and screenshots
// need.
Session MainWindow::restoreSettings()
{
    if (!m_options.useSettings) {
        resize(kPreferredWindowSize);
        m_panels->fitToWidth(width());
        return m_sessions->startSession({});
    }
    QSettings settings;
    setGeometry(startWindowGeometry(settings.value(QStringLiteral("window/rect"))));
    m_panels->fitToWidth(width());
    if (settings.value(QStringLiteral("window/maximized")).toBool())
        setWindowState(windowState() | Qt::WindowMaximized);
    m_panels->restore(settings);
    return m_sessions->startSession(settings.value(QStringLiteral("session/last")).toByteArray());
}

void MainWindow::addRecentFile(const QString& path)
{
    if (!m_options.useSettings)
        return;
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentFiles)
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

// ---- events and dialogs ----------------------------------------------------------------------

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_options.useSettings) {
        QSettings settings;
        settings.setValue(QStringLiteral("window/rect"), normalGeometry());
        settings.setValue(QStringLiteral("window/maximized"), isMaximized());
        if (!presentationMode()) // presenting narrows the columns for a while only
            m_panels->save(settings);
        settings.setValue(QStringLiteral("session/last"), sessionToJson(session()));
    }
    m_pipeline->cancelJobs();
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
    if (m_tabs && (event->type() == QEvent::PaletteChange ||
                   event->type() == QEvent::ApplicationPaletteChange ||
                   event->type() == QEvent::StyleChange)) {
        m_tabs->markChartsDirty();
        if (!m_tabs->pages().empty())
            m_tabs->refreshVisible();
    }
    QMainWindow::changeEvent(event);
}

} // namespace qs::ui
