// MainWindow, teaching part: the analysis views as extra tabs after the five charts, lessons
// (menu, panel above the charts, steps, asserted numbers), clicking a value to open the worked
// example, exporting any view, and presentation mode. Kept apart from main_window.cpp, which
// holds the basic charts, sources, jobs and exports.
#include "ui/window/main_window.h"

#include "core/teach/lesson.h"
#include "ui/panels/lesson_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/panels/source_panel.h"
#include "ui/support/lesson_library.h"
#include "ui/views/clipping_view.h"
#include "ui/views/compare_view.h"
#include "ui/views/float_pitfalls_view.h"
#include "ui/views/image_view.h"
#include "ui/views/int_matmul_view.h"
#include "ui/views/number_line_view.h"
#include "ui/views/sweep_view.h"
#include "ui/views/worked_example_view.h"

#include <QAbstractSeries>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMouseEvent>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace qs::ui {

namespace {

// Controls that stay visible in presentation mode (object names in QuantPanel).
const QStringList kEssentialControls = {QStringLiteral("bitsSlider"), QStringLiteral("bitsSpin"),
                                        QStringLiteral("schemeCombo"),
                                        QStringLiteral("rangeCombo")};

bool layoutHasEssential(QLayoutItem* item)
{
    if (!item)
        return false;
    if (QWidget* w = item->widget())
        return kEssentialControls.contains(w->objectName());
    if (QLayout* l = item->layout())
        for (int i = 0; i < l->count(); ++i)
            if (layoutHasEssential(l->itemAt(i)))
                return true;
    return false;
}

// High contrast: pure black on white, strong selection colour.
QPalette highContrastPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, Qt::white);
    p.setColor(QPalette::WindowText, Qt::black);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(235, 235, 235));
    p.setColor(QPalette::Text, Qt::black);
    p.setColor(QPalette::Button, QColor(240, 240, 240));
    p.setColor(QPalette::ButtonText, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0, 60, 160));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, Qt::white);
    p.setColor(QPalette::ToolTipText, Qt::black);
    return p;
}

bool sameTensor(const Tensor& a, const Tensor& b)
{
    return a.shape == b.shape && a.data.size() == b.data.size() &&
           std::equal(a.data.begin(), a.data.end(), b.data.begin(),
                      [](float x, float y) { return x == y || (std::isnan(x) && std::isnan(y)); });
}

} // namespace

// ---- views ----------------------------------------------------------------------------------

void MainWindow::buildTeachingUi()
{
    const QList<AnalysisView*> views = {new NumberLineView, new SweepView,         new ClippingView,
                                        new CompareView,    new WorkedExampleView, new ImageView,
                                        new IntMatmulView,  new FloatPitfallsView};
    m_firstViewTab = m_tabs->count();
    for (AnalysisView* v : views) {
        v->setObjectName(QStringLiteral("view-") + v->viewName());
        const int tab = m_tabs->addTab(v, v->viewTitle());
        m_tabs->setTabToolTip(tab, v->viewTitle());
        m_views.push_back({v, true});
        connect(v, &AnalysisView::configRequested, this,
                [this](const QuantConfig& c) { setConfig(c); });
        connect(v, &AnalysisView::viewUpdated, this, [this, v] {
            if (v == currentAnalysisView())
                m_viewPending = false;
        });
    }
    m_tabs->setUsesScrollButtons(true);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { refreshVisibleView(); });
    connect(this, &MainWindow::resultReady, this, &MainWindow::onTeachingResult);

    // The lesson panel sits above the tabs, hidden until a lesson is applied.
    auto* splitter = qobject_cast<QSplitter*>(m_tabs->parentWidget());
    auto* centre = new QWidget;
    centre->setObjectName(QStringLiteral("centrePane"));
    auto* v = new QVBoxLayout(centre);
    v->setContentsMargins(0, 0, 0, 0);
    // Panel and charts share the height through a splitter; a long text scrolls.
    auto* split = new QSplitter(Qt::Vertical, centre);
    split->setObjectName(QStringLiteral("lessonSplitter"));
    split->setChildrenCollapsible(false);
    auto* scroll = new QScrollArea(split);
    scroll->setObjectName(QStringLiteral("lessonScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_lessonPanel = new LessonPanel;
    scroll->setWidget(m_lessonPanel);
    scroll->hide();
    scroll->setMinimumHeight(80);
    split->addWidget(scroll);
    if (splitter) {
        const int index = splitter->indexOf(m_tabs);
        const QList<int> sizes = splitter->sizes();
        splitter->replaceWidget(index, centre);
        splitter->setSizes(sizes);
    }
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    v->addWidget(split, 1);
    connect(m_lessonPanel, &LessonPanel::stepChanged, this, &MainWindow::applyLessonStep);
    connect(m_lessonPanel, &LessonPanel::closeRequested, this, &MainWindow::closeLesson);
}

void MainWindow::buildTeachingMenus()
{
    // Tabs beyond the five charts in the View menu, then presentation mode.
    QMenu* view = nullptr;
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->text().remove(QLatin1Char('&')) == tr("View"))
            view = a->menu();
    if (view) {
        view->addSeparator();
        QMenu* tabs = view->addMenu(tr("Teaching &Views"));
        for (int i = 0; i < int(m_views.size()); ++i) {
            QAction* a = tabs->addAction(m_views[size_t(i)].view->viewTitle(), this, [this, i] {
                m_tabs->setCurrentIndex(m_firstViewTab + i);
            });
            if (i < 8)
                a->setShortcut(QKeySequence(QStringLiteral("Alt+Shift+%1").arg(i + 1)));
        }
        view->addSeparator();
        m_presentationAction = view->addAction(tr("&Presentation Mode"));
        m_presentationAction->setCheckable(true);
        m_presentationAction->setShortcuts(
            {QKeySequence(Qt::Key_F5), QKeySequence(tr("Ctrl+Shift+P"))});
        m_presentationAction->setToolTip(
            tr("Large fonts, thick lines, high contrast, only the essential controls (F5)"));
        connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    }

    QMenu* lessons = new QMenu(tr("&Lessons"), this);
    lessons->setObjectName(QStringLiteral("lessonsMenu"));
    for (const QString& id : builtinLessonIds()) {
        QAction* a =
            lessons->addAction(builtinLessonTitle(id), this, [this, id] { openLesson(id); });
        a->setData(id);
        a->setToolTip(id);
    }
    lessons->addSeparator();
    lessons->addAction(tr("Open Lesson &File…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open lesson"), defaultDir(),
                                                          tr("Lessons (*.json)"));
        if (!path.isEmpty())
            openLesson(path);
    });
    lessons->addAction(tr("&Close Lesson"), this, &MainWindow::closeLesson);
    // Before Help.
    const QList<QAction*> top = menuBar()->actions();
    menuBar()->insertMenu(top.isEmpty() ? nullptr : top.last(), lessons);

    // Export menu: the current view.
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->text().remove(QLatin1Char('&')) == tr("Export")) {
            QAction* first = a->menu()->actions().value(1);
            QAction* ev = new QAction(tr("&View…"), a->menu());
            ev->setToolTip(
                tr("Export the current tab (chart or teaching view) as PNG, SVG or PDF"));
            connect(ev, &QAction::triggered, this, &MainWindow::onExportView);
            a->menu()->insertAction(first, ev);
        }
}

QList<AnalysisView*> MainWindow::analysisViews() const
{
    QList<AnalysisView*> out;
    for (const ViewPage& p : m_views)
        out << p.view;
    return out;
}

AnalysisView* MainWindow::analysisView(const QString& name) const
{
    for (const ViewPage& p : m_views)
        if (p.view->viewName() == name)
            return p.view;
    return nullptr;
}

AnalysisView* MainWindow::currentAnalysisView() const
{
    const int i = m_tabs->currentIndex() - m_firstViewTab;
    return i >= 0 && i < int(m_views.size()) ? m_views[size_t(i)].view : nullptr;
}

QStringList MainWindow::tabNames() const
{
    QStringList names;
    for (ChartKind k : allChartKinds())
        names << chartKindName(k);
    for (const ViewPage& p : m_views)
        names << p.view->viewName();
    return names;
}

bool MainWindow::setCurrentTab(const QString& name)
{
    for (int i = 0; i < int(m_views.size()); ++i)
        if (m_views[size_t(i)].view->viewName() == name) {
            m_tabs->setCurrentIndex(m_firstViewTab + i);
            return true;
        }
    try {
        setCurrentChart(chartKindFromName(name));
        return true;
    } catch (const Error&) {
        return false;
    }
}

QString MainWindow::currentTabName() const
{
    if (AnalysisView* v = currentAnalysisView())
        return v->viewName();
    return chartKindName(currentChart());
}

void MainWindow::refreshVisibleView()
{
    const int i = m_tabs->currentIndex() - m_firstViewTab;
    if (i < 0 || i >= int(m_views.size()))
        return;
    ViewPage& p = m_views[size_t(i)];
    if (!p.dirty || !m_tensor || !m_result)
        return;
    p.dirty = false;
    m_viewPending = true;
    p.view->setAnalysis(m_tensor, m_result);
}

bool MainWindow::waitForView(int timeoutMs)
{
    refreshVisibleView();
    if (!currentAnalysisView() || !m_viewPending)
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(currentAnalysisView(), &AnalysisView::viewUpdated, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    while (m_viewPending && timer.isActive())
        loop.exec();
    // A view can still be computing (image compression also computes when its own controls
    // change).
    while (currentAnalysisView()->isComputing() && timer.isActive())
        loop.exec();
    return !m_viewPending;
}

void MainWindow::onTeachingResult()
{
    for (ViewPage& p : m_views)
        p.dirty = true;
    refreshVisibleView();
    updateLessonCheck();
}

void MainWindow::connectValueClicks(QChart* chart)
{
    // Clicking a point of the values chart opens the worked example of that element.
    for (QAbstractSeries* s : chart->series())
        if (auto* xy = qobject_cast<QXYSeries*>(s))
            connect(xy, &QXYSeries::clicked, this,
                    [this](const QPointF& p) { showWorkedExample(int64_t(std::llround(p.x()))); });
}

void MainWindow::showWorkedExample(int64_t index)
{
    auto* v = qobject_cast<WorkedExampleView*>(analysisView(QStringLiteral("worked-example")));
    if (!v || !m_tensor)
        return;
    setCurrentTab(v->viewName()); // brings it up to date first
    v->showElement(std::clamp<int64_t>(index, 0, m_tensor->numel() - 1));
}

// ---- exports --------------------------------------------------------------------------------

bool MainWindow::exportView(const QString& name, const QString& path, const ExportOptions& options)
{
    AnalysisView* v = analysisView(name);
    if (!v) {
        try {
            return exportChart(chartKindFromName(name), path, options);
        } catch (const Error&) {
            showError(tr("Cannot export '%1': not a tab (%2)")
                          .arg(name, tabNames().join(QStringLiteral(", "))),
                      true);
            return false;
        }
    }
    if (!m_result) {
        showError(tr("Nothing to export yet: no quantization result."), true);
        return false;
    }
    // Bring the view up to date (it may never have been shown) and wait for views that compute
    // on a worker thread.
    const size_t index = size_t(analysisViews().indexOf(v));
    if (m_views[index].dirty || (v == currentAnalysisView() && m_viewPending) || v->isComputing()) {
        bool updated = false;
        QEventLoop loop;
        const QMetaObject::Connection c = connect(v, &AnalysisView::viewUpdated, &loop, [&] {
            updated = true;
            loop.quit();
        });
        if (m_views[index].dirty) {
            m_views[index].dirty = false;
            v->setAnalysis(m_tensor, m_result);
        }
        QTimer timeout;
        timeout.setSingleShot(true);
        connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
        timeout.start(60000);
        while ((!updated || v->isComputing()) && timeout.isActive()) {
            updated = updated && !v->isComputing();
            if (!updated)
                loop.exec();
        }
        disconnect(c);
        if (v == currentAnalysisView())
            m_viewPending = false;
    }
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    QString error;
    bool ok = false;
    const QList<QChart*> charts = v->exportCharts();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") &&
        suffix != QLatin1String("pdf")) {
        error = tr("%1: choose a .png, .svg or .pdf file name").arg(info.fileName());
    } else if (charts.isEmpty()) {
        ok = qs::ui::exportWidget(v->exportWidget(), path, options, &error);
    } else if (charts.size() == 1) {
        ok = qs::ui::exportChart(charts.first(), path, options, &error);
    } else if (suffix == QLatin1String("pdf")) {
        ok = exportChartsPdf(charts, path, options, &error);
    } else {
        ok = true;
        for (int i = 0; ok && i < charts.size(); ++i)
            ok = qs::ui::exportChart(
                charts[i],
                info.absoluteDir().filePath(
                    QStringLiteral("%1-%2.%3").arg(info.completeBaseName()).arg(i + 1).arg(suffix)),
                options, &error);
    }
    if (!ok) {
        showError(error, true);
        return false;
    }
    setStatus(tr("%1 exported to %2").arg(v->viewTitle(), QDir::toNativeSeparators(path)));
    return true;
}

void MainWindow::onExportView()
{
    AnalysisView* v = currentAnalysisView();
    if (!v) {
        onExportChart();
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export %1").arg(v->viewTitle()),
        QDir(defaultDir()).filePath(v->viewName() + QStringLiteral(".png")),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    ExportOptions opt;
    opt.size = v->size().expandedTo(QSize(800, 500));
    exportView(v->viewName(), path, opt);
}

// ---- lessons --------------------------------------------------------------------------------

bool MainWindow::openLesson(const QString& nameOrPath)
{
    try {
        applyLesson(findLesson(nameOrPath));
        return true;
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()), true);
        return false;
    }
}

void MainWindow::applyLesson(const Lesson& lesson, int step)
{
    m_lessonPanel->setLesson(lesson);
    showLessonPanel(true);
    m_lessonPanel->setStep(step, true); // applies the step
}

void MainWindow::applyLessonStep(int step)
{
    if (!m_lessonPanel->hasLesson())
        return;
    const Lesson& lesson = m_lessonPanel->lesson();
    try {
        auto tensor = std::make_shared<Tensor>(lessonTensor(lesson, step));
        const QuantConfig config = lessonConfig(lesson, step);
        m_lessonTensor = tensor;
        m_lessonConfig = config.summary();
        if (auto* image = qobject_cast<ImageView*>(analysisView(QStringLiteral("image"))))
            image->setGranularity(lesson.imageGranularity, lesson.imageBlockSize);
        if (auto* mm = qobject_cast<IntMatmulView*>(analysisView(QStringLiteral("int-matmul"))))
            if (lesson.intMatmul)
                mm->showDemo(*lesson.intMatmul);
        m_quant->setConfig(config);
        setTensor(*tensor);
        const std::string& chart = lesson.steps[size_t(step)].chart;
        if (!setCurrentTab(QString::fromStdString(chart)))
            showError(
                tr("The lesson names an unknown chart '%1'").arg(QString::fromStdString(chart)),
                false);
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()), true);
    }
}

void MainWindow::showLessonPanel(bool on)
{
    auto* scroll = findChild<QScrollArea*>(QStringLiteral("lessonScroll"));
    auto* split = findChild<QSplitter*>(QStringLiteral("lessonSplitter"));
    if (!scroll || !split)
        return;
    scroll->setVisible(on);
    if (on) {
        // The text gets what it needs up to a third of the height; the chart the rest.
        const int total = std::max(400, split->height());
        const int panel = std::min(m_lessonPanel->sizeHint().height() + 4, total / 3);
        split->setSizes({panel, total - panel});
    }
}

void MainWindow::closeLesson()
{
    showLessonPanel(false);
    m_lessonTensor.reset();
}

void MainWindow::updateLessonCheck()
{
    if (!m_lessonPanel->hasLesson() || !m_lessonTensor || !m_tensor || !m_result)
        return;
    if (sameTensor(*m_tensor, *m_lessonTensor) && m_result->config.summary() == m_lessonConfig)
        m_lessonPanel->showResult(*m_tensor, *m_result);
    else
        m_lessonPanel->showNote(
            tr("The data or controls now differ from this step of the lesson; its asserted "
               "numbers are not checked."));
}

// ---- presentation mode ----------------------------------------------------------------------

ChartStyle MainWindow::chartStyle() const
{
    ChartStyle s = ChartStyle::fromPalette();
    if (m_presentation) {
        s.fontScale = 1.8;
        s.lineWidth = 3.5;
    }
    return s;
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == m_presentation)
        return;
    m_presentation = on;
    if (m_presentationAction && m_presentationAction->isChecked() != on) {
        const QSignalBlocker block(m_presentationAction);
        m_presentationAction->setChecked(on);
    }
    if (on) {
        m_normalFont = QApplication::font();
        m_normalPalette = QApplication::palette();
        QFont f = m_normalFont;
        f.setPointSizeF(std::max(15.0, f.pointSizeF() * 1.6));
        QApplication::setFont(f);
        QApplication::setPalette(highContrastPalette());
    } else {
        QApplication::setFont(m_normalFont);
        QApplication::setPalette(m_normalPalette);
    }
    // Controls reduced to bits, scheme and range: the source panel and every other row of the
    // quantization panel are hidden, and come back as they were.
    m_source->setVisible(!on);
    for (QGroupBox* box : m_quant->findChildren<QGroupBox*>()) {
        auto* form = qobject_cast<QFormLayout*>(box->layout());
        if (!form) {
            box->setVisible(!on);
            continue;
        }
        for (int r = 0; r < form->rowCount(); ++r) {
            const bool essential = layoutHasEssential(form->itemAt(r, QFormLayout::FieldRole)) ||
                                   layoutHasEssential(form->itemAt(r, QFormLayout::SpanningRole));
            if (!essential)
                form->setRowVisible(r, !on);
        }
    }
    if (auto* note = m_quant->findChild<QLabel*>(QStringLiteral("quantNote")))
        note->setVisible(!on);
    // The left column shrinks to the three controls and gives the charts its width.
    if (auto* split = findChild<QSplitter*>(QStringLiteral("mainSplitter"))) {
        QWidget* left = split->widget(0);
        if (on) {
            m_normalSplitSizes = split->sizes();
            m_normalLeftMin = left->minimumWidth();
            left->setMinimumWidth(0);
            QList<int> sizes = m_normalSplitSizes;
            if (sizes.size() == 3) {
                const int want = std::min(sizes[0], m_quant->sizeHint().width() + 24);
                sizes[1] += sizes[0] - want;
                sizes[0] = want;
                split->setSizes(sizes);
            }
            // The numbers column keeps room for its longest label and a range value, the left
            // column for the scheme's name, in the large font (as minimum widths, which every
            // later layout respects); at most a third / a quarter of the window.
            const QFontMetrics fm(QApplication::font());
            QWidget* right = split->widget(2);
            right->setProperty("normalMinimumWidth", right->minimumWidth());
            right->setMinimumWidth(
                std::min(fm.horizontalAdvance(QStringLiteral("Non-finite inputs")) +
                             fm.horizontalAdvance(QStringLiteral("[-39.5569, 143.843]")) + 70,
                         width() / 3));
            left->setMinimumWidth(std::min(
                fm.horizontalAdvance(QStringLiteral("Scheme asymmetric")) + 100, width() / 4));
        } else {
            left->setMinimumWidth(m_normalLeftMin);
            if (QWidget* right = split->widget(2))
                right->setMinimumWidth(right->property("normalMinimumWidth").toInt());
            if (!m_normalSplitSizes.isEmpty())
                split->setSizes(m_normalSplitSizes);
        }
    }
    for (const ViewPage& p : m_views)
        p.view->setPresentationMode(on);
    m_lessonPanel->setPresentationMode(on);
    if (m_lessonPanel->isVisibleTo(this))
        showLessonPanel(true);
    markChartsDirty();
    refreshVisibleChart();
    emit presentationModeChanged(on);
}

} // namespace qs::ui
