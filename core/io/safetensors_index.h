// Sharded Hugging Face safetensors: a `model.safetensors.index.json`
//   {"metadata": {...}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors", ...}}
// beside its shards. Shard names must be plain file names in the index's folder (no '/', '\',
// "..", absolute paths or empty names); each shard is validated and mapped as a lone
// .safetensors file (safetensors.h). A tensor of weight_map missing from its shard, or a name
// listed twice (in weight_map or in two shards), is an error naming the file.
#pragma once

#include "core/base/tensor.h"
#include "core/io/tensor_file.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qs {

// weight_map as (tensor name, shard file name) pairs in file order, validated (names, duplicate
// keys). Throws qs::Error naming `where` and the problem.
std::vector<std::pair<std::string, std::string>>
parseSafetensorsIndex(const uint8_t* data, size_t size, const std::string& where);

// Every tensor of every shard, shard by shard in order of first appearance in weight_map.
std::vector<TensorInfo> listSafetensorsIndex(const std::string& indexPath);
// One tensor, read from its shard only. Empty name: the only tensor (an error naming the
// tensors if there are several).
// `room` as loadSafetensors() takes it.
Tensor loadSafetensorsIndex(const std::string& indexPath, const std::string& name,
                            std::vector<std::string>* warnings = nullptr,
                            std::vector<float> room = {});

// For a shard named like "model-00001-of-00003.safetensors": the path of
// "model.safetensors.index.json" beside it if that file exists, otherwise empty.
std::string indexBesideShard(const std::string& shardPath);

} // namespace qs
