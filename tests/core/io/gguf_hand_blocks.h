// One hand-built block per quantized ggml type for tst_gguf. The block bytes are written field
// by field; the expected floats follow the format's formula element by element (x = d * q,
// x = d * q + m, ...; ggml's ggml-common.h and docs), in the order llama.cpp evaluates it.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace qs::test {

using Bytes = std::string;

// v as n little-endian bytes.
inline Bytes le(uint64_t v, int n)
{
    Bytes b;
    for (int i = 0; i < n; ++i)
        b += static_cast<char>((v >> (8 * i)) & 0xff);
    return b;
}

// The 16 levels of IQ4_NL and IQ4_XS, as ggml-common.h lists them.
constexpr int kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                            1,    13,   25,  38,  53,  69,  89,  113};

// The E2M1 values of MXFP4's codes, doubled, as ggml-common.h lists them (kvalues_mxfp4).
constexpr int kMxfp4Doubled[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

// fp16 of a normal number: (1024 + mantissa) * 2^(exponent - 25).
inline float fp16(uint16_t h)
{
    const float v = std::ldexp(float(1024 + (h & 0x3ff)), ((h >> 10) & 0x1f) - 25);
    return (h & 0x8000) ? -v : v;
}

// A byte pattern that touches every bit position.
inline uint8_t pat(int i, int k)
{
    return static_cast<uint8_t>(i * 37 + k * 11 + 5);
}

// n pattern bytes pat(0, k) .. pat(n - 1, k).
inline Bytes patBytes(int n, int k)
{
    Bytes b;
    for (int j = 0; j < n; ++j)
        b += char(pat(j, k));
    return b;
}

struct HandBlock {
    uint32_t type;
    Bytes bytes;
    std::vector<float> want;
};

inline HandBlock q4_0()
{
    const uint16_t d = 0x3555; // 0.333251953125
    HandBlock b{2, le(d, 2), {}};
    b.bytes += patBytes(16, 1);
    b.want.resize(32);
    for (int i = 0; i < 32; ++i) {
        const uint8_t byte = pat(i % 16, 1);
        const int q = (i < 16 ? byte & 15 : byte >> 4) - 8;
        b.want[i] = float(q) * fp16(d);
    }
    return b;
}

// Q4_1 (id 3), Q5_0 (6), Q5_1 (7): 4 low bits from qs, a fifth bit from qh, a min for _1.
inline HandBlock q4q5(uint32_t type)
{
    const bool hasMin = type != 6, fifth = type != 3;
    const uint16_t d = 0x2E66, m = 0xBA00; // 0.0999755859375, -0.75
    HandBlock b{type, le(d, 2) + (hasMin ? le(m, 2) : Bytes()), {}};
    const uint32_t qh = 0xA5C3F00Fu;
    if (fifth)
        b.bytes += le(qh, 4);
    b.bytes += patBytes(16, 2);
    for (int i = 0; i < 32; ++i) {
        const uint8_t byte = pat(i % 16, 2);
        int q = (i < 16 ? byte & 15 : byte >> 4) + (fifth && (qh >> i) & 1 ? 16 : 0);
        if (!hasMin)
            q -= 16;
        b.want.push_back(hasMin ? float(q) * fp16(d) + fp16(m) : float(q) * fp16(d));
    }
    return b;
}

inline HandBlock q8_0()
{
    const uint16_t d = 0x3E00; // 1.5
    HandBlock b{8, le(d, 2), {}};
    for (int i = 0; i < 32; ++i) {
        const int8_t q = static_cast<int8_t>(pat(i, 3));
        b.bytes += char(q);
        b.want.push_back(float(q) * 1.5f);
    }
    return b;
}

inline HandBlock iq4_nl()
{
    const uint16_t d = 0x3400; // 0.25
    HandBlock b{20, le(d, 2), {}};
    b.bytes += patBytes(16, 4);
    for (int i = 0; i < 32; ++i) {
        const uint8_t byte = pat(i % 16, 4);
        b.want.push_back(0.25f * float(kIq4nl[i < 16 ? byte & 15 : byte >> 4]));
    }
    return b;
}

// MXFP4 (id 39): E8M0 e = 133, scale 2^(133 - 127) = 64, halved for the doubled values.
inline HandBlock mxfp4()
{
    HandBlock b{39, le(133, 1), {}};
    b.bytes += patBytes(16, 5);
    for (int i = 0; i < 32; ++i) {
        const uint8_t byte = pat(i % 16, 5);
        b.want.push_back(32.0f * float(kMxfp4Doubled[i < 16 ? byte & 15 : byte >> 4]));
    }
    return b;
}

// Q2_K and Q3_K share the element order: 2 halves of 128, each 4 shifts x 2 parts x 16.
// Element i reads bits `shift` of qs[32*half + 16*part + l] and uses scale number i / 16.
struct TwoBitPos {
    int byte, shift, half, part;
};
inline TwoBitPos twoBitPos(int i)
{
    const int half = i / 128, shift = 2 * ((i % 128) / 32), part = (i % 32) / 16;
    return {32 * half + 16 * part + i % 16, shift, half, part};
}

inline HandBlock q2_K()
{
    const uint16_t d = 0x3555, dmin = 0x2C00; // 0.333251953125, 0.0625
    HandBlock b{10, {}, {}};
    for (int s = 0; s < 16; ++s)
        b.bytes += char(pat(s, 5));
    b.bytes += patBytes(64, 6);
    b.bytes += le(d, 2) + le(dmin, 2);
    for (int i = 0; i < 256; ++i) {
        const TwoBitPos p = twoBitPos(i);
        const uint8_t sc = pat(i / 16, 5);
        const int q = (pat(p.byte, 6) >> p.shift) & 3;
        b.want.push_back(fp16(d) * float(sc & 15) * float(q) - fp16(dmin) * float(sc >> 4));
    }
    return b;
}

inline HandBlock q3_K()
{
    const uint16_t d = 0x3800; // 0.5
    int s[16];
    for (int k = 0; k < 16; ++k)
        s[k] = pat(k, 7) & 63;
    HandBlock b{11, {}, {}};
    b.bytes += patBytes(32, 8); // hmask
    b.bytes += patBytes(64, 9); // qs
    for (int j = 0; j < 8; ++j)
        b.bytes += char((s[j] & 15) | (s[j + 8] & 15) << 4);
    for (int k = 0; k < 4; ++k)
        b.bytes +=
            char((s[k] >> 4) | (s[k + 4] >> 4) << 2 | (s[k + 8] >> 4) << 4 | (s[k + 12] >> 4) << 6);
    b.bytes += le(d, 2);
    for (int i = 0; i < 256; ++i) {
        const TwoBitPos p = twoBitPos(i);
        const int hbit = (pat(16 * p.part + i % 16, 8) >> (4 * p.half + p.shift / 2)) & 1;
        const int q = ((pat(p.byte, 9) >> p.shift) & 3) - (hbit ? 0 : 4);
        b.want.push_back(0.5f * float(s[i / 16] - 32) * float(q));
    }
    return b;
}

// The 12 scale bytes of Q4_K/Q5_K from eight 6-bit scales and mins.
inline Bytes packK4Scales(const int sc[8], const int mn[8])
{
    Bytes q(12, '\0');
    for (int j = 0; j < 4; ++j) {
        q[j] = char(sc[j] | (sc[j + 4] >> 4) << 6);
        q[j + 4] = char(mn[j] | (mn[j + 4] >> 4) << 6);
        q[j + 8] = char((sc[j + 4] & 15) | (mn[j + 4] & 15) << 4);
    }
    return q;
}

// Q4_K (id 12) and Q5_K (13): sub-block i / 32 uses qs[32 * (sb / 2) + i % 32], low nibble for
// even sub-blocks; Q5_K adds bit sb of qh[i % 32] as 16.
inline HandBlock q4q5_K(uint32_t type)
{
    const uint16_t d = 0x2E66, dmin = 0x3400;
    int sc[8], mn[8];
    for (int k = 0; k < 8; ++k) {
        sc[k] = pat(k, 10) & 63;
        mn[k] = pat(k, 11) & 63;
    }
    HandBlock b{type, le(d, 2) + le(dmin, 2) + packK4Scales(sc, mn), {}};
    if (type == 13)
        b.bytes += patBytes(32, 12);
    b.bytes += patBytes(128, 13);
    for (int i = 0; i < 256; ++i) {
        const int sb = i / 32;
        const uint8_t byte = pat(32 * (sb / 2) + i % 32, 13);
        int q = sb % 2 ? byte >> 4 : byte & 15;
        if (type == 13 && (pat(i % 32, 12) >> sb) & 1)
            q += 16;
        b.want.push_back(fp16(d) * float(sc[sb]) * float(q) - fp16(dmin) * float(mn[sb]));
    }
    return b;
}

inline HandBlock q6_K()
{
    const uint16_t d = 0x3555;
    HandBlock b{14, {}, {}};
    b.bytes += patBytes(128, 14); // ql
    b.bytes += patBytes(64, 15);  // qh
    b.bytes += patBytes(16, 16);  // int8 scales
    b.bytes += le(d, 2);
    for (int i = 0; i < 256; ++i) {
        const int half = i / 128, quarter = (i % 128) / 32, l = i % 32;
        const uint8_t low = pat(64 * half + l + 32 * (quarter & 1), 14);
        const int lo4 = quarter >= 2 ? low >> 4 : low & 15;
        const int hi2 = (pat(32 * half + l, 15) >> (2 * quarter)) & 3;
        const int8_t sc = static_cast<int8_t>(pat(8 * half + 2 * quarter + l / 16, 16));
        b.want.push_back(fp16(d) * float(sc) * float((lo4 | hi2 << 4) - 32));
    }
    return b;
}

inline HandBlock iq4_xs()
{
    const uint16_t d = 0x2C00; // 0.0625
    int ls[8];
    uint16_t high = 0;
    Bytes low(4, '\0');
    for (int k = 0; k < 8; ++k) {
        ls[k] = pat(k, 17) & 63;
        high = uint16_t(high | (ls[k] >> 4) << (2 * k));
        low[k / 2] = char(uint8_t(low[k / 2]) | (ls[k] & 15) << (4 * (k % 2)));
    }
    HandBlock b{23, le(d, 2) + le(high, 2) + low, {}};
    b.bytes += patBytes(128, 18);
    for (int i = 0; i < 256; ++i) {
        const uint8_t byte = pat(16 * (i / 32) + i % 16, 18);
        const int nib = i % 32 < 16 ? byte & 15 : byte >> 4;
        b.want.push_back(0.0625f * float(ls[i / 32] - 32) * float(kIq4nl[nib]));
    }
    return b;
}

} // namespace qs::test
