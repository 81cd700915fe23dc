// ParsedFileCache<T>: what a reader parsed from the last version of a file read by path, so
// that loading tensor after tensor of one model (`info`, the model browser) parses its header
// once instead of once per tensor. A version is (path, inode, size, modification time): a file
// changed on disk is parsed again. One entry per cache; thread-safe (parsing holds the lock).
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace qs {

// "path\ninode size mtime" of the file, or "" when it cannot be stat'ed (never cached).
std::string fileVersionKey(const std::string& path);

template <class T> class ParsedFileCache {
public:
    // The cached parse of `path`, or parse(path) (a std::shared_ptr<const T>) kept for next time.
    template <class Parse> std::shared_ptr<const T> get(const std::string& path, Parse parse)
    {
        const std::string key = fileVersionKey(path);
        const std::lock_guard<std::mutex> lock(m_mutex);
        if (m_value && !key.empty() && key == m_key)
            return m_value;
        std::shared_ptr<const T> value = parse(path);
        m_key = key;
        m_value = value;
        return value;
    }

    // The same, parsed by T's constructor from the path.
    std::shared_ptr<const T> get(const std::string& path)
    {
        return get(path, [](const std::string& p) {
            return std::shared_ptr<const T>(std::make_shared<T>(p));
        });
    }

private:
    std::mutex m_mutex;
    std::string m_key;
    std::shared_ptr<const T> m_value;
};

} // namespace qs
