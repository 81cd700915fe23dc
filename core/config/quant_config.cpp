#include "core/config/quant_config.h"

#include "core/base/name_table.h"
#include "core/config/config_fields.h"

#include <cmath>
#include <sstream>

namespace qs {

bool isSearchedGgmlScheme(Scheme s)
{
    return s >= Scheme::Q5_0 && s <= Scheme::IQ4_XS;
}

bool hasImportancePath(Scheme s)
{
    return isSearchedGgmlScheme(s) || s == Scheme::Q4_0 || s == Scheme::Q4_1;
}

bool isLowbitScheme(Scheme s)
{
    switch (s) {
    case Scheme::Asymmetric:
    case Scheme::Symmetric:
    case Scheme::FP16:
    case Scheme::BF16:
        return false;
    default:
        return true;
    }
}

bool isMxScheme(Scheme s)
{
    switch (s) {
    case Scheme::MXFP8_E4M3:
    case Scheme::MXFP8_E5M2:
    case Scheme::MXFP6_E2M3:
    case Scheme::MXFP6_E3M2:
    case Scheme::MXFP4:
    case Scheme::MXINT8:
        return true;
    default:
        return false;
    }
}

bool QuantConfig::isBlockwise() const
{
    if (isMxScheme(scheme))
        return true;
    switch (scheme) {
    case Scheme::NVFP4:
    case Scheme::NF4:
    case Scheme::FP4:
    case Scheme::Q8_0:
    case Scheme::Q4_0:
    case Scheme::Q4_1:
    case Scheme::AbsmaxInt8:
    case Scheme::Dynamic8:
        return true;
    case Scheme::Codebook:
        return granularity == Granularity::PerGroup;
    default:
        return isSearchedGgmlScheme(scheme);
    }
}

int64_t QuantConfig::blockSize() const
{
    if (!isBlockwise())
        return 0;
    if (isMxScheme(scheme))
        return 32;
    switch (scheme) {
    case Scheme::NVFP4:
        return 16;
    case Scheme::Q8_0:
    case Scheme::Q4_0:
    case Scheme::Q4_1:
        return 32;     // fixed by the formats
    case Scheme::Q2_K: // the searched GGML types: their sub-blocks that carry a scale
    case Scheme::Q3_K:
    case Scheme::Q6_K:
        return 16;
    default:
        return isSearchedGgmlScheme(scheme) ? 32 : groupSize;
    }
}

namespace {

// The code range of an integer config at b bits.
int64_t codeMin(const QuantConfig& c, int b)
{
    if (!c.isInteger())
        return 0;
    const int64_t half = int64_t(1) << (b - 1);
    if (c.scheme == Scheme::Symmetric && !c.unsignedSymmetric)
        return c.fullRange ? -half : -(half - 1);
    return c.signedCodes && c.scheme != Scheme::Symmetric ? -half : 0;
}

int64_t codeMax(const QuantConfig& c, int b)
{
    if (!c.isInteger())
        return 0;
    const int64_t half = int64_t(1) << (b - 1);
    if (c.scheme == Scheme::Symmetric && !c.unsignedSymmetric)
        return half - 1;
    return c.signedCodes && c.scheme != Scheme::Symmetric ? half - 1 : (int64_t(1) << b) - 1;
}

} // namespace

int64_t QuantConfig::qmin() const
{
    return codeMin(*this, storageBits());
}

int64_t QuantConfig::qmax() const
{
    return codeMax(*this, storageBits());
}

int64_t QuantConfig::paramQmin() const
{
    return codeMin(*this, bits);
}

int64_t QuantConfig::paramQmax() const
{
    return codeMax(*this, bits);
}

int64_t QuantConfig::symmetricZeroPoint() const
{
    return scheme == Scheme::Symmetric && unsignedSymmetric ? int64_t(1) << (bits - 1) : 0;
}

namespace {
// The rules of the range methods that optimise the parameters (HQQ, grid search): they fit an
// affine grid x^ = s (q - z) with a real zero point, rounded to nearest after adding it.
void validateOptimizer(const QuantConfig& c)
{
    const std::string m = "the " + toName(c.range) + " range method";
    if (c.scheme != Scheme::Asymmetric)
        throw Error(
            m + " optimises the zero point of asymmetric integer quantization; the " +
            toName(c.scheme) + " scheme has " +
            (c.scheme == Scheme::Symmetric ? "none (z = 0)" : "no integer grid with a zero point") +
            ". Use the asymmetric scheme or another range method");
    if (c.range == RangeMethod::GridSearch && c.bits > 8)
        throw Error(m + " works on codes of 1..8 bits, as llama.cpp's does (got " +
                    std::to_string(c.bits) + ")");
    if (c.clampBits != 0)
        throw Error(m + " fits the codes of `bits`; turn off the wider storage clamp");
    if (c.roundingOrder != RoundingOrder::AfterZeroPoint)
        throw Error(m + " rounds x/s + z with a real zero point z; use the rounding order "
                        "after-zero-point");
    if (c.rounding != Rounding::HalfEven && c.rounding != Rounding::HalfAway &&
        c.rounding != Rounding::HalfUp)
        throw Error(m +
                    " fits its grid for rounding to nearest; use half-even, half-away or "
                    "half-up rounding (got " +
                    toName(c.rounding) + ")");
}
} // namespace

void QuantConfig::validate() const
{
    if (isInteger()) {
        if (bits < 1 || bits > 16)
            throw Error("bits must be between 1 and 16 for integer schemes (got " +
                        std::to_string(bits) + ")");
        if (scheme == Scheme::Symmetric && bits == 1 && !fullRange)
            throw Error("symmetric quantization needs at least 2 bits: the narrow 1-bit grid "
                        "[-(2^0-1), 2^0-1] = {0} holds only zero. Use 2+ bits or the asymmetric "
                        "scheme");
        if (scheme == Scheme::Symmetric && bits == 1)
            throw Error("symmetric quantization needs at least 2 bits: at 1 bit the scale "
                        "amax/(2^0-1) divides by zero. Use 2+ bits or the asymmetric scheme");
    }
    if (clampBits != 0 && (scheme != Scheme::Asymmetric || clampBits < bits || clampBits > 16))
        throw Error("clamping codes to a " + std::to_string(clampBits) +
                    "-bit storage type needs the asymmetric scheme and a storage of bits.." +
                    "16 bits (bits is " + std::to_string(bits) + "; 0 turns it off)");
    if (reciprocalScale && (scheme != Scheme::Symmetric || unsignedSymmetric))
        throw Error("a reciprocal scale (TensorRT's s' = qmax / amax) needs the symmetric scheme "
                    "with signed codes");
    if (scheme == Scheme::LloydMax && (bits < 1 || bits > 8))
        throw Error("the Lloyd-Max code book needs 1..8 bits (got " + std::to_string(bits) + ")");
    if (scheme == Scheme::E2M1 && !saturate)
        throw Error("E2M1 has no inf or NaN: it always saturates to +-6 (turn saturation on)");
    if (scheme == Scheme::Codebook) {
        if (codebook.empty())
            throw Error("the codebook scheme needs a list of values (the code book is empty)");
        if (codebook.size() > 65536)
            throw Error("a code book holds at most 65536 values (got " +
                        std::to_string(codebook.size()) + ")");
        for (double v : codebook) {
            if (!std::isfinite(v))
                throw Error("code book values must be finite (got " + std::to_string(v) + ")");
            if (granularity == Granularity::PerGroup && std::fabs(v) > 1.0)
                throw Error("a blockwise code book (per group) holds values in [-1, 1], which "
                            "are multiplied by each block's absmax (got " +
                            std::to_string(v) + ")");
        }
    }
    const bool groupBlocks = scheme == Scheme::NF4 || scheme == Scheme::FP4 ||
                             scheme == Scheme::AbsmaxInt8 || scheme == Scheme::Dynamic8;
    if (groupBlocks && groupSize < 1)
        throw Error("block size (group size) must be at least 1 (got " + std::to_string(groupSize) +
                    ")");
    if (usesPercentile(range) && !(percentile > 50.0 && percentile <= 100.0))
        throw Error("percentile must be in (50, 100] (got " + std::to_string(percentile) + ")");
    if (granularity == Granularity::PerGroup && groupSize < 1)
        throw Error("group size must be at least 1 (got " + std::to_string(groupSize) + ")");
    if (optimizesParams(range))
        validateOptimizer(*this);
}

namespace {
const char* granularityLabel(Granularity g)
{
    static const Named<Granularity> labels[] = {{Granularity::PerTensor, "per tensor"},
                                                {Granularity::PerChannel, "per channel"},
                                                {Granularity::PerGroup, "per group"}};
    return nameIn(labels, g);
}
} // namespace

namespace {
// The searched GGML types: block layout along the last axis and storage.
std::string ggmlSummary(Scheme s)
{
    static const Named<Scheme> kText[] = {
        {Scheme::Q5_0, "Q5_0: fp16 scale per 32 along the last axis, 5.5 bits/element"},
        {Scheme::Q5_1, "Q5_1: fp16 scale and min per 32 along the last axis, 6.0 bits/element"},
        {Scheme::Q2_K, "Q2_K: super-blocks of 256 along the last axis, 4-bit scale and min per 16, "
                       "fp16 d and dmin; 2.625 bits/element"},
        {Scheme::Q3_K, "Q3_K: super-blocks of 256 along the last axis, 6-bit scale per 16, fp16 d; "
                       "3.4375 bits/element"},
        {Scheme::Q4_K, "Q4_K: super-blocks of 256 along the last axis, 6-bit scale and min per 32, "
                       "fp16 d and dmin; 4.5 bits/element"},
        {Scheme::Q5_K, "Q5_K: super-blocks of 256 along the last axis, 6-bit scale and min per 32, "
                       "fp16 d and dmin; 5.5 bits/element"},
        {Scheme::Q6_K, "Q6_K: super-blocks of 256 along the last axis, 8-bit scale per 16, fp16 d; "
                       "6.5625 bits/element"},
        {Scheme::IQ4_NL,
         "IQ4_NL: non-linear 4-bit grid, fp16 scale per 32 along the last axis; 4.5 "
         "bits/element"},
        {Scheme::IQ4_XS, "IQ4_XS: non-linear 4-bit grid, super-blocks of 256 along the last axis, "
                         "6-bit scale per 32, fp16 d; 4.25 bits/element"},
    };
    return nameIn(kText, s);
}

std::string lowbitSummary(const QuantConfig& c)
{
    const std::string sat = c.saturate ? "saturating" : "overflow to NaN/inf";
    const std::string g = std::to_string(c.groupSize);
    switch (c.scheme) {
    case Scheme::E4M3:
        return "float8 E4M3 (OCP FN, max 448), " + sat + ", round to nearest even";
    case Scheme::E5M2:
        return "float8 E5M2 (max 57344), " + sat + ", round to nearest even";
    case Scheme::E4M3FNUZ:
        return "float8 E4M3FNUZ (max 240, NaN = 0x80, no -0), " + sat + ", round to nearest even";
    case Scheme::E5M2FNUZ:
        return "float8 E5M2FNUZ (max 57344, NaN = 0x80, no -0), " + sat + ", round to nearest even";
    case Scheme::E2M1:
        return "float4 E2M1 (max 6), saturating, round to nearest even";
    case Scheme::MXFP8_E4M3:
        return "MXFP8 E4M3: E8M0 scale per 32 along the last axis, 8.25 bits/element";
    case Scheme::MXFP8_E5M2:
        return "MXFP8 E5M2: E8M0 scale per 32 along the last axis, 8.25 bits/element";
    case Scheme::MXFP6_E2M3:
        return "MXFP6 E2M3: E8M0 scale per 32 along the last axis, 6.25 bits/element";
    case Scheme::MXFP6_E3M2:
        return "MXFP6 E3M2: E8M0 scale per 32 along the last axis, 6.25 bits/element";
    case Scheme::MXFP4:
        return "MXFP4 (E2M1): E8M0 scale per 32 along the last axis, 4.25 bits/element";
    case Scheme::MXINT8:
        return "MXINT8: E8M0 scale per 32 along the last axis, 8.25 bits/element";
    case Scheme::NVFP4:
        return "NVFP4 (E2M1): E4M3 scale per 16 along the last axis and an fp32 tensor scale, "
               "4.5 bits/element";
    case Scheme::NF4:
        return "NF4 code book (bitsandbytes), float32 absmax per block of " + g;
    case Scheme::FP4:
        return "FP4 code book (bitsandbytes), float32 absmax per block of " + g;
    case Scheme::Codebook:
        return "code book of " + std::to_string(c.codebook.size()) + " values" +
               (c.granularity == Granularity::PerGroup ? ", float32 absmax per block of " + g
                                                       : " (unscaled)");
    case Scheme::LloydMax:
        return "Lloyd-Max code book, " + std::to_string(c.bits) + " bits (" +
               std::to_string(1 << c.bits) + " values fitted to the tensor)";
    case Scheme::Q8_0:
        return "GGML Q8_0: fp16 scale per 32 along the last axis, 8.5 bits/element";
    case Scheme::Q4_0:
        return "GGML Q4_0: fp16 scale per 32 along the last axis, 4.5 bits/element";
    case Scheme::Q4_1:
        return "GGML Q4_1: fp16 scale and min per 32 along the last axis, 5.0 bits/element";
    case Scheme::AbsmaxInt8:
        return "int8 [-127, 127], float32 absmax per block of " + g + ", half-even";
    case Scheme::Dynamic8:
        return "bitsandbytes dynamic 8-bit map, float32 absmax per block of " + g;
    default:
        return isSearchedGgmlScheme(c.scheme) ? "GGML " + ggmlSummary(c.scheme) : toName(c.scheme);
    }
}
} // namespace

bool QuantConfig::operator==(const QuantConfig& o) const
{
    bool same = true;
    forEachField([&](const auto& f) { same = same && this->*f.member == o.*f.member; });
    return same;
}

std::string QuantConfig::summary() const
{
    std::ostringstream os;
    if (isInteger()) {
        os << bits << "-bit " << toName(scheme);
        if (clampBits != 0)
            os << " [" << paramQmin() << ", " << paramQmax() << "] clamped to";
        os << " [" << qmin() << ", " << qmax() << "], " << toName(range);
        if (usesPercentile(range))
            os << " " << percentile;
        os << ", " << granularityLabel(granularity);
        if (granularity == Granularity::PerChannel)
            os << " (axis " << axis << ")";
        if (granularity == Granularity::PerGroup)
            os << " (axis " << axis << ", G=" << groupSize << ")";
        os << ", " << toName(rounding);
    } else if (isLowbit()) {
        os << lowbitSummary(*this);
        if (isMxScheme(scheme) && mxScaleRounding != MxScaleRounding::Floor)
            os << ", shared exponent rounding " << toName(mxScaleRounding);
    } else {
        os << toName(scheme) << ", round to nearest even";
    }
    return os.str();
}

bool optimizesParams(RangeMethod m)
{
    return m == RangeMethod::Hqq || m == RangeMethod::GridSearch;
}

bool usesPercentile(RangeMethod m)
{
    return m == RangeMethod::Percentile || m == RangeMethod::TrtPercentile ||
           m == RangeMethod::OrtPercentile;
}

double roundBy(Rounding r, double v, double u)
{
    if (!std::isfinite(v))
        return v;
    switch (r) {
    case Rounding::HalfEven:
        return std::nearbyint(v); // default FE_TONEAREST: ties to even
    case Rounding::HalfAway:
        return std::round(v);
    case Rounding::HalfUp: {
        // floor(v + 0.5) would round 0.49999999999999994 up; compare the fraction instead.
        const double f = std::floor(v);
        return (v - f >= 0.5) ? f + 1.0 : f;
    }
    case Rounding::Floor:
        return std::floor(v);
    case Rounding::Truncate:
        return std::trunc(v);
    case Rounding::Stochastic: {
        const double f = std::floor(v);
        return (u < v - f) ? f + 1.0 : f;
    }
    }
    return v;
}

} // namespace qs
