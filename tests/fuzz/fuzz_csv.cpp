// libFuzzer harness: arbitrary bytes as CSV/TXT text.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/csv_io.h"

QS_FUZZ_READER(csv)
{
    qs::CsvInfo info;
    const qs::Tensor t =
        qs::parseCsv(reinterpret_cast<const char*>(data), size, "fuzz.csv", "fuzz", nullptr, &info);
    if (t.numel() != info.rows * info.cols)
        qs::fuzz::broken("rows x columns differs from the values read");
}
