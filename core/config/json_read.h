// Typed reads from parsed JSON with errors that name the value and where it came from, e.g.
// "my.json (lesson 'x'): config.bits must be an integer". The QuantConfig reader of
// config_json.h and the lesson reader (core/teach) read their documents through it.
#pragma once

#include "core/base/error.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace qs {

// "path.key", or "key" when path is empty.
std::string joinPath(const std::string& path, const char* key);

class JsonReader {
public:
    explicit JsonReader(std::string origin) : origin(std::move(origin)) {}

    std::string origin; // prefixes every message (a file name, "lesson 'x'")

    // Throws qs::Error("ORIGIN: PATH WHAT").
    [[noreturn]] void fail(const std::string& path, const std::string& what) const;
    // Fails unless obj is an object whose keys are all in `keys` (the message lists them).
    void allowKeys(const nlohmann::json& obj, const std::string& path,
                   const std::vector<std::string>& keys) const;

    // The value obj[key] (which must exist) as the type, or a failure naming PATH.KEY.
    std::string getString(const nlohmann::json& obj, const std::string& path,
                          const char* key) const;
    double getNumber(const nlohmann::json& obj, const std::string& path,
                     const char* key) const; // finite
    // An integer; 3.0 is accepted, 3.5 is not.
    int64_t getInt(const nlohmann::json& obj, const std::string& path, const char* key) const;
    // A non-negative integer up to 2^64 - 1.
    uint64_t getUnsigned(const nlohmann::json& obj, const std::string& path, const char* key) const;
    bool getBool(const nlohmann::json& obj, const std::string& path, const char* key) const;
    // A number or a list of finite numbers.
    std::vector<double> getNumbers(const nlohmann::json& obj, const std::string& path,
                                   const char* key) const;
    // An integer or a list of integers.
    std::vector<int64_t> getInts(const nlohmann::json& obj, const std::string& path,
                                 const char* key) const;
    // A list [low, high] with low <= high.
    std::pair<double, double> getRange(const nlohmann::json& obj, const std::string& path,
                                       const char* key) const;

    // Whether obj (an object) has the key.
    static bool has(const nlohmann::json& obj, const char* key);
    // For each (key, target) whose key obj has: *target = (this->*read)(obj, path, key), e.g.
    // readEach<double>(o, p, {{"low", &low}, {"high", &high}}, &JsonReader::getNumber).
    template <class T, class Read>
    void readEach(const nlohmann::json& obj, const std::string& path,
                  std::initializer_list<std::pair<const char*, T*>> targets, Read read) const
    {
        for (const auto& [key, target] : targets)
            if (has(obj, key))
                *target = (this->*read)(obj, path, key);
    }

    // f(), with a qs::Error it throws reported as "PATH is invalid: ...".
    template <class F> auto named(const std::string& path, F&& f) const
    {
        try {
            return f();
        } catch (const Error& e) {
            fail(path, std::string("is invalid: ") + e.what());
        }
    }
};

} // namespace qs
