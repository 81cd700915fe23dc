// SourceController: the source panel and the pipeline's source. The panel's requests (generate,
// open, a tensor picked in the model browser, grayscale) become pipeline sources; a file's listing
// fills the model browser as soon as it is read, and a new tensor fills the panel's facts (with
// how the file stores it) and tells the quantization panel its shape.
#pragma once

#include "ui/jobs/job_runner.h"
#include "ui/window/window_parts.h"

#include <QObject>

namespace qs::ui {

class SourceController : public QObject {
    Q_OBJECT
public:
    explicit SourceController(const WindowParts& parts);

    void generateExample(); // the built-in example tensor, also shown in the panel
    void askOpen();         // the Open dialog: emits openRequested

signals:
    void openRequested(const QString& path); // a tensor file or a session
    void fileOpened(const QString& path);    // a tensor file was loaded (recent files)

private:
    void onTensorReplaced(const JobOutputPtr& output);

    ResultPipeline& m_pipeline;
    SourcePanel& m_source;
    QuantPanel& m_quant;
    QWidget* m_window;
    QString m_listedPath; // the file whose tensors the model browser lists
};

} // namespace qs::ui
