// The searched GGML types through LowbitResult (see ggml.h): each block is quantized into
// llama.cpp's bytes, dequantized by ggml_blocks' dequantizers, and its codes and sub-block
// scales are read back from the bytes.
#include "core/base/error.h"
#include "core/formats/ggml_kquants.h"
#include "core/formats/ggml_search.h"
#include "core/formats/lowbit_blocks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace qs::ggml_detail {

namespace {

// Where the fields of one block go: per sub-block its scale and offset, per element its code.
struct Fields {
    float* scales;
    float* offsets; // null for the types without one
    int32_t* codes;
};

template <class B> B load(const uint8_t* p)
{
    B b;
    std::memcpy(&b, p, sizeof b);
    return b;
}

float h2f(GgmlHalf h)
{
    return ggmlHalfToFloat(h);
}

void nibbles(const uint8_t qs[16], int32_t* codes)
{
    for (int j = 0; j < 16; ++j) {
        codes[j] = qs[j] & 0xF;
        codes[j + 16] = qs[j] >> 4;
    }
}

void fiveBits(const uint8_t qs[16], const uint8_t qhBytes[4], int32_t* codes)
{
    uint32_t qh;
    std::memcpy(&qh, qhBytes, 4);
    nibbles(qs, codes);
    for (int j = 0; j < 32; ++j)
        codes[j] |= int32_t((qh >> j) & 1u) << 4;
}

// d and 32 nibbles: Q4_0 and IQ4_NL.
template <class B> void fieldsNibbles(const uint8_t* p, const Fields& f)
{
    const auto b = load<B>(p);
    f.scales[0] = h2f(b.d);
    nibbles(b.qs, f.codes);
}

void fieldsQ4_1(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ4_1>(p);
    f.scales[0] = h2f(b.d);
    f.offsets[0] = h2f(b.m);
    nibbles(b.qs, f.codes);
}

void fieldsQ5_0(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ5_0>(p);
    f.scales[0] = h2f(b.d);
    fiveBits(b.qs, b.qh, f.codes);
}

void fieldsQ5_1(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ5_1>(p);
    f.scales[0] = h2f(b.d);
    f.offsets[0] = h2f(b.m);
    fiveBits(b.qs, b.qh, f.codes);
}

// Two-bit codes of the K layouts: element e = 128 h + 32 k + l sits in bits 2k of qs[32 h + l].
int32_t twoBits(const uint8_t* qs, int e)
{
    return (qs[32 * (e / 128) + e % 32] >> (2 * ((e % 128) / 32))) & 3;
}

void fieldsQ2_K(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ2_K>(p);
    const float d = h2f(b.d), min = h2f(b.dmin);
    for (int s = 0; s < 16; ++s) {
        f.scales[s] = d * (b.scales[s] & 0xF);
        f.offsets[s] = -(min * (b.scales[s] >> 4));
    }
    for (int e = 0; e < kGgmlSuperBlock; ++e)
        f.codes[e] = twoBits(b.qs, e);
}

void fieldsQ3_K(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ3_K>(p);
    const float d = h2f(b.d);
    int sc[16];
    ggmlUnpackQ3Scales(b.scales, sc);
    for (int s = 0; s < 16; ++s)
        f.scales[s] = d * (sc[s] - 32);
    for (int e = 0; e < kGgmlSuperBlock; ++e) {
        const int bit = 4 * (e / 128) + (e % 128) / 32;
        f.codes[e] = twoBits(b.qs, e) | (((b.hmask[e % 32] >> bit) & 1) << 2);
    }
}

// Q4_K / Q5_K: sub-block s = e / 32 in the low (even s) or high nibble of qs[32 (s/2) + e%32].
void fieldsK4K5(GgmlHalf dh, GgmlHalf dminh, const uint8_t packed[12], const uint8_t* qs,
                const uint8_t* qh, const Fields& f)
{
    const float d = h2f(dh), min = h2f(dminh);
    for (int s = 0; s < 8; ++s) {
        int sc, m;
        ggmlScaleMinK4(s, packed, sc, m);
        f.scales[s] = d * sc;
        f.offsets[s] = -(min * m);
        for (int l = 0; l < 32; ++l) {
            const int high = qh && (qh[l] & (1 << s)) ? 16 : 0;
            f.codes[32 * s + l] = ((qs[32 * (s / 2) + l] >> (4 * (s % 2))) & 0xF) + high;
        }
    }
}

void fieldsQ4_K(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ4_K>(p);
    fieldsK4K5(b.d, b.dmin, b.scales, b.qs, nullptr, f);
}

void fieldsQ5_K(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ5_K>(p);
    fieldsK4K5(b.d, b.dmin, b.scales, b.qs, b.qh, f);
}

void fieldsQ6_K(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockQ6_K>(p);
    const float d = h2f(b.d);
    for (int s = 0; s < 16; ++s)
        f.scales[s] = d * b.scales[s];
    for (int e = 0; e < kGgmlSuperBlock; ++e) {
        const int h = e / 128, k = (e % 128) / 32, l = e % 32;
        const int low = (b.ql[64 * h + 32 * (k % 2) + l] >> (4 * (k / 2))) & 0xF;
        f.codes[e] = low | (((b.qh[32 * h + l] >> (2 * k)) & 3) << 4);
    }
}

void fieldsIQ4_XS(const uint8_t* p, const Fields& f)
{
    const auto b = load<BlockIQ4_XS>(p);
    const float d = h2f(b.d);
    for (int s = 0; s < 8; ++s) {
        const int ls =
            ((b.scales_l[s / 2] >> 4 * (s % 2)) & 0xf) | (((b.scales_h >> 2 * s) & 3) << 4);
        f.scales[s] = d * (ls - 32);
        nibbles(b.qs + 16 * s, f.codes + 32 * s);
    }
}

// Quantizes `count` consecutive blocks of x into out (count 1, or up to Spec::together).
using QuantizeFn = void (*)(const float* x, uint8_t* out, int count, const BlockImportance* imp,
                            GgmlPath path);

template <class B, void (*Q)(const float*, B&, const BlockImportance&, GgmlPath)>
void quantizeTo(const float* x, uint8_t* out, int, const BlockImportance* imp, GgmlPath path)
{
    B b;
    Q(x, b, *imp, path);
    std::memcpy(out, &b, sizeof b);
}

template <class B, void (*Q)(const float*, B*, int, const BlockImportance*, GgmlPath)>
void quantizeManyTo(const float* x, uint8_t* out, int count, const BlockImportance* imp,
                    GgmlPath path)
{
    B b[kGgmlTogether];
    Q(x, b, count, imp, path);
    std::memcpy(out, b, sizeof(B) * size_t(count));
}

// One searched type: block and sub-block sizes, code count, the fallback llama.cpp uses for
// rows that are not whole blocks, and the quantizer and field reader of its blocks.
struct Spec {
    GgmlType type;
    int block, sub, levels;
    bool offsets;
    const char* fallback;
    QuantizeFn quantize;
    void (*fields)(const uint8_t*, const Fields&);
    int together = 1; // blocks that quantize faster side by side
};

const Spec& specOf(GgmlType t, const GgmlImportance* importance)
{
    if (importance && !ggmlHasWeightedPath(t))
        throw Error(toName(t) + " has no importance-weighted path in llama.cpp (quantize_q8_0 "
                                "ignores the importance); importance applies to every other "
                                "GGML type");
    static const Spec kSpecs[] = {
        {GgmlType::Q4_0, 32, 32, 16, false, "F16", quantizeTo<BlockQ4_0, quantizeQ4_0>,
         fieldsNibbles<BlockQ4_0>},
        {GgmlType::Q4_1, 32, 32, 16, true, "F16", quantizeTo<BlockQ4_1, quantizeQ4_1>, fieldsQ4_1},
        {GgmlType::Q5_0, 32, 32, 32, false, "F16", quantizeTo<BlockQ5_0, quantizeQ5_0>, fieldsQ5_0},
        {GgmlType::Q5_1, 32, 32, 32, true, "F16", quantizeTo<BlockQ5_1, quantizeQ5_1>, fieldsQ5_1},
        {GgmlType::Q2_K, 256, 16, 4, true, "IQ4_NL", quantizeTo<BlockQ2_K, quantizeQ2_K>,
         fieldsQ2_K},
        {GgmlType::Q3_K, 256, 16, 8, false, "IQ4_NL", quantizeTo<BlockQ3_K, quantizeQ3_K>,
         fieldsQ3_K},
        {GgmlType::Q4_K, 256, 32, 16, true, "Q5_0", quantizeManyTo<BlockQ4_K, quantizeQ4_K>,
         fieldsQ4_K, kGgmlTogether},
        {GgmlType::Q5_K, 256, 32, 32, true, "Q5_1", quantizeManyTo<BlockQ5_K, quantizeQ5_K>,
         fieldsQ5_K, kGgmlTogether},
        {GgmlType::Q6_K, 256, 16, 64, false, "Q8_0", quantizeTo<BlockQ6_K, quantizeQ6_K>,
         fieldsQ6_K},
        {GgmlType::IQ4_NL, 32, 32, 16, false, "F16", quantizeTo<BlockIQ4_NL, quantizeIQ4_NL>,
         fieldsNibbles<BlockIQ4_NL>},
        {GgmlType::IQ4_XS, 256, 32, 16, false, "IQ4_NL", quantizeTo<BlockIQ4_XS, quantizeIQ4_XS>,
         fieldsIQ4_XS},
    };
    for (const Spec& s : kSpecs)
        if (s.type == t)
            return s;
    throw Error("GGML type " + toName(t) + " is not a searched type");
}

void checkRows(const Spec& s, int64_t n, int64_t rowLength)
{
    const int64_t row = rowLength > 0 ? rowLength : n;
    if (row % s.block == 0)
        return;
    throw Error(toName(s.type) + " needs rows whose length is a multiple of " +
                std::to_string(s.block) + ", but the rows here have " + std::to_string(row) +
                " elements; llama.cpp stores such tensors as " + s.fallback);
}

// Where the importance of each block comes from: the weights of its row's group at its
// columns, and (Q4_0 ... Q5_1) sigma2 of its row.
class BlockWeights {
public:
    BlockWeights(const Spec& s, const float* x, int64_t n, int64_t rowLength,
                 const GgmlImportance* importance, const CancelToken* cancel)
        : m_block(s.block), m_row(rowLength > 0 ? rowLength : n)
    {
        if (!importance)
            return;
        const int64_t rows = n / m_row;
        if (importance->groups < 1 || rows % importance->groups != 0)
            throw Error("importance in " + std::to_string(importance->groups) +
                        " groups does not divide the " + std::to_string(rows) + " rows");
        m_weights = importance->weights;
        m_rowsPerGroup = rows / importance->groups;
        const bool rowSigma = s.type == GgmlType::Q4_0 || s.type == GgmlType::Q4_1 ||
                              s.type == GgmlType::Q5_0 || s.type == GgmlType::Q5_1;
        if (!rowSigma)
            return;
        m_sigma2.assign(size_t(rows), 0.f);
        formats_detail::forEachBlock(rows, n, cancel,
                                     [&](int64_t r, formats_detail::LowbitCounts&) {
                                         m_sigma2[size_t(r)] = rowSigma2(x + r * m_row, m_row);
                                     });
    }
    BlockImportance of(int64_t b) const
    {
        if (!m_weights)
            return {};
        const int64_t first = b * m_block, row = first / m_row;
        BlockImportance imp;
        imp.weights = m_weights + (row / m_rowsPerGroup) * m_row + first % m_row;
        imp.rowSigma2 = m_sigma2.empty() ? 0.f : m_sigma2[size_t(row)];
        return imp;
    }

private:
    int64_t m_block, m_row, m_rowsPerGroup = 1;
    const float* m_weights = nullptr;
    std::vector<float> m_sigma2;
};

// How many blocks the fast paths quantize at once: Spec::together when it divides the count.
int togetherFor(const Spec& s, int64_t blocks)
{
    return blocks % s.together == 0 ? s.together : 1;
}

// Whether v is finite, from its exponent bits (a loop of these has no branch).
inline bool finiteBits(float v)
{
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return (bits & 0x7f800000u) != 0x7f800000u;
}

// Block b of x with non-finite values replaced by 0 (counted in c).
void finiteCopy(const float* x, int64_t b, int block, float* buf, formats_detail::LowbitCounts* c)
{
    const float* __restrict xb = x + b * block;
    float* __restrict out = buf;
    int32_t nonfinite = 0;
#pragma omp simd reduction(+ : nonfinite)
    for (int i = 0; i < block; ++i) {
        const bool finite = finiteBits(xb[i]);
        out[i] = finite ? xb[i] : 0.0f;
        nonfinite += finite ? 0 : 1;
    }
    if (c)
        c->nonfinite += nonfinite;
}

// The codes (as C) of a block, the inputs' non-finite values kept in its values y (decoded from
// its bytes) and the nonzero values that decoded to 0 counted.
template <class C>
void storeCodes(const float* __restrict xb, const int32_t* codes, int block, C* __restrict raw,
                int32_t offset, float* __restrict yb, formats_detail::LowbitCounts& c)
{
    int32_t flushed = 0;
#pragma omp simd reduction(+ : flushed)
    for (int i = 0; i < block; ++i) {
        const float v = xb[i];
        raw[i] = C(codes[i] - offset);
        const bool finite = finiteBits(v);
        flushed += int(finite) & int(v != 0.0f) & int(yb[i] == 0.0f);
        yb[i] = finite ? yb[i] : v;
    }
    c.flushed += flushed;
}

// Codes, sub-block parameters and reconstruction of block b from its bytes.
void storeBlock(const Spec& s, GgmlDequantizeFn decode, const float* x, int64_t b,
                const uint8_t* bytes, LowbitResult& r, formats_detail::LowbitCounts& c)
{
    const int64_t first = b * s.block, subs = s.block / s.sub;
    int32_t codes[kGgmlSuperBlock];
    s.fields(bytes, {r.scales.data() + b * subs, s.offsets ? r.offsets.data() + b * subs : nullptr,
                     codes});
    const LowbitOut out = formats_detail::outputsOf(r);
    float* y = out.valuesAt(first);
    decode(bytes, 1, y);
    if (out.narrow)
        storeCodes(x + first, codes, s.block, out.codesAt<uint8_t>(first), out.codeOffset, y, c);
    else
        storeCodes(x + first, codes, s.block, out.codesAt<uint16_t>(first), out.codeOffset, y, c);
}

} // namespace

// The largest block of the searched types, for a buffer that holds any of them.
constexpr size_t kMaxBlockBytes =
    std::max({sizeof(BlockQ4_0), sizeof(BlockQ4_1), sizeof(BlockQ5_0), sizeof(BlockQ5_1),
              sizeof(BlockQ2_K), sizeof(BlockQ3_K), sizeof(BlockQ4_K), sizeof(BlockQ5_K),
              sizeof(BlockQ6_K), sizeof(BlockIQ4_NL), sizeof(BlockIQ4_XS)});

LowbitResult quantizeSearched(const float* x, int64_t n, GgmlType t, int64_t rowLength,
                              const CancelToken* cancel, const GgmlImportance* importance)
{
    const Spec& s = specOf(t, importance);
    LowbitResult r;
    initBlocks(r, toName(t).c_str(), x, n, rowLength, s.sub, kUnsignedByteCodes);
    checkRows(s, n, rowLength);
    const BlockWeights weights(s, x, n, rowLength, importance, cancel);
    if (s.offsets)
        sizeLowbitOffsets(r);
    if (t == GgmlType::IQ4_NL || t == GgmlType::IQ4_XS)
        r.codebook.assign(kIq4nlValues, kIq4nlValues + 16);
    const int64_t blocks = n / s.block;
    const GgmlTypeInfo* info = ggmlTypeByName(toName(t));
    formats_detail::setStorage(r, s.levels, ggmlBlockStorage(t).times(double(blocks)), n);
    const int together = togetherFor(s, blocks);
    const formats_detail::LowbitCounts counts = formats_detail::forEachOutput(
        r, blocks / together, together * (s.block / s.sub), n, cancel,
        [&](int64_t item, formats_detail::LowbitCounts& c) {
            float buf[kGgmlTogether * kGgmlSuperBlock];
            uint8_t bytes[kGgmlTogether * kMaxBlockBytes];
            BlockImportance imp[kGgmlTogether];
            const int64_t b0 = item * together;
            for (int k = 0; k < together; ++k) {
                finiteCopy(x, b0 + k, s.block, buf + k * s.block, &c);
                imp[k] = weights.of(b0 + k);
            }
            s.quantize(buf, bytes, together, imp, GgmlPath::Fast);
            for (int k = 0; k < together; ++k)
                storeBlock(s, info->decode, x, b0 + k, bytes + k * info->typeSize, r, c);
        });
    counts.storeIn(r);
    return r;
}

} // namespace qs::ggml_detail

namespace qs {

std::string ggmlQuantizedBytes(const float* x, int64_t n, GgmlType t, int64_t rowLength,
                               const CancelToken* cancel, const GgmlImportance* importance)
{
    const ggml_detail::Spec& s = ggml_detail::specOf(t, importance);
    if (n < 1 || !x)
        throw Error(toName(t) + ": no values to quantize");
    ggml_detail::checkRows(s, n, rowLength);
    const ggml_detail::BlockWeights weights(s, x, n, rowLength, importance, cancel);
    const GgmlTypeInfo* info = ggmlTypeByName(toName(t));
    const int64_t blocks = n / s.block, size = info->typeSize;
    std::string out(size_t(blocks * size), '\0');
    auto* dst = reinterpret_cast<uint8_t*>(&out[0]);
    const int together = ggml_detail::togetherFor(s, blocks);
    formats_detail::forEachBlock(
        blocks / together, n, cancel, [&](int64_t item, formats_detail::LowbitCounts&) {
            float buf[ggml_detail::kGgmlTogether * kGgmlSuperBlock];
            ggml_detail::BlockImportance imp[ggml_detail::kGgmlTogether];
            const int64_t b0 = item * together;
            for (int k = 0; k < together; ++k) {
                ggml_detail::finiteCopy(x, b0 + k, s.block, buf + k * s.block, nullptr);
                imp[k] = weights.of(b0 + k);
            }
            s.quantize(buf, dst + b0 * size, together, imp, ggml_detail::GgmlPath::Fast);
        });
    return out;
}

} // namespace qs

namespace qs::ggml_detail {

std::string ggmlScalarBytes(const float* x, int64_t n, GgmlType t, int64_t rowLength,
                            const GgmlImportance* importance)
{
    const Spec& s = specOf(t, importance);
    checkRows(s, n, rowLength);
    const BlockWeights weights(s, x, n, rowLength, importance, nullptr);
    const int64_t blocks = n / s.block, size = ggmlTypeByName(toName(t))->typeSize;
    std::string out(size_t(blocks * size), '\0');
    for (int64_t b = 0; b < blocks; ++b) {
        float buf[kGgmlSuperBlock];
        finiteCopy(x, b, s.block, buf, nullptr);
        const BlockImportance imp = weights.of(b);
        s.quantize(buf, reinterpret_cast<uint8_t*>(&out[size_t(b * size)]), 1, &imp,
                   GgmlPath::Scalar);
    }
    return out;
}

} // namespace qs::ggml_detail
