// Golden values: the numbers of the course notebooks and of the reference systems (PyTorch,
// ONNX Runtime; docs/REFERENCES.md), reproduced with the matching QuantConfig options. Inputs are
// float32, as QuantScope stores tensors; where a notebook computed in float64 the tolerance says
// so.
#include "core/quant/quantize.h"
#include "core/teach/builtins.h"

#include "tests/support/quant_values.h"

#include <QtTest>

#include <cmath>
#include <vector>

using namespace qs;
using test::codesOf;
using test::vec;

namespace {

// True when a is within `ulps` float32 steps of b.
bool nearFloat(float a, float b, int ulps)
{
    float lo = b, hi = b;
    for (int i = 0; i < ulps; ++i) {
        lo = std::nextafter(lo, -INFINITY);
        hi = std::nextafter(hi, INFINITY);
    }
    return a >= lo && a <= hi;
}

// Mean squared error of x against s * (q - z), all in double: an independent check of the
// engine's metric from the golden codes.
double mseFromCodes(const Tensor& t, const std::vector<int>& q, double s, int64_t z)
{
    double sum = 0;
    for (size_t i = 0; i < q.size(); ++i) {
        const double xh = double(float(s * double(q[i] - z)));
        const double e = double(t.data[i]) - xh;
        sum += e * e;
    }
    return sum / double(q.size());
}

// The codes q the notebook prints, its dequantized values dq (2 decimals) and its float64 MSE
// against the result r of the single-slice tensor t. The metric must also equal the MSE
// recomputed from the golden codes.
void checkNotebookNumbers(const Tensor& t, const QuantResult& r, const std::vector<int>& q,
                          const std::vector<double>& dq, double notebookMse)
{
    QCOMPARE(codesOf(r), q);
    for (size_t i = 0; i < dq.size(); ++i)
        QVERIFY2(std::fabs(r.dequantized[i] - dq[i]) <= 0.005 + 1e-5,
                 qPrintable(QString::number(i)));
    const double mse = mseFromCodes(t, q, r.params.scale[0], r.params.zeroPoint[0]);
    QVERIFY(std::fabs(r.metrics.mse / mse - 1) < 1e-12);
    // The notebook's float64 MSE up to the float32 rounding of inputs and outputs.
    QVERIFY(std::fabs(r.metrics.mse / notebookMse - 1) < 1e-4);
}

const std::vector<double> kMixed20 = {143.78, -39.62, 0.,     41.06, 62.82, 64.5,  -27.52,
                                      114.18, 126.33, -14.02, 75.06, 71.51, 115.,  119.66,
                                      -30.98, 130.7,  99.07,  -36.8, 14.73, 141.78};

const std::vector<double> kUniform10 = {
    0.030478771191066456, 0.24396521, 0.34090262, 1.47798738,        1.50912517, 3.4922371,
    3.54148801,           4.00498773, 4.62802566, 4.6405932325782535};

const std::vector<double> kT = {-1, 0, 0.5, 2}; // reference vectors T1-T4

QuantConfig pytorchPreset()
{
    QuantConfig c;
    c.roundingOrder = RoundingOrder::BeforeZeroPoint; // zp + nearbyint(x * inv_scale)
    c.multiplyByInverse = true;
    c.float32Params = true;
    return c;
}

} // namespace

class TestGolden : public QObject {
    Q_OBJECT
private slots:
    void asymmetricNotebookAsymmetric();
    void asymmetricNotebookSymmetric();
    void truncationNotebookTruncate();
    void truncationNotebookHalfEven();
    void truncationNotebookClipThenTruncate();
    void heWeightsNotebookFloat32Truncate();
    void outlierNotebook();
    void float16Int8NotebookSignedAffine();
    void float16Int8NotebookRestrictedSymmetric();
    void t1PyTorchAffine();
    void t2PyTorchSymmetric();
    void t3ReduceRange();
    void t4OnnxRuntime();
    void t5ZeroPointTie();
    void t8AllZeros();
};

void TestGolden::asymmetricNotebookAsymmetric()
{
    const Tensor t = vec(kMixed20, "p");
    QuantConfig c;
    c.includeZero = false; // the notebook does not widen; its range holds 0 anyway
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.params.numSlices(), int64_t(1));
    // 183.4 / 255 from float64 data; float32 storage moves it by < 1e-7 relative.
    QVERIFY(std::fabs(r.params.scale[0] / 0.7192156862745098 - 1) < 1e-7);
    QCOMPARE(r.params.zeroPoint[0], int64_t(55));
    QCOMPARE(r.metrics.count, int64_t(20));
    QCOMPARE(r.metrics.levelsUsed, int64_t(20));
    checkNotebookNumbers(
        t, r,
        {255, 0, 55, 112, 142, 145, 17, 214, 231, 36, 159, 154, 215, 221, 12, 237, 193, 4, 75, 252},
        {143.84, -39.56, 0.0,    41.0,   62.57,  64.73, -27.33, 114.36, 126.58, -13.67,
         74.8,   71.2,   115.07, 119.39, -30.93, 130.9, 99.25,  -36.68, 14.38,  141.69},
        0.04209455594002395);
}

void TestGolden::asymmetricNotebookSymmetric()
{
    const Tensor t = vec(kMixed20, "p");
    QuantConfig c;
    c.scheme = Scheme::Symmetric;
    c.fullRange = true; // the notebook clamps to [-128, 127] with scale amax / 127
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.params.qmin, int64_t(-128));
    QCOMPARE(r.params.qmax, int64_t(127));
    QVERIFY(std::fabs(r.params.scale[0] / 1.1321259842519684 - 1) < 1e-7);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    checkNotebookNumbers(
        t, r,
        {127, -35, 0, 36, 55, 57, -24, 101, 112, -12, 66, 63, 102, 106, -27, 115, 88, -33, 13, 125},
        {143.78, -39.62, 0.0,    40.76,  62.27,  64.53,  -27.17, 114.34, 126.8, -13.59,
         74.72,  71.32,  115.48, 120.01, -30.57, 130.19, 99.63,  -37.36, 14.72, 141.52},
        0.12861702027403993);
}

void TestGolden::truncationNotebookTruncate()
{
    const Tensor t = vec(kUniform10);
    QuantConfig c;
    c.includeZero = false;
    c.rounding = Rounding::Truncate; // .astype(np.uint8) after np.clip
    const QuantResult r = quantize(t, c);
    QVERIFY(std::fabs(r.params.scale[0] / 0.018078880240734067 - 1) < 1e-7);
    QCOMPARE(r.params.zeroPoint[0], int64_t(-2)); // outside [0, 255]: kept, as in the notebook
    QCOMPARE(codesOf(r), (std::vector<int>{0, 11, 16, 79, 81, 191, 193, 219, 253, 254}));
    const std::vector<double> dq = {0.04, 0.24, 0.33, 1.46, 1.5, 3.49, 3.53, 4., 4.61, 4.63};
    for (size_t i = 0; i < dq.size(); ++i)
        QVERIFY(std::fabs(r.dequantized[i] - dq[i]) <= 0.005 + 1e-6);
    // The clipping range is s * (qmin - z) .. s * (qmax - z): it starts above the data minimum.
    QVERIFY(std::fabs(r.params.rangeMin[0] - 2 * r.params.scale[0]) < 1e-12);
}

void TestGolden::truncationNotebookHalfEven()
{
    const Tensor t = vec(kUniform10);
    QuantConfig c;
    c.includeZero = false;
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.params.zeroPoint[0], int64_t(-2));
    QCOMPARE(codesOf(r), (std::vector<int>{0, 11, 17, 80, 81, 191, 194, 220, 254, 255}));
}

// The truncation notebook clips the float and then truncates; the engine truncates and then clamps
// the code. Both give the same codes (truncation is monotone and keeps integers): checked on values
// that fall below, inside and above the code range.
void TestGolden::truncationNotebookClipThenTruncate()
{
    std::vector<double> v;
    for (int i = 0; i < 400; ++i)
        v.push_back(0.5 + 4.0 * std::sin(i * 0.37) * std::cos(i * 0.11));
    Tensor t = vec(v);
    QuantConfig c;
    c.includeZero = false;
    c.rounding = Rounding::Truncate;
    const QuantResult ref = quantize(t, c);
    // Re-quantize with a narrower range so values fall outside on both ends.
    QuantParams p = ref.params;
    p.scale[0] *= 0.5;
    p.zeroPoint[0] = 100;
    const QuantResult r = quantizeWithParams(t, p, c);
    int below = 0, above = 0;
    for (size_t i = 0; i < v.size(); ++i) {
        const double f = double(t.data[i]) / p.scale[0] + 100.0;
        const double clipped = std::min(255.0, std::max(0.0, f));
        const int notebookCode = int(std::trunc(clipped));
        QCOMPARE(r.codes[i], notebookCode);
        below += f < 0;
        above += f > 255;
    }
    QVERIFY(below > 10 && above > 10);
}

void TestGolden::heWeightsNotebookFloat32Truncate()
{
    const std::vector<float> w = {
        0.8558766841888428f,   -0.3658445477485657f, -0.3400110602378845f,   0.2735912501811981f,
        -0.45362043380737305f, -0.0493854396045208f, -0.020853079855442047f, 0.022075379267334938f,
        0.38768908381462097f,  -0.5423163771629333f};
    const Tensor t("w", {10}, w);
    QuantConfig c;
    c.float32Params = true;          // tf.float32 arithmetic throughout
    c.rounding = Rounding::Truncate; // tf.cast(..., 'uint8')
    c.includeZero = false;
    const QuantResult r = quantize(t, c);
    QCOMPARE(float(r.params.scale[0]), 0.0054831104f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(99));
    QCOMPARE(codesOf(r), (std::vector<int>{255, 32, 36, 148, 16, 89, 95, 103, 169, 0}));
    const std::vector<float> dq = {0.8553652f,   -0.3673684f, -0.34543595f, 0.2686724f,
                                   -0.45509815f, -0.0548311f, -0.02193244f, 0.02193244f,
                                   0.38381773f,  -0.5428279f};
    for (size_t i = 0; i < dq.size(); ++i)
        QVERIFY2(nearFloat(r.dequantized[i], dq[i], 1),
                 qPrintable(QString("%1: %2 vs %3")
                                .arg(i)
                                .arg(r.dequantized[i], 0, 'g', 9)
                                .arg(dq[i], 0, 'g', 9)));
    // The dequantization function agrees with the stored values.
    for (size_t i = 0; i < dq.size(); ++i)
        QCOMPARE(float(dequantizeCode(r.params, 0, r.codes[i])), r.dequantized[i]);
}

void TestGolden::outlierNotebook()
{
    const Tensor t = builtinDataset("outlier-10k");
    QCOMPARE(t.numel(), int64_t(10000));
    QCOMPARE(t.data.back(), 1000.0f);

    auto mseWithoutOutlier = [&](const QuantResult& r) {
        double sum = 0;
        for (int64_t i = 0; i + 1 < t.numel(); ++i) {
            const double e = double(t.data[i]) - double(r.dequantized[i]);
            sum += e * e;
        }
        return sum / double(t.numel() - 1);
    };
    QuantConfig mm;
    const QuantResult a = quantize(t, mm);
    QuantConfig pc;
    pc.range = RangeMethod::Percentile;
    pc.percentile = 99.99;
    const QuantResult b = quantize(t, pc);
    // The notebook: min-max scale 4.1176 zero 12, percentile scale 0.78445 zero 64.
    QVERIFY(std::fabs(a.params.scale[0] / 4.1176 - 1) < 1e-3);
    QCOMPARE(a.params.zeroPoint[0], int64_t(12));
    QVERIFY(std::fabs(b.params.scale[0] / 0.78445 - 1) < 2e-3);
    QCOMPARE(b.params.zeroPoint[0], int64_t(64));
    const double mseMinMax = mseWithoutOutlier(a), msePct = mseWithoutOutlier(b);
    // Uniform rounding error: s^2 / 12 = 1.41 and 0.0513.
    QVERIFY2(mseMinMax > 1.3 && mseMinMax < 1.55, qPrintable(QString::number(mseMinMax)));
    QVERIFY2(msePct > 0.045 && msePct < 0.058, qPrintable(QString::number(msePct)));
    // The outlier itself is clipped by the percentile range.
    QCOMPARE(b.metrics.clippedHighCount, int64_t(1));
    QCOMPARE(b.codes.back(), 255);
}

// The float16-vs-int8 notebook: int8 affine onto the signed range, written with the inverse scale
// s' = 255 / (A1 - A2), z = -round(A2 * s') - 128, q = clip(round(s' x + z), -128, 127).
void TestGolden::float16Int8NotebookSignedAffine()
{
    const std::vector<double> v = {-0.7, -0.2, 0.0, 0.35, 1.3, 0.9, -0.45, 0.05, 0.61, -0.33};
    const Tensor t = vec(v);
    const double a1 = double(1.3f), a2 = double(-0.7f); // max and min as stored
    const double sInv = 255.0 / (a1 - a2);
    const double z = -std::nearbyint(a2 * sInv) - 128;
    QuantConfig c;
    c.signedCodes = true;
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.params.qmin, int64_t(-128));
    QCOMPARE(r.params.qmax, int64_t(127));
    QCOMPARE(double(r.params.zeroPoint[0]), z);
    QVERIFY(std::fabs(r.params.scale[0] * sInv - 1) < 1e-14);
    for (size_t i = 0; i < v.size(); ++i) {
        const double q =
            std::min(127.0, std::max(-128.0, std::nearbyint(sInv * double(t.data[i]) + z)));
        QCOMPARE(double(r.codes[i]), q);
        QVERIFY(std::fabs(r.dequantized[i] - (q - z) / sInv) < 1e-6);
    }
}

// The float16-vs-int8 notebook's "scale quantization": restricted range [-127, 127], s = 127 / A1,
// x = q / s.
void TestGolden::float16Int8NotebookRestrictedSymmetric()
{
    const std::vector<double> v = {-0.7, -0.2, 0.0, 0.35, 1.3, 0.9, -0.45, 0.05, 0.61, -1.1};
    const Tensor t = vec(v);
    const double s = 127.0 / double(1.3f);
    QuantConfig c;
    c.scheme = Scheme::Symmetric; // narrow range and amax / 127 are the defaults
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.params.qmin, int64_t(-127));
    QCOMPARE(r.params.qmax, int64_t(127));
    QVERIFY(std::fabs(r.params.scale[0] * s - 1) < 1e-14);
    for (size_t i = 0; i < v.size(); ++i) {
        const double q = std::min(127.0, std::max(-127.0, std::nearbyint(s * double(t.data[i]))));
        QCOMPARE(double(r.codes[i]), q);
        QVERIFY(std::fabs(r.dequantized[i] - q / s) < 1e-6);
    }
}

void TestGolden::t1PyTorchAffine()
{
    const Tensor t = vec(kT);
    const QuantResult r = quantize(t, pytorchPreset());
    QCOMPARE(float(r.params.scale[0]), 3.0f / 255.0f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(85));
    // 0.5 * 85 = 42.5 -> 42 (half to even), then + 85.
    QCOMPARE(codesOf(r), (std::vector<int>{0, 85, 127, 255}));
    QVERIFY(nearFloat(r.dequantized[2], 0.49411765f, 1));
    QCOMPARE(r.dequantized[0], -1.0f);
    QCOMPARE(r.dequantized[1], 0.0f);
    QCOMPARE(r.dequantized[3], 2.0f);
    // Rounding after adding the zero point (the course notebooks' order) turns the tie 127.5 into
    // 128, as FBGEMM's legacy path and gemmlowp do.
    QuantConfig after = pytorchPreset();
    after.roundingOrder = RoundingOrder::AfterZeroPoint;
    QCOMPARE(quantize(t, after).codes[2], 128);
}

void TestGolden::t2PyTorchSymmetric()
{
    const Tensor t = vec(kT);
    QuantConfig c = pytorchPreset();
    c.scheme = Scheme::Symmetric;
    c.symmetricScale = SymmetricScale::HalfSpan; // amax / ((qmax - qmin) / 2) = amax / 127.5
    c.fullRange = true;
    const QuantResult r = quantize(t, c);
    QCOMPARE(float(r.params.scale[0]), 2.0f / 127.5f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    QCOMPARE(codesOf(r), (std::vector<int>{-64, 0, 32, 127}));
    // The same scale in float64 arithmetic gives the same codes here.
    c.float32Params = false;
    c.multiplyByInverse = false;
    QCOMPARE(codesOf(quantize(t, c)), (std::vector<int>{-64, 0, 32, 127}));
}

void TestGolden::t3ReduceRange()
{
    const Tensor t = vec(kT);
    QuantConfig c = pytorchPreset();
    c.bits = 7; // quint8 reduce_range: codes [0, 127]
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.params.qmax, int64_t(127));
    QCOMPARE(float(r.params.scale[0]), 3.0f / 127.0f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(42));
}

void TestGolden::t4OnnxRuntime()
{
    const Tensor t = vec(kT);
    QuantConfig c; // ONNX: round(x / scale) + zp, half to even, float32 scale
    c.roundingOrder = RoundingOrder::BeforeZeroPoint;
    c.float32Params = true;
    c.scheme = Scheme::Symmetric;
    QuantResult r = quantize(t, c);
    QCOMPARE(r.params.qmin, int64_t(-127));
    QCOMPARE(float(r.params.scale[0]), 2.0f / 127.0f);
    QCOMPARE(codesOf(r), (std::vector<int>{-64, 0, 32, 127}));

    c.scheme = Scheme::Asymmetric;
    r = quantize(t, c);
    QCOMPARE(float(r.params.scale[0]), 3.0f / 255.0f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(85));
    c.signedCodes = true;
    r = quantize(t, c);
    QCOMPARE(r.params.qmin, int64_t(-128));
    QCOMPARE(r.params.zeroPoint[0], int64_t(-43));
}

void TestGolden::t5ZeroPointTie()
{
    const Tensor t = vec({-126.5, 128.5});
    QuantConfig c;
    QuantResult r = quantize(t, c);
    QCOMPARE(r.params.scale[0], 1.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(126)); // -(-126.5) = 126.5 -> 126, half to even
    QCOMPARE(r.codes[1], 254);                     // 128.5 + 126 = 254.5 -> 254
    QCOMPARE(r.dequantized[1], 128.0f);
    c.zeroPointRounding = Rounding::HalfAway; // std::round
    r = quantize(t, c);
    QCOMPARE(r.params.zeroPoint[0], int64_t(127));
}

void TestGolden::t8AllZeros()
{
    const Tensor t("zeros", {3, 4}, std::vector<float>(12, 0.0f));
    for (Scheme s : {Scheme::Asymmetric, Scheme::Symmetric}) {
        QuantConfig c;
        c.scheme = s;
        const QuantResult r = quantize(t, c);
        QCOMPARE(r.params.scale[0], 1.0);
        QVERIFY(r.constant);
        QVERIFY(!r.warnings.empty());
        QVERIFY(r.params.zeroPoint[0] >= r.params.qmin && r.params.zeroPoint[0] <= r.params.qmax);
        for (float v : r.dequantized)
            QCOMPARE(v, 0.0f);
        QCOMPARE(r.metrics.mse, 0.0);
        QVERIFY(std::isinf(r.metrics.sqnrDb) && r.metrics.sqnrDb > 0);
    }
}

QTEST_APPLESS_MAIN(TestGolden)
#include "tst_golden.moc"
