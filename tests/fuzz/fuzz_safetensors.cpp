// libFuzzer harness: arbitrary bytes as a .safetensors file; lists and loads every tensor.
#include "core/base/error.h"
#include "core/io/safetensors.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto infos = qs::listSafetensors(data, size, "fuzz.safetensors");
        for (const auto& info : infos) {
            const qs::Tensor t =
                qs::loadSafetensorsTensor(data, size, "fuzz.safetensors", info.name);
            if (t.numel() != info.numel)
                __builtin_trap();
        }
    } catch (const qs::Error&) {
    }
    return 0;
}
