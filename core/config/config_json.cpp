#include "core/config/config_json.h"

#include "core/config/config_fields.h"

#include <nlohmann/json.hpp>

#include <type_traits>

namespace qs {

namespace {

using json = nlohmann::json;

template <class T>
void writeField(const Field<T>& f, const QuantConfig& c, nlohmann::ordered_json& out)
{
    if (f.reportedWhen && !f.reportedWhen(c) && f.isDefault(c))
        return;
    const T& v = c.*f.member;
    if constexpr (std::is_enum_v<T>)
        out[f.key] = toName(v);
    else
        out[f.key] = v;
}

template <class T>
void readField(const JsonReader& r, const json& o, const std::string& path, const Field<T>& f,
               QuantConfig& c)
{
    if (!o.contains(f.key))
        return;
    T& v = c.*f.member;
    if constexpr (std::is_same_v<T, bool>) {
        v = r.getBool(o, path, f.key);
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        v = r.getUnsigned(o, path, f.key);
    } else if constexpr (std::is_integral_v<T>) {
        const int64_t i = r.getInt(o, path, f.key);
        if (i < f.lo || i > f.hi)
            r.fail(joinPath(path, f.key), "must be an integer in [" + std::to_string(f.lo) + ", " +
                                              std::to_string(f.hi) + "]");
        v = T(i);
    } else if constexpr (std::is_same_v<T, double>) {
        v = r.getNumber(o, path, f.key);
    } else if constexpr (std::is_same_v<T, std::string>) {
        v = r.getString(o, path, f.key);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
        v = r.getNumbers(o, path, f.key);
    } else {
        static_assert(std::is_enum_v<T>, "a QuantConfig field of a type the JSON form lacks");
        const std::string name = r.getString(o, path, f.key);
        v = r.named(joinPath(path, f.key), [&] { return choiceFromName<T>(name); });
    }
}

} // namespace

nlohmann::ordered_json configJson(const QuantConfig& c)
{
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    forEachField([&](const auto& f) { writeField(f, c, out); });
    return out;
}

void applyConfigJson(const JsonReader& reader, const json& object, const std::string& path,
                     QuantConfig& config)
{
    std::vector<std::string> keys;
    forEachField([&](const auto& f) { keys.emplace_back(f.key); });
    reader.allowKeys(object, path, keys);
    forEachField([&](const auto& f) { readField(reader, object, path, f, config); });
}

QuantConfig configFromJson(const json& object, const std::string& origin)
{
    const JsonReader reader(origin);
    QuantConfig c;
    applyConfigJson(reader, object, "", c);
    reader.named("config", [&] {
        c.validate();
        return 0;
    });
    return c;
}

} // namespace qs
