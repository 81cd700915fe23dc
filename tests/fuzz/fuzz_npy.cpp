// libFuzzer harness: arbitrary bytes as a .npy file. Any outcome but a qs::Error is a bug.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/npy.h"

QS_FUZZ_READER(npy)
{
    const qs::Tensor t = qs::decodeNpy(data, size, "fuzz.npy", "fuzz");
    if (static_cast<size_t>(t.numel()) != t.data.size())
        qs::fuzz::broken("element count differs from the values held");
}
