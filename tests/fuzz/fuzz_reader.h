// One reader's whole work on one input, shared by its libFuzzer harness (fuzz_<reader>.cpp) and
// by tst_fuzz_regressions, which runs the same function on every committed seed and crash input.
// QS_FUZZ_READER(name) { ... } defines qsFuzzRead_<name>(data, size): it throws qs::Error for an
// input the reader rejects (a clean outcome) and qs::fuzz::Broken when the reader's own answers
// disagree (a listing and a load, a parse and a re-parse). The harness's entry point catches
// qs::Error only, so anything else stops the fuzzer as a crash.
#pragma once

#include "core/base/error.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace qs::fuzz {

struct Broken : std::logic_error {
    using std::logic_error::logic_error;
};

[[noreturn]] inline void broken(const char* what)
{
    throw Broken(what);
}

} // namespace qs::fuzz

#ifdef QS_FUZZ_NO_ENTRY // the regression test calls the readers itself
#define QS_FUZZ_ENTRY(reader)
#else
#define QS_FUZZ_ENTRY(reader)                                                                      \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)                        \
    {                                                                                              \
        try {                                                                                      \
            qsFuzzRead_##reader(data, size);                                                       \
        } catch (const qs::Error&) {                                                               \
        }                                                                                          \
        return 0;                                                                                  \
    }
#endif

#define QS_FUZZ_READER(reader)                                                                     \
    void qsFuzzRead_##reader(const uint8_t* data, size_t size);                                    \
    QS_FUZZ_ENTRY(reader)                                                                          \
    void qsFuzzRead_##reader(const uint8_t* data, size_t size)
