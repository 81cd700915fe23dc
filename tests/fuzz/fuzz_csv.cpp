// libFuzzer harness: arbitrary bytes as CSV/TXT text.
#include "core/base/error.h"
#include "core/io/csv_io.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        qs::CsvInfo info;
        const qs::Tensor t = qs::parseCsv(reinterpret_cast<const char*>(data), size, "fuzz.csv",
                                          "fuzz", nullptr, &info);
        if (t.numel() != info.rows * info.cols)
            __builtin_trap();
    } catch (const qs::Error&) {
    }
    return 0;
}
