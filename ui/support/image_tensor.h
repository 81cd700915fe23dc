// Images as tensors: a PNG/JPEG/BMP file becomes an H x W x C float32 tensor of the pixel values
// 0..255 (C = 3 for RGB, 4 when the image has alpha, 1 for grayscale). Lives in ui/ because it
// decodes through QImage; the core stays free of Qt. Used by the window and by quantscope-cli.
#pragma once

#include "core/base/tensor.h"

#include <QString>

namespace qs::ui {

// True for the suffixes loadImageTensor handles (png, jpg, jpeg, bmp, gif, ppm, pgm), any case.
bool isImageFile(const QString& path);

// Loads the image at path. grayscale: one channel, the luminance QImage computes
// (Format_Grayscale8). Throws qs::Error naming the file when it does not exist, cannot be decoded
// or is empty.
Tensor loadImageTensor(const QString& path, bool grayscale);

} // namespace qs::ui
