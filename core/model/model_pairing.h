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

// Undoes llama.cpp's permutation of the rows of a q (nHead) or k (nHeadKv) projection. In each
// head of 2h rows, Hugging Face keeps the rotary pairs as two halves (row a*h + j, a = 0, 1) and
// the converter interleaves them (row 2j + a); this moves row 2j + a back to a*h + j. `t` is
// [rows, cols] (a 1-D bias is [rows], more dimensions are rows of the rest). Throws qs::Error
// naming the tensor when the rows are not a whole number of heads of even size.
Tensor unpermuteRotaryRows(const Tensor& t, int64_t heads);
// The permutation itself (row a*h + j of each head to 2j + a), for tests and for writing a GGUF
// the way the converter does.
Tensor permuteRotaryRows(const Tensor& t, int64_t heads);

struct TensorPair {
    std::string original, quantized;
    // Heads for unpermuteRotaryRows, 0: no permutation.
    int64_t rotaryHeads = 0;
    // The quantized tensor holds the original's transpose (GPT-2's Conv1D weights, which the
    // converter transposes into Linear layout).
    bool transposed = false;
    std::vector<int64_t> shape; // the original's shape
    // Why the two cannot be compared ("shape 32x64 in the original, 64x16 in the quantized
    // file"); empty: they can.
    std::string problem;
};

// The quantized tensor of a pair, loaded and dequantized, brought into the original's layout:
// transposed back and its rotary rows unpermuted as the pair says. Throws qs::Error with the
// pair's problem when it has one.
Tensor toOriginalLayout(const Tensor& quantized, const TensorPair& pair);

// The pairs of the two files' tensors in the original's order (names matched directly or
// through ggufNameOf; head counts read from the quantized file's
// "<arch>.attention.head_count[_kv]" metadata, for the architectures whose converter permutes:
// "llama", which Llama, Mistral and Mixtral convert to); tensors without a partner are left out,
// pairs whose shapes differ, or whose head count is missing or does not divide the rows, are kept
// with their `problem`. Throws qs::Error naming a file when it cannot be read.
std::vector<TensorPair> pairModelTensors(const std::string& originalPath,
                                         const std::string& quantizedPath);

} // namespace qs
