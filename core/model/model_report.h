// The model report: every tensor of a model file under every scheme of a list, with the
// metrics an engineer compares (RMSE, SQNR, cosine, error percentiles, size), aggregated per
// scheme, per layer and per tensor kind. Tensors are read one at a time from the mapped file,
// so memory stays near the largest tensor whatever the model's size.
#pragma once

#include "core/base/error.h"
#include "core/base/tensor.h"
#include "core/config/quant_config.h"
#include "core/io/imatrix.h"
#include "core/model/tensor_role.h"
#include "core/stats/metrics.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace qs {

// One candidate of a report: the name it is shown under and the config it quantizes with.
struct ModelScheme {
    std::string name; // as the user gave it: "q4_k", "ggml-q4_0", "int8-channel"
    QuantConfig config;
};

// Parses a comma-separated list of preset or scheme names ("q8_0,q4_k,nf4,ggml-q4_0"); a name
// that is neither throws qs::Error listing the choices. `base` supplies the options a scheme
// name leaves open (bits, granularity, range method).
std::vector<ModelScheme> parseModelSchemes(const std::string& list, const QuantConfig& base);

// How a scheme applies to a tensor of `shape` under llama.cpp's rules for the GGML types, whose
// blocks run along rows (the last dimension): a super-block type (Q2_K ... Q6_K, IQ4_XS) on rows
// that are not a multiple of 256 is stored as llama-quantize stores it, in its fallback type
// (Q2_K, Q3_K, IQ4_XS -> IQ4_NL; Q4_K -> Q5_0; Q5_K -> Q5_1; Q6_K -> Q8_0), and in F16 when the
// row is not a multiple of 32 either; a type of 32-element blocks (Q8_0, Q4_0, ..., IQ4_NL) on
// such rows does not apply (llama.cpp refuses the tensor). Other schemes apply as they are.
struct SchemeApplication {
    QuantConfig config;   // what the tensor is quantized with
    std::string fallback; // toName(config.scheme) when it is a fallback type; empty otherwise
    std::string skipped;  // not empty: the scheme does not apply, and why
};
SchemeApplication applySchemeToShape(const QuantConfig& config, const std::vector<int64_t>& shape);

// The metrics of one tensor under one scheme. A tensor the scheme is not applied to (`skipped`:
// a 1-D tensor kept as stored, a row length llama.cpp refuses) stays in the model as the file
// stores it: `bytes` and `bitsPerElement` are then its stored size, `sse` 0 and `signalEnergy`
// its energy, so that totals over a model describe the whole file.
struct SchemeMetrics {
    bool ok = false;     // false: the scheme does not apply to this tensor (see `skipped`)
    std::string skipped; // why not: "kept as stored (1-D)", "row length 100 is not a multiple..."
    // The type the tensor was quantized with when llama.cpp's fallback replaced the scheme
    // ("q5_0" for q4_k on rows of 96, "fp16"); empty when the scheme applied as asked.
    std::string fallback;
    double rmse = 0, relRmse = 0, sqnrDb = 0, cosine = 0;
    double maxAbsError = 0, maxAbsErrorRel = 0; // max |x - x^|, and divided by RMS(x)
    double medianAbsError = 0, p95AbsError = 0;
    double bitsPerElement = 0;
    int64_t bytes = 0;       // stored size with every scale and minimum
    double sse = 0;          // sum (x - x^)^2 over the finite elements
    double signalEnergy = 0; // sum x^2
    int64_t count = 0;       // finite elements measured (0 when not applied)
    double weightedSse = std::numeric_limits<double>::quiet_NaN(); // sum a_j (x - x^)_j^2
};

struct TensorReport {
    std::string name;
    std::vector<int64_t> shape; // as the model's framework writes it (GGUF: reversed to row-major)
    int64_t params = 0;
    std::string stored; // dtype or GGML type in the file: "BF16", "Q4_K"
    TensorRole role;
    double rms = 0; // RMS of the original values
    // The importance entry used for the weighted error (the imatrix entry or the .npy file);
    // empty: none (see ModelReport::warnings).
    std::string importance;
    std::vector<SchemeMetrics> results; // one per ModelReport::schemes entry, same order
    // With ModelReportOptions::againstPath: the error of this tensor as the quantized file
    // stores it (ok false when the file has no partner for it), and the partner's name and type.
    SchemeMetrics against;
    std::string againstName, againstType;
};

// Element-weighted totals of one scheme over a set of tensors (the whole model, a layer, a kind):
// SQNR from the summed signal and error energies.
struct SchemeTotals {
    int64_t params = 0, bytes = 0, tensors = 0;
    double signalEnergy = 0, sse = 0;
    double weightedSse = std::numeric_limits<double>::quiet_NaN();
    double sqnrDb = 0, relRmse = 0, bitsPerElement = 0;
    double weightedShare = std::numeric_limits<double>::quiet_NaN(); // of the model's weighted SSE
};

struct ModelReport {
    std::string path;
    std::vector<ModelScheme> schemes;
    std::vector<TensorReport> tensors;                      // file order
    std::vector<SchemeTotals> totals;                       // per scheme
    SchemeTotals againstTotals;                             // with againstPath: the paired tensors
    std::map<int, std::vector<SchemeTotals>> layers;        // layer index -> per scheme
    std::map<std::string, std::vector<SchemeTotals>> kinds; // tensorKindName -> per scheme
    // How median and 95th-percentile errors are computed: "exact" or "histogram (...)".
    std::string percentileMethod;
    // What the report could not do for some tensors (imatrix entries missing or not fitting).
    std::vector<std::string> warnings;
};

struct ModelReportOptions {
    std::string include, exclude; // ECMAScript regexes on the tensor name; empty: all / none
    std::string imatrixPath;      // imatrix or .npy importance file; empty: none
    // A quantized copy of the model (model_pairing.h) whose stored error is reported beside
    // the schemes'; empty: none.
    std::string againstPath;
    // Quantize norms and other 1-D tensors too (by default they keep their stored type and
    // appear in the report as stored).
    bool quantizeVectors = false;
    // done / total tensors and the tensor being measured; called from the calling thread.
    std::function<void(int done, int total, const std::string& tensor)> progress;
    const CancelToken* cancel = nullptr;
};

// qs::Error naming the option ("the include pattern '(' is not a valid regular expression")
// unless options.include and options.exclude are regular expressions (computeModelReport checks
// them too, first; this lets a caller tell a bad pattern from a bad file).
void checkNamePatterns(const ModelReportOptions& options);

// Measures every selected tensor of the model at `path` under every scheme. Throws qs::Error
// naming the file and the problem, qs::Cancelled when `options.cancel` fires.
ModelReport computeModelReport(const std::string& path, const std::vector<ModelScheme>& schemes,
                               const ModelReportOptions& options = {});

// Recomputes the totals, layers and kinds of `report` from its tensors.
void aggregateModelReport(ModelReport& report);

// The metrics of a reconstruction `xhat` of `x` whose Metrics `m` are known (quantize()'s, or
// computeMetrics() for a reconstruction made elsewhere): error statistics, cosine, percentiles,
// size from m, and with `importance` (fitting x) the weighted squared error.
SchemeMetrics reconstructionMetrics(const Tensor& x, const float* xhat, const Metrics& m,
                                    const Importance* importance = nullptr,
                                    const CancelToken* cancel = nullptr);

// Indices into report.tensors, the worst first: by relative RMSE under scheme `scheme`, tensors
// the scheme does not apply to last (in file order).
std::vector<size_t> worstFirst(const ModelReport& report, size_t scheme);

} // namespace qs
