// Text tables of numbers (.csv, .tsv, .txt) in and out.
// Reading: the delimiter is detected from the first non-comment line: ';' if it has one, else a
// tab, else ',', else runs of spaces. With ';' or tab delimiters a decimal comma is accepted
// ("1,5" = 1.5). Fields are trimmed; a UTF-8 byte order mark is skipped. Lines that are empty or
// start with
// '#' are skipped. The first line is a header row if any of its fields is not a number. Values
// "nan", "inf", "-inf", "infinity" (any case, optional sign) are accepted and counted. Every
// row must have the same number of values (otherwise an error names the line). The result is a
// rows x cols 2-D tensor; a single column gives a 1-D tensor of length rows.
// Writing a quantization result as a table: core/report/result_csv.h.
#pragma once

#include "core/base/tensor.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct CsvInfo {
    char delimiter = ','; // ' ' means runs of spaces/tabs
    bool hasHeader = false;
    std::vector<std::string> columnNames; // from the header row
    int64_t rows = 0, cols = 0;
    int64_t nanCount = 0, posInfCount = 0, negInfCount = 0;
};

// Parses text; `where` starts error messages, `name` names the tensor. A warning counting the
// non-finite values is appended to *warnings when there are any.
Tensor parseCsv(const char* text, size_t size, const std::string& where, const std::string& name,
                std::vector<std::string>* warnings = nullptr, CsvInfo* info = nullptr);
// Loads a file; the tensor is named after the file without its suffix.
Tensor loadCsv(const std::string& path, std::vector<std::string>* warnings = nullptr,
               CsvInfo* info = nullptr);

} // namespace qs
