// Pairing an original model with a quantized copy: the name map, the rotary row permutation and
// the shape checks.
#include "core/model/model_pairing.h"

#include "core/base/error.h"
#include "core/io/gguf.h"
#include "core/io/tensor_file.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace qs {

namespace {

// Hugging Face module paths inside a numbered layer and their GGUF names: the Llama family
// (Mistral, Qwen, Gemma share them) and GPT-2.
const std::map<std::string, std::string>& layerNames()
{
    static const std::map<std::string, std::string> table = {
        {"self_attn.q_proj", "attn_q"},
        {"self_attn.k_proj", "attn_k"},
        {"self_attn.v_proj", "attn_v"},
        {"self_attn.o_proj", "attn_output"},
        {"self_attn.q_norm", "attn_q_norm"},
        {"self_attn.k_norm", "attn_k_norm"},
        {"mlp.gate_proj", "ffn_gate"},
        {"mlp.up_proj", "ffn_up"},
        {"mlp.down_proj", "ffn_down"},
        {"input_layernorm", "attn_norm"},
        {"post_attention_layernorm", "ffn_norm"},
        {"ln_1", "attn_norm"},
        {"attn.c_attn", "attn_qkv"},
        {"attn.c_proj", "attn_output"},
        {"ln_2", "ffn_norm"},
        {"mlp.c_fc", "ffn_up"},
        {"mlp.c_proj", "ffn_down"},
    };
    return table;
}

// Module paths outside the layers.
const std::map<std::string, std::string>& globalNames()
{
    static const std::map<std::string, std::string> table = {
        {"embed_tokens", "token_embd"}, {"lm_head", "output"},    {"norm", "output_norm"},
        {"wte", "token_embd"},          {"wpe", "position_embd"}, {"ln_f", "output_norm"},
    };
    return table;
}

bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::string stripPrefix(std::string name)
{
    for (const char* prefix : {"model.", "transformer."})
        if (startsWith(name, prefix))
            return name.substr(std::char_traits<char>::length(prefix));
    return name;
}

// "layers.3.self_attn.q_proj" with prefix "layers." -> ("3", "self_attn.q_proj"); false when
// the path is not the prefix, digits, a dot and more.
bool splitNumbered(const std::string& path, const char* prefix, std::string& layer,
                   std::string& rest)
{
    if (!startsWith(path, prefix))
        return false;
    size_t i = std::char_traits<char>::length(prefix), j = i;
    while (j < path.size() && std::isdigit(static_cast<unsigned char>(path[j])))
        ++j;
    if (j == i || j >= path.size() || path[j] != '.')
        return false;
    layer = path.substr(i, j - i);
    rest = path.substr(j + 1);
    return true;
}

// A numbered layer of the Llama family ("layers.N.") or GPT-2 ("h.N.").
bool splitLayer(const std::string& path, std::string& layer, std::string& rest)
{
    return splitNumbered(path, "layers.", layer, rest) || splitNumbered(path, "h.", layer, rest);
}

// Rows of one slice of the permutation: `heads` heads of 2h rows, `cols` values each; row
// a*h + j of a head (the halves) goes to 2j + a (interleaved), or back when `inverse`.
Tensor moveRows(const Tensor& t, int64_t heads, bool inverse)
{
    const int64_t rows = t.shape.empty() ? 1 : t.shape[0];
    if (heads <= 0 || rows % (2 * heads) != 0)
        throw Error("tensor '" + t.name + "': " + std::to_string(rows) +
                    " rows are not a whole number of " + std::to_string(heads) +
                    " rotary heads of an even size");
    const int64_t cols = rows > 0 ? t.numel() / rows : 0, half = rows / heads / 2;
    Tensor out = t;
    for (int64_t h = 0; h < heads; ++h)
        for (int64_t a = 0; a < 2; ++a)
            for (int64_t j = 0; j < half; ++j) {
                const int64_t halves = h * 2 * half + a * half + j;
                const int64_t pairs = h * 2 * half + 2 * j + a;
                const int64_t from = inverse ? pairs : halves, to = inverse ? halves : pairs;
                std::copy_n(t.data.begin() + from * cols, cols, out.data.begin() + to * cols);
            }
    return out;
}

std::vector<int64_t> reversed(std::vector<int64_t> shape)
{
    return {shape.rbegin(), shape.rend()};
}

// Heads of the rotary permutation of GGUF tensor `name` ("blk.N.attn_q.weight"), 0 when the
// converter does not permute it; -1 with `problem` set when the metadata lacks the count.
int64_t rotaryHeadsOf(const std::string& quantizedPath, const std::string& name,
                      std::string& problem)
{
    GgufValue arch;
    if (tensorFileFormat(quantizedPath) != TensorFileFormat::Gguf ||
        !ggufMetadataValue(quantizedPath, "general.architecture", arch) || arch.text != "llama")
        return 0;
    const bool q = name.find(".attn_q.") != std::string::npos;
    const bool k = name.find(".attn_k.") != std::string::npos;
    if (!q && !k)
        return 0;
    const std::string key = arch.text + ".attention.head_count";
    GgufValue v;
    const bool found = (k && ggufMetadataValue(quantizedPath, key + "_kv", v)) ||
                       ggufMetadataValue(quantizedPath, key, v);
    if (found && v.type == GgufValueType::Array && v.count > 0) {
        // a count per layer: the entry of this tensor's layer ("blk.N.")
        std::string layer, rest;
        const bool numbered = splitNumbered(name, "blk.", layer, rest);
        const uint64_t i = numbered && layer.size() < 10 ? std::stoull(layer) : 0;
        v = v.element(i < v.count ? i : 0);
    }
    if (!found || v.asUInt() == 0) {
        problem = "the quantized file has no " + key + " to undo the rotary permutation with";
        return -1;
    }
    return int64_t(v.asUInt());
}

// GPT-2's Conv1D weights ([in, out]), which llama.cpp's converter transposes into Linear layout.
bool isConv1dWeight(const std::string& hfName)
{
    for (const char* part :
         {".attn.c_attn.weight", ".attn.c_proj.weight", ".mlp.c_fc.weight", ".mlp.c_proj.weight"}) {
        const size_t n = std::char_traits<char>::length(part);
        if (hfName.size() > n && hfName.compare(hfName.size() - n, n, part) == 0)
            return true;
    }
    return false;
}

// The shape checks of a pair: equal shapes, or for GPT-2's Conv1D weights renamed from Hugging
// Face names transposed ones (square ones included: the converter always transposes them).
void checkShapes(const TensorInfo& original, const TensorInfo& quantized, bool conv1d,
                 TensorPair& pair)
{
    pair.shape = original.shape;
    if (conv1d && original.shape.size() == 2 && quantized.shape == reversed(original.shape)) {
        pair.transposed = true;
        return;
    }
    if (original.shape == quantized.shape)
        return;
    pair.problem = "shape " + shapeString(original.shape) + " in the original, " +
                   shapeString(quantized.shape) + " in the quantized file" +
                   (original.numel == quantized.numel ? " (the same number of elements)" : "");
}

} // namespace

std::string ggufNameOf(const std::string& hfName)
{
    std::string suffix;
    for (const char* s : {".weight", ".bias"}) {
        const size_t n = std::char_traits<char>::length(s);
        if (hfName.size() > n && hfName.compare(hfName.size() - n, n, s) == 0)
            suffix = s;
    }
    if (suffix.empty())
        return {};
    const std::string path = stripPrefix(hfName.substr(0, hfName.size() - suffix.size()));
    std::string layer, rest;
    if (splitLayer(path, layer, rest)) {
        const auto it = layerNames().find(rest);
        return it == layerNames().end() ? std::string()
                                        : "blk." + layer + "." + it->second + suffix;
    }
    const auto it = globalNames().find(path);
    return it == globalNames().end() ? std::string() : it->second + suffix;
}

Tensor unpermuteRotaryRows(const Tensor& t, int64_t heads)
{
    return moveRows(t, heads, true);
}

Tensor permuteRotaryRows(const Tensor& t, int64_t heads)
{
    return moveRows(t, heads, false);
}

Tensor toOriginalLayout(const Tensor& quantized, const TensorPair& pair)
{
    if (!pair.problem.empty())
        throw Error("tensor '" + pair.original + "': " + pair.problem);
    Tensor t = quantized;
    if (pair.transposed) {
        const int64_t rows = quantized.shape[0], cols = quantized.shape[1];
        t.shape = {cols, rows};
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c)
                t.data[size_t(c * rows + r)] = quantized.data[size_t(r * cols + c)];
    }
    return pair.rotaryHeads > 0 ? unpermuteRotaryRows(t, pair.rotaryHeads) : t;
}

std::vector<TensorPair> pairModelTensors(const std::string& originalPath,
                                         const std::string& quantizedPath)
{
    const std::vector<TensorInfo> original = listTensors(originalPath);
    std::map<std::string, TensorInfo> quantized;
    for (TensorInfo& info : listTensors(quantizedPath))
        quantized.emplace(info.name, std::move(info));
    std::vector<TensorPair> pairs;
    for (const TensorInfo& info : original) {
        auto it = quantized.find(info.name);
        const bool renamed = it == quantized.end();
        if (renamed)
            it = quantized.find(ggufNameOf(info.name));
        if (it == quantized.end())
            continue;
        TensorPair pair;
        pair.original = info.name;
        pair.quantized = it->first;
        checkShapes(info, it->second, renamed && isConv1dWeight(info.name), pair);
        if (renamed && pair.problem.empty()) {
            pair.rotaryHeads = rotaryHeadsOf(quantizedPath, pair.quantized, pair.problem);
            const int64_t rows = pair.shape.empty() ? 1 : pair.shape[0];
            if (pair.rotaryHeads > 0 && rows % (2 * pair.rotaryHeads) != 0)
                pair.problem = std::to_string(rows) + " rows are not a whole number of " +
                               std::to_string(pair.rotaryHeads) + " rotary heads of an even size";
            if (!pair.problem.empty())
                pair.rotaryHeads = 0;
        }
        pairs.push_back(std::move(pair));
    }
    return pairs;
}

} // namespace qs
