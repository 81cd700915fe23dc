#include "ui/window/source_controller.h"

#include "ui/panels/quant_panel.h"
#include "ui/panels/source_panel.h"
#include "ui/support/image_tensor.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_status.h"

#include <QFileDialog>
#include <QFileInfo>

namespace qs::ui {

SourceController::SourceController(const WindowParts& parts)
    : m_pipeline(parts.pipeline), m_source(parts.source), m_quant(parts.quant),
      m_window(parts.window)
{
    connect(&m_pipeline, &ResultPipeline::tensorReplaced, this,
            &SourceController::onTensorReplaced);
    connect(&m_source, &SourcePanel::generateRequested, this, [this, &status = parts.status] {
        try {
            m_pipeline.generate(m_source.generatorOptions());
        } catch (const Error& e) {
            status.showError(QString::fromStdString(e.what()), false);
        }
    });
    connect(&m_source, &SourcePanel::openRequested, this, &SourceController::askOpen);
    connect(&m_source, &SourcePanel::memberChosen, this, [this](const QString& member) {
        const SourceSpec& s = m_pipeline.source();
        if (s.kind == SourceSpec::Kind::File)
            m_pipeline.openFile(s.path, member, m_source.grayscale());
    });
    connect(&m_source, &SourcePanel::grayscaleChanged, this, [this] {
        const SourceSpec& s = m_pipeline.source();
        if (s.kind == SourceSpec::Kind::File && isImageFile(s.path))
            m_pipeline.openFile(s.path, QString(), m_source.grayscale());
    });
}

void SourceController::generateExample()
{
    m_source.setGeneratorOptions(exampleGenerator());
    m_pipeline.generate(exampleGenerator());
}

void SourceController::askOpen()
{
    const QString path =
        QFileDialog::getOpenFileName(m_window, tr("Open Tensor"), m_pipeline.sourceDir(),
                                     tr("Tensors and images (*.npy *.npz *.safetensors "
                                        "*.safetensors.index.json *.gguf *.onnx *.pt *.pth *.bin "
                                        "*.csv *.txt *.tsv *.png *.jpg *.jpeg "
                                        "*.bmp);;Sessions (*.qscope);;All files (*)"));
    if (!path.isEmpty())
        emit openRequested(path);
}

void SourceController::onTensorReplaced(const JobOutputPtr& out)
{
    const SourceSpec& source = m_pipeline.source();
    QString origin;
    if (source.kind == SourceSpec::Kind::File) {
        origin = QFileInfo(source.path).fileName();
        emit fileOpened(source.path);
        if (m_pipeline.members().size() > 1)
            m_source.setMembers(m_pipeline.members(), QString::fromStdString(out->tensor->name));
        else
            m_source.clearMembers();
    } else {
        m_source.clearMembers();
        origin = source.kind == SourceSpec::Kind::Generated ? tr("generated") : QString();
    }
    m_source.setFacts(*out->tensor, out->facts, origin);
    m_quant.setTensorShape(out->tensor->shape);
}

} // namespace qs::ui
