#include "core/quant_config.h"

#include <cmath>
#include <sstream>

namespace qs {

int64_t QuantConfig::qmin() const
{
    if (!isInteger())
        return 0;
    const int64_t half = int64_t(1) << (bits - 1);
    if (scheme == Scheme::Symmetric)
        return fullRange ? -half : -(half - 1);
    return signedCodes ? -half : 0;
}

int64_t QuantConfig::qmax() const
{
    if (!isInteger())
        return 0;
    const int64_t half = int64_t(1) << (bits - 1);
    if (scheme == Scheme::Symmetric)
        return half - 1;
    return signedCodes ? half - 1 : (int64_t(1) << bits) - 1;
}

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
    if (range == RangeMethod::Percentile && !(percentile > 50.0 && percentile <= 100.0))
        throw Error("percentile must be in (50, 100] (got " + std::to_string(percentile) + ")");
    if (granularity == Granularity::PerGroup && groupSize < 1)
        throw Error("group size must be at least 1 (got " + std::to_string(groupSize) + ")");
}

namespace {
const char* granularityLabel(Granularity g)
{
    switch (g) {
    case Granularity::PerTensor:
        return "per tensor";
    case Granularity::PerChannel:
        return "per channel";
    case Granularity::PerGroup:
        return "per group";
    }
    return "";
}
} // namespace

std::string QuantConfig::summary() const
{
    std::ostringstream os;
    if (isInteger()) {
        os << bits << "-bit " << toName(scheme) << " [" << qmin() << ", " << qmax() << "], "
           << toName(range);
        if (range == RangeMethod::Percentile)
            os << " " << percentile;
        os << ", " << granularityLabel(granularity);
        if (granularity == Granularity::PerChannel)
            os << " (axis " << axis << ")";
        if (granularity == Granularity::PerGroup)
            os << " (axis " << axis << ", G=" << groupSize << ")";
        os << ", " << toName(rounding);
    } else {
        os << toName(scheme) << ", round to nearest even";
    }
    return os.str();
}

namespace {
template <class E, size_t N>
E fromNameIn(const std::string& s, const std::pair<E, const char*> (&table)[N], const char* what)
{
    for (const auto& [e, name] : table)
        if (s == name)
            return e;
    std::string valid;
    for (const auto& entry : table) {
        if (!valid.empty())
            valid += ", ";
        valid += entry.second;
    }
    throw Error("unknown " + std::string(what) + " '" + s + "' (valid: " + valid + ")");
}
template <class E, size_t N> std::string nameIn(E e, const std::pair<E, const char*> (&table)[N])
{
    for (const auto& [v, name] : table)
        if (v == e)
            return name;
    return "?";
}
template <class E, size_t N>
std::vector<std::string> namesIn(const std::pair<E, const char*> (&table)[N])
{
    std::vector<std::string> out;
    for (const auto& entry : table)
        out.emplace_back(entry.second);
    return out;
}

const std::pair<Scheme, const char*> kSchemes[] = {{Scheme::Asymmetric, "asymmetric"},
                                                   {Scheme::Symmetric, "symmetric"},
                                                   {Scheme::FP16, "fp16"},
                                                   {Scheme::BF16, "bf16"}};
const std::pair<RangeMethod, const char*> kRanges[] = {{RangeMethod::MinMax, "minmax"},
                                                       {RangeMethod::Percentile, "percentile"},
                                                       {RangeMethod::MSE, "mse"},
                                                       {RangeMethod::Entropy, "entropy"}};
const std::pair<Rounding, const char*> kRoundings[] = {
    {Rounding::HalfEven, "half-even"}, {Rounding::HalfAway, "half-away"},
    {Rounding::HalfUp, "half-up"},     {Rounding::Floor, "floor"},
    {Rounding::Truncate, "truncate"},  {Rounding::Stochastic, "stochastic"}};
const std::pair<RoundingOrder, const char*> kOrders[] = {
    {RoundingOrder::AfterZeroPoint, "after-zero-point"},
    {RoundingOrder::BeforeZeroPoint, "before-zero-point"}};
const std::pair<Granularity, const char*> kGranularities[] = {{Granularity::PerTensor, "tensor"},
                                                              {Granularity::PerChannel, "channel"},
                                                              {Granularity::PerGroup, "group"}};
const std::pair<SymmetricScale, const char*> kSymScales[] = {
    {SymmetricScale::MaxCode, "max-code"}, {SymmetricScale::HalfSpan, "half-span"}};
} // namespace

std::string toName(Scheme v)
{
    return nameIn(v, kSchemes);
}
std::string toName(RangeMethod v)
{
    return nameIn(v, kRanges);
}
std::string toName(Rounding v)
{
    return nameIn(v, kRoundings);
}
std::string toName(RoundingOrder v)
{
    return nameIn(v, kOrders);
}
std::string toName(Granularity v)
{
    return nameIn(v, kGranularities);
}
std::string toName(SymmetricScale v)
{
    return nameIn(v, kSymScales);
}
Scheme schemeFromName(const std::string& s)
{
    return fromNameIn(s, kSchemes, "scheme");
}
RangeMethod rangeMethodFromName(const std::string& s)
{
    return fromNameIn(s, kRanges, "range method");
}
Rounding roundingFromName(const std::string& s)
{
    return fromNameIn(s, kRoundings, "rounding mode");
}
RoundingOrder roundingOrderFromName(const std::string& s)
{
    return fromNameIn(s, kOrders, "rounding order");
}
Granularity granularityFromName(const std::string& s)
{
    return fromNameIn(s, kGranularities, "granularity");
}
SymmetricScale symmetricScaleFromName(const std::string& s)
{
    return fromNameIn(s, kSymScales, "symmetric scale");
}
std::vector<std::string> schemeNames()
{
    return namesIn(kSchemes);
}
std::vector<std::string> rangeMethodNames()
{
    return namesIn(kRanges);
}
std::vector<std::string> roundingNames()
{
    return namesIn(kRoundings);
}
std::vector<std::string> granularityNames()
{
    return namesIn(kGranularities);
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
