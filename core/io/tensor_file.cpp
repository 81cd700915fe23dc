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

#include <algorithm>
#include <cctype>
#include <sys/stat.h>

namespace qs {

namespace {
std::string lowerSuffix(const std::string& path)
{
    const std::string name = fileDisplayName(path);
    const auto dot = name.find_last_of('.');
    if (dot == std::string::npos)
        return {};
    std::string s = name.substr(dot + 1);
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Each suffix this module loads, in the order error messages list them.
const Named<TensorFileFormat> kSuffixes[] = {{TensorFileFormat::Npy, "npy"},
                                             {TensorFileFormat::Npz, "npz"},
                                             {TensorFileFormat::Safetensors, "safetensors"},
                                             {TensorFileFormat::Gguf, "gguf"},
                                             {TensorFileFormat::Onnx, "onnx"},
                                             {TensorFileFormat::Csv, "csv"},
                                             {TensorFileFormat::Csv, "tsv"},
                                             {TensorFileFormat::Csv, "txt"}};

[[noreturn]] void unknownFormat(const std::string& path)
{
    std::string list;
    for (const std::string& suffix : namesIn(kSuffixes))
        list += (list.empty() ? "." : ", .") + suffix;
    throw Error(fileDisplayName(path) + ": unknown file type (supported: " + list + ")");
}
} // namespace

TensorFileFormat tensorFileFormat(const std::string& path)
{
    const TensorFileFormat* f = valueIn(kSuffixes, lowerSuffix(path));
    return f ? *f : TensorFileFormat::Unknown;
}

bool isTensorFile(const std::string& path)
{
    return tensorFileFormat(path) != TensorFileFormat::Unknown;
}

std::vector<TensorInfo> listTensors(const std::string& path)
{
    switch (tensorFileFormat(path)) {
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
        return listNpz(path);
    case TensorFileFormat::Safetensors:
        return listSafetensors(path);
    case TensorFileFormat::Gguf:
        return listGguf(path);
    case TensorFileFormat::Onnx:
        return listOnnx(path);
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

Tensor loadTensor(const std::string& path, const std::string& member,
                  std::vector<std::string>* warnings)
{
    const TensorFileFormat fmt = tensorFileFormat(path);
    if ((fmt == TensorFileFormat::Npy || fmt == TensorFileFormat::Csv) && !member.empty())
        throw Error(fileDisplayName(path) + ": holds a single tensor; ':" + member +
                    "' cannot pick a member");
    switch (fmt) {
    case TensorFileFormat::Npy:
        return loadNpy(path, warnings);
    case TensorFileFormat::Npz:
        return loadNpz(path, member, warnings);
    case TensorFileFormat::Safetensors:
        return loadSafetensors(path, member, warnings);
    case TensorFileFormat::Gguf:
        return loadGguf(path, member);
    case TensorFileFormat::Onnx:
        return loadOnnx(path, member, warnings);
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
