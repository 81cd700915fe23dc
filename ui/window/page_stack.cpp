#include "ui/window/page_stack.h"

#include <QChildEvent>
#include <QEvent>
#include <QResizeEvent>

#include <algorithm>

namespace qs::ui {

PageStack::PageStack(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

QSize PageStack::minimumOf(const QWidget* page)
{
    // As a layout would: the hint, unless the page sets a minimum itself.
    QSize hint = page->minimumSizeHint();
    const QSize set = page->minimumSize();
    if (set.width() > 0)
        hint.setWidth(set.width());
    if (set.height() > 0)
        hint.setHeight(set.height());
    return hint.expandedTo(QSize(0, 0));
}

void PageStack::addWidget(QWidget* page)
{
    page->setParent(this);
    m_pages.push_back({page, minimumOf(page)});
    if (m_current) {
        page->hide();
        return;
    }
    m_current = page;
    page->setGeometry(rect());
    page->show();
    updateGeometry();
}

void PageStack::setCurrentWidget(QWidget* page, const std::function<void()>& layOut)
{
    if (page == m_current || std::none_of(m_pages.begin(), m_pages.end(),
                                          [page](const Page& p) { return p.widget == page; }))
        return;
    QWidget* old = m_current;
    m_current = page;
    if (old)
        old->hide();
    if (layOut)
        layOut();
    page->setGeometry(rect());
    page->show();
    updateGeometry();
}

QSize PageStack::largestMinimum() const
{
    QSize out(0, 0);
    for (Page& p : m_pages) {
        if (p.widget == m_current)
            p.minimum = minimumOf(p.widget);
        out = out.expandedTo(p.minimum);
    }
    return out;
}

QSize PageStack::sizeHint() const
{
    const QSize hint = m_current ? m_current->sizeHint() : QSize(0, 0);
    return hint.expandedTo(largestMinimum());
}

QSize PageStack::minimumSizeHint() const
{
    return largestMinimum();
}

bool PageStack::hasHeightForWidth() const
{
    return m_current && m_current->hasHeightForWidth();
}

int PageStack::heightForWidth(int width) const
{
    const int minimum = largestMinimum().height();
    return m_current ? std::max(m_current->heightForWidth(width), minimum) : minimum;
}

bool PageStack::event(QEvent* event)
{
    switch (event->type()) {
    case QEvent::LayoutRequest: // the shown page's hints changed
        updateGeometry();
        if (m_current)
            m_current->setGeometry(rect());
        break;
    case QEvent::ChildRemoved: {
        QObject* child = static_cast<QChildEvent*>(event)->child();
        m_pages.erase(std::remove_if(m_pages.begin(), m_pages.end(),
                                     [child](const Page& p) { return p.widget == child; }),
                      m_pages.end());
        if (child == m_current)
            m_current = nullptr;
        break;
    }
    default:
        break;
    }
    return QWidget::event(event);
}

void PageStack::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_current)
        m_current->setGeometry(rect());
}

} // namespace qs::ui
