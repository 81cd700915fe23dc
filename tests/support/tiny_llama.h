// A tiny two-layer Llama-like model for the model workbench's tests: Hugging Face names, hidden
// size 32, 4 attention heads and 2 key/value heads of 8, MLP width 64, vocabulary 64; written as
// float32 safetensors, and as a GGUF the way llama.cpp's converter writes it (GGUF names, the q
// and k rows permuted per rotary head, "llama" metadata with the head counts).
#pragma once

#include "core/base/tensor.h"
#include "core/io/gguf_writer.h"
#include "core/io/safetensors_writer.h"
#include "core/model/model_pairing.h"
#include "tests/support/random_tensor.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qs::test {

constexpr int64_t kTinyHeads = 4, kTinyHeadsKv = 2;

inline std::vector<Tensor> tinyLlama(uint32_t seed = 7)
{
    const int64_t d = 32, kv = 16, ffn = 64, vocab = 64;
    std::vector<std::pair<std::string, std::vector<int64_t>>> specs = {
        {"model.embed_tokens.weight", {vocab, d}}};
    for (int layer = 0; layer < 2; ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".";
        specs.push_back({p + "self_attn.q_proj.weight", {d, d}});
        specs.push_back({p + "self_attn.k_proj.weight", {kv, d}});
        specs.push_back({p + "self_attn.v_proj.weight", {kv, d}});
        specs.push_back({p + "self_attn.o_proj.weight", {d, d}});
        specs.push_back({p + "mlp.gate_proj.weight", {ffn, d}});
        specs.push_back({p + "mlp.up_proj.weight", {ffn, d}});
        specs.push_back({p + "mlp.down_proj.weight", {d, ffn}});
        specs.push_back({p + "input_layernorm.weight", {d}});
        specs.push_back({p + "post_attention_layernorm.weight", {d}});
    }
    specs.push_back({"model.norm.weight", {d}});
    specs.push_back({"lm_head.weight", {vocab, d}});
    std::vector<Tensor> out;
    for (const auto& [name, shape] : specs) {
        Tensor t = randomTensor(shape, seed++);
        t.name = name;
        out.push_back(std::move(t));
    }
    return out;
}

// The float32 safetensors file of `tensors`.
inline void writeTinySafetensors(const std::string& path, const std::vector<Tensor>& tensors)
{
    std::vector<SafetensorsEntry> entries;
    for (const Tensor& t : tensors)
        entries.push_back({t.name, "F32", t.shape});
    writeSafetensors(path, entries, [&](size_t i, std::vector<float>& v) { v = tensors[i].data; });
}

// The GGUF of `tensors` as llama.cpp's converter writes a Llama: GGUF names, q rows permuted
// with the head count, k rows with the key/value head count. `add` stores each tensor (its GGUF
// name, values in GGUF layout): F32 when empty.
inline void writeLlamaGguf(const std::string& path, const std::vector<Tensor>& tensors,
                           const std::function<void(GgufWriter&, const Tensor&)>& add = {})
{
    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.setU32("llama.attention.head_count", uint32_t(kTinyHeads));
    w.setU32("llama.attention.head_count_kv", uint32_t(kTinyHeadsKv));
    for (const Tensor& hf : tensors) {
        Tensor t = hf;
        if (hf.name.find("q_proj") != std::string::npos)
            t = permuteRotaryRows(hf, kTinyHeads);
        if (hf.name.find("k_proj") != std::string::npos)
            t = permuteRotaryRows(hf, kTinyHeadsKv);
        t.name = ggufNameOf(hf.name);
        if (add)
            add(w, t);
        else
            w.addFloatTensor(t.name, t.shape, *ggmlTypeByName("F32"), t.data.data());
    }
    w.write(path);
}

} // namespace qs::test
