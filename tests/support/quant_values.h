// Small inputs and plain views of results for the quantizer tests: a 1-D tensor from a list of
// values (stored as float32, as QuantScope stores tensors) and the codes as ints.
#pragma once

#include "core/quant/quantize.h"

#include <vector>

namespace qs::test {

inline Tensor vec(const std::vector<double>& v, const char* name = "x")
{
    std::vector<float> f(v.begin(), v.end());
    return Tensor(name, {int64_t(f.size())}, f);
}

inline std::vector<int> codesOf(const QuantResult& r)
{
    return {r.codes.begin(), r.codes.end()};
}

} // namespace qs::test
