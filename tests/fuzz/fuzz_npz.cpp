// libFuzzer harness: arbitrary bytes as a .npz archive; lists the members and loads each one.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/npz.h"

QS_FUZZ_READER(npz)
{
    try {
        for (const auto& info : qs::listNpz(data, size, "fuzz.npz")) {
            const qs::Tensor t = qs::loadNpzMember(data, size, "fuzz.npz", info.name);
            if (t.numel() != info.numel)
                qs::fuzz::broken("a member loads with another element count than listed");
        }
    } catch (const qs::Error&) {
    }
    // Loading without listing first takes a different path (no header pre-check of the others).
    (void)qs::loadNpzMember(data, size, "fuzz.npz", "");
}
