// Named presets: a QuantConfig that reproduces what a reference system (PyTorch, ONNX Runtime,
// TensorRT's pytorch-quantization, GGML, bitsandbytes) or one of the course notebooks computes,
// with a one-line description that also says where the system computes differently from any
// QuantScope option. tests/core/config/tst_presets.cpp pins each system's published vectors.
#pragma once

#include "core/config/quant_config.h"

#include <string>
#include <vector>

namespace qs {

struct Preset {
    std::string name;        // "pytorch-quint8-affine", "ggml-q4_0", "seed000", ...
    std::string system;      // "PyTorch", "ONNX Runtime", "TensorRT", "GGML", ...
    std::string description; // one line
    QuantConfig config;
};

// Every preset, grouped by system in a fixed order.
std::vector<Preset> presets();

// The preset of that name; throws qs::Error listing the names for an unknown one.
const Preset& presetByName(const std::string& name);

// The names, in the order of presets().
std::vector<std::string> presetNames();

} // namespace qs
