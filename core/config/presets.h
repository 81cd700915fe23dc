// Named presets: a QuantConfig that reproduces what a reference system (PyTorch, ONNX Runtime,
// TensorRT's pytorch-quantization, GGML, bitsandbytes) or one of the course notebooks of
// docs/REFERENCES.md computes, with a one-line description that also says where the system
// computes differently from any QuantScope option. tests/core/config/tst_presets.cpp pins each
// system's published test vectors.
#pragma once

#include "core/config/quant_config.h"

#include <string>
#include <vector>

namespace qs {

struct Preset {
    std::string name;        // "pytorch-quint8-affine", "ggml-q4_0", "notebook-truncation", ...
    std::string system;      // "PyTorch", "ONNX Runtime", "TensorRT", "GGML", "notebook", ...
    std::string description; // one line
    QuantConfig config;
};

// Every preset, grouped by system in a fixed order.
std::vector<Preset> presets();

// The preset of that name; throws qs::Error listing the names for an unknown one. The notebook
// presets' old names (seed000 ... seed004-symmetric) give the same preset, named (and its
// config.preset) as asked, so that a report made with an old name does not change.
const Preset& presetByName(const std::string& name);

// The current name of a preset: the name itself, or for an old name the one that replaced it.
std::string currentPresetName(const std::string& name);

// The current names, in the order of presets().
std::vector<std::string> presetNames();

// The presets of one system, for menus and listings.
struct PresetGroup {
    std::string system;          // the presets' `system` field
    std::string title;           // presetSystemTitle(system)
    std::vector<Preset> presets; // in the order of presets()
};

// Every preset grouped by its `system` field, the groups in the order in which their system
// first appears in presets(). A preset of a new system needs nothing but its system name.
std::vector<PresetGroup> presetGroups();

// A system's name for people ("llama.cpp / GGML" for "GGML", "Course notebooks" for
// "notebook"); a system without an entry in the table of presets.cpp is its own title.
std::string presetSystemTitle(const std::string& system);

} // namespace qs
