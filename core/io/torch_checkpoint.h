// PyTorch checkpoints (.pt, .pth, .bin): the zip format torch.save writes since PyTorch 1.6.
// The archive holds <prefix>/data.pkl, a pickle read by the restricted unpickler of pickle.h
// (nothing in it is executed), and one member <prefix>/data/<key> per storage, raw
// little-endian elements. Tensors found anywhere in nested dicts, lists and tuples are named by
// their path with dots (checkpoint["model"]["fc.weight"] -> "model.fc.weight"); a checkpoint
// that is a single tensor names it "tensor". Views are honoured: size, stride and storage offset
// (transposed and sliced tensors, storages shared between tensors), each checked against the
// storage's bytes. The dtype is the element type's name ("float32", "bfloat16", "int64", ...).
// The pre-1.6 format (a bare pickle stream) is refused with a message saying how to re-save, and
// so is an archive holding two members of one name (torch.load's pick between them is arbitrary).
#pragma once

#include "core/base/tensor.h"
#include "core/io/tensor_file.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// Listing and loading from bytes (used by the file functions and the fuzzer).
std::vector<TensorInfo> listTorch(const uint8_t* data, size_t size, const std::string& where);
// Empty name: the only tensor (an error naming the tensors if there are several).
Tensor loadTorchTensor(const uint8_t* data, size_t size, const std::string& where,
                       const std::string& name, std::vector<std::string>* warnings = nullptr);

// The same by path: the archive is mapped and its pickle read once per version of the file
// (parsed_cache.h), so loading many tensors of one checkpoint in turn does not read it each time.
std::vector<TensorInfo> listTorch(const std::string& path);
Tensor loadTorch(const std::string& path, const std::string& name,
                 std::vector<std::string>* warnings = nullptr);

} // namespace qs
