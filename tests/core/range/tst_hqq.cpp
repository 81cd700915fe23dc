// HQQ's proximal zero-point iterations (core/range/hqq.h) step by step on a group small enough
// to follow by hand. The expected numbers come from the reference loop of hqq's
// optimize_weights_proximal_legacy written out in float64 numpy (round half to even, clamp,
// shrink_lp_op, mean; beta *= 1.01), run once to derive them.
#include "core/range/hqq.h"

#include <QtTest>

#include <cmath>
#include <vector>

namespace {

// Eight values on a 2-bit grid: min -1, max 1.75, so min-max gives s = 2.75 / 3 = 11/12 and
// hqq's starting zero point z0 = 0 - (-1) / s = 12/11.
const std::vector<float> kGroup{-1.0f, -0.625f, -0.125f, 0.0f, 0.25f, 0.375f, 0.875f, 1.75f};
constexpr double kScale = 2.75 / 3;
const double kZero0 = 1.0 / kScale; // 0 - (-1) / s, as the engine computes it

bool near(double a, double b)
{
    return std::fabs(a - b) <= 1e-14 * std::max(1.0, std::fabs(b));
}

std::vector<qs::HqqGroup> handGroup()
{
    return {qs::HqqGroup{kGroup.data(), int64_t(kGroup.size()), kScale, kZero0}};
}

} // namespace

class TestHqq : public QObject {
    Q_OBJECT
private slots:
    void shrink();
    void handGroupStepByStep();
    void earlyStop();
    void constantGroupStays();
    void noValues();
    void groupsAreIndependentButStopTogether();
};

void TestHqq::shrink()
{
    // sign(e) relu(|e| - |e|^(p-1) / beta): 0.5 - 0.5^-0.3 / 10 = 0.5 - 0.12311444...
    QVERIFY(near(qs::hqqShrink(0.5, 10, 0.7), 0.3768855586655084));
    QVERIFY(near(qs::hqqShrink(-0.5, 10, 0.7), -0.3768855586655084));
    QCOMPARE(qs::hqqShrink(0.05, 10, 0.7), 0.0); // 0.05^-0.3 / 10 = 0.2456 > 0.05
    QCOMPARE(qs::hqqShrink(0.0, 10, 0.7), 0.0);  // |0|^(p-1) is infinite: relu gives 0
}

void TestHqq::handGroupStepByStep()
{
    // Iteration 1 by hand: x / s + z0 = [0, 0.41, 0.95, 1.09, 1.36, 1.5, 2.05, 3] rounds (half
    // to even) to q = [0, 0, 1, 1, 1, 2, 2, 3]; x^ = (q - z0) s = 11q/12 - 1 =
    // [-1, -1, -1/12, -1/12, -1/12, 5/6, 5/6, 1.75]; |x - x^| sums to 4/3, mean 1/6, squared
    // mean 17/288. Then z1 = mean(q - (x - shrink(x - x^)) / s) = 1.0595..., and so on.
    const double zeros[] = {1.0595163320373533, 1.012529091979488, 0.9932601046871062};
    for (int k = 1; k <= 3; ++k) {
        std::vector<qs::HqqGroup> g = handGroup();
        qs::HqqOptions o;
        o.iterations = k;
        const qs::HqqTrace t = qs::hqqOptimize(g, 0, 3, o);
        QCOMPARE(t.iterations(), k);
        QVERIFY2(near(g[0].zero, zeros[k - 1]), qPrintable(QString::number(g[0].zero, 'g', 17)));
    }
    std::vector<qs::HqqGroup> g = handGroup();
    const qs::HqqTrace t = qs::hqqOptimize(g, 0, 3);
    const double mae[] = {1.0 / 6, 0.15947249275856012, 0.15625, 0.1577945593425381};
    const double mse[] = {17.0 / 288, 0.05086315860416589, 0.04173735677951827,
                          0.03906773322274357};
    QCOMPARE(t.iterations(), 4);
    for (int i = 0; i < 4; ++i) {
        QVERIFY2(near(t.meanAbsError[size_t(i)], mae[i]), qPrintable(QString::number(i)));
        QVERIFY2(near(t.meanSquaredError[size_t(i)], mse[i]), qPrintable(QString::number(i)));
    }
}

void TestHqq::earlyStop()
{
    // The mean |x - x^| rises at iteration 4 (0.15779 > 0.15625): the loop stops there, after
    // 4 of 20 iterations, and (as hqq) keeps that iteration's zero-point update.
    std::vector<qs::HqqGroup> g = handGroup();
    const qs::HqqTrace t = qs::hqqOptimize(g, 0, 3);
    QVERIFY(t.iterations() < 20);
    QVERIFY(t.meanAbsError[3] > t.meanAbsError[2]);
    QVERIFY2(near(g[0].zero, 0.9855849989713119), qPrintable(QString::number(g[0].zero, 'g', 17)));
    // A loop of one iteration makes exactly one.
    qs::HqqOptions one;
    one.iterations = 1;
    std::vector<qs::HqqGroup> g1 = handGroup();
    QCOMPARE(qs::hqqOptimize(g1, 0, 3, one).iterations(), 1);
}

void TestHqq::constantGroupStays()
{
    // 0.5 everywhere with the engine's exact constant grid (s = 0.5, z = -1): x / s + z = 0,
    // x^ = 0.5 exactly; shrink(0) = 0, so z = mean(0 - 1) = -1 again. The error 0 does not fall
    // in iteration 2: two iterations.
    const std::vector<float> x(16, 0.5f);
    std::vector<qs::HqqGroup> g{{x.data(), 16, 0.5, -1.0}};
    const qs::HqqTrace t = qs::hqqOptimize(g, 0, 15);
    QCOMPARE(t.iterations(), 2);
    QCOMPARE(t.meanAbsError[0], 0.0);
    QCOMPARE(g[0].zero, -1.0);
}

void TestHqq::noValues()
{
    std::vector<qs::HqqGroup> none;
    QCOMPARE(qs::hqqOptimize(none, 0, 15).iterations(), 0);
    std::vector<qs::HqqGroup> empty{{nullptr, 0, 1.0, 3.0}};
    QCOMPARE(qs::hqqOptimize(empty, 0, 15).iterations(), 0);
    QCOMPARE(empty[0].zero, 3.0);
}

void TestHqq::groupsAreIndependentButStopTogether()
{
    // Two copies of the hand group: the same zero points and the same mean errors as one
    // (each iteration's error is the mean over all values, hqq's single stopping test).
    std::vector<qs::HqqGroup> two{handGroup()[0], handGroup()[0]};
    const qs::HqqTrace t = qs::hqqOptimize(two, 0, 3);
    QCOMPARE(t.iterations(), 4);
    QVERIFY(near(t.meanAbsError[1], 0.15947249275856012));
    QCOMPARE(two[0].zero, two[1].zero);
    QVERIFY(near(two[0].zero, 0.9855849989713119));
}

QTEST_APPLESS_MAIN(TestHqq)
#include "tst_hqq.moc"
