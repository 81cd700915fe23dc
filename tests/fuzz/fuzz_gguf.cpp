// libFuzzer harness: arbitrary bytes as a .gguf file; parses the header, prints every metadata
// value and loads every tensor whose type can be dequantized.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/gguf.h"

QS_FUZZ_READER(gguf)
{
    const qs::GgufHeader h = qs::parseGgufHeader(data, size, "fuzz.gguf");
    for (const auto& kv : h.metadata)
        (void)kv.second.printable();
    for (const auto& t : h.tensors) {
        if (!t.type->decode)
            continue;
        const qs::Tensor tensor = qs::loadGgufTensor(data, size, "fuzz.gguf", t.info.name);
        if (tensor.numel() != t.info.numel)
            qs::fuzz::broken("a tensor loads with another element count than listed");
    }
}
