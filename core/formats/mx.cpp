// OCP Microscaling conversion (see mx.h).
#include "core/formats/mx.h"

#include "core/base/error.h"
#include "core/formats/minifloat.h"

#include <algorithm>
#include <cctype>
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

} // namespace

std::string toName(MxFormat f)
{
    switch (f) {
    case MxFormat::MXFP8_E4M3:
        return "MXFP8_E4M3";
    case MxFormat::MXFP8_E5M2:
        return "MXFP8_E5M2";
    case MxFormat::MXFP4:
        return "MXFP4";
    case MxFormat::MXINT8:
        break;
    }
    return "MXINT8";
}

MxFormat mxFormatFromName(const std::string& name)
{
    std::string s = name;
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (MxFormat f :
         {MxFormat::MXFP8_E4M3, MxFormat::MXFP8_E5M2, MxFormat::MXFP4, MxFormat::MXINT8})
        if (s == toName(f))
            return f;
    throw Error("unknown MX format '" + name + "' (valid: MXFP8_E4M3, MXFP8_E5M2, MXFP4, MXINT8)");
}

int mxElementEmax(MxFormat f)
{
    switch (f) {
    case MxFormat::MXFP8_E4M3:
        return 8;
    case MxFormat::MXFP8_E5M2:
        return 15;
    case MxFormat::MXFP4:
        return 2;
    case MxFormat::MXINT8:
        break;
    }
    return 0;
}

int mxElementBits(MxFormat f)
{
    return f == MxFormat::MXFP4 ? 4 : 8;
}

int mxSharedExponent(MxFormat f, double amax)
{
    if (!(amax > 0.0) || !std::isfinite(amax))
        return -127;
    int e2 = 0;
    std::frexp(amax, &e2); // floor(log2(amax)) = e2 - 1, exact
    return std::clamp(e2 - 1 - mxElementEmax(f), -127, 127);
}

LowbitResult quantizeMx(const float* x, int64_t n, MxFormat f, int64_t rowLength, int64_t blockSize,
                        const CancelToken* cancel)
{
    throwIfCancelled(cancel);
    LowbitResult r;
    initBlocks(r, toName(f).c_str(), x, n, rowLength, blockSize);
    const bool isInt = f == MxFormat::MXINT8;
    const MiniFloat elem = f == MxFormat::MXFP8_E4M3   ? MiniFloat::E4M3
                           : f == MxFormat::MXFP8_E5M2 ? MiniFloat::E5M2
                                                       : MiniFloat::E2M1;
    const double elemMax = 127.0 / 64.0; // MXINT8 largest element
    float table[256];                    // element values of the float formats
    for (int c = 0; c < 256; ++c)
        table[c] = static_cast<float>(decodeMiniFloat(elem, static_cast<uint8_t>(c)));
    encodeMiniFloatFast(elem, 0.0f); // builds its table before the threads start
    const int64_t numBlocks = r.numBlocks();
    int64_t saturated = 0, saturatedNegative = 0, flushed = 0, nonfinite = 0;
#pragma omp parallel for schedule(static) if (n >= 65536)                                          \
    reduction(+ : saturated, saturatedNegative, flushed, nonfinite)
    for (int64_t blk = 0; blk < numBlocks; ++blk) {
        if (cancel && cancel->isCancelled())
            continue; // skip the remaining blocks; thrown below
        const int64_t row = blk / r.blocksPerRow;
        const int64_t start = row * r.rowLength + (blk % r.blocksPerRow) * blockSize;
        const int64_t end = std::min(start + blockSize, (row + 1) * r.rowLength);
        float amax = 0.0f;
        for (int64_t i = start; i < end; ++i)
            if (std::isfinite(x[i]))
                amax = std::max(amax, std::fabs(x[i]));
        const int e = mxSharedExponent(f, amax);
        const float scale = std::ldexp(1.0f, e); // 2^-127 is a float32 subnormal, exact
        const double inverse = std::ldexp(1.0, -e);
        r.scales[static_cast<size_t>(blk)] = scale;
        for (int64_t i = start; i < end; ++i) {
            const float v = x[i];
            if (!std::isfinite(v)) {
                ++nonfinite;
                r.dequantized[i] = v;
                if (isInt)
                    r.codes.set(i, std::isnan(v) ? 0 : (v > 0 ? 127 : -128));
                else
                    r.codes.set(i, encodeMiniFloat(elem, v, true));
                continue;
            }
            // x / X is exact in double; as float it is exact wherever it can round to a
            // nonzero element (|x / X| <= 2^(emax + 1), and float32 keeps every value above
            // 2^-126 that has 24 significant bits).
            const double scaled = double(v) * inverse;
            float elemValue;
            if (isInt) {
                if (scaled > elemMax || scaled < -2.0) {
                    ++saturated;
                    saturatedNegative += v < 0 ? 1 : 0;
                }
                const double q = std::clamp(roundHalfEven(scaled * 64.0), -128.0, 127.0);
                r.codes.set(i, static_cast<int32_t>(q));
                elemValue = static_cast<float>(q / 64.0);
            } else {
                EncodeEvent ev;
                const uint8_t c = encodeMiniFloatFast(elem, static_cast<float>(scaled), true, &ev);
                if (ev == EncodeEvent::Saturated) {
                    ++saturated;
                    saturatedNegative += v < 0 ? 1 : 0;
                }
                r.codes.set(i, c);
                elemValue = table[c];
            }
            r.dequantized[i] = elemValue * scale; // one rounding, as ldexp then float
            if (v != 0.0f && r.dequantized[i] == 0.0f)
                ++flushed;
        }
    }
    throwIfCancelled(cancel);
    r.saturated = saturated;
    r.saturatedNegative = saturatedNegative;
    r.flushedToZero = flushed;
    r.nonfinite = nonfinite;
    r.codeLevels = int64_t(1) << mxElementBits(f);
    r.storageBits = n * mxElementBits(f) + 8 * r.numBlocks();
    r.bitsPerElement = static_cast<double>(r.storageBits) / static_cast<double>(n);
    return r;
}

} // namespace qs
