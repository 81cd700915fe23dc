// The totals of a model report: per scheme over the whole model, per layer and per tensor kind,
// element-weighted (energies and sizes summed, ratios formed from the sums), and the order of
// the tensors worst first.
#include "core/model/model_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace qs {

namespace {

void add(SchemeTotals& t, const TensorReport& tr, const SchemeMetrics& m)
{
    t.params += tr.params;
    t.bytes += m.bytes;
    t.tensors += 1;
    t.signalEnergy += m.signalEnergy;
    t.sse += m.sse;
    if (!std::isnan(m.weightedSse))
        t.weightedSse = std::isnan(t.weightedSse) ? m.weightedSse : t.weightedSse + m.weightedSse;
}

void finish(SchemeTotals& t, double modelWeightedSse)
{
    if (t.sse > 0)
        t.sqnrDb = t.signalEnergy > 0 ? 10 * std::log10(t.signalEnergy / t.sse) : -HUGE_VAL;
    else
        t.sqnrDb = HUGE_VAL;
    if (t.signalEnergy > 0)
        t.relRmse = std::sqrt(t.sse / t.signalEnergy);
    else
        t.relRmse = t.sse > 0 ? HUGE_VAL : 0;
    t.bitsPerElement = t.params > 0 ? 8.0 * double(t.bytes) / double(t.params) : 0;
    t.weightedShare = std::isnan(t.weightedSse) || !(modelWeightedSse > 0)
                          ? std::numeric_limits<double>::quiet_NaN()
                          : t.weightedSse / modelWeightedSse;
}

void finishAll(std::vector<SchemeTotals>& v, const std::vector<SchemeTotals>& model)
{
    for (size_t s = 0; s < v.size(); ++s)
        finish(v[s], model[s].weightedSse);
}

} // namespace

void aggregateModelReport(ModelReport& report)
{
    const size_t n = report.schemes.size();
    report.totals.assign(n, SchemeTotals{});
    report.layers.clear();
    report.kinds.clear();
    for (const TensorReport& tr : report.tensors) {
        std::vector<SchemeTotals>* layer = nullptr;
        if (tr.role.layer >= 0) {
            layer = &report.layers[tr.role.layer];
            layer->resize(n);
        }
        std::vector<SchemeTotals>& kind = report.kinds[tensorKindName(tr.role.kind)];
        kind.resize(n);
        for (size_t s = 0; s < n && s < tr.results.size(); ++s) {
            add(report.totals[s], tr, tr.results[s]);
            add(kind[s], tr, tr.results[s]);
            if (layer)
                add((*layer)[s], tr, tr.results[s]);
        }
    }
    finishAll(report.totals, report.totals);
    report.againstTotals = SchemeTotals{};
    for (const TensorReport& tr : report.tensors)
        if (tr.against.ok)
            add(report.againstTotals, tr, tr.against);
    finish(report.againstTotals, std::numeric_limits<double>::quiet_NaN());
    for (auto& [layer, totals] : report.layers)
        finishAll(totals, report.totals);
    for (auto& [kind, totals] : report.kinds)
        finishAll(totals, report.totals);
}

std::vector<size_t> worstFirst(const ModelReport& report, size_t scheme)
{
    std::vector<size_t> order(report.tensors.size());
    std::iota(order.begin(), order.end(), size_t(0));
    const auto key = [&](size_t i) {
        const std::vector<SchemeMetrics>& r = report.tensors[i].results;
        if (scheme >= r.size() || !r[scheme].ok)
            return -HUGE_VAL;
        return std::isnan(r[scheme].relRmse) ? HUGE_VAL : r[scheme].relRmse;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return key(a) > key(b); });
    return order;
}

} // namespace qs
