#include "ui/window/view_selector.h"

#include "ui/window/page_stack.h"

#include <QBoxLayout>
#include <QButtonGroup>
#include <QFrame>
#include <QResizeEvent>
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

constexpr int kSpacing = 2; // between buttons and rows

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
    h->setSpacing(kSpacing);
    return h;
}

QHBoxLayout* rowLayoutIn(QVBoxLayout* rows)
{
    auto* h = new QHBoxLayout;
    h->setContentsMargins(0, 0, 0, 0);
    h->setSpacing(kSpacing);
    rows->addLayout(h);
    return h;
}

} // namespace

ViewSelector::ViewSelector(QWidget* parent)
    : QWidget(parent), m_bar(new QWidget(this)), m_groupRow(new QWidget(m_bar)),
      m_pageRow(new QWidget(m_bar)), m_groupButtons(new QButtonGroup(this)),
      m_pageButtons(new QButtonGroup(this)), m_stack(new PageStack(this)),
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
    m_groupLine = new QFrame(m_groupRow);
    m_groupLine->setObjectName(QStringLiteral("viewGroupLine"));
    m_groupLine->setFrameShape(QFrame::VLine);
    m_groupLine->setFrameShadow(QFrame::Sunken);
    groups->addWidget(m_groupLine);
    m_pageRows = new QVBoxLayout(m_pageRow);
    m_pageRows->setContentsMargins(0, 0, 0, 0);
    m_pageRows->setSpacing(kSpacing);
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
    showGroupButtons();
    if (m_current < 0)
        setCurrentIndex(index);
    arrangeBar();
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
    const bool changed = index != m_current;
    m_current = index; // arrangeBar() lays out the current group
    showPageButtons(page.group);
    arrangeBar();
    if (!changed)
        return;
    // The bar's height may have changed with the group (a group of one view has no buttons):
    // lay out between hiding the old page and showing the new one, so that neither is resized
    // (and its chart laid out and painted again) for the other's bar. Bottom up: each layout's
    // activation invalidates its parent's.
    m_stack->setCurrentWidget(page.widget, [this] {
        for (QWidget* w : {m_pageRow, m_bar, static_cast<QWidget*>(this)})
            w->layout()->activate();
    });
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
    showPageButtons(currentGroup());
    arrangeBar();
}

// The buttons of `group`'s views; a group of one view needs none beside its group button,
// unless the group buttons are hidden (compact).
void ViewSelector::showPageButtons(ViewGroup group)
{
    const bool shown = hasPageButtons(group);
    for (const Page& p : m_pages)
        p.button->setVisible(p.group == group && shown);
}

bool ViewSelector::hasPageButtons(ViewGroup group) const
{
    const auto pages = std::count_if(m_pages.begin(), m_pages.end(),
                                     [group](const Page& p) { return p.group == group; });
    return pages > 1 || m_compact;
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
// view buttons below the groups, in as many rows as they need: the centre can shrink to the
// group row or the widest button.
void ViewSelector::arrangeBar()
{
    const QMargins m = m_barLayout->contentsMargins();
    const int available = width() - m.left() - m.right();
    const int pages = pageRowWidth(currentGroup());
    m_pageRow->setVisible(pages > 0);
    m_groupLine->setVisible(pages > 0); // nothing to set apart from the groups
    const int groups = m_compact ? 0 : m_groupRow->sizeHint().width() + m_barLayout->spacing();
    const bool oneRow = groups + pages <= available;
    const auto direction = m_compact || oneRow ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    if (m_barLayout->direction() != direction)
        m_barLayout->setDirection(direction);
    flowButtons(direction == QBoxLayout::LeftToRight ? available - groups : available);
    updateGeometry();
}

// The current group's buttons in rows of at most `width` pixels (the others are hidden).
void ViewSelector::flowButtons(int width)
{
    for (QHBoxLayout* row : m_rows) {
        while (QLayoutItem* item = row->takeAt(0))
            delete item;
        m_pageRows->removeItem(row);
        delete row;
    }
    m_rows.clear();
    int used = 0;
    for (int i : selectorOrder()) {
        const Page& p = m_pages[size_t(i)];
        const int w = p.button->sizeHint().width();
        const bool shown = p.group == currentGroup();
        if (m_rows.empty() || (shown && used > 0 && used + kSpacing + w > width)) {
            m_rows.push_back(rowLayoutIn(m_pageRows));
            used = 0;
        }
        if (shown)
            used += (used > 0 ? kSpacing : 0) + w;
        m_rows.back()->addWidget(p.button);
    }
    for (QHBoxLayout* row : m_rows)
        row->addStretch(1);
}

// The width of a group's buttons in one row (whichever group is shown); zero when they are not
// shown (showPageButtons).
int ViewSelector::pageRowWidth(ViewGroup group) const
{
    if (!hasPageButtons(group))
        return 0;
    int width = 0, buttons = 0;
    for (const Page& p : m_pages)
        if (p.group == group) {
            width += p.button->sizeHint().width();
            ++buttons;
        }
    return width + std::max(0, buttons - 1) * kSpacing;
}

QSize ViewSelector::minimumSizeHint() const
{
    const QMargins m = m_barLayout->contentsMargins();
    int bar = m_compact ? 0 : m_groupRow->sizeHint().width();
    for (const Page& p : m_pages)
        bar = std::max(bar, p.button->sizeHint().width());
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
