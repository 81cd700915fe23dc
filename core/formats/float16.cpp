// fp16 / bf16 conversion with overflow, flush-to-zero and subnormal counts.
#include "core/formats/float16.h"

#include <algorithm>

namespace qs {

FloatFormatInfo floatFormatInfo(FloatFormat f)
{
    if (f == FloatFormat::Half)
        return {65504.0, std::ldexp(1.0, -14), std::ldexp(1.0, -24)};
    // bf16 keeps float32's exponent range with 7 mantissa bits.
    return {std::ldexp(255.0 / 128.0, 127), std::ldexp(1.0, -126), std::ldexp(1.0, -133)};
}

FloatConversionCounts convertToFormat(FloatFormat f, const float* x, int64_t n, float* out,
                                      uint16_t* codes)
{
    FloatConversionCounts c;
    const float minNormal = static_cast<float>(floatFormatInfo(f).minNormal);
    for (int64_t i = 0; i < n; ++i) {
        const float v = x[i];
        const uint16_t bits = toFormatBits(f, v);
        const float r = fromFormatBits(f, bits);
        if (codes)
            codes[i] = bits;
        out[i] = r;
        if (!std::isfinite(v))
            continue;
        if (std::isinf(r))
            ++c.overflow;
        else if (r == 0.0f && v != 0.0f)
            ++c.flushedToZero;
        else if (r != 0.0f && std::fabs(r) < minNormal)
            ++c.subnormal;
    }
    return c;
}

std::vector<double> finiteFormatValues(FloatFormat f)
{
    std::vector<double> v;
    v.reserve(65536);
    for (uint32_t b = 0; b < 65536; ++b) {
        if (b == 0x8000) // -0 duplicates +0
            continue;
        const float r = fromFormatBits(f, static_cast<uint16_t>(b));
        if (std::isfinite(r))
            v.push_back(r);
    }
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace qs
