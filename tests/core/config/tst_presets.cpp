// The presets against the published test vectors of their reference systems: T1-T5, T8-T10,
// T12 and T13 (PyTorch, ONNX Runtime, GGML, bitsandbytes, integer matmul) and TensorRT's
// narrow range, calibrators and reciprocal scale; the notebook presets' old names.
#include "core/base/error.h"
#include "core/config/presets.h"
#include "core/formats/codebook.h"
#include "core/formats/ggml.h"
#include "core/formats/minifloat.h"
#include "core/formats/mx.h"
#include "core/quant/lowbit_quantize.h"
#include "core/quant/quantize.h"
#include "core/range/calibrators.h"
#include "core/teach/int_matmul.h"
#include "core/teach/worked_example.h"

#include "tests/support/quant_values.h"
#include "tests/support/random_tensor.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace qs;
using test::codesOf;
using test::randomTensor;
using test::vec;

namespace {

std::vector<int> firstCodes(const QuantResult& r, size_t n)
{
    return {r.codes.begin(), r.codes.begin() + long(n)};
}

} // namespace

class TestPresets : public QObject {
    Q_OBJECT
private slots:
    void t1PyTorchAffine();
    void t2PyTorchSymmetric();
    void t3ReduceRange();
    void t4OnnxRuntime();
    void t5ZeroPointTie();
    void t8ConstantTensors();
    void t8ConstantConventions();
    void t2Quint8Symmetric();
    void t9GgmlQ8_0();
    void t10GgmlQ4();
    void t12Nf4();
    void t13IntegerMatmul();
    void trtNarrowRange();
    void calibratorPresets_data();
    void calibratorPresets();
    void trtReciprocalScale();
    void oldNotebookNames();
    void groupedBySystem();
};

void TestPresets::t1PyTorchAffine()
{
    const QuantResult r =
        quantize(vec({-1, 0, 0.5, 2}), presetByName("pytorch-quint8-affine").config);
    QCOMPARE_EXACT(float(r.params.scale[0]), 0.0117647061f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(85));
    QCOMPARE(codesOf(r), (std::vector<int>{0, 85, 127, 255}));
    QCOMPARE_EXACT(r.dequantized[0], -1.0f);
    QCOMPARE_EXACT(r.dequantized[1], 0.0f);
    QVERIFY(std::fabs(r.dequantized[2] - 0.49411765f) < 1e-7f);
    QCOMPARE_EXACT(r.dequantized[3], 2.0f);
}

// T2: qint8 symmetric: scale 2/127.5, q = [-64, 0, 32, 127] (127.5 clamps to 127).
void TestPresets::t2PyTorchSymmetric()
{
    const QuantResult r =
        quantize(vec({-1, 0, 0.5, 2}), presetByName("pytorch-qint8-symmetric").config);
    QCOMPARE_EXACT(float(r.params.scale[0]), 2.0f / 127.5f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    QCOMPARE(r.params.qmin, int64_t(-128));
    QCOMPARE(codesOf(r), (std::vector<int>{-64, 0, 32, 127}));
    // Per channel: rows [-1, 0.5] and [0, 2] get amax 1 and 2.
    const Tensor m("w", {2, 2}, {-1.0f, 0.5f, 0.0f, 2.0f});
    const QuantResult pc = quantize(m, presetByName("pytorch-per-channel-symmetric").config);
    QCOMPARE(pc.params.numSlices(), int64_t(2));
    QCOMPARE_EXACT(float(pc.params.scale[0]), 1.0f / 127.5f);
    QCOMPARE_EXACT(float(pc.params.scale[1]), 2.0f / 127.5f);
    // -1 times the float32 inverse of float32(1/127.5) is -127.49999 -> -127 (not the -128 of
    // exact arithmetic); 0.5 -> 63.75 -> 64; 2 * 63.75 = 127.5 -> 128 -> 127.
    QCOMPARE_EXACT(-1.0f * (1.0f / (1.0f / 127.5f)), -127.49999237060547f);
    QCOMPARE(codesOf(pc), (std::vector<int>{-127, 64, 0, 127}));
}

// T3: reduce_range quint8: scale 3/127, zp = round(127/3) = 42.
void TestPresets::t3ReduceRange()
{
    const QuantResult r =
        quantize(vec({-1, 0, 0.5, 2}), presetByName("pytorch-reduce-range").config);
    QCOMPARE_EXACT(float(r.params.scale[0]), 3.0f / 127.0f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(42));
    // The parameters are those of [0, 127]; the codes are clamped to quint8's [0, 255].
    QCOMPARE(r.params.qmin, int64_t(0));
    QCOMPARE(r.params.qmax, int64_t(255));
    // A symmetric range: s = 15.9375/127, zp = round(63.5) = 64, and the top value lands on
    // 64 + round(63.5) = 128, as torch 1.13's MinMaxObserver(reduce_range=True) followed by
    // quantize_per_tensor gives ([0, 56, 68, 128]; a 7-bit clamp would give 127).
    const QuantResult sym =
        quantize(vec({-7.96875f, -1, 0.5f, 7.96875f}), presetByName("pytorch-reduce-range").config);
    QCOMPARE(sym.params.zeroPoint[0], int64_t(64));
    QCOMPARE(codesOf(sym), (std::vector<int>{0, 56, 68, 128}));
    QCOMPARE(sym.metrics.clippedHighCount, int64_t(0));
}

// T4: ONNX Runtime int8 symmetric scale 2/127 -> [-64, 0, 32, 127]; uint8 zp 85; int8 zp -43.
void TestPresets::t4OnnxRuntime()
{
    const Tensor t = vec({-1, 0, 0.5, 2});
    QuantResult r = quantize(t, presetByName("ort-int8-symmetric").config);
    QCOMPARE(r.params.qmin, int64_t(-127));
    QCOMPARE_EXACT(float(r.params.scale[0]), 2.0f / 127.0f);
    QCOMPARE(codesOf(r), (std::vector<int>{-64, 0, 32, 127}));
    QuantConfig c = presetByName("ort-uint8-asymmetric").config;
    r = quantize(t, c);
    QCOMPARE_EXACT(float(r.params.scale[0]), 3.0f / 255.0f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(85));
    c.signedCodes = true;
    r = quantize(t, c);
    QCOMPARE(r.params.zeroPoint[0], int64_t(-43));
}

// T5: x = [-126.5, 128.5] on uint8: scale 1, zp 126 (half-even), 128.5 -> 254 -> 128.
void TestPresets::t5ZeroPointTie()
{
    for (const char* name : {"pytorch-quint8-affine", "ort-uint8-asymmetric"}) {
        const QuantResult r = quantize(vec({-126.5, 128.5}), presetByName(name).config);
        QCOMPARE_EXACT(r.params.scale[0], 1.0);
        QCOMPARE(r.params.zeroPoint[0], int64_t(126));
        QCOMPARE(codesOf(r), (std::vector<int>{0, 254}));
        QCOMPARE_EXACT(r.dequantized[1], 128.0f);
    }
}

// T8: ONNX Runtime all zeros -> scale 1, zp 0. PyTorch all 3.0 -> scale 3/255, zp 0. GGML and
// bitsandbytes blocks of zeros: scale 0 and exact zeros.
void TestPresets::t8ConstantTensors()
{
    const Tensor zeros("z", {64}, std::vector<float>(64, 0.0f));
    QuantResult r = quantize(zeros, presetByName("ort-uint8-asymmetric").config);
    QCOMPARE_EXACT(r.params.scale[0], 1.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    const QuantResult p = quantize(Tensor("t", {4}, std::vector<float>(4, 3.0f)),
                                   presetByName("pytorch-quint8-affine").config);
    QCOMPARE_EXACT(float(p.params.scale[0]), 3.0f / 255.0f);
    QCOMPARE(p.params.zeroPoint[0], int64_t(0));
    QCOMPARE(codesOf(p), (std::vector<int>{255, 255, 255, 255}));
    for (const char* name :
         {"ggml-q8_0", "ggml-q4_0", "ggml-q4_1", "bnb-nf4", "absmax-int8-blockwise"}) {
        r = quantize(zeros, presetByName(name).config);
        for (float v : r.dequantized)
            QCOMPARE_EXACT(v, 0.0f);
        QCOMPARE_EXACT(r.params.scale[0], 0.0);
        QCOMPARE(r.metrics.mse, 0.0);
    }
}

// T8 conventions for a zero-width range: PyTorch scale >= 2^-23 (all zeros -> 2^-23, zp 0; all
// 3.0 widens to [0, 3] -> 3/255, zp 0), ONNX Runtime scale < tiny -> 1 with zp 0, FBGEMM 0 -> 0.1,
// and the default (exact) keeps scale 1 with z = qmin.
void TestPresets::t8ConstantConventions()
{
    const Tensor zeros("z", {8}, std::vector<float>(8, 0.0f));
    const double eps = 1.0 / 8388608.0; // 2^-23
    for (const char* name : {"pytorch-quint8-affine", "pytorch-qint8-symmetric"}) {
        const QuantResult r = quantize(zeros, presetByName(name).config);
        QCOMPARE_EXACT(r.params.scale[0], eps);
        QCOMPARE(r.params.zeroPoint[0], int64_t(0));
        QCOMPARE(codesOf(r), std::vector<int>(8, 0));
        QCOMPARE(r.metrics.mse, 0.0);
    }
    QuantResult r = quantize(zeros, presetByName("pytorch-quint8-symmetric").config);
    QCOMPARE_EXACT(r.params.scale[0], eps);
    QCOMPARE(r.params.zeroPoint[0], int64_t(128));
    QCOMPARE(codesOf(r), std::vector<int>(8, 128));
    r = quantize(Tensor("t", {3}, std::vector<float>(3, 3.0f)),
                 presetByName("pytorch-quint8-affine").config);
    QCOMPARE_EXACT(float(r.params.scale[0]), 3.0f / 255.0f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    // A tiny nonzero range is floored too: [0, 2^-30] -> scale 2^-23, zp 0, code 0.
    r = quantize(vec({0, std::ldexp(1.0, -30)}), presetByName("pytorch-quint8-affine").config);
    QCOMPARE_EXACT(r.params.scale[0], eps);
    QCOMPARE(codesOf(r), (std::vector<int>{0, 0}));

    for (const char* name : {"ort-uint8-asymmetric", "ort-int8-symmetric"}) {
        r = quantize(zeros, presetByName(name).config);
        QCOMPARE_EXACT(r.params.scale[0], 1.0);
        QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    }
    QuantConfig c = presetByName("ort-uint8-asymmetric").config;
    c.signedCodes = true; // int8 asymmetric: zp 0 as well, not qmin
    r = quantize(zeros, c);
    QCOMPARE_EXACT(r.params.scale[0], 1.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));

    QuantConfig f; // FBGEMM: scale 0 -> 0.1, zero point from min = 0 -> qmin
    f.constantRange = ConstantRange::FbgemmPointOne;
    r = quantize(zeros, f);
    QCOMPARE_EXACT(r.params.scale[0], 0.1);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));
    f.scheme = Scheme::Symmetric;
    r = quantize(zeros, f);
    QCOMPARE_EXACT(r.params.scale[0], 0.1);
    QCOMPARE(r.params.zeroPoint[0], int64_t(0));

    QuantConfig d; // default: exact, scale 1 and z = qmin for zeros; |c| for a constant
    QCOMPARE(d.constantRange, ConstantRange::Exact);
    d.signedCodes = true;
    r = quantize(zeros, d);
    QCOMPARE_EXACT(r.params.scale[0], 1.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(-128));
    d.includeZero = false;
    r = quantize(Tensor("t", {2}, std::vector<float>(2, 3.0f)), d);
    QCOMPARE_EXACT(r.params.scale[0], 3.0);
    QCOMPARE_EXACT(r.dequantized[0], 3.0f);

    for (ConstantRange v : {ConstantRange::Exact, ConstantRange::PyTorchEps, ConstantRange::OnnxOne,
                            ConstantRange::FbgemmPointOne})
        QCOMPARE(constantRangeFromName(toName(v)), v);
    QCOMPARE(toName(ConstantRange::FbgemmPointOne), std::string("fbgemm-0.1"));
    QVERIFY_THROWS_EXCEPTION(Error, constantRangeFromName("nope"));
}

// T2, quint8 symmetric: codes [0, 255], zp 128, scale 2/127.5 -> q = [64, 128, 160, 255].
void TestPresets::t2Quint8Symmetric()
{
    const QuantConfig c = presetByName("pytorch-quint8-symmetric").config;
    QCOMPARE(c.qmin(), int64_t(0));
    QCOMPARE(c.qmax(), int64_t(255));
    QCOMPARE(c.symmetricZeroPoint(), int64_t(128));
    const QuantResult r = quantize(vec({-1, 0, 0.5, 2}), c);
    QCOMPARE_EXACT(float(r.params.scale[0]), 2.0f / 127.5f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(128));
    QCOMPARE(codesOf(r), (std::vector<int>{64, 128, 160, 255}));
    QCOMPARE_EXACT(r.dequantized[1], 0.0f);
    // The existing configs keep signed symmetric codes whatever signedCodes says.
    QuantConfig s;
    s.scheme = Scheme::Symmetric;
    QCOMPARE(s.qmin(), int64_t(-127));
    QCOMPARE(s.symmetricZeroPoint(), int64_t(0));
    // Unsigned symmetric is signed full-range symmetric shifted by 128, also with a range
    // search (MSE): same scale, codes + 128, same error.
    const Tensor t = randomTensor({4, 64}, 7, 9.0);
    for (RangeMethod m : {RangeMethod::MinMax, RangeMethod::MSE, RangeMethod::Percentile}) {
        QuantConfig u = c, q = presetByName("pytorch-qint8-symmetric").config;
        u.range = q.range = m;
        const QuantResult ru = quantize(t, u), rq = quantize(t, q);
        QCOMPARE_EXACT(ru.params.scale[0], rq.params.scale[0]);
        QCOMPARE(ru.codes.size(), rq.codes.size());
        for (size_t i = 0; i < ru.codes.size(); ++i)
            QCOMPARE(int(ru.codes[i]), int(rq.codes[i]) + 128);
        QCOMPARE_EXACT(ru.metrics.mse, rq.metrics.mse);
    }
}

// T9: GGML Q8_0, two rows = two blocks.
void TestPresets::t9GgmlQ8_0()
{
    std::vector<float> v(64, 0.0f);
    const float b0[] = {127, 2.5f, -2.5f, 0.5f, 1.5f, -0.5f};
    const float b1[] = {1, -0.5f, 0.25f};
    std::copy(std::begin(b0), std::end(b0), v.begin());
    std::copy(std::begin(b1), std::end(b1), v.begin() + 32);
    const QuantResult r = quantize(Tensor("q", {2, 32}, v), presetByName("ggml-q8_0").config);
    QCOMPARE(r.params.numSlices(), int64_t(2));
    QCOMPARE(r.params.qmin, int64_t(-127));
    QCOMPARE(r.params.qmax, int64_t(127));
    QCOMPARE_EXACT(r.params.scale[0], 1.0);
    QCOMPARE(firstCodes(r, 6), (std::vector<int>{127, 3, -3, 1, 2, -1}));
    QCOMPARE_EXACT(r.params.scale[1], 0.00787353515625);
    QCOMPARE((std::vector<int>{r.codes[32], r.codes[33], r.codes[34]}),
             (std::vector<int>{127, -64, 32}));
    QCOMPARE_EXACT(r.dequantized[32], 127.0f * 0.00787353515625f);
    QVERIFY(std::fabs(r.dequantized[32] - 0.99993896f) < 1e-7f);
    QCOMPARE_EXACT(r.dequantized[33], -0.50390625f);
    QCOMPARE_EXACT(r.dequantized[34], 0.251953125f);
    QCOMPARE_EXACT(r.params.rangeMax[1], 127.0 * 0.00787353515625);
    QCOMPARE_EXACT(r.params.rangeMin[1], -127.0 * 0.00787353515625);
    QCOMPARE_EXACT(r.params.dataMax[1], 1.0);
    QCOMPARE_EXACT(r.params.dataMin[1], -0.5);
}

// T10: Q4_0 d = -8 / -8 = 1 (codes 0..15 stand for -8..7); Q4_1 d = 1, m = -1.
void TestPresets::t10GgmlQ4()
{
    std::vector<float> v(32, 0.0f);
    const float b[] = {-8, 4, 3.5f, -0.5f, 0.5f, -1.5f, 7.5f, 2.5f};
    std::copy(std::begin(b), std::end(b), v.begin());
    QuantResult r = quantize(Tensor("q", {32}, v), presetByName("ggml-q4_0").config);
    QCOMPARE(firstCodes(r, 8), (std::vector<int>{0, 12, 12, 8, 9, 7, 15, 11}));
    const std::vector<float> dq = {-8, 4, 4, 0, 1, -1, 7, 3};
    QCOMPARE(std::vector<float>(r.dequantized.begin(), r.dequantized.begin() + 8), dq);
    QCOMPARE_EXACT(r.params.scale[0], 1.0);
    QCOMPARE(r.params.zeroPoint[0], int64_t(8));
    QCOMPARE_EXACT(dequantizeCode(r.params, 0, 0), -8.0);
    QCOMPARE_EXACT(dequantizeCode(r.params, 0, 15), 7.0);
    QCOMPARE(r.metrics.clippedHighCount, int64_t(1)); // 7.5 -> 7
    // The worked example of a low-bit result decodes with the block's parameters.
    const Tensor t4("q", {32}, v);
    WorkedExample we = workedExample(t4, r, 6);
    QCOMPARE(we.code, int64_t(15));
    QCOMPARE_EXACT(we.xhat, 7.0);
    QCOMPARE(we.floatCategory, std::string("saturated"));
    we = workedExample(t4, r, 2); // 3.5 -> 4
    QCOMPARE(we.floatCategory, std::string("rounded"));
    QCOMPARE_EXACT(we.error, -0.5);
    QVERIFY(workedExampleHtml(we).find("Q4_0") != std::string::npos);

    std::vector<float> w(32, 3.0f);
    const float c[] = {-1, 14, 0, 0.5f, 2.5f, 6.49f};
    std::copy(std::begin(c), std::end(c), w.begin());
    r = quantize(Tensor("q", {32}, w), presetByName("ggml-q4_1").config);
    QCOMPARE(firstCodes(r, 6), (std::vector<int>{0, 15, 1, 2, 4, 7}));
    QCOMPARE_EXACT(r.params.scale[0], 1.0);
    QCOMPARE(int64_t(r.params.offset.size()), int64_t(1));
    QCOMPARE_EXACT(r.params.offset[0], -1.0);
    QCOMPARE_EXACT(dequantizeCode(r.params, 0, 15), 14.0);
    QCOMPARE_EXACT(r.params.rangeMin[0], -1.0);
    QCOMPARE_EXACT(r.params.rangeMax[0], 14.0);
}

// T12: NF4 block of 64 with absmax 2.
void TestPresets::t12Nf4()
{
    std::vector<float> v(64, 0.0f);
    const float b[] = {2, 1, -0.6f, 0, 0.1f, -2};
    std::copy(std::begin(b), std::end(b), v.begin());
    const QuantResult r = quantize(Tensor("w", {64}, v), presetByName("bnb-nf4").config);
    QCOMPARE(r.params.numSlices(), int64_t(1));
    QCOMPARE_EXACT(r.params.scale[0], 2.0);
    QCOMPARE(firstCodes(r, 6), (std::vector<int>{15, 12, 4, 7, 8, 0}));
    const float dq[] = {2, 0.88141966f, -0.56888276f, 0, 0.15916060f, -2};
    for (int i = 0; i < 6; ++i)
        QVERIFY2(std::fabs(r.dequantized[size_t(i)] - dq[i]) <= 1e-7f,
                 qPrintable(QString::number(i)));
    QCOMPARE(r.params.qmax, int64_t(15));
    QCOMPARE_EXACT(r.params.rangeMin[0], -2.0);
    QCOMPARE_EXACT(r.params.rangeMax[0], 2.0);
    // 100 elements with block 64: two blocks of the flat tensor, the second of 36.
    const QuantResult two = quantize(randomTensor({10, 10}, 3), presetByName("bnb-nf4").config);
    QCOMPARE(two.params.numSlices(), int64_t(2));
    QCOMPARE(two.params.layout.sliceSize(1), int64_t(36));
    QCOMPARE(two.sliceMetrics[1].count, int64_t(36));
}

// T13: qA uint8 (0.5, 10) x qB int8 (0.25, 0), requantized with (0.25, 128).
void TestPresets::t13IntegerMatmul()
{
    const auto [a, b, out, result] = referenceMatmulT13(); // vector T13
    const IntMatmulResult r = integerMatmul(a, b, out);
    QCOMPARE(r.acc32, (std::vector<int32_t>{4, -28, 8, 24}));
    QCOMPARE(r.dequantProduct, (std::vector<double>{0.5, -3.5, 1, 3}));
    QCOMPARE(r.outCodes, (std::vector<int32_t>{130, 114, 132, 140}));
}

void TestPresets::trtNarrowRange()
{
    const Tensor t = vec({-2, -1, 0.5, 1});
    const QuantResult wide = quantize(t, presetByName("trt-max").config);
    const QuantResult narrow = quantize(t, presetByName("trt-max-narrow").config);
    QCOMPARE(wide.params.qmin, int64_t(-128));
    QCOMPARE(narrow.params.qmin, int64_t(-127));
    QCOMPARE_EXACT(float(wide.params.scale[0]), 2.0f / 127.0f);
    QCOMPARE(codesOf(wide), (std::vector<int>{-127, -64, 32, 64}));
    QCOMPARE(codesOf(narrow), codesOf(wide));
}

// The ONNX Runtime and TensorRT calibrator presets: the range is the calibrator's (a float32
// histogram edge; tst_calibrators pins those against numpy), the scale s = float32(amax / 127)
// and the codes round(x / s) (ONNX Runtime) or round(x * float32(1 / s)) (TensorRT preset).
void TestPresets::calibratorPresets_data()
{
    QTest::addColumn<QString>("name");
    for (const char* n :
         {"ort-percentile", "ort-entropy", "trt-percentile", "trt-percentile-narrow", "trt-entropy",
          "trt-entropy-narrow", "trt-mse", "trt-mse-narrow"})
        QTest::newRow(n) << QString(n);
}

void TestPresets::calibratorPresets()
{
    QFETCH(QString, name);
    const Preset& p = presetByName(name.toStdString());
    const Tensor t = randomTensor({5000}, 17, 12.0);
    const float* x = t.data.data();
    const int64_t n = t.numel();
    double amax = 0;
    if (name == "ort-percentile") {
        const Range r = ortPercentileRange(x, n, 99.999);
        amax = std::max(std::fabs(r.lo), std::fabs(r.hi));
    } else if (name == "ort-entropy") {
        const Range r = minMaxRange(x, n); // the defaults' single window
        amax = std::max(std::fabs(r.lo), std::fabs(r.hi));
    } else if (name.startsWith("trt-percentile")) {
        amax = trtPercentileAmax(x, n, 99.99);
    } else if (name.startsWith("trt-entropy")) {
        amax = entropyAmax(x, n, 8);
    } else {
        amax = trtMseAmax(x, n, 8);
    }
    // Every calibrator but ONNX Runtime's default entropy (min-max) clips the outlier.
    QVERIFY(name == "ort-entropy" ? amax == 12.0 : (amax > 0 && amax < 12.0));
    QCOMPARE_EXACT(double(float(amax)), amax);
    const QuantResult r = quantize(t, p.config);
    const bool trt = name.startsWith("trt");
    // ONNX Runtime: s = amax / 127, q = round(x / s), x^ = q * s. TensorRT's toolkit keeps the
    // reciprocal: s' = 127 / amax, q = round(x * s'), x^ = q / s' (float32 throughout).
    const float s = float(amax) / 127.0f;
    const float sp = 127.0f / float(amax);
    if (trt)
        QCOMPARE_EXACT(r.params.reciprocal.at(0), sp);
    else
        QCOMPARE_EXACT(float(r.params.scale[0]), s);
    const int64_t qmin = name.endsWith("narrow") || !trt ? -127 : -128;
    QCOMPARE(r.params.qmin, qmin);
    for (int64_t i = 0; i < n; ++i) {
        const float v = trt ? std::nearbyint(x[i] * sp) : std::nearbyint(x[i] / s);
        const float q = std::clamp(v, float(qmin), 127.0f);
        const float xhat = trt ? q / sp : float(double(s) * double(q));
        if (r.codes[size_t(i)] != int(q) || r.dequantized[size_t(i)] != xhat)
            QFAIL(qPrintable(QString("element %1: code %2, x^ %3, expected %4, %5")
                                 .arg(i)
                                 .arg(r.codes[size_t(i)])
                                 .arg(double(r.dequantized[size_t(i)]), 0, 'g', 9)
                                 .arg(int(q))
                                 .arg(double(xhat), 0, 'g', 9)));
    }
}

// TensorRT's arithmetic on its own (T-style vectors): the scale is kept as its float32
// reciprocal, so q = round(x * s') and x^ = q / s' differ from x * float32(1/s) and q * s; amax
// <= 2^-24 quantizes everything to 0.
void TestPresets::trtReciprocalScale()
{
    QuantConfig c = presetByName("trt-max").config;
    QVERIFY(c.reciprocalScale);
    // amax 3: s' = 127 / 3 = 42.333332f. 1 * s' = 42.333332 -> 42, x^ = 42 / s' = 0.99212599f.
    const Tensor t("t", {4}, {1.0f, -3.0f, 0.5f, 3.0f});
    const QuantResult r = quantize(t, c);
    const float sp = 127.0f / 3.0f;
    QCOMPARE_EXACT(r.params.reciprocal.at(0), sp);
    QCOMPARE(r.codes.toVector(), (std::vector<int32_t>{42, -127, 21, 127}));
    for (size_t i = 0; i < 4; ++i)
        QCOMPARE_EXACT(r.dequantized[i], float(r.codes[i]) / sp);
    QCOMPARE_EXACT(r.dequantized[0], 42.0f / sp);
    // The grid and dequantizeCode decode the same way.
    QCOMPARE_EXACT(float(dequantizeCode(r.params, 0, 42)), 42.0f / sp);
    // Random data over many amax values: bit for bit the float32 formulas, and (for some of
    // them) different from the scale-multiply form.
    int differs = 0;
    for (int k = 1; k <= 40; ++k) {
        const Tensor u = randomTensor({600}, uint32_t(k), 0.37 * k);
        const QuantResult q = quantize(u, c);
        const Range mm = minMaxRange(u.data.data(), u.numel());
        const float a = float(std::max(mm.hi, -mm.lo));
        const float s2 = 127.0f / a;
        QCOMPARE_EXACT(q.params.reciprocal.at(0), s2);
        for (size_t i = 0; i < 600; ++i) {
            const float code = std::clamp(std::nearbyint(u.data[i] * s2), -128.0f, 127.0f);
            QCOMPARE(q.codes[i], int(code));
            QCOMPARE_EXACT(q.dequantized[i], code / s2);
            differs += q.dequantized[i] != float(double(a / 127.0f) * double(code));
        }
    }
    QVERIFY(differs > 0);
    // amax <= 2^-24: all codes 0, x^ = 0.
    const Tensor tiny("tiny", {3}, {1e-8f, -5e-8f, 0.0f});
    const QuantResult z = quantize(tiny, c);
    QCOMPARE(z.params.reciprocal.at(0), 0.0f);
    QCOMPARE(z.codes.toVector(), (std::vector<int32_t>{0, 0, 0}));
    QCOMPARE(z.dequantized[1], 0.0f);
    // Only for the signed symmetric scheme.
    QuantConfig bad = c;
    bad.scheme = Scheme::Asymmetric;
    QVERIFY_THROWS_EXCEPTION(Error, quantize(t, bad));
}

// The old names of the notebook presets give the same configuration, named as asked (so that a
// report made with an old name does not change); the presets list only the current names.
void TestPresets::oldNotebookNames()
{
    const std::pair<const char*, const char*> renamed[] = {
        {"seed000", "notebook-truncation"},          {"seed001", "notebook-asymmetric"},
        {"seed001-symmetric", "notebook-symmetric"}, {"seed002", "notebook-percentile"},
        {"seed003", "notebook-float32-truncation"},  {"seed004", "notebook-signed-affine"},
        {"seed004-symmetric", "notebook-scale"}};
    const std::vector<std::string> names = presetNames();
    for (const auto& [old, current] : renamed) {
        const Preset& a = presetByName(old);
        const Preset& b = presetByName(current);
        QCOMPARE(a.name, std::string(old));
        QCOMPARE(a.config.preset, std::string(old));
        QCOMPARE(b.config.preset, std::string(current));
        QCOMPARE(a.system, std::string("notebook"));
        QCOMPARE(a.description, b.description);
        QuantConfig renamedBack = a.config;
        renamedBack.preset = current;
        QVERIFY2(renamedBack == b.config, old);
        QCOMPARE(currentPresetName(old), std::string(current));
        QCOMPARE(currentPresetName(current), std::string(current));
        QVERIFY(std::count(names.begin(), names.end(), current) == 1);
        QVERIFY(std::count(names.begin(), names.end(), old) == 0);
    }
    QCOMPARE(currentPresetName("ggml-q4_0"), std::string("ggml-q4_0"));
    QCOMPARE(currentPresetName("no-such-preset"), std::string("no-such-preset"));
}

// Groups: every preset exactly once, under its own system, in the order of presets(); the
// systems in the order of their first preset; the short keys get titles for people.
void TestPresets::groupedBySystem()
{
    const std::vector<Preset> all = presets();
    const std::vector<PresetGroup> groups = presetGroups();
    std::vector<std::string> titles, flat;
    for (const PresetGroup& g : groups) {
        QVERIFY(!g.presets.empty());
        QCOMPARE(g.title, presetSystemTitle(g.system));
        titles.push_back(g.title);
        for (const Preset& p : g.presets) {
            QCOMPARE(p.system, g.system);
            flat.push_back(p.name);
        }
    }
    QCOMPARE(titles.front(), std::string("PyTorch"));
    QCOMPARE(titles.back(), std::string("Course notebooks"));
    for (const char* t :
         {"ONNX Runtime", "TensorRT", "llama.cpp / GGML", "bitsandbytes", "OCP float8 and MX"})
        QVERIFY2(std::count(titles.begin(), titles.end(), std::string(t)) == 1, t);
    // Each system once, so the groups hold presets() in order only if each system's presets
    // are contiguous; either way every preset is in the flat list once.
    QCOMPARE(flat.size(), all.size());
    std::vector<std::string> names = presetNames(), sortedFlat = flat;
    std::sort(names.begin(), names.end());
    std::sort(sortedFlat.begin(), sortedFlat.end());
    QVERIFY(names == sortedFlat);
    QCOMPARE(presetSystemTitle("GGML"), std::string("llama.cpp / GGML"));
    QCOMPARE(presetSystemTitle("AMD"), std::string("AMD")); // no entry: its own title
}

QTEST_APPLESS_MAIN(TestPresets)
#include "tst_presets.moc"
