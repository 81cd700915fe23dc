#include "ui/window/lesson_controller.h"

#include "ui/panels/lesson_panel.h"
#include "ui/panels/numbers_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/support/lesson_library.h"
#include "ui/views/block_inspector_view.h"
#include "ui/views/image_view.h"
#include "ui/views/int_matmul_view.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/view_selector.h"
#include "ui/window/window_status.h"
#include "ui/window/window_tabs.h"

#include <QEvent>
#include <QFileDialog>
#include <QMenu>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace qs::ui {

namespace {

bool sameTensor(const Tensor& a, const Tensor& b)
{
    return a.shape == b.shape && a.data.size() == b.data.size() &&
           std::equal(a.data.begin(), a.data.end(), b.data.begin(),
                      [](float x, float y) { return x == y || (std::isnan(x) && std::isnan(y)); });
}

} // namespace

LessonController::LessonController(const WindowParts& parts)
    : m_pipeline(parts.pipeline), m_tabs(parts.tabs), m_quant(parts.quant), m_status(parts.status),
      m_window(parts.window)
{
}

void LessonController::addPanel(QSplitter* splitter)
{
    QWidget* tabs = m_tabs.selector();
    auto* centre = new QWidget;
    centre->setObjectName(QStringLiteral("centrePane"));
    auto* v = new QVBoxLayout(centre);
    v->setContentsMargins(0, 0, 0, 0);
    // Panel and charts share the height through a splitter; a long text scrolls.
    m_split = new QSplitter(Qt::Vertical, centre);
    m_split->setObjectName(QStringLiteral("lessonSplitter"));
    m_split->setChildrenCollapsible(false);
    m_scroll = new QScrollArea(m_split);
    m_scroll->setObjectName(QStringLiteral("lessonScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_panel = new LessonPanel;
    m_scroll->setWidget(m_panel);
    m_scroll->hide();
    m_scroll->setMinimumHeight(80);
    m_scroll->viewport()->installEventFilter(this);
    m_split->addWidget(m_scroll);
    m_numbersColumn = splitter->widget(2);
    m_numbers = m_numbersColumn ? m_numbersColumn->findChild<NumbersPanel*>() : nullptr;
    const int index = splitter->indexOf(tabs);
    const QList<int> sizes = splitter->sizes();
    splitter->replaceWidget(index, centre);
    splitter->setSizes(sizes);
    m_split->addWidget(tabs);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    v->addWidget(m_split, 1);
    connect(m_panel, &LessonPanel::stepChanged, this, &LessonController::applyStep);
    connect(m_panel, &LessonPanel::closeRequested, this, &LessonController::close);
}

QMenu* LessonController::makeMenu(const std::function<QString()>& startDir)
{
    auto* lessons = new QMenu(tr("&Lessons"), m_window);
    lessons->setObjectName(QStringLiteral("lessonsMenu"));
    for (const QString& id : builtinLessonIds()) {
        QAction* a =
            lessons->addAction(builtinLessonTitle(id), this, [this, id] { openLesson(id); });
        a->setData(id);
        a->setToolTip(id);
    }
    lessons->addSeparator();
    lessons->addAction(tr("Open Lesson &File…"), this, [this, startDir] {
        const QString path = QFileDialog::getOpenFileName(m_window, tr("Open lesson"), startDir(),
                                                          tr("Lessons (*.json)"));
        if (!path.isEmpty())
            openLesson(path);
    });
    lessons->addAction(tr("&Close Lesson"), this, &LessonController::close);
    return lessons;
}

bool LessonController::openLesson(const QString& nameOrPath)
{
    return m_status.reportErrors([&] { applyLesson(findLesson(nameOrPath)); });
}

void LessonController::applyLesson(const Lesson& lesson, int step)
{
    m_panel->setLesson(lesson);
    showPanel(true);
    m_panel->setStep(step, true); // applies the step
}

void LessonController::applyStep(int step)
{
    if (!m_panel->hasLesson())
        return;
    const Lesson& lesson = m_panel->lesson();
    m_status.reportErrors([&] {
        auto tensor = std::make_shared<Tensor>(lessonTensor(lesson, step));
        const QuantConfig config = lessonConfig(lesson, step);
        m_stepTensor = tensor;
        m_stepConfig = config;
        if (auto* image = qobject_cast<ImageView*>(m_tabs.analysisView(QStringLiteral("image"))))
            image->setGranularity(lesson.imageGranularity, lesson.imageBlockSize);
        if (auto* inspector = qobject_cast<BlockInspectorView*>(
                m_tabs.analysisView(QStringLiteral("block-inspector"))))
            if (const std::optional<int64_t>& block = lesson.steps[size_t(step)].block)
                inspector->selectBlock(*block);
        if (auto* mm =
                qobject_cast<IntMatmulView*>(m_tabs.analysisView(QStringLiteral("int-matmul"))))
            if (lesson.intMatmul)
                mm->showDemo(*lesson.intMatmul);
        m_quant.setConfig(config);
        m_pipeline.setTensor(*tensor);
        const std::string& chart = lesson.steps[size_t(step)].chart;
        if (!m_tabs.setCurrentTab(QString::fromStdString(chart)))
            m_status.showError(
                tr("The lesson names an unknown chart '%1'").arg(QString::fromStdString(chart)),
                false);
    });
}

void LessonController::showPanel(bool on)
{
    const bool was = m_panelShown;
    m_panelShown = on;
    placePanel();
    m_scroll->setVisible(on); // after a move: a moved widget is hidden until shown again
    if (was != on)
        emit panelShownChanged(on);
    if (on && !m_presenting) {
        // The text gets what it needs up to a third of the height; the chart the rest.
        const int total = std::max(400, m_split->height());
        const int panel = std::min(m_panel->sizeHint().height() + 4, total / 3);
        m_split->setSizes({panel, total - panel});
    }
}

void LessonController::close()
{
    showPanel(false);
    m_stepTensor.reset();
    showNumbers();
}

bool LessonController::isPanelShown() const
{
    return m_panelShown;
}

void LessonController::setPresentationMode(bool on)
{
    m_presenting = on;
    m_panel->setPresentationMode(on);
    showPanel(isPanelShown());
    showNumbers();
}

void LessonController::placePanel()
{
    auto* column =
        m_numbersColumn ? qobject_cast<QVBoxLayout*>(m_numbersColumn->layout()) : nullptr;
    const bool beside = m_presenting && isPanelShown() && column;
    if (beside && m_scroll->parentWidget() != m_numbersColumn)
        column->insertWidget(0, m_scroll, 1);
    else if (!beside && m_scroll->parentWidget() != m_split)
        m_split->insertWidget(0, m_scroll);
    m_split->setStretchFactor(0, beside ? 1 : 0);
    m_split->setStretchFactor(m_split->count() - 1, 1);
}

void LessonController::showNumbers()
{
    if (!m_numbers)
        return;
    const bool checks = m_presenting && isPanelShown() && !m_panel->checks().empty();
    if (checks)
        m_numbers->showChecks(m_panel->checks());
    else if (m_numbers->showsChecks() && m_pipeline.result())
        m_numbers->setResult(*m_pipeline.result());
}

// The lesson's text is paged to the height its area has when presenting.
bool LessonController::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize)
        m_panel->setPageHeight(m_scroll->viewport()->height());
    return QObject::eventFilter(watched, event);
}

void LessonController::checkResult()
{
    const std::shared_ptr<const Tensor>& tensor = m_pipeline.tensor();
    const std::shared_ptr<const QuantResult>& result = m_pipeline.result();
    if (!m_panel->hasLesson() || !m_stepTensor || !tensor || !result)
        return;
    if (sameTensor(*tensor, *m_stepTensor) && result->config == m_stepConfig)
        m_panel->showResult(*tensor, *result);
    else
        m_panel->showNote(
            tr("The data or controls now differ from this step of the lesson; its asserted "
               "numbers are not checked."));
    showNumbers();
}

} // namespace qs::ui
