// libFuzzer harness: arbitrary bytes as a PyTorch checkpoint (lists it and loads its first
// tensors). The restricted unpickler alone has its own harness, fuzz_pickle.
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/torch_checkpoint.h"

QS_FUZZ_READER(torch)
{
    const auto infos = qs::listTorch(data, size, "fuzz.pt");
    for (size_t i = 0; i < infos.size() && i < 16; ++i) {
        const qs::Tensor t = qs::loadTorchTensor(data, size, "fuzz.pt", infos[i].name);
        if (t.numel() != infos[i].numel)
            qs::fuzz::broken("a tensor loads with another element count than listed");
    }
}
