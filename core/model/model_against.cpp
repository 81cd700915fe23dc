// The against pass of the model report: a quantized copy's stored error per tensor.
#include "core/model/model_against.h"

#include "core/stats/metrics.h"

namespace qs {

AgainstModel::AgainstModel(const std::string& originalPath, const std::string& quantizedPath)
    : m_path(quantizedPath)
{
    for (TensorPair& p : pairModelTensors(originalPath, quantizedPath))
        m_pairs.emplace(p.original, std::move(p));
    if (m_pairs.empty())
        throw Error(quantizedPath + ": none of its tensors pairs with a tensor of " + originalPath +
                    " (by name, or by the GGUF names of Hugging Face names)");
    for (TensorInfo& info : listTensors(quantizedPath))
        m_quantized.emplace(info.name, std::move(info));
}

void AgainstModel::measure(const Tensor& original, const Importance* importance,
                           const CancelToken* cancel, TensorReport& tr) const
{
    tr.against = SchemeMetrics{};
    const auto it = m_pairs.find(original.name);
    if (it == m_pairs.end()) {
        tr.against.skipped = "no partner in " + m_path;
        return;
    }
    const TensorPair& pair = it->second;
    const TensorInfo& info = m_quantized.at(pair.quantized);
    tr.againstName = pair.quantized;
    tr.againstType = info.dtype;
    if (!pair.problem.empty()) {
        tr.against.skipped = pair.problem;
        return;
    }
    const Tensor copy = toOriginalLayout(loadTensor(m_path, pair.quantized), pair);
    throwIfCancelled(cancel);
    Metrics m = computeMetrics(original.data.data(), copy.data.data(), original.numel());
    m.quantizedBytes = info.bytes;
    m.bitsPerElement =
        original.numel() > 0 ? 8.0 * double(info.bytes) / double(original.numel()) : 0;
    tr.against = reconstructionMetrics(original, copy.data.data(), m, importance, cancel);
}

} // namespace qs
