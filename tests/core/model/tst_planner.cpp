// Tests of the size planner against brute force: small random models (6 tensors x 4 options,
// all 4096 assignments enumerated) with integer sizes and errors, so every sum is exact. The
// curve's points are optimal for their sizes and contain every vertex of the true lower convex
// hull; at every budget the exact fill equals the optimum and the greedy fill stays within the
// budget and above the optimum; a hand-worked model where the two fills differ; the uniform
// comparison; the refusals.
#include "core/base/error.h"
#include "core/model/planner.h"
#include "tests/support/test_support.h"

#include <QtTest>

#include <algorithm>
#include <limits>
#include <map>

using namespace qs;

namespace {

// Six tensors of four options, sizes 8..135 bytes and errors 0..4095, from the project's LCG.
std::vector<PlanTensor> randomModel(uint64_t seed)
{
    const std::vector<int64_t> r = qs::test::lcgInts(48, seed, 16);
    std::vector<PlanTensor> model(6);
    for (size_t i = 0; i < model.size(); ++i) {
        model[i].name = "t" + std::to_string(i);
        model[i].params = 16 * int64_t(i + 1);
        for (int j = 0; j < 4; ++j) {
            const size_t k = 8 * i + 2 * size_t(j);
            const int64_t bytes = 8 + (r[k] & 127);
            const double error = double(r[k + 1] & 4095);
            model[i].options.push_back({j, bytes, error});
        }
    }
    return model;
}

struct Point {
    int64_t bytes;
    double error;
};

// Every assignment's size and error (errors summed in tensor order, as the planner does).
std::vector<Point> enumerate(const std::vector<PlanTensor>& model)
{
    std::vector<Point> all;
    std::vector<size_t> idx(model.size(), 0);
    for (;;) {
        Point p{0, 0};
        for (size_t i = 0; i < model.size(); ++i) {
            p.bytes += model[i].options[idx[i]].bytes;
            p.error += model[i].options[idx[i]].error;
        }
        all.push_back(p);
        size_t i = 0;
        while (i < model.size() && ++idx[i] == model[i].options.size())
            idx[i++] = 0;
        if (i == model.size())
            return all;
    }
}

// The least error of an assignment of at most `budget` bytes (infinity: none).
double optimum(const std::vector<Point>& all, int64_t budget)
{
    double best = std::numeric_limits<double>::infinity();
    for (const Point& p : all)
        if (p.bytes <= budget)
            best = std::min(best, p.error);
    return best;
}

// The vertices of the lower-left convex hull of all assignments (the Lagrangian optima).
std::vector<Point> hullVertices(std::vector<Point> all)
{
    std::sort(all.begin(), all.end(), [](const Point& a, const Point& b) {
        return a.bytes != b.bytes ? a.bytes < b.bytes : a.error < b.error;
    });
    std::vector<Point> front;
    for (const Point& p : all)
        if (front.empty() || p.error < front.back().error)
            front.push_back(p);
    std::vector<Point> hull;
    for (const Point& p : front) {
        // drop the last vertex while it lies on or above the segment from the one before to p
        while (hull.size() >= 2) {
            const Point &a = hull[hull.size() - 2], &b = hull.back();
            const double cross = double(b.bytes - a.bytes) * (p.error - a.error) -
                                 (b.error - a.error) * double(p.bytes - a.bytes);
            if (cross > 0)
                break;
            hull.pop_back();
        }
        hull.push_back(p);
    }
    return hull;
}

} // namespace

class TestPlanner : public QObject {
    Q_OBJECT
private slots:
    void curvePointsAreOptimal();
    void curveHoldsEveryHullVertex();
    void everyBudgetAgainstBruteForce();
    void fillsOnAHandWorkedModel();
    void uniformComparison();
    void evaluatesAnAssignment();
    void refusals();
};

// Each point of the curve: ascending bytes, descending error, and no assignment of at most its
// size has a smaller error, none of fewer bytes an equal one. Planning at its size gives it.
void TestPlanner::curvePointsAreOptimal()
{
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        const auto model = randomModel(seed);
        const auto all = enumerate(model);
        const auto curve = paretoCurve(model);
        QVERIFY(curve.size() >= 2);
        for (size_t k = 0; k < curve.size(); ++k) {
            if (k > 0) {
                QVERIFY(curve[k].bytes > curve[k - 1].bytes);
                QVERIFY(curve[k].error < curve[k - 1].error);
            }
            QCOMPARE_EXACT(curve[k].error, optimum(all, curve[k].bytes));
            QVERIFY(optimum(all, curve[k].bytes - 1) > curve[k].error);
            const Plan plan = planAssignment(model, curve[k].bytes, {0}); // no dynamic program
            QCOMPARE_EXACT(plan.error, curve[k].error);
            QCOMPARE(plan.bytes, curve[k].bytes);
            QVERIFY(plan.exact);
            QCOMPARE(plan.bitsPerElement, 8.0 * double(plan.bytes) / (16.0 * 21));
        }
    }
}

void TestPlanner::curveHoldsEveryHullVertex()
{
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        const auto model = randomModel(seed);
        const auto curve = paretoCurve(model);
        for (const Point& v : hullVertices(enumerate(model))) {
            const bool found = std::any_of(curve.begin(), curve.end(), [&](const ParetoPoint& p) {
                return p.bytes == v.bytes && p.error == v.error;
            });
            QVERIFY2(found, qPrintable(QString("seed %1: hull vertex (%2, %3) not on the curve")
                                           .arg(seed)
                                           .arg(v.bytes)
                                           .arg(v.error)));
        }
    }
}

// Every budget from the smallest size to the largest: the exact fill is the optimum; the
// greedy fill fits, is at least the optimum and at most the curve point below it, equals the
// optimum where it says it is exact, and the relaxation's bound is below the optimum.
void TestPlanner::everyBudgetAgainstBruteForce()
{
    int greedyExact = 0, greedyAbove = 0;
    for (uint64_t seed = 1; seed <= 6; ++seed) {
        const auto model = randomModel(seed);
        const auto all = enumerate(model);
        const auto curve = paretoCurve(model);
        for (int64_t b = curve.front().bytes; b <= curve.back().bytes + 2; ++b) {
            const double best = optimum(all, b);
            const Plan exact = planAssignment(model, b);
            QVERIFY(exact.bytes <= b);
            QCOMPARE_EXACT(exact.error, best);
            QVERIFY(exact.exact);
            const Plan greedy = planAssignment(model, b, {0});
            QVERIFY(greedy.bytes <= b);
            QVERIFY(greedy.error >= best);
            QVERIFY(greedy.lowerBound <= best);
            const auto below =
                std::upper_bound(curve.begin(), curve.end(), b,
                                 [](int64_t x, const ParetoPoint& p) { return x < p.bytes; });
            QVERIFY(greedy.error <= std::prev(below)->error);
            if (greedy.exact)
                QCOMPARE_EXACT(greedy.error, best);
            (greedy.error == best ? greedyExact : greedyAbove)++;
        }
    }
    qInfo("greedy fill: %d budgets at the optimum, %d above", greedyExact, greedyAbove);
    QVERIFY(greedyAbove > 0); // the random models do exercise the difference
}

// Two tensors: t0 (10 B, 100) (20 B, 50) (30 B, 45); t1 (10 B, 100) (25 B, 40).
// Curve: (20, 200) (30, 150) (45, 90) (55, 85). At 40 bytes the optimum is t0 at 10 B and t1 at
// 25 B: 35 bytes, error 140. The greedy fill from (30, 150) can only move t0 to 30 B: 145. The
// relaxation at 40 B: 150 - 10/15 * 60 = 110.
void TestPlanner::fillsOnAHandWorkedModel()
{
    std::vector<PlanTensor> model(2);
    model[0] = {"t0", 64, {{0, 10, 100}, {1, 20, 50}, {2, 30, 45}}};
    model[1] = {"t1", 64, {{0, 10, 100}, {2, 25, 40}}};
    const auto curve = paretoCurve(model);
    QCOMPARE(int(curve.size()), 4);
    const int64_t bytes[] = {20, 30, 45, 55};
    const double errors[] = {200, 150, 90, 85};
    for (size_t k = 0; k < 4; ++k) {
        QCOMPARE(curve[k].bytes, bytes[k]);
        QCOMPARE_EXACT(curve[k].error, errors[k]);
    }
    const Plan exact = planAssignment(model, 40);
    QCOMPARE(exact.choice, (std::vector<int>{0, 1}));
    QCOMPARE(exact.bytes, int64_t(35));
    QCOMPARE_EXACT(exact.error, 140);
    QVERIFY(exact.exact);
    const Plan greedy = planAssignment(model, 40, {0});
    QCOMPARE(greedy.choice, (std::vector<int>{2, 0}));
    QCOMPARE(greedy.bytes, int64_t(40));
    QCOMPARE_EXACT(greedy.error, 145);
    QVERIFY(!greedy.exact);
    QCOMPARE_EXACT(greedy.lowerBound, 110);
    QCOMPARE(greedy.budgetBytes, int64_t(40));
    QCOMPARE(int(greedy.pareto.size()), 4);
    QCOMPARE(greedy.pareto[2].bitsPerElement, 8.0 * 45 / 128);
}

// Scheme 2 is missing from t1 (no candidate); t2 has one option, kept by every uniform choice.
// Scheme 0: 10 + 10 + 5 = 25 B, error 90 + 80 + 7 = 177; scheme 1: 20 + 30 + 5 = 55 B, 40 + 10 +
// 7 = 57.
void TestPlanner::uniformComparison()
{
    std::vector<PlanTensor> model(3);
    model[0] = {"t0", 32, {{0, 10, 90}, {1, 20, 40}, {2, 40, 1}}};
    model[1] = {"t1", 32, {{0, 10, 80}, {1, 30, 10}}};
    model[2] = {"norm", 8, {{5, 5, 7}}};
    Plan p = planAssignment(model, 60);
    QCOMPARE(p.uniformScheme, 1);
    QCOMPARE(p.uniformBytes, int64_t(55));
    QCOMPARE_EXACT(p.uniformError, 57);
    QVERIFY(p.error <= p.uniformError);
    p = planAssignment(model, 54);
    QCOMPARE(p.uniformScheme, 0);
    QCOMPARE(p.uniformBytes, int64_t(25));
    QCOMPARE_EXACT(p.uniformError, 177);
    // Within 54 bytes t0 + t1 have 49: (10 B, 30 B) gives 90 + 10 + 7 = 107, the best.
    QCOMPARE_EXACT(p.error, 107);
    QCOMPARE(p.choice, (std::vector<int>{0, 1, 0}));
    p = planAssignment(model, 25); // only the smallest assignment fits: scheme 0 exactly
    QCOMPARE(p.uniformScheme, 0);
    QCOMPARE(p.choice, (std::vector<int>{0, 0, 0}));
    model[0].options = {{3, 10, 90}, {4, 20, 40}}; // no scheme shared by t0 and t1
    QCOMPARE(planAssignment(model, 1000).uniformScheme, -1);
}

void TestPlanner::evaluatesAnAssignment()
{
    std::vector<PlanTensor> model(2);
    model[0] = {"t0", 64, {{0, 10, 100}, {1, 20, 50}}};
    model[1] = {"t1", 64, {{0, 10, 100}, {1, 25, 40}}};
    const Plan p = evaluateAssignment(model, {1, 0});
    QCOMPARE(p.bytes, int64_t(30));
    QCOMPARE(p.budgetBytes, int64_t(30));
    QCOMPARE_EXACT(p.error, 150);
    QCOMPARE(p.bitsPerElement, 8.0 * 30 / 128);
    QCOMPARE(p.uniformScheme, 0); // scheme 1 is 45 bytes, over the assignment's 30
    QVERIFY_THROWS_EXCEPTION(Error, evaluateAssignment(model, {1}));
    QVERIFY_THROWS_EXCEPTION(Error, evaluateAssignment(model, {0, 2}));
}

void TestPlanner::refusals()
{
    std::vector<PlanTensor> model(2);
    model[0] = {"t0", 64, {{0, 10, 100}, {1, 20, 50}}};
    model[1] = {"t1", 64, {{0, 12, 100}, {1, 25, 40}}};
    try {
        planAssignment(model, 21);
        QFAIL("a budget below the smallest size was accepted");
    } catch (const Error& e) {
        QCOMPARE(QString(e.what()),
                 QString("planner: the budget of 21 bytes (1.312 bits per weight) is below the "
                         "smallest possible size, 22 bytes (1.375 bits per weight)"));
    }
    QCOMPARE(planAssignment(model, 22).bytes, int64_t(22));
    model[1].options.clear();
    try {
        planAssignment(model, 1000);
        QFAIL("a tensor without options was accepted");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains("'t1' has no scheme"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(Error, planAssignment({}, 1000));
    model[1].options = {{0, 12, -1}};
    QVERIFY_THROWS_EXCEPTION(Error, planAssignment(model, 1000));
}

QTEST_APPLESS_MAIN(TestPlanner)
#include "tst_planner.moc"
