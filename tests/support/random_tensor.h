// A seeded tensor of normal values for the tests, optionally with one outlier a third of the way
// in.
#pragma once

#include "core/base/tensor.h"

#include <random>
#include <vector>

namespace qs::test {

inline Tensor randomTensor(std::vector<int64_t> shape, uint32_t seed, double outlier = 0)
{
    std::mt19937 gen(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    const int64_t n = shapeProduct(shape);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v)
        x = nd(gen);
    if (outlier != 0)
        v[size_t(n / 3)] = float(outlier);
    return Tensor("r", shape, v);
}

} // namespace qs::test
