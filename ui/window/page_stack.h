// PageStack: pages on top of each other, one shown: the view selector's centre. A
// QStackedWidget asks every page for its size hints and height for width whenever the window
// lays out; with a dozen views full of wrapped text that was ~15% of the GUI thread's time in
// the window's soak. Here only the shown page is asked. The minimum size stays the largest any
// page has had when last asked, so that switching views does not resize the window.
#pragma once

#include <QSize>
#include <QWidget>

#include <functional>
#include <vector>

namespace qs::ui {

class PageStack : public QWidget {
    Q_OBJECT
public:
    explicit PageStack(QWidget* parent = nullptr);

    // Takes ownership; the first page added is shown.
    void addWidget(QWidget* page);
    // Hides the shown page, calls layOut (if given: the stack's size may change with the page),
    // then shows `page` at the stack's size.
    void setCurrentWidget(QWidget* page, const std::function<void()>& layOut = {});
    QWidget* currentWidget() const { return m_current; }
    int count() const { return int(m_pages.size()); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;

protected:
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Page {
        QWidget* widget;
        QSize minimum; // as last asked
    };
    static QSize minimumOf(const QWidget* page);
    QSize largestMinimum() const; // refreshes the current page's entry

    mutable std::vector<Page> m_pages;
    QWidget* m_current = nullptr;
};

} // namespace qs::ui
