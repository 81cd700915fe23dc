#include "ui/window/presentation_mode.h"

#include "ui/panels/quant_panel.h"
#include "ui/panels/source_panel.h"
#include "ui/window/lesson_controller.h"
#include "ui/window/window_tabs.h"

#include <QAction>
#include <QApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

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

} // namespace

PresentationMode::PresentationMode(QMainWindow* window, QSplitter* columns, SourcePanel& source,
                                   QuantPanel& quant, WindowTabs& tabs, LessonController& lessons)
    : m_window(window), m_columns(columns), m_source(source), m_quant(quant), m_tabs(tabs),
      m_lessons(lessons)
{
    connect(&lessons, &LessonController::panelShownChanged, this, [this] {
        if (m_on)
            placeColumns();
    });
}

void PresentationMode::setAction(QAction* action)
{
    m_action = action;
    connect(m_action, &QAction::toggled, this, &PresentationMode::set);
}

void PresentationMode::set(bool on)
{
    if (on == m_on)
        return;
    m_on = on;
    if (m_action && m_action->isChecked() != on) {
        const QSignalBlocker block(m_action);
        m_action->setChecked(on);
    }
    applyLook(on);
    showEssentialControls(on);
    m_window->statusBar()->setVisible(!on);
    hideMenus(on);
    m_source.factsBox()->setVisible(!on);
    m_tabs.setPresentation(on);
    m_lessons.setPresentationMode(on);
    resizeColumns(on);
    m_tabs.markChartsDirty();
    m_tabs.refreshVisible();
    emit changed(on);
}

void PresentationMode::applyLook(bool on)
{
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
}

// Controls reduced to bits, scheme and range: the source panel, the model browser and every
// other row of the quantization panel are hidden, and come back as they were.
void PresentationMode::showEssentialControls(bool on)
{
    m_source.setVisible(!on);
    m_source.setBrowserAllowed(!on);
    for (QGroupBox* box : m_quant.findChildren<QGroupBox*>()) {
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
    if (auto* note = m_quant.findChild<QLabel*>(QStringLiteral("quantNote")))
        note->setVisible(!on);
}

// The controls column steps aside: the three essential controls go to the top of the numbers
// column and the chart takes the rest of the window.
void PresentationMode::resizeColumns(bool on)
{
    QWidget* left = m_columns->widget(0);
    QWidget* right = m_columns->widget(2);
    if (!on) {
        moveQuantPanel(false);
        left->setMinimumWidth(m_normalLeftMin);
        right->setMinimumWidth(m_normalRightMin);
        left->setVisible(m_normalLeftShown);
        if (!m_normalSizes.isEmpty())
            m_columns->setSizes(m_normalSizes);
        return;
    }
    m_normalLeftShown = !left->isHidden();
    m_normalSizes = m_columns->sizes();
    m_normalLeftMin = left->minimumWidth();
    m_normalRightMin = right->minimumWidth();
    placeColumns();
}

// The right column: with a lesson the essential controls, its text and the step's numbers,
// about 30 characters of the large font wide and at least 32 % of the window; without one the
// controls and the numbers, also wide enough for the numbers' longest label and a range value
// (at most a third of the window). The chart takes the rest.
void PresentationMode::placeColumns()
{
    QWidget* left = m_columns->widget(0);
    QWidget* right = m_columns->widget(2);
    moveQuantPanel(true);
    left->hide();
    const QFontMetrics fm(QApplication::font());
    const int width = m_window->width();
    int column = std::max(int(0.32 * width), fm.averageCharWidth() * 28);
    if (!m_lessons.isPanelShown())
        column = std::max(
            column, std::min(fm.horizontalAdvance(QStringLiteral("Non-finite inputs")) +
                                 fm.horizontalAdvance(QStringLiteral("[-39.5569, 143.843]")) + 70,
                             width / 3));
    right->setMinimumWidth(column);
    m_columns->setSizes({0, std::max(0, width - column), column});
}

// The quantization panel at the top of the numbers column, or back where it came from.
void PresentationMode::moveQuantPanel(bool toRight)
{
    QWidget* right = m_columns->widget(2);
    auto* column = qobject_cast<QVBoxLayout*>(right->layout());
    if (!column)
        return;
    if (toRight) {
        if (m_quant.parentWidget() != right) {
            m_quantHome = qobject_cast<QBoxLayout*>(m_quant.parentWidget()->layout());
            m_quantIndex = m_quantHome ? m_quantHome->indexOf(&m_quant) : 0;
        }
        column->removeWidget(&m_quant);
        column->insertWidget(0, &m_quant);
    } else if (m_quantHome && m_quant.parentWidget() == right) {
        column->removeWidget(&m_quant);
        m_quantHome->insertWidget(m_quantIndex, &m_quant);
    } else {
        return;
    }
    m_quant.show(); // a moved widget stays hidden until shown
}

// The menu bar gives its height to the chart; its actions (F5 among them) stay on the keyboard
// as actions of the window.
void PresentationMode::hideMenus(bool on)
{
    QMenuBar* bar = m_window->menuBar();
    if (on && !m_menuActionsAdded) {
        m_menuActionsAdded = true;
        for (QMenu* menu : bar->findChildren<QMenu*>())
            m_window->addActions(menu->actions());
    }
    bar->setVisible(!on);
}

} // namespace qs::ui
