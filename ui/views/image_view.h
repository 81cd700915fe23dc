// ImageView: image compression by quantization (named in the He-weights notebook's title,
// docs/REFERENCES.md). The image is the current tensor when it is H x W x C (C 1..4), else a
// loaded image file or the built-in generated one; it is quantized at the window's bits / scheme /
// rounding per tensor, per colour channel or per B x B block (qs::quantizeImage), and shown as
// original, reconstruction and amplified difference side by side with PSNR, SSIM and the size in
// bytes. Quantization runs on a worker thread (QtConcurrent); only the newest request is shown.
#pragma once

#include "core/teach/image_quant.h"
#include "ui/views/analysis_view.h"

#include <QFutureWatcher>
#include <QImage>

class QComboBox;
class QGridLayout;
class QLabel;
class QSpinBox;

namespace qs::ui {

class ImageView : public AnalysisView {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);
    ~ImageView() override;

    QString viewName() const override { return QStringLiteral("image"); }
    QString viewTitle() const override { return tr("Image"); }
    void setAnalysis(std::shared_ptr<const Tensor> tensor,
                     std::shared_ptr<const QuantResult> result) override;

    // Options (each starts a new computation).
    void setGranularity(ImageGranularity g, int blockSize);
    void setConfig(const QuantConfig& config); // bits, scheme, rounding (granularity ignored)
    // Uses this image instead of the window's tensor / the built-in image. Empty: back to them.
    void setImage(std::shared_ptr<const Tensor> image, const QString& label);
    bool loadImage(const QString& path); // false + lastError() on failure

    // True until the newest request's result (or error) is on screen: the future may have
    // finished before its finished() signal reached onFinished().
    bool isComputing() const override
    {
        return m_watcher.isRunning() || m_pending || m_doneId != m_requestId;
    }
    const ImageQuantResult& result() const { return m_result; }
    bool hasResult() const { return m_hasResult; }
    QString metricsText() const;
    QString lastError() const { return m_error; }
    int differenceGain() const { return m_gain; }
    // The three pictures as shown (original, reconstruction, amplified difference).
    QImage originalImage() const { return m_originalImage; }
    QImage reconstructedImage() const { return m_reconImage; }
    QImage differenceImage() const { return m_diffImage; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Output {
        ImageQuantResult result;
        QString error;
        uint64_t id = 0;
    };
    void start();
    void onFinished();
    void showPictures();
    void rescale();
    void placePictures(int columns);

    QComboBox* m_granularity = nullptr;
    QSpinBox* m_blockSize = nullptr;
    QLabel* m_sourceLabel = nullptr;
    QLabel* m_pictures[3] = {};
    QGridLayout* m_grid = nullptr;
    int m_columns = 0; // placePictures() has not run
    QLabel* m_captions[3] = {};
    QLabel* m_metrics = nullptr;

    std::shared_ptr<const Tensor> m_windowTensor; // the window's tensor if it is an image
    std::shared_ptr<const Tensor> m_ownImage;     // loaded / set explicitly
    std::shared_ptr<const Tensor> m_builtin;
    std::shared_ptr<const Tensor> m_shown; // the image of m_result
    QString m_ownLabel;
    QuantConfig m_config;
    QFutureWatcher<Output> m_watcher;
    bool m_pending = false;
    uint64_t m_requestId = 0;
    uint64_t m_doneId = 0; // request whose outcome is shown
    std::shared_ptr<CancelToken> m_cancel;
    ImageQuantResult m_result;
    bool m_hasResult = false;
    QString m_error;
    int m_gain = 1;
    QImage m_originalImage, m_reconImage, m_diffImage;
};

} // namespace qs::ui
