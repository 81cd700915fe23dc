#include "ui/window/tab_page.h"

#include "ui/views/analysis_view.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_tabs.h"

namespace qs::ui {

QString ViewTab::name() const
{
    return m_view->viewName();
}

QString ViewTab::label() const
{
    return m_view->viewTitle();
}

QString ViewTab::title() const
{
    return m_view->viewTitle();
}

QWidget* ViewTab::widget() const
{
    return m_view;
}

void ViewTab::refresh()
{
    const ResultPipeline& pipeline = m_tabs.pipeline();
    if (!m_dirty || !pipeline.tensor() || !pipeline.result())
        return;
    m_dirty = false;
    m_tabs.viewUpdateStarted();
    m_view->setAnalysis(pipeline.tensor(), pipeline.result());
}

bool ViewTab::update()
{
    if (!m_dirty)
        return false;
    m_dirty = false;
    m_view->setAnalysis(m_tabs.pipeline().tensor(), m_tabs.pipeline().result());
    return true;
}

} // namespace qs::ui
