// libFuzzer harness: arbitrary bytes as a .npz archive; lists the members and loads each one.
#include "core/base/error.h"
#include "core/io/npz.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto infos = qs::listNpz(data, size, "fuzz.npz");
        for (const auto& info : infos) {
            const qs::Tensor t = qs::loadNpzMember(data, size, "fuzz.npz", info.name);
            if (t.numel() != info.numel)
                __builtin_trap();
        }
    } catch (const qs::Error&) {
    }
    // Loading without listing first takes a different path (no header pre-check of the others).
    try {
        qs::loadNpzMember(data, size, "fuzz.npz", "");
    } catch (const qs::Error&) {
    }
    return 0;
}
