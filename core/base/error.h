// Error types of quantcore. Every failure the user can cause (bad options, bad files, empty
// tensors) is reported as qs::Error with a message that names the problem and, where it helps,
// what to do about it. Cancellation of long work is reported as qs::Cancelled.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

namespace qs {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown when a CancelToken fires during long work; never shown to the user as an error.
class Cancelled : public std::exception {
public:
    const char* what() const noexcept override { return "cancelled"; }
};

// A flag that another thread may raise to stop long work early. Functions that take a
// `const CancelToken*` check it between chunks and throw qs::Cancelled; nullptr means "never".
struct CancelToken {
    std::atomic<bool> cancelled{false};
    void cancel() { cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return cancelled.load(std::memory_order_relaxed); }
};

inline void throwIfCancelled(const CancelToken* token)
{
    if (token && token->isCancelled())
        throw Cancelled();
}

} // namespace qs
