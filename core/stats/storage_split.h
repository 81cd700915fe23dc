// StorageSplit: where the bits of a quantized tensor go. Every scheme counts its storage as four
// parts, in bits over the whole tensor, whose sum is the result's quantizedBits:
//   payload       the codes of the elements (4 bits each for a 4-bit format)
//   scales        the first-level scales: one per slice or block (integer scales, MX E8M0,
//                 NVFP4 E4M3, GGML d of a block or 6/8-bit sub-block scales, code-book absmax),
//                 and the stored table of a code-book scheme (the values a code stands for)
//   mins          offsets added after scaling: integer zero points, GGML m / sub-block mins
//   second level  scales of the scales: GGML super-block d / dmin, NVFP4's fp32 tensor scale
// Parts are whole numbers of bits held in doubles, so their sum is exact.
#pragma once

#include <cstdint>
#include <string>

namespace qs {

struct StorageSplit {
    double payloadBits = 0;
    double scaleBits = 0;
    double minBits = 0;
    double secondLevelBits = 0;

    double totalBits() const { return payloadBits + scaleBits + minBits + secondLevelBits; }
    // Each part spread over numel elements (0 for an empty tensor).
    static double perElement(double bits, int64_t numel)
    {
        return numel > 0 ? bits / double(numel) : 0.0;
    }
    // Every part multiplied by k (a per-block split times the number of blocks).
    StorageSplit times(double k) const
    {
        return {payloadBits * k, scaleBits * k, minBits * k, secondLevelBits * k};
    }
    bool operator==(const StorageSplit& o) const
    {
        return payloadBits == o.payloadBits && scaleBits == o.scaleBits && minBits == o.minBits &&
               secondLevelBits == o.secondLevelBits;
    }
};

// The parts in bits per element that are not zero, e.g. "4 payload + 0.1875 scales + 0.1875 mins
// + 0.125 second level" (at most 6 significant digits each); "0 payload" for an empty split.
std::string storageSplitText(const StorageSplit& split, int64_t numel);

} // namespace qs
