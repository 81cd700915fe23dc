// libFuzzer harness: arbitrary bytes as a .gguf file; parses the header, prints every metadata
// value and loads every tensor whose type can be dequantized.
#include "core/base/error.h"
#include "core/io/gguf.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const qs::GgufHeader h = qs::parseGgufHeader(data, size, "fuzz.gguf");
        for (const auto& kv : h.metadata)
            (void)kv.second.printable();
        for (const auto& t : h.tensors) {
            if (!t.type->decode)
                continue;
            const qs::Tensor tensor = qs::loadGgufTensor(data, size, "fuzz.gguf", t.info.name);
            if (tensor.numel() != t.info.numel)
                __builtin_trap();
        }
    } catch (const qs::Error&) {
    }
    return 0;
}
