#include "core/io/ggml_blocks.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace qs {

const int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                 1,    13,   25,  38,  53,  69,  89,  113};

const int8_t kMxfp4Values[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

float ggmlHalfToFloat(GgmlHalf h)
{
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0u);
    } else if (exp == 0) {
        const float v = static_cast<float>(mant) * (1.0f / 16777216.0f); // mant x 2^-24, exact
        std::memcpy(&bits, &v, 4);
        bits |= sign;
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

namespace {

float half(GgmlHalf h)
{
    return ggmlHalfToFloat(h);
}

// ---- plain element types: one value per "block" ----

template <class T> void decodePlain(const uint8_t* src, int64_t n, float* out)
{
    for (int64_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, src + i * int64_t(sizeof(T)), sizeof(T));
        out[i] = static_cast<float>(v);
    }
}

void decodeF16(const uint8_t* src, int64_t n, float* out)
{
    for (int64_t i = 0; i < n; ++i)
        out[i] = half(static_cast<GgmlHalf>(src[2 * i] | (src[2 * i + 1] << 8)));
}

void decodeBF16(const uint8_t* src, int64_t n, float* out)
{
    for (int64_t i = 0; i < n; ++i) {
        const uint32_t bits = static_cast<uint32_t>(src[2 * i] | (src[2 * i + 1] << 8)) << 16;
        std::memcpy(&out[i], &bits, 4);
    }
}

// ---- 32-element blocks ----

void blockQ4_0(const BlockQ4_0& b, float* y)
{
    const float d = half(b.d);
    for (int j = 0; j < 16; ++j) {
        y[j] = ((b.qs[j] & 0x0F) - 8) * d;
        y[j + 16] = ((b.qs[j] >> 4) - 8) * d;
    }
}

void blockQ4_1(const BlockQ4_1& b, float* y)
{
    const float d = half(b.d), m = half(b.m);
    for (int j = 0; j < 16; ++j) {
        y[j] = (b.qs[j] & 0x0F) * d + m;
        y[j + 16] = (b.qs[j] >> 4) * d + m;
    }
}

// The 5-bit values of a Q5_0/Q5_1 block: low nibbles from qs, fifth bits from qh.
void fiveBitValues(const uint8_t qh[4], const uint8_t qs[16], int v[32])
{
    uint32_t h;
    std::memcpy(&h, qh, 4);
    for (int j = 0; j < 16; ++j) {
        v[j] = (qs[j] & 0x0F) | (((h >> j) << 4) & 0x10);
        v[j + 16] = (qs[j] >> 4) | ((h >> (j + 12)) & 0x10);
    }
}

void blockQ5_0(const BlockQ5_0& b, float* y)
{
    const float d = half(b.d);
    int v[32];
    fiveBitValues(b.qh, b.qs, v);
    for (int j = 0; j < 32; ++j)
        y[j] = (v[j] - 16) * d;
}

void blockQ5_1(const BlockQ5_1& b, float* y)
{
    const float d = half(b.d), m = half(b.m);
    int v[32];
    fiveBitValues(b.qh, b.qs, v);
    for (int j = 0; j < 32; ++j)
        y[j] = v[j] * d + m;
}

void blockQ8_0(const BlockQ8_0& b, float* y)
{
    const float d = half(b.d);
    for (int j = 0; j < 32; ++j)
        y[j] = b.qs[j] * d;
}

void blockIQ4_NL(const BlockIQ4_NL& b, float* y)
{
    const float d = half(b.d);
    for (int j = 0; j < 16; ++j) {
        y[j] = d * kIq4nlValues[b.qs[j] & 0xf];
        y[j + 16] = d * kIq4nlValues[b.qs[j] >> 4];
    }
}

// Half the E8M0 scale, 2^(e - 128), matching the doubled E2M1 values (GGML_E8M0_TO_FP32_HALF).
float e8m0Half(uint8_t e)
{
    const uint32_t bits = e < 2 ? 0x00200000u << e : static_cast<uint32_t>(e - 1) << 23;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

void blockMXFP4(const BlockMXFP4& b, float* y)
{
    const float d = e8m0Half(b.e);
    for (int j = 0; j < 16; ++j) {
        y[j] = kMxfp4Values[b.qs[j] & 0x0F] * d;
        y[j + 16] = kMxfp4Values[b.qs[j] >> 4] * d;
    }
}

// ---- 256-element super-blocks ----

void blockQ2_K(const BlockQ2_K& b, float* y)
{
    const float d = half(b.d), min = half(b.dmin);
    const uint8_t* q = b.qs;
    int is = 0;
    for (int n = 0; n < kGgmlSuperBlock; n += 128, q += 32)
        for (int shift = 0; shift < 8; shift += 2)
            for (int part = 0; part < 32; part += 16) {
                const uint8_t sc = b.scales[is++];
                const float dl = d * (sc & 0xF), ml = min * (sc >> 4);
                for (int l = 0; l < 16; ++l)
                    *y++ = dl * ((q[l + part] >> shift) & 3) - ml;
            }
}

void blockQ3_K(const BlockQ3_K& b, float* y)
{
    const float d = half(b.d);
    int scales[16];
    ggmlUnpackQ3Scales(b.scales, scales);
    const uint8_t* q = b.qs;
    uint8_t m = 1;
    int is = 0;
    for (int n = 0; n < kGgmlSuperBlock; n += 128, q += 32)
        for (int shift = 0; shift < 8; shift += 2, m <<= 1)
            for (int part = 0; part < 32; part += 16) {
                const float dl = d * (scales[is++] - 32);
                for (int l = 0; l < 16; ++l)
                    *y++ = dl * (((q[l + part] >> shift) & 3) - ((b.hmask[l + part] & m) ? 0 : 4));
            }
}

// Q4_K and Q5_K: eight sub-blocks of 32, x = d*sc*q - dmin*m; highBits null for Q4_K.
void decodeK4K5(GgmlHalf dh, GgmlHalf dminh, const uint8_t scales[12], const uint8_t* ql,
                const uint8_t* qh, float* y)
{
    const float d = half(dh), min = half(dminh);
    for (int is = 0; is < 8; ++is) {
        int sc, m;
        ggmlScaleMinK4(is, scales, sc, m);
        const float d1 = d * sc, m1 = min * m;
        const uint8_t* q = ql + 32 * (is / 2); // two sub-blocks share 32 bytes: low, high nibbles
        const int shift = 4 * (is % 2);
        for (int l = 0; l < 32; ++l) {
            const int high = qh && (qh[l] & (1 << is)) ? 16 : 0;
            *y++ = d1 * (((q[l] >> shift) & 0xF) + high) - m1;
        }
    }
}

void blockQ4_K(const BlockQ4_K& b, float* y)
{
    decodeK4K5(b.d, b.dmin, b.scales, b.qs, nullptr, y);
}

void blockQ5_K(const BlockQ5_K& b, float* y)
{
    decodeK4K5(b.d, b.dmin, b.scales, b.qs, b.qh, y);
}

void blockQ6_K(const BlockQ6_K& b, float* y)
{
    const float d = half(b.d);
    const uint8_t* ql = b.ql;
    const uint8_t* qh = b.qh;
    const int8_t* sc = b.scales;
    for (int n = 0; n < kGgmlSuperBlock; n += 128, y += 128, ql += 64, qh += 32, sc += 8)
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            y[l] = d * sc[is] * q1;
            y[l + 32] = d * sc[is + 2] * q2;
            y[l + 64] = d * sc[is + 4] * q3;
            y[l + 96] = d * sc[is + 6] * q4;
        }
}

void blockIQ4_XS(const BlockIQ4_XS& b, float* y)
{
    const float d = half(b.d);
    const uint8_t* qs = b.qs;
    for (int ib = 0; ib < 8; ++ib, y += 32, qs += 16) {
        const int ls =
            ((b.scales_l[ib / 2] >> 4 * (ib % 2)) & 0xf) | (((b.scales_h >> 2 * ib) & 3) << 4);
        const float dl = d * (ls - 32);
        for (int j = 0; j < 16; ++j) {
            y[j] = dl * kIq4nlValues[qs[j] & 0xf];
            y[j + 16] = dl * kIq4nlValues[qs[j] >> 4];
        }
    }
}

// Copies each block out of the (possibly unaligned) source and decodes it.
template <class Block, int N, void (*Decode)(const Block&, float*)>
void decodeBlocks(const uint8_t* src, int64_t blocks, float* out)
{
    for (int64_t i = 0; i < blocks; ++i) {
        Block b;
        std::memcpy(&b, src + i * int64_t(sizeof(Block)), sizeof(Block));
        Decode(b, out + i * N);
    }
}

constexpr int K = kGgmlSuperBlock;

// ggml's type table (type_traits in ggml.c): id, name, elements and bytes per block.
const GgmlTypeInfo kTypes[] = {
    {0, "F32", 1, 4, decodePlain<float>},
    {1, "F16", 1, 2, decodeF16},
    {2, "Q4_0", 32, 18, decodeBlocks<BlockQ4_0, 32, blockQ4_0>},
    {3, "Q4_1", 32, 20, decodeBlocks<BlockQ4_1, 32, blockQ4_1>},
    {6, "Q5_0", 32, 22, decodeBlocks<BlockQ5_0, 32, blockQ5_0>},
    {7, "Q5_1", 32, 24, decodeBlocks<BlockQ5_1, 32, blockQ5_1>},
    {8, "Q8_0", 32, 34, decodeBlocks<BlockQ8_0, 32, blockQ8_0>},
    {9, "Q8_1", 32, 36, nullptr},
    {10, "Q2_K", K, 84, decodeBlocks<BlockQ2_K, K, blockQ2_K>},
    {11, "Q3_K", K, 110, decodeBlocks<BlockQ3_K, K, blockQ3_K>},
    {12, "Q4_K", K, 144, decodeBlocks<BlockQ4_K, K, blockQ4_K>},
    {13, "Q5_K", K, 176, decodeBlocks<BlockQ5_K, K, blockQ5_K>},
    {14, "Q6_K", K, 210, decodeBlocks<BlockQ6_K, K, blockQ6_K>},
    {15, "Q8_K", K, 292, nullptr},
    {16, "IQ2_XXS", K, 66, nullptr},
    {17, "IQ2_XS", K, 74, nullptr},
    {18, "IQ3_XXS", K, 98, nullptr},
    {19, "IQ1_S", K, 50, nullptr},
    {20, "IQ4_NL", 32, 18, decodeBlocks<BlockIQ4_NL, 32, blockIQ4_NL>},
    {21, "IQ3_S", K, 110, nullptr},
    {22, "IQ2_S", K, 82, nullptr},
    {23, "IQ4_XS", K, 136, decodeBlocks<BlockIQ4_XS, K, blockIQ4_XS>},
    {24, "I8", 1, 1, decodePlain<int8_t>},
    {25, "I16", 1, 2, decodePlain<int16_t>},
    {26, "I32", 1, 4, decodePlain<int32_t>},
    {27, "I64", 1, 8, decodePlain<int64_t>},
    {28, "F64", 1, 8, decodePlain<double>},
    {29, "IQ1_M", K, 56, nullptr},
    {30, "BF16", 1, 2, decodeBF16},
    {34, "TQ1_0", K, 54, nullptr},
    {35, "TQ2_0", K, 66, nullptr},
    {39, "MXFP4", 32, 17, decodeBlocks<BlockMXFP4, 32, blockMXFP4>},
    {40, "NVFP4", 64, 36, nullptr},
    {41, "Q1_0", 128, 18, nullptr},
    {42, "Q2_0", 64, 18, nullptr},
};

} // namespace

void ggmlUnpackQ3Scales(const uint8_t packed[12], int s[16])
{
    for (int i = 0; i < 16; ++i) {
        const int low = (i < 8 ? packed[i] : packed[i - 8] >> 4) & 0xF;
        const int high = (packed[8 + i % 4] >> (2 * (i / 4))) & 3;
        s[i] = low | (high << 4);
    }
}

void ggmlScaleMinK4(int j, const uint8_t q[12], int& sc, int& mn)
{
    if (j < 4) {
        sc = q[j] & 63;
        mn = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

const GgmlTypeInfo* ggmlTypeInfo(uint32_t id)
{
    for (const auto& t : kTypes)
        if (t.id == id)
            return &t;
    return nullptr;
}

const GgmlTypeInfo* ggmlTypeByName(const std::string& name)
{
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const auto& t : kTypes)
        if (upper == t.name)
            return &t;
    return nullptr;
}

std::string ggmlDecodableTypeNames()
{
    std::string s;
    for (const auto& t : kTypes)
        if (t.decode)
            s += (s.empty() ? "" : " ") + std::string(t.name);
    return s;
}

} // namespace qs
