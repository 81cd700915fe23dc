// Bit-width sweep and clipping curve, checked against qs::quantize at chosen points and against
// the arithmetic written out by hand.
#include "core/analysis/clipping_curve.h"
#include "core/analysis/sweep.h"
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/teach/builtins.h"

#include <QtTest>

#include <cmath>

using namespace qs;

class TestSweep : public QObject {
    Q_OBJECT
private slots:
    void sweepMatchesQuantize();
    void sweepInvalidCombos();
    void referenceLine();
    void sweepSubsample();
    void clippingSymmetricByHand();
    void clippingEndsAreMinMax();
    void clippingMarkers();
    void invalidInput();
};

namespace {

Tensor normalTensor(int64_t n, uint64_t seed)
{
    GeneratorOptions g;
    g.distribution = Distribution::Normal;
    g.shape = {n};
    g.seed = seed;
    return generate(g);
}

} // namespace

void TestSweep::sweepMatchesQuantize()
{
    const Tensor t = normalTensor(4096, 1);
    QuantConfig base;
    const Sweep s = bitWidthSweep(t, base);
    QCOMPARE(s.bits.size(), size_t(16));
    QCOMPARE(s.series.size(), size_t(4));
    QVERIFY(!s.subsampled);
    QCOMPARE(s.elementsUsed, int64_t(4096));
    for (const SweepSeries& ser : s.series)
        for (int b : {1, 4, 8, 13}) {
            QuantConfig c = base;
            c.bits = b;
            c.range = ser.method;
            const QuantResult r = quantize(t, c);
            const SweepPoint& p = ser.points[size_t(b - 1)];
            QCOMPARE(p.bits, b);
            QVERIFY(p.valid);
            QCOMPARE(p.mse, r.metrics.mse);
            QCOMPARE(p.sqnrDb, r.metrics.sqnrDb);
        }
    // Min-max SQNR grows by about 6 dB per bit in the middle of the range.
    const SweepSeries& mm = s.series[0];
    for (int b = 6; b < 14; ++b) {
        const double d = mm.points[size_t(b)].sqnrDb - mm.points[size_t(b - 1)].sqnrDb;
        QVERIFY2(d > 5.5 && d < 6.6, qPrintable(QString("%1: %2").arg(b).arg(d)));
    }
    // The float formats on the same values: bf16 keeps 8 significant bits (about 8-bit integer
    // SQNR and more), fp16 11.
    QuantConfig h;
    h.scheme = Scheme::FP16;
    QCOMPARE(s.fp16SqnrDb, quantize(t, h).metrics.sqnrDb);
    QVERIFY(s.fp16SqnrDb > s.bf16SqnrDb + 15);
    // MSE-optimal never worse than min-max.
    for (size_t i = 0; i < s.bits.size(); ++i)
        QVERIFY(s.series[2].points[i].mse <= s.series[0].points[i].mse * (1 + 1e-12));
}

void TestSweep::sweepInvalidCombos()
{
    const Tensor t = normalTensor(500, 2);
    QuantConfig base;
    base.scheme = Scheme::Symmetric;
    SweepOptions o;
    o.methods = {RangeMethod::MinMax};
    const Sweep s = bitWidthSweep(t, base, o);
    QVERIFY(!s.series[0].points[0].valid);
    QVERIFY(s.series[0].points[0].reason.find("symmetric") != std::string::npos);
    QVERIFY(s.series[0].points[1].valid);
}

void TestSweep::referenceLine()
{
    const Tensor t = normalTensor(2000, 3);
    SweepOptions o;
    o.minBits = 2;
    o.maxBits = 12;
    const Sweep s = bitWidthSweep(t, QuantConfig(), o);
    QCOMPARE(s.anchorBits, 8);
    QCOMPARE(s.anchorDb, s.series[0].points[6].sqnrDb);
    for (size_t i = 0; i < s.bits.size(); ++i)
        QVERIFY(std::fabs(s.referenceDb[i] - (s.anchorDb + 6.0206 * (s.bits[i] - 8))) < 1e-3);
    // Anchor moves to the nearest valid width when 8 is outside the sweep.
    o.minBits = 10;
    o.maxBits = 16;
    QCOMPARE(bitWidthSweep(t, QuantConfig(), o).anchorBits, 10);
}

void TestSweep::sweepSubsample()
{
    const Tensor t = normalTensor(10000, 4);
    SweepOptions o;
    o.maxElements = 1000;
    o.methods = {RangeMethod::Percentile};
    o.minBits = o.maxBits = 6;
    const Sweep s = bitWidthSweep(t, QuantConfig(), o);
    QVERIFY(s.subsampled);
    QCOMPARE(s.elementsUsed, int64_t(1000));
    const Tensor sub = strideSubsample(t, 1000);
    QCOMPARE(sub.numel(), int64_t(1000));
    QCOMPARE(sub.data[1], t.data[10]);
    QuantConfig c;
    c.bits = 6;
    c.range = RangeMethod::Percentile;
    QCOMPARE(s.series[0].points[0].mse, quantize(sub, c).metrics.mse);
    // Per-channel sweeps use the whole tensor.
    Tensor m = t;
    m.shape = {100, 100};
    c.granularity = Granularity::PerChannel;
    const Sweep sc = bitWidthSweep(m, c, o);
    QVERIFY(!sc.subsampled);
    QCOMPARE(sc.elementsUsed, int64_t(10000));
}

void TestSweep::clippingSymmetricByHand()
{
    const Tensor t = normalTensor(3000, 6);
    QuantConfig c;
    c.scheme = Scheme::Symmetric;
    c.bits = 4;
    ClippingOptions o;
    o.points = 40;
    const ClippingCurve cc = clippingCurve(t, c, o);
    QVERIFY(cc.symmetric);
    QCOMPARE(cc.points.size(), size_t(40));
    for (int i : {3, 12, 25, 39}) {
        const ClippingPoint& p = cc.points[size_t(i)];
        const double amax = double(float(cc.absMax * (i + 1) / 40.0));
        QVERIFY(std::fabs(p.position - cc.absMax * (i + 1) / 40.0) < 1e-12);
        const double s = amax / 7;
        double rnd = 0, clp = 0;
        int64_t nclip = 0;
        for (float xf : t.data) {
            const double x = xf;
            const double q = std::clamp(std::nearbyint(x / s), -7.0, 7.0);
            const double e = x - double(float(s * q));
            if (std::fabs(std::nearbyint(x / s)) > 7) {
                clp += e * e;
                ++nclip;
            } else {
                rnd += e * e;
            }
        }
        const double n = double(t.numel());
        QVERIFY2(std::fabs(p.roundingMse - rnd / n) <= 1e-12 * (1 + rnd / n),
                 qPrintable(QString("%1: %2 vs %3").arg(i).arg(p.roundingMse).arg(rnd / n)));
        QVERIFY(std::fabs(p.clippingMse - clp / n) <= 1e-12 * (1 + clp / n));
        QCOMPARE(p.clipped, double(nclip) / n);
        QVERIFY(std::fabs(p.mse - (p.roundingMse + p.clippingMse)) <= 1e-12 * p.mse);
    }
    // Small thresholds are dominated by clipping, the largest one by rounding.
    QVERIFY(cc.points[1].clippingMse > cc.points[1].roundingMse);
    QCOMPARE(cc.points.back().clippingMse, 0.0);
    // For a normal tensor at 4 bits the best threshold clips a little: an inner minimum.
    size_t best = 0;
    for (size_t i = 0; i < cc.points.size(); ++i)
        if (cc.points[i].mse < cc.points[best].mse)
            best = i;
    QVERIFY2(best > 10 && best < 38, qPrintable(QString::number(best)));
}

void TestSweep::clippingEndsAreMinMax()
{
    const Tensor t = normalTensor(2000, 7);
    for (Scheme sc : {Scheme::Asymmetric, Scheme::Symmetric}) {
        QuantConfig c;
        c.scheme = sc;
        c.bits = 5;
        const ClippingCurve cc = clippingCurve(t, c);
        const QuantResult r = quantize(t, c);
        QVERIFY(std::fabs(cc.points.back().mse / r.metrics.mse - 1) < 1e-9);
        QVERIFY(std::fabs(cc.markers[0].point.mse / r.metrics.mse - 1) < 1e-9);
        QCOMPARE(cc.markers[0].label, std::string("min-max"));
        QCOMPARE(cc.points.size(), size_t(150));
    }
}

void TestSweep::clippingMarkers()
{
    // The outlier notebook: percentile 99.99 clips the outlier: its rounding error (the error of
    // every value but the outlier) is far below min-max's (notebook: 0.05 vs 1.4), its clipping
    // error is the outlier's alone. MSE-optimal is at least as good as min-max on the total.
    const Tensor t = builtinDataset("outlier-10k");
    QuantConfig c;
    const ClippingCurve cc = clippingCurve(t, c);
    QCOMPARE(cc.markers.size(), size_t(4));
    QCOMPARE(cc.markers[1].label, std::string("percentile 99.99"));
    const QuantResult mm = quantize(t, c);
    c.range = RangeMethod::Percentile;
    const QuantResult pc = quantize(t, c);
    QVERIFY(std::fabs(cc.markers[0].point.mse / mm.metrics.mse - 1) < 1e-9);
    QVERIFY(std::fabs(cc.markers[1].point.mse / pc.metrics.mse - 1) < 1e-6);
    QVERIFY(cc.markers[1].point.clippingMse > 0);
    // The outlier and a few values a hair beyond the 99.99 / 0.01 percentiles.
    QVERIFY(cc.markers[1].point.clipped >= 1.0 / 10000 && cc.markers[1].point.clipped < 1e-3);
    QVERIFY(cc.markers[1].point.roundingMse > 0.04 && cc.markers[1].point.roundingMse < 0.06);
    QVERIFY(cc.markers[0].point.roundingMse > 1.3 && cc.markers[0].point.roundingMse < 1.55);
    QCOMPARE(cc.markers[0].point.clippingMse, 0.0);
    QVERIFY(cc.markers[2].point.mse <= cc.markers[0].point.mse);
    QCOMPARE(cc.markers[0].point.position, 1.0);
    QVERIFY(cc.markers[1].point.position < 0.2); // width 200 of 1050
    // Counting the outlier's error, keeping it pays: the curve's minimum lies near t = 1.
    size_t best = 0;
    for (size_t i = 0; i < cc.points.size(); ++i)
        if (cc.points[i].mse < cc.points[best].mse)
            best = i;
    QVERIFY2(best > 100, qPrintable(QString::number(best)));
}

// Both analyses refuse the 16-bit float formats, bad options and tensors without finite
// values; the sweep stops when cancelled.
void TestSweep::invalidInput()
{
    const Tensor t = normalTensor(100, 5);
    for (Scheme s : {Scheme::FP16, Scheme::BF16}) {
        QuantConfig f;
        f.scheme = s;
        QVERIFY_THROWS_EXCEPTION(Error, bitWidthSweep(t, f));
        QVERIFY_THROWS_EXCEPTION(Error, clippingCurve(t, f));
    }
    SweepOptions so;
    so.minBits = 0;
    QVERIFY_THROWS_EXCEPTION(Error, bitWidthSweep(t, QuantConfig(), so));
    ClippingOptions co;
    co.points = 5;
    QVERIFY_THROWS_EXCEPTION(Error, clippingCurve(t, QuantConfig(), co));
    QVERIFY_THROWS_EXCEPTION(Error, bitWidthSweep(Tensor(), QuantConfig()));
    const Tensor nan("n", {2}, {NAN, NAN});
    QVERIFY_THROWS_EXCEPTION(Error, clippingCurve(nan, QuantConfig()));
    CancelToken cancel;
    cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, bitWidthSweep(t, QuantConfig(), {}, &cancel));
}

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
