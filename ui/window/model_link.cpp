#include "ui/window/model_link.h"

#include "ui/views/model_view.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_tabs.h"

namespace qs::ui {

void linkModelView(ModelView& view, ResultPipeline& pipeline, WindowTabs& tabs)
{
    view.importanceFile = [&pipeline] { return pipeline.importanceOfControls(); };
    QObject::connect(&pipeline, &ResultPipeline::membersListed, &view,
                     [&view](const QString& path, const std::vector<TensorInfo>& members) {
                         view.setModelFile(path, members);
                     });
    QObject::connect(&pipeline, &ResultPipeline::tensorReplaced, &view, [&view, &pipeline] {
        const SourceSpec& source = pipeline.source();
        view.setModelFile(source.kind == SourceSpec::Kind::File ? source.path : QString(),
                          pipeline.members());
    });
    QObject::connect(&view, &ModelView::tensorRequested, &tabs,
                     [&pipeline, &tabs](const QString& path, const QString& tensor) {
                         pipeline.openFile(path, tensor, false);
                         tabs.setCurrentChart(ChartKind::Values);
                     });
}

} // namespace qs::ui
