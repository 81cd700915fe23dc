// MappedFile: a read-only view of a whole file, memory-mapped (mmap) so that large tensors are
// not copied before conversion. Loaders parse the bytes through this view and check every offset
// against size() before reading. An empty file maps to size() == 0 and data() == nullptr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace qs {

class MappedFile {
public:
    // Opens and maps `path`; throws qs::Error naming the file if it cannot be opened, is a
    // directory, or cannot be mapped.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }
    const std::string& path() const { return m_path; }
    // Drops the mapped pages from the process's resident memory; they stay in the page cache
    // and come back on the next read. The readers that keep a file mapped between loads call
    // it after converting a tensor, so a model read tensor by tensor holds one tensor at a time.
    void releasePages() const;

private:
    std::string m_path;
    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
};

// The last path component ("dir/w.npy" -> "w.npy"), used to prefix error messages.
std::string fileDisplayName(const std::string& path);
// The folder of a path ("dir/w.npy" -> "dir", "w.npy" -> ".", "/w.npy" -> "/").
std::string fileFolder(const std::string& path);

// How a reader of bytes reads a file by path: maps it and returns
// parse(data, size, display name, extra...).
template <class Parse, class... Extra>
auto parseMappedFile(const std::string& path, Parse parse, Extra&&... extra)
{
    MappedFile f(path);
    return parse(f.data(), f.size(), fileDisplayName(path), std::forward<Extra>(extra)...);
}

} // namespace qs
