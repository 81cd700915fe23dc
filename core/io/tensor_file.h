// One entry point for every tensor file format of the core, picked by the file suffix:
//   .npy                   one array
//   .npz                   one array per member (np.savez / np.savez_compressed)
//   .safetensors           named tensors (Hugging Face); a shard "model-00001-of-00003.safetensors"
//                          with "model.safetensors.index.json" beside it opens the whole set
//   .safetensors.index.json   a sharded safetensors model (see safetensors_index.h)
//   .gguf                  named tensors, block-quantized or plain (llama.cpp; see gguf.h)
//   .onnx                  a model's initializers (see onnx.h)
//   .pt .pth .bin          PyTorch checkpoints, read without running them (torch_checkpoint.h)
//   .csv .txt .tsv         numbers in rows and columns (see csv_io.h)
// Images are loaded by the Qt layer (ui/image_tensor.h), not here.
#pragma once

#include "core/base/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// What a file holds, without converting the values.
struct TensorInfo {
    std::string name;
    std::string dtype; // as the file names it: "<f4", "BF16", "float64" (csv), "Q4_K" (gguf)
    std::vector<int64_t> shape;
    int64_t numel = 0;
    int64_t bytes = 0; // size of the stored data in the file
    // Stored bits per element where the format says (GGUF: 4.5 for Q4_K); 0 for the others.
    double bitsPerWeight = 0;
    // How the stored values map to real ones where the file says so, for display: ONNX
    // DequantizeLinear inputs "per tensor, scale 0.05, zero point 0". Empty for the others.
    std::string detail;
};

enum class TensorFileFormat {
    Npy,
    Npz,
    Safetensors,
    SafetensorsIndex,
    Gguf,
    Onnx,
    Torch,
    Csv,
    Unknown
};

// By suffix, case-insensitive.
TensorFileFormat tensorFileFormat(const std::string& path);
// True for suffixes this module loads.
bool isTensorFile(const std::string& path);

// Every tensor in the file. Throws qs::Error naming the file and the problem.
std::vector<TensorInfo> listTensors(const std::string& path);

// Loads one tensor as float32. `member` picks a tensor of a .npz (with or without ".npy") or
// .safetensors (or a sharded set), .gguf, .onnx or PyTorch file; empty means "the only one" (an
// error listing the names if there are several). Warnings (precision lost in conversion,
// non-finite values in CSV) are appended to *warnings. Throws qs::Error naming the file and the
// problem. `room`: a vector whose storage the values may reuse (safetensors; its contents do not
// matter), so that tensors loaded in turn touch fresh memory once.
Tensor loadTensor(const std::string& path, const std::string& member = {},
                  std::vector<std::string>* warnings = nullptr, std::vector<float> room = {});

// Splits "PATH[:TENSOR]": if the whole `spec` names an existing file, it is all path;
// otherwise it is split at the last ':' (tensor names may not contain ':' then).
void splitPathMember(const std::string& spec, std::string& path, std::string& member);

// The index of the tensor called `name` in `infos`; empty name: the only one. Throws qs::Error
// naming `where` and the tensors when there is no such tensor or several to choose from.
size_t pickTensorIndex(const std::vector<TensorInfo>& infos, const std::string& where,
                       const std::string& name);

// "arr_0, arr_1, w" for error messages.
std::string joinNames(const std::vector<TensorInfo>& infos);

} // namespace qs
