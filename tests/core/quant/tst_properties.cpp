// Properties of the quantizer over many seeded random tensors and every integer scheme x range
// method x granularity x bit width: error bound, re-quantization fixed point, code range,
// granularity equivalences, percentile monotonicity, MSE-optimal never worse than min-max.
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/range/range.h"

#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

using namespace qs;

namespace {

struct SchemeCase {
    const char* name;
    Scheme scheme;
    bool signedCodes;
    bool fullRange;
};

const SchemeCase kSchemes[] = {
    {"asym", Scheme::Asymmetric, false, false},
    {"asym-signed", Scheme::Asymmetric, true, false},
    {"sym", Scheme::Symmetric, false, false},
    {"sym-full", Scheme::Symmetric, false, true},
};

const RangeMethod kRanges[] = {RangeMethod::MinMax, RangeMethod::Percentile, RangeMethod::MSE,
                               RangeMethod::Entropy};

struct GranularityCase {
    const char* name;
    Granularity g;
    int axis;
    int64_t groupSize;
};

const GranularityCase kGranularities[] = {
    {"tensor", Granularity::PerTensor, 0, 1},
    {"channel0", Granularity::PerChannel, 0, 1},
    {"channel1", Granularity::PerChannel, 1, 1},
    {"group7", Granularity::PerGroup, 1, 7}, // 40 columns: groups of 7, the last of 5
};

std::vector<Tensor> randomTensors()
{
    std::vector<Tensor> ts;
    const Distribution ds[] = {Distribution::Normal, Distribution::Uniform, Distribution::Laplace,
                               Distribution::Bimodal};
    uint64_t seed = 11;
    for (Distribution d : ds) {
        GeneratorOptions g;
        g.distribution = d;
        g.shape = {12, 40};
        g.seed = seed++;
        g.low = -0.3;
        g.high = 2.0; // uniform: a range that does not hold 0 symmetrically
        ts.push_back(generate(g));
    }
    // A tensor with an outlier and a row of equal values.
    GeneratorOptions g;
    g.shape = {12, 40};
    g.seed = 99;
    g.outliers = 1;
    g.outlierValue = 40;
    Tensor t = generate(g);
    for (int j = 0; j < 40; ++j)
        t.data[size_t(3 * 40 + j)] = 0.75f;
    ts.push_back(t);
    return ts;
}

std::string describe(const Tensor& t, const QuantConfig& c)
{
    return t.name + " | " + c.summary() + (c.signedCodes ? " signed" : "") +
           (c.fullRange ? " full" : "");
}

} // namespace

class TestProperties : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void sweep();
    void singleChannelEqualsPerTensor();
    void wholeRowGroupsEqualPerChannel();
    void percentileMonotone();
    void mseNeverWorseThanMinMax();

private:
    std::vector<Tensor> m_tensors;
    std::vector<Tensor> m_small; // 2 x 40 pieces, for the costly range searches
};

void TestProperties::initTestCase()
{
    m_tensors = randomTensors();
    for (size_t k : {size_t(0), size_t(3)}) {
        const Tensor& t = m_tensors[k];
        m_small.emplace_back(t.name + "-small", std::vector<int64_t>{2, 40},
                             std::vector<float>(t.data.begin(), t.data.begin() + 80));
    }
}

// For every combination: codes inside [qmin, qmax]; |x - x^| <= s/2 for values inside the
// clipping range (nearest rounding); re-quantizing x^ with the same parameters gives the same
// codes; the slice metrics add up to the tensor metrics.
void TestProperties::sweep()
{
    int64_t combos = 0, boundChecks = 0;
    for (RangeMethod rm : kRanges) {
        // The search-based methods cost tens of milliseconds per slice: they run on the small
        // tensors, per tensor and per channel, at a few bit widths.
        const bool costly = rm == RangeMethod::MSE || rm == RangeMethod::Entropy;
        for (const Tensor& t : costly ? m_small : m_tensors) {
            for (const SchemeCase& sc : kSchemes) {
                for (const GranularityCase& gc : kGranularities) {
                    if (costly && gc.g == Granularity::PerGroup)
                        continue;
                    for (int bits = 1; bits <= 16; ++bits) {
                        if (sc.scheme == Scheme::Symmetric && bits < 2)
                            continue;
                        if (costly && bits != (rm == RangeMethod::MSE ? 3 : 8) &&
                            !(rm == RangeMethod::MSE && bits == 12))
                            continue;
                        if (rm == RangeMethod::Percentile && bits > 5 && bits % 4 != 0)
                            continue; // min-max covers every width

                        QuantConfig c;
                        c.scheme = sc.scheme;
                        c.signedCodes = sc.signedCodes;
                        c.fullRange = sc.fullRange;
                        c.range = rm;
                        c.percentile = 99.0;
                        c.granularity = gc.g;
                        c.axis = gc.axis;
                        c.groupSize = gc.groupSize;
                        c.bits = bits;
                        c.includeZero = (bits % 2) == 0; // both settings get covered
                        const QuantResult r = quantize(t, c);
                        ++combos;
                        const QuantParams& p = r.params;
                        const std::string what = describe(t, c);
                        int64_t countSum = 0;
                        for (const Metrics& m : r.sliceMetrics)
                            countSum += m.count;
                        QVERIFY2(countSum == r.metrics.count, what.c_str());
                        for (int64_t i = 0; i < t.numel(); ++i) {
                            const int32_t q = r.codes[size_t(i)];
                            if (q < p.qmin || q > p.qmax)
                                QFAIL(("code out of range: " + what).c_str());
                            const int64_t s = p.layout.sliceOf(i);
                            const double sc_ = p.scale[size_t(s)];
                            const double x = t.data[size_t(i)];
                            const double lo = p.rangeMin[size_t(s)] - sc_ / 2;
                            const double hi = p.rangeMax[size_t(s)] + sc_ / 2;
                            if (x > lo && x < hi) {
                                ++boundChecks;
                                const double err = std::fabs(x - double(r.dequantized[size_t(i)]));
                                const double tol = sc_ / 2 * (1 + 1e-9) + std::fabs(x) * 2e-7;
                                if (err > tol)
                                    QFAIL(("error bound: " + what + " i=" + std::to_string(i) +
                                           " err=" + std::to_string(err) +
                                           " s=" + std::to_string(sc_))
                                              .c_str());
                            }
                        }
                        Tensor xh(t.name + "-dq", t.shape, r.dequantized);
                        const QuantResult again = quantizeWithParams(xh, p, c);
                        QVERIFY2(again.codes == r.codes, ("requantize: " + what).c_str());
                    }
                }
            }
        }
    }
    qInfo("%lld combinations, %lld error-bound checks", (long long)combos, (long long)boundChecks);
    QVERIFY(combos > 1000);
    QVERIFY(boundChecks > 500000);
}

void TestProperties::singleChannelEqualsPerTensor()
{
    for (RangeMethod rm : kRanges) {
        const bool costly = rm == RangeMethod::MSE || rm == RangeMethod::Entropy;
        for (const Tensor& src : costly ? m_small : m_tensors) {
            const Tensor t(src.name, {1, src.numel()}, src.data);
            for (const SchemeCase& sc : kSchemes) {
                QuantConfig c;
                c.scheme = sc.scheme;
                c.signedCodes = sc.signedCodes;
                c.fullRange = sc.fullRange;
                c.range = rm;
                const QuantResult a = quantize(t, c);
                c.granularity = Granularity::PerChannel;
                c.axis = 0;
                const QuantResult b = quantize(t, c);
                const std::string what = describe(t, c);
                QVERIFY2(b.params.numSlices() == 1, what.c_str());
                QVERIFY2(a.params.scale == b.params.scale, what.c_str());
                QVERIFY2(a.params.zeroPoint == b.params.zeroPoint, what.c_str());
                QVERIFY2(a.codes == b.codes, what.c_str());
                QVERIFY2(a.dequantized == b.dequantized, what.c_str());
                QCOMPARE(a.metrics.mse, b.metrics.mse);
            }
        }
    }
}

// Groups that span whole rows (G = number of columns, along axis 1) are the rows: the same
// slices as per-channel along axis 0; groups of all rows along axis 0 are the columns.
void TestProperties::wholeRowGroupsEqualPerChannel()
{
    for (RangeMethod rm : kRanges) {
        const bool costly = rm == RangeMethod::MSE || rm == RangeMethod::Entropy;
        for (const Tensor& t : costly ? m_small : m_tensors) {
            for (const SchemeCase& sc : kSchemes) {
                for (int bits : {3, 8}) {
                    if (costly && bits == 3)
                        continue;
                    QuantConfig c;
                    c.scheme = sc.scheme;
                    c.signedCodes = sc.signedCodes;
                    c.fullRange = sc.fullRange;
                    c.range = rm;
                    c.bits = bits;
                    c.granularity = Granularity::PerChannel;
                    c.axis = 0;
                    const QuantResult a = quantize(t, c);
                    c.granularity = Granularity::PerGroup;
                    c.axis = 1;
                    c.groupSize = t.shape[1];
                    const QuantResult b = quantize(t, c);
                    const std::string what = describe(t, c);
                    QVERIFY2(a.params.numSlices() == t.shape[0], what.c_str());
                    QVERIFY2(a.params.scale == b.params.scale, what.c_str());
                    QVERIFY2(a.params.zeroPoint == b.params.zeroPoint, what.c_str());
                    QVERIFY2(a.codes == b.codes, what.c_str());
                    for (size_t s = 0; s < a.sliceMetrics.size(); ++s)
                        QCOMPARE(a.sliceMetrics[s].mse, b.sliceMetrics[s].mse);
                    // And columns: groups of all rows along axis 0 == per channel along axis 1
                    // (both strided layouts, done in tiles).
                    c.granularity = Granularity::PerChannel;
                    c.axis = 1;
                    const QuantResult cols = quantize(t, c);
                    c.granularity = Granularity::PerGroup;
                    c.axis = 0;
                    c.groupSize = t.shape[0];
                    const QuantResult colGroups = quantize(t, c);
                    QVERIFY2(cols.params.numSlices() == t.shape[1], what.c_str());
                    QVERIFY2(cols.params.scale == colGroups.params.scale, what.c_str());
                    QVERIFY2(cols.codes == colGroups.codes, what.c_str());
                    for (size_t s = 0; s < cols.sliceMetrics.size(); ++s) {
                        QCOMPARE(cols.sliceMetrics[s].mse, colGroups.sliceMetrics[s].mse);
                        QCOMPARE(cols.sliceMetrics[s].levelsUsed,
                                 colGroups.sliceMetrics[s].levelsUsed);
                    }
                }
            }
        }
    }
}

void TestProperties::percentileMonotone()
{
    const double ps[] = {60, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};
    for (const Tensor& t : m_tensors) {
        Range prev{0, 0};
        double prevAbs = 0;
        bool first = true;
        for (double p : ps) {
            const Range r = percentileRange(t.data.data(), t.numel(), p);
            const double a = absPercentile(t.data.data(), t.numel(), p);
            QVERIFY(r.lo <= r.hi);
            if (!first) {
                QVERIFY2(r.lo <= prev.lo && r.hi >= prev.hi, t.name.c_str());
                QVERIFY2(a >= prevAbs, t.name.c_str());
            }
            prev = r;
            prevAbs = a;
            first = false;
        }
        const Range full = minMaxRange(t.data.data(), t.numel());
        QCOMPARE(prev.lo, full.lo);
        QCOMPARE(prev.hi, full.hi);
        // Through the quantizer: the data range [dataMin, dataMax] holds every estimate, and
        // the clipping range widens with p.
        double prevWidth = 0;
        for (double p : ps) {
            QuantConfig c;
            c.range = RangeMethod::Percentile;
            c.percentile = p;
            c.includeZero = false;
            const QuantResult q = quantize(t, c);
            const double width = q.params.rangeMax[0] - q.params.rangeMin[0];
            QVERIFY(width >= prevWidth);
            prevWidth = width;
        }
    }
}

void TestProperties::mseNeverWorseThanMinMax()
{
    for (const Tensor& t : m_small) {
        for (const SchemeCase& sc : kSchemes) {
            for (const GranularityCase& gc : kGranularities) {
                if (gc.g == Granularity::PerGroup)
                    continue;
                for (int bits : {2, 4, 8}) {
                    for (bool iz : {false, true}) {
                        if (iz != (bits == 4))
                            continue;
                        QuantConfig c;
                        c.scheme = sc.scheme;
                        c.signedCodes = sc.signedCodes;
                        c.fullRange = sc.fullRange;
                        c.granularity = gc.g;
                        c.axis = gc.axis;
                        c.groupSize = gc.groupSize;
                        c.bits = bits;
                        c.includeZero = iz;
                        const QuantResult mm = quantize(t, c);
                        c.range = RangeMethod::MSE;
                        const QuantResult opt = quantize(t, c);
                        const std::string what = describe(t, c);
                        for (size_t s = 0; s < mm.sliceMetrics.size(); ++s)
                            QVERIFY2(opt.sliceMetrics[s].mse <=
                                         mm.sliceMetrics[s].mse * (1 + 1e-12) + 1e-300,
                                     (what + " slice " + std::to_string(s)).c_str());
                        QVERIFY2(opt.metrics.mse <= mm.metrics.mse * (1 + 1e-12), what.c_str());
                    }
                }
            }
        }
    }
}

QTEST_APPLESS_MAIN(TestProperties)
#include "tst_properties.moc"
