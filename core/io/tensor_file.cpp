#include "core/io/tensor_file.h"

#include "core/base/error.h"
#include "core/base/name_table.h"
#include "core/io/csv_io.h"
#include "core/io/gguf.h"
#include "core/io/mapped_file.h"
#include "core/io/npy.h"
#include "core/io/npz.h"
#include "core/io/onnx.h"
#include "core/io/safetensors.h"
#include "core/io/safetensors_index.h"
#include "core/io/torch_checkpoint.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sys/stat.h>
#include <utility>

namespace qs {

namespace {
// Each suffix this module loads, in the order error messages list them. A suffix may have
// several parts ("safetensors.index.json"); the longest one a file name ends with wins.
const Named<TensorFileFormat> kSuffixes[] = {
    {TensorFileFormat::Npy, "npy"},
    {TensorFileFormat::Npz, "npz"},
    {TensorFileFormat::Safetensors, "safetensors"},
    {TensorFileFormat::SafetensorsIndex, "safetensors.index.json"},
    {TensorFileFormat::Gguf, "gguf"},
    {TensorFileFormat::Onnx, "onnx"},
    {TensorFileFormat::Torch, "pt"},
    {TensorFileFormat::Torch, "pth"},
    {TensorFileFormat::Torch, "bin"},
    {TensorFileFormat::Csv, "csv"},
    {TensorFileFormat::Csv, "tsv"},
    {TensorFileFormat::Csv, "txt"}};

// The file name without its folder, in lower case.
std::string lowerName(const std::string& path)
{
    std::string name = fileDisplayName(path);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A shard of a set whose index sits beside it opens as the whole set: `path` becomes the index.
TensorFileFormat resolveShardSet(std::string& path, TensorFileFormat format)
{
    if (format != TensorFileFormat::Safetensors)
        return format;
    std::string index = indexBesideShard(path);
    if (index.empty())
        return format;
    path = std::move(index);
    return TensorFileFormat::SafetensorsIndex;
}

[[noreturn]] void unknownFormat(const std::string& path)
{
    std::string list;
    for (const std::string& suffix : namesIn(kSuffixes))
        list += (list.empty() ? "." : ", .") + suffix;
    throw Error(fileDisplayName(path) + ": unknown file type (supported: " + list + ")");
}

// .bin is also the suffix of raw dumps: only a zip or a pickle stream is read as a PyTorch
// checkpoint; anything else is an unknown file type.
void checkTorchBin(const std::string& path)
{
    if (!endsWith(lowerName(path), ".bin"))
        return;
    MappedFile f(path);
    const uint8_t* d = f.data();
    if (f.size() < 2 || !((d[0] == 'P' && d[1] == 'K') || d[0] == 0x80))
        unknownFormat(path);
}
} // namespace

TensorFileFormat tensorFileFormat(const std::string& path)
{
    const std::string name = lowerName(path);
    const Named<TensorFileFormat>* best = nullptr;
    for (const Named<TensorFileFormat>& s : kSuffixes)
        if (endsWith(name, std::string(".") + s.name) &&
            (!best || std::strlen(best->name) < std::strlen(s.name)))
            best = &s;
    return best ? best->value : TensorFileFormat::Unknown;
}

bool isTensorFile(const std::string& path)
{
    return tensorFileFormat(path) != TensorFileFormat::Unknown;
}

std::vector<TensorInfo> listTensors(const std::string& file)
{
    std::string path = file;
    switch (resolveShardSet(path, tensorFileFormat(path))) {
    case TensorFileFormat::Npy: {
        MappedFile f(path);
        const NpyHeader h = parseNpyHeader(f.data(), f.size(), fileDisplayName(path), true);
        TensorInfo info;
        info.name = fileDisplayName(path);
        if (info.name.size() > 4)
            info.name.resize(info.name.size() - 4);
        info.dtype = h.descr;
        info.shape = h.shape;
        info.numel = h.numel;
        info.bytes = static_cast<int64_t>(h.dataBytes);
        return {info};
    }
    case TensorFileFormat::Npz:
        return parseMappedFile(path, listNpz);
    case TensorFileFormat::Safetensors:
        return listSafetensors(path);
    case TensorFileFormat::SafetensorsIndex:
        return listSafetensorsIndex(path);
    case TensorFileFormat::Gguf:
        return listGguf(path);
    case TensorFileFormat::Onnx:
        return listOnnx(path);
    case TensorFileFormat::Torch:
        checkTorchBin(path);
        return listTorch(path);
    case TensorFileFormat::Csv: {
        const Tensor t = loadCsv(path);
        TensorInfo info;
        info.name = t.name;
        info.dtype = t.dtype;
        info.shape = t.shape;
        info.numel = t.numel();
        info.bytes = static_cast<int64_t>(MappedFile(path).size());
        return {info};
    }
    case TensorFileFormat::Unknown:
        break;
    }
    unknownFormat(path);
}

Tensor loadTensor(const std::string& file, const std::string& member,
                  std::vector<std::string>* warnings, std::vector<float> room)
{
    std::string path = file;
    const TensorFileFormat fmt = resolveShardSet(path, tensorFileFormat(path));
    if ((fmt == TensorFileFormat::Npy || fmt == TensorFileFormat::Csv) && !member.empty())
        throw Error(fileDisplayName(path) + ": holds a single tensor; ':" + member +
                    "' cannot pick a member");
    switch (fmt) {
    case TensorFileFormat::Npy:
        return loadNpy(path, warnings);
    case TensorFileFormat::Npz:
        return parseMappedFile(path, loadNpzMember, member, warnings);
    case TensorFileFormat::Safetensors:
        return loadSafetensors(path, member, warnings, std::move(room));
    case TensorFileFormat::SafetensorsIndex:
        return loadSafetensorsIndex(path, member, warnings, std::move(room));
    case TensorFileFormat::Gguf:
        return loadGguf(path, member);
    case TensorFileFormat::Onnx:
        return loadOnnx(path, member, warnings);
    case TensorFileFormat::Torch:
        checkTorchBin(path);
        return loadTorch(path, member, warnings);
    case TensorFileFormat::Csv:
        return loadCsv(path, warnings);
    case TensorFileFormat::Unknown:
        break;
    }
    unknownFormat(path);
}

void splitPathMember(const std::string& spec, std::string& path, std::string& member)
{
    struct stat st {};
    const auto colon = spec.find_last_of(':');
    if (::stat(spec.c_str(), &st) == 0 || colon == std::string::npos || colon == 0) {
        path = spec;
        member.clear();
        return;
    }
    path = spec.substr(0, colon);
    member = spec.substr(colon + 1);
}

size_t pickTensorIndex(const std::vector<TensorInfo>& infos, const std::string& where,
                       const std::string& name)
{
    for (size_t i = 0; i < infos.size() && !name.empty(); ++i)
        if (infos[i].name == name)
            return i;
    if (!name.empty())
        throw Error(where + ": no tensor named '" + name + "' (tensors: " + joinNames(infos) + ")");
    if (infos.size() != 1)
        throw Error(where + (infos.empty() ? std::string(": holds no tensors")
                                           : ": holds " + std::to_string(infos.size()) +
                                                 " tensors; pick one with PATH:NAME (" +
                                                 joinNames(infos) + ")"));
    return 0;
}

std::string joinNames(const std::vector<TensorInfo>& infos)
{
    std::string s;
    for (const auto& i : infos)
        s += (s.empty() ? "" : ", ") + i.name;
    return s;
}

} // namespace qs
