// The histograms of values and errors that the integer pass fills as it goes (HistogramRequest):
// their bin rules, the per-thread counts and how they are merged into the result.
#pragma once

#include "core/quant/quantize_internal.h"
#include "core/stats/histogram_rule.h"

#include <vector>

namespace qs::quantize_detail {

// Histograms requested from the integer pass: rules and per-thread counts.
struct FusedHistograms {
    bool value = false, error = false;
    detail::BinRule valueRule, errorRule;
    std::vector<int64_t> valueCounts, errorCounts; // per thread 4 x slots
    // Code-bin pairs (HistCtx::fineCounts), fineSums = levels + bins: per thread 4 x fineSums.
    int64_t fineSums = 0;
    std::vector<int64_t> fineCounts;
    // With errors too: one counter per (code + value bin, error bin) (HistCtx::jointCounts), per
    // thread fineSums x errorRule.bins; 0 rows: not used.
    int64_t jointRows = 0;
    std::vector<uint32_t> jointCounts;
    std::vector<HistCtx> ctx; // per thread

    bool any() const { return value || error; }
    // Zeroed counts and a HistCtx for each of `threads` threads.
    void prepare(int threads);
    // The merged histograms into r.valueHistogram / r.errorHistogram.
    void mergeInto(QuantResult& r) const;
    // Adds each thread's joint counts to its fine and error counts (lane 0), before they are split.
    void foldJointCounts();

    // counts[4 * k + lane] of every thread, summed over threads and lanes.
    static std::vector<int64_t> total(const std::vector<int64_t>& counts, int64_t slots);
    static Histogram merge(const detail::BinRule& rule, const std::vector<int64_t>& counts);
};

// The bin rules of the histograms h asks for: values over [min, max] of the finite values,
// errors over [-E, E] with E the bound documented in quantize.h (HistogramRequest). Slices
// without finite values (empty[s] == 1) take no part. One counter for the code and the value
// bin together (fineSums) when the code is monotone in x and the pairs fit in a few kilobytes;
// with errors, one counter for the three (jointRows) when those fit in half a megabyte.
void prepareFused(const QuantParams& p, const std::vector<uint8_t>& empty,
                  const QuantConfig& config, const HistogramRequest& h, FusedHistograms& f);

// Splits the code-bin pair counts of a one-slice pass (FusedHistograms::fineCounts) into value
// histogram counts (added to thread 0's valueCounts) and code-usage marks (set in used).
template <class C>
void splitFineCounts(FusedHistograms& f, KernelFn<C> kernel, const SliceQ& q, uint64_t seed,
                     double dataMin, double dataMax, int64_t levels, uint8_t* used);

} // namespace qs::quantize_detail
