// OCP Microscaling conversion (see mx.h).
#include "core/formats/mx.h"

#include "core/base/error.h"
#include "core/formats/lowbit_blocks.h"
#include "core/formats/minifloat.h"

#include <algorithm>
#include <cmath>

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
    float table[256];         // element values of the float formats

    MxElements(MxFormat f, MxScaleRounding r)
        : format(f), rounding(r), isInt(f == MxFormat::MXINT8), elem(mxElement(f)),
          info(miniFloatInfo(elem)), encoder(info, true)
    {
        for (int c = 0; c < 256; ++c)
            table[c] = static_cast<float>(decodeMiniFloat(elem, static_cast<uint8_t>(c)));
    }

    // Code of x / X (`scaled`) for element i; returns its element value.
    float encode(double scaled, float v, int64_t i, LowbitResult& r, LowbitCounts& c) const
    {
        if (isInt) {
            const double elemMax = 127.0 / 64.0; // MXINT8 largest element
            if (scaled > elemMax || scaled < -2.0)
                c.saturate(v);
            const double q = std::clamp(roundHalfEven(scaled * 64.0), -128.0, 127.0);
            r.codes.set(i, static_cast<int32_t>(q));
            return static_cast<float>(q / 64.0);
        }
        EncodeEvent ev; // the scaled value of a finite input is finite
        const uint8_t code = encodeFiniteMiniFloat(info, static_cast<float>(scaled), true, ev);
        if (ev == EncodeEvent::Saturated)
            c.saturate(v);
        r.codes.set(i, code);
        return table[code];
    }
};

// A block of finite values of a float format, without a branch: x * 2^-e in float32 rounds
// once, as the double product (exact) converted to float does.
void finiteFloatBlock(const MxElements& m, const float* x, const BlockSpan& s, float scale,
                      float inverse, LowbitResult& r, LowbitCounts& c)
{
    const MiniFloatEncoder encoder = m.encoder; // a local copy: no reload after each store
    const float* table = m.table;
    formats_detail::writeFinite(x, s, r, c, [&](float v, int32_t& code, int32_t& sat) {
        int32_t flushed;
        code = static_cast<int32_t>(encoder.encode(v * inverse, sat, flushed));
        return table[code] * scale;
    });
}

// One block: its shared exponent X = 2^e from the largest finite magnitude, then each element.
void quantizeBlock(const MxElements& m, const float* x, int64_t blk, LowbitResult& r,
                   LowbitCounts& c)
{
    const BlockSpan s = formats_detail::blockSpan(r, blk);
    const bool finite = formats_detail::allFinite(x, s);
    const float amax =
        finite ? formats_detail::absMaxOfFinite(x, s) : formats_detail::finiteAbsMax(x, s);
    const int e = mxSharedExponent(m.format, amax, m.rounding);
    const float scale = std::ldexp(1.0f, e); // 2^-127 is a float32 subnormal, exact
    const double inverse = std::ldexp(1.0, -e);
    r.scales[static_cast<size_t>(blk)] = scale;
    if (finite && !m.isInt) {
        finiteFloatBlock(m, x, s, scale, static_cast<float>(inverse), r, c);
        return;
    }
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
        const float elemValue = m.encode(double(v) * inverse, v, i, r, c);
        r.dequantized[i] = elemValue * scale; // one rounding, as ldexp then float
        if (v != 0.0f && r.dequantized[i] == 0.0f)
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
    initBlocks(r, toName(f).c_str(), x, n, rowLength, blockSize);
    const MxElements elements(f, rounding);
    formats_detail::setStorage(
        r, int64_t(1) << mxElementBits(f),
        formats_detail::blockScaleSplit(n, mxElementBits(f), r.numBlocks(), 8), n);
    formats_detail::forEachOutput(
        r, r.numBlocks(), 1, n, cancel,
        [&](int64_t blk, LowbitCounts& c) { quantizeBlock(elements, x, blk, r, c); })
        .storeIn(r);
    return r;
}

} // namespace qs
