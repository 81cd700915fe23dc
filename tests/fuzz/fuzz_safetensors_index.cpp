// libFuzzer harness: arbitrary bytes as a model.safetensors.index.json. The parser must accept
// only plain shard names; every accepted name is checked again here.
#include "core/base/error.h"
#include "core/io/safetensors_index.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        for (const auto& [tensor, shard] :
             qs::parseSafetensorsIndex(data, size, "model.safetensors.index.json")) {
            if (shard.empty() || shard == "." || shard == ".." ||
                shard.find_first_of("/\\") != std::string::npos)
                __builtin_trap();
        }
    } catch (const qs::Error&) {
    }
    return 0;
}
