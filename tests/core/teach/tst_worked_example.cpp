// Worked example: the recomputed path of an element agrees with qs::quantize's codes and
// dequantized values for every rounding rule, order, precision and clipping case, and the rich
// text shows the engine's numbers.
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/teach/builtins.h"
#include "core/teach/worked_example.h"

#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

using namespace qs;

class TestWorkedExample : public QObject {
    Q_OBJECT
private slots:
    void agreesWithEngine_data();
    void agreesWithEngine();
    void tieHalfEven();
    void truncationNotebook();
    void negativeTruncationOrder();
    void clipped();
    void nonFiniteAndFloat();
    void badIndex();
    void reciprocalScale();
};

namespace {

Tensor vec(const std::vector<float>& v)
{
    return Tensor("x", {int64_t(v.size())}, v);
}

// Multiples of 0.125 of both signs (exact ties at scale 0.25) and two larger values.
Tensor tieTensor()
{
    std::vector<float> v;
    for (int i = -40; i <= 40; ++i)
        v.push_back(0.125f * float(i));
    v.push_back(7.3f);
    v.push_back(-9.1f);
    return vec(v);
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

void TestWorkedExample::agreesWithEngine_data()
{
    QTest::addColumn<int>("rounding");
    QTest::addColumn<bool>("before");
    QTest::addColumn<bool>("f32");
    QTest::addColumn<bool>("mulInv");
    QTest::addColumn<int>("scheme");
    QTest::addColumn<int>("bits");
    for (int r = 0; r <= int(Rounding::Stochastic); ++r)
        for (int flags = 0; flags < 8; ++flags)
            for (int scheme = 0; scheme < 2; ++scheme) {
                const bool before = flags & 1, f32 = flags & 2, mul = flags & 4;
                const int bits = scheme == 0 ? 3 + r % 6 : 2 + flags % 7;
                QTest::addRow("%s before=%d f32=%d mul=%d %s %d", toName(Rounding(r)).c_str(),
                              before, f32, mul, scheme ? "sym" : "asym", bits)
                    << r << before << f32 << mul << scheme << bits;
            }
}

void TestWorkedExample::agreesWithEngine()
{
    QFETCH(int, rounding);
    QFETCH(bool, before);
    QFETCH(bool, f32);
    QFETCH(bool, mulInv);
    QFETCH(int, scheme);
    QFETCH(int, bits);
    GeneratorOptions g;
    g.distribution = Distribution::Laplace;
    g.shape = {6, 50};
    g.seed = uint64_t(rounding * 31 + bits);
    Tensor t = generate(g);
    const Tensor ties = tieTensor();
    t.data.insert(t.data.end(), ties.data.begin(), ties.data.end());
    t.shape = {t.numel()};
    QuantConfig c;
    c.rounding = Rounding(rounding);
    c.roundingOrder = before ? RoundingOrder::BeforeZeroPoint : RoundingOrder::AfterZeroPoint;
    c.float32Params = f32;
    c.multiplyByInverse = mulInv;
    c.scheme = scheme ? Scheme::Symmetric : Scheme::Asymmetric;
    c.bits = bits;
    c.seed = 5;
    c.range = RangeMethod::Percentile; // some values are clipped
    c.percentile = 97;
    for (int gran = 0; gran < 2; ++gran) {
        if (gran == 1) {
            c.granularity = Granularity::PerGroup;
            c.groupSize = 16;
        }
        const QuantResult r = quantize(t, c);
        int clippedCount = 0;
        for (int64_t i = 0; i < t.numel(); ++i) {
            const WorkedExample w = workedExample(t, r, i);
            QCOMPARE(w.code, int64_t(r.codes[size_t(i)]));
            QCOMPARE(w.xhat, double(r.dequantized[size_t(i)]));
            QCOMPARE(w.slice, r.params.layout.sliceOf(i));
            // The dequantization formula with the shown numbers gives the shown x^.
            const double xh = f32 ? double(float(w.scale) * (float(w.code) - float(w.zeroPoint)))
                                  : double(float(w.scale * double(w.code - w.zeroPoint)));
            QCOMPARE(xh, w.xhat);
            QCOMPARE(w.error, w.x - w.xhat);
            clippedCount += w.clip != ClipSide::None;
        }
        QCOMPARE(int64_t(clippedCount), r.metrics.clippedLowCount + r.metrics.clippedHighCount);
        if (gran == 0 && c.scheme == Scheme::Symmetric && !f32 && !mulInv)
            QVERIFY(clippedCount > 0);
    }
    // Scale 0.25 turns the multiples of 0.125 into exact ties (x/s = k + 0.5).
    c.granularity = Granularity::PerTensor;
    QuantParams p = quantize(t, c).params;
    p.scale[0] = 0.25;
    p.zeroPoint[0] = c.scheme == Scheme::Symmetric ? 0 : (c.qmin() + c.qmax() + 1) / 2;
    const QuantResult r = quantizeWithParams(t, p, c);
    int tieCount = 0;
    for (int64_t i = 0; i < t.numel(); ++i) {
        const WorkedExample w = workedExample(t, r, i);
        QCOMPARE(w.code, int64_t(r.codes[size_t(i)]));
        QCOMPARE(w.xhat, double(r.dequantized[size_t(i)]));
        tieCount += w.tie;
    }
    QVERIFY2(tieCount >= 20, qPrintable(QString::number(tieCount)));
}

void TestWorkedExample::tieHalfEven()
{
    // T1 with PyTorch's options: 0.5 * 85 = 42.5 is a tie, half-to-even takes 42, + 85 = 127.
    QuantConfig c;
    c.roundingOrder = RoundingOrder::BeforeZeroPoint;
    c.multiplyByInverse = true;
    c.float32Params = true;
    const Tensor t = vec({-1, 0, 0.5f, 2});
    const QuantResult r = quantize(t, c);
    const WorkedExample w = workedExample(t, r, 2);
    QCOMPARE(w.valueToRound, 42.5);
    QVERIFY(w.tie);
    QVERIFY(!w.roundedUp);
    QCOMPARE(w.rounded, 42.0);
    QCOMPARE(w.unclipped, 127.0);
    QCOMPARE(w.code, int64_t(127));
    const std::string html = workedExampleHtml(w);
    QVERIFY(contains(html, "A tie"));
    QVERIFY(contains(html, "42.5"));
    QVERIFY(contains(html, "round half to even"));
    QVERIFY(contains(html, "went down to 42"));
    // Half away from zero goes up.
    c.rounding = Rounding::HalfAway;
    const QuantResult r2 = quantize(t, c);
    const WorkedExample w2 = workedExample(t, r2, 2);
    QVERIFY(w2.tie && w2.roundedUp);
    QCOMPARE(w2.code, int64_t(128));
}

void TestWorkedExample::truncationNotebook()
{
    const Tensor t = builtinDataset("uniform-10");
    QuantConfig c;
    c.includeZero = false;
    c.rounding = Rounding::Truncate;
    const QuantResult r = quantize(t, c);
    const WorkedExample w = workedExample(t, r, 2);
    QCOMPARE(w.zeroPoint, int64_t(-2));
    // 0.34090262 / 0.01807888 = 18.856..., - 2 = 16.856 -> 16 (the notebook's code)
    QVERIFY(std::fabs(w.xOverS - 18.8564) < 1e-3);
    QVERIFY(std::fabs(w.valueToRound - 16.8564) < 1e-3);
    QCOMPARE(w.code, int64_t(16));
    QVERIFY(!w.tie && !w.roundedUp);
    QCOMPARE(w.clip, ClipSide::None);
    const std::string html = workedExampleHtml(w);
    QVERIFY(contains(html, "truncate (toward zero)"));
    QVERIFY(contains(html, "&minus;2"));
    QVERIFY(contains(html, "<td align=\"right\">16</td>"));
    QVERIFY(contains(html, "No clipping"));
}

void TestWorkedExample::negativeTruncationOrder()
{
    // The He-weights notebook, element 1: x/s = -66.72, + 99 = 32.28 -> 32; PyTorch's order
    // truncates -66.72 to -66 first and gives 33.
    const Tensor t = builtinDataset("he-10");
    QuantConfig c;
    c.float32Params = true;
    c.rounding = Rounding::Truncate;
    c.includeZero = false;
    const WorkedExample a = workedExample(t, quantize(t, c), 1);
    QCOMPARE(a.code, int64_t(32));
    QVERIFY(a.xOverS < -66.7 && a.xOverS > -66.8);
    c.roundingOrder = RoundingOrder::BeforeZeroPoint;
    const WorkedExample b = workedExample(t, quantize(t, c), 1);
    QCOMPARE(b.rounded, -66.0);
    QVERIFY(b.roundedUp); // toward zero is up for a negative value
    QCOMPARE(b.code, int64_t(33));
    QVERIFY(contains(workedExampleHtml(b), "round(<i>x</i>/<i>s</i>) + <i>z</i>"));
}

void TestWorkedExample::clipped()
{
    const Tensor t = vec({-3, -1, 0, 1, 2, 10});
    QuantConfig c;
    c.bits = 4;
    QuantResult r = quantize(t, c);
    QuantParams p = r.params;
    p.scale[0] = 0.25; // range [-0.25 z .. ], forces clipping at both ends
    p.zeroPoint[0] = 8;
    r = quantizeWithParams(t, p, c);
    const WorkedExample lo = workedExample(t, r, 0);
    QCOMPARE(lo.clip, ClipSide::BelowQmin);
    QCOMPARE(lo.unclipped, -4.0); // -3 / 0.25 + 8
    QCOMPARE(lo.code, int64_t(0));
    QCOMPARE(lo.xhat, -2.0);
    QCOMPARE(lo.error, -1.0);
    QVERIFY(contains(workedExampleHtml(lo), "below <i>q</i><sub>min</sub>"));
    const WorkedExample hi = workedExample(t, r, 5);
    QCOMPARE(hi.clip, ClipSide::AboveQmax);
    QCOMPARE(hi.unclipped, 48.0);
    QCOMPARE(hi.code, int64_t(15));
    QVERIFY(contains(workedExampleHtml(hi), "above <i>q</i><sub>max</sub>"));
}

void TestWorkedExample::nonFiniteAndFloat()
{
    const Tensor t = vec({1, NAN, INFINITY, -2, 1e-12f, 70000});
    const QuantResult r = quantize(t, QuantConfig());
    const WorkedExample n = workedExample(t, r, 1);
    QVERIFY(!n.finite);
    QCOMPARE(n.code, int64_t(r.codes[1]));
    QVERIFY(contains(workedExampleHtml(n), "NaN"));
    QuantConfig h;
    h.scheme = Scheme::FP16;
    const QuantResult rh = quantize(t, h);
    QCOMPARE(workedExample(t, rh, 0).floatCategory, std::string("exact"));
    QCOMPARE(workedExample(t, rh, 4).floatCategory, std::string("flushed to zero"));
    QCOMPARE(workedExample(t, rh, 5).floatCategory, std::string("overflow"));
    QCOMPARE(workedExample(t, rh, 5).code, int64_t(0x7C00));
    QVERIFY(contains(workedExampleHtml(workedExample(t, rh, 5)), "0x7C00"));
}

void TestWorkedExample::badIndex()
{
    const Tensor t = vec({1, 2, 3});
    const QuantResult r = quantize(t, QuantConfig());
    QVERIFY_THROWS_EXCEPTION(Error, workedExample(t, r, 3));
    QVERIFY_THROWS_EXCEPTION(Error, workedExample(t, r, -1));
    const Tensor other = vec({1, 2, 3, 4});
    QVERIFY_THROWS_EXCEPTION(Error, workedExample(other, r, 0));
}

QTEST_APPLESS_MAIN(TestWorkedExample)
// TensorRT's reciprocal scale: the example multiplies by s' and divides by it, and agrees
// with the engine on every element (clipped ones too, by a percentile range).
void TestWorkedExample::reciprocalScale()
{
    GeneratorOptions g;
    g.distribution = Distribution::Laplace;
    g.shape = {400};
    g.seed = 9;
    const Tensor t = generate(g);
    QuantConfig c;
    c.scheme = Scheme::Symmetric;
    c.reciprocalScale = true;
    c.range = RangeMethod::Percentile;
    c.percentile = 98;
    const QuantResult r = quantize(t, c);
    const float sp = r.params.reciprocal.at(0);
    int clipped = 0;
    for (int64_t i = 0; i < t.numel(); ++i) {
        const WorkedExample w = workedExample(t, r, i);
        QCOMPARE(w.reciprocal, double(sp));
        QCOMPARE(w.xOverS, double(t.data[size_t(i)] * sp));
        QCOMPARE(w.code, int64_t(r.codes[size_t(i)]));
        QCOMPARE(w.xhat, double(float(w.code) / sp));
        clipped += w.clip != ClipSide::None;
    }
    QVERIFY(clipped > 0);
    const std::string html = workedExampleHtml(workedExample(t, r, 0));
    QVERIFY(html.find("s'") != std::string::npos);
}

#include "tst_worked_example.moc"
