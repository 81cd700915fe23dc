#include "ui/support/image_tensor.h"

#include "core/base/error.h"

#include <QFileInfo>
#include <QImage>
#include <QImageReader>

namespace qs::ui {

bool isImageFile(const QString& path)
{
    static const QStringList suffixes{"png", "jpg", "jpeg", "bmp", "gif", "ppm", "pgm"};
    return suffixes.contains(QFileInfo(path).suffix().toLower());
}

Tensor loadImageTensor(const QString& path, bool grayscale)
{
    const QString fileName = QFileInfo(path).fileName();
    if (!QFileInfo::exists(path))
        throw Error(fileName.toStdString() + ": file not found");
    QImageReader reader(path);
    // Refuse absurd dimensions before decoding (the header is read first).
    const QSize declared = reader.size();
    if (declared.isValid() && qint64(declared.width()) * declared.height() > 256LL * 1024 * 1024)
        throw Error(fileName.toStdString() + ": image is " + std::to_string(declared.width()) +
                    "x" + std::to_string(declared.height()) + " pixels, more than 256M");
    QImage image = reader.read();
    if (image.isNull())
        throw Error(fileName.toStdString() +
                    ": cannot decode image: " + reader.errorString().toStdString());
    if (image.width() <= 0 || image.height() <= 0)
        throw Error(fileName.toStdString() + ": image is empty");

    int channels = 1;
    if (grayscale) {
        image = image.convertToFormat(QImage::Format_Grayscale8);
    } else if (image.hasAlphaChannel()) {
        image = image.convertToFormat(QImage::Format_RGBA8888);
        channels = 4;
    } else {
        image = image.convertToFormat(QImage::Format_RGB888);
        channels = 3;
    }
    const int64_t h = image.height(), w = image.width();
    std::vector<float> data(static_cast<size_t>(h * w * channels));
    for (int64_t y = 0; y < h; ++y) {
        const uchar* line = image.constScanLine(static_cast<int>(y));
        float* out = data.data() + y * w * channels;
        for (int64_t i = 0; i < w * channels; ++i)
            out[i] = static_cast<float>(line[i]);
    }
    Tensor t(QFileInfo(path).completeBaseName().toStdString(), {h, w, int64_t(channels)},
             std::move(data));
    t.dtype = "uint8";
    return t;
}

} // namespace qs::ui
