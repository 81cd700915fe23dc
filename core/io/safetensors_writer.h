// Writes .safetensors files (the layout of safetensors.h) from float32 values, converted to the
// stored dtype, one tensor at a time: a model of any size is written without holding it whole.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qs {

struct SafetensorsEntry {
    std::string name;
    std::string dtype; // "F32", "F16" or "BF16" (round to nearest even)
    std::vector<int64_t> shape;
};

// Writes `entries` in order to `path`, atomically (atomic_file.h); fill(i, values) gives the
// float32 values of entry i into `values`, already sized to its element count. The header is
// padded with spaces to a multiple of 8 bytes. Throws qs::Error naming the file for a dtype
// outside F32/F16/BF16, a protected path or a failed write.
void writeSafetensors(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                      const std::function<void(size_t, std::vector<float>&)>& fill,
                      const std::vector<std::string>& protectedPaths = {});

} // namespace qs
