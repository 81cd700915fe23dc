// The fixed input of the GGML quantizer tests and the hash their golden bytes are kept as: the
// reference runs of ggml-quants.c used the same two functions.
#pragma once

#include <cstdint>
#include <string>

namespace qs::test {

// A fixed, platform-independent input: hashed integers scaled by 1..5, every 37th value 0.
inline float ggmlTestValue(uint32_t i)
{
    uint32_t h = i * 2654435761u;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    if (i % 37 == 0)
        return 0.0f;
    return float(int32_t(h)) * 0x1p-31f * float(1 + i % 5);
}

// FNV-1a, 64 bits.
inline uint64_t fnv1a(const std::string& bytes)
{
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace qs::test
