// Tests of the block and code-book formats: GGML Q8_0 / Q4_0 / Q4_1 (reference vectors T9, T10),
// bitsandbytes NF4 (T12) and FP4, user code books, Lloyd-Max, OCP MX examples worked by hand,
// linear absmax int8 blocks, and the storage accounting of each.
#include "core/base/error.h"
#include "core/base/float_order.h"
#include "core/formats/codebook.h"
#include "core/formats/dynamic_map.h"
#include "core/formats/float16.h"
#include "core/formats/ggml.h"
#include "core/formats/minifloat.h"
#include "core/formats/mx.h"
#include "core/quant/lowbit_quantize.h"
#include "core/quant/quantize.h"

#include "tests/support/test_support.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <thread>
#include <vector>

using namespace qs;

namespace {

std::vector<float> padTo(std::vector<float> v, size_t n)
{
    v.resize(n, 0.0f);
    return v;
}

// MSE of the uniform min-max grid of 2^bits levels over [min, max] (nearest level), in double.
double uniformMinMaxMse(const std::vector<float>& x, int bits)
{
    double lo = x[0], hi = x[0];
    for (float v : x) {
        lo = std::min(lo, double(v));
        hi = std::max(hi, double(v));
    }
    const double step = (hi - lo) / double((1 << bits) - 1);
    double sum = 0;
    for (float v : x) {
        const double q = std::nearbyint((v - lo) / step);
        const double d = v - (lo + q * step);
        sum += d * d;
    }
    return sum / double(x.size());
}

std::vector<float> randomTensor(int kind, size_t n, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    std::exponential_distribution<double> expo(1.0);
    std::vector<float> x(n);
    for (auto& v : x) {
        switch (kind) {
        case 0:
            v = float(normal(rng));
            break;
        case 1:
            v = float(uni(rng) * 3.0 + 1.0);
            break;
        case 2:
            v = float((rng() & 1 ? 1 : -1) * expo(rng) * 0.05); // Laplace
            break;
        default:
            v = float(normal(rng) * 0.2 + (rng() & 1 ? 2.0 : -1.0)); // bimodal
            break;
        }
    }
    return x;
}

} // namespace

class TestLowbit : public QObject {
    Q_OBJECT
private slots:
    void q8_0_T9();
    void q4_0_T10();
    void q4_1_T10();
    void q4_0FirstLargestMagnitudeWins();
    void ggmlPaddedRows();
    void ggmlNonFiniteAndOverflow();
    void everyNonFiniteIsFound();
    void subnormalBlocks();
    void ggmlErrors();
    void nf4_T12();
    void nf4TiesFollowTheKernel();
    void nf4ZeroBlockAndShortBlock();
    void fp4Bnb();
    void absmaxInt8();
    void userCodebook();
    void lloydMaxNeverWorseThanUniform_data();
    void lloydMaxNeverWorseThanUniform();
    void lloydMaxKnownGaussianLevels();
    void lloydMaxErrors();
    void mxfp4ByHand();
    void mxfp8ByHand();
    void mxint8ByHand();
    void mxScalesAndBlocks();
    void bitsPerElement();
    void metricsOfAResult();
    void dynamic8Blockwise();
    void preCancelledTokenThrows_data();
    void preCancelledTokenThrows();
    void lloydMaxCancelledWhileRunning();
};

void TestLowbit::q8_0_T9()
{
    std::vector<float> x = padTo({127, 2.5f, -2.5f, 0.5f, 1.5f, -0.5f}, 32);
    const std::vector<float> b2 = padTo({1, -0.5f, 0.25f}, 32);
    x.insert(x.end(), b2.begin(), b2.end());
    const LowbitResult r = quantizeGgml(x.data(), int64_t(x.size()), GgmlType::Q8_0);
    QCOMPARE(r.numBlocks(), int64_t(2));
    QCOMPARE_EXACT(r.scales[0], 1.0f);
    const int32_t q1[6] = {127, 3, -3, 1, 2, -1}; // roundf: ties away from zero
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(r.codes[size_t(i)], q1[i]);
        QCOMPARE_EXACT(r.dequantized[size_t(i)], float(q1[i]));
    }
    for (int i = 6; i < 32; ++i)
        QCOMPARE(r.codes[size_t(i)], 0);
    // d = 1/127 = 0.0078740157, fp16(d) = 0.00787353515625; quantized with 1/d, not 1/fp16(d).
    QCOMPARE_EXACT(r.scales[1], 0.00787353515625f);
    QCOMPARE(r.codes[32], 127);
    QCOMPARE(r.codes[33], -64);
    QCOMPARE(r.codes[34], 32);
    QCOMPARE_EXACT(r.dequantized[32], 0.99993896484375f);
    QCOMPARE_EXACT(r.dequantized[33], -0.50390625f);
    QCOMPARE_EXACT(r.dequantized[34], 0.251953125f);
    QCOMPARE_EXACT(r.bitsPerElement, 8.5);
    QCOMPARE(r.storageBits, int64_t(2 * (16 + 32 * 8)));
}

void TestLowbit::q4_0_T10()
{
    const std::vector<float> x = padTo({-8, 4, 3.5f, -0.5f, 0.5f, -1.5f, 7.5f, 2.5f}, 32);
    const LowbitResult r = quantizeGgml(x.data(), 32, GgmlType::Q4_0);
    QCOMPARE_EXACT(r.scales[0], 1.0f); // d = max / -8 with max = -8
    const int32_t q[8] = {0, 12, 12, 8, 9, 7, 15, 11};
    const float deq[8] = {-8, 4, 4, 0, 1, -1, 7, 3};
    for (int i = 0; i < 8; ++i) {
        QCOMPARE(r.codes[size_t(i)], q[i]);
        QCOMPARE_EXACT(r.dequantized[size_t(i)], deq[i]);
    }
    QCOMPARE(r.codes[31], 8);          // zero
    QCOMPARE(r.saturated, int64_t(1)); // 7.5 -> (int8)16.0 -> min(15, 16)
    QCOMPARE_EXACT(r.bitsPerElement, 4.5);
}

void TestLowbit::q4_1_T10()
{
    std::vector<float> x = {-1, 14, 0, 0.5f, 2.5f, 6.49f};
    x.resize(32, 3.0f);
    const LowbitResult r = quantizeGgml(x.data(), 32, GgmlType::Q4_1);
    QCOMPARE_EXACT(r.scales[0], 1.0f);
    QCOMPARE_EXACT(r.offsets[0], -1.0f);
    const int32_t q[7] = {0, 15, 1, 2, 4, 7, 4};
    const float deq[7] = {-1, 14, 0, 1, 3, 6, 3};
    for (int i = 0; i < 7; ++i) {
        QCOMPARE(r.codes[size_t(i)], q[i]);
        QCOMPARE_EXACT(r.dequantized[size_t(i)], deq[i]);
    }
    QCOMPARE(r.saturated, int64_t(0));
    QCOMPARE_EXACT(r.bitsPerElement, 5.0);
}

void TestLowbit::q4_0FirstLargestMagnitudeWins()
{
    const std::vector<float> x = padTo({3, -3, 1}, 32);
    const LowbitResult r = quantizeGgml(x.data(), 32, GgmlType::Q4_0);
    QCOMPARE_EXACT(r.scales[0], -0.375f); // max = +3 (the first), d = 3 / -8
    QCOMPARE(r.codes[0], 0);              // 3 * (1/d) + 8.5 = 0.5 -> 0
    QCOMPARE(r.codes[1], 15);             // 16.5 -> 16 -> clipped to 15
    QCOMPARE_EXACT(r.dequantized[1], -2.625f);
    QCOMPARE(r.codes[2], 5); // -2.6667 + 8.5 = 5.83 -> 5
    QCOMPARE(r.saturated, int64_t(1));
    const std::vector<float> y = padTo({-3, 3}, 32);
    QCOMPARE_EXACT(quantizeGgml(y.data(), 32, GgmlType::Q4_0).scales[0], 0.375f);
    // Late in the block too: -3 at 17 comes before +3 at 31 (and the last element alone).
    std::vector<float> z(32, 1.0f);
    z[17] = -3.0f;
    z[31] = 3.0f;
    QCOMPARE_EXACT(quantizeGgml(z.data(), 32, GgmlType::Q4_0).scales[0], 0.375f);
    z[17] = 1.0f;
    QCOMPARE_EXACT(quantizeGgml(z.data(), 32, GgmlType::Q4_0).scales[0], -0.375f);
}

void TestLowbit::ggmlPaddedRows()
{
    // Two rows of 40: each row is 32 + 8 elements; the short block is padded with zeros.
    std::vector<float> x(80);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = 5.0f + float(i % 40) * 0.37f; // all positive: the padding zeros set min = 0
    for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1}) {
        const LowbitResult r = quantizeGgml(x.data(), 80, t, 40);
        QCOMPARE(r.numBlocks(), int64_t(4));
        QCOMPARE(r.blocksPerRow, int64_t(2));
        QCOMPARE(r.storageBits, int64_t(4 * ggmlBitsPerElement(t) * 32));
        // Same as quantizing rows explicitly padded to 64 with zeros.
        std::vector<float> padded(128, 0.0f);
        for (int row = 0; row < 2; ++row)
            std::copy(x.begin() + row * 40, x.begin() + row * 40 + 40, padded.begin() + row * 64);
        const LowbitResult p = quantizeGgml(padded.data(), 128, t, 64);
        for (int row = 0; row < 2; ++row)
            for (int i = 0; i < 40; ++i) {
                QCOMPARE(r.codes[size_t(row * 40 + i)], p.codes[size_t(row * 64 + i)]);
                QCOMPARE_EXACT(r.dequantized[size_t(row * 40 + i)],
                               p.dequantized[size_t(row * 64 + i)]);
            }
        QCOMPARE(r.scales, p.scales);
        if (t == GgmlType::Q4_1) {
            QCOMPARE_EXACT(r.offsets[1], 0.0f); // min includes the padding zero
            QCOMPARE_EXACT(r.offsets[0], 5.0f);
        }
    }
    QCOMPARE(quantizeGgml(x.data(), 80, GgmlType::Q8_0, 40).blockOf(45), int64_t(2));
}

// A single NaN (either sign, any payload) or infinity anywhere in a span or a block is found:
// the finiteness test ORs exponent fields, so each position of each vector lane is tried.
void TestLowbit::everyNonFiniteIsFound()
{
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                              -std::numeric_limits<float>::quiet_NaN(),
                              detail::floatOf(0x7f800001u),
                              detail::floatOf(0xffbfffffu),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity()};
    const float edges[] = {std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                           std::numeric_limits<float>::denorm_min(), -0.0f, 0.0f};
    for (int64_t n = 1; n <= 40; ++n) {
        std::vector<float> x(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            x[size_t(i)] = edges[i % 5];
        QVERIFY(detail::allFiniteFloats(x.data(), n));
        for (int64_t p = 0; p < n; ++p)
            for (float v : specials) {
                std::vector<float> y = x;
                y[size_t(p)] = v;
                QVERIFY2(!detail::allFiniteFloats(y.data(), n), qPrintable(QString::number(p)));
            }
    }
    // Through the blocks: Q8_0's scale from the 31 finite values, one non-finite counted.
    for (int p = 0; p < 32; ++p)
        for (float v : specials) {
            std::vector<float> x(32, 0.0f);
            for (int i = 0; i < 32; ++i)
                x[size_t(i)] = float(i - 20) * 0.25f;
            x[size_t(p)] = v;
            const float amax = p == 0 ? 4.75f : 5.0f; // |x[0]| = 5 unless x[0] is replaced
            const LowbitResult r = quantizeGgml(x.data(), 32, GgmlType::Q8_0);
            QCOMPARE(r.nonfinite, int64_t(1));
            QCOMPARE_EXACT(r.scales[0], roundToFormat(FloatFormat::Half, amax / 127));
        }
}

void TestLowbit::ggmlNonFiniteAndOverflow()
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> x = padTo({nan, 1, -0.5f, inf, -inf}, 32);
    LowbitResult r = quantizeGgml(x.data(), 32, GgmlType::Q8_0);
    QCOMPARE(r.nonfinite, int64_t(3));
    QCOMPARE(r.codes[0], 0);
    QVERIFY(std::isnan(r.dequantized[0]));
    QCOMPARE(r.codes[1], 127); // amax from the finite values only
    QCOMPARE(r.codes[2], -64);
    QCOMPARE(r.codes[3], 127);
    QCOMPARE(r.codes[4], -127);
    QCOMPARE_EXACT(r.dequantized[3], inf);
    QVERIFY(r.warnings.empty());
    for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1}) {
        r = quantizeGgml(x.data(), 32, t);
        for (int i = 0; i < 32; ++i)
            QVERIFY(r.codes[size_t(i)] >= 0 && r.codes[size_t(i)] <= 15);
        QCOMPARE(r.codes[3], t == GgmlType::Q4_0 ? 0 : 15); // d < 0 for Q4_0 (max = +1)
    }
    // A block scale beyond fp16: llama.cpp stores inf; the result says so.
    const std::vector<float> big = padTo({1e7f, 1.0f}, 32);
    r = quantizeGgml(big.data(), 32, GgmlType::Q8_0);
    QVERIFY(std::isinf(r.scales[0]));
    QCOMPARE(r.warnings.size(), size_t(1));
    // Tiny scale: fp16(d) flushes to zero, every value dequantizes to 0.
    const std::vector<float> tiny = padTo({1e-9f, -5e-10f}, 32);
    r = quantizeGgml(tiny.data(), 32, GgmlType::Q8_0);
    QCOMPARE_EXACT(r.scales[0], 0.0f);
    QCOMPARE(r.codes[0], 127);
    QCOMPARE(r.flushedToZero, int64_t(2));
}

void TestLowbit::subnormalBlocks()
{
    // Blocks of float32 subnormals: 1/d overflows to inf; codes stay in range, nothing is NaN.
    const std::vector<float> x = padTo({1e-40f, 0.0f, -1e-40f, 3e-41f}, 32);
    for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1}) {
        const LowbitResult r = quantizeGgml(x.data(), 32, t);
        for (size_t i = 0; i < 32; ++i) {
            QVERIFY(r.codes[i] >= -127 && r.codes[i] <= 127);
            QVERIFY(std::isfinite(r.dequantized[i]));
        }
        QCOMPARE_EXACT(r.scales[0], 0.0f); // fp16(d) underflows
    }
    const LowbitResult q8 = quantizeGgml(x.data(), 32, GgmlType::Q8_0);
    QCOMPARE(q8.codes[0], 127);
    QCOMPARE(q8.codes[1], 0);
    QCOMPARE(q8.codes[2], -127);
    const LowbitResult a = quantizeAbsmaxInt8Blockwise(x.data(), 32, 32);
    QCOMPARE(a.codes[0], 127);
    QCOMPARE(a.codes[1], 0);
    QCOMPARE(a.codes[2], -127);
    for (size_t i = 0; i < 32; ++i)
        QVERIFY(std::isfinite(a.dequantized[i]));
    for (const Codebook* cb : {&nf4Codebook(), &bnbFp4Codebook()}) {
        const LowbitResult b = quantizeBlockwiseAbsmax(x.data(), 32, *cb, 32);
        for (size_t i = 0; i < 32; ++i)
            QVERIFY(std::isfinite(b.dequantized[i]));
    }
    for (MxFormat f : {MxFormat::MXFP8_E4M3, MxFormat::MXFP4, MxFormat::MXINT8}) {
        const LowbitResult m = quantizeMx(x.data(), 32, f);
        QCOMPARE_EXACT(m.scales[0], float(std::ldexp(1.0, -127))); // clamped E8M0 exponent
        for (size_t i = 0; i < 32; ++i)
            QVERIFY(std::isfinite(m.dequantized[i]));
    }
}

void TestLowbit::ggmlErrors()
{
    std::vector<float> x(64, 1.0f);
    QVERIFY_THROWS_EXCEPTION(Error, quantizeGgml(x.data(), 64, GgmlType::Q8_0, 48));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeGgml(x.data(), 0, GgmlType::Q8_0));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeGgml(x.data(), 64, GgmlType::Q4_0, -1));
    QVERIFY_THROWS_EXCEPTION(Error, ggmlTypeFromName("Q7_0"));
    QCOMPARE(ggmlTypeFromName("q4_1"), GgmlType::Q4_1);
}

void TestLowbit::nf4_T12()
{
    const std::vector<float> x = padTo({2, 1, -0.6f, 0, 0.1f, -2}, 64);
    const LowbitResult r = quantizeBlockwiseAbsmax(x.data(), 64, nf4Codebook(), 64);
    QCOMPARE(r.numBlocks(), int64_t(1));
    QCOMPARE_EXACT(r.scales[0], 2.0f);
    const int32_t idx[6] = {15, 12, 4, 7, 8, 0};
    const double deq[6] = {2, 0.88141966, -0.56888276, 0, 0.15916060, -2};
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(r.codes[size_t(i)], idx[i]);
        QVERIFY2(std::fabs(r.dequantized[size_t(i)] - deq[i]) <= 1e-7,
                 qPrintable(QString::number(r.dequantized[size_t(i)], 'g', 10)));
        QCOMPARE_EXACT(r.dequantized[size_t(i)], nf4Codebook().values[size_t(idx[i])] * 2.0f);
    }
    QCOMPARE(r.codes[63], 7);
    QCOMPARE_EXACT(r.bitsPerElement, 4.5);
    QCOMPARE(nf4Codebook().values.size(), size_t(16));
    QCOMPARE_EXACT(nf4Codebook().values[1], -0.6961928009986877f);
    QCOMPARE_EXACT(nf4Codebook().values[14], 0.7229568362236023f);
}

void TestLowbit::nf4TiesFollowTheKernel()
{
    // A value exactly on a threshold stays below it ("x > t" picks the upper code).
    const float t = 0.03979014977812767f;
    const std::vector<float> x = {1.0f, t, std::nextafter(t, 1.0f), -0.8480964004993439f};
    const LowbitResult r = quantizeBlockwiseAbsmax(x.data(), 4, nf4Codebook(), 64);
    QCOMPARE(r.codes, (std::vector<int32_t>{15, 7, 8, 0}));
}

void TestLowbit::nf4ZeroBlockAndShortBlock()
{
    std::vector<float> x(100, 0.0f);
    x[70] = -0.5f;
    x[99] = 0.25f;
    const LowbitResult r = quantizeBlockwiseAbsmax(x.data(), 100, nf4Codebook(), 64);
    QCOMPARE(r.numBlocks(), int64_t(2));
    QCOMPARE_EXACT(r.scales[0], 0.0f);
    QCOMPARE_EXACT(r.scales[1], 0.5f); // the short block's own absmax
    for (int i = 0; i < 64; ++i) {
        QCOMPARE(r.codes[size_t(i)], 0); // 0 * (1/0) = NaN takes the tree's last branch
        QCOMPARE_EXACT(r.dequantized[size_t(i)], 0.0f);
    }
    QCOMPARE(r.codes[70], 0);
    QCOMPARE_EXACT(r.dequantized[70], -0.5f);
    QCOMPARE(r.codes[99], 12); // 0.5
    QCOMPARE_EXACT(r.dequantized[99], 0.44070982933044434f * 0.5f);
    QCOMPARE(r.storageBits, int64_t(100 * 4 + 2 * 32));
}

void TestLowbit::fp4Bnb()
{
    const Codebook& cb = bnbFp4Codebook();
    QCOMPARE(cb.values.size(), size_t(16));
    // Index bits 0..2 as the kernel's table: 0, 0.0625, 8, 12, 4, 6, 2, 3 (twelfths).
    const double twelfths[8] = {0, 0.0625, 8, 12, 4, 6, 2, 3};
    for (int i = 0; i < 16; ++i) {
        const double expected = (i & 8 ? -1 : 1) * twelfths[i & 7] / 12.0;
        QVERIFY(std::fabs(cb.values[size_t(i)] - expected) < 1e-7);
    }
    const std::vector<float> x = {12, 6, -3, 0.0625f, 1, 0, -12, 7};
    const LowbitResult r = quantizeBlockwiseAbsmax(x.data(), 8, cb, 64);
    // 1/12 lies below the midpoint 0.0859375 of 0.0052 and 0.1667: it becomes 0.0625.
    // 7 is the exact midpoint of 6 and 8, but 7/12 lies above the kernel's threshold
    // 0.583333f (slightly below 7/12): it becomes 8.
    QCOMPARE(r.codes, (std::vector<int32_t>{0b0011, 0b0101, 0b1111, 0b0001, 0b0001, 0b0000, 0b1011,
                                            0b0010}));
    const float deq[8] = {12, 6, -3, 0.0625f, 0.0625f, 0, -12, 8};
    for (int i = 0; i < 8; ++i)
        QVERIFY(std::fabs(r.dequantized[size_t(i)] - deq[i]) < 1e-5);
    QCOMPARE_EXACT(r.bitsPerElement, (8 * 4 + 32) / 8.0);
}

void TestLowbit::absmaxInt8()
{
    const std::vector<float> x = {1, -0.5f, 0.25f, 0.125f, 0, 0, 0, 0};
    const LowbitResult r = quantizeAbsmaxInt8Blockwise(x.data(), 8, 4);
    QCOMPARE(r.numBlocks(), int64_t(2));
    QCOMPARE_EXACT(r.scales[0], 1.0f);
    QCOMPARE_EXACT(r.scales[1], 0.0f);
    // x * 127: -63.5 -> -64 (half to even), 31.75 -> 32, 15.875 -> 16.
    QCOMPARE(r.codes, (std::vector<int32_t>{127, -64, 32, 16, 0, 0, 0, 0}));
    QCOMPARE_EXACT(r.dequantized[1], -64.0f * (1.0f / 127.0f));
    QCOMPARE_EXACT(r.dequantized[4], 0.0f);
    QCOMPARE_EXACT(r.bitsPerElement, 16.0); // 8 + 32 / 4
    std::vector<float> big(8192, 1.0f);
    QCOMPARE(quantizeAbsmaxInt8Blockwise(big.data(), 8192).bitsPerElement, 8.0078125);
}

void TestLowbit::userCodebook()
{
    const Codebook cb = makeCodebook({3, -1, 0.5, 3, 0}, "mine");
    QCOMPARE(cb.values, (std::vector<float>{-1, 0, 0.5f, 3}));
    QCOMPARE(cb.bitsPerCode(), 2);
    QCOMPARE(nearestCode(cb, 0.25f), 1); // tie 0 | 0.5 -> smaller magnitude
    QCOMPARE(nearestCode(cb, 1.75f), 2); // tie 0.5 | 3 -> 0.5
    QCOMPARE(nearestCode(cb, -0.5f), 1); // tie -1 | 0 -> 0
    QCOMPARE(nearestCode(cb, 0.26f), 2);
    QCOMPARE(nearestCode(cb, -0.51f), 0);
    const Codebook sym = makeCodebook({-1, 1});
    QCOMPARE(nearestCode(sym, 0.0f), 1); // tie -1 | +1 -> +1
    const std::vector<float> x = {10, -5, 0.3f, 0.01f, 1.0f, -0.0f, 2.0f, -0.2f};
    const LowbitResult r = quantizeWithCodebook(x.data(), 8, cb);
    QCOMPARE(r.dequantized, (std::vector<float>{3, -1, 0.5f, 0, 0.5f, 0, 3, 0}));
    QCOMPARE(r.saturated, int64_t(2));
    QCOMPARE(r.flushedToZero, int64_t(2)); // 0.01 and -0.2
    QCOMPARE(r.storageBits, int64_t(8 * 2 + 4 * 32));
    QCOMPARE(r.codebook, cb.values);
    QVERIFY_THROWS_EXCEPTION(Error, makeCodebook({}));
    QVERIFY_THROWS_EXCEPTION(Error, makeCodebook({1.0, std::nan("")}));
    QVERIFY_THROWS_EXCEPTION(Error, makeCodebook({1.0, HUGE_VAL}));
    QVERIFY_THROWS_EXCEPTION(Error, makeCodebook({1e300}));
    // Used blockwise: values relative to absmax.
    const Codebook half = makeCodebook({-0.5, 0, 0.5});
    const std::vector<float> y = {4, 1, -4, 3};
    const LowbitResult b = quantizeBlockwiseAbsmax(y.data(), 4, half, 64);
    QCOMPARE(b.dequantized, (std::vector<float>{2, 0, -2, 2}));
    QCOMPARE(b.saturated, int64_t(3)); // |x| / absmax > 0.5
}

void TestLowbit::lloydMaxNeverWorseThanUniform_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("n");
    QTest::addColumn<qint64>("exactLimit");
    QTest::newRow("normal exact") << 0 << 5000 << qint64(1 << 20);
    QTest::newRow("uniform exact") << 1 << 3000 << qint64(1 << 20);
    QTest::newRow("laplace exact") << 2 << 4000 << qint64(1 << 20);
    QTest::newRow("bimodal exact") << 3 << 6000 << qint64(1 << 20);
    QTest::newRow("normal histogram") << 0 << 200000 << qint64(1000);
    QTest::newRow("bimodal histogram") << 3 << 100000 << qint64(1000);
}

void TestLowbit::lloydMaxNeverWorseThanUniform()
{
    QFETCH(int, kind);
    QFETCH(int, n);
    QFETCH(qint64, exactLimit);
    const std::vector<float> x = randomTensor(kind, size_t(n), 1234 + uint64_t(kind));
    LloydMaxOptions opt;
    opt.exactLimit = exactLimit;
    for (int bits = 1; bits <= 6; ++bits) {
        const Codebook cb = lloydMaxCodebook(x.data(), n, bits, opt);
        QVERIFY(cb.values.size() <= size_t(1) << bits);
        QVERIFY(std::is_sorted(cb.values.begin(), cb.values.end()));
        const double mse = codebookMse(x.data(), n, cb);
        const double uni = uniformMinMaxMse(x, bits);
        // The only slack: the code book is stored as float32.
        QVERIFY2(mse <= uni * (1 + 1e-6),
                 qPrintable(QString("bits %1: lloyd %2 uniform %3").arg(bits).arg(mse).arg(uni)));
        if (kind == 0 || kind == 2) // peaked data: much better than a uniform grid
            QVERIFY2(
                mse < 0.6 * uni,
                qPrintable(QString("bits %1: lloyd %2 uniform %3").arg(bits).arg(mse).arg(uni)));
        // The element-wise quantizer agrees with the MSE.
        const LowbitResult r = quantizeWithCodebook(x.data(), n, cb);
        double sum = 0;
        for (int i = 0; i < n; ++i)
            sum += (double(x[size_t(i)]) - r.dequantized[size_t(i)]) *
                   (double(x[size_t(i)]) - r.dequantized[size_t(i)]);
        QCOMPARE(sum / n, mse);
    }
    const LowbitResult lm = quantizeLloydMax(x.data(), n, 4, opt);
    QCOMPARE(lm.format, std::string("lloyd-max-4"));
    QCOMPARE(lm.codebook, lloydMaxCodebook(x.data(), n, 4, opt).values);
    QCOMPARE(lm.storageBits, int64_t(n) * 4 + 16 * 32); // codes + the stored table
    // Deterministic.
    QCOMPARE(lloydMaxCodebook(x.data(), n, 3, opt).values,
             lloydMaxCodebook(x.data(), n, 3, opt).values);
}

void TestLowbit::lloydMaxKnownGaussianLevels()
{
    // Max (1960): the optimal 1-bit quantizer of N(0,1) has levels +-0.7979 (= E|x|), the
    // 2-bit one +-0.4528 and +-1.510.
    const std::vector<float> x = randomTensor(0, 400000, 99);
    const Codebook c1 = lloydMaxCodebook(x.data(), int64_t(x.size()), 1);
    QCOMPARE(c1.values.size(), size_t(2));
    QVERIFY(std::fabs(c1.values[0] + 0.7979) < 0.01);
    QVERIFY(std::fabs(c1.values[1] - 0.7979) < 0.01);
    const Codebook c2 = lloydMaxCodebook(x.data(), int64_t(x.size()), 2);
    QCOMPARE(c2.values.size(), size_t(4));
    QVERIFY(std::fabs(c2.values[0] + 1.510) < 0.02);
    QVERIFY(std::fabs(c2.values[1] + 0.4528) < 0.01);
    QVERIFY(std::fabs(c2.values[2] - 0.4528) < 0.01);
    QVERIFY(std::fabs(c2.values[3] - 1.510) < 0.02);
    QVERIFY(std::fabs(codebookMse(x.data(), int64_t(x.size()), c2) - 0.1175) < 0.003);
    // Max's optimal MSE for 8, 16 and 32 levels: 0.03454, 0.009497, 0.002499.
    const double maxMse[3] = {0.03454, 0.009497, 0.002499};
    for (int bits = 3; bits <= 5; ++bits) {
        const double mse =
            codebookMse(x.data(), int64_t(x.size()), lloydMaxCodebook(x.data(), 400000, bits));
        QVERIFY2(std::fabs(mse / maxMse[bits - 3] - 1) < 0.05,
                 qPrintable(QString("bits %1: %2").arg(bits).arg(mse)));
    }
}

void TestLowbit::lloydMaxErrors()
{
    const std::vector<float> x = {1, 2, 3};
    QVERIFY_THROWS_EXCEPTION(Error, lloydMaxCodebook(x.data(), 3, 0));
    QVERIFY_THROWS_EXCEPTION(Error, lloydMaxCodebook(x.data(), 3, 9));
    QVERIFY_THROWS_EXCEPTION(Error, lloydMaxCodebook(x.data(), 0, 2));
    const std::vector<float> nans(4, std::numeric_limits<float>::quiet_NaN());
    QVERIFY_THROWS_EXCEPTION(Error, lloydMaxCodebook(nans.data(), 4, 2));
    const std::vector<float> constant(10, 2.5f);
    const Codebook c = lloydMaxCodebook(constant.data(), 10, 4);
    QCOMPARE(c.values, (std::vector<float>{2.5f}));
    QCOMPARE_EXACT(codebookMse(constant.data(), 10, c), 0.0);
    // Fewer distinct values than levels: each becomes a level, the error is zero.
    QCOMPARE_EXACT(codebookMse(x.data(), 3, lloydMaxCodebook(x.data(), 3, 3)), 0.0);
}

void TestLowbit::mxfp4ByHand()
{
    // Block 1: amax 5 -> floor(log2 5) = 2, X = 2^(2-2) = 1.
    // 1 -> 1; 0.5 -> 0.5; -0.25 (tie 0|0.5) -> -0; 0.3 -> 0.5; 5 (tie 4|6) -> 4.
    // Block 2: amax 100 -> X = 2^(6-2) = 16: 100/16 = 6.25 -> 6 (clipped); 40/16 = 2.5 -> 2;
    // -7/16 = -0.4375 -> -0.5.
    std::vector<float> x = padTo({1, 0.5f, -0.25f, 0.3f, 5}, 32);
    const std::vector<float> b2 = padTo({100, 40, -7}, 32);
    x.insert(x.end(), b2.begin(), b2.end());
    const LowbitResult r = quantizeMx(x.data(), 64, MxFormat::MXFP4);
    QCOMPARE(r.scales, (std::vector<float>{1.0f, 16.0f}));
    QCOMPARE(r.codes[0], 0b0010);
    QCOMPARE(r.codes[1], 0b0001);
    QCOMPARE(r.codes[2], 0b1000);
    QCOMPARE(r.codes[3], 0b0001);
    QCOMPARE(r.codes[4], 0b0110);
    QCOMPARE_EXACT(r.dequantized[4], 4.0f);
    QVERIFY(std::signbit(r.dequantized[2]));
    QCOMPARE_EXACT(r.dequantized[32], 96.0f);
    QCOMPARE_EXACT(r.dequantized[33], 32.0f);
    QCOMPARE_EXACT(r.dequantized[34], -8.0f);
    QCOMPARE(r.saturated, int64_t(1));
    QCOMPARE(r.flushedToZero, int64_t(1));
    QCOMPARE_EXACT(r.bitsPerElement, 4.25);
    // amax 7 (X = 1): 7, -7 and 6.5 exceed 6 and saturate.
    const std::vector<float> y = padTo({7, -7, 6.5f, 5.5f}, 32);
    const LowbitResult s = quantizeMx(y.data(), 32, MxFormat::MXFP4);
    QCOMPARE_EXACT(s.dequantized[0], 6.0f);
    QCOMPARE_EXACT(s.dequantized[1], -6.0f);
    QCOMPARE_EXACT(s.dequantized[2], 6.0f);
    QCOMPARE_EXACT(s.dequantized[3], 6.0f); // 5.5 -> nearest 6
    QCOMPARE(s.saturated, int64_t(3));
}

void TestLowbit::mxfp8ByHand()
{
    // E4M3: amax 1.9 -> floor(log2) = 0, X = 2^(0-8) = 2^-8. 1.9 * 256 = 486.4 > 448: clipped
    // to 448 * 2^-8 = 1.75. 1 -> 256 = code 0x78. 0.001 -> 0.256 -> 0.25 (spacing 2^-5).
    const std::vector<float> x = padTo({1.9f, 1.0f, 0.001f, -0.5f}, 32);
    LowbitResult r = quantizeMx(x.data(), 32, MxFormat::MXFP8_E4M3);
    QCOMPARE_EXACT(r.scales[0], 0.00390625f);
    QCOMPARE(r.codes[0], 0x7E);
    QCOMPARE_EXACT(r.dequantized[0], 1.75f);
    QCOMPARE(r.codes[1], 0x78);
    QCOMPARE_EXACT(r.dequantized[1], 1.0f);
    QCOMPARE_EXACT(r.dequantized[2], 0.0009765625f);
    QCOMPARE(r.codes[3], 0xF0); // -128 = -1.0 * 2^7
    QCOMPARE(r.saturated, int64_t(1));
    QCOMPARE_EXACT(r.bitsPerElement, 8.25);
    // E5M2: X = 2^(0-15); 1.9 * 32768 = 62259 > 57344: clipped to 1.75. 1 -> 2^15 = 0x78.
    r = quantizeMx(x.data(), 32, MxFormat::MXFP8_E5M2);
    QCOMPARE_EXACT(r.scales[0], float(std::ldexp(1.0, -15)));
    QCOMPARE(r.codes[0], 0x7B);
    QCOMPARE_EXACT(r.dequantized[0], 1.75f);
    QCOMPARE(r.codes[1], 0x78);
    QCOMPARE_EXACT(r.dequantized[2], 0.0009765625f); // 32.768 -> 32 (spacing 8)
    QCOMPARE(r.saturated, int64_t(1));
}

void TestLowbit::mxint8ByHand()
{
    // amax 1.5 -> X = 1; q = round_half_even(x * 64).
    const std::vector<float> x =
        padTo({1.5f, -1.5f, 0.01f, 0.0078125f, 0.0234375f, -0.0234375f}, 32);
    LowbitResult r = quantizeMx(x.data(), 32, MxFormat::MXINT8);
    QCOMPARE_EXACT(r.scales[0], 1.0f);
    QCOMPARE(r.codes[0], 96);
    QCOMPARE(r.codes[1], -96);
    QCOMPARE(r.codes[2], 1);  // 0.64
    QCOMPARE(r.codes[3], 0);  // 0.5 -> 0
    QCOMPARE(r.codes[4], 2);  // 1.5 -> 2
    QCOMPARE(r.codes[5], -2); // -1.5 -> -2
    QCOMPARE_EXACT(r.dequantized[2], 0.015625f);
    QCOMPARE(r.flushedToZero, int64_t(1));
    // Two's complement: -2 is representable, +2 is not.
    const std::vector<float> y = padTo({1.99f, -1.995f, -1.99f}, 32);
    r = quantizeMx(y.data(), 32, MxFormat::MXINT8);
    QCOMPARE(r.codes[0], 127);
    QCOMPARE_EXACT(r.dequantized[0], 1.984375f);
    QCOMPARE(r.codes[1], -128);
    QCOMPARE_EXACT(r.dequantized[1], -2.0f);
    QCOMPARE(r.codes[2], -127);
    QCOMPARE(r.saturated, int64_t(1)); // only 1.99 > 127/64
}

void TestLowbit::mxScalesAndBlocks()
{
    QCOMPARE_EXACT(mxSharedExponent(MxFormat::MXFP8_E4M3, 1.0), -8);
    QCOMPARE_EXACT(mxSharedExponent(MxFormat::MXFP8_E5M2, 3.0), -14);
    QCOMPARE_EXACT(mxSharedExponent(MxFormat::MXFP4, 6.0), 0);
    QCOMPARE_EXACT(mxSharedExponent(MxFormat::MXINT8, 0.75), -1);
    QCOMPARE_EXACT(mxSharedExponent(MxFormat::MXFP4, 0.0), -127);
    QCOMPARE_EXACT(mxSharedExponent(MxFormat::MXFP8_E4M3, std::ldexp(1.0, -140)), -127); // clamped
    QCOMPARE_EXACT(mxSharedExponent(MxFormat::MXINT8, 3e38), 127);
    // A zero block gets 2^-127 and zero codes; rows of 40 give a short second block.
    std::vector<float> x(80, 0.0f);
    x[40] = 3.0f;  // row 1, block 0
    x[79] = -0.5f; // row 1, block 1 (8 elements)
    const LowbitResult r = quantizeMx(x.data(), 80, MxFormat::MXFP4, 40);
    QCOMPARE(r.numBlocks(), int64_t(4));
    QCOMPARE_EXACT(r.scales[0], float(std::ldexp(1.0, -127)));
    QCOMPARE_EXACT(r.scales[2], 0.5f);   // floor(log2 3) - 2 = -1
    QCOMPARE_EXACT(r.scales[3], 0.125f); // floor(log2 0.5) - 2 = -3
    QCOMPARE_EXACT(r.dequantized[40], 3.0f);
    QCOMPARE_EXACT(r.dequantized[79], -0.5f);
    QCOMPARE(r.storageBits, int64_t(80 * 4 + 4 * 8));
    for (int i = 0; i < 40; ++i)
        QCOMPARE(r.codes[size_t(i)], 0);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> y = padTo({nan, 2.0f}, 32);
    const LowbitResult s = quantizeMx(y.data(), 32, MxFormat::MXFP8_E4M3);
    QCOMPARE(s.nonfinite, int64_t(1));
    QVERIFY(std::isnan(s.dequantized[0]));
    QCOMPARE_EXACT(s.dequantized[1], 2.0f);
    QVERIFY_THROWS_EXCEPTION(Error, quantizeMx(y.data(), 32, MxFormat::MXFP4, 20));
    QCOMPARE(mxFormatFromName("mxfp4"), MxFormat::MXFP4);
    QVERIFY_THROWS_EXCEPTION(Error, mxFormatFromName("MXFP6"));
}

void TestLowbit::bitsPerElement()
{
    std::vector<float> x = randomTensor(0, 4096, 7);
    QCOMPARE(quantizeGgml(x.data(), 4096, GgmlType::Q8_0).bitsPerElement, 8.5);
    QCOMPARE(quantizeGgml(x.data(), 4096, GgmlType::Q4_0).bitsPerElement, 4.5);
    QCOMPARE(quantizeGgml(x.data(), 4096, GgmlType::Q4_1).bitsPerElement, 5.0);
    QCOMPARE(quantizeMx(x.data(), 4096, MxFormat::MXFP4).bitsPerElement, 4.25);
    QCOMPARE(quantizeMx(x.data(), 4096, MxFormat::MXFP8_E4M3).bitsPerElement, 8.25);
    QCOMPARE(quantizeMx(x.data(), 4096, MxFormat::MXFP8_E5M2).bitsPerElement, 8.25);
    QCOMPARE(quantizeMx(x.data(), 4096, MxFormat::MXINT8).bitsPerElement, 8.25);
    QCOMPARE(quantizeBlockwiseAbsmax(x.data(), 4096, nf4Codebook()).bitsPerElement, 4.5);
    QCOMPARE(quantizeBlockwiseAbsmax(x.data(), 4096, bnbFp4Codebook()).bitsPerElement, 4.5);
    QCOMPARE(quantizeAbsmaxInt8Blockwise(x.data(), 4096).bitsPerElement, 8.0078125);
}

void TestLowbit::metricsOfAResult()
{
    // MXFP4 block with X = 1: 7 -> 6, -7 -> -6, 6.5 -> 6, 5.5 -> 6, 28 zeros.
    const std::vector<float> y = padTo({7, -7, 6.5f, 5.5f}, 32);
    const LowbitResult r = quantizeMx(y.data(), 32, MxFormat::MXFP4);
    QCOMPARE(r.saturated, int64_t(3));
    QCOMPARE(r.saturatedNegative, int64_t(1));
    QCOMPARE(r.codeLevels, int64_t(16));
    const Metrics m = lowbitMetrics(y.data(), r);
    QCOMPARE(m.count, int64_t(32));
    QCOMPARE(m.clippedLowCount, int64_t(1));
    QCOMPARE(m.clippedHighCount, int64_t(2));
    QCOMPARE_EXACT(m.mse, 2.5 / 32);
    QCOMPARE_EXACT(m.maxAbsError, 1.0);
    QCOMPARE(m.levelsUsed, int64_t(3)); // +6, -6, 0
    QCOMPARE(m.levelsTotal, int64_t(16));
    QCOMPARE(m.originalBytes, int64_t(128));
    QCOMPARE(m.quantizedBytes, int64_t(17)); // 32 * 4 + 8 bits
    QCOMPARE_EXACT(m.bitsPerElement, 4.25);
    // Code levels of the other formats; a negative value clipped by Q4_0.
    const std::vector<float> z = padTo({3, -3, 1}, 32);
    const LowbitResult q = quantizeGgml(z.data(), 32, GgmlType::Q4_0);
    QCOMPARE(q.saturatedNegative, int64_t(1));
    QCOMPARE(q.codeLevels, int64_t(16));
    QCOMPARE(quantizeGgml(z.data(), 32, GgmlType::Q8_0).codeLevels, int64_t(255));
    QCOMPARE(quantizeBlockwiseAbsmax(z.data(), 32, nf4Codebook()).codeLevels, int64_t(16));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeGgml(nullptr, 32, GgmlType::Q8_0));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeMx(nullptr, 32, MxFormat::MXFP4));
    QVERIFY_THROWS_EXCEPTION(Error, quantizeWithCodebook(nullptr, 3, nf4Codebook()));
}

// bitsandbytes' blockwise 8-bit default: absmax 2, x * 0.5 coded with the dynamic map.
// 0.5 -> 0.50078125 (index 191 + 28: the 29th midpoint of linspace(0.1, 1, 65)); 0.0005 ->
// 0.00049375 (index 138: 1e-3 * the 4th midpoint of linspace(0.1, 1, 9)); -1 lies below the
// table's most negative value -0.99296875 (index 0): saturated; -1 * 0.5 -> index 254 - 219.
void TestLowbit::dynamic8Blockwise()
{
    const std::vector<float>& m = bnbDynamicMap();
    const std::vector<float> x{2.0f, 1.0f, -2.0f, 0.0f, 0.001f, -1.0f};
    const LowbitResult r = quantizeBlockwiseAbsmax(x.data(), 6, bnbDynamicCodebook(), 4096);
    QCOMPARE(std::vector<int32_t>(r.codes.begin(), r.codes.end()),
             (std::vector<int32_t>{255, 219, 0, 127, 138, 35}));
    QCOMPARE_EXACT(m[219], 0.500781238f); // torch 1.13 table entry
    QCOMPARE_EXACT(m[138], 0.000493750034f);
    QCOMPARE_EXACT(m[35], -m[219]); // -0.5: the mirror entry
    QCOMPARE_EXACT(r.scales[0], 2.0f);
    for (size_t i = 0; i < x.size(); ++i)
        QCOMPARE_EXACT(r.dequantized[i], m[size_t(r.codes[i])] * 2.0f);
    QCOMPARE(r.saturated, int64_t(1)); // -2 -> -1.9859375
    QCOMPARE(r.saturatedNegative, int64_t(1));
    QCOMPARE(r.codeLevels, int64_t(256));
    QCOMPARE(r.storageBits, int64_t(6 * 8 + 32));
    // A zero block: 0 * (1/0) = NaN ends the search at index 0, x^ = -0.99296875 * 0 = -0.
    const std::vector<float> z(5, 0.0f);
    const LowbitResult rz = quantizeBlockwiseAbsmax(z.data(), 5, bnbDynamicCodebook(), 4096);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(rz.codes[size_t(i)], 0);
        QCOMPARE_EXACT(rz.dequantized[size_t(i)], 0.0f);
    }
    // Through quantize(): scheme dynamic8, blocks of groupSize.
    QuantConfig c;
    c.scheme = Scheme::Dynamic8;
    c.groupSize = 4;
    const Tensor t("x", {6}, x);
    const QuantResult q = quantize(t, c);
    QCOMPARE(q.params.numSlices(), int64_t(2));
    QCOMPARE_EXACT(q.params.scale[0], 2.0);
    QCOMPARE_EXACT(q.params.scale[1], 1.0); // absmax of {0.001, -1}
    QCOMPARE(q.params.codeValues.size(), size_t(256));
}

// Every low-bit scheme throws qs::Cancelled for a token that has already fired, both through
// quantizeLowbit and through its format function.
void TestLowbit::preCancelledTokenThrows_data()
{
    QTest::addColumn<int>("scheme");
    for (Scheme s : {Scheme::E4M3, Scheme::E5M2, Scheme::E2M1, Scheme::MXFP8_E4M3,
                     Scheme::MXFP8_E5M2, Scheme::MXFP4, Scheme::MXINT8, Scheme::NF4, Scheme::FP4,
                     Scheme::Codebook, Scheme::LloydMax, Scheme::Q8_0, Scheme::Q4_0, Scheme::Q4_1,
                     Scheme::AbsmaxInt8, Scheme::Dynamic8})
        QTest::newRow(toName(s).c_str()) << int(s);
}

void TestLowbit::preCancelledTokenThrows()
{
    QFETCH(int, scheme);
    const Scheme s = Scheme(scheme);
    std::vector<float> v(4096);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(std::sin(double(i)) * 3.0);
    const Tensor t("x", {64, 64}, v);
    QuantConfig c;
    c.scheme = s;
    c.bits = 3;
    c.codebook = {-1, 0, 1};
    c.granularity = Granularity::PerGroup;
    CancelToken token;
    token.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, quantizeLowbit(t, c, &token));
    const float* x = v.data();
    const int64_t n = int64_t(v.size());
    switch (s) {
    case Scheme::E4M3:
    case Scheme::E5M2:
    case Scheme::E2M1:
        QVERIFY_THROWS_EXCEPTION(Cancelled, quantizeMiniFloat(x, n, MiniFloat::E4M3, true, &token));
        break;
    case Scheme::MXFP8_E4M3:
    case Scheme::MXFP8_E5M2:
    case Scheme::MXFP4:
    case Scheme::MXINT8:
        QVERIFY_THROWS_EXCEPTION(Cancelled, quantizeMx(x, n, MxFormat::MXFP4, 64, 32, &token));
        break;
    case Scheme::Q8_0:
    case Scheme::Q4_0:
    case Scheme::Q4_1:
        QVERIFY_THROWS_EXCEPTION(Cancelled, quantizeGgml(x, n, GgmlType::Q4_1, 64, &token));
        break;
    case Scheme::NF4:
    case Scheme::FP4:
    case Scheme::Dynamic8:
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 quantizeBlockwiseAbsmax(x, n, nf4Codebook(), 64, &token));
        break;
    case Scheme::Codebook:
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 quantizeWithCodebook(x, n, makeCodebook({-1, 0, 1}), &token));
        break;
    case Scheme::LloydMax:
        QVERIFY_THROWS_EXCEPTION(Cancelled, lloydMaxCodebook(x, n, 3, {}, &token));
        QVERIFY_THROWS_EXCEPTION(Cancelled, quantizeLloydMax(x, n, 3, {}, &token));
        break;
    case Scheme::AbsmaxInt8:
        QVERIFY_THROWS_EXCEPTION(Cancelled, quantizeAbsmaxInt8Blockwise(x, n, 64, &token));
        break;
    default:
        QFAIL("not a low-bit scheme");
    }
    // The same calls without a fired token work.
    CancelToken idle;
    QCOMPARE(quantizeLowbit(t, c, &idle).numel(), n);
}

// Lloyd-Max on 2M values takes far longer than 30 ms; a token fired after 30 ms from another
// thread stops it with qs::Cancelled.
void TestLowbit::lloydMaxCancelledWhileRunning()
{
    std::mt19937 gen(5);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> v(size_t(1) << 21);
    for (float& x : v)
        x = nd(gen);
    CancelToken token;
    std::thread canceller([&token] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        token.cancel();
    });
    bool cancelled = false;
    try {
        quantizeLloydMax(v.data(), int64_t(v.size()), 8, {}, &token);
    } catch (const Cancelled&) {
        cancelled = true;
    }
    canceller.join();
    QVERIFY(cancelled);
}

QTEST_APPLESS_MAIN(TestLowbit)
#include "tst_lowbit.moc"
