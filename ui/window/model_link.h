// The Model view's ties to the window: it follows the file the pipeline opened (a model while the
// file has several tensors), weighs errors with the importance file of the quantization panel,
// and a double-clicked cell opens its tensor in the explorer (the values chart) through the
// pipeline, as the model browser does.
#pragma once

namespace qs::ui {

class ModelView;
class ResultPipeline;
class WindowTabs;

void linkModelView(ModelView& view, ResultPipeline& pipeline, WindowTabs& tabs);

} // namespace qs::ui
