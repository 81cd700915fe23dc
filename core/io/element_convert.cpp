#include "core/io/element_convert.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace qs {

size_t elementSize(ElementType t)
{
    switch (t) {
    case ElementType::F8E4M3:
    case ElementType::F8E5M2:
    case ElementType::I8:
    case ElementType::U8:
    case ElementType::Bool:
        return 1;
    case ElementType::F16:
    case ElementType::BF16:
    case ElementType::I16:
    case ElementType::U16:
        return 2;
    case ElementType::F32:
    case ElementType::I32:
    case ElementType::U32:
        return 4;
    case ElementType::F64:
    case ElementType::I64:
    case ElementType::U64:
        return 8;
    }
    return 1;
}

std::string elementTypeName(ElementType t)
{
    switch (t) {
    case ElementType::F16:
        return "float16";
    case ElementType::BF16:
        return "bfloat16";
    case ElementType::F32:
        return "float32";
    case ElementType::F64:
        return "float64";
    case ElementType::F8E4M3:
        return "float8_e4m3fn";
    case ElementType::F8E5M2:
        return "float8_e5m2";
    case ElementType::I8:
        return "int8";
    case ElementType::I16:
        return "int16";
    case ElementType::I32:
        return "int32";
    case ElementType::I64:
        return "int64";
    case ElementType::U8:
        return "uint8";
    case ElementType::U16:
        return "uint16";
    case ElementType::U32:
        return "uint32";
    case ElementType::U64:
        return "uint64";
    case ElementType::Bool:
        return "bool";
    }
    return "?";
}

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

void convertToFloat(const uint8_t* src, ElementType type, bool bigEndian, int64_t n, float* out,
                    ConversionStats& st)
{
    if (n <= 0) // nothing to read; also keeps memcpy away from the null data() of empty vectors
        return;
    const size_t sz = elementSize(type);
    if (sz == 1)
        bigEndian = false;
    switch (type) {
    case ElementType::F32:
        if (bigEndian == hostIsBigEndian()) {
            std::memcpy(out, src, static_cast<size_t>(n) * 4);
        } else {
            for (int64_t i = 0; i < n; ++i) {
                const uint32_t bits =
                    static_cast<uint32_t>(loadUnsigned<4>(src + 4 * i, bigEndian));
                std::memcpy(out + i, &bits, 4);
            }
        }
        break;
    case ElementType::F64:
        for (int64_t i = 0; i < n; ++i) {
            const uint64_t bits = loadUnsigned<8>(src + 8 * i, bigEndian);
            double d;
            std::memcpy(&d, &bits, 8);
            out[i] = doubleToFloat(d, st);
        }
        break;
    case ElementType::F16:
        for (int64_t i = 0; i < n; ++i)
            out[i] = halfToFloat(static_cast<uint16_t>(loadUnsigned<2>(src + 2 * i, bigEndian)));
        break;
    case ElementType::BF16:
        for (int64_t i = 0; i < n; ++i)
            out[i] =
                bfloat16ToFloat(static_cast<uint16_t>(loadUnsigned<2>(src + 2 * i, bigEndian)));
        break;
    case ElementType::F8E4M3:
        for (int64_t i = 0; i < n; ++i)
            out[i] = float8E4M3ToFloat(src[i]);
        break;
    case ElementType::F8E5M2:
        for (int64_t i = 0; i < n; ++i)
            out[i] = float8E5M2ToFloat(src[i]);
        break;
    case ElementType::I8:
        for (int64_t i = 0; i < n; ++i)
            out[i] = static_cast<float>(static_cast<int8_t>(src[i]));
        break;
    case ElementType::U8:
        for (int64_t i = 0; i < n; ++i)
            out[i] = static_cast<float>(src[i]);
        break;
    case ElementType::Bool:
        for (int64_t i = 0; i < n; ++i)
            out[i] = src[i] ? 1.0f : 0.0f;
        break;
    case ElementType::I16:
        for (int64_t i = 0; i < n; ++i)
            out[i] = static_cast<float>(signExtend(loadUnsigned<2>(src + 2 * i, bigEndian), 16));
        break;
    case ElementType::U16:
        for (int64_t i = 0; i < n; ++i)
            out[i] = static_cast<float>(loadUnsigned<2>(src + 2 * i, bigEndian));
        break;
    case ElementType::I32:
        for (int64_t i = 0; i < n; ++i)
            out[i] = fromSigned(signExtend(loadUnsigned<4>(src + 4 * i, bigEndian), 32), st);
        break;
    case ElementType::U32:
        for (int64_t i = 0; i < n; ++i)
            out[i] = fromUnsigned(loadUnsigned<4>(src + 4 * i, bigEndian), st);
        break;
    case ElementType::I64:
        for (int64_t i = 0; i < n; ++i)
            out[i] = fromSigned(signExtend(loadUnsigned<8>(src + 8 * i, bigEndian), 64), st);
        break;
    case ElementType::U64:
        for (int64_t i = 0; i < n; ++i)
            out[i] = fromUnsigned(loadUnsigned<8>(src + 8 * i, bigEndian), st);
        break;
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

} // namespace qs
