// What a tensor of a model is, parsed from its name: the layer index and the kind (attention
// q/k/v/o, MLP gate/up/down, embeddings, output head, norm) for the common families: Hugging
// Face Llama / Mistral / Qwen / Gemma / GPT-2 / BERT names and GGUF "blk.N.*" names.
#pragma once

#include <string>

namespace qs {

enum class TensorKind {
    AttnQ,
    AttnK,
    AttnV,
    AttnQkv, // fused q/k/v (GPT-2 c_attn, GGUF attn_qkv)
    AttnOut,
    MlpGate,
    MlpUp,
    MlpDown,
    Embedding,
    Output, // the output head (lm_head, output.weight)
    Norm,
    Other
};

struct TensorRole {
    int layer = -1; // -1: not in a numbered layer
    TensorKind kind = TensorKind::Other;
};

TensorRole tensorRole(const std::string& name);
// "attn_q", "attn_k", "attn_v", "attn_qkv", "attn_out", "mlp_gate", "mlp_up", "mlp_down",
// "embedding", "output", "norm", "other".
const char* tensorKindName(TensorKind kind);
// The kind of a tensorKindName ("mlp_down" -> MlpDown); Other for any other text.
TensorKind tensorKindFromName(const std::string& name);

} // namespace qs
