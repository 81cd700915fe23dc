// GGML block quantization (see ggml.h).
#include "core/formats/ggml.h"

#include "core/base/error.h"

#include <Eigen/Core>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace qs {

namespace {

constexpr int64_t kBlock = 32;

// (int8_t)(v) of C for the values the formulas produce, then min(15, .) and max(0, .): the
// clamps never change a finite in-range result and keep +-inf and rounding spill defined.
int32_t truncToNibble(float v, bool& clipped)
{
    clipped = false;
    if (!(v > 0.0f)) { // also NaN
        clipped = v < 0.0f;
        return 0;
    }
    if (v >= 16.0f) {
        clipped = true;
        return 15;
    }
    return static_cast<int32_t>(v); // truncation toward zero, as the C cast
}

// roundf(v) as the int8 code of Q8_0. |v| <= 127 for every finite block; when d is so small
// that 1/d overflows (a block of float32 subnormals), v * id is +-inf or NaN (0 * inf), which
// C would cast with undefined behaviour: here +-inf clamps to +-127 and NaN gives 0.
int32_t roundToCode(float v)
{
    if (std::isnan(v))
        return 0;
    return static_cast<int32_t>(std::clamp(std::round(v), -127.0f, 127.0f));
}

} // namespace

float roundToFp16(float v)
{
    return static_cast<float>(Eigen::half(v));
}

std::string toName(GgmlType t)
{
    switch (t) {
    case GgmlType::Q8_0:
        return "Q8_0";
    case GgmlType::Q4_0:
        return "Q4_0";
    case GgmlType::Q4_1:
        break;
    }
    return "Q4_1";
}

GgmlType ggmlTypeFromName(const std::string& name)
{
    std::string s = name;
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1})
        if (s == toName(t))
            return t;
    throw Error("unknown GGML type '" + name + "' (valid: Q8_0, Q4_0, Q4_1)");
}

double ggmlBitsPerElement(GgmlType t)
{
    switch (t) {
    case GgmlType::Q8_0:
        return 8.5;
    case GgmlType::Q4_0:
        return 4.5;
    case GgmlType::Q4_1:
        break;
    }
    return 5.0;
}

LowbitResult quantizeGgml(const float* x, int64_t n, GgmlType t, int64_t rowLength,
                          const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    LowbitResult r;
    initBlocks(r, toName(t).c_str(), x, n, rowLength, kBlock);
    if (t == GgmlType::Q4_1)
        r.offsets.assign(r.scales.size(), 0.0f);
    int64_t overflowBlocks = 0;
    const int64_t numBlocks = r.numBlocks();
    int64_t saturated = 0, saturatedNegative = 0, flushed = 0, nonfinite = 0;
#pragma omp parallel for schedule(static) if (n >= 65536)                                          \
    reduction(+ : saturated, saturatedNegative, flushed, nonfinite, overflowBlocks)
    for (int64_t blk = 0; blk < numBlocks; ++blk) {
        if (cancel && cancel->isCancelled())
            continue; // skip the remaining blocks; thrown below
        {
            const int64_t row = blk / r.blocksPerRow;
            const int64_t start = row * r.rowLength + (blk % r.blocksPerRow) * kBlock;
            const int64_t end = std::min(start + kBlock, (row + 1) * r.rowLength);
            const bool padded = end - start < kBlock;
            const size_t bi = static_cast<size_t>(blk);
            float dStored = 0.0f;
            if (t == GgmlType::Q8_0) {
                float amax = 0.0f;
                for (int64_t i = start; i < end; ++i)
                    if (std::isfinite(x[i]))
                        amax = std::max(amax, std::fabs(x[i]));
                const float d = amax / ((1 << 7) - 1);
                const float id = d != 0.0f ? 1.0f / d : 0.0f;
                dStored = roundToFp16(d);
                r.scales[bi] = dStored;
                for (int64_t i = start; i < end; ++i) {
                    const float v = x[i];
                    int32_t q;
                    if (std::isnan(v))
                        q = 0;
                    else if (std::isinf(v))
                        q = v > 0 ? 127 : -127;
                    else
                        q = roundToCode(v * id);
                    r.codes.set(i, q);
                    r.dequantized[i] = std::isfinite(v) ? static_cast<float>(q) * dStored : v;
                }
            } else if (t == GgmlType::Q4_0) {
                float amax = 0.0f, max = 0.0f;
                for (int64_t i = start; i < end; ++i) {
                    const float v = x[i];
                    if (std::isfinite(v) && amax < std::fabs(v)) {
                        amax = std::fabs(v);
                        max = v;
                    }
                }
                const float d = max / -8;
                const float id = d != 0.0f ? 1.0f / d : 0.0f;
                dStored = roundToFp16(d);
                r.scales[bi] = dStored;
                for (int64_t i = start; i < end; ++i) {
                    const float v = x[i];
                    bool clipped = false;
                    int32_t q;
                    if (std::isnan(v) || (std::isinf(v) && id == 0.0f))
                        q = 8; // the code of 0
                    else if (std::isinf(v))
                        q = (v > 0) == (id > 0) ? 15 : 0; // the sign of v * id
                    else
                        q = truncToNibble(v * id + 8.5f, clipped);
                    if (clipped && std::isfinite(v)) {
                        ++saturated;
                        saturatedNegative += v < 0 ? 1 : 0;
                    }
                    r.codes.set(i, q);
                    r.dequantized[i] = std::isfinite(v) ? static_cast<float>(q - 8) * dStored : v;
                }
            } else {
                float min = std::numeric_limits<float>::max();
                float max = -std::numeric_limits<float>::max();
                bool any = false;
                for (int64_t i = start; i < end; ++i) {
                    const float v = x[i];
                    if (!std::isfinite(v))
                        continue;
                    any = true;
                    if (v < min)
                        min = v;
                    if (v > max)
                        max = v;
                }
                if (padded || !any) { // the zero padding (or an all non-finite block)
                    min = std::min(min, 0.0f);
                    max = std::max(max, 0.0f);
                }
                const float d = (max - min) / ((1 << 4) - 1);
                const float id = d != 0.0f ? 1.0f / d : 0.0f;
                dStored = roundToFp16(d);
                const float mStored = roundToFp16(min);
                r.scales[bi] = dStored;
                r.offsets[bi] = mStored;
                if (std::isinf(mStored) && !std::isinf(dStored))
                    ++overflowBlocks;
                for (int64_t i = start; i < end; ++i) {
                    const float v = x[i];
                    bool clipped = false;
                    int32_t q;
                    if (std::isnan(v))
                        q = truncToNibble((0.0f - min) * id + 0.5f, clipped);
                    else if (std::isinf(v))
                        q = v > 0 ? 15 : 0;
                    else
                        q = truncToNibble((v - min) * id + 0.5f, clipped);
                    if (clipped && std::isfinite(v)) {
                        ++saturated;
                        saturatedNegative += v < 0 ? 1 : 0;
                    }
                    r.codes.set(i, q);
                    r.dequantized[i] =
                        std::isfinite(v) ? static_cast<float>(q) * dStored + mStored : v;
                }
            }
            if (std::isinf(dStored))
                ++overflowBlocks;
            for (int64_t i = start; i < end; ++i) {
                if (!std::isfinite(x[i]))
                    ++nonfinite;
                else if (x[i] != 0.0f && r.dequantized[i] == 0.0f)
                    ++flushed;
            }
        }
    }
    throwIfCancelled(cancel);
    r.saturated = saturated;
    r.saturatedNegative = saturatedNegative;
    r.flushedToZero = flushed;
    r.nonfinite = nonfinite;
    if (overflowBlocks > 0)
        r.warnings.push_back(std::to_string(overflowBlocks) +
                             " block scale(s) exceed the fp16 range (65504) and became inf, as "
                             "in llama.cpp: their dequantized values are inf or NaN");
    const int64_t blockBits = t == GgmlType::Q8_0   ? 16 + 32 * 8
                              : t == GgmlType::Q4_0 ? 16 + 32 * 4
                                                    : 32 + 32 * 4;
    r.codeLevels = t == GgmlType::Q8_0 ? 255 : 16; // -127..127 or 0..15
    r.storageBits = r.numBlocks() * blockBits;
    r.bitsPerElement = static_cast<double>(r.storageBits) / static_cast<double>(n);
    return r;
}

} // namespace qs
