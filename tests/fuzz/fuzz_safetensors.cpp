// libFuzzer harness: arbitrary bytes as a .safetensors file; lists and loads every tensor.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/safetensors.h"

QS_FUZZ_READER(safetensors)
{
    const auto infos = qs::listSafetensors(data, size, "fuzz.safetensors");
    for (const auto& info : infos) {
        const qs::Tensor t = qs::loadSafetensorsTensor(data, size, "fuzz.safetensors", info.name);
        if (t.numel() != info.numel)
            qs::fuzz::broken("a tensor loads with another element count than listed");
    }
}
