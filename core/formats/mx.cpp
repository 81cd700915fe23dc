// OCP Microscaling conversion (see mx.h).
#include "core/formats/mx.h"

#include "core/base/error.h"
#include "core/formats/lowbit_blocks.h"
#include "core/formats/minifloat.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace qs {

namespace {

// Round to nearest integer, ties to even, independent of the floating-point rounding mode.
double roundHalfEven(double v)
{
    const double a = std::fabs(v);
    const double fl = std::floor(a);
    const double diff = a - fl;
    double r = fl;
    if (diff > 0.5 || (diff == 0.5 && std::fmod(fl, 2.0) != 0.0))
        r = fl + 1.0;
    return std::copysign(r, v);
}

using formats_detail::BlockSpan;
using formats_detail::LowbitCounts;

} // namespace

MiniFloat mxElement(MxFormat f)
{
    switch (f) {
    case MxFormat::MXFP8_E4M3:
        return MiniFloat::E4M3;
    case MxFormat::MXFP8_E5M2:
        return MiniFloat::E5M2;
    case MxFormat::MXFP6_E2M3:
        return MiniFloat::E2M3;
    case MxFormat::MXFP6_E3M2:
        return MiniFloat::E3M2;
    default:
        return MiniFloat::E2M1; // MXFP4 (MXINT8 has no float element)
    }
}

namespace {

// The element format of an MX format and the decoded value of each of its float codes.
struct MxElements {
    MxFormat format;
    MxScaleRounding rounding;
    bool isInt;
    MiniFloat elem;
    const MiniFloatInfo& info;
    MiniFloatEncoder encoder; // saturating, as every MX element
    int emax;                 // mxElementEmax
    float table[256];         // element values of the float formats

    MxElements(MxFormat f, MxScaleRounding r)
        : format(f), rounding(r), isInt(f == MxFormat::MXINT8), elem(mxElement(f)),
          info(miniFloatInfo(elem)), encoder(elem, true), emax(mxElementEmax(f))
    {
        for (int c = 0; c < 256; ++c)
            table[c] = static_cast<float>(decodeMiniFloat(elem, static_cast<uint8_t>(c)));
    }

    // Code of x / X (`scaled`) for element i; returns its element value.
    float encode(double scaled, float v, int64_t i, const LowbitOut& out, LowbitCounts& c) const
    {
        if (isInt) {
            const double elemMax = 127.0 / 64.0; // MXINT8 largest element
            if (scaled > elemMax || scaled < -2.0)
                c.saturate(v);
            const double q = std::clamp(roundHalfEven(scaled * 64.0), -128.0, 127.0);
            out.setCode(i, static_cast<int32_t>(q));
            return static_cast<float>(q / 64.0);
        }
        EncodeEvent ev; // the scaled value of a finite input is finite
        const uint8_t code = encodeFiniteMiniFloat(info, static_cast<float>(scaled), true, ev);
        if (ev == EncodeEvent::Saturated)
            c.saturate(v);
        out.setCode(i, code);
        return table[code];
    }
};

// A block of finite values of a float format, without a branch: x * 2^-e in float32 rounds
// once, as the double product (exact) converted to float does.
void finiteFloatBlock(const MxElements& m, const float* x, const BlockSpan& s, float scale,
                      float inverse, LowbitResult& r, LowbitCounts& c)
{
    const MiniFloatEncoder encoder = m.encoder; // a local copy: no reload after each store
    formats_detail::writeFinite(x, s, r, c, [&](float v, int32_t& code, int32_t& sat) {
        int32_t flushed;
        float value;
        code = static_cast<int32_t>(encoder.encode(v * inverse, value, sat, flushed));
        return value * scale;
    });
}

// 2^e for e in [-127, 127] from its bit pattern (2^-127 is a float32 subnormal).
float powerOfTwo(int e)
{
    const uint32_t bits = e > -127 ? static_cast<uint32_t>(e + 127) << 23 : 0x00400000u;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// mxSharedExponent of a block: floor(log2 amax) of a normal float32 amax is its exponent field
// less the bias, read from its bits; the other roundings and amax (0, subnormal) by the function.
int sharedExponent(const MxElements& m, float amax)
{
    uint32_t bits;
    std::memcpy(&bits, &amax, sizeof bits);
    const int biased = static_cast<int>(bits >> 23); // amax >= 0 is finite
    if (m.rounding == MxScaleRounding::Floor && biased > 0)
        return std::clamp(biased - 127 - m.emax, -127, 127);
    return mxSharedExponent(m.format, amax, m.rounding);
}

// One block: its shared exponent X = 2^e from the largest finite magnitude, then each element.
void quantizeBlock(const MxElements& m, const float* x, int64_t blk, LowbitResult& r,
                   LowbitCounts& c)
{
    const BlockSpan s = formats_detail::blockSpan(r, blk);
    float amax;
    const bool finite = formats_detail::absMaxIfFinite(x, s, amax);
    if (!finite)
        amax = formats_detail::finiteAbsMax(x, s);
    const int e = sharedExponent(m, amax);
    const float scale = powerOfTwo(e);
    const double inverse = powerOfTwo(-e);
    r.scales[static_cast<size_t>(blk)] = scale;
    if (finite && !m.isInt) {
        finiteFloatBlock(m, x, s, scale, static_cast<float>(inverse), r, c);
        return;
    }
    const LowbitOut out = formats_detail::outputsOf(r);
    for (int64_t i = s.start; i < s.end; ++i) {
        const float v = x[i];
        if (!std::isfinite(v)) {
            if (m.isInt) {
                formats_detail::keepNonfinite(r, i, v, 0, 127, -128, c);
            } else { // the saturating encoding has a code for NaN and for each infinity
                const int32_t code = encodeMiniFloat(m.elem, v, true);
                formats_detail::keepNonfinite(r, i, v, code, code, code, c);
            }
            continue;
        }
        // x / X is exact in double; as float it is exact wherever it can round to a
        // nonzero element (|x / X| <= 2^(emax + 1), and float32 keeps every value above
        // 2^-126 that has 24 significant bits).
        const float elemValue = m.encode(double(v) * inverse, v, i, out, c);
        out.value(i) = elemValue * scale; // one rounding, as ldexp then float
        if (v != 0.0f && out.value(i) == 0.0f)
            ++c.flushed;
    }
}

} // namespace

std::string toName(MxFormat f)
{
    static const char* const kNames[] = {"MXFP8_E4M3", "MXFP8_E5M2", "MXFP4",
                                         "MXINT8",     "MXFP6_E2M3", "MXFP6_E3M2"};
    return kNames[static_cast<int>(f)];
}

MxFormat mxFormatFromName(const std::string& name)
{
    static const MxFormat kAll[] = {MxFormat::MXFP8_E4M3, MxFormat::MXFP8_E5M2,
                                    MxFormat::MXFP4,      MxFormat::MXINT8,
                                    MxFormat::MXFP6_E2M3, MxFormat::MXFP6_E3M2};
    return formats_detail::enumFromName(name, kAll, "MX format");
}

int mxElementEmax(MxFormat f)
{
    if (f == MxFormat::MXINT8)
        return 0;
    int e2 = 0;
    std::frexp(miniFloatInfo(mxElement(f)).maxFinite, &e2); // the binade of the largest value
    return e2 - 1;
}

int mxElementBits(MxFormat f)
{
    return f == MxFormat::MXINT8 ? 8 : miniFloatInfo(mxElement(f)).bits();
}

double mxElementMax(MxFormat f)
{
    return f == MxFormat::MXINT8 ? 127.0 / 64.0 : miniFloatInfo(mxElement(f)).maxFinite;
}

int mxSharedExponent(MxFormat f, double amax, MxScaleRounding rounding)
{
    if (!(amax > 0.0) || !std::isfinite(amax))
        return -127;
    int e2 = 0;
    const double frac = std::frexp(amax, &e2); // amax = frac * 2^e2, frac in [0.5, 1)
    const int floorLog2 = e2 - 1;              // exact
    const double mantissa = 2.0 * frac;        // amax / 2^floorLog2, in [1, 2)
    int e = floorLog2 - mxElementEmax(f);
    switch (rounding) {
    case MxScaleRounding::Floor:
        break;
    case MxScaleRounding::Ceil:
        e += mantissa > 1.0 ? 1 : 0;
        break;
    case MxScaleRounding::Even: // log2(mantissa) >= 1/2 iff mantissa^2 >= 2; a float32 amax
                                // has 24 significant bits, so the square is exact (never 2)
        e += mantissa * mantissa >= 2.0 ? 1 : 0;
        break;
    case MxScaleRounding::NoClip: // amax / 2^e lies in [2^emax, 2^(emax+1)): e or e + 1
        e += std::ldexp(amax, -e) > mxElementMax(f) ? 1 : 0;
        break;
    }
    return std::clamp(e, -127, 127);
}

LowbitResult quantizeMx(const float* x, int64_t n, MxFormat f, int64_t rowLength, int64_t blockSize,
                        const CancelToken* cancel, MxScaleRounding rounding)
{
    throwIfCancelled(cancel);
    LowbitResult r;
    initBlocks(r, toName(f).c_str(), x, n, rowLength, blockSize,
               f == MxFormat::MXINT8 ? kSignedByteCodes : kUnsignedByteCodes);
    const MxElements elements(f, rounding);
    formats_detail::setStorage(
        r, int64_t(1) << mxElementBits(f),
        formats_detail::blockScaleSplit(n, mxElementBits(f), r.numBlocks(), 8), n);
    formats_detail::forEachBlockRun(r, n, cancel, [&](int64_t first, int64_t end, LowbitCounts& c) {
        for (int64_t b = first; b < end; ++b)
            quantizeBlock(elements, x, b, r, c);
    }).storeIn(r);
    return r;
}

} // namespace qs
