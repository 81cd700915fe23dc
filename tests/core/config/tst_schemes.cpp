// Scheme and preset names, every preset on a random tensor, and the low-bit schemes through
// quantize(): the same codes as the standalone format functions, the storage accounting,
// Lloyd-Max against the uniform min-max grid, block metrics, non-finite input and invalid
// options.
#include "core/base/error.h"
#include "core/base/name_table.h"
#include "core/config/presets.h"
#include "core/formats/codebook.h"
#include "core/formats/ggml.h"
#include "core/formats/minifloat.h"
#include "core/formats/mx.h"
#include "core/formats/nvfp4.h"
#include "core/quant/lowbit_quantize.h"
#include "core/quant/quantize.h"
#include "core/range/calibrators.h"
#include "core/report/report.h"

#include "tests/support/random_tensor.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace qs;
using test::randomTensor;

namespace {

const Scheme kLowbit[] = {Scheme::E4M3,       Scheme::E5M2,       Scheme::E4M3FNUZ,
                          Scheme::E5M2FNUZ,   Scheme::E2M1,       Scheme::MXFP8_E4M3,
                          Scheme::MXFP8_E5M2, Scheme::MXFP6_E2M3, Scheme::MXFP6_E3M2,
                          Scheme::MXFP4,      Scheme::MXINT8,     Scheme::NVFP4,
                          Scheme::NF4,        Scheme::FP4,        Scheme::Codebook,
                          Scheme::LloydMax,   Scheme::Q8_0,       Scheme::Q4_0,
                          Scheme::Q4_1,       Scheme::AbsmaxInt8, Scheme::Dynamic8};

// The GGML types with searched scales: rows of whole (super-)blocks only.
const Scheme kSearched[] = {Scheme::Q5_0, Scheme::Q5_1, Scheme::Q2_K,   Scheme::Q3_K,  Scheme::Q4_K,
                            Scheme::Q5_K, Scheme::Q6_K, Scheme::IQ4_NL, Scheme::IQ4_XS};

// The format's own function for scheme s on rows of 80 (config c: 3 bits, blocks of 64, the
// code book of sameCodesAsStandalone); an empty result for a scheme that is not low-bit.
LowbitResult standalone(Scheme s, const float* x, int64_t n, const QuantConfig& c)
{
    std::string name = toName(s);
    std::replace(name.begin(), name.end(), '-', '_'); // "mxfp6-e2m3": MxFormat::MXFP6_E2M3
    if (isMxScheme(s))
        return quantizeMx(x, n, mxFormatFromName(name), 80);
    if (s >= Scheme::E4M3 && s <= Scheme::E2M1) // the element-wise floats
        return quantizeMiniFloat(x, n, miniFloatFromName(name));
    switch (s) {
    case Scheme::NVFP4:
        return quantizeNvfp4(x, n, 80);
    case Scheme::NF4:
        return quantizeBlockwiseAbsmax(x, n, nf4Codebook(), 64);
    case Scheme::FP4:
        return quantizeBlockwiseAbsmax(x, n, bnbFp4Codebook(), 64);
    case Scheme::Codebook:
        return quantizeBlockwiseAbsmax(x, n, makeCodebook(c.codebook), 64);
    case Scheme::LloydMax:
        return quantizeLloydMax(x, n, 3);
    case Scheme::Q8_0:
        return quantizeGgml(x, n, GgmlType::Q8_0, 80);
    case Scheme::Q4_0:
        return quantizeGgml(x, n, GgmlType::Q4_0, 80);
    case Scheme::Q4_1:
        return quantizeGgml(x, n, GgmlType::Q4_1, 80);
    case Scheme::AbsmaxInt8:
        return quantizeAbsmaxInt8Blockwise(x, n, 64);
    case Scheme::Dynamic8:
        return quantizeBlockwiseAbsmax(x, n, bnbDynamicCodebook(), 64);
    default:
        return LowbitResult(); // not a low-bit scheme
    }
}

} // namespace

class TestSchemes : public QObject {
    Q_OBJECT
private slots:
    void schemeNames();
    void presetNames();
    void everyPresetQuantizes();
    void sameCodesAsStandalone_data();
    void sameCodesAsStandalone();
    void searchedSameAsStandalone();
    void bitsPerElement();
    void lloydMaxBeatsUniform();
    void gridsAndRanges();
    void blockMetricsAddUp();
    void nonFiniteInput();
    void invalidOptions();
};

void TestSchemes::schemeNames()
{
    const std::vector<std::string> expected = {
        "asymmetric", "symmetric", "fp16",        "bf16",       "e4m3",       "e5m2",
        "e4m3fnuz",   "e5m2fnuz",  "e2m1",        "mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e2m3",
        "mxfp6-e3m2", "mxfp4",     "mxint8",      "nvfp4",      "nf4",        "fp4",
        "codebook",   "lloyd-max", "q8_0",        "q4_0",       "q4_1",       "q5_0",
        "q5_1",       "q2_k",      "q3_k",        "q4_k",       "q5_k",       "q6_k",
        "iq4_nl",     "iq4_xs",    "absmax-int8", "dynamic8"};
    QCOMPARE(qs::schemeNames(), expected);
    for (const std::string& n : expected)
        QCOMPARE(toName(schemeFromName(n)), n);
    std::vector<Scheme> lowbit(std::begin(kLowbit), std::end(kLowbit));
    lowbit.insert(lowbit.end(), std::begin(kSearched), std::end(kSearched));
    for (Scheme s : lowbit) {
        QuantConfig c;
        c.scheme = s;
        QVERIFY(c.isLowbit());
        QVERIFY(!c.isInteger());
        QVERIFY(!c.isFloat16());
    }
    QVERIFY_THROWS_EXCEPTION(Error, schemeFromName("q7_k"));
    QCOMPARE(schemeFromName("Q4_K"), Scheme::Q4_K); // names are case-insensitive
    QCOMPARE(schemeFromName("IQ4_xs"), Scheme::IQ4_XS);
}

void TestSchemes::presetNames()
{
    const std::vector<std::string> names = qs::presetNames();
    QVERIFY(names.size() >= 30);
    for (size_t i = 0; i < names.size(); ++i)
        for (size_t j = i + 1; j < names.size(); ++j)
            QVERIFY(names[i] != names[j]);
    for (const char* n : {"pytorch-quint8-affine",
                          "pytorch-qint8-symmetric",
                          "pytorch-per-channel-symmetric",
                          "pytorch-reduce-range",
                          "ort-uint8-asymmetric",
                          "ort-int8-symmetric",
                          "ort-percentile",
                          "ort-entropy",
                          "trt-max",
                          "trt-max-narrow",
                          "trt-percentile",
                          "trt-entropy",
                          "trt-mse",
                          "ggml-q8_0",
                          "ggml-q4_0",
                          "ggml-q4_1",
                          "ggml-q5_0",
                          "ggml-q5_1",
                          "ggml-q2_k",
                          "ggml-q3_k",
                          "ggml-q4_k",
                          "ggml-q5_k",
                          "ggml-q6_k",
                          "ggml-iq4_nl",
                          "ggml-iq4_xs",
                          "bnb-nf4",
                          "bnb-dynamic8",
                          "absmax-int8-blockwise",
                          "notebook-truncation",
                          "notebook-asymmetric",
                          "notebook-symmetric",
                          "notebook-percentile",
                          "notebook-float32-truncation",
                          "notebook-signed-affine",
                          "notebook-scale"})
        QCOMPARE(presetByName(n).name, std::string(n));
    try {
        presetByName("tensorflow-lite");
        QFAIL("no error for an unknown preset");
    } catch (const Error& e) {
        const std::string m = e.what();
        QVERIFY(m.find("tensorflow-lite") != std::string::npos);
        QVERIFY(m.find("ggml-q4_1") != std::string::npos);    // lists the valid names
        QVERIFY(m.find("did you mean") == std::string::npos); // no name is that close
    }
    // A typo gets the name it most likely meant (the fewest edits, at most a third of its length).
    const auto errorOf = [](auto f) {
        try {
            f();
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    QVERIFY2(errorOf([] {
                 presetByName("ggml-q4k");
             }).find("unknown preset 'ggml-q4k'; did you mean 'ggml-q4_k'? (valid: ") == 0,
             errorOf([] { presetByName("ggml-q4k"); }).c_str());
    QVERIFY(errorOf([] {
                rangeMethodFromName("minmx");
            }).find("unknown range method 'minmx'; did you mean 'minmax'? (valid: ") == 0);
    QVERIFY(errorOf([] { rangeMethodFromName("x"); }).find("did you mean") == std::string::npos);
    QCOMPARE(editDistance("q4k", "Q4_K"), size_t(1)); // letters compared ignoring case
    QCOMPARE(editDistance("", "abc"), size_t(3));
    QCOMPARE(editDistance("kitten", "sitting"), size_t(3));
    QCOMPARE(didYouMean("mse", {"entropy", "mse2", "msx"}), std::string("; did you mean 'mse2'?"));
    QCOMPARE(didYouMean("percentle", {"minmax", "percentile"}),
             std::string("; did you mean 'percentile'?"));
    QCOMPARE(didYouMean("abc", {"xyz"}), std::string());
    QCOMPARE(presetByName("bnb-nf4").config.groupSize, int64_t(64));
    QCOMPARE(presetByName("absmax-int8-blockwise").config.groupSize, int64_t(4096));
    QCOMPARE(presetByName("bnb-dynamic8").config.groupSize, int64_t(4096));
    QCOMPARE(presetByName("bnb-dynamic8").config.scheme, Scheme::Dynamic8);
    QCOMPARE(presetByName("pytorch-reduce-range").config.bits, 7);
    for (const Preset& p : presets())
        QCOMPARE(p.config.preset, p.name);
    // The JSON report names the preset and the low-bit parameters.
    const Tensor t("w", {2, 32}, std::vector<float>(64, 0.25f));
    const std::string j = reportJson(t, quantize(t, presetByName("ggml-q4_1").config));
    QVERIFY(j.find("\"preset\": \"ggml-q4_1\"") != std::string::npos);
    QVERIFY(j.find("\"scheme\": \"q4_1\"") != std::string::npos);
    QVERIFY(j.find("\"offset\"") != std::string::npos);
    QVERIFY(j.find("\"num_slices\": 2") != std::string::npos);
}

// Every preset validates, and quantize() gives codes in range whose decoding through the
// parameters is the dequantized value, on a tensor with an outlier.
void TestSchemes::everyPresetQuantizes()
{
    const Tensor t = randomTensor({4, 256}, 7, 9.0);
    for (const Preset& p : presets()) {
        const std::string what = p.name;
        QVERIFY2(!p.description.empty() && !p.system.empty(), what.c_str());
        p.config.validate();
        QVERIFY2(!p.config.summary().empty(), what.c_str());
        const QuantResult r = quantize(t, p.config);
        QCOMPARE(int64_t(r.codes.size()), t.numel());
        QCOMPARE(r.metrics.count, t.numel());
        // Clipping calibrators cut the outlier 9.0 (at most ~25 / 384 of squared error).
        QVERIFY2(r.metrics.mse > 0 && r.metrics.mse < 0.5, what.c_str());
        QCOMPARE(int64_t(r.sliceMetrics.size()), r.params.numSlices());
        for (int64_t i = 0; i < t.numel(); ++i) {
            const int64_t s = r.params.layout.sliceOf(i);
            QVERIFY2(r.codes[size_t(i)] >= r.params.qmin && r.codes[size_t(i)] <= r.params.qmax,
                     what.c_str());
            const double d = dequantizeCode(r.params, s, r.codes[size_t(i)]);
            QVERIFY2(float(d) == r.dequantized[size_t(i)],
                     qPrintable(QString("%1 element %2: %3 vs %4")
                                    .arg(what.c_str())
                                    .arg(i)
                                    .arg(d, 0, 'g', 9)
                                    .arg(r.dequantized[size_t(i)], 0, 'g', 9)));
        }
    }
}

// T1: x = [-1, 0, 0.5, 2], MinMaxObserver quint8: scale 3/255, zp 85, 0.5 * 85 = 42.5 -> 42.

void TestSchemes::sameCodesAsStandalone_data()
{
    QTest::addColumn<int>("scheme");
    for (Scheme s : kLowbit)
        QTest::newRow(toName(s).c_str()) << int(s);
}

// quantize() gives exactly the codes and values of the format's own function (rows of 80: MX
// and GGML end every row with a block of 16).
void TestSchemes::sameCodesAsStandalone()
{
    QFETCH(int, scheme);
    const Scheme s = Scheme(scheme);
    const Tensor t = randomTensor({3, 80}, 11, -40.0);
    const float* x = t.data.data();
    const int64_t n = t.numel();
    QuantConfig c;
    c.scheme = s;
    c.bits = 3;
    c.groupSize = 64;
    c.codebook = {-1, -0.25, 0, 0.5, 1};
    c.granularity = Granularity::PerGroup;
    const LowbitResult ref = standalone(s, x, n, c);
    if (ref.format.empty())
        QFAIL("not a low-bit scheme");
    const QuantResult r = quantize(t, c);
    QCOMPARE(r.codes, ref.codes);
    QCOMPARE(r.dequantized.size(), ref.dequantized.size());
    for (size_t i = 0; i < ref.dequantized.size(); ++i)
        QVERIFY2(r.dequantized[i] == ref.dequantized[i], qPrintable(QString::number(i)));
    QCOMPARE(r.params.numSlices(), std::max<int64_t>(1, ref.numBlocks()));
    if (ref.blockSize > 0)
        for (int64_t i = 0; i < n; ++i)
            QCOMPARE(r.params.layout.sliceOf(i), ref.blockOf(i));
    QCOMPARE(r.metrics.bitsPerElement, ref.bitsPerElement);
    QCOMPARE(r.metrics.levelsTotal, ref.codeLevels);
    QCOMPARE(r.metrics.clippedLowCount + r.metrics.clippedHighCount, ref.saturated);
    // The whole-tensor metrics (summed from the blocks) equal the format's lowbitMetrics.
    const Metrics lm = lowbitMetrics(x, ref);
    QCOMPARE(r.metrics.count, lm.count);
    QCOMPARE(r.metrics.levelsUsed, lm.levelsUsed);
    QVERIFY(std::fabs(r.metrics.mse / lm.mse - 1) < 1e-12);
    QVERIFY(std::fabs(r.metrics.mae / lm.mae - 1) < 1e-12);
    QCOMPARE_EXACT(r.metrics.maxAbsError, lm.maxAbsError);
    QVERIFY(std::fabs(r.metrics.sqnrDb - lm.sqnrDb) < 1e-9);
    QCOMPARE(r.metrics.quantizedBytes, lm.quantizedBytes);
    QCOMPARE(r.metrics.clippedHighCount, lm.clippedHighCount);
}

// The searched GGML types through quantize(): the codes and values of quantizeGgml on rows of
// 512 (the last axis), slices = the sub-blocks that carry a scale; rows of 80 are refused with
// llama.cpp's fallback named.
void TestSchemes::searchedSameAsStandalone()
{
    const Tensor t = randomTensor({3, 512}, 13, -25.0);
    const Tensor odd = randomTensor({3, 80}, 13);
    for (Scheme s : kSearched) {
        QuantConfig c;
        c.scheme = s;
        const LowbitResult ref =
            quantizeGgml(t.data.data(), t.numel(), ggmlTypeFromName(toName(s)), 512);
        const QuantResult r = quantize(t, c);
        QCOMPARE(r.codes, ref.codes);
        for (size_t i = 0; i < ref.dequantized.size(); ++i)
            QCOMPARE_EXACT(r.dequantized[i], ref.dequantized[i]);
        QCOMPARE(r.params.numSlices(), ref.numBlocks());
        QCOMPARE(r.params.numSlices(), t.numel() / c.blockSize());
        QCOMPARE(r.metrics.bitsPerElement, ref.bitsPerElement);
        QCOMPARE(r.metrics.levelsTotal, ref.codeLevels);
        c.validate();
        try {
            quantize(odd, c);
            QFAIL("rows of 80 accepted");
        } catch (const Error& e) {
            const std::string m = e.what();
            QVERIFY2(m.find("llama.cpp stores such tensors as") != std::string::npos, e.what());
        }
    }
}

void TestSchemes::bitsPerElement()
{
    const Tensor t = randomTensor({4, 256}, 5);
    const std::pair<const char*, double> expected[] = {
        {"ggml-q8_0", 8.5},
        {"ggml-q4_0", 4.5},
        {"ggml-q4_1", 5.0},
        {"ggml-q5_0", 5.5},
        {"ggml-q5_1", 6.0},
        {"ggml-q2_k", 2.625},
        {"ggml-q3_k", 3.4375},
        {"ggml-q4_k", 4.5},
        {"ggml-q5_k", 5.5},
        {"ggml-q6_k", 6.5625},
        {"ggml-iq4_nl", 4.5},
        {"ggml-iq4_xs", 4.25},
        {"ocp-mxfp4", 4.25},
        {"ocp-mxfp8-e4m3", 8.25},
        {"ocp-mxfp6-e2m3", 6.25},
        {"ocp-mxfp6-e3m2", 6.25},
        {"modelopt-nvfp4", 4.5 + 32.0 / 1024.0},
        {"amd-mi300-e4m3fnuz", 8.0},
        {"bnb-nf4", 4.5},
        {"ocp-e4m3", 8.0},
        {"ocp-e5m2", 8.0},
        {"absmax-int8-blockwise", 8.0 + 32.0 / 1024.0}};
    for (const auto& [name, bpe] : expected) {
        const QuantResult r = quantize(t, presetByName(name).config);
        QVERIFY2(r.metrics.bitsPerElement == bpe,
                 qPrintable(QString("%1: %2").arg(name).arg(r.metrics.bitsPerElement)));
        QCOMPARE(r.metrics.quantizedBits, bpe * 1024.0);
    }
}

// The Lloyd-Max code book through quantize() never has a larger MSE than the uniform min-max
// integer grid of the same bits (asymmetric, range not widened to 0).
void TestSchemes::lloydMaxBeatsUniform()
{
    const Tensor shapes[] = {randomTensor({4096}, 1), randomTensor({2000}, 2, 12.0)};
    for (const Tensor& t : shapes) {
        for (int bits = 1; bits <= 6; ++bits) {
            QuantConfig u;
            u.bits = bits;
            u.includeZero = false;
            QuantConfig l;
            l.scheme = Scheme::LloydMax;
            l.bits = bits;
            const double mu = quantize(t, u).metrics.mse;
            const QuantResult lm = quantize(t, l);
            QVERIFY2(lm.metrics.mse <= mu,
                     qPrintable(QString("bits %1: %2 > %3").arg(bits).arg(lm.metrics.mse).arg(mu)));
            QCOMPARE(lm.params.qmax, int64_t(1 << bits) - 1);
        }
    }
}

// quantizationGrid: every representable value of the element formats (without NaN / inf, one
// zero), and per block for block formats.
void TestSchemes::gridsAndRanges()
{
    const Tensor t = randomTensor({2, 32}, 9);
    QuantConfig c;
    const std::pair<Scheme, size_t> sizes[] = {
        {Scheme::E4M3, 253}, {Scheme::E5M2, 247}, {Scheme::E2M1, 15}, {Scheme::NF4, 16}};
    for (const auto& [s, size] : sizes) {
        c.scheme = s;
        const QuantResult r = quantize(t, c);
        const std::vector<double> g = quantizationGrid(r.params, 0);
        QCOMPARE(g.size(), size);
        QVERIFY(std::is_sorted(g.begin(), g.end()));
        QCOMPARE_EXACT(g.front(), r.params.rangeMin[0]);
        QCOMPARE_EXACT(g.back(), r.params.rangeMax[0]);
    }
    c.scheme = Scheme::E4M3;
    QCOMPARE_EXACT(quantize(t, c).params.rangeMax[0], 448.0);
    c.scheme = Scheme::MXFP4;
    const QuantResult mx = quantize(t, c);
    QCOMPARE(mx.params.numSlices(), int64_t(2));
    for (int64_t b = 0; b < 2; ++b) {
        const double x = mx.params.scale[size_t(b)];
        QCOMPARE(std::exp2(std::round(std::log2(x))), x); // a power of two
        const std::vector<double> g = quantizationGrid(mx.params, b);
        QCOMPARE(g.size(), size_t(15));
        QCOMPARE_EXACT(g.back(), 6.0 * x);
        // The block's values lie on its grid.
        for (int64_t i = b * 32; i < b * 32 + 32; ++i)
            QVERIFY(std::binary_search(g.begin(), g.end(), double(mx.dequantized[size_t(i)])));
    }
    QVERIFY_THROWS_EXCEPTION(Error, dequantizeCode(mx.params, 0, 16));
}

void TestSchemes::blockMetricsAddUp()
{
    const Tensor t = randomTensor({6, 100}, 4);
    for (const char* name : {"ggml-q4_1", "ocp-mxfp4", "bnb-nf4"}) {
        const QuantResult r = quantize(t, presetByName(name).config);
        int64_t count = 0;
        double err = 0;
        for (const Metrics& m : r.sliceMetrics) {
            count += m.count;
            err += m.errorPower;
            QVERIFY(m.levelsUsed >= 1 && m.levelsUsed <= m.levelsTotal);
        }
        QCOMPARE(count, t.numel());
        QVERIFY(std::fabs(err / r.metrics.errorPower - 1) < 1e-12);
        for (int64_t s = 0; s < r.params.numSlices(); ++s)
            QVERIFY(r.params.dataMin[size_t(s)] >= r.params.rangeMin[size_t(s)] - 1e-6 ||
                    r.sliceMetrics[size_t(s)].clippedLowCount > 0);
    }
    // GGML rows of 100: 4 blocks per row (the last of 4 elements).
    const QuantResult q = quantize(t, presetByName("ggml-q8_0").config);
    QCOMPARE(q.params.numSlices(), int64_t(24));
    QCOMPARE(q.params.layout.sliceSize(3), int64_t(4));
    QCOMPARE(q.params.layout.sliceOf(100), int64_t(4));
}

void TestSchemes::nonFiniteInput()
{
    std::vector<float> v(64, 0.5f);
    v[3] = std::numeric_limits<float>::quiet_NaN();
    v[40] = std::numeric_limits<float>::infinity();
    v[41] = 1e6f;
    for (Scheme s : kLowbit) {
        QuantConfig c;
        c.scheme = s;
        c.codebook = {0, 0.5, 1};
        const QuantResult r = quantize(Tensor("n", {64}, v), c);
        QCOMPARE(r.metrics.nonfinite, int64_t(2));
        QCOMPARE(r.metrics.count, int64_t(62));
        QVERIFY(std::isnan(r.dequantized[3]));
        QVERIFY(std::isinf(r.dequantized[40]));
        QVERIFY(!r.warnings.empty());
    }
    QuantConfig c; // E4M3 saturates 1e6 to 448 and says so
    c.scheme = Scheme::E4M3;
    const QuantResult r = quantize(Tensor("n", {64}, v), c);
    QCOMPARE_EXACT(r.dequantized[41], 448.0f);
    QCOMPARE(r.metrics.clippedHighCount, int64_t(1));
}

void TestSchemes::invalidOptions()
{
    const Tensor t = randomTensor({8}, 1);
    QuantConfig c;
    c.scheme = Scheme::Codebook;
    QVERIFY_THROWS_EXCEPTION(Error, quantize(t, c)); // empty code book
    c.codebook = {0, std::nan("")};
    QVERIFY_THROWS_EXCEPTION(Error, c.validate());
    c.codebook = {-2, 0, 2};
    c.validate(); // unscaled values: any finite
    c.granularity = Granularity::PerGroup;
    QVERIFY_THROWS_EXCEPTION(Error, c.validate()); // blockwise values must lie in [-1, 1]
    c = QuantConfig();
    c.scheme = Scheme::LloydMax;
    c.bits = 9;
    QVERIFY_THROWS_EXCEPTION(Error, quantize(t, c));
    c = QuantConfig();
    c.scheme = Scheme::E2M1;
    c.saturate = false;
    QVERIFY_THROWS_EXCEPTION(Error, quantize(t, c));
    c = QuantConfig();
    c.scheme = Scheme::NF4;
    c.groupSize = 0;
    QVERIFY_THROWS_EXCEPTION(Error, quantize(t, c));
    c.groupSize = 64;
    QVERIFY_THROWS_EXCEPTION(Error, quantize(Tensor(), c)); // empty tensor
    // E4M3 without saturation overflows to NaN, counted as overflow.
    c = QuantConfig();
    c.scheme = Scheme::E4M3;
    c.saturate = false;
    const QuantResult r = quantize(Tensor("o", {2}, {1000.0f, 1.0f}), c);
    QVERIFY(std::isnan(r.dequantized[0]));
    QCOMPARE(r.floatCounts.overflow, int64_t(1));
}

// TensorRT narrow_range on: codes [-127, 127]; off: -128 is a code (scale amax / 127 both ways).

QTEST_APPLESS_MAIN(TestSchemes)
#include "tst_schemes.moc"
