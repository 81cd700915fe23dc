// Image compression: PSNR on a known error, SSIM properties, granularities, sizes, and the
// built-in image.
#include "core/teach/image_quant.h"

#include <QtTest>

#include <cmath>

using namespace qs;

class TestImageQuant : public QObject {
    Q_OBJECT
private slots:
    void builtinImageIsDeterministic();
    void psnrKnownError_data();
    void psnrKnownError();
    void ssimProperties();
    void granularities();
    void sizes();
    void badInput();
};

void TestImageQuant::builtinImageIsDeterministic()
{
    const Tensor a = builtinImage(64, 48);
    QCOMPARE(a.shape, (std::vector<int64_t>{48, 64, 3}));
    QCOMPARE(a.data, builtinImage(64, 48).data);
    float lo = 255, hi = 0;
    for (float v : a.data) {
        QCOMPARE(v, std::round(v));
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    QVERIFY(lo >= 0 && hi <= 255);
    QVERIFY(hi - lo > 200); // uses most of the range
}

void TestImageQuant::psnrKnownError_data()
{
    QTest::addColumn<double>("d");
    QTest::newRow("1") << 1.0;
    QTest::newRow("2.5") << 2.5;
    QTest::newRow("10") << 10.0;
}

// +-d on every pixel (alternating): MSE = d^2, PSNR = 10 log10(255^2 / d^2).
void TestImageQuant::psnrKnownError()
{
    QFETCH(double, d);
    const Tensor a = builtinImage(40, 30);
    Tensor b = a;
    for (size_t i = 0; i < b.data.size(); ++i)
        b.data[i] += float(i % 2 ? d : -d);
    const double expected = 10 * std::log10(255.0 * 255.0 / (d * d));
    QVERIFY(std::fabs(psnr(a.data.data(), b.data.data(), a.numel()) - expected) < 1e-9);
    QVERIFY(std::isinf(psnr(a.data.data(), a.data.data(), a.numel())));
}

void TestImageQuant::ssimProperties()
{
    const Tensor a = builtinImage(48, 40);
    QVERIFY(std::fabs(ssim(a, a) - 1.0) < 1e-12);
    double previous = 1.0;
    for (double amp : {4.0, 16.0, 48.0}) {
        Tensor b = a;
        for (size_t i = 0; i < b.data.size(); ++i)
            b.data[i] += float(amp * std::sin(double(i) * 12.9898) * 1.3);
        const double s = ssim(a, b);
        QVERIFY2(s < previous && s > 0, qPrintable(QString::number(s)));
        previous = s;
    }
    QVERIFY(previous < 0.6);
    // A constant offset keeps the structure: only the luminance term drops.
    Tensor c = a;
    for (float& v : c.data)
        v += 20;
    const double sc = ssim(a, c);
    QVERIFY(sc > 0.9 && sc < 1.0);
    // Symmetric in its arguments.
    QVERIFY(std::fabs(ssim(a, c) - ssim(c, a)) < 1e-12);
}

void TestImageQuant::granularities()
{
    const Tensor img = builtinImage(64, 64);
    ImageQuantOptions o;
    o.config.bits = 3;
    o.granularity = ImageGranularity::PerTensor;
    const ImageQuantResult t = quantizeImage(img, o);
    o.granularity = ImageGranularity::PerChannel;
    const ImageQuantResult c = quantizeImage(img, o);
    o.granularity = ImageGranularity::PerBlock;
    o.blockSize = 8;
    const ImageQuantResult b = quantizeImage(img, o);
    QCOMPARE(t.slices, int64_t(1));
    QCOMPARE(c.slices, int64_t(3));
    QCOMPARE(b.slices, int64_t(8 * 8 * 3));
    QVERIFY(b.psnrDb > c.psnrDb);
    QVERIFY(c.psnrDb >= t.psnrDb - 1e-9);
    QVERIFY(b.ssim > t.ssim);
    // Per tensor is exactly qs::quantize of the whole tensor, and the difference adds up.
    QuantConfig q;
    q.bits = 3;
    const QuantResult ref = quantize(img, q);
    QCOMPARE(t.reconstructed.data, ref.dequantized);
    QVERIFY(std::fabs(t.mse - ref.metrics.mse) < 1e-9 * ref.metrics.mse);
    for (size_t i = 0; i < img.data.size(); i += 97)
        QCOMPARE(t.difference.data[i], img.data[i] - t.reconstructed.data[i]);
    // A block as large as the image equals per channel.
    o.blockSize = 64;
    const ImageQuantResult whole = quantizeImage(img, o);
    QCOMPARE(whole.reconstructed.data, c.reconstructed.data);
    // 8 bits: nearly lossless.
    o.config.bits = 8;
    o.granularity = ImageGranularity::PerTensor;
    const ImageQuantResult e = quantizeImage(img, o);
    QVERIFY(e.psnrDb > 45);
    QVERIFY(e.ssim > 0.99);
    // Partial edge blocks: 70 x 50 with 16-pixel blocks -> 5 x 4 blocks per channel.
    o.granularity = ImageGranularity::PerBlock;
    o.blockSize = 16;
    QCOMPARE(quantizeImage(builtinImage(70, 50), o).slices, int64_t(5 * 4 * 3));
}

void TestImageQuant::sizes()
{
    const Tensor img = builtinImage(32, 16);
    ImageQuantOptions o;
    o.config.bits = 4;
    o.granularity = ImageGranularity::PerChannel;
    const ImageQuantResult r = quantizeImage(img, o);
    QCOMPARE(r.originalBytes, int64_t(32 * 16 * 3));
    // 1536 codes x 4 bits + 3 x (32-bit scale + 4-bit zero point) = 6144 + 108 bits = 782 bytes.
    QCOMPARE(r.quantizedBytes, int64_t(782));
    QVERIFY(std::fabs(r.bitsPerPixel - 6252.0 / 1536.0) < 1e-12);
    o.config.scheme = Scheme::Symmetric;
    QCOMPARE(quantizeImage(img, o).quantizedBytes, int64_t((6144 + 96) / 8));
}

void TestImageQuant::badInput()
{
    ImageQuantOptions o;
    QVERIFY_THROWS_EXCEPTION(Error, quantizeImage(Tensor("x", {4, 4}, std::vector<float>(16)), o));
    const Tensor img = builtinImage(16, 16);
    o.granularity = ImageGranularity::PerBlock;
    o.blockSize = 0;
    QVERIFY_THROWS_EXCEPTION(Error, quantizeImage(img, o));
    o.blockSize = 4;
    o.config.scheme = Scheme::FP16;
    QVERIFY_THROWS_EXCEPTION(Error, quantizeImage(img, o));
    QVERIFY_THROWS_EXCEPTION(Error, builtinImage(8, 8));
    QVERIFY_THROWS_EXCEPTION(Error, ssim(img, builtinImage(16, 17)));
    const Tensor tiny("t", {5, 5, 1}, std::vector<float>(25, 1.0f));
    QVERIFY_THROWS_EXCEPTION(Error, ssim(tiny, tiny));
    o.config.scheme = Scheme::Asymmetric;
    QVERIFY(std::isnan(quantizeImage(tiny, o).ssim)); // too small for SSIM, still quantized
    QCOMPARE(imageGranularityFromName("block"), ImageGranularity::PerBlock);
    QVERIFY_THROWS_EXCEPTION(Error, imageGranularityFromName("row"));
}

QTEST_APPLESS_MAIN(TestImageQuant)
#include "tst_image_quant.moc"
