// The per-element table of a quantization result as CSV: index, original, code, dequantized,
// error (= original - dequantized), floats in their shortest round-trip form. The CLI writes it
// with --csv and the window's data export writes the same file.
#pragma once

#include "core/base/tensor.h"
#include "core/quant/quantize.h"

#include <string>
#include <vector>

namespace qs {

// Writes index,original,code,dequantized,error for every element (atomic; never over a path in
// protectedPaths).
void writeResultCsv(const std::string& path, const Tensor& original, const QuantResult& result,
                    const std::vector<std::string>& protectedPaths = {});

} // namespace qs
