// Image compression by quantization (as the He-weights notebook's title names it): an H x W x C
// tensor of pixel values (0..255) quantized at b bits per tensor, per colour channel (axis 2) or
// per B x B spatial block of each channel, with the reconstruction, difference, PSNR, SSIM, bytes.
//
// Blocks: the image is cut into ceil(H/B) x ceil(W/B) blocks per channel (the last row and
// column of blocks may be smaller); each block is gathered and quantized with qs::quantize as
// its own per-tensor slice, so it gets its own scale and zero point.
// PSNR = 10 log10(255^2 / MSE) over all pixels and channels, on the dequantized float values
// (not rounded to 8-bit); +inf for an exact reconstruction.
// SSIM: Wang, Bovik, Sheikh, Simoncelli 2004, "Image quality assessment: from error visibility
// to structural similarity": 11 x 11 Gaussian window with sigma 1.5 (normalised to sum 1),
// K1 = 0.01, K2 = 0.03, L = 255; local statistics at every position where the window fits inside
// the image (no padding), SSIM = the mean of the map, computed per channel and averaged over
// the channels with equal weight (no luminance conversion, no downsampling).
// Size: codes packed at b bits plus, per slice, a float32 scale and (asymmetric) a b-bit zero
// point, rounded up to whole bytes; the original is counted as 8-bit pixels (H W C bytes).
#pragma once

#include "core/base/tensor.h"
#include "core/quant/quantize.h"

#include <cstdint>
#include <string>

namespace qs {

enum class ImageGranularity { PerTensor, PerChannel, PerBlock };

struct ImageQuantOptions {
    QuantConfig config; // bits, scheme, rounding, range method... (granularity is set here)
    ImageGranularity granularity = ImageGranularity::PerTensor;
    int blockSize = 8; // PerBlock: B (1..1024)
};

struct ImageQuantResult {
    Tensor reconstructed; // H x W x C dequantized values
    Tensor difference;    // original - reconstructed
    int64_t slices = 0;   // number of parameter sets (1, C, or blocks x C)
    double mse = 0;
    double psnrDb = 0;
    double ssim = 0;
    int64_t originalBytes = 0;
    int64_t quantizedBytes = 0;
    double bitsPerPixel = 0; // per channel value, parameters included
};

// Throws qs::Error if the tensor is not H x W x C (C 1..4, H and W >= 1), the block size is out
// of range, or the config is not an integer scheme; SSIM needs H, W >= 11 (smaller images get
// ssim = NaN). qs::Cancelled when cancel fires.
ImageQuantResult quantizeImage(const Tensor& image, const ImageQuantOptions& options,
                               const CancelToken* cancel = nullptr);

// 10 log10(peak^2 / MSE) of b against a (same length); +inf when equal. Throws on n < 1.
double psnr(const float* a, const float* b, int64_t n, double peak = 255.0);

// Mean SSIM of two H x W x C tensors of the same shape (see the header comment); throws
// qs::Error for different shapes or an image smaller than 11 x 11.
double ssim(const Tensor& a, const Tensor& b);

// A deterministic test image, h x w x 3, integer values 0..255: colour gradients, a disc, a
// rectangle, a checkerboard, fine stripes and a hashed noise texture (w, h in 16..4096).
Tensor builtinImage(int w, int h);

std::string toName(ImageGranularity g); // "tensor", "channel", "block"
ImageGranularity imageGranularityFromName(const std::string& s);

} // namespace qs
