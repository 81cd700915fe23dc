#include "ui/window/source_controller.h"

#include "ui/panels/model_tree.h"
#include "ui/panels/quant_panel.h"
#include "ui/panels/source_panel.h"
#include "ui/support/image_tensor.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_status.h"

#include <QFileDialog>
#include <QFileInfo>

namespace qs::ui {

namespace {

// What the file says about the tensor `name` (the only one of a one-tensor file).
const TensorInfo* storedInfo(const std::vector<TensorInfo>& members, const std::string& name)
{
    if (members.size() == 1)
        return &members.front();
    for (const TensorInfo& info : members)
        if (info.name == name)
            return &info;
    return nullptr;
}

} // namespace

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
    connect(&m_pipeline, &ResultPipeline::membersListed, this,
            [this](const QString& path, const std::vector<TensorInfo>& members,
                   const QString& loading) {
                if (members.size() < 2)
                    return;
                m_listedPath = path;
                m_source.setMembers(members, loading);
            });
    connect(&m_source, &SourcePanel::memberChosen, this, [this](const QString& member) {
        if (!m_listedPath.isEmpty())
            m_pipeline.openFile(m_listedPath, member, m_source.grayscale());
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
    const std::vector<TensorInfo>& members = m_pipeline.members();
    QString origin, storedAs;
    m_listedPath.clear();
    if (source.kind == SourceSpec::Kind::File) {
        origin = QFileInfo(source.path).fileName();
        emit fileOpened(source.path);
        if (members.size() > 1) {
            m_listedPath = source.path;
            m_source.setMembers(members, QString::fromStdString(out->tensor->name));
        } else {
            m_source.clearMembers();
        }
        if (const TensorInfo* info = storedInfo(members, out->tensor->name))
            storedAs = storedTypeText(*info);
    } else {
        m_source.clearMembers();
        origin = source.kind == SourceSpec::Kind::Generated ? tr("generated") : QString();
    }
    m_source.setFacts(*out->tensor, out->facts, origin, storedAs);
    m_quant.setTensorShape(out->tensor->shape);
}

} // namespace qs::ui
