// The size planner: the Lagrangian sweep over each tensor's lower convex hull, the exact fill by
// dynamic programming, the greedy fill for large budgets and the best uniform scheme.
#include "core/model/planner.h"

#include "core/base/error.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <numeric>
#include <queue>
#include <set>

namespace qs {

namespace {

// Options of one tensor that no other option beats in both bytes and error: ascending bytes,
// strictly descending error. The first is the smallest (of least error among equal sizes).
std::vector<int> efficientOptions(const PlanTensor& t)
{
    std::vector<int> order(t.options.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const PlanOption &x = t.options[size_t(a)], &y = t.options[size_t(b)];
        return x.bytes != y.bytes ? x.bytes < y.bytes : x.error < y.error;
    });
    std::vector<int> kept;
    for (int i : order)
        if (kept.empty() || t.options[size_t(i)].error < t.options[size_t(kept.back())].error)
            kept.push_back(i);
    return kept;
}

// Error saved per extra byte going from option a to option b (b larger and better).
double efficiency(const PlanTensor& t, int a, int b)
{
    const PlanOption &x = t.options[size_t(a)], &y = t.options[size_t(b)];
    return (x.error - y.error) / double(y.bytes - x.bytes);
}

// The lower convex hull of the efficient options: efficiencies never increase along it. Points
// on a straight line are kept (each is a Lagrangian optimum at that line's slope).
std::vector<int> lowerHull(const PlanTensor& t, const std::vector<int>& efficient)
{
    std::vector<int> hull;
    for (int i : efficient) {
        while (hull.size() >= 2 &&
               efficiency(t, hull[hull.size() - 2], hull.back()) < efficiency(t, hull.back(), i))
            hull.pop_back();
        hull.push_back(i);
    }
    return hull;
}

// One step of the sweep: `tensor` moves to option `to`.
struct Step {
    int tensor = 0, to = 0;
};

// The sweep: every tensor at its smallest option, then the hull steps of all tensors merged by
// descending efficiency (lambda going down from infinity to 0), each tensor's steps in order.
struct Sweep {
    std::vector<int> start;          // option per tensor at lambda = infinity
    std::vector<Step> steps;         // in sweep order
    std::vector<ParetoPoint> points; // points[k]: after the first k steps
};

void sumChoice(const std::vector<PlanTensor>& tensors, const std::vector<int>& choice,
               int64_t& bytes, double& error)
{
    bytes = 0;
    error = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const PlanOption& o = tensors[i].options[size_t(choice[i])];
        bytes += o.bytes;
        error += o.error;
    }
}

int64_t totalParams(const std::vector<PlanTensor>& tensors)
{
    int64_t n = 0;
    for (const PlanTensor& t : tensors)
        n += t.params;
    return n;
}

double bitsPer(int64_t bytes, int64_t params)
{
    return params > 0 ? 8.0 * double(bytes) / double(params) : 0.0;
}

void checkTensors(const std::vector<PlanTensor>& tensors)
{
    if (tensors.empty())
        throw Error("planner: there is no tensor to plan");
    for (const PlanTensor& t : tensors) {
        if (t.options.empty())
            throw Error("planner: tensor '" + t.name + "' has no scheme to choose from");
        for (const PlanOption& o : t.options)
            if (o.bytes < 0 || !(o.error >= 0))
                throw Error("planner: tensor '" + t.name +
                            "' has an option with a negative size or error");
    }
}

Sweep sweep(const std::vector<PlanTensor>& tensors)
{
    Sweep s;
    std::vector<std::vector<int>> hulls;
    for (const PlanTensor& t : tensors) {
        hulls.push_back(lowerHull(t, efficientOptions(t)));
        s.start.push_back(hulls.back().front());
    }
    // (efficiency of the tensor's next step, -tensor): the largest first, ties by tensor order.
    std::priority_queue<std::pair<double, int>> next;
    std::vector<size_t> at(tensors.size(), 0);
    for (size_t i = 0; i < tensors.size(); ++i)
        if (hulls[i].size() > 1)
            next.push({efficiency(tensors[i], hulls[i][0], hulls[i][1]), -int(i)});
    while (!next.empty()) {
        const size_t i = size_t(-next.top().second);
        next.pop();
        const size_t k = ++at[i];
        s.steps.push_back({int(i), hulls[i][k]});
        if (k + 1 < hulls[i].size())
            next.push({efficiency(tensors[i], hulls[i][k], hulls[i][k + 1]), -int(i)});
    }
    const int64_t params = totalParams(tensors);
    std::vector<int> choice = s.start;
    for (size_t k = 0; k <= s.steps.size(); ++k) {
        if (k > 0)
            choice[size_t(s.steps[k - 1].tensor)] = s.steps[k - 1].to;
        ParetoPoint p;
        sumChoice(tensors, choice, p.bytes, p.error);
        p.bitsPerElement = bitsPer(p.bytes, params);
        s.points.push_back(p);
    }
    return s;
}

std::string sizeText(int64_t bytes, int64_t params)
{
    char bpw[32];
    std::snprintf(bpw, sizeof bpw, "%.4g", bitsPer(bytes, params));
    return std::to_string(bytes) + " bytes (" + bpw + " bits per weight)";
}

// The last sweep point within the budget, its choice and the relaxation's value at the budget.
size_t lastFitting(const Sweep& s, int64_t budget)
{
    size_t k = 0;
    while (k + 1 < s.points.size() && s.points[k + 1].bytes <= budget)
        ++k;
    return k;
}

std::vector<int> choiceAt(const Sweep& s, size_t k)
{
    std::vector<int> choice = s.start;
    for (size_t j = 0; j < k; ++j)
        choice[size_t(s.steps[j].tensor)] = s.steps[j].to;
    return choice;
}

double relaxationAt(const Sweep& s, size_t k, int64_t budget)
{
    if (k + 1 >= s.points.size())
        return s.points[k].error;
    const ParetoPoint &a = s.points[k], &b = s.points[k + 1];
    const double t = double(budget - a.bytes) / double(b.bytes - a.bytes);
    return a.error + t * (b.error - a.error);
}

// The exact fill: a dynamic program over the budget above the smallest assignment, in units of
// the greatest common divisor of every option's extra bytes. False (choice untouched) when it
// is larger than `cells`.
bool exactFill(const std::vector<PlanTensor>& tensors, const std::vector<int>& start,
               int64_t budget, int64_t cells, std::vector<int>& choice)
{
    int64_t base = 0, unit = 0;
    std::vector<std::vector<int>> options;
    for (size_t i = 0; i < tensors.size(); ++i) {
        options.push_back(efficientOptions(tensors[i]));
        base += tensors[i].options[size_t(start[i])].bytes;
        if (options.back().size() > std::numeric_limits<uint16_t>::max())
            return false;
    }
    for (size_t i = 0; i < tensors.size(); ++i)
        for (int o : options[i])
            unit = std::gcd(unit, tensors[i].options[size_t(o)].bytes -
                                      tensors[i].options[size_t(start[i])].bytes);
    if (unit == 0)
        return false; // one assignment only: the sweep has it
    const int64_t capacity = (budget - base) / unit;
    const int64_t n = int64_t(tensors.size());
    if (capacity + 1 > cells / n)
        return false;
    const size_t width = size_t(capacity) + 1;
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best(width, 0.0), next(width);
    std::vector<uint16_t> pick(size_t(n) * width); // index into options[i]
    for (size_t i = 0; i < size_t(n); ++i) {
        std::fill(next.begin(), next.end(), inf);
        const int64_t small = tensors[i].options[size_t(start[i])].bytes;
        for (size_t j = 0; j < options[i].size(); ++j) {
            const PlanOption& o = tensors[i].options[size_t(options[i][j])];
            const size_t cost = size_t((o.bytes - small) / unit);
            for (size_t c = cost; c < width; ++c) {
                const double e = best[c - cost] + o.error;
                if (e < next[c]) {
                    next[c] = e;
                    pick[i * width + c] = uint16_t(j);
                }
            }
        }
        best.swap(next);
    }
    size_t c = width - 1;
    for (size_t i = size_t(n); i-- > 0;) {
        const int o = options[i][pick[i * width + c]];
        choice[i] = o;
        c -= size_t(
            (tensors[i].options[size_t(o)].bytes - tensors[i].options[size_t(start[i])].bytes) /
            unit);
    }
    return true;
}

// The greedy fill: while some single move of one tensor to a better option fits what is left of
// the budget, take the one that saves the most error per extra byte.
void greedyFill(const std::vector<PlanTensor>& tensors, int64_t budget, std::vector<int>& choice)
{
    int64_t bytes = 0;
    double error = 0;
    sumChoice(tensors, choice, bytes, error);
    for (;;) {
        double bestGain = 0;
        int bestTensor = -1, bestOption = -1;
        for (size_t i = 0; i < tensors.size(); ++i) {
            const PlanOption& now = tensors[i].options[size_t(choice[i])];
            for (size_t j = 0; j < tensors[i].options.size(); ++j) {
                const PlanOption& o = tensors[i].options[j];
                const int64_t extra = o.bytes - now.bytes;
                if (o.error >= now.error || bytes + extra > budget)
                    continue;
                const double gain = extra <= 0 ? std::numeric_limits<double>::infinity()
                                               : (now.error - o.error) / double(extra);
                if (gain > bestGain) {
                    bestGain = gain;
                    bestTensor = int(i);
                    bestOption = int(j);
                }
            }
        }
        if (bestTensor < 0)
            return;
        bytes += tensors[size_t(bestTensor)].options[size_t(bestOption)].bytes -
                 tensors[size_t(bestTensor)].options[size_t(choice[size_t(bestTensor)])].bytes;
        choice[size_t(bestTensor)] = bestOption;
    }
}

// The best single scheme within the budget (see Plan::uniformScheme).
void uniformChoice(const std::vector<PlanTensor>& tensors, Plan& plan)
{
    std::set<int> schemes;
    for (const PlanTensor& t : tensors)
        for (const PlanOption& o : t.options)
            schemes.insert(o.scheme);
    for (int scheme : schemes) {
        int64_t bytes = 0;
        double error = 0;
        bool candidate = true;
        for (const PlanTensor& t : tensors) {
            auto it = std::find_if(t.options.begin(), t.options.end(),
                                   [&](const PlanOption& o) { return o.scheme == scheme; });
            if (t.options.size() == 1)
                it = t.options.begin();
            if (it == t.options.end()) {
                candidate = false;
                break;
            }
            bytes += it->bytes;
            error += it->error;
        }
        const bool better = plan.uniformScheme < 0 || error < plan.uniformError ||
                            (error == plan.uniformError && bytes < plan.uniformBytes);
        if (candidate && bytes <= plan.budgetBytes && better) {
            plan.uniformScheme = scheme;
            plan.uniformError = error;
            plan.uniformBytes = bytes;
        }
    }
}

} // namespace

Plan planAssignment(const std::vector<PlanTensor>& tensors, int64_t budgetBytes,
                    const PlanOptions& options)
{
    checkTensors(tensors);
    const int64_t params = totalParams(tensors);
    const Sweep s = sweep(tensors);
    if (budgetBytes < s.points.front().bytes)
        throw Error("planner: the budget of " + sizeText(budgetBytes, params) +
                    " is below the smallest possible size, " +
                    sizeText(s.points.front().bytes, params));
    Plan plan;
    plan.budgetBytes = budgetBytes;
    plan.pareto = s.points;
    const size_t k = lastFitting(s, budgetBytes);
    plan.choice = choiceAt(s, k);
    plan.lowerBound = relaxationAt(s, k, budgetBytes);
    // On the curve the sweep's point is the optimum; between two points the fill decides.
    const bool onCurve = k + 1 == s.points.size() || s.points[k].bytes == budgetBytes;
    const bool dynamic =
        !onCurve && exactFill(tensors, s.start, budgetBytes, options.exactCells, plan.choice);
    if (!onCurve && !dynamic)
        greedyFill(tensors, budgetBytes, plan.choice);
    sumChoice(tensors, plan.choice, plan.bytes, plan.error);
    plan.bitsPerElement = bitsPer(plan.bytes, params);
    plan.exact = onCurve || dynamic || plan.error <= plan.lowerBound;
    if (plan.exact)
        plan.lowerBound = plan.error;
    uniformChoice(tensors, plan);
    return plan;
}

Plan evaluateAssignment(const std::vector<PlanTensor>& tensors, const std::vector<int>& choice)
{
    checkTensors(tensors);
    if (choice.size() != tensors.size())
        throw Error("planner: the assignment has " + std::to_string(choice.size()) +
                    " entries for " + std::to_string(tensors.size()) + " tensors");
    for (size_t i = 0; i < tensors.size(); ++i)
        if (choice[i] < 0 || size_t(choice[i]) >= tensors[i].options.size())
            throw Error("planner: the assignment's option for tensor '" + tensors[i].name +
                        "' does not exist");
    Plan plan;
    plan.choice = choice;
    sumChoice(tensors, choice, plan.bytes, plan.error);
    plan.budgetBytes = plan.bytes;
    plan.bitsPerElement = bitsPer(plan.bytes, totalParams(tensors));
    uniformChoice(tensors, plan);
    return plan;
}

std::vector<ParetoPoint> paretoCurve(const std::vector<PlanTensor>& tensors)
{
    checkTensors(tensors);
    return sweep(tensors).points;
}

} // namespace qs
