#include "ui/views/image_view.h"

#include "ui/support/image_tensor.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace qs::ui {

namespace {

bool isImageShaped(const Tensor& t)
{
    return t.rank() == 3 && t.shape[0] >= 1 && t.shape[1] >= 1 && t.shape[2] >= 1 &&
           t.shape[2] <= 4;
}

uchar toByte(double v)
{
    if (!(v > 0))
        return 0; // also NaN
    return v >= 255 ? 255 : uchar(std::lround(v));
}

// H x W x C tensor -> QImage; `map` turns a stored value into 0..255. One channel is grey, two
// show the first channel as grey, four drop alpha (the difference of alpha is still counted).
template <class Map> QImage toQImage(const Tensor& t, Map map)
{
    const int h = int(t.shape[0]), w = int(t.shape[1]), c = int(t.shape[2]);
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const float* p = t.data.data() + (int64_t(y) * w + x) * c;
            const uchar r = toByte(map(p[0]));
            const uchar g = c >= 3 ? toByte(map(p[1])) : r;
            const uchar b = c >= 3 ? toByte(map(p[2])) : r;
            line[x] = qRgb(r, g, b);
        }
    }
    return img;
}

} // namespace

ImageView::ImageView(QWidget* parent) : AnalysisView(parent)
{
    m_config.bits = 4;
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Parameters per"), this));
    m_granularity = new QComboBox(this);
    m_granularity->setObjectName(QStringLiteral("imageGranularity"));
    m_granularity->addItem(tr("tensor"), int(ImageGranularity::PerTensor));
    m_granularity->addItem(tr("colour channel"), int(ImageGranularity::PerChannel));
    m_granularity->addItem(tr("block"), int(ImageGranularity::PerBlock));
    controls->addWidget(m_granularity);
    controls->addWidget(new QLabel(tr("block size"), this));
    m_blockSize = new QSpinBox(this);
    m_blockSize->setObjectName(QStringLiteral("imageBlockSize"));
    m_blockSize->setRange(1, 1024);
    m_blockSize->setValue(8);
    controls->addWidget(m_blockSize);
    controls->addStretch(1);
    layout->addLayout(controls);
    // The image on a row of its own, so the view fits beside the window's side panels.
    auto* source = new QHBoxLayout;
    auto* load = new QPushButton(tr("Load image…"), this);
    auto* builtin = new QPushButton(tr("Built-in image"), this);
    source->addWidget(load);
    source->addWidget(builtin);
    m_sourceLabel = new QLabel(this);
    m_sourceLabel->setWordWrap(true);
    source->addWidget(m_sourceLabel, 1);
    layout->addLayout(source);

    auto* grid = m_grid = new QGridLayout;
    for (int i = 0; i < 3; ++i) {
        m_pictures[i] = new QLabel(this);
        // At most as tall as its picture (rescale()), right above its caption, under the
        // controls.
        m_pictures[i]->setAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        m_pictures[i]->setMinimumSize(112, 84);
        m_pictures[i]->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
        m_captions[i] = new QLabel(this);
        m_captions[i]->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
        m_captions[i]->setWordWrap(true);
        grid->addWidget(m_pictures[i], 0, i);
        grid->addWidget(m_captions[i], 1, i);
        grid->setColumnStretch(i, 1);
    }
    layout->addLayout(grid, 1); // first claim on the height, up to the pictures' sizes
    m_metrics = new QLabel(this);
    m_metrics->setObjectName(QStringLiteral("imageMetrics"));
    m_metrics->setWordWrap(true);
    m_metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_metrics);
    layout->addStretch(0); // what the pictures leave

    connect(m_granularity, &QComboBox::currentIndexChanged, this, [this] {
        m_blockSize->setEnabled(m_granularity->currentData().toInt() ==
                                int(ImageGranularity::PerBlock));
        start();
    });
    m_blockSize->setEnabled(false);
    connect(m_blockSize, &QSpinBox::valueChanged, this, [this] { start(); });
    connect(load, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open image"), QString(),
                                         tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.ppm *.pgm)"));
        if (!path.isEmpty())
            loadImage(path);
    });
    connect(builtin, &QPushButton::clicked, this, [this] { setImage(nullptr, QString()); });
    connect(&m_watcher, &QFutureWatcher<Output>::finished, this, &ImageView::onFinished);
}

ImageView::~ImageView()
{
    if (m_cancel)
        m_cancel->cancel();
    m_watcher.waitForFinished();
}

void ImageView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                            std::shared_ptr<const QuantResult> result)
{
    m_windowTensor = tensor && isImageShaped(*tensor) ? tensor : nullptr;
    if (result)
        m_config = result->config;
    start();
}

void ImageView::setConfig(const QuantConfig& config)
{
    m_config = config;
    start();
}

void ImageView::setGranularity(ImageGranularity g, int blockSize)
{
    const QSignalBlocker b1(m_granularity), b2(m_blockSize);
    m_granularity->setCurrentIndex(m_granularity->findData(int(g)));
    m_blockSize->setValue(blockSize);
    m_blockSize->setEnabled(g == ImageGranularity::PerBlock);
    start();
}

void ImageView::setImage(std::shared_ptr<const Tensor> image, const QString& label)
{
    m_ownImage = std::move(image);
    m_ownLabel = label;
    start();
}

bool ImageView::loadImage(const QString& path)
{
    try {
        auto t = std::make_shared<const Tensor>(loadImageTensor(path, false));
        setImage(t, path.section(QLatin1Char('/'), -1));
        return true;
    } catch (const std::exception& e) {
        m_error = QString::fromUtf8(e.what());
        m_metrics->setText(m_error);
        return false;
    }
}

void ImageView::start()
{
    std::shared_ptr<const Tensor> image = m_ownImage ? m_ownImage : m_windowTensor;
    QString label = m_ownImage ? m_ownLabel : tr("the current tensor");
    if (!image) {
        if (!m_builtin)
            m_builtin = std::make_shared<const Tensor>(builtinImage(96, 64));
        image = m_builtin;
        label = tr("built-in 96 x 64 image");
    }
    m_sourceLabel->setText(
        tr("Image: %1 (%2)").arg(label, QString::fromStdString(image->shapeString())));
    ImageQuantOptions options;
    options.config = m_config;
    options.granularity = ImageGranularity(m_granularity->currentData().toInt());
    options.blockSize = m_blockSize->value();
    if (m_cancel)
        m_cancel->cancel();
    m_cancel = std::make_shared<CancelToken>();
    const uint64_t id = ++m_requestId;
    if (m_watcher.isRunning()) {
        // The running job sees its cancel flag; the newest request starts when it returns.
        m_pending = true;
        m_shown = image;
        return;
    }
    m_pending = false;
    m_shown = image;
    auto cancel = m_cancel;
    m_watcher.setFuture(QtConcurrent::run([image, options, cancel, id]() {
        Output out;
        out.id = id;
        try {
            out.result = quantizeImage(*image, options, cancel.get());
        } catch (const Cancelled&) {
            out.error = QStringLiteral("cancelled");
        } catch (const std::exception& e) {
            out.error = QString::fromUtf8(e.what());
        }
        return out;
    }));
}

void ImageView::onFinished()
{
    Output out = m_watcher.result();
    if (m_pending) {
        start();
        return;
    }
    if (out.id != m_requestId)
        return;
    m_doneId = out.id;
    if (!out.error.isEmpty()) {
        m_error = out.error;
        m_hasResult = false;
        m_metrics->setText(tr("Cannot compress this image: %1").arg(m_error));
        for (QLabel* p : m_pictures)
            p->clear();
        emit viewUpdated();
        return;
    }
    m_error.clear();
    m_result = std::move(out.result);
    m_hasResult = true;
    showPictures();
    emit viewUpdated();
}

void ImageView::resizeEvent(QResizeEvent* event)
{
    AnalysisView::resizeEvent(event);
    if (m_hasResult)
        rescale();
}

void ImageView::rescale()
{
    const QImage* images[3] = {&m_originalImage, &m_reconImage, &m_diffImage};
    // Three pictures in a row, or two above the difference when the view is tall enough for
    // that to make them larger; each as large as the width and the rest of the view allow.
    const int spacing = std::max(0, m_grid->spacing());
    const int width = std::max(3 * 112, m_grid->geometry().width());
    // Below the controls (the grid's top), above the metrics line and the margin.
    const QMargins margins = layout()->contentsMargins();
    const int metrics = m_metrics->heightForWidth(std::max(1, m_metrics->width()));
    const int room =
        height() - m_grid->geometry().top() - layout()->spacing() - metrics - margins.bottom();
    const QSize image = m_originalImage.isNull() ? QSize(4, 3) : m_originalImage.size();
    QSize best;
    int bestColumns = 3;
    for (int columns : {3, 2}) {
        const int rows = columns == 3 ? 1 : 2;
        const int w = (width - (columns - 1) * spacing) / columns;
        const int caption = m_captions[2]->heightForWidth(w);
        const int h = (room - rows * (caption + spacing) - (rows - 1) * spacing) / rows;
        const QSize fit = image.scaled(QSize(w, std::max(84, h)), Qt::KeepAspectRatio);
        if (best.isEmpty() || fit.width() > best.width()) {
            best = fit;
            bestColumns = columns;
        }
    }
    placePictures(bestColumns);
    // At most the picture's height (the rest goes below the metrics), at least 84 px: never
    // a fixed height, which would keep the window from shrinking.
    for (QLabel* picture : m_pictures)
        picture->setMaximumHeight(std::max(84, best.height()));
    for (int i = 0; i < 3; ++i)
        // Nearest-neighbour scaling keeps the pixels (and the blocks) visible.
        m_pictures[i]->setPixmap(QPixmap::fromImage(
            images[i]->scaled(best, Qt::KeepAspectRatio, Qt::FastTransformation)));
}

// The pictures and their captions in `columns` columns (3: one row; 2: the difference below).
void ImageView::placePictures(int columns)
{
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (int i = 0; i < 3; ++i) {
        m_grid->removeWidget(m_pictures[i]);
        m_grid->removeWidget(m_captions[i]);
        const int row = 2 * (i / columns), column = i % columns;
        m_grid->addWidget(m_pictures[i], row, column);
        m_grid->addWidget(m_captions[i], row + 1, column);
    }
    m_grid->setColumnStretch(2, columns == 3 ? 1 : 0);
    // The pictures' rows take the height (up to the pictures' maximum), not the captions'.
    m_grid->setRowStretch(0, 1);
    m_grid->setRowStretch(2, columns == 3 ? 0 : 1);
}

QString ImageView::metricsText() const
{
    return m_metrics->text();
}

void ImageView::showPictures()
{
    const Tensor& orig = *m_shown;
    double maxDiff = 0;
    for (float d : m_result.difference.data)
        if (std::isfinite(d))
            maxDiff = std::max(maxDiff, double(std::fabs(d)));
    // The largest power of two (up to 64) that keeps the difference inside +-127 grey levels.
    m_gain = 1;
    while (m_gain < 64 && maxDiff * m_gain * 2 <= 127)
        m_gain *= 2;
    const double gain = m_gain;
    m_originalImage = toQImage(orig, [](float v) { return double(v); });
    m_reconImage = toQImage(m_result.reconstructed, [](float v) { return double(v); });
    m_diffImage = toQImage(m_result.difference, [gain](float v) { return 128.0 + gain * v; });
    rescale();
    const int bits = m_config.bits;
    m_captions[0]->setText(tr("Original (8 bits per value)"));
    m_captions[1]->setText(
        (m_result.slices == 1
             ? tr("Reconstruction (%1 bits, one parameter set)").arg(bits)
             : tr("Reconstruction (%1 bits, %2 parameter sets)").arg(bits).arg(m_result.slices)));
    m_captions[2]->setText(
        tr("Difference original − reconstruction, × %1 (mid-grey = 0, max |diff| %2)")
            .arg(m_gain)
            .arg(maxDiff, 0, 'g', 4));
    const QString ssim = std::isnan(m_result.ssim) ? tr("n/a (image under 11 x 11)")
                                                   : QString::number(m_result.ssim, 'f', 4);
    const QString psnr = std::isinf(m_result.psnrDb)
                             ? tr("inf (exact)")
                             : QString::number(m_result.psnrDb, 'f', 2) + tr(" dB");
    m_metrics->setText(tr("PSNR %1   SSIM %2   MSE %3   size %4 bytes vs %5 bytes original (%6 "
                          "bits per value incl. parameters, ratio %7 : 1)")
                           .arg(psnr, ssim)
                           .arg(m_result.mse, 0, 'g', 5)
                           .arg(m_result.quantizedBytes)
                           .arg(m_result.originalBytes)
                           .arg(m_result.bitsPerPixel, 0, 'f', 3)
                           .arg(m_result.quantizedBytes > 0 ? double(m_result.originalBytes) /
                                                                  double(m_result.quantizedBytes)
                                                            : 0.0,
                                0, 'f', 2));
}

} // namespace qs::ui
