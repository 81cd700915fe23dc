// libFuzzer harness: arbitrary bytes as a .npy file. Any outcome but a qs::Error is a bug.
#include "core/base/error.h"
#include "core/io/npy.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const qs::Tensor t = qs::decodeNpy(data, size, "fuzz.npy", "fuzz");
        if (static_cast<size_t>(t.numel()) != t.data.size())
            __builtin_trap();
    } catch (const qs::Error&) {
    }
    return 0;
}
