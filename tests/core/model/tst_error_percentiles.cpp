// Tests of reconstructionStats (error_percentiles.h), the error pass of the model report: its sums
// equal the plain sums per block of 32768 elements (products in four lanes, element i of the
// block in lane i % 4, the weighted error in element order), blocks added in order, and
// its percentiles those of the sorted errors, on arrays with NaN and infinities in x and x^,
// constant arrays and lengths that leave tails shorter than a step or a block, for any thread
// count; and the model report's numbers of a model with such tensors equal quantize()'s under
// integer per-tensor / per-channel / group and low-bit schemes.
#include "core/io/safetensors_writer.h"
#include "core/io/tensor_file.h"
#include "core/model/error_percentiles.h"
#include "core/model/error_terms.h"
#include "core/model/model_report.h"
#include "core/quant/quantize.h"
#include "tests/support/random_tensor.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#if __has_include(<omp.h>)
#include <omp.h>
#define QS_TEST_OMP 1
#endif

using namespace qs;
using qs::test::bitsOf;

namespace {

constexpr int64_t kSumBlock = 32768; // the block of the documented summation order

struct Plain {
    double dot = 0, recon = 0, weighted = 0, median = 0, p95 = 0;
};

// The statistics as the header defines them, element by element.
Plain plainStats(const std::vector<float>& x, const std::vector<float>& xh, const float* w,
                 int64_t columns)
{
    Plain p;
    std::vector<double> e;
    const int64_t n = int64_t(x.size());
    for (int64_t b0 = 0; b0 < n; b0 += kSumBlock) {
        double dots[4] = {0, 0, 0, 0}, recons[4] = {0, 0, 0, 0}, weighted = 0;
        for (int64_t i = b0; i < std::min(n, b0 + kSumBlock); ++i) {
            if (!std::isfinite(x[size_t(i)]))
                continue;
            const double xv = x[size_t(i)], hv = xh[size_t(i)], d = xv - hv;
            dots[(i - b0) % 4] += xv * hv;
            recons[(i - b0) % 4] += hv * hv;
            if (w)
                weighted += double(w[i % columns]) * d * d;
            e.push_back(std::isnan(d) ? HUGE_VAL : std::fabs(d));
        }
        p.dot += (dots[0] + dots[1]) + (dots[2] + dots[3]);
        p.recon += (recons[0] + recons[1]) + (recons[2] + recons[3]);
        p.weighted += weighted;
    }
    std::sort(e.begin(), e.end());
    auto at = [&](double q) {
        const double pos = q * double(e.size() - 1);
        const size_t lo = size_t(pos), hi = std::min(e.size() - 1, lo + 1);
        return e[lo] + (pos - double(lo)) * (e[hi] - e[lo]);
    };
    if (!e.empty()) {
        p.median = at(0.5);
        p.p95 = at(0.95);
    }
    return p;
}

// x with a scattered NaN, +-Inf, and x^ = x rounded to a coarse grid; with `badRecon` x^ has a
// NaN and an infinity where x is finite (the sums are then NaN, the errors rank as infinite).
void makePair(int64_t n, uint32_t seed, bool constant, std::vector<float>& x,
              std::vector<float>& xh, bool badRecon = false)
{
    x = constant ? std::vector<float>(size_t(n), 0.375f) : test::randomTensor({n}, seed).data;
    xh.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i)
        xh[size_t(i)] = std::round(x[size_t(i)] * 16.0f) / 16.0f;
    if (n > 9) {
        x[3] = std::nanf("");
        x[7] = INFINITY;
        x[size_t(n - 2)] = -INFINITY;
    }
    if (n > 9 && badRecon) {
        xh[5] = std::nanf("");
        xh[size_t(n - 1)] = INFINITY;
    }
}

// Three in five x^ equal to x (zero errors, which the pass counts with the non-finite x in
// one bin and tells apart at the end), x non-finite every 301 elements.
void makeZeroHeavy(int64_t n, uint32_t seed, std::vector<float>& x, std::vector<float>& xh)
{
    makePair(n, seed, false, x, xh);
    for (int64_t i = 0; i < n; ++i) {
        if (i % 5 < 3)
            xh[size_t(i)] = x[size_t(i)];
        if (i % 301 == 300)
            x[size_t(i)] = i % 2 ? -INFINITY : std::nanf("");
    }
}

// Equal bit for bit (NaN sums included).
void compareStats(const ReconstructionStats& st, const Plain& p, bool weighted)
{
    QCOMPARE(bitsOf(st.dot), bitsOf(p.dot));
    QCOMPARE(bitsOf(st.reconEnergy), bitsOf(p.recon));
    QCOMPARE(bitsOf(st.medianAbsError), bitsOf(p.median));
    QCOMPARE(bitsOf(st.p95AbsError), bitsOf(p.p95));
    if (weighted)
        QCOMPARE(bitsOf(st.weightedSse), bitsOf(p.weighted));
}

} // namespace

class TestErrorPercentiles : public QObject {
    Q_OBJECT

private slots:
    void sumsInLanesPerBlock()
    {
        // Tails shorter than a step of the pass (256) and than a block; one block and several.
        for (int64_t n : {1, 3, 13, 255, 257, 1000, 32768 + 13, 100003}) {
            for (int variant = 0; variant < 4; ++variant) {
                std::vector<float> x, xh;
                if (variant == 3)
                    makeZeroHeavy(n, uint32_t(n), x, xh);
                else
                    makePair(n, uint32_t(n), variant == 1, x, xh, variant == 2);
                std::vector<float> w(size_t(std::min<int64_t>(n, 100)));
                for (size_t c = 0; c < w.size(); ++c)
                    w[c] = float(1 + c % 5) * 0.25f;
                const int64_t columns = int64_t(w.size());
                const ColumnWeights weights{n % columns == 0 ? w.data() : nullptr, columns, 1};
                const Plain p = plainStats(x, xh, weights.values, columns);
                for (double maxAbs : {-1.0, 0.5}) // measured, or known beforehand
                    compareStats(reconstructionStats(x.data(), xh.data(), n, maxAbs, weights), p,
                                 weights.values != nullptr);
            }
        }
    }

    void gatheredBinsAsIntervals()
    {
        using error_detail::Gather;
        using error_detail::kBins;
        std::vector<int8_t> slot(size_t(kBins) + 1, 0);
        Gather g;
        QVERIFY(error_detail::gatherIntervals(slot, g)); // none
        for (int32_t b : {0, 1, 17, kBins - 1, kBins})
            QVERIFY(!g.chosen(b));
        for (int b = 10; b <= 12; ++b)
            slot[size_t(b)] = 1;
        slot[size_t(kBins - 1)] = 1;
        QVERIFY(error_detail::gatherIntervals(slot, g));
        for (int32_t b = 0; b <= kBins; ++b)
            QCOMPARE(g.chosen(b), b < kBins && slot[size_t(b)] != 0);
        slot[size_t(40)] = 1; // a third window: the pass would not gather it
        QVERIFY(!error_detail::gatherIntervals(slot, g));
        std::fill(slot.begin(), slot.end() - 1, int8_t(1)); // small arrays: every bin
        QVERIFY(error_detail::gatherIntervals(slot, g));
        QVERIFY(g.chosen(0) && g.chosen(kBins - 1) && !g.chosen(kBins));
    }

    void threadCountIndependent()
    {
#ifdef QS_TEST_OMP
        std::vector<float> x, xh;
        makePair(300007, 11, false, x, xh);
        const int before = omp_get_max_threads();
        omp_set_num_threads(1);
        const ReconstructionStats a = reconstructionStats(x.data(), xh.data(), 300007, 0.5);
        omp_set_num_threads(2);
        const ReconstructionStats b = reconstructionStats(x.data(), xh.data(), 300007, 0.5);
        omp_set_num_threads(before);
        QCOMPARE_EXACT(a.dot, b.dot);
        QCOMPARE_EXACT(a.reconEnergy, b.reconEnergy);
        QCOMPARE_EXACT(a.medianAbsError, b.medianAbsError);
        QCOMPARE_EXACT(a.p95AbsError, b.p95AbsError);
        QCOMPARE_EXACT(a.dot, plainStats(x, xh, nullptr, 1).dot);
#else
        QSKIP("built without OpenMP");
#endif
    }

    void reportEqualsQuantizeOnHardTensors()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("m.safetensors").toStdString();
        const std::vector<SafetensorsEntry> model = {
            {"a.weight", "F32", {24, 256}}, // NaN and infinities
            {"b.weight", "F32", {8, 512}},  // constant
            {"c.weight", "BF16", {3, 512}}, // fewer elements than a step of 4 rows of 512
        };
        writeSafetensors(path, model, [](size_t i, std::vector<float>& v) {
            std::vector<float> xh;
            makePair(int64_t(v.size()), uint32_t(90 + i), i == 1, v, xh);
        });
        std::vector<ModelScheme> schemes = parseModelSchemes("q8_0,q4_k,nf4,mxfp4", {});
        for (Granularity g :
             {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup}) {
            QuantConfig c;
            c.scheme = Scheme::Symmetric;
            c.granularity = g;
            c.groupSize = 64;
            schemes.push_back({"int8-" + std::to_string(int(g)), c});
        }
        const ModelReport rep = computeModelReport(path, schemes);
        QCOMPARE(rep.tensors.size(), model.size());
        for (const TensorReport& tr : rep.tensors) {
            const Tensor t = loadTensor(path, tr.name);
            for (size_t s = 0; s < schemes.size(); ++s) {
                const SchemeMetrics& m = tr.results[s];
                QVERIFY2(m.ok, (tr.name + " " + schemes[s].name).c_str());
                const QuantResult r = quantize(t, schemes[s].config);
                QCOMPARE_EXACT(m.rmse, r.metrics.rmse);
                QCOMPARE_EXACT(m.sqnrDb, r.metrics.sqnrDb);
                QCOMPARE_EXACT(m.maxAbsError, r.metrics.maxAbsError);
                QCOMPARE_EXACT(m.sse, r.metrics.errorPower);
                QCOMPARE(m.bytes, r.metrics.quantizedBytes);
                const Plain p = plainStats(t.data, r.dequantized, nullptr, 1);
                QCOMPARE_EXACT(m.medianAbsError, p.median);
                QCOMPARE_EXACT(m.p95AbsError, p.p95);
                const double norms = std::sqrt(r.metrics.signalPower) * std::sqrt(p.recon);
                QVERIFY(norms > 0);
                QCOMPARE_EXACT(m.cosine, p.dot / norms);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestErrorPercentiles)
#include "tst_error_percentiles.moc"
