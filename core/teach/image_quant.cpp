#include "core/teach/image_quant.h"

#include "core/base/name_table.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs {
namespace {

void checkImage(const Tensor& t, const char* what)
{
    if (t.rank() != 3 || t.shape[0] < 1 || t.shape[1] < 1 || t.shape[2] < 1 || t.shape[2] > 4)
        throw Error(std::string(what) + " must be an H x W x C tensor with 1 to 4 channels (got " +
                    t.shapeString() + ")");
    if (shapeProduct(t.shape) != t.numel())
        throw Error(std::string(what) + " has shape " + t.shapeString() + " but " +
                    std::to_string(t.numel()) + " values");
}

// 11-tap Gaussian, sigma 1.5, normalised.
std::vector<double> gaussianWindow()
{
    std::vector<double> g(11);
    double sum = 0;
    for (int i = 0; i < 11; ++i) {
        const double d = i - 5;
        g[size_t(i)] = std::exp(-d * d / (2 * 1.5 * 1.5));
        sum += g[size_t(i)];
    }
    for (double& v : g)
        v /= sum;
    return g;
}

// Separable "valid" filtering of an h x w plane: out is (h-10) x (w-10).
std::vector<double> filterValid(const std::vector<double>& in, int64_t h, int64_t w,
                                const std::vector<double>& g)
{
    const int64_t ow = w - 10, oh = h - 10;
    std::vector<double> tmp(size_t(h * ow));
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < ow; ++x) {
            double s = 0;
            for (int k = 0; k < 11; ++k)
                s += g[size_t(k)] * in[size_t(y * w + x + k)];
            tmp[size_t(y * ow + x)] = s;
        }
    std::vector<double> out(size_t(oh * ow));
    for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
            double s = 0;
            for (int k = 0; k < 11; ++k)
                s += g[size_t(k)] * tmp[size_t((y + k) * ow + x)];
            out[size_t(y * ow + x)] = s;
        }
    return out;
}

uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    x ^= x >> 16;
    return x;
}

} // namespace

double psnr(const float* a, const float* b, int64_t n, double peak)
{
    if (n < 1)
        throw Error("PSNR of an empty image");
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double d = double(a[i]) - double(b[i]);
        sum += d * d;
    }
    const double mse = sum / double(n);
    if (mse == 0)
        return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(peak * peak / mse);
}

double ssim(const Tensor& a, const Tensor& b)
{
    checkImage(a, "SSIM: first image");
    checkImage(b, "SSIM: second image");
    if (a.shape != b.shape)
        throw Error("SSIM: the images differ in shape (" + a.shapeString() + " vs " +
                    b.shapeString() + ")");
    const int64_t h = a.shape[0], w = a.shape[1], c = a.shape[2];
    if (h < 11 || w < 11)
        throw Error("SSIM needs an image of at least 11 x 11 pixels (got " + a.shapeString() + ")");
    const std::vector<double> g = gaussianWindow();
    const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    double total = 0;
    const size_t plane = size_t(h * w);
    for (int64_t ch = 0; ch < c; ++ch) {
        std::vector<double> x(plane), y(plane), xx(plane), yy(plane), xy(plane);
        for (size_t i = 0; i < plane; ++i) {
            x[i] = a.data[i * size_t(c) + size_t(ch)];
            y[i] = b.data[i * size_t(c) + size_t(ch)];
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        const std::vector<double> mx = filterValid(x, h, w, g), my = filterValid(y, h, w, g);
        const std::vector<double> sxx = filterValid(xx, h, w, g), syy = filterValid(yy, h, w, g),
                                  sxy = filterValid(xy, h, w, g);
        double sum = 0;
        for (size_t i = 0; i < mx.size(); ++i) {
            const double vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i];
            const double cov = sxy[i] - mx[i] * my[i];
            sum += ((2 * mx[i] * my[i] + c1) * (2 * cov + c2)) /
                   ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
        }
        total += sum / double(mx.size());
    }
    return total / double(c);
}

ImageQuantResult quantizeImage(const Tensor& image, const ImageQuantOptions& o,
                               const CancelToken* cancel)
{
    checkImage(image, "image");
    if (!o.config.isInteger())
        throw Error("image compression needs an integer scheme (asymmetric or symmetric)");
    if (o.granularity == ImageGranularity::PerBlock && (o.blockSize < 1 || o.blockSize > 1024))
        throw Error("image block size must be in 1..1024 (got " + std::to_string(o.blockSize) +
                    ")");
    o.config.validate();
    const int64_t h = image.shape[0], w = image.shape[1], c = image.shape[2];
    const int64_t n = image.numel();
    ImageQuantResult r;
    r.reconstructed =
        Tensor(image.name + " (quantized)", image.shape, std::vector<float>(size_t(n)));
    QuantConfig cfg = o.config;
    if (o.granularity != ImageGranularity::PerBlock) {
        cfg.granularity = o.granularity == ImageGranularity::PerTensor ? Granularity::PerTensor
                                                                       : Granularity::PerChannel;
        cfg.axis = 2;
        const QuantResult q = quantize(image, cfg, cancel);
        r.reconstructed.data = q.dequantized;
        r.slices = q.params.numSlices();
    } else {
        cfg.granularity = Granularity::PerTensor;
        const int64_t bs = o.blockSize;
        std::vector<float> buf;
        Tensor block;
        QuantResult q;
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t by = 0; by < h; by += bs)
                for (int64_t bx = 0; bx < w; bx += bs) {
                    throwIfCancelled(cancel);
                    const int64_t y1 = std::min(h, by + bs), x1 = std::min(w, bx + bs);
                    buf.clear();
                    for (int64_t y = by; y < y1; ++y)
                        for (int64_t x = bx; x < x1; ++x)
                            buf.push_back(image.data[size_t((y * w + x) * c + ch)]);
                    block.shape = {int64_t(buf.size())};
                    block.data = buf;
                    quantizeInto(block, cfg, q, nullptr);
                    size_t k = 0;
                    for (int64_t y = by; y < y1; ++y)
                        for (int64_t x = bx; x < x1; ++x)
                            r.reconstructed.data[size_t((y * w + x) * c + ch)] = q.dequantized[k++];
                    ++r.slices;
                }
    }
    r.difference = Tensor(image.name + " (difference)", image.shape, std::vector<float>(size_t(n)));
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double d = double(image.data[size_t(i)]) - double(r.reconstructed.data[size_t(i)]);
        r.difference.data[size_t(i)] = float(d);
        sum += d * d;
    }
    r.mse = sum / double(n);
    r.psnrDb = psnr(image.data.data(), r.reconstructed.data.data(), n);
    r.ssim = (h >= 11 && w >= 11) ? ssim(image, r.reconstructed)
                                  : std::numeric_limits<double>::quiet_NaN();
    const bool asym = cfg.scheme == Scheme::Asymmetric;
    const double bits = double(n) * cfg.bits + double(r.slices) * (32.0 + (asym ? cfg.bits : 0));
    r.quantizedBytes = int64_t(std::ceil(bits / 8.0));
    r.originalBytes = n;
    r.bitsPerPixel = bits / double(n);
    return r;
}

Tensor builtinImage(int w, int h)
{
    if (w < 16 || h < 16 || w > 4096 || h > 4096)
        throw Error("built-in image: width and height must be in 16..4096 (got " +
                    std::to_string(w) + " x " + std::to_string(h) + ")");
    std::vector<float> v(size_t(w) * size_t(h) * 3);
    const double cx = 0.3 * w, cy = 0.35 * h, rad = 0.2 * std::min(w, h);
    const double pi = 3.14159265358979323846;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = double(x) / (w - 1), t = double(y) / (h - 1);
            double rgb[3] = {40 + 180 * u, 30 + 170 * t, 200 - 150 * 0.5 * (u + t)};
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) { // warm disc
                rgb[0] = 235;
                rgb[1] = 180 - 60 * t;
                rgb[2] = 40;
            }
            if (u > 0.6 && u < 0.9 && t > 0.15 && t < 0.45) { // dark rectangle
                rgb[0] = 25;
                rgb[1] = 35 + 20 * u;
                rgb[2] = 60;
            }
            if (u > 0.55 && t > 0.6) { // checkerboard
                const bool on = ((x / 8) + (y / 8)) % 2 == 0;
                for (double& c : rgb)
                    c = on ? 220 : 30;
            }
            if (u < 0.45 && t > 0.7) { // fine stripes
                const double s = 127.5 + 100 * std::sin(2 * pi * x / 5.0 + 0.3 * y);
                rgb[0] = s;
                rgb[1] = 0.8 * s;
                rgb[2] = 255 - s;
            }
            // Texture: hashed noise of +-12 everywhere.
            const uint32_t hv = hash32(uint32_t(y) * 65599u + uint32_t(x));
            for (int c = 0; c < 3; ++c) {
                const double noise = double((hv >> (8 * c)) & 0xFF) / 255.0 * 24 - 12;
                v[(size_t(y) * size_t(w) + size_t(x)) * 3 + size_t(c)] =
                    float(std::clamp(std::round(rgb[c] + noise), 0.0, 255.0));
            }
        }
    return Tensor("built-in image", {h, w, 3}, std::move(v));
}

namespace {

const Named<ImageGranularity> kImageGranularityNames[] = {{ImageGranularity::PerTensor, "tensor"},
                                                          {ImageGranularity::PerChannel, "channel"},
                                                          {ImageGranularity::PerBlock, "block"}};

} // namespace

std::string toName(ImageGranularity g)
{
    return nameIn(kImageGranularityNames, g);
}

ImageGranularity imageGranularityFromName(const std::string& s)
{
    if (const ImageGranularity* g = valueIn(kImageGranularityNames, s))
        return *g;
    throw Error("unknown image granularity '" + s +
                "' (valid: " + joinedNames(kImageGranularityNames) + ")");
}

} // namespace qs
