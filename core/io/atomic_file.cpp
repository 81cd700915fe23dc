#include "core/io/atomic_file.h"

#include "core/base/error.h"
#include "core/io/mapped_file.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace qs {

namespace {
constexpr size_t kBufferSize = 1 << 20;

// QS_TEST_STOP_MID_WRITE (see atomic_file.h): true once per process when it is set.
bool takeTestStop()
{
    static std::atomic<bool> pending{std::getenv("QS_TEST_STOP_MID_WRITE") != nullptr};
    return pending.exchange(false);
}
} // namespace

bool sameFile(const std::string& a, const std::string& b)
{
    struct stat sa {
    }, sb{};
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0)
        return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

AtomicFile::AtomicFile(const std::string& path, const std::vector<std::string>& protectedPaths)
    : m_path(path)
{
    const std::string name = fileDisplayName(path);
    if (path.empty())
        throw Error("empty output file name");
    for (const auto& p : protectedPaths) {
        if (p == path || sameFile(p, path))
            throw Error(name + ": refusing to overwrite the input file");
    }
    // A symbolic link stays a link: the file it points to is the one replaced.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        char* real = ::realpath(path.c_str(), nullptr);
        if (real == nullptr)
            throw Error(name + ": is a symbolic link to a missing file or folder");
        m_path = real;
        std::free(real);
    }
    const bool exists = ::stat(m_path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        throw Error(name + ": is a directory, not a file name");
    if (exists && !S_ISREG(st.st_mode)) {
        openDirect(name); // a device, a pipe or a socket: there is no file to replace
        return;
    }

    // A fresh name next to the target (same file system, so rename is atomic). Creating it
    // with open(O_EXCL, 0666) lets the process umask decide the permissions, as for any file.
    std::random_device rd;
    for (int attempt = 0;; ++attempt) {
        char suffix[32];
        std::snprintf(suffix, sizeof suffix, ".tmp-%08x%04x", rd(), attempt & 0xffff);
        m_tmpPath = fileFolder(m_path) + "/." + fileDisplayName(m_path) + suffix;
        m_fd = ::open(m_tmpPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (m_fd >= 0)
            break;
        if (errno != EEXIST || attempt > 100) {
            const int err = errno;
            m_tmpPath.clear();
            throw Error(name + ": cannot create a file in " + fileFolder(m_path) + ": " +
                        std::strerror(err));
        }
    }
    if (exists) // the replacement keeps the permissions of the file it replaces
        ::fchmod(m_fd, st.st_mode & 07777);
    m_buffer.reserve(kBufferSize);
}

void AtomicFile::openDirect(const std::string& name)
{
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CLOEXEC);
    if (m_fd < 0)
        throw Error(name + ": cannot open for writing: " + std::strerror(errno));
    m_direct = true;
    m_buffer.reserve(kBufferSize);
}

AtomicFile::~AtomicFile()
{
    if (!m_committed)
        discard();
}

void AtomicFile::discard()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_tmpPath.empty())
        ::unlink(m_tmpPath.c_str());
}

void AtomicFile::writeOut(const char* p, size_t left)
{
    while (left > 0) {
        const ssize_t w = ::write(m_fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            throw Error(fileDisplayName(m_path) + ": write failed: " + std::strerror(errno));
        }
        p += w;
        left -= static_cast<size_t>(w);
    }
}

void AtomicFile::flushBuffer()
{
    size_t done = 0;
    if (!m_buffer.empty() && takeTestStop()) {
        done = m_buffer.size() / 2;
        writeOut(m_buffer.data(), done);
        ::fsync(m_fd);
        ::raise(SIGSTOP);
    }
    writeOut(m_buffer.data() + done, m_buffer.size() - done);
    m_buffer.clear();
}

void AtomicFile::write(const void* data, size_t n)
{
    if (m_fd < 0 || m_committed)
        throw Error(fileDisplayName(m_path) + ": write after commit");
    if (n == 0)
        return;
    if (m_buffer.size() + n > kBufferSize)
        flushBuffer();
    if (n >= kBufferSize) {
        m_buffer.assign(static_cast<const char*>(data), n);
        flushBuffer();
    } else {
        m_buffer.append(static_cast<const char*>(data), n);
    }
}

void AtomicFile::commit()
{
    const std::string name = fileDisplayName(m_path);
    flushBuffer();
    if (m_direct) {
        const int fd = m_fd;
        m_fd = -1;
        if (::close(fd) != 0)
            throw Error(name + ": close failed: " + std::strerror(errno));
        m_committed = true;
        return;
    }
    if (::fsync(m_fd) != 0)
        throw Error(name + ": fsync failed: " + std::strerror(errno));
    if (::close(m_fd) != 0) {
        m_fd = -1;
        throw Error(name + ": close failed: " + std::strerror(errno));
    }
    m_fd = -1;
    if (::rename(m_tmpPath.c_str(), m_path.c_str()) != 0)
        throw Error(name +
                    ": cannot rename the temporary file into place: " + std::strerror(errno));
    m_committed = true;
    // Make the rename itself durable.
    const int dfd = ::open(fileFolder(m_path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

void writeFileAtomic(const std::string& path, const std::string& bytes,
                     const std::vector<std::string>& protectedPaths)
{
    AtomicFile f(path, protectedPaths);
    f.write(bytes);
    f.commit();
}

} // namespace qs
