// quantscope-bench --model: the model report on a generated transformer-shaped bf16 safetensors
// model (8 layers, 1024 wide, MLP 2816, vocabulary 16000: 66 tensors, 119M parameters), against
// the loop a user would otherwise run, one `quantscope-cli quantize --input FILE:TENSOR --report`
// per tensor: the real loop of processes when the quantscope-cli binary sits next to this one,
// and the same loop in process (each iteration maps the file and parses its header afresh,
// loads the tensor, quantizes it and writes the JSON report, process start-up excluded).
#include "bench_model.h"

#include "core/io/mapped_file.h"
#include "core/io/safetensors.h"
#include "core/io/safetensors_writer.h"
#include "core/io/tensor_file.h"
#include "core/model/model_report.h"
#include "core/quant/quantize.h"
#include "core/report/report.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int64_t kLayers = 8, kWidth = 1024, kMlp = 2816, kVocab = 16000;

std::vector<qs::SafetensorsEntry> modelEntries()
{
    std::vector<qs::SafetensorsEntry> e;
    e.push_back({"model.embed_tokens.weight", "BF16", {kVocab, kWidth}});
    for (int64_t l = 0; l < kLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        e.push_back({p + "input_layernorm.weight", "BF16", {kWidth}});
        for (const char* n : {"q_proj", "k_proj", "v_proj", "o_proj"})
            e.push_back({p + "self_attn." + n + ".weight", "BF16", {kWidth, kWidth}});
        e.push_back({p + "mlp.gate_proj.weight", "BF16", {kMlp, kWidth}});
        e.push_back({p + "mlp.up_proj.weight", "BF16", {kMlp, kWidth}});
        e.push_back({p + "mlp.down_proj.weight", "BF16", {kWidth, kMlp}});
    }
    e.push_back({"model.norm.weight", "BF16", {kWidth}});
    return e;
}

// Normal weights of standard deviation 0.02 (norms near 1), a few outliers per tensor.
void fillWeights(size_t index, std::vector<float>& v)
{
    std::mt19937 gen(uint32_t(1000 + index));
    if (v.size() == size_t(kWidth)) {
        std::normal_distribution<float> nd(1.0f, 0.05f);
        for (float& x : v)
            x = nd(gen);
        return;
    }
    std::normal_distribution<float> nd(0.0f, 0.02f);
    for (float& x : v)
        x = nd(gen);
    for (size_t k = 0; k < 8; ++k)
        v[(k * 7919 * 104729) % v.size()] = 0.5f * float(k % 2 ? 1 : -1);
}

double seconds(const std::chrono::steady_clock::time_point& t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double peakRssMb()
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_maxrss) / 1024.0;
}

// The per-tensor loop of `quantize --input FILE:TENSOR --report` without process start-up.
double cliLoopSeconds(const std::string& path, const qs::QuantConfig& config)
{
    const auto t0 = std::chrono::steady_clock::now();
    size_t count = 0;
    double sink = 0;
    for (size_t i = 0;; ++i) {
        const qs::MappedFile f(path);
        const std::vector<qs::TensorInfo> infos = qs::listSafetensors(f.data(), f.size(), path);
        if (i >= infos.size())
            break;
        count = infos.size();
        const qs::Tensor t = qs::loadSafetensorsTensor(f.data(), f.size(), path, infos[i].name);
        const qs::QuantResult r = qs::quantize(t, config);
        sink += double(qs::reportJson(t, r).size());
    }
    if (sink < 0 || count == 0)
        std::puts("");
    return seconds(t0);
}

// The quantscope-cli binary in the folder of this executable; empty when there is none.
std::string siblingCli()
{
    char self[4096];
    const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return {};
    std::string path(self, size_t(len));
    const size_t slash = path.rfind('/');
    path =
        (slash == std::string::npos ? std::string(".") : path.substr(0, slash)) + "/quantscope-cli";
    return access(path.c_str(), X_OK) == 0 ? path : std::string();
}

// Runs `cli quantize --input path:NAME --scheme scheme --report -` and waits for it, its output
// to /dev/null. False when it could not start or failed.
bool runCliQuantize(const std::string& cli, const std::string& input, const std::string& scheme)
{
    const pid_t child = fork();
    if (child == 0) {
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        const char* argv[] = {cli.c_str(),    "quantize", "--input", input.c_str(), "--scheme",
                              scheme.c_str(), "--report", "-",       nullptr};
        execv(cli.c_str(), const_cast<char* const*>(argv));
        _exit(127);
    }
    int status = 1;
    return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

// The shell loop of quantize processes, one per tensor, with `cli`; a negative time when a
// process failed.
double cliProcessLoopSeconds(const std::string& cli, const std::string& path,
                             const std::string& scheme)
{
    const std::vector<qs::TensorInfo> infos = qs::listTensors(path);
    const auto t0 = std::chrono::steady_clock::now();
    for (const qs::TensorInfo& info : infos)
        if (!runCliQuantize(cli, path + ":" + info.name, scheme)) {
            std::fprintf(stderr, "quantscope-bench: %s quantize --input %s:%s failed\n",
                         cli.c_str(), path.c_str(), info.name.c_str());
            return -1;
        }
    return seconds(t0);
}

double reportSeconds(const std::string& path, const std::vector<qs::ModelScheme>& schemes)
{
    const auto t0 = std::chrono::steady_clock::now();
    const qs::ModelReport rep = qs::computeModelReport(path, schemes);
    const double s = seconds(t0);
    if (rep.tensors.empty())
        std::puts("");
    return s;
}

// The best time of each measurement over `runs` rounds, each round timing every measurement
// once in turn: a burst of the host's load then slows one run of each, not every run of one.
struct BestTimes {
    double one = 1e30, four = 1e30, loop = 1e30, process = 1e30;
};

BestTimes bestOfRounds(const std::string& path, const std::vector<qs::ModelScheme>& one,
                       const std::vector<qs::ModelScheme>& four, const std::string& cli, int runs,
                       double& rssReport)
{
    BestTimes b;
    for (int r = 0; r < runs; ++r) {
        b.one = std::min(b.one, reportSeconds(path, one));
        b.four = std::min(b.four, reportSeconds(path, four));
        if (r == 0)
            rssReport = peakRssMb(); // the reports' peak, before the loops allocate anything
        b.loop = std::min(b.loop, cliLoopSeconds(path, one[0].config));
        if (!cli.empty() && b.process >= 0) {
            const double p = cliProcessLoopSeconds(cli, path, one[0].name);
            b.process = p < 0 ? p : std::min(b.process, p);
        }
    }
    if (cli.empty())
        b.process = -1;
    return b;
}

// The row of the loop of quantscope-cli processes and the report's speed-up against it (JSON:
// the fields that close the object; null when there is no quantscope-cli beside this binary).
void printProcessLoop(bool json, const std::string& cli, double processS, double oneS)
{
    if (json) {
        if (processS > 0)
            std::printf(",\n \"cli_process_loop_q8_0_s\": %.3f, \"speedup_vs_process_loop\": "
                        "%.2f}\n",
                        processS, processS / oneS);
        else
            std::printf(",\n \"cli_process_loop_q8_0_s\": null, \"speedup_vs_process_loop\": "
                        "null}\n");
        return;
    }
    if (cli.empty())
        std::printf("  quantscope-cli process loop: no quantscope-cli beside quantscope-bench\n");
    else if (processS > 0)
        std::printf("  quantscope-cli process loop q8_0 %8.3f s (%s, one process per tensor)\n"
                    "  report / process loop speed-up  %.2fx\n",
                    processS, cli.c_str(), processS / oneS);
}

} // namespace

int runModelBench(int runs, bool json)
{
    char dirTemplate[] = "/tmp/quantscope-bench-model-XXXXXX";
    const char* dir = mkdtemp(dirTemplate);
    if (!dir) {
        std::fprintf(stderr, "quantscope-bench: cannot make a temporary folder in /tmp\n");
        return 1;
    }
    const std::string path = std::string(dir) + "/model.safetensors";
    const std::vector<qs::SafetensorsEntry> entries = modelEntries();
    int64_t params = 0, largest = 0;
    for (const auto& e : entries) {
        params += qs::shapeProduct(e.shape);
        largest = std::max(largest, qs::shapeProduct(e.shape));
    }
    // Written by a child process, so that this process's peak memory is the reports' alone.
    auto t0 = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child == 0) {
        try {
            qs::writeSafetensors(path, entries, fillWeights);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "quantscope-bench: %s\n", e.what());
            _exit(1);
        }
        _exit(0);
    }
    int status = 1;
    if (child < 0 || waitpid(child, &status, 0) != child || status != 0) {
        std::fprintf(stderr, "quantscope-bench: could not write the model %s\n", path.c_str());
        return 1;
    }
    const double writeS = seconds(t0);
    const double rssBefore = peakRssMb();

    const std::vector<qs::ModelScheme> one = qs::parseModelSchemes("q8_0", {});
    const std::vector<qs::ModelScheme> four =
        qs::parseModelSchemes("int8-channel,q4_0,q4_k,nf4", {});
    const std::string cli = siblingCli();
    double rssReport = 0;
    const BestTimes best = bestOfRounds(path, one, four, cli, runs, rssReport);
    const double oneS = best.one, fourS = best.four, loopS = best.loop, processS = best.process;
    const double largestMb = double(largest) * 4.0 / 1048576.0;
    std::remove(path.c_str());
    rmdir(dir);

    const char* fmt =
        json
            ? "{\"model_params\": %lld, \"model_tensors\": %zu, \"write_s\": %.3f,\n"
              " \"report_q8_0_s\": %.3f, \"report_4_schemes_s\": %.3f, \"cli_loop_q8_0_s\": %.3f,\n"
              " \"speedup_vs_loop\": %.2f, \"four_over_one\": %.2f,\n"
              " \"peak_rss_mb_before_report\": %.1f, \"peak_rss_mb_report\": %.1f,"
              " \"largest_tensor_f32_mb\": %.1f, \"rss_budget_mb\": %.1f"
            : "model: %lld parameters in %zu bf16 tensors (written in %.2f s)\n"
              "  report q8_0                  %8.3f s\n"
              "  report int8-channel,q4_0,q4_k,nf4 %8.3f s\n"
              "  per-tensor quantize loop q8_0 %8.3f s (in process, no start-up)\n"
              "  report / loop speed-up  %.2fx; four schemes / one  %.2fx\n"
              "  peak RSS %.1f MiB before the reports, %.1f MiB after (largest tensor %.1f MiB "
              "of float32, budget 2.5x + 200 = %.1f MiB)\n";
    std::printf(fmt, static_cast<long long>(params), entries.size(), writeS, oneS, fourS, loopS,
                loopS / oneS, fourS / oneS, rssBefore, rssReport, largestMb, 2.5 * largestMb + 200);
    printProcessLoop(json, cli, processS, oneS);
    return 0;
}
