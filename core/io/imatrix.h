// Importance vectors for importance-weighted GGML quantization (llama.cpp's imatrix): one
// non-negative weight per input column of a weight tensor, i.e. per position within a row.
//
//   imatrix GGUF (llama-imatrix): per tensor `<tensor>.in_sum2`, F32 of shape [experts, columns]
//     (the sums of squared activations), and `<tensor>.counts`, F32 with one count per expert.
//     The importance is in_sum2 / count per expert slice, as llama-quantize computes it; an
//     expert with count 0 never saw input and gets importance 1 in every column.
//   legacy imatrix (.dat): int32 n_entries, then per entry int32 name length, the name, int32
//     ncall, int32 nval, float32[nval]; optionally int32 last call, int32 dataset name length
//     and the name. The importance is value / ncall (the values as stored when ncall <= 0).
//   .npy: a 1-D vector of float32-convertible values, one per column.
// The file kind is told by its content (GGUF magic) or, for .npy, by the suffix. Every count and
// length is checked against the file size before anything is allocated; non-finite or negative
// importance, negative or non-finite counts and entries of the wrong length are refused with a
// qs::Error naming the file, the tensor and the problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// Where an importance vector came from, as the report records it.
struct ImportanceSource {
    std::string file;    // the file name as given
    std::string tensor;  // the imatrix entry; empty for a .npy vector
    int64_t columns = 0; // weights per row (0: no importance)
    int64_t groups = 1;  // vectors: one per expert of a 3-D tensor, or 1
};

struct Importance {
    ImportanceSource source;
    std::vector<float> values; // columns * groups, expert by expert
};

// The entry `tensor` of an imatrix file (GGUF or legacy), normalised as llama-quantize does.
Importance loadImatrix(const std::string& path, const std::string& tensor);
// The same from the file's bytes; `where` names the file in messages.
Importance parseImatrix(const uint8_t* data, size_t size, const std::string& where,
                        const std::string& tensor);
// The entry names of an imatrix file, in file order.
std::vector<std::string> imatrixEntries(const uint8_t* data, size_t size, const std::string& where);

// A 1-D .npy vector of importance.
Importance loadImportanceNpy(const std::string& path);
// Either kind of file: a .npy vector (by its suffix), else the imatrix entry `tensor`.
Importance loadImportance(const std::string& path, const std::string& tensor);
// qs::Error naming the file and the problem unless `path` is a readable importance file: a
// .npy vector, or an imatrix with entries that all load. Returns the number of entries (1 for
// a .npy vector).
size_t checkImportanceFile(const std::string& path);

// qs::Error naming the importance's file and entry, the tensor and the expected and actual
// lengths unless `importance` fits a tensor of `shape`: columns equal to the last dimension, and
// groups 1 or, for an imatrix of several experts, the first dimension of a 3-D tensor.
void checkImportanceFits(const Importance& importance, const std::vector<int64_t>& shape,
                         const std::string& tensorName);

} // namespace qs
