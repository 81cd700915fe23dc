// libFuzzer harness: arbitrary bytes as an .onnx model; lists the initializers (which checks
// every payload) and loads the first few readable ones. External data is refused here (no
// model folder), so nothing outside the input is read.
#include "core/base/error.h"
#include "core/io/onnx.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto infos = qs::listOnnx(data, size, "fuzz.onnx");
        size_t loaded = 0;
        for (const qs::TensorInfo& info : infos) {
            if (info.bytes == 0 && info.numel != 0)
                continue; // a dtype QuantScope does not read
            if (++loaded > 8)
                break;
            const qs::Tensor t = qs::loadOnnxTensor(data, size, "fuzz.onnx", {}, info.name);
            if (t.numel() != info.numel)
                __builtin_trap();
        }
    } catch (const qs::Error&) {
    }
    return 0;
}
