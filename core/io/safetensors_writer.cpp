// The safetensors writer: the JSON header from the entries' shapes and dtypes, then each
// tensor's bytes, little-endian, converted as it is filled.
#include "core/io/safetensors_writer.h"

#include "core/base/error.h"
#include "core/base/tensor.h"
#include "core/io/atomic_file.h"
#include "core/io/element_convert.h"

#include <nlohmann/json.hpp>

#include <cstring>

namespace qs {

namespace {

size_t dtypeSize(const std::string& dtype, const std::string& path)
{
    if (dtype == "F32")
        return 4;
    if (dtype == "F16" || dtype == "BF16")
        return 2;
    throw Error(path + ": cannot write dtype '" + dtype + "' (F32, F16 and BF16 are written)");
}

std::string headerOf(const std::vector<SafetensorsEntry>& entries, const std::string& path)
{
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    uint64_t offset = 0;
    for (const SafetensorsEntry& e : entries) {
        const uint64_t bytes = uint64_t(shapeProduct(e.shape)) * dtypeSize(e.dtype, path);
        header[e.name] = {
            {"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[size_t(i)] = char((uint64_t(text.size()) >> (8 * i)) & 0xff);
    return out + text;
}

void writeValues(AtomicFile& f, const std::string& dtype, const std::vector<float>& values)
{
    if (dtype == "F32") {
        f.write(values.data(), values.size() * sizeof(float));
        return;
    }
    std::vector<uint16_t> half(values.size());
    for (size_t i = 0; i < values.size(); ++i)
        half[i] = dtype == "F16" ? floatToHalf(values[i]) : floatToBfloat16(values[i]);
    f.write(half.data(), half.size() * sizeof(uint16_t));
}

} // namespace

void writeSafetensors(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                      const std::function<void(size_t, std::vector<float>&)>& fill,
                      const std::vector<std::string>& protectedPaths)
{
    const std::string header = headerOf(entries, path);
    AtomicFile f(path, protectedPaths);
    f.write(header);
    std::vector<float> values;
    for (size_t i = 0; i < entries.size(); ++i) {
        values.assign(size_t(shapeProduct(entries[i].shape)), 0.0f);
        fill(i, values);
        writeValues(f, entries[i].dtype, values);
    }
    f.commit();
}

} // namespace qs
