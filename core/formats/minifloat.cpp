// Exact round-to-nearest-even encoding of small float formats (see minifloat.h).
//
// Method: for |x| > 0 take E = max(floor(log2 |x|), emin), the exponent of the binade the value
// falls in (subnormals share the binade of emin). Then |x| / 2^(E - m) is exact in double (a
// power-of-two scaling of a value with at most 53 significant bits), and rounding it to an
// integer with ties to even is the format's rounding. The integer may reach 2^(m+1) (carry into
// the next binade), which the value-based encoding below handles.
#include "core/formats/minifloat.h"

#include "core/base/error.h"
#include "core/formats/lowbit_blocks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace qs {

namespace {

constexpr MiniFloat kAllMiniFloats[] = {MiniFloat::E4M3,    MiniFloat::E5M2, MiniFloat::E2M1,
                                        MiniFloat::E2M3,    MiniFloat::E3M2, MiniFloat::E4M3FNUZ,
                                        MiniFloat::E5M2FNUZ};

// In the order of MiniFloat.
const MiniFloatInfo kInfo[] = {
    {"E4M3", 4, 3, 7, false, true, 448.0, 0x1p-6, 0x1p-9, 0x7E, false},
    {"E5M2", 5, 2, 15, true, true, 57344.0, 0x1p-14, 0x1p-16, 0x7B, false},
    {"E2M1", 2, 1, 1, false, false, 6.0, 1.0, 0.5, 0x07, false},
    {"E2M3", 2, 3, 1, false, false, 7.5, 1.0, 0.125, 0x1F, false},
    {"E3M2", 3, 2, 3, false, false, 28.0, 0.25, 0.0625, 0x1F, false},
    {"E4M3FNUZ", 4, 3, 8, false, true, 240.0, 0x1p-7, 0x1p-10, 0x7F, true},
    {"E5M2FNUZ", 5, 2, 16, false, true, 57344.0, 0x1p-15, 0x1p-17, 0x7F, true},
};

// The code of a NaN input: the format's NaN, or +0 where it has none.
uint8_t nanCodeOf(const MiniFloatInfo& fi, uint8_t sign)
{
    if (!fi.hasNaN)
        return 0;
    const uint8_t signBit = static_cast<uint8_t>(1u << (fi.bits() - 1));
    return fi.unsignedZero ? signBit : static_cast<uint8_t>(sign | (signBit - 1u));
}

void checkSaturate(const MiniFloatInfo& fi, bool saturate)
{
    if (!saturate && fi.alwaysSaturates())
        throw Error(std::string(fi.name) + " has no infinity or NaN: it always saturates");
}

// Round to nearest integer, ties to even, independent of the floating-point rounding mode.
// v must be finite and non-negative with v < 2^52.
double roundHalfEven(double v)
{
    const double fl = std::floor(v);
    const double diff = v - fl;
    if (diff > 0.5)
        return fl + 1.0;
    if (diff < 0.5)
        return fl;
    return std::fmod(fl, 2.0) == 0.0 ? fl : fl + 1.0;
}

} // namespace

namespace minifloat_detail {

uint8_t overflowCode(const MiniFloatInfo& fi, uint8_t sign, bool saturate)
{
    const int m = fi.mantissaBits;
    const uint8_t signBit = static_cast<uint8_t>(1u << (fi.exponentBits + m));
    if (saturate)
        return sign | fi.maxCode;
    if (fi.unsignedZero)
        return signBit; // 0x80, the one NaN
    if (fi.hasInf)
        return sign | static_cast<uint8_t>(((1u << fi.exponentBits) - 1u) << m);
    return sign | static_cast<uint8_t>(signBit - 1u); // S.1..1.1..1, NaN of E4M3
}

} // namespace minifloat_detail

using minifloat_detail::overflowCode;

namespace {

using formats_detail::LowbitCounts;

// Element i of x[i] = v, finite or not, with its events counted.
void anyValue(MiniFloat f, const MiniFloatInfo& fi, bool saturate, const float* table, float v,
              int64_t i, const LowbitOut& out, LowbitCounts& c)
{
    EncodeEvent ev;
    const uint8_t code = std::isfinite(v) ? encodeFiniteMiniFloat(fi, v, saturate, ev)
                                          : encodeMiniFloat(f, v, saturate, &ev);
    out.setCode(i, code);
    if (ev == EncodeEvent::NonFinite) {
        ++c.nonfinite;
        out.value(i) = v; // NaN / +-inf stay visible (see lowbit.h)
        return;
    }
    out.value(i) = table[code];
    if (ev == EncodeEvent::Saturated)
        c.saturate(v);
    else if (ev == EncodeEvent::Flushed)
        ++c.flushed;
}

// The elements of a span of finite values, without a branch. A nonzero value flushed to zero
// has the code of a zero, whose value is 0: what writeFinite counts.
void finiteRun(const MiniFloatEncoder& encoding, const float* x, const formats_detail::BlockSpan& s,
               LowbitResult& r, LowbitCounts& c)
{
    const MiniFloatEncoder encoder = encoding; // a local copy: no reload after each store
    formats_detail::writeFinite(x, s, r, c, [&](float v, int32_t& code, int32_t& sat) {
        int32_t flushed;
        float value;
        code = static_cast<int32_t>(encoder.encode(v, value, sat, flushed));
        return value;
    });
}

} // namespace

const MiniFloatInfo& miniFloatInfo(MiniFloat f)
{
    return kInfo[static_cast<int>(f)];
}

MiniFloat miniFloatFromName(const std::string& name)
{
    std::string valid;
    for (MiniFloat f : kAllMiniFloats) {
        if (sameNameIgnoringCase(name, miniFloatInfo(f).name))
            return f;
        valid += (valid.empty() ? "" : ", ") + std::string(miniFloatInfo(f).name);
    }
    throw Error("unknown small float format '" + name + "' (valid: " + valid + ")");
}

double decodeMiniFloat(MiniFloat f, uint8_t code)
{
    const MiniFloatInfo& fi = miniFloatInfo(f);
    const int m = fi.mantissaBits;
    const int e = fi.exponentBits;
    const unsigned mant = code & ((1u << m) - 1u);
    const unsigned expField = (code >> m) & ((1u << e) - 1u);
    const bool negative = (code >> (m + e)) & 1u;
    const unsigned expAllOnes = (1u << e) - 1u;
    double v;
    if (fi.unsignedZero && negative && expField == 0 && mant == 0) {
        v = std::numeric_limits<double>::quiet_NaN(); // 0x80
    } else if (f == MiniFloat::E4M3 && expField == expAllOnes && mant == (1u << m) - 1u) {
        v = std::numeric_limits<double>::quiet_NaN();
    } else if (f == MiniFloat::E5M2 && expField == expAllOnes) {
        v = mant == 0 ? std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::quiet_NaN();
    } else if (expField == 0) {
        v = std::ldexp(static_cast<double>(mant), 1 - fi.bias - m);
    } else {
        v = std::ldexp(static_cast<double>(mant + (1u << m)),
                       static_cast<int>(expField) - fi.bias - m);
    }
    return negative ? -v : v;
}

uint8_t encodeMiniFloat(MiniFloat f, double x, bool saturate, EncodeEvent* event)
{
    const MiniFloatInfo& fi = miniFloatInfo(f);
    checkSaturate(fi, saturate);
    const int m = fi.mantissaBits;
    const uint8_t signBit = static_cast<uint8_t>(1u << (fi.exponentBits + m));
    const uint8_t sign = std::signbit(x) ? signBit : 0;
    const uint8_t zero = fi.unsignedZero ? 0 : sign; // the code of a value that is +-0
    EncodeEvent ev = EncodeEvent::None;
    uint8_t code;

    if (std::isnan(x)) {
        ev = EncodeEvent::NonFinite;
        code = nanCodeOf(fi, sign);
    } else if (std::isinf(x)) {
        ev = EncodeEvent::NonFinite;
        code = overflowCode(fi, sign, saturate);
    } else if (x == 0.0) {
        code = zero;
    } else {
        const double a = std::fabs(x);
        const int emin = 1 - fi.bias;
        int e2 = 0;
        std::frexp(a, &e2); // a = frac * 2^e2, frac in [0.5, 1)
        const int exponent = std::max(e2 - 1, emin);
        const double q = roundHalfEven(std::ldexp(a, m - exponent)); // in [0, 2^(m+1)]
        const double r = std::ldexp(q, exponent - m);
        if (a > fi.maxFinite)
            ev = EncodeEvent::Saturated;
        if (r > fi.maxFinite) {
            code = overflowCode(fi, sign, saturate);
        } else if (q == 0.0) {
            ev = EncodeEvent::Flushed;
            code = zero;
        } else {
            int qi = static_cast<int>(q);
            int ex = exponent;
            if (qi == (1 << (m + 1))) { // carried into the next binade
                qi >>= 1;
                ++ex;
            }
            unsigned expField, mant;
            if (qi < (1 << m)) { // subnormal (only possible at ex == emin)
                expField = 0;
                mant = static_cast<unsigned>(qi);
            } else {
                expField = static_cast<unsigned>(ex + fi.bias);
                mant = static_cast<unsigned>(qi - (1 << m));
            }
            code = static_cast<uint8_t>(sign | (expField << m) | mant);
        }
    }
    if (event)
        *event = ev;
    return code;
}

uint8_t encodeMiniFloatFast(MiniFloat f, float x, bool saturate, EncodeEvent* event)
{
    if (!std::isfinite(x))
        return encodeMiniFloat(f, x, saturate, event);
    const MiniFloatInfo& fi = miniFloatInfo(f);
    checkSaturate(fi, saturate);
    EncodeEvent ev;
    const uint8_t code = encodeFiniteMiniFloat(fi, x, saturate, ev);
    if (event)
        *event = ev;
    return code;
}

LowbitResult quantizeMiniFloat(const float* x, int64_t n, MiniFloat f, bool saturate,
                               const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    const MiniFloatInfo& fi = miniFloatInfo(f);
    if (n < 1)
        throw Error(std::string(fi.name) + ": the tensor is empty");
    if (x == nullptr)
        throw Error(std::string(fi.name) + ": no data (null pointer)");
    checkSaturate(fi, saturate);
    LowbitResult r;
    r.format = fi.name;
    sizeLowbitBuffers(r, n, kUnsignedByteCodes); // bit patterns
    // Decoding through a 256-entry table keeps the loop cheap.
    float table[256];
    for (int c = 0; c < 256; ++c)
        table[c] = static_cast<float>(decodeMiniFloat(f, static_cast<uint8_t>(c)));
    formats_detail::setStorage(r, int64_t(1) << fi.bits(),
                               formats_detail::blockScaleSplit(n, fi.bits(), 0, 0), n);
    const MiniFloatEncoder encoder(f, saturate);
    const int64_t pieces = (n + kLowbitPiece - 1) / kLowbitPiece;
    const bool avx2 = formats_detail::hasAvx2();
    formats_detail::forEachOutput(r, pieces, 0, n, cancel, [&](int64_t k, LowbitCounts& c) {
        const formats_detail::BlockSpan s{k * kLowbitPiece, std::min(n, (k + 1) * kLowbitPiece)};
        if (formats_detail::allFinite(x, s))
            formats_detail::runInlined(avx2, [&] { finiteRun(encoder, x, s, r, c); });
        else
            for (int64_t i = s.start; i < s.end; ++i)
                anyValue(f, fi, saturate, table, x[i], i, formats_detail::outputsOf(r), c);
    }).storeIn(r);
    return r;
}

} // namespace qs
