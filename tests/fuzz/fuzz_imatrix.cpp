// libFuzzer harness: arbitrary bytes as an importance matrix (llama.cpp's imatrix GGUF or the
// legacy .dat format), every entry it lists loaded.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/imatrix.h"

#include <cmath>

QS_FUZZ_READER(imatrix)
{
    for (const std::string& entry : qs::imatrixEntries(data, size, "fuzz.imatrix")) {
        const qs::Importance imp = qs::parseImatrix(data, size, "fuzz.imatrix", entry);
        if (imp.source.columns < 1 || imp.source.groups < 1 ||
            int64_t(imp.values.size()) != imp.source.columns * imp.source.groups)
            qs::fuzz::broken("the values do not fill columns x groups");
        for (float v : imp.values)
            if (!std::isfinite(v) || v < 0)
                qs::fuzz::broken("a non-finite or negative importance was accepted");
    }
}
