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

const MiniFloatInfo kE4M3{"E4M3", 4, 3, 7, false, true, 448.0, 0.015625, 0.001953125, 0x7E};
const MiniFloatInfo kE5M2{"E5M2", 5, 2, 15, true, true, 57344.0, 6.103515625e-05, 1.52587890625e-05,
                          0x7B};
const MiniFloatInfo kE2M1{"E2M1", 2, 1, 1, false, false, 6.0, 1.0, 0.5, 0x07};

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

const MiniFloatInfo& miniFloatInfo(MiniFloat f)
{
    switch (f) {
    case MiniFloat::E4M3:
        return kE4M3;
    case MiniFloat::E5M2:
        return kE5M2;
    case MiniFloat::E2M1:
        break;
    }
    return kE2M1;
}

MiniFloat miniFloatFromName(const std::string& name)
{
    for (MiniFloat f : {MiniFloat::E4M3, MiniFloat::E5M2, MiniFloat::E2M1})
        if (sameNameIgnoringCase(name, miniFloatInfo(f).name))
            return f;
    throw Error("unknown small float format '" + name + "' (valid: e4m3, e5m2, e2m1)");
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
    if (f == MiniFloat::E4M3 && expField == expAllOnes && mant == (1u << m) - 1u) {
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
    if (!saturate && f == MiniFloat::E2M1)
        throw Error("E2M1 has no infinity or NaN: it always saturates");
    const int m = fi.mantissaBits;
    const uint8_t signBit = static_cast<uint8_t>(1u << (fi.exponentBits + m));
    const uint8_t sign = std::signbit(x) ? signBit : 0;
    const uint8_t nanCode = static_cast<uint8_t>(signBit - 1u); // S.1..1.1..1: NaN in E4M3/E5M2
    const uint8_t infCode = static_cast<uint8_t>(((1u << fi.exponentBits) - 1u) << m);
    EncodeEvent ev = EncodeEvent::None;
    uint8_t code;

    if (std::isnan(x)) {
        ev = EncodeEvent::NonFinite;
        code = fi.hasNaN ? static_cast<uint8_t>(sign | nanCode) : 0;
    } else if (std::isinf(x)) {
        ev = EncodeEvent::NonFinite;
        if (saturate)
            code = sign | fi.maxCode;
        else
            code = sign | (fi.hasInf ? infCode : nanCode);
    } else if (x == 0.0) {
        code = sign;
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
            code = sign | (saturate ? fi.maxCode : (fi.hasInf ? infCode : nanCode));
        } else if (q == 0.0) {
            ev = EncodeEvent::Flushed;
            code = sign;
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
    if (!saturate && f == MiniFloat::E2M1)
        throw Error("E2M1 has no infinity or NaN: it always saturates");
    EncodeEvent ev;
    const uint8_t code = encodeFiniteMiniFloat(miniFloatInfo(f), x, saturate, ev);
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
    if (!saturate && f == MiniFloat::E2M1)
        throw Error("E2M1 has no infinity or NaN: it always saturates");
    LowbitResult r;
    r.format = fi.name;
    sizeLowbitBuffers(r, n, kLowbitCodeOffset);
    // Decoding through a 256-entry table keeps the loop cheap.
    float table[256];
    for (int c = 0; c < 256; ++c)
        table[c] = static_cast<float>(decodeMiniFloat(f, static_cast<uint8_t>(c)));
    formats_detail::forEachElement(n, cancel, [&](int64_t i, formats_detail::LowbitCounts& c) {
        EncodeEvent ev;
        const uint8_t code = std::isfinite(x[i]) ? encodeFiniteMiniFloat(fi, x[i], saturate, ev)
                                                 : encodeMiniFloat(f, x[i], saturate, &ev);
        r.codes.set(i, code);
        if (ev == EncodeEvent::NonFinite) {
            ++c.nonfinite;
            r.dequantized[i] = x[i]; // NaN / +-inf stay visible (see lowbit.h)
            return;
        }
        r.dequantized[i] = table[code];
        if (ev == EncodeEvent::Saturated)
            c.saturate(x[i]);
        else if (ev == EncodeEvent::Flushed)
            ++c.flushed;
    }).storeIn(r);
    formats_detail::setStorage(r, int64_t(1) << fi.bits(), n * fi.bits(), n);
    return r;
}

} // namespace qs
