// libFuzzer harness: arbitrary bytes as a PyTorch checkpoint (lists it and loads its first
// tensors) and as a bare pickle for the restricted unpickler, so that mutations of the pickle
// are not all stopped by the zip's CRC-32.
#include "core/base/error.h"
#include "core/io/pickle.h"
#include "core/io/torch_checkpoint.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        (void)qs::unpickleRestricted(data, size, "fuzz.pkl");
    } catch (const qs::Error&) {
    }
    try {
        const auto infos = qs::listTorch(data, size, "fuzz.pt");
        for (size_t i = 0; i < infos.size() && i < 16; ++i) {
            const qs::Tensor t = qs::loadTorchTensor(data, size, "fuzz.pt", infos[i].name);
            if (t.numel() != infos[i].numel)
                __builtin_trap();
        }
    } catch (const qs::Error&) {
    }
    return 0;
}
