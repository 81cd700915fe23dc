// ViewSelector: the window's centre, one page at a time (the basic charts and the analysis
// views) with a compact selector above it instead of a row of tabs. The pages are grouped
// (Explore, Understand, Compare, Modes, Model): a row of group buttons, and the buttons of the
// current group's views beside it, or below it (wrapping) when the centre is too narrow. A
// group without pages has no button; a group of one page shows no view button beside its group
// button (except in compact mode, where the group buttons are hidden). Pages keep the order they
// were added in (their index); the selector and next() / previous() go through them group by group.
#pragma once

#include <QList>
#include <QString>
#include <QWidget>

#include <vector>

class QAbstractButton;
class QBoxLayout;
class QButtonGroup;
class QFrame;
class QHBoxLayout;
class QVBoxLayout;
class QToolButton;

namespace qs::ui {

class PageStack;

enum class ViewGroup { Explore, Understand, Compare, Modes, Model };
QString viewGroupTitle(ViewGroup group);
QList<ViewGroup> allViewGroups();

class ViewSelector : public QWidget {
    Q_OBJECT
public:
    explicit ViewSelector(QWidget* parent = nullptr);

    // Adds a page to the end of `group`'s buttons (its button named "viewButton-" + name);
    // returns its index.
    int addPage(ViewGroup group, const QString& name, QWidget* page, const QString& label,
                const QString& toolTip);
    int count() const { return int(m_pages.size()); }
    int currentIndex() const { return m_current; }
    QWidget* currentWidget() const;
    void setCurrentIndex(int index);
    void setCurrentWidget(QWidget* page);

    // The groups that have pages, in order.
    QList<ViewGroup> groups() const;
    ViewGroup currentGroup() const;
    // The page last shown in that group (its first at the start); false if it has none.
    bool selectGroup(ViewGroup group);
    // The next / previous page in the selector's order, wrapping around.
    void next() { step(+1); }
    void previous() { step(-1); }

    // Compact: only the current group's buttons, in one row (presentation mode; the groups stay
    // on the keyboard and in the View menu).
    void setCompact(bool on);
    bool isCompact() const { return m_compact; }

    QAbstractButton* groupButton(ViewGroup group) const;
    QAbstractButton* pageButton(int index) const;
    QWidget* bar() const { return m_bar; }
    QSize minimumSizeHint() const override;

signals:
    void currentChanged(int index);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Page {
        ViewGroup group;
        QWidget* widget;
        QToolButton* button;
    };
    void step(int delta);
    std::vector<int> selectorOrder() const; // page indices, group by group
    void showGroupButtons();
    void showPageButtons(ViewGroup group);
    // Whether `group`'s view buttons show: it has more than one view, or the bar is compact
    // (no group buttons).
    bool hasPageButtons(ViewGroup group) const;
    void arrangeBar(); // one row or more, whichever fits
    void flowButtons(int width);
    int pageRowWidth(ViewGroup group) const;

    QWidget* m_bar;
    QBoxLayout* m_barLayout;
    QWidget* m_groupRow;
    QFrame* m_groupLine; // between the groups and the current group's view buttons
    QWidget* m_pageRow;
    QVBoxLayout* m_pageRows;          // rows of the current group's buttons
    std::vector<QHBoxLayout*> m_rows; // in m_pageRows
    QButtonGroup* m_groupButtons;
    QButtonGroup* m_pageButtons;
    PageStack* m_stack;
    std::vector<Page> m_pages;
    std::vector<int> m_lastInGroup; // per ViewGroup: the page last shown, -1 none
    int m_current = -1;
    bool m_compact = false;
};

} // namespace qs::ui
