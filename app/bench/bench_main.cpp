// quantscope-bench: times the core stages (range methods, quantize with dequantize and metrics,
// histograms, downsampling, and the whole pipeline) on generated normal float32 tensors, per
// tensor, per channel (axis 0 of a 2-D shape) and per group of 32. Each timing is the median
// of several runs. Prints a table, or with --json an array of
// {"name": ..., "elements": N, "median_ms": ...} (low-bit rows add "ratio_to_tensor", their
// time over quantize/tensor's of the same size); the peak resident memory of the process is
// reported at the end (run one size per invocation to measure that size's peak).
#include "bench_model.h"

#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/range/range.h"
#include "core/stats/downsample.h"
#include "core/stats/histogram.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

struct Row {
    std::string name;
    int64_t elements;
    double medianMs;
    double ratio; // to quantize/tensor of the same size (low-bit rows), else 0
};

struct Options {
    std::vector<int64_t> sizes{int64_t(1) << 20, int64_t(1) << 24, int64_t(1) << 26};
    int runs = 5;
    bool json = false;
    bool quick = false; // skip the slow per-slice range methods
    std::string only;   // run only the stages whose name contains this
    bool model = false; // the model report benchmark instead of the stages
    bool runsGiven = false;
};

void usage(FILE* f)
{
    std::fprintf(
        f, "usage: quantscope-bench [--elements N] [--runs R] [--only TEXT] [--quick] [--json]\n"
           "       quantscope-bench --model [--runs R] [--json]\n"
           "\n"
           "Times each core stage on generated normal float32 tensors of 1M, 16M and 64M\n"
           "elements (2^20, 2^24, 2^26), 8-bit asymmetric:\n"
           "  range/<method>                 range estimation only, per tensor\n"
           "  quantize/<granularity>         quantize + dequantize + metrics (min-max)\n"
           "  quantize/<granularity>/<method> the same with another range method\n"
           "  quantize/<scheme>              every low-bit scheme (q8_0 ... iq4_xs, nf4, MX,\n"
           "                                 e4m3) in its own blocks; \"x tensor\" is the\n"
           "                                 ratio to quantize/tensor of the same size\n"
           "  histogram/values, histogram/errors   256 bins over the data / error range\n"
           "                                 the quantizer reports (min, max, max |error|)\n"
           "  histogram/values-auto, histogram/errors-auto   the same, range found first\n"
           "  downsample/minmax, downsample/lttb   to 2000 points\n"
           "  pipeline/<method>              range + quantize + metrics + value and error\n"
           "                                 histograms, per tensor, as a report runs it\n"
           "                                 (codes and dequantized values not kept)\n"
           "Granularities: tensor, channel (axis 0 of a square-ish 2-D shape), group32.\n"
           "Quantize and pipeline stages reuse their result buffers between runs\n"
           "(qs::quantizeInto), as the GUI does; the first, untimed run allocates them.\n"
           "\n"
           "  --elements N   only this size (any N >= 1024); run 64M alone to measure its\n"
           "                 peak memory\n"
           "  --runs R       timed runs per stage, median reported (default 5)\n"
           "  --only TEXT    only the stages whose name contains TEXT (e.g. pipeline)\n"
           "  --quick        skip the per-channel/per-group MSE and entropy stages\n"
           "                 (per-group MSE and entropy run only at sizes up to 1M)\n"
           "  --json         print a JSON array of {name, elements, median_ms} (and\n"
           "                 ratio_to_tensor for the low-bit rows)\n"
           "  --model        the model report instead: a generated 8-layer, 1024-wide bf16\n"
           "                 safetensors model (66 tensors, 119M parameters), the report with\n"
           "                 q8_0 and with int8-channel,q4_0,q4_k,nf4 against the per-tensor\n"
           "                 'quantize --input FILE:TENSOR --report -' loop: run in\n"
           "                 process, and as real processes of the quantscope-cli beside\n"
           "                 this binary (when there is one) with their output to\n"
           "                 /dev/null; and the peak memory. R rounds (default 3) time\n"
           "                 each of the four once in turn; the best of each is shown\n"
           "  --help         this text\n"
           "Peak resident memory (getrusage) is printed last (a \"peak_rss\" row in JSON).\n");
}

double medianMs(int runs, const std::function<void()>& f)
{
    if (runs <= 0)
        return -1; // stage filtered out
    std::vector<double> t;
    f(); // warm-up: page faults, thread pool start
    for (int r = 0; r < runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        const auto t1 = std::chrono::steady_clock::now();
        t.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(t.begin(), t.end());
    const size_t m = t.size() / 2;
    return t.size() % 2 ? t[m] : 0.5 * (t[m - 1] + t[m]);
}

// Rows x cols with rows a power of two near sqrt(n) (cols = n / rows when it divides).
std::vector<int64_t> shapeFor(int64_t n)
{
    int64_t rows = 1;
    while (rows * rows * 4 <= n)
        rows *= 2;
    if (n % rows != 0)
        return {1, n};
    return {rows, n / rows};
}

bool parseInt(const char* s, int64_t& out)
{
    char* end = nullptr;
    const long long v = std::strtoll(s, &end, 10);
    if (!end || *end != '\0' || v <= 0)
        return false;
    out = v;
    return true;
}

volatile double g_sink = 0; // keeps results alive

// Reads the arguments into opt. Returns -1 to run, else the exit code (0 after --help).
int parseArgs(int argc, char** argv, Options& opt)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        } else if (a == "--json") {
            opt.json = true;
        } else if (a == "--model") {
            opt.model = true;
        } else if (a == "--quick") {
            opt.quick = true;
        } else if (a == "--only" && i + 1 < argc) {
            opt.only = argv[++i];
        } else if ((a == "--elements" || a == "--runs") && i + 1 < argc) {
            int64_t v = 0;
            if (!parseInt(argv[++i], v)) {
                std::fprintf(stderr, "quantscope-bench: %s needs a positive integer\n", a.c_str());
                return 2;
            }
            if (a == "--runs") {
                opt.runs = int(std::min<int64_t>(v, 1000));
                opt.runsGiven = true;
            } else {
                if (v < 1024 || v > 1000000000) {
                    std::fprintf(stderr, "quantscope-bench: --elements must be in [1024, 1e9]\n");
                    return 2;
                }
                opt.sizes = {v};
            }
        } else {
            std::fprintf(stderr, "quantscope-bench: unknown argument '%s'\n\n", a.c_str());
            usage(stderr);
            return 2;
        }
    }
    return -1;
}

const std::pair<const char*, qs::RangeMethod> kMethods[] = {
    {"minmax", qs::RangeMethod::MinMax},
    {"percentile", qs::RangeMethod::Percentile},
    {"mse", qs::RangeMethod::MSE},
    {"entropy", qs::RangeMethod::Entropy}};

// The stages on one tensor, recording a row per timed stage.
class Bench {
public:
    explicit Bench(const Options& opt) : m_opt(opt) {}

    void printHeader() const
    {
        if (!m_opt.json)
            std::printf("%-34s %12s %12s %9s\n", "stage", "elements", "median_ms", "x tensor");
    }

    void runSize(int64_t n)
    {
        qs::GeneratorOptions g;
        g.distribution = qs::Distribution::Normal;
        g.shape = shapeFor(n);
        g.seed = 1;
        const auto tg0 = std::chrono::steady_clock::now();
        const qs::Tensor t = qs::generate(g);
        record("generate/normal", n,
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - tg0)
                   .count());
        ranges(t);
        histogramsAndDownsampling(t);
        quantizeStages(t);
        lowbitStages(t);
        pipeline(t);
    }

    void printRowsAndPeakMemory() const;

private:
    bool wanted(const std::string& name) const
    {
        return m_opt.only.empty() || name.find(m_opt.only) != std::string::npos;
    }
    int runsFor(const std::string& name) const { return wanted(name) ? m_opt.runs : 0; }

    // ratioTo > 0: also the ratio ms / ratioTo.
    void record(const std::string& name, int64_t n, double ms, double ratioTo = 0)
    {
        if (ms < 0)
            return;
        const double ratio = ratioTo > 0 ? ms / ratioTo : 0;
        m_rows.push_back({name, n, ms, ratio});
        if (!m_opt.json) {
            std::printf("%-34s %12lld %12.2f", name.c_str(), static_cast<long long>(n), ms);
            if (ratio > 0)
                std::printf(" %8.2fx", ratio);
            std::printf("\n");
            std::fflush(stdout);
        }
    }

    // The median of quantize/tensor at size n: recorded, or timed now (unrecorded) when the
    // filter left it out.
    double tensorMs(const qs::Tensor& t)
    {
        for (const Row& r : m_rows)
            if (r.name == "quantize/tensor" && r.elements == t.numel())
                return r.medianMs;
        qs::QuantResult res;
        return medianMs(m_opt.runs, [&] {
            qs::quantizeInto(t, m_base, res);
            g_sink = g_sink + res.metrics.mse;
        });
    }

    void ranges(const qs::Tensor& t)
    {
        const float* x = t.data.data();
        const int64_t n = t.numel();
        for (const auto& [name, m] : kMethods) {
            qs::QuantConfig c = m_base;
            c.range = m;
            record(std::string("range/") + name, n,
                   medianMs(runsFor(std::string("range/") + name),
                            [&] { g_sink = g_sink + qs::estimateRange(x, n, c).hi; }));
        }
    }

    void histogramsAndDownsampling(const qs::Tensor& t);
    void quantizeStages(const qs::Tensor& t);
    void lowbitStages(const qs::Tensor& t);
    void pipeline(const qs::Tensor& t);

    const Options& m_opt;
    const qs::QuantConfig m_base{}; // 8-bit asymmetric, per tensor
    std::vector<Row> m_rows;
};

void Bench::histogramsAndDownsampling(const qs::Tensor& t)
{
    const float* x = t.data.data();
    const int64_t n = t.numel();
    // A reference result for the histogram stages, only when one runs (it holds codes
    // and dequantized values: two more tensors of memory).
    qs::QuantResult ref;
    if (wanted("histogram/values-auto") || wanted("histogram/errors-auto"))
        ref = qs::quantize(t, m_base);
    const float* xhat = ref.dequantized.data();
    const double vlo = ref.params.dataMin.empty() ? 0.0 : ref.params.dataMin[0];
    const double vhi = ref.params.dataMax.empty() ? 1.0 : ref.params.dataMax[0];
    const double emax = ref.metrics.maxAbsError;
    record("histogram/values", n, medianMs(runsFor("histogram/values"), [&] {
               g_sink = g_sink + double(qs::histogram(x, n, 256, vlo, vhi).counts[0]);
           }));
    record("histogram/errors", n, medianMs(runsFor("histogram/errors"), [&] {
               g_sink = g_sink + double(qs::errorHistogram(x, xhat, n, 256, -emax, emax).counts[0]);
           }));
    record("histogram/values-auto", n, medianMs(runsFor("histogram/values-auto"), [&] {
               g_sink = g_sink + double(qs::histogram(x, n, 256).counts[0]);
           }));
    record("histogram/errors-auto", n, medianMs(runsFor("histogram/errors-auto"), [&] {
               g_sink = g_sink + double(qs::errorHistogram(x, xhat, n, 256).counts[0]);
           }));
    record("downsample/minmax", n, medianMs(runsFor("downsample/minmax"), [&] {
               g_sink = g_sink + qs::downsampleMinMax(x, 0, n, 1000).back().y;
           }));
    record("downsample/lttb", n, medianMs(runsFor("downsample/lttb"), [&] {
               g_sink = g_sink + qs::downsampleLttb(x, 0, n, 2000).back().y;
           }));
}

void Bench::quantizeStages(const qs::Tensor& t)
{
    const int64_t n = t.numel();
    const std::pair<const char*, qs::Granularity> grans[] = {
        {"tensor", qs::Granularity::PerTensor},
        {"channel", qs::Granularity::PerChannel},
        {"group32", qs::Granularity::PerGroup}};
    for (const auto& [gname, gr] : grans) {
        for (const auto& [mname, m] : kMethods) {
            const bool slow = m == qs::RangeMethod::MSE || m == qs::RangeMethod::Entropy;
            if (gr != qs::Granularity::PerTensor && slow &&
                (m_opt.quick || (gr == qs::Granularity::PerGroup && n > (int64_t(1) << 20))))
                continue; // per-group MSE/entropy: only up to 1M elements
            qs::QuantConfig c = m_base;
            c.granularity = gr;
            c.axis = gr == qs::Granularity::PerGroup ? t.rank() - 1 : 0;
            c.groupSize = 32;
            c.range = m;
            std::string name = std::string("quantize/") + gname;
            if (m != qs::RangeMethod::MinMax)
                name += std::string("/") + mname;
            const int r = (slow && gr != qs::Granularity::PerTensor) ? 1 : m_opt.runs;
            qs::QuantResult res; // buffers reused across runs, as the GUI does
            record(name, n, medianMs(wanted(name) ? r : 0, [&] {
                       qs::quantizeInto(t, c, res);
                       g_sink = g_sink + res.metrics.mse;
                   }));
        }
    }
}

// The low-bit schemes timed as quantize/<scheme>: quantize + dequantize + metrics with the
// format's own blocks (along the rows for MX and GGML; groupSize for the bitsandbytes code
// books). A new scheme is one line.
struct LowbitRow {
    const char* scheme;  // the scheme's name (schemeFromName)
    int64_t groupSize;   // QuantConfig::groupSize (used by the code-book schemes)
    int64_t rowMultiple; // rows must be whole blocks of this many elements
};
const LowbitRow kLowbitRows[] = {
    {"q8_0", 32, 32},  {"q4_0", 32, 32},      {"q4_1", 32, 32},   {"q5_0", 32, 32},
    {"q5_1", 32, 32},  {"nf4", 64, 1},        {"mxfp4", 32, 1},   {"mxfp8-e4m3", 32, 1},
    {"e4m3", 32, 1},   {"q2_k", 32, 256},     {"q3_k", 32, 256},  {"q4_k", 32, 256},
    {"q5_k", 32, 256}, {"q6_k", 32, 256},     {"iq4_nl", 32, 32}, {"iq4_xs", 32, 256},
    {"nvfp4", 32, 1},  {"mxfp6-e2m3", 32, 1},
};

void Bench::lowbitStages(const qs::Tensor& t)
{
    double tensor = 0; // timed when the first low-bit row runs
    for (const LowbitRow& row : kLowbitRows) {
        if (t.shape.back() % row.rowMultiple != 0)
            continue;
        qs::QuantConfig c;
        c.scheme = qs::schemeFromName(row.scheme);
        c.groupSize = row.groupSize;
        const std::string name = std::string("quantize/") + row.scheme;
        if (!wanted(name))
            continue;
        if (tensor == 0)
            tensor = tensorMs(t);
        qs::QuantResult res; // buffers reused across runs, as the GUI does
        record(name, t.numel(),
               medianMs(m_opt.runs,
                        [&] {
                            qs::quantizeInto(t, c, res);
                            g_sink = g_sink + res.metrics.mse;
                        }),
               tensor);
    }
}

void Bench::pipeline(const qs::Tensor& t)
{
    qs::HistogramRequest hist;
    hist.valueBins = 256;
    hist.errorBins = 256;
    for (const auto& [name, m] : kMethods) {
        qs::QuantConfig c = m_base;
        c.range = m;
        qs::QuantResult r; // buffers reused across runs, as the GUI does
        // What a report reads: metrics and histograms, no codes or dequantized values.
        const qs::QuantOutputs metricsOnly{false, false};
        record(std::string("pipeline/") + name, t.numel(),
               medianMs(runsFor(std::string("pipeline/") + name), [&] {
                   // Value and error histograms (256 bins) filled in the quantize
                   // pass: no extra pass over the tensor.
                   qs::quantizeInto(t, c, r, nullptr, hist, nullptr, metricsOnly);
                   g_sink = g_sink + r.metrics.mse +
                            double(r.valueHistogram.counts[0] + r.errorHistogram.counts[0]);
               }));
    }
}

// JSON rows (the table was printed as it went), then the peak resident memory.
void Bench::printRowsAndPeakMemory() const
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const double peakMb = double(ru.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
    const double tensorMb = double(m_opt.sizes.back()) * 4.0 / 1048576.0;
    if (m_opt.json) {
        std::printf("[\n");
        for (const Row& r : m_rows) {
            std::printf("  {\"name\": \"%s\", \"elements\": %lld, \"median_ms\": %.3f",
                        r.name.c_str(), static_cast<long long>(r.elements), r.medianMs);
            if (r.ratio > 0)
                std::printf(", \"ratio_to_tensor\": %.3f", r.ratio);
            std::printf("},\n");
        }
        std::printf("  {\"name\": \"peak_rss\", \"elements\": %lld, \"peak_rss_mb\": %.1f, "
                    "\"tensor_mb\": %.1f}\n]\n",
                    static_cast<long long>(m_opt.sizes.back()), peakMb, tensorMb);
    } else {
        std::printf("peak RSS %.1f MiB (largest tensor %.1f MiB of float32, ratio %.2f)\n", peakMb,
                    tensorMb, peakMb / tensorMb);
    }
}

} // namespace

int main(int argc, char** argv)
{
    Options opt;
    const int exitCode = parseArgs(argc, argv, opt);
    if (exitCode >= 0)
        return exitCode;
    if (opt.model) {
        try {
            return runModelBench(opt.runsGiven ? opt.runs : 3, opt.json);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "quantscope-bench: %s\n", e.what());
            return 1;
        }
    }
    Bench bench(opt);
    bench.printHeader();
    try {
        for (const int64_t n : opt.sizes)
            bench.runSize(n);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "quantscope-bench: %s\n", e.what());
        return 1;
    }
    bench.printRowsAndPeakMemory();
    return 0;
}
