// Pairs the tensors of an original model with those of a quantized copy (for example a Hugging
// Face safetensors model and its GGUF quantization): Hugging Face names mapped to GGUF names,
// GGUF's reversed dimensions, and the row permutation llama.cpp's converter applies to the
// q and k projections of rotary heads, undone with the head counts in the GGUF metadata.
#pragma once

#include "core/base/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// The GGUF name of a Hugging Face tensor name ("model.layers.3.self_attn.q_proj.weight" ->
// "blk.3.attn_q.weight"); empty when the name is not one of the common ones.
std::string ggufNameOf(const std::string& hfName);

// Undoes llama.cpp's permutation of the rows of a q (nHead) or k (nHeadKv) projection: in each
// head the rows were reordered from interleaved pairs to two halves. `t` is [rows, cols].
Tensor unpermuteRotaryRows(const Tensor& t, int64_t heads);
// The permutation itself, for tests and for writing a GGUF the way the converter does.
Tensor permuteRotaryRows(const Tensor& t, int64_t heads);

struct TensorPair {
    std::string original, quantized;
    // Heads for unpermuteRotaryRows, 0: no permutation.
    int64_t rotaryHeads = 0;
};

// The pairs of the two files' tensors (names matched directly or through ggufNameOf; head
// counts read from the quantized file's "<arch>.attention.head_count[_kv]" metadata); tensors
// without a partner are left out. Throws qs::Error naming a file when it cannot be read.
std::vector<TensorPair> pairModelTensors(const std::string& originalPath,
                                         const std::string& quantizedPath);

} // namespace qs
