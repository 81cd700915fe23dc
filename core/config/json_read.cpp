#include "core/config/json_read.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace qs {

using json = nlohmann::json;

std::string joinPath(const std::string& path, const char* key)
{
    return path.empty() ? std::string(key) : path + "." + key;
}

bool JsonReader::has(const json& obj, const char* key)
{
    return obj.contains(key);
}

void JsonReader::fail(const std::string& path, const std::string& what) const
{
    throw Error(origin + ": " + path + " " + what);
}

void JsonReader::allowKeys(const json& obj, const std::string& path,
                           const std::vector<std::string>& keys) const
{
    if (!obj.is_object())
        fail(path, "must be an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool known = false;
        for (const std::string& k : keys)
            known = known || k == it.key();
        if (known)
            continue;
        std::string valid;
        for (const std::string& k : keys)
            valid += (valid.empty() ? "" : ", ") + k;
        fail(path.empty() ? it.key() : path + "." + it.key(),
             "is not a known key (valid: " + valid + ")");
    }
}

std::string JsonReader::getString(const json& o, const std::string& path, const char* key) const
{
    const json& v = o.at(key);
    if (!v.is_string())
        fail(joinPath(path, key), "must be a string");
    return v.get<std::string>();
}

double JsonReader::getNumber(const json& o, const std::string& path, const char* key) const
{
    const json& v = o.at(key);
    if (!v.is_number())
        fail(joinPath(path, key), "must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d))
        fail(joinPath(path, key), "must be finite");
    return d;
}

int64_t JsonReader::getInt(const json& o, const std::string& path, const char* key) const
{
    const json& v = o.at(key);
    if (v.is_number_integer())
        return v.get<int64_t>();
    if (v.is_number_float()) { // 3.0 is fine, 3.5 is not
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
            return int64_t(d);
    }
    fail(joinPath(path, key), "must be an integer");
}

uint64_t JsonReader::getUnsigned(const json& o, const std::string& path, const char* key) const
{
    const json& v = o.at(key);
    if (v.is_number_unsigned())
        return v.get<uint64_t>();
    const int64_t i = getInt(o, path, key);
    if (i < 0)
        fail(joinPath(path, key), "must not be negative");
    return uint64_t(i);
}

bool JsonReader::getBool(const json& o, const std::string& path, const char* key) const
{
    const json& v = o.at(key);
    if (!v.is_boolean())
        fail(joinPath(path, key), "must be true or false");
    return v.get<bool>();
}

std::vector<double> JsonReader::getNumbers(const json& o, const std::string& path,
                                           const char* key) const
{
    const json& v = o.at(key);
    if (v.is_number())
        return {getNumber(o, path, key)};
    if (!v.is_array())
        fail(joinPath(path, key), "must be a number or a list of numbers");
    std::vector<double> out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number() || !std::isfinite(v[i].get<double>()))
            fail(joinPath(path, key) + "[" + std::to_string(i) + "]", "must be a finite number");
        out.push_back(v[i].get<double>());
    }
    return out;
}

std::vector<int64_t> JsonReader::getInts(const json& o, const std::string& path,
                                         const char* key) const
{
    const json& v = o.at(key);
    if (!v.is_array())
        return {getInt(o, path, key)};
    std::vector<int64_t> out;
    for (size_t i = 0; i < v.size(); ++i) {
        const std::string item = joinPath(path, key) + "[" + std::to_string(i) + "]";
        if (!v[i].is_number())
            fail(item, "must be an integer");
        json wrap = json::object();
        wrap["x"] = v[i];
        out.push_back(getInt(wrap, item, "x"));
    }
    return out;
}

std::pair<double, double> JsonReader::getRange(const json& o, const std::string& path,
                                               const char* key) const
{
    const std::vector<double> v = getNumbers(o, path, key);
    if (v.size() != 2 || !(v[0] <= v[1]))
        fail(joinPath(path, key), "must be a list [low, high] with low <= high");
    return {v[0], v[1]};
}

} // namespace qs
