// libFuzzer harness: arbitrary bytes as an .onnx model; lists the initializers (which checks
// every payload) and loads the first few readable ones. External data is refused here (no
// model folder), so nothing outside the input is read.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/onnx.h"

QS_FUZZ_READER(onnx)
{
    const auto infos = qs::listOnnx(data, size, "fuzz.onnx");
    size_t loaded = 0;
    for (const qs::TensorInfo& info : infos) {
        if (info.bytes == 0 && info.numel != 0)
            continue; // a dtype QuantScope does not read
        if (++loaded > 8)
            break;
        const qs::Tensor t = qs::loadOnnxTensor(data, size, "fuzz.onnx", {}, info.name);
        if (t.numel() != info.numel)
            qs::fuzz::broken("an initializer loads with another element count than listed");
    }
}
