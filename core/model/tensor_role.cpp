// Tensor roles from names: the name is cut at '.', the layer index is the number after a layer
// container ("layers", "layer", "h", "blk", "block", "blocks"), and the kind comes from the
// last component that is not a parameter suffix ("weight", "bias", "gamma"), read with its parent
// where a family reuses a word (GPT-2's c_proj, BERT's dense).
#include "core/model/tensor_role.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <vector>

namespace qs {

namespace {

std::vector<std::string> splitDots(const std::string& name)
{
    std::vector<std::string> parts;
    std::string cur;
    for (char c : name) {
        if (c == '.') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += char(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    parts.push_back(cur);
    return parts;
}

bool isNumber(const std::string& s)
{
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isLayerContainer(const std::string& s)
{
    return s == "layers" || s == "layer" || s == "h" || s == "blk" || s == "block" || s == "blocks";
}

bool isParameterSuffix(const std::string& s)
{
    return s == "weight" || s == "bias" || s == "scale" || s == "gamma" || s == "beta" ||
           s == "weight_scale";
}

bool oneOf(const std::string& s, std::initializer_list<const char*> words)
{
    for (const char* w : words)
        if (s == w)
            return true;
    return false;
}

bool isNormName(const std::string& s)
{
    return s.find("norm") != std::string::npos || s.rfind("ln_", 0) == 0 || s == "ln";
}

// The kinds a single component names in every family that uses it.
TensorKind kindOfWord(const std::string& w)
{
    if (oneOf(w, {"q_proj", "query", "attn_q", "wq", "q"}))
        return TensorKind::AttnQ;
    if (oneOf(w, {"k_proj", "key", "attn_k", "wk", "k"}))
        return TensorKind::AttnK;
    if (oneOf(w, {"v_proj", "value", "attn_v", "wv", "v"}))
        return TensorKind::AttnV;
    if (oneOf(w, {"qkv_proj", "c_attn", "attn_qkv", "query_key_value", "wqkv", "qkv"}))
        return TensorKind::AttnQkv;
    if (oneOf(w, {"o_proj", "attn_output", "out_proj", "wo"}))
        return TensorKind::AttnOut;
    if (oneOf(w, {"gate_proj", "ffn_gate", "ffn_gate_exps", "w1"}))
        return TensorKind::MlpGate;
    if (oneOf(w, {"up_proj", "ffn_up", "ffn_up_exps", "c_fc", "w3", "dense_h_to_4h", "fc1"}))
        return TensorKind::MlpUp;
    if (oneOf(w, {"down_proj", "ffn_down", "ffn_down_exps", "w2", "dense_4h_to_h", "fc2"}))
        return TensorKind::MlpDown;
    if (oneOf(w, {"embed_tokens", "wte", "wpe", "token_embd", "position_embd", "word_embeddings",
                  "position_embeddings", "token_type_embeddings", "embed_in", "tok_embeddings",
                  "embed_positions"}))
        return TensorKind::Embedding;
    if (oneOf(w, {"lm_head", "embed_out"}))
        return TensorKind::Output;
    return TensorKind::Other;
}

// Words whose meaning depends on where they sit: GPT-2's c_proj (attention output or MLP
// down), BERT's dense (attention output, intermediate = MLP up, layer output = MLP down), GGUF's
// top-level "output" and BERT's prediction decoder (the output head).
TensorKind kindInContext(const std::vector<std::string>& parts, size_t last, bool inLayer)
{
    const std::string& w = parts[last];
    const std::string parent = last > 0 ? parts[last - 1] : std::string();
    const std::string grand = last > 1 ? parts[last - 2] : std::string();
    if (w == "c_proj")
        return parent == "mlp" ? TensorKind::MlpDown : TensorKind::AttnOut;
    if (w == "dense") {
        if (parent == "intermediate")
            return TensorKind::MlpUp;
        if (parent == "output")
            return grand == "attention" ? TensorKind::AttnOut : TensorKind::MlpDown;
        if (parent == "attention" || parent == "self_attention")
            return TensorKind::AttnOut; // GPT-NeoX / Falcon attention.dense
        return TensorKind::Other;
    }
    if (w == "output" && !inLayer && last == 0)
        return TensorKind::Output;
    if (w == "decoder" && parent == "predictions")
        return TensorKind::Output;
    return kindOfWord(w);
}

} // namespace

TensorRole tensorRole(const std::string& name)
{
    TensorRole role;
    const std::vector<std::string> parts = splitDots(name);
    for (size_t i = 0; i + 1 < parts.size(); ++i)
        if (isLayerContainer(parts[i]) && isNumber(parts[i + 1])) {
            role.layer = std::stoi(parts[i + 1]);
            break;
        }
    size_t last = parts.size() - 1;
    while (last > 0 && isParameterSuffix(parts[last]))
        --last;
    const std::string& word = parts[last];
    // GPT-2's "h.N.attn.bias" is the causal mask buffer, not a parameter of a projection.
    if (parts[last] == "attn" && last + 1 < parts.size())
        return role;
    if (isNormName(word)) {
        role.kind = TensorKind::Norm;
        return role;
    }
    role.kind = kindInContext(parts, last, role.layer >= 0);
    return role;
}

const char* tensorKindName(TensorKind kind)
{
    switch (kind) {
    case TensorKind::AttnQ:
        return "attn_q";
    case TensorKind::AttnK:
        return "attn_k";
    case TensorKind::AttnV:
        return "attn_v";
    case TensorKind::AttnQkv:
        return "attn_qkv";
    case TensorKind::AttnOut:
        return "attn_out";
    case TensorKind::MlpGate:
        return "mlp_gate";
    case TensorKind::MlpUp:
        return "mlp_up";
    case TensorKind::MlpDown:
        return "mlp_down";
    case TensorKind::Embedding:
        return "embedding";
    case TensorKind::Output:
        return "output";
    case TensorKind::Norm:
        return "norm";
    case TensorKind::Other:
        break;
    }
    return "other";
}

TensorKind tensorKindFromName(const std::string& name)
{
    for (int k = 0; k < int(TensorKind::Other); ++k)
        if (name == tensorKindName(TensorKind(k)))
            return TensorKind(k);
    return TensorKind::Other;
}

} // namespace qs
