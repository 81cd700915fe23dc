#include "core/io/element_convert.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace qs {

float halfToFloat(uint16_t h)
{
    // IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.
    const bool neg = (h & 0x8000u) != 0;
    const int e = (h >> 10) & 0x1f;
    const int m = h & 0x3ff;
    float v;
    if (e == 0)
        v = std::ldexp(static_cast<float>(m), -24); // subnormal: m * 2^-24
    else if (e == 31)
        v = m ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    else
        v = std::ldexp(static_cast<float>(m | 0x400), e - 25);
    return neg ? -v : v;
}

float bfloat16ToFloat(uint16_t b)
{
    const uint32_t bits = static_cast<uint32_t>(b) << 16; // bfloat16 is the top half of float32
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
}

uint16_t floatToHalf(float f)
{
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t a = x & 0x7fffffffu;
    if (a > 0x7f800000u) // NaN
        return sign | 0x7e00u;
    if (a >= 0x477ff000u) // 65520 and above round to inf
        return sign | 0x7c00u;
    uint32_t h, rem, halfway;
    if (a < 0x38800000u) {    // below 2^-14: a multiple of 2^-24, m x 2^(e-150) -> m >> (126 - e)
        if (a <= 0x33000000u) // up to 2^-25 (a tie with 0)
            return sign;
        const int shift = 126 - static_cast<int>(a >> 23);
        const uint32_t m = (a & 0x7fffffu) | 0x800000u;
        h = m >> shift;
        rem = m & ((1u << shift) - 1);
        halfway = 1u << (shift - 1);
    } else { // normal: rebias the exponent from 127 to 15, keep 10 mantissa bits
        h = (a - 0x38000000u) >> 13;
        rem = a & 0x1fffu;
        halfway = 0x1000u;
    }
    if (rem > halfway || (rem == halfway && (h & 1u))) // a carry moves into the exponent
        ++h;
    return static_cast<uint16_t>(sign | h);
}

uint16_t floatToBfloat16(float f)
{
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return static_cast<uint16_t>((x >> 16) | 0x40u);
    return static_cast<uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

float float8E4M3ToFloat(uint8_t b)
{
    // OCP FP8 E4M3 ("fn"): bias 7, no infinities, S.1111.111 is NaN, max 448.
    const bool neg = (b & 0x80u) != 0;
    const int e = (b >> 3) & 0xf;
    const int m = b & 0x7;
    float v;
    if (e == 15 && m == 7)
        v = std::numeric_limits<float>::quiet_NaN();
    else if (e == 0)
        v = std::ldexp(static_cast<float>(m), -9);
    else
        v = std::ldexp(static_cast<float>(m | 0x8), e - 10);
    return neg ? -v : v;
}

float float8E5M2ToFloat(uint8_t b)
{
    // E5M2 is the upper byte of an IEEE binary16 value.
    return halfToFloat(static_cast<uint16_t>(b << 8));
}

namespace {

template <int N> inline uint64_t loadUnsigned(const uint8_t* p, bool bigEndian)
{
    uint64_t v = 0;
    if (bigEndian) {
        for (int i = 0; i < N; ++i)
            v = (v << 8) | p[i];
    } else {
        for (int i = N - 1; i >= 0; --i)
            v = (v << 8) | p[i];
    }
    return v;
}

inline int64_t signExtend(uint64_t v, int bits)
{
    if (bits == 64)
        return static_cast<int64_t>(v);
    const uint64_t sign = uint64_t(1) << (bits - 1);
    return static_cast<int64_t>((v ^ sign)) - static_cast<int64_t>(sign);
}

inline float fromSigned(int64_t v, ConversionStats& st)
{
    const float f = static_cast<float>(v);
    // 2^63 does not fit int64: a float that large can only come from rounding up.
    if (f >= 9223372036854775808.0f || static_cast<int64_t>(f) != v)
        ++st.inexact;
    return f;
}

inline float fromUnsigned(uint64_t v, ConversionStats& st)
{
    const float f = static_cast<float>(v);
    if (f >= 18446744073709551616.0f || static_cast<uint64_t>(f) != v)
        ++st.inexact;
    return f;
}

bool hostIsBigEndian()
{
    const uint16_t one = 1;
    uint8_t first;
    std::memcpy(&first, &one, 1);
    return first == 0;
}

} // namespace

float doubleToFloat(double d, ConversionStats& st)
{
    if (!std::isfinite(d))
        return static_cast<float>(d);
    // Doubles at or beyond 2^128 - 2^103 round to infinity in float32 (half an ulp above
    // FLT_MAX); convert those explicitly so the cast is always in range.
    if (std::fabs(d) >= 0x1.ffffffp127) {
        ++st.overflow;
        return d > 0 ? std::numeric_limits<float>::infinity()
                     : -std::numeric_limits<float>::infinity();
    }
    const float f = static_cast<float>(d);
    if (static_cast<double>(f) != d)
        ++st.inexact;
    return f;
}

uint64_t readLE(const uint8_t* p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

namespace {

// Element decoders: the N-byte unsigned integer read in the file's byte order -> float32.
using Decode = float (*)(uint64_t, ConversionStats&);

float decodeF32(uint64_t bits, ConversionStats&)
{
    const uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, 4);
    return f;
}
float decodeF64(uint64_t bits, ConversionStats& st)
{
    double d;
    std::memcpy(&d, &bits, 8);
    return doubleToFloat(d, st);
}
float decodeF16(uint64_t v, ConversionStats&)
{
    return halfToFloat(static_cast<uint16_t>(v));
}
float decodeBF16(uint64_t v, ConversionStats&)
{
    return bfloat16ToFloat(static_cast<uint16_t>(v));
}
float decodeE4M3(uint64_t v, ConversionStats&)
{
    return float8E4M3ToFloat(static_cast<uint8_t>(v));
}
float decodeE5M2(uint64_t v, ConversionStats&)
{
    return float8E5M2ToFloat(static_cast<uint8_t>(v));
}
float decodeBool(uint64_t v, ConversionStats&)
{
    return v ? 1.0f : 0.0f;
}
// Integers: up to 16 bits every value is exact in float32; wider ones are counted when rounded.
template <int Bits> float decodeSigned(uint64_t v, ConversionStats& st)
{
    return fromSigned(signExtend(v, Bits), st);
}
float decodeUnsigned(uint64_t v, ConversionStats& st)
{
    return fromUnsigned(v, st);
}

using Convert = void (*)(const uint8_t*, int64_t, bool, float*, ConversionStats&);

template <int N, Decode decode>
void convertEach(const uint8_t* src, int64_t n, bool bigEndian, float* out, ConversionStats& st)
{
    if (bigEndian) {
        for (int64_t i = 0; i < n; ++i)
            out[i] = decode(loadUnsigned<N>(src + N * i, true), st);
    } else {
        for (int64_t i = 0; i < n; ++i)
            out[i] = decode(loadUnsigned<N>(src + N * i, false), st);
    }
}

// bfloat16 is the top half of a float32: one shift per element, a loop the compiler vectorizes.
void convertBF16(const uint8_t* src, int64_t n, bool bigEndian, float* out, ConversionStats& st)
{
    if (bigEndian) {
        convertEach<2, decodeBF16>(src, n, true, out, st);
        return;
    }
    for (int64_t i = 0; i < n; ++i) {
        const uint32_t bits = (uint32_t(src[2 * i + 1]) << 24) | (uint32_t(src[2 * i]) << 16);
        std::memcpy(out + i, &bits, 4);
    }
}

// Everything about an element type in one row: its name, its size and how it converts.
struct ElementTypeInfo {
    ElementType type;
    const char* name;
    size_t size;
    Convert convert;
};

const ElementTypeInfo kElementTypes[] = {
    {ElementType::F16, "float16", 2, convertEach<2, decodeF16>},
    {ElementType::BF16, "bfloat16", 2, convertBF16},
    {ElementType::F32, "float32", 4, convertEach<4, decodeF32>},
    {ElementType::F64, "float64", 8, convertEach<8, decodeF64>},
    {ElementType::F8E4M3, "float8_e4m3fn", 1, convertEach<1, decodeE4M3>},
    {ElementType::F8E5M2, "float8_e5m2", 1, convertEach<1, decodeE5M2>},
    {ElementType::I8, "int8", 1, convertEach<1, decodeSigned<8>>},
    {ElementType::I16, "int16", 2, convertEach<2, decodeSigned<16>>},
    {ElementType::I32, "int32", 4, convertEach<4, decodeSigned<32>>},
    {ElementType::I64, "int64", 8, convertEach<8, decodeSigned<64>>},
    {ElementType::U8, "uint8", 1, convertEach<1, decodeUnsigned>},
    {ElementType::U16, "uint16", 2, convertEach<2, decodeUnsigned>},
    {ElementType::U32, "uint32", 4, convertEach<4, decodeUnsigned>},
    {ElementType::U64, "uint64", 8, convertEach<8, decodeUnsigned>},
    {ElementType::Bool, "bool", 1, convertEach<1, decodeBool>},
};

const ElementTypeInfo* infoOf(ElementType t)
{
    for (const ElementTypeInfo& e : kElementTypes)
        if (e.type == t)
            return &e;
    return nullptr;
}

} // namespace

size_t elementSize(ElementType t)
{
    const ElementTypeInfo* e = infoOf(t);
    return e ? e->size : 1;
}

std::string elementTypeName(ElementType t)
{
    const ElementTypeInfo* e = infoOf(t);
    return e ? e->name : "?";
}

void convertToFloat(const uint8_t* src, ElementType type, bool bigEndian, int64_t n, float* out,
                    ConversionStats& st)
{
    const ElementTypeInfo* e = infoOf(type);
    if (n <= 0 ||
        !e) // nothing to read; also keeps memcpy away from the null data() of empty vectors
        return;
    // Chunks of a large tensor convert on every thread; the counts add up in chunk order.
    constexpr int64_t kChunk = int64_t(1) << 18;
    const int64_t chunks = (n + kChunk - 1) / kChunk;
    const bool copy = type == ElementType::F32 && bigEndian == hostIsBigEndian();
    std::vector<ConversionStats> parts(static_cast<size_t>(chunks));
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (int64_t c = 0; c < chunks; ++c) {
        const int64_t i0 = c * kChunk, m = std::min(kChunk, n - i0);
        if (copy)
            std::memcpy(out + i0, src + 4 * i0, static_cast<size_t>(m) * 4);
        else
            e->convert(src + int64_t(e->size) * i0, m, bigEndian && e->size > 1, out + i0,
                       parts[size_t(c)]);
    }
    for (const ConversionStats& p : parts) {
        st.inexact += p.inexact;
        st.overflow += p.overflow;
    }
}

std::string conversionWarning(const std::string& where, ElementType type, int64_t n,
                              const ConversionStats& st)
{
    std::string w;
    const std::string of = " of " + std::to_string(n) + " " + elementTypeName(type) + " values ";
    if (st.inexact > 0)
        w = where + ": " + std::to_string(st.inexact) + of +
            "are not exactly representable in float32 and were rounded";
    if (st.overflow > 0) {
        if (!w.empty())
            w += "; ";
        else
            w = where + ": ";
        w += std::to_string(st.overflow) + of + "exceed the float32 range and became infinite";
    }
    return w;
}

namespace {

template <class T> std::string shortestDecimalOf(T v, int maxDigits)
{
    char buf[64];
    for (int digits = 6; digits <= maxDigits; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(v));
        if (static_cast<T>(std::strtod(buf, nullptr)) == v)
            break;
    }
    return buf;
}

} // namespace

std::string shortestDecimal(float v)
{
    return shortestDecimalOf(v, 9);
}

std::string shortestDecimal(double v)
{
    return shortestDecimalOf(v, 17);
}

} // namespace qs
