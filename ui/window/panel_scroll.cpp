#include "ui/window/panel_scroll.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QEvent>
#include <QScrollArea>
#include <QScrollBar>

namespace qs::ui {

namespace {

// Hands the wheel events of unfocused controls to the scroll area's vertical scroll bar.
class WheelToScrollBar : public QObject {
public:
    explicit WheelToScrollBar(QScrollArea* area) : QObject(area), m_area(area) {}

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() != QEvent::Wheel || static_cast<QWidget*>(watched)->hasFocus())
            return false;
        QCoreApplication::sendEvent(m_area->verticalScrollBar(), event);
        return true;
    }

private:
    QScrollArea* m_area;
};

} // namespace

void scrollPanelOnWheel(QScrollArea* area)
{
    auto* filter = new WheelToScrollBar(area);
    for (QWidget* w : area->widget()->findChildren<QWidget*>()) {
        if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w) ||
            qobject_cast<QAbstractSlider*>(w)) {
            w->setFocusPolicy(Qt::StrongFocus);
            w->installEventFilter(filter);
        }
    }
}

} // namespace qs::ui
