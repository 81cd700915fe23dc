// Seeded, reproducible tensor generators (the course notebooks' np.random / Keras initialisers).
// The same seed and options give the same values on every machine and thread count.
#pragma once

#include "core/base/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

enum class Distribution { Uniform, Normal, Laplace, He, Bimodal };
enum class FanMode { FanIn, FanOut, FanAvg };

struct GeneratorOptions {
    Distribution distribution = Distribution::Normal;
    std::vector<int64_t> shape{1024, 1024};
    uint64_t seed = 0;
    double low = -1, high = 1; // uniform
    double mean = 0, std = 1;  // normal; laplace uses mean and std (b = std / sqrt 2)
    // He / Keras VarianceScaling: truncated normal at 2 std, stddev = sqrt(scale / fan) /
    // 0.87962566
    double heScale = 2.0;
    FanMode fanMode = FanMode::FanIn;
    // Bimodal: half the values around -separation/2, half around +separation/2, each with `std`.
    double separation = 4.0;
    int decimals = -1;          // >= 0: round every value to this many decimals (np.round)
    int64_t outliers = 0;       // number of planted outliers
    double outlierValue = 1000; // their value
    // Where outliers go: "end" (last K elements: the outlier notebook), "start", "random" (seeded)
    std::string outlierPosition = "end";
    std::string name; // tensor name; default "<distribution>"
};

// Throws qs::Error for an invalid shape (empty product, overflow, more than 1e9 elements),
// low >= high, std <= 0 or outliers > numel.
Tensor generate(const GeneratorOptions& options);
// Throws the qs::Error that generate() would throw for these options, without generating.
void checkGeneratorOptions(const GeneratorOptions& options);

std::string toName(Distribution d);
Distribution distributionFromName(const std::string& s); // throws qs::Error listing valid names
std::vector<std::string> distributionNames();

// Keras fans of a shape: 1-D (n,) -> fan_in = fan_out = n; 2-D (in, out); N-D conv kernels
// (..., in, out) with the receptive field multiplied in.
void kerasFans(const std::vector<int64_t>& shape, double& fanIn, double& fanOut);

} // namespace qs
