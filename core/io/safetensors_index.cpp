#include "core/io/safetensors_index.h"

#include "core/base/error.h"
#include "core/io/mapped_file.h"
#include "core/io/parsed_cache.h"
#include "core/io/safetensors.h"

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sys/stat.h>
#include <utility>

namespace qs {

namespace {

using json = nlohmann::json;
using WeightMap = std::vector<std::pair<std::string, std::string>>;

// A shard must be a file of the index's own folder: no separators, no "..", not empty.
void checkShardName(const std::string& shard, const std::string& where)
{
    if (shard.empty() || shard == "." || shard == ".." ||
        shard.find_first_of("/\\") != std::string::npos || shard.find('\0') != std::string::npos)
        throw Error(where + ": shard name '" + shard +
                    "' is not a plain file name in the index's folder");
}

// The JSON text; a key given twice inside weight_map is reported (nlohmann keeps only one).
json parseJson(const uint8_t* data, size_t size, const std::string& where)
{
    std::string topKey, duplicate;
    std::set<std::string> seen;
    const json::parser_callback_t noteKeys = [&](int depth, json::parse_event_t event,
                                                 json& parsed) {
        if (event == json::parse_event_t::key && depth == 1)
            topKey = parsed.get<std::string>();
        else if (event == json::parse_event_t::key && depth == 2 && topKey == "weight_map" &&
                 !seen.insert(parsed.get<std::string>()).second && duplicate.empty())
            duplicate = parsed.get<std::string>();
        return true;
    };
    json j;
    try {
        j = json::parse(data, data + size, noteKeys);
    } catch (const json::exception& e) {
        throw Error(where + ": invalid JSON: " + e.what());
    }
    if (!duplicate.empty())
        throw Error(where + ": tensor '" + duplicate + "' is listed twice in weight_map");
    return j;
}

std::string folderOf(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// The shard names in order of first appearance.
std::vector<std::string> shardsOf(const WeightMap& map)
{
    std::vector<std::string> shards;
    std::set<std::string> seen;
    for (const auto& entry : map)
        if (seen.insert(entry.second).second)
            shards.push_back(entry.second);
    return shards;
}

// The index, parsed once per version of the file (parsed_cache.h).
std::shared_ptr<const WeightMap> readIndex(const std::string& indexPath)
{
    static ParsedFileCache<WeightMap> cache;
    return cache.get(indexPath, [](const std::string& path) {
        return std::make_shared<const WeightMap>(
            parseMappedFile(path, [](auto... file) { return parseSafetensorsIndex(file...); }));
    });
}

// Runs `read` on one shard; its errors (which name the shard) also name the index.
template <class Read>
auto inShard(const std::string& indexPath, const std::string& shard, Read read)
{
    try {
        return read(folderOf(indexPath) + shard);
    } catch (const Error& e) {
        throw Error(fileDisplayName(indexPath) + ": " + e.what());
    }
}

} // namespace

WeightMap parseSafetensorsIndex(const uint8_t* data, size_t size, const std::string& where)
{
    const json j = parseJson(data, size, where);
    if (!j.is_object())
        throw Error(where + ": not a JSON object");
    const auto map = j.find("weight_map");
    if (map == j.end() || !map->is_object())
        throw Error(where + ": missing object 'weight_map'");
    WeightMap out;
    for (auto it = map->begin(); it != map->end(); ++it) {
        if (!it.value().is_string())
            throw Error(where + ": weight_map entry '" + it.key() + "' is not a file name");
        out.emplace_back(it.key(), it.value().get<std::string>());
        checkShardName(out.back().second, where);
    }
    return out;
}

std::vector<TensorInfo> listSafetensorsIndex(const std::string& indexPath)
{
    const std::string where = fileDisplayName(indexPath);
    const auto index = readIndex(indexPath);
    const WeightMap& map = *index;
    std::map<std::string, std::string> shardOfTensor(map.begin(), map.end());
    std::map<std::string, std::string> foundIn;
    std::vector<TensorInfo> out;
    for (const std::string& shard : shardsOf(map))
        for (TensorInfo& info : inShard(
                 indexPath, shard, [](const std::string& path) { return listSafetensors(path); })) {
            const auto [first, fresh] = foundIn.emplace(info.name, shard);
            if (!fresh)
                throw Error(where + ": tensor '" + info.name + "' is in both " + first->second +
                            " and " + shard);
            out.push_back(std::move(info));
        }
    for (const auto& [tensor, shard] : map) {
        const auto found = foundIn.find(tensor);
        if (found == foundIn.end() || found->second != shard)
            throw Error(where + ": weight_map puts tensor '" + tensor + "' in " + shard +
                        ", which does not hold it");
    }
    return out;
}

Tensor loadSafetensorsIndex(const std::string& indexPath, const std::string& name,
                            std::vector<std::string>* warnings, std::vector<float> room)
{
    const std::string where = fileDisplayName(indexPath);
    const auto index = readIndex(indexPath);
    const WeightMap& map = *index;
    if (name.empty() && map.size() != 1) {
        std::string names;
        for (const auto& entry : map)
            names += (names.empty() ? "" : ", ") + entry.first;
        throw Error(where + (map.empty()
                                 ? std::string(": holds no tensors")
                                 : ": holds " + std::to_string(map.size()) +
                                       " tensors; pick one with PATH:NAME (" + names + ")"));
    }
    const std::string wanted = name.empty() ? map.front().first : name;
    for (const auto& [tensor, shard] : map)
        if (tensor == wanted)
            return inShard(indexPath, shard, [&](const std::string& path) {
                return loadSafetensors(path, wanted, warnings, std::move(room));
            });
    throw Error(where + ": no tensor named '" + wanted + "' in weight_map");
}

std::string indexBesideShard(const std::string& shardPath)
{
    static const std::regex shardName(R"((.+)-\d+-of-\d+\.safetensors)", std::regex::icase);
    std::smatch m;
    const std::string name = fileDisplayName(shardPath);
    if (!std::regex_match(name, m, shardName))
        return {};
    const std::string index = folderOf(shardPath) + m[1].str() + ".safetensors.index.json";
    struct stat st {};
    return ::stat(index.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? index : std::string();
}

} // namespace qs
