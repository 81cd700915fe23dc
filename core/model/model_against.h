// The stored error of a quantized copy of a model (ModelReportOptions::againstPath): each tensor
// of the original paired with its partner in the copy (model_pairing.h), the partner loaded and
// dequantized by the file's reader, brought into the original's layout and measured with the
// same metrics as a scheme's result.
#pragma once

#include "core/base/error.h"
#include "core/base/tensor.h"
#include "core/io/imatrix.h"
#include "core/io/tensor_file.h"
#include "core/model/model_pairing.h"
#include "core/model/model_report.h"

#include <map>
#include <string>

namespace qs {

class AgainstModel {
public:
    // Pairs the two files' tensors; throws qs::Error naming a file that cannot be read, or the
    // copy when none of its tensors pairs with the original's.
    AgainstModel(const std::string& originalPath, const std::string& quantizedPath);
    // Fills tr.against, againstName and againstType for `original` (a tensor of the original
    // model): ok false with the reason in `skipped` when the copy has no partner for it or the
    // two cannot be compared. Size and bits per element are the copy's stored ones.
    void measure(const Tensor& original, const Importance* importance, const CancelToken* cancel,
                 TensorReport& tr) const;

private:
    std::string m_path;
    std::map<std::string, TensorPair> m_pairs;     // by original name
    std::map<std::string, TensorInfo> m_quantized; // by name
};

} // namespace qs
