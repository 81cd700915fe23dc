// GGML block quantization (see ggml.h).
#include "core/formats/ggml.h"

#include "core/base/error.h"
#include "core/formats/ggml_search.h"
#include "core/formats/lowbit_blocks.h"
#include "core/io/element_convert.h"
#include "core/io/ggml_blocks.h"

#include <Eigen/Core>

#include <algorithm>
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
    if (!(std::fabs(v) < 128.0f)) // beyond the codes, or NaN
        return std::isnan(v) ? 0 : (v > 0 ? 127 : -127);
    // roundf without a library call: v - trunc(v) is exact for |v| < 2^23.
    const int32_t i = static_cast<int32_t>(v);
    const float frac = v - static_cast<float>(i);
    const int32_t r = i + int32_t(frac >= 0.5f) - int32_t(frac <= -0.5f);
    return std::clamp(r, -127, 127);
}

using formats_detail::BlockSpan;
using formats_detail::LowbitCounts;

using formats_detail::absMaxOfFinite;
using formats_detail::allFinite;

// Non-finite inputs (counted) and flushed values of a block quantized by a scalar loop.
void countBlock(const float* x, const BlockSpan& s, LowbitResult& r, LowbitCounts& c)
{
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        if (!std::isfinite(x[i]))
            ++c.nonfinite;
        else if (x[i] != 0.0f && out.value(i) == 0.0f)
            ++c.flushed;
    }
}

// Q8_0 codes and values of a block of finite values: roundToCode without a branch (NaN, from
// 0 * inf when 1/d overflows, gives 0; beyond +-128 clamps to +-127).
void q8_0Finite(const float* x, const BlockSpan& s, float id, float d, LowbitResult& r,
                LowbitCounts& c)
{
    formats_detail::writeFinite(x, s, r, c, [=](float v, int32_t& code, int32_t& sat) {
        const float t = v * id;
        float tc = t == t ? t : 0.0f;
        tc = tc > -128.0f ? tc : -128.0f;
        tc = tc < 128.0f ? tc : 128.0f;
        const int32_t whole = static_cast<int32_t>(tc);
        const float frac = tc - static_cast<float>(whole);
        const int32_t q = whole + int32_t(frac >= 0.5f) - int32_t(frac <= -0.5f);
        code = q < -127 ? -127 : (q > 127 ? 127 : q);
        sat = 0;
        return static_cast<float>(code) * d;
    });
}

// Q8_0: d = amax / 127, q = roundf(x / d). Returns the stored d.
float quantizeQ8_0(const float* x, const BlockSpan& s, size_t bi, LowbitResult& r, LowbitCounts& c)
{
    float amax;
    const bool finite = formats_detail::absMaxIfFinite(x, s, amax);
    if (!finite)
        amax = formats_detail::finiteAbsMax(x, s);
    const float d = amax / ((1 << 7) - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float dStored = roundToFp16(d);
    r.scales[bi] = dStored;
    if (finite) {
        q8_0Finite(x, s, id, dStored, r, c);
        return dStored;
    }
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        int32_t q;
        if (std::isnan(v))
            q = 0;
        else if (std::isinf(v))
            q = v > 0 ? 127 : -127;
        else
            q = roundToCode(v * id);
        out.setCode(i, q);
        out.value(i) = std::isfinite(v) ? static_cast<float>(q) * dStored : v;
    }
    countBlock(x, s, r, c);
    return dStored;
}

// Nibble codes and values of a block of finite values: q = truncToNibble((x - m) * id + add)
// without a branch (NaN gives 0 unclipped, as truncToNibble), x^ = (q - shift) * d, + m with
// an offset (Q4_1; Q4_0 takes x and adds nothing, keeping the sign of a zero x^).
template <bool Offset>
void nibblesFinite(const float* x, const BlockSpan& s, float m, float id, float add, int32_t shift,
                   float d, float mStored, LowbitResult& r, LowbitCounts& c)
{
    formats_detail::writeFinite(x, s, r, c, [=](float v, int32_t& code, int32_t& sat) {
        const float t = (Offset ? v - m : v) * id + add;
        float tc = t > 0.0f ? t : 0.0f;
        tc = tc < 15.0f ? tc : 15.0f;
        code = static_cast<int32_t>(tc);
        sat = int32_t((t < 0.0f) | (t >= 16.0f));
        return Offset ? static_cast<float>(code - shift) * d + mStored
                      : static_cast<float>(code - shift) * d;
    });
}

// The signed value of largest magnitude amax of a span of finite values: the first one on equal
// magnitudes, 0 when all are zero (llama.cpp's loop over the block).
float signedLargest(const float* x, const BlockSpan& s, float amax)
{
    if (!(amax > 0.0f))
        return 0.0f;
    // Bit i: |x| of the span's element i is amax; the lowest bit is the first (a block holds at
    // most 32 values). No early exit, whose branch the processor cannot predict.
    uint32_t hit = 0;
    const int64_t len = std::min<int64_t>(s.end - s.start, 32);
#pragma omp simd reduction(| : hit)
    for (int64_t i = 0; i < len; ++i)
        hit |= uint32_t(std::fabs(x[s.start + i]) == amax) << i;
    return x[s.start + __builtin_ctz(hit)];
}

// Q4_0: d = max / -8 of the signed largest magnitude, q = trunc(x / d + 8.5). Returns the
// stored d.
float quantizeQ4_0(const float* x, const BlockSpan& s, size_t bi, LowbitResult& r, LowbitCounts& c)
{
    float amax;
    const bool finite = formats_detail::absMaxIfFinite(x, s, amax);
    float max = finite ? signedLargest(x, s, amax) : 0.0f;
    float finiteMax = 0.0f; // the first largest |x| of the finite values, when some are not
    for (int64_t i = s.start; i < s.end && !finite; ++i) {
        const float v = x[i];
        if (std::isfinite(v) && finiteMax < std::fabs(v)) {
            finiteMax = std::fabs(v);
            max = v;
        }
    }
    const float d = max / -8;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float dStored = roundToFp16(d);
    r.scales[bi] = dStored;
    if (finite) {
        nibblesFinite<false>(x, s, 0.0f, id, 8.5f, 8, dStored, 0.0f, r, c);
        return dStored;
    }
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        bool clipped = false;
        int32_t q;
        if (std::isnan(v) || (std::isinf(v) && id == 0.0f))
            q = 8; // the code of 0
        else if (std::isinf(v))
            q = (v > 0) == (id > 0) ? 15 : 0; // the sign of v * id
        else
            q = truncToNibble(v * id + 8.5f, clipped);
        if (clipped && std::isfinite(v))
            c.saturate(v);
        out.setCode(i, q);
        out.value(i) = std::isfinite(v) ? static_cast<float>(q - 8) * dStored : v;
    }
    countBlock(x, s, r, c);
    return dStored;
}

// Min and max of a span of finite values by vector reductions, true when they are exactly what
// the scalar loop finds: a nonzero extreme is one value; for a zero the scalar loop keeps the
// sign of the first zero, which a reduction does not know.
bool finiteRange(const float* x, const BlockSpan& s, float& min, float& max)
{
    float lo = std::numeric_limits<float>::max(), hi = -lo;
#pragma omp simd reduction(min : lo) reduction(max : hi)
    for (int64_t i = s.start; i < s.end; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
    min = lo;
    max = hi;
    return lo != 0.0f && hi != 0.0f;
}

// Min and max of the finite values of a Q4_1 block, widened to 0 for the zero padding of a
// short block (or a block without finite values).
void q4_1Range(const float* x, const BlockSpan& s, bool finite, float& min, float& max)
{
    if (finite && finiteRange(x, s, min, max)) {
        if (s.end - s.start < kBlock) {
            min = std::min(min, 0.0f);
            max = std::max(max, 0.0f);
        }
        return;
    }
    min = std::numeric_limits<float>::max();
    max = -std::numeric_limits<float>::max();
    bool any = false;
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        if (!std::isfinite(v))
            continue;
        any = true;
        if (v < min)
            min = v;
        if (v > max)
            max = v;
    }
    if (s.end - s.start < kBlock || !any) {
        min = std::min(min, 0.0f);
        max = std::max(max, 0.0f);
    }
}

// Q4_1: d = (max - min) / 15, m = min, q = trunc((x - min) / d + 0.5). Returns the stored d.
float quantizeQ4_1(const float* x, const BlockSpan& s, size_t bi, LowbitResult& r, LowbitCounts& c)
{
    const bool finite = allFinite(x, s);
    float min, max;
    q4_1Range(x, s, finite, min, max);
    const float d = (max - min) / ((1 << 4) - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float dStored = roundToFp16(d);
    const float mStored = roundToFp16(min);
    r.scales[bi] = dStored;
    r.offsets[bi] = mStored;
    if (std::isinf(mStored) && !std::isinf(dStored))
        ++c.overflowBlocks;
    if (finite) {
        nibblesFinite<true>(x, s, min, id, 0.5f, 0, dStored, mStored, r, c);
        return dStored;
    }
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        bool clipped = false;
        int32_t q;
        if (std::isnan(v))
            q = truncToNibble((0.0f - min) * id + 0.5f, clipped);
        else if (std::isinf(v))
            q = v > 0 ? 15 : 0;
        else
            q = truncToNibble((v - min) * id + 0.5f, clipped);
        if (clipped && std::isfinite(v))
            c.saturate(v);
        out.setCode(i, q);
        out.value(i) = std::isfinite(v) ? static_cast<float>(q) * dStored + mStored : v;
    }
    countBlock(x, s, r, c);
    return dStored;
}

// The five bits that Q5_0 and Q5_1 store for t = x / d + 16.5 or (x - m) / d + 0.5: C's (int)t
// as x86 computes it (INT_MIN for NaN and beyond the int range: the products of a block of
// float32 subnormals, whose 1/d overflows), then min(31, .), without a branch.
int32_t fiveBits(float t)
{
    float tc = t >= -2147483648.0f && t < 2147483648.0f ? t : 0.0f; // also NaN
    tc = tc < 32.0f ? tc : 32.0f;
    const int32_t v = static_cast<int32_t>(tc);
    return (v < 31 ? v : 31) & 31;
}

// d or m as the block stores it: fp16 (llama.cpp's GGML_FP32_TO_FP16), read back as float.
float storedHalf(float v)
{
    return ggmlHalfToFloat(floatToHalf(v));
}

// Min and max of 32 finite values as llama.cpp's loop finds them (the first zero of equal ones).
void q5_1Range(const float* p, float& min, float& max)
{
    if (finiteRange(p, {0, kBlock}, min, max))
        return;
    min = std::numeric_limits<float>::max();
    max = -min;
    for (int64_t j = 0; j < kBlock; ++j) {
        min = p[j] < min ? p[j] : min;
        max = p[j] > max ? p[j] : max;
    }
}

// A Q5_0 (Offset false) or Q5_1 block from its 32 values p, all finite, into the span s of r:
//   Q5_0  d = max / -16 of the signed largest magnitude, q = trunc(x / d + 16.5), x^ = (q - 16) d
//   Q5_1  d = (max - min) / 31, m = min, q = trunc((x - m) / d + 0.5), x^ = q d + m
// with min(31, q) and the stored (fp16) d and m in x^, as llama.cpp's bytes decode. A value whose
// q would pass 31 (Q5_0: the opposite sign of the largest magnitude, beyond 15.5 d) is clipped
// and counted as saturated, as Q4_0 counts its own.
template <bool Offset>
void q5Block(const float* p, const BlockSpan& s, size_t bi, LowbitResult& r, LowbitCounts& c)
{
    float min = 0.0f, d;
    if (Offset) {
        float max;
        q5_1Range(p, min, max);
        d = (max - min) / ((1 << 5) - 1);
    } else {
        const BlockSpan all{0, kBlock};
        d = signedLargest(p, all, absMaxOfFinite(p, all)) / -16;
    }
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float dStored = storedHalf(d), mStored = Offset ? storedHalf(min) : 0.0f;
    r.scales[bi] = dStored;
    if (Offset)
        r.offsets[bi] = mStored;
    formats_detail::writeFiniteFrom(p, s, r, c, [=](float v, int32_t& code, int32_t& sat) {
        const float t = Offset ? (v - min) * id + 0.5f : v * id + 16.5f;
        code = fiveBits(t);
        sat = int32_t((t < 0.0f) | (t >= 32.0f));
        return Offset ? static_cast<float>(code) * dStored + mStored
                      : static_cast<float>(code - 16) * dStored;
    });
}

// A Q5_0 or Q5_1 block of x (whole, in a row of whole blocks). Non-finite values are
// quantized as 0, as llama.cpp's bytes need, and keep their value in the reconstruction.
template <bool Offset>
void quantizeQ5(const float* x, const BlockSpan& s, size_t bi, LowbitResult& r, LowbitCounts& c)
{
    if (allFinite(x, s)) {
        q5Block<Offset>(x + s.start, s, bi, r, c);
        return;
    }
    float zeroed[kBlock];
    for (int64_t j = 0; j < kBlock; ++j)
        zeroed[j] = std::isfinite(x[s.start + j]) ? x[s.start + j] : 0.0f;
    q5Block<Offset>(zeroed, s, bi, r, c);
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i)
        if (!std::isfinite(x[i])) {
            ++c.nonfinite;
            out.value(i) = x[i];
        }
}

// One block of Q8_0, Q4_0 or Q4_1, with its non-finite, saturated and flushed elements and a
// scale beyond fp16 counted.
void quantizeBlock(GgmlType t, const float* x, int64_t blk, LowbitResult& r, LowbitCounts& c)
{
    const BlockSpan s = formats_detail::blockSpan(r, blk);
    const size_t bi = static_cast<size_t>(blk);
    const float dStored = t == GgmlType::Q8_0   ? quantizeQ8_0(x, s, bi, r, c)
                          : t == GgmlType::Q4_0 ? quantizeQ4_0(x, s, bi, r, c)
                                                : quantizeQ4_1(x, s, bi, r, c);
    if (std::isinf(dStored))
        ++c.overflowBlocks;
}

// Blocks [first, end) of type t (Q5_0 and Q5_1: scales beyond fp16 stored without a word, as
// llama.cpp does).
void quantizeBlocks(GgmlType t, const float* x, int64_t first, int64_t end, LowbitResult& r,
                    LowbitCounts& c)
{
    for (int64_t b = first; b < end; ++b) {
        if (t == GgmlType::Q5_0)
            quantizeQ5<false>(x, formats_detail::blockSpan(r, b), size_t(b), r, c);
        else if (t == GgmlType::Q5_1)
            quantizeQ5<true>(x, formats_detail::blockSpan(r, b), size_t(b), r, c);
        else
            quantizeBlock(t, x, b, r, c);
    }
}

// The types quantized here block by block (the others, and every type with importance, by
// their searches: ggml_search.h).
bool isDirectType(GgmlType t)
{
    return t == GgmlType::Q8_0 || t == GgmlType::Q4_0 || t == GgmlType::Q4_1 ||
           t == GgmlType::Q5_0 || t == GgmlType::Q5_1;
}

// The code count of a direct type: -127..127, 0..15 or 0..31.
int64_t directLevels(GgmlType t)
{
    return t == GgmlType::Q8_0 ? 255 : (t == GgmlType::Q5_0 || t == GgmlType::Q5_1 ? 32 : 16);
}

// Q5_0 and Q5_1 are stored by llama.cpp in rows of whole blocks only.
void checkWholeBlocks(GgmlType t, int64_t n, int64_t rowLength)
{
    const int64_t row = rowLength > 0 ? rowLength : n;
    if ((t == GgmlType::Q5_0 || t == GgmlType::Q5_1) && row % kBlock != 0)
        throw Error(toName(t) +
                    " needs rows whose length is a multiple of 32, but the rows here "
                    "have " +
                    std::to_string(row) + " elements; llama.cpp stores such tensors as F16");
}

} // namespace

float roundToFp16(float v)
{
    return static_cast<float>(Eigen::half(v));
}

std::string toName(GgmlType t)
{
    static const char* const kNames[] = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1",   "Q2_K",
                                         "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS"};
    return kNames[static_cast<int>(t)];
}

GgmlType ggmlTypeFromName(const std::string& name)
{
    static const GgmlType kAll[] = {GgmlType::Q8_0, GgmlType::Q4_0,   GgmlType::Q4_1,
                                    GgmlType::Q5_0, GgmlType::Q5_1,   GgmlType::Q2_K,
                                    GgmlType::Q3_K, GgmlType::Q4_K,   GgmlType::Q5_K,
                                    GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};
    return formats_detail::enumFromName(name, kAll, "GGML type");
}

StorageSplit ggmlBlockStorage(GgmlType t)
{
    struct Row {
        GgmlType type;
        StorageSplit bits;
    };
    static const Row kRows[] = {
        {GgmlType::Q8_0, {32 * 8, 16, 0, 0}},
        {GgmlType::Q4_0, {32 * 4, 16, 0, 0}},
        {GgmlType::Q4_1, {32 * 4, 16, 16, 0}},
        {GgmlType::Q5_0, {32 * 5, 16, 0, 0}},            // qh + qs
        {GgmlType::Q5_1, {32 * 5, 16, 16, 0}},           // qh + qs; d, m
        {GgmlType::Q2_K, {256 * 2, 16 * 4, 16 * 4, 32}}, // 4-bit scale and min per 16; d, dmin
        {GgmlType::Q3_K, {256 * 3, 16 * 6, 0, 16}},      // hmask + qs; 6-bit scales; d
        {GgmlType::Q4_K, {256 * 4, 8 * 6, 8 * 6, 32}},   // 6-bit scale and min per 32; d, dmin
        {GgmlType::Q5_K, {256 * 5, 8 * 6, 8 * 6, 32}},
        {GgmlType::Q6_K, {256 * 6, 16 * 8, 0, 16}}, // ql + qh; int8 scales per 16; d
        {GgmlType::IQ4_NL, {32 * 4, 16, 0, 0}},
        {GgmlType::IQ4_XS, {256 * 4, 8 * 6, 0, 16}}, // scales_h + scales_l: 6 bits per 32; d
    };
    for (const Row& row : kRows)
        if (row.type == t)
            return row.bits;
    throw Error("GGML type " + toName(t) + " has no storage table");
}

double ggmlBitsPerElement(GgmlType t)
{
    return ggmlTypeByName(toName(t))->bitsPerWeight();
}

bool ggmlHasWeightedPath(GgmlType t)
{
    return t != GgmlType::Q8_0;
}

LowbitResult quantizeGgml(const float* x, int64_t n, GgmlType t, int64_t rowLength,
                          const CancelToken* cancel, const GgmlImportance* importance)
{
    throwIfCancelled(cancel);
    if (importance || !isDirectType(t))
        return ggml_detail::quantizeSearched(x, n, t, rowLength, cancel, importance);
    LowbitResult r;
    initBlocks(r, toName(t).c_str(), x, n, rowLength, kBlock,
               t == GgmlType::Q8_0 ? kSignedByteCodes : kUnsignedByteCodes);
    checkWholeBlocks(t, n, rowLength);
    if (t == GgmlType::Q4_1 || t == GgmlType::Q5_1)
        sizeLowbitOffsets(r);
    formats_detail::setStorage(r, directLevels(t), ggmlBlockStorage(t).times(double(r.numBlocks())),
                               n);
    const formats_detail::LowbitCounts counts = formats_detail::forEachBlockRun(
        r, n, cancel, [&](int64_t first, int64_t end, formats_detail::LowbitCounts& c) {
            quantizeBlocks(t, x, first, end, r, c);
        });
    counts.storeIn(r);
    if (counts.overflowBlocks > 0)
        r.warnings.push_back(std::to_string(counts.overflowBlocks) +
                             " block scale(s) exceed the fp16 range (65504) and became inf, as "
                             "in llama.cpp: their dequantized values are inf or NaN");
    return r;
}

} // namespace qs
