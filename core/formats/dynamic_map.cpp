// The bitsandbytes dynamic 8-bit map and its binary-search coder (see dynamic_map.h).
#include "core/formats/dynamic_map.h"

#include <algorithm>
#include <cmath>

namespace qs {
namespace {

// torch.linspace(start, end, n) for float32 as its CPU kernel computes it with AVX2 vectors of
// 8: chunks of 16 elements are vectorised (each vector of 8 starts at base = start + step * k,
// or end - step * (n - 1 - k) past the middle, both fused multiply-adds, and its lanes are
// base + float32(j * step)); the remaining elements use the scalar formula, also fused.
std::vector<float> linspace32(float start, float end, int n)
{
    std::vector<float> v(static_cast<size_t>(n));
    const float step = (end - start) / float(n - 1);
    const int half = n / 2;
    auto scalar = [&](int k) {
        return k < half ? std::fma(step, float(k), start) : std::fma(-step, float(n - 1 - k), end);
    };
    constexpr int kLanes = 8;
    int k = 0;
    for (; k + 2 * kLanes <= n; k += 2 * kLanes) // two vectors per step
        for (int first : {k, k + kLanes}) {
            const float base = scalar(first);
            for (int j = 0; j < kLanes; ++j)
                v[size_t(first + j)] = base + float(j) * step;
        }
    for (; k < n; ++k)
        v[size_t(k)] = scalar(k);
    return v;
}

std::vector<float> makeMap()
{
    constexpr int kExponentBits = 7;
    std::vector<float> data;
    for (int i = 0; i < kExponentBits; ++i) {
        const int items = (1 << i) + 1;
        const std::vector<float> b = linspace32(0.1f, 1.0f, items);
        // 10 ** (-(7 - 1) + i): a float64 power of ten, rounded to float32 by the tensor product.
        const float scale = float(std::pow(10.0, double(i - (kExponentBits - 1))));
        for (int k = 0; k + 1 < items; ++k) {
            const float mean = (b[size_t(k)] + b[size_t(k) + 1]) / 2.0f;
            data.push_back(scale * mean);
            data.push_back(-scale * mean);
        }
    }
    data.push_back(0.0f);
    data.push_back(1.0f);
    std::sort(data.begin(), data.end());
    return data;
}

} // namespace

const std::vector<float>& bnbDynamicMap()
{
    static const std::vector<float> map = makeMap();
    return map;
}

int32_t bnbDynamicCode(const float* code, float x)
{
    int pivot = 127, upper = 255, lower = 0;
    float upperVal = 1.0f, lowerVal = -1.0f;
    float val = code[pivot];
    for (int i = 64; i > 0; i >>= 1) {
        if (x > val) {
            lower = pivot;
            lowerVal = val;
            pivot += i;
        } else {
            upper = pivot;
            upperVal = val;
            pivot -= i;
        }
        val = code[pivot];
    }
    if (upper == 255)
        upperVal = code[upper];
    if (lower == 0)
        lowerVal = code[lower];
    if (x > val)
        return x > (upperVal + val) * 0.5f ? upper : pivot;
    return x < (lowerVal + val) * 0.5f ? lower : pivot;
}

} // namespace qs
