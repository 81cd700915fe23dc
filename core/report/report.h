// The JSON report of a quantization run: what went in (tensor, config), the parameters per
// slice, the metrics and the timings. The CLI writes it with --report and the GUI exports the
// same file. Keys always appear in the order documented in docs/CLI.md ("Report schema") so
// reports diff cleanly.
// Non-finite numbers have no JSON form: an SQNR of +infinity (zero error) is written as null
// and the metrics get "sqnr_note": "infinite: the reconstruction is exact"; any other NaN/Inf
// (e.g. an fp16 overflow making an error infinite) is also null.
#pragma once

#include "core/base/tensor.h"
#include "core/quant/quantize.h"

#include <string>
#include <utility>
#include <vector>

namespace qs {

struct ReportExtras {
    // Stages measured outside the core (e.g. {"load", 12.5}); listed before the core's stages
    // and added to "total".
    std::vector<std::pair<std::string, double>> timingsMs;
    // Warnings from loading (precision lost, non-finite CSV values), listed before the core's.
    std::vector<std::string> warnings;
    std::string source; // e.g. "w.npz:layer0" or "generate normal 4096x1024 seed 0"
};

// The report as pretty-printed JSON text (2-space indent, trailing newline).
std::string reportJson(const Tensor& tensor, const QuantResult& result,
                       const ReportExtras& extras = {});

// Writes reportJson atomically to path (never over a protected input path).
void writeReport(const std::string& path, const Tensor& tensor, const QuantResult& result,
                 const ReportExtras& extras = {},
                 const std::vector<std::string>& protectedPaths = {});

} // namespace qs
