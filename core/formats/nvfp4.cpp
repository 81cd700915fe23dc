// NVFP4 conversion (see nvfp4.h).
#include "core/formats/nvfp4.h"

#include "core/formats/lowbit_blocks.h"
#include "core/formats/minifloat.h"

#include <cmath>

namespace qs {

namespace {

using formats_detail::BlockSpan;
using formats_detail::LowbitCounts;

constexpr float kE2M1Max = 6.0f;
constexpr float kE4M3Max = 448.0f;
constexpr uint8_t kE2M1Sign = 0x8;

// The E2M1 value of each code.
struct E2M1Table {
    float value[16];
    E2M1Table()
    {
        for (int c = 0; c < 16; ++c)
            value[c] =
                static_cast<float>(decodeMiniFloat(MiniFloat::E2M1, static_cast<uint8_t>(c)));
    }
};

void quantizeBlock(const E2M1Table& t, const float* x, float g, int64_t blk, LowbitResult& r,
                   LowbitCounts& c)
{
    const BlockSpan s = formats_detail::blockSpan(r, blk);
    const uint8_t scaleCode = nvfp4BlockScaleCode(formats_detail::finiteAbsMax(x, s), g);
    const float blockScale =
        static_cast<float>(decodeMiniFloat(MiniFloat::E4M3, scaleCode)) * g; // s * g, float32
    r.scaleCodes[static_cast<size_t>(blk)] = scaleCode;
    r.scales[static_cast<size_t>(blk)] = blockScale;
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        if (!std::isfinite(v)) {
            formats_detail::keepNonfinite(r, i, v, 0, 0x7, 0x7 | kE2M1Sign, c);
            continue;
        }
        if (blockScale == 0.0f) { // the block decodes to zeros
            out.setCode(i, std::signbit(v) ? kE2M1Sign : 0);
            out.value(i) = std::signbit(v) ? -0.0f : 0.0f;
            c.flushed += v != 0.0f ? 1 : 0;
            continue;
        }
        EncodeEvent ev;
        const uint8_t code = encodeMiniFloatFast(MiniFloat::E2M1, v / blockScale, true, &ev);
        out.setCode(i, code);
        out.value(i) = t.value[code] * blockScale;
        if (ev == EncodeEvent::Saturated || ev == EncodeEvent::NonFinite) // x / (s g) overflowed
            c.saturate(v);
        else if (v != 0.0f && out.value(i) == 0.0f)
            ++c.flushed;
    }
}

float finiteAbsMaxOf(const float* x, int64_t n)
{
    return formats_detail::finiteAbsMax(x, BlockSpan{0, n});
}

} // namespace

float nvfp4TensorScale(float amax)
{
    const float g = amax / (kE2M1Max * kE4M3Max);
    return g > 0.0f && std::isfinite(g) ? g : 1.0f;
}

uint8_t nvfp4BlockScaleCode(float bamax, float g)
{
    if (bamax == 0.0f)
        return encodeMiniFloat(MiniFloat::E4M3, 1.0);
    const float s = bamax / (kE2M1Max * g);
    return encodeMiniFloatFast(MiniFloat::E4M3, s, true);
}

LowbitResult quantizeNvfp4(const float* x, int64_t n, int64_t rowLength, const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    LowbitResult r;
    initBlocks(r, "NVFP4", x, n, rowLength, kNvfp4Block, kUnsignedByteCodes);
    const E2M1Table table;
    const float g = nvfp4TensorScale(finiteAbsMaxOf(x, n));
    r.tensorScale = g;
    r.scaleCodes.assign(r.scales.size(), 0);
    StorageSplit split = formats_detail::blockScaleSplit(n, 4, r.numBlocks(), 8);
    split.secondLevelBits = 32; // g
    formats_detail::setStorage(r, 16, split, n);
    formats_detail::forEachBlockInRuns(r, n, cancel, [&](int64_t blk, LowbitCounts& c) {
        quantizeBlock(table, x, g, blk, r, c);
    }).storeIn(r);
    return r;
}

} // namespace qs
