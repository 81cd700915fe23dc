// TabPage: one tab of the window's centre, a basic chart (ChartTab) or an analysis view
// (ViewTab). Every page shows the pipeline's current result; a new result marks them all out of
// date and only the visible one is brought up to date, the others when they are shown.
#pragma once

#include <QString>

class QWidget;

namespace qs::ui {

class AnalysisView;
class WindowTabs;

class TabPage {
public:
    virtual ~TabPage() = default;
    virtual QString name() const = 0;  // chart kind name or view name: "values", "sweep"
    virtual QString label() const = 0; // the tab's text
    virtual QString title() const = 0; // its tooltip and the View menu's entry
    virtual QWidget* widget() const = 0;
    // Shows the current result if the page is out of date (a big chart is built later, when
    // its data arrives from a worker).
    virtual void refresh() = 0;
    void markDirty() { m_dirty = true; }
    bool isDirty() const { return m_dirty; }

protected:
    bool m_dirty = true;
};

// An analysis view as a tab: it computes from the tensor and the result itself (some on a worker
// thread) and reports viewUpdated when done.
class ViewTab : public TabPage {
public:
    ViewTab(AnalysisView* view, WindowTabs& tabs) : m_view(view), m_tabs(tabs) {}
    AnalysisView* view() const { return m_view; }
    QString name() const override;
    QString label() const override;
    QString title() const override;
    QWidget* widget() const override;
    void refresh() override;
    // Hands the result to the view whether shown or not (exports); false if it was up to date.
    bool update();

private:
    AnalysisView* m_view;
    WindowTabs& m_tabs;
};

} // namespace qs::ui
