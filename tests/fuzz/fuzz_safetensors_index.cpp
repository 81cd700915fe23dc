// libFuzzer harness: arbitrary bytes as a model.safetensors.index.json. The parser must accept
// only plain shard names; every accepted name is checked again here.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/safetensors_index.h"

#include <string>

QS_FUZZ_READER(safetensors_index)
{
    for (const auto& [tensor, shard] :
         qs::parseSafetensorsIndex(data, size, "fuzz.safetensors.index.json")) {
        if (shard.empty() || shard == "." || shard == ".." ||
            shard.find_first_of("/\\") != std::string::npos)
            qs::fuzz::broken("a shard name that leaves the folder");
    }
}
