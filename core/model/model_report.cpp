// computeModelReport: the tensors of a model under every scheme. Each tensor is loaded from the
// mapped file into the storage of the previous one its thread measured, quantized by
// quantizeInto() (the code path of `quantscope-cli quantize`) into result buffers reused from
// tensor to tensor, measured in that pass (an ErrorStream is shown its values part by part;
// integer schemes per tensor, channel or group and fp16 / bf16 then keep no codes or values at
// all), and dropped before the thread loads its next, so memory stays near the largest tensor and
// fresh memory is touched once. The largest tensors (more than half the largest's elements) are
// measured one at a time with every thread inside quantizeInto(); the others two at a time (a
// thread each: the serial work around a pass's parallel loops then leaves no core idle, and two
// of them take no more memory than the largest). Within a small tensor (< 2^20 elements) the
// schemes run side by side when it is measured alone. The numbers do not depend on any of this.
#include "core/model/model_report.h"

#include "core/base/parallel.h"
#include "core/io/tensor_file.h"
#include "core/model/error_percentiles.h"
#include "core/model/model_against.h"
#include "core/quant/quantize.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <regex>

namespace qs {

namespace {

// Below this many elements a tensor's schemes are quantized concurrently.
constexpr int64_t kSmallTensor = int64_t(1) << 20;

const char* const kPercentileMethod =
    "exact (order statistics of |x - x^| with linear interpolation, as numpy.percentile)";

class NameFilter {
public:
    explicit NameFilter(const ModelReportOptions& o)
        : m_include(compile(o.include, "include")), m_exclude(compile(o.exclude, "exclude")),
          m_hasInclude(!o.include.empty()), m_hasExclude(!o.exclude.empty())
    {
    }
    bool accepts(const std::string& name) const
    {
        return (!m_hasInclude || std::regex_search(name, m_include)) &&
               !(m_hasExclude && std::regex_search(name, m_exclude));
    }

private:
    static std::regex compile(const std::string& pattern, const char* which)
    {
        try {
            return std::regex(pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            throw Error(std::string("the ") + which + " pattern '" + pattern +
                        "' is not a valid regular expression (" + e.what() + ")");
        }
    }
    std::regex m_include, m_exclude;
    bool m_hasInclude, m_hasExclude;
};

// The importance of each tensor from options.imatrixPath: a .npy vector for every tensor of its
// row length, or the imatrix entry named as the tensor. Tensors measured side by side look theirs
// up at the same time; the warning names the first tensor in file order that had none.
class ImportanceLookup {
public:
    explicit ImportanceLookup(const std::string& path) : m_path(path)
    {
        if (!path.empty())
            checkImportanceFile(path);
    }
    // The importance of t, the index-th tensor of the report (null: none).
    std::unique_ptr<Importance> forTensor(const Tensor& t, int index)
    {
        if (m_path.empty())
            return nullptr;
        try {
            auto imp = std::make_unique<Importance>(loadImportance(m_path, t.name));
            checkImportanceFits(*imp, t.shape, t.name);
            return imp;
        } catch (const Error& e) {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_missing.push_back({index, t.name, e.what()});
            return nullptr;
        }
    }
    void addWarnings(std::vector<std::string>& warnings, size_t measured) const
    {
        if (m_missing.empty())
            return;
        const Missing& first =
            *std::min_element(m_missing.begin(), m_missing.end(),
                              [](const Missing& a, const Missing& b) { return a.index < b.index; });
        warnings.push_back(
            "importance file " + m_path + ": no usable entry for " +
            std::to_string(m_missing.size()) + " of " + std::to_string(measured) +
            " quantized tensors (first: " + first.name + ": " + first.problem +
            "); their weighted error is not computed. A GGUF imatrix names tensors as GGUF "
            "files do (blk.0.attn_q.weight)");
    }

private:
    struct Missing {
        int index = 0;
        std::string name, problem;
    };
    std::string m_path;
    std::mutex m_mutex;
    std::vector<Missing> m_missing;
};

// Sum x^2 and the count of the finite values, in fixed blocks added in order.
struct Signal {
    double energy = 0;
    int64_t count = 0;
};

Signal signalOf(const Tensor& t)
{
    constexpr int64_t kBlock = int64_t(1) << 16;
    const int64_t n = t.numel(), blocks = (n + kBlock - 1) / kBlock;
    std::vector<Signal> parts(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < blocks; ++b) {
        Signal& p = parts[size_t(b)];
        for (int64_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i)
            if (std::isfinite(t.data[size_t(i)])) {
                p.energy += double(t.data[size_t(i)]) * double(t.data[size_t(i)]);
                ++p.count;
            }
    }
    Signal all;
    for (const Signal& p : parts) {
        all.energy += p.energy;
        all.count += p.count;
    }
    return all;
}

// A scheme left out for this tensor: the tensor stays as the file stores it.
SchemeMetrics storedMetrics(const TensorInfo& info, double signal, const std::string& why)
{
    SchemeMetrics m;
    m.skipped = why;
    m.bytes = info.bytes;
    m.bitsPerElement = info.numel > 0 ? 8.0 * double(info.bytes) / double(info.numel) : 0;
    m.signalEnergy = signal;
    return m;
}

struct TensorJob {
    const Tensor& tensor;
    const TensorInfo& info;
    const Importance* importance;
    const CancelToken* cancel;
    Signal signal; // measured only when a scheme is not applied (its stored energy)
};

ColumnWeights columnWeights(const Importance* importance)
{
    ColumnWeights w;
    if (importance) {
        w.values = importance->values.data();
        w.columns = importance->source.columns;
        w.groups = importance->source.groups;
    }
    return w;
}

// The report's numbers from a result's metrics and the statistics of its reconstruction.
SchemeMetrics schemeMetrics(const Metrics& m, const ReconstructionStats& st)
{
    SchemeMetrics r;
    r.ok = true;
    r.rmse = m.rmse;
    r.sqnrDb = m.sqnrDb;
    r.maxAbsError = m.maxAbsError;
    r.sse = m.errorPower;
    r.signalEnergy = m.signalPower;
    r.count = m.count;
    const double rms = m.count > 0 ? std::sqrt(m.signalPower / double(m.count)) : 0;
    r.relRmse = rms > 0 ? m.rmse / rms : (m.rmse == 0 ? 0 : HUGE_VAL);
    r.maxAbsErrorRel = rms > 0 ? m.maxAbsError / rms : (m.maxAbsError == 0 ? 0 : HUGE_VAL);
    const double norms = std::sqrt(m.signalPower) * std::sqrt(st.reconEnergy);
    r.cosine = norms > 0 ? st.dot / norms : (m.signalPower == st.reconEnergy ? 1 : 0);
    r.medianAbsError = st.medianAbsError;
    r.p95AbsError = st.p95AbsError;
    r.bitsPerElement = m.bitsPerElement;
    r.bytes = m.quantizedBytes;
    r.weightedSse = st.weightedSse;
    return r;
}

// One quantization pass that shows its values to the error statistics as it makes them. A
// pass that makes them part by part in scratch (streamsValues) keeps no codes or values, and
// quantizes again in the rare case that the statistics need a further pass; the others keep
// r's buffers, reused from tensor to tensor, and a further pass reads them.
SchemeMetrics measureScheme(const TensorJob& job, const SchemeApplication& a, QuantResult& r)
{
    if (!a.skipped.empty())
        return storedMetrics(job.info, job.signal.energy, a.skipped);
    const Importance* steer = hasImportancePath(a.config.scheme) ? job.importance : nullptr;
    const Tensor& t = job.tensor;
    ErrorStream stream(t.data.data(), t.numel(), columnWeights(job.importance));
    const bool keep = !streamsValues(a.config, t.shape);
    quantizeInto(t, a.config, r, job.cancel, HistogramRequest{}, steer,
                 QuantOutputs{keep, keep, &stream});
    const PairWalk again = [&](ValueObserver& o) { // rare: the values again
        if (keep) {
            showValues(r.dequantized.data(), t.numel(), o, job.cancel);
            return;
        }
        QuantResult scratch;
        quantizeInto(t, a.config, scratch, job.cancel, HistogramRequest{}, steer,
                     QuantOutputs{false, false, &o});
    };
    SchemeMetrics m = schemeMetrics(r.metrics, stream.finish(again, job.cancel));
    m.fallback = a.fallback;
    return m;
}

void rethrowFirst(const std::vector<std::exception_ptr>& errors)
{
    for (const std::exception_ptr& e : errors)
        if (e)
            std::rethrow_exception(e);
}

// Every scheme of one tensor: in turn with one result's buffers for a large tensor, side by side
// with a result each for a small one.
void measureSchemes(const TensorJob& job, const std::vector<SchemeApplication>& apps,
                    std::vector<QuantResult>& work, std::vector<SchemeMetrics>& out)
{
    const size_t n = apps.size();
    out.assign(n, SchemeMetrics{});
    if (job.tensor.numel() >= kSmallTensor || n < 2) {
        for (size_t s = 0; s < n; ++s)
            out[s] = measureScheme(job, apps[s], work[0]);
        return;
    }
    std::vector<std::exception_ptr> errors(n);
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t s = 0; s < int64_t(n); ++s) {
        try {
            out[size_t(s)] = measureScheme(job, apps[size_t(s)], work[size_t(s)]);
        } catch (...) {
            errors[size_t(s)] = std::current_exception();
        }
    }
    rethrowFirst(errors);
}

// The results of one tensor, and its RMS (from a result's sums when a scheme applies).
void measureTensor(TensorJob job, const std::vector<ModelScheme>& schemes, bool keep,
                   std::vector<QuantResult>& work, TensorReport& tr)
{
    std::vector<SchemeApplication> apps;
    bool anySkipped = keep;
    for (const ModelScheme& s : schemes) {
        apps.push_back(keep ? SchemeApplication{s.config, {}, "kept as stored (1-D)"}
                            : applySchemeToShape(s.config, job.tensor.shape));
        anySkipped = anySkipped || !apps.back().skipped.empty();
    }
    if (anySkipped)
        job.signal = signalOf(job.tensor);
    measureSchemes(job, apps, work, tr.results);
    for (const SchemeMetrics& m : tr.results)
        if (m.ok && m.count > 0) {
            job.signal = {m.signalEnergy, m.count};
            break;
        }
    tr.rms = job.signal.count > 0 ? std::sqrt(job.signal.energy / double(job.signal.count)) : 0;
}

// What one thread keeps from tensor to tensor: the previous tensor's storage, reused by the
// next, and a result's buffers per scheme.
struct TensorSlot {
    std::vector<float> room;
    std::vector<QuantResult> work;
};

// A tensor of at most half the largest's elements is measured side by side with another (each
// on one thread), so that the work between the parallel loops inside a tensor's pass (loading
// it, setting up the passes, ordering the gathered errors, adding the block sums in order) no
// longer leaves a core idle, and two such tensors together take no more memory than the
// largest alone; the others are measured one at a time with every thread inside. Returns the
// boundaries of the runs: run r is tensors [b[r], b[r + 1]), measured side by side when
// pairs[r].
std::vector<int64_t> sideBySideRuns(const std::vector<TensorInfo>& infos, int threads,
                                    std::vector<uint8_t>& pairs)
{
    int64_t largest = 0;
    for (const TensorInfo& i : infos)
        largest = std::max(largest, i.numel);
    std::vector<int64_t> b;
    pairs.clear();
    for (size_t i = 0; i < infos.size(); ++i) {
        const bool paired = threads > 1 && 2 * infos[i].numel <= largest;
        if (i == 0 || !paired || !pairs.back()) {
            b.push_back(int64_t(i));
            pairs.push_back(paired);
        }
    }
    b.push_back(int64_t(infos.size()));
    return b;
}

} // namespace

TensorReport describeTensor(const TensorInfo& info)
{
    TensorReport tr;
    tr.name = info.name;
    tr.shape = info.shape;
    tr.params = info.numel;
    tr.stored = info.dtype;
    tr.role = tensorRole(info.name);
    return tr;
}

SchemeMetrics reconstructionMetrics(const Tensor& x, const float* xhat, const Metrics& m,
                                    const Importance* importance, const CancelToken* cancel)
{
    return schemeMetrics(m, reconstructionStats(x.data.data(), xhat, x.numel(), m.maxAbsError,
                                                columnWeights(importance), cancel));
}

void checkNamePatterns(const ModelReportOptions& options)
{
    (void)NameFilter{options};
}

ModelReport computeModelReport(const std::string& path, const std::vector<ModelScheme>& schemes,
                               const ModelReportOptions& options)
{
    if (schemes.empty())
        throw Error("the model report of " + path + " needs at least one scheme");
    const NameFilter filter(options);
    ModelReport report;
    report.path = path;
    report.schemes = schemes;
    report.percentileMethod = kPercentileMethod;
    std::vector<TensorInfo> infos = listTensors(path);
    infos.erase(std::remove_if(infos.begin(), infos.end(),
                               [&](const TensorInfo& i) { return !filter.accepts(i.name); }),
                infos.end());
    ImportanceLookup importance(options.imatrixPath);
    const std::unique_ptr<AgainstModel> against =
        options.againstPath.empty() ? nullptr
                                    : std::make_unique<AgainstModel>(path, options.againstPath);
    const int total = int(infos.size());
    const int slots = std::max(1, std::min(detail::threadCount(), total));
    std::vector<TensorSlot> slot(static_cast<size_t>(slots));
    for (TensorSlot& w : slot)
        w.work.resize(schemes.size());
    report.tensors.resize(size_t(total));
    std::vector<uint8_t> quantized(size_t(total), 0);
    std::atomic<int> done{0};
    // Tensor i on the calling thread's slot (or a worker's, side by side with another).
    auto measureAt = [&](int i, TensorSlot& w) {
        throwIfCancelled(options.cancel);
        if (options.progress && detail::threadId() == 0) // the calling thread's
            options.progress(done.load(), total, infos[size_t(i)].name);
        Tensor t = loadTensor(path, infos[size_t(i)].name, nullptr, std::move(w.room));
        TensorReport tr = describeTensor(infos[size_t(i)]);
        const bool keep = t.rank() <= 1 && !options.quantizeVectors;
        const std::unique_ptr<Importance> imp = keep ? nullptr : importance.forTensor(t, i);
        if (imp)
            tr.importance = imp->source.tensor.empty() ? imp->source.file : imp->source.tensor;
        quantized[size_t(i)] = keep ? 0 : 1;
        measureTensor({t, infos[size_t(i)], imp.get(), options.cancel, {}}, schemes, keep, w.work,
                      tr);
        if (against)
            against->measure(t, imp.get(), options.cancel, tr);
        report.tensors[size_t(i)] = std::move(tr);
        w.room = std::move(t.data);
        ++done;
    };
    std::vector<uint8_t> pairs;
    const std::vector<int64_t> runs = sideBySideRuns(infos, slots, pairs);
    for (size_t r = 0; r < pairs.size(); ++r) {
        const int first = int(runs[r]), end = int(runs[r + 1]);
        if (end - first == 1 || !pairs[r]) {
            for (int i = first; i < end; ++i)
                measureAt(i, slot[0]);
            continue;
        }
        std::vector<std::exception_ptr> errors(size_t(end - first));
#pragma omp parallel for schedule(dynamic, 1) num_threads(slots)
        for (int i = first; i < end; ++i) {
            try {
                measureAt(i, slot[size_t(detail::threadId())]);
            } catch (...) {
                errors[size_t(i - first)] = std::current_exception();
            }
        }
        rethrowFirst(errors);
    }
    throwIfCancelled(options.cancel);
    importance.addWarnings(report.warnings,
                           size_t(std::count(quantized.begin(), quantized.end(), uint8_t(1))));
    if (options.progress)
        options.progress(total, total, std::string());
    aggregateModelReport(report);
    return report;
}

} // namespace qs
