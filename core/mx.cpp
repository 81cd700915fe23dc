// OCP Microscaling conversion (see mx.h).
#include "core/mx.h"

#include "core/error.h"
#include "core/minifloat.h"

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

LowbitResult quantizeMx(const float* x, int64_t n, MxFormat f, int64_t rowLength, int64_t blockSize)
{
    LowbitResult r;
    initBlocks(r, toName(f).c_str(), n, rowLength, blockSize);
    const bool isInt = f == MxFormat::MXINT8;
    const MiniFloat elem = f == MxFormat::MXFP8_E4M3   ? MiniFloat::E4M3
                           : f == MxFormat::MXFP8_E5M2 ? MiniFloat::E5M2
                                                       : MiniFloat::E2M1;
    const double elemMax = 127.0 / 64.0; // MXINT8 largest element
    const int64_t rows = n / r.rowLength;
    for (int64_t row = 0; row < rows; ++row) {
        for (int64_t b = 0; b < r.blocksPerRow; ++b) {
            const int64_t start = row * r.rowLength + b * blockSize;
            const int64_t end = std::min(start + blockSize, (row + 1) * r.rowLength);
            double amax = 0.0;
            for (int64_t i = start; i < end; ++i)
                if (std::isfinite(x[i]))
                    amax = std::max(amax, static_cast<double>(std::fabs(x[i])));
            const int e = mxSharedExponent(f, amax);
            const size_t blockIndex = static_cast<size_t>(row * r.blocksPerRow + b);
            r.scales[blockIndex] = std::ldexp(1.0f, e);
            for (int64_t i = start; i < end; ++i) {
                const double v = x[i];
                if (!std::isfinite(v)) {
                    ++r.nonfinite;
                    r.dequantized[i] = x[i];
                    if (isInt)
                        r.codes[i] = std::isnan(v) ? 0 : (v > 0 ? 127 : -128);
                    else
                        r.codes[i] = encodeMiniFloat(elem, v, true);
                    continue;
                }
                const double scaled = std::ldexp(v, -e); // exact: a power-of-two scaling
                double elemValue;
                if (isInt) {
                    if (scaled > elemMax || scaled < -2.0)
                        ++r.saturated;
                    const double q =
                        std::clamp(roundHalfEven(std::ldexp(scaled, 6)), -128.0, 127.0);
                    r.codes[i] = static_cast<int32_t>(q);
                    elemValue = std::ldexp(q, -6);
                } else {
                    EncodeEvent ev;
                    const uint8_t c = encodeMiniFloat(elem, scaled, true, &ev);
                    if (ev == EncodeEvent::Saturated)
                        ++r.saturated;
                    r.codes[i] = c;
                    elemValue = decodeMiniFloat(elem, c);
                }
                r.dequantized[i] = static_cast<float>(std::ldexp(elemValue, e));
                if (v != 0.0 && r.dequantized[i] == 0.0f)
                    ++r.flushedToZero;
            }
        }
    }
    r.storageBits = n * mxElementBits(f) + 8 * r.numBlocks();
    r.bitsPerElement = static_cast<double>(r.storageBits) / static_cast<double>(n);
    return r;
}

} // namespace qs
