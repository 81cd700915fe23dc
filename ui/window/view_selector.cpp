#include "ui/window/view_selector.h"

#include <QBoxLayout>
#include <QButtonGroup>
#include <QFrame>
#include <QResizeEvent>
#include <QStackedWidget>
#include <QToolButton>

#include <algorithm>

namespace qs::ui {

QString viewGroupTitle(ViewGroup group)
{
    switch (group) {
    case ViewGroup::Explore:
        return QObject::tr("Explore");
    case ViewGroup::Understand:
        return QObject::tr("Understand");
    case ViewGroup::Compare:
        return QObject::tr("Compare");
    case ViewGroup::Modes:
        return QObject::tr("Modes");
    case ViewGroup::Model:
        break;
    }
    return QObject::tr("Model");
}

QList<ViewGroup> allViewGroups()
{
    return {ViewGroup::Explore, ViewGroup::Understand, ViewGroup::Compare, ViewGroup::Modes,
            ViewGroup::Model};
}

namespace {

QToolButton* selectorButton(const QString& text, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setCheckable(true);
    b->setAutoRaise(true);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setFocusPolicy(Qt::TabFocus);
    return b;
}

QHBoxLayout* rowLayout(QWidget* row)
{
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->setSpacing(2);
    return h;
}

} // namespace

ViewSelector::ViewSelector(QWidget* parent)
    : QWidget(parent), m_bar(new QWidget(this)), m_groupRow(new QWidget(m_bar)),
      m_pageRow(new QWidget(m_bar)), m_groupButtons(new QButtonGroup(this)),
      m_pageButtons(new QButtonGroup(this)), m_stack(new QStackedWidget(this)),
      m_lastInGroup(size_t(allViewGroups().size()), -1)
{
    setObjectName(QStringLiteral("viewSelector"));
    m_bar->setObjectName(QStringLiteral("viewSelectorBar"));
    m_groupRow->setObjectName(QStringLiteral("viewGroups"));
    m_pageRow->setObjectName(QStringLiteral("viewButtons"));
    QHBoxLayout* groups = rowLayout(m_groupRow);
    for (ViewGroup g : allViewGroups()) {
        QToolButton* b = selectorButton(viewGroupTitle(g), m_groupRow);
        b->setObjectName(QStringLiteral("viewGroup-") + viewGroupTitle(g).toLower());
        QFont f = b->font();
        f.setBold(true);
        b->setFont(f);
        b->hide();
        groups->addWidget(b);
        m_groupButtons->addButton(b, int(g));
    }
    auto* line = new QFrame(m_groupRow);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    groups->addWidget(line);
    m_pageLayout = rowLayout(m_pageRow);
    m_barLayout = new QBoxLayout(QBoxLayout::LeftToRight, m_bar);
    m_barLayout->setContentsMargins(4, 3, 4, 3);
    m_barLayout->setSpacing(2);
    m_barLayout->setSizeConstraint(QLayout::SetNoConstraint);
    m_barLayout->addWidget(m_groupRow, 0, Qt::AlignLeft);
    m_barLayout->addWidget(m_pageRow, 1, Qt::AlignLeft);
    auto* v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(0);
    v->addWidget(m_bar);
    v->addWidget(m_stack, 1);
    connect(m_groupButtons, &QButtonGroup::idClicked, this,
            [this](int id) { selectGroup(ViewGroup(id)); });
    connect(m_pageButtons, &QButtonGroup::idClicked, this, &ViewSelector::setCurrentIndex);
}

int ViewSelector::addPage(ViewGroup group, const QString& name, QWidget* page, const QString& label,
                          const QString& toolTip)
{
    const int index = count();
    QToolButton* b = selectorButton(label, m_pageRow);
    b->setObjectName(QStringLiteral("viewButton-") + name);
    b->setToolTip(toolTip);
    b->hide();
    m_pageButtons->addButton(b, index);
    m_pages.push_back({group, page, b});
    m_stack->addWidget(page);
    // The row holds the buttons in the selector's order.
    const std::vector<int> order = selectorOrder();
    m_pageLayout->insertWidget(int(std::find(order.begin(), order.end(), index) - order.begin()),
                               b);
    showGroupButtons();
    if (m_current < 0)
        setCurrentIndex(index);
    return index;
}

QWidget* ViewSelector::currentWidget() const
{
    return m_current < 0 ? nullptr : m_pages[size_t(m_current)].widget;
}

void ViewSelector::setCurrentIndex(int index)
{
    if (index < 0 || index >= count())
        return;
    const Page& page = m_pages[size_t(index)];
    m_lastInGroup[size_t(page.group)] = index;
    page.button->setChecked(true);
    if (QAbstractButton* g = groupButton(page.group))
        g->setChecked(true);
    for (const Page& p : m_pages)
        p.button->setVisible(p.group == page.group);
    arrangeBar();
    if (index == m_current)
        return;
    m_current = index;
    m_stack->setCurrentWidget(page.widget);
    emit currentChanged(index);
}

void ViewSelector::setCurrentWidget(QWidget* page)
{
    for (int i = 0; i < count(); ++i)
        if (m_pages[size_t(i)].widget == page)
            setCurrentIndex(i);
}

QList<ViewGroup> ViewSelector::groups() const
{
    QList<ViewGroup> out;
    for (ViewGroup g : allViewGroups())
        if (std::any_of(m_pages.begin(), m_pages.end(),
                        [g](const Page& p) { return p.group == g; }))
            out << g;
    return out;
}

ViewGroup ViewSelector::currentGroup() const
{
    return m_current < 0 ? ViewGroup::Explore : m_pages[size_t(m_current)].group;
}

bool ViewSelector::selectGroup(ViewGroup group)
{
    int index = m_lastInGroup[size_t(group)];
    for (int i : selectorOrder())
        if (index < 0 && m_pages[size_t(i)].group == group)
            index = i;
    if (index < 0)
        return false;
    setCurrentIndex(index);
    return true;
}

void ViewSelector::step(int delta)
{
    const std::vector<int> order = selectorOrder();
    if (order.empty())
        return;
    const auto at = std::find(order.begin(), order.end(), m_current);
    const int n = int(order.size());
    const int pos = at == order.end() ? 0 : int(at - order.begin());
    setCurrentIndex(order[size_t(((pos + delta) % n + n) % n)]);
}

std::vector<int> ViewSelector::selectorOrder() const
{
    std::vector<int> order;
    for (ViewGroup g : allViewGroups())
        for (int i = 0; i < count(); ++i)
            if (m_pages[size_t(i)].group == g)
                order.push_back(i);
    return order;
}

QAbstractButton* ViewSelector::groupButton(ViewGroup group) const
{
    return m_groupButtons->button(int(group));
}

QAbstractButton* ViewSelector::pageButton(int index) const
{
    return m_pageButtons->button(index);
}

void ViewSelector::setCompact(bool on)
{
    m_compact = on;
    m_groupRow->setVisible(!on);
    arrangeBar();
}

void ViewSelector::showGroupButtons()
{
    const QList<ViewGroup> present = groups();
    for (ViewGroup g : allViewGroups()) {
        QStringList labels;
        for (const Page& p : m_pages)
            if (p.group == g)
                labels << p.button->text();
        QAbstractButton* b = groupButton(g);
        b->setVisible(present.contains(g));
        b->setToolTip(tr("%1 (Ctrl+%2): %3")
                          .arg(viewGroupTitle(g))
                          .arg(int(g) + 1)
                          .arg(labels.join(QStringLiteral(", "))));
    }
}

// The group buttons and the current group's buttons side by side when both fit, else the
// page buttons in a second row; the centre can then shrink to the wider of the two rows.
void ViewSelector::arrangeBar()
{
    const QMargins m = m_barLayout->contentsMargins();
    const int oneRow = m_groupRow->sizeHint().width() + m_barLayout->spacing() +
                       pageRowWidth(currentGroup()) + m.left() + m.right();
    const auto direction =
        m_compact || oneRow <= width() ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    if (m_barLayout->direction() != direction)
        m_barLayout->setDirection(direction);
    updateGeometry();
}

// The width of a group's row of buttons (whichever group is shown).
int ViewSelector::pageRowWidth(ViewGroup group) const
{
    int width = 0, buttons = 0;
    for (const Page& p : m_pages)
        if (p.group == group) {
            width += p.button->sizeHint().width();
            ++buttons;
        }
    return width + std::max(0, buttons - 1) * m_pageLayout->spacing();
}

QSize ViewSelector::minimumSizeHint() const
{
    const QMargins m = m_barLayout->contentsMargins();
    int bar = m_compact ? 0 : m_groupRow->sizeHint().width();
    for (ViewGroup g : allViewGroups())
        bar = std::max(bar, pageRowWidth(g));
    bar += m.left() + m.right();
    const QSize page = m_stack->minimumSizeHint();
    return {std::max(bar, page.width()), m_bar->sizeHint().height() + page.height()};
}

void ViewSelector::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    arrangeBar();
}

} // namespace qs::ui
