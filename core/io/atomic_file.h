// AtomicFile: writes an output file so that readers never see a half-written file and a crash
// never destroys the previous version. Bytes go to a temporary file in the same directory,
// which is flushed (fsync) and renamed over the target on commit(). Without commit() (an error,
// an exception) the temporary file is removed and the target is untouched.
// Outputs must never replace the file the data came from: the constructor refuses a target that
// is the same file (same device and inode, so links and "./x" spellings count) as any of the
// protected paths. A symbolic link stays a link (the file it points to is replaced, keeping
// its permissions); a target that exists and is not a regular file (a device such as /dev/null,
// a pipe) is written directly, since there is no file to replace.
//
// Test hook: with the environment variable QS_TEST_STOP_MID_WRITE set, the first time a process
// moves bytes from the buffer to a temporary file it writes only the first half of them and
// stops itself (SIGSTOP), so a test can kill it there with a partial temporary file on disk
// (tests/cli/tst_cli_crash.cpp). Continued (SIGCONT), it goes on as usual.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace qs {

class AtomicFile {
public:
    // Throws qs::Error if `path` is one of `protectedPaths` or the temporary file cannot be
    // created (directory missing or not writable).
    explicit AtomicFile(const std::string& path,
                        const std::vector<std::string>& protectedPaths = {});
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Buffered write; throws qs::Error on failure (disk full, I/O error).
    void write(const void* data, size_t n);
    void write(const std::string& s) { write(s.data(), s.size()); }
    // Flushes, fsyncs and renames the temporary file onto the target. Throws qs::Error.
    void commit();

private:
    void flushBuffer();
    void writeOut(const char* p, size_t n);
    void discard();
    void openDirect(const std::string& name);

    std::string m_path;
    std::string m_tmpPath;
    int m_fd = -1;
    std::string m_buffer;
    bool m_committed = false;
    bool m_direct = false; // writing straight to a device or pipe
};

// Convenience: writes `bytes` to `path` atomically.
void writeFileAtomic(const std::string& path, const std::string& bytes,
                     const std::vector<std::string>& protectedPaths = {});

// True if both paths name the same existing file (device and inode).
bool sameFile(const std::string& a, const std::string& b);

} // namespace qs
