// The histograms the per-tensor pass fills with its joint counters (core/quant/fused_histograms.h):
// elements next to a bin edge, which the counting loop lists and places after it by the exact
// rule (BinRule::exactNearEdge), counted as histogram() and errorHistogram() count them, in every
// build of the quantize loop and with one and two threads.
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/stats/histogram.h"
#include "core/stats/histogram_rule.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#if __has_include(<omp.h>)
#include <omp.h>
#define QS_TEST_THREADS 1
#else
#define QS_TEST_THREADS 0
#endif

namespace {

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// 256 bins over [-2, 2] have their edges at -2 + k / 64, all exact floats. Element i: an edge,
// the float just below or just above one, or (from `plainFrom` on) a value between edges whose
// error x - x^ still falls anywhere, next to error-bin edges too. The first elements are all on
// or next to a value edge, so whole chunks of the pass take the exact rule. -2 and 2 fix the range.
std::vector<float> nearEdgeValues(int64_t n, int64_t plainFrom)
{
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const float edge = float((i * 37) % 257) / 64.0f - 2.0f;
        if (i >= plainFrom) {
            v[size_t(i)] = float(std::sin(double(i) * 0.7071) * 1.9);
            continue;
        }
        switch (i % 3) {
        case 0:
            v[size_t(i)] = edge;
            break;
        case 1:
            v[size_t(i)] = std::nextafter(edge, -kInf);
            break;
        default:
            v[size_t(i)] = std::nextafter(edge, kInf);
        }
    }
    v[0] = -2.0f;
    v[1] = 2.0f;
    return v;
}

// The lean pass's histograms and metrics against histogram(), errorHistogram() and a full pass.
void checkAgainstSeparate(const qs::Tensor& t, const QString& where)
{
    qs::HistogramRequest h;
    h.valueBins = 256;
    h.errorBins = 256;
    qs::QuantResult lean, full;
    qs::quantizeInto(t, qs::QuantConfig(), lean, nullptr, h, nullptr,
                     qs::QuantOutputs{false, false});
    qs::quantizeInto(t, qs::QuantConfig(), full);
    const int64_t n = t.numel();
    const qs::Histogram& v = lean.valueHistogram;
    const qs::Histogram& e = lean.errorHistogram;
    const qs::Histogram sv = qs::histogram(t.data.data(), n, 256, v.lo, v.hi);
    const qs::Histogram se =
        qs::errorHistogram(t.data.data(), full.dequantized.data(), n, 256, e.lo, e.hi);
    QVERIFY2(v.counts == sv.counts && v.below == sv.below && v.above == sv.above &&
                 v.nonfinite == sv.nonfinite,
             qPrintable(where));
    QVERIFY2(e.counts == se.counts && e.below == se.below && e.above == se.above &&
                 e.nonfinite == se.nonfinite,
             qPrintable(where));
    QVERIFY2(std::memcmp(&lean.metrics.mse, &full.metrics.mse, sizeof(double)) == 0 &&
                 lean.metrics.levelsUsed == full.metrics.levelsUsed,
             qPrintable(where));
}

} // namespace

class TestFusedHistograms : public QObject {
    Q_OBJECT

private slots:
    // exactNearEdge gives exact()'s slot for values on and next to every edge, at lo and hi
    // (the last bin), outside the range, for zeros and non-finite values, on rules whose edges
    // are exact binary fractions and on rules whose edges are rounded.
    void exactNearEdgeIsExact()
    {
        const double inf = std::numeric_limits<double>::infinity();
        const qs::detail::BinRule rules[] = {{-2, 2, 256},     {0.1, 0.8, 7},
                                             {-1, 2, 3},       {-0.0123456, 0.0123456, 256},
                                             {1e-3, 1e3, 700}, {-5, -4, 1}};
        int checked = 0;
        for (const qs::detail::BinRule& r : rules) {
            std::vector<double> vs{r.lo,         r.hi, -r.lo, -r.hi,    0.0,     -0.0,
                                   std::nan(""), inf,  -inf,  r.lo - 1, r.hi + 1};
            for (const double edge : r.edges)
                for (const double v :
                     {edge, std::nextafter(edge, -inf), std::nextafter(edge, inf),
                      double(float(edge)), double(std::nextafter(float(edge), 0.0f))})
                    vs.push_back(v);
            for (const double v : vs) {
                QCOMPARE(r.exactNearEdge(v), r.exact(v));
                ++checked;
            }
        }
        QVERIFY(checked > 3000);
    }

    // Values on and next to every value-bin edge (whole chunks of them), errors on and next to
    // error-bin edges, NaN and +-Inf among them, a constant tensor; several work blocks and a
    // length that is no multiple of a chunk; every build of the loop; one and two threads.
    void nextToEdgesInEveryBuildAndThreadCount()
    {
        const int64_t n = 3 * 65536 + 777;
        std::vector<float> mixed = nearEdgeValues(n, 2 * 65536);
        for (int64_t i = 5000; i < n; i += 997)
            mixed[size_t(i)] = i % 3 == 0 ? kNan : (i % 3 == 1 ? kInf : -kInf);
        const std::vector<qs::Tensor> tensors{
            qs::Tensor("next to edges", {n}, nearEdgeValues(n, 2 * 65536)),
            qs::Tensor("all next to edges", {n}, nearEdgeValues(n, n)),
            qs::Tensor("with NaN and Inf", {n}, mixed),
            qs::Tensor("constant", {70000}, std::vector<float>(70000, 0.3f))};
#if QS_TEST_THREADS
        const int before = omp_get_max_threads();
        const std::vector<int> threadCounts{1, 2};
#else
        const std::vector<int> threadCounts{1};
#endif
        int checked = 0;
        for (const std::string& b : qs::detail::kernelBuilds())
            for (const int threads : threadCounts) {
#if QS_TEST_THREADS
                omp_set_num_threads(threads);
#endif
                qs::detail::useKernelBuild(b);
                for (const qs::Tensor& t : tensors) {
                    checkAgainstSeparate(t, QString("%1, build %2, %3 threads")
                                                .arg(QString::fromStdString(t.name))
                                                .arg(QString::fromStdString(b))
                                                .arg(threads));
                    ++checked;
                }
            }
        qs::detail::useKernelBuild("avx512");
#if QS_TEST_THREADS
        omp_set_num_threads(before);
#endif
        QCOMPARE(checked, 4 * int(threadCounts.size() * qs::detail::kernelBuilds().size()));
    }
};

QTEST_APPLESS_MAIN(TestFusedHistograms)
#include "tst_fused_histograms.moc"
