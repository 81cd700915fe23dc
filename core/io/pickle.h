// A restricted unpickler for PyTorch checkpoints (the data.pkl of a torch.save zip). It never
// executes anything: it interprets only the opcodes PyTorch's weights_only unpickler accepts,
// resolves GLOBAL against a fixed allow-list (the tensor rebuild functions, the torch.*Storage
// classes, torch.Size, collections.OrderedDict, torch dtypes) and "calls" those symbolically:
// REDUCE of _rebuild_tensor_v2 builds a tensor description, OrderedDict() an empty dict.
// Any other global, any other opcode, and any malformed program give a qs::Error naming the file.
// Values live in one arena and refer to each other by index, so shared and cyclic structures
// cost nothing extra; the interpreter has no recursion and bounds its stack and memo.
#pragma once

#include "core/io/element_convert.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct PickleValue {
    enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };
    Kind kind = Kind::None;
    int64_t integer = 0; // Int, Bool; Storage: element count; Tensor: storage offset
    double real = 0;     // Float
    std::string text;    // String; Global: "module.name"; Storage: its key in data/
    // Tuple, List: the items; Dict: key, value, key, value, ...; Tensor: {storage}.
    std::vector<size_t> items;
    ElementType type = ElementType::F32; // Storage: from its class; Global of a storage class
    std::vector<int64_t> size, stride;   // Tensor
};

struct PickleProgram {
    std::vector<PickleValue> values;
    size_t root = 0; // the value STOP returned
};

// Interprets the pickle in [data, data + size). `where` starts every error message.
PickleProgram unpickleRestricted(const uint8_t* data, size_t size, const std::string& where);

} // namespace qs
