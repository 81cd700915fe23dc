// Every QuantConfig field listed once, with its JSON key, CLI flag and help line. The JSON report
// and lesson reader (config_json.h), the session file (ui/support/session.cpp), the CLI options
// (app/cli/cli_options.cpp) and QuantConfig::operator== all walk this list, so a new option is
// one row here plus its rule in QuantConfig::validate().
#pragma once

#include "core/config/choices.h"
#include "core/config/quant_config.h"

#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace qs {

// One field of QuantConfig and how each reader and writer names it.
template <class T> struct Field {
    const char* key;        // JSON key (reports, sessions, lessons)
    T QuantConfig::*member; // the value
    const char* flag = "";  // CLI option without "--"
    // CLI placeholder of the value; "" makes the flag a switch that sets the opposite of the
    // default (--signed, --no-include-zero).
    const char* valueName = "";
    const char* help = ""; // CLI help line; "{names}" stands for an enum's names
    // Integer fields: the values the readers accept (validate() decides which combinations
    // are meaningful).
    int64_t lo = 0, hi = 0;
    // A valid value other than the default, and what else it needs to be valid (e.g. the
    // symmetric scheme for the reciprocal scale). Tests build their rows from these.
    T example{};
    void (*exampleNeeds)(QuantConfig&) = nullptr;
    // The report writes the key when this holds or the value is not the default; null: always.
    bool (*reportedWhen)(const QuantConfig&) = nullptr;

    Field& cli(const char* f, const char* value, const char* h)
    {
        flag = f;
        valueName = value;
        help = h;
        return *this;
    }
    Field& limits(int64_t low, int64_t high)
    {
        lo = low;
        hi = high;
        return *this;
    }
    Field& exampleValue(T v, void (*needs)(QuantConfig&) = nullptr)
    {
        example = v;
        exampleNeeds = needs;
        return *this;
    }
    Field& reported(bool (*when)(const QuantConfig&))
    {
        reportedWhen = when;
        return *this;
    }

    bool isSwitch() const { return *valueName == '\0'; }
    const T& defaultValue() const
    {
        static const QuantConfig defaults;
        return defaults.*member;
    }
    bool isDefault(const QuantConfig& c) const { return c.*member == defaultValue(); }
};

template <class T> Field<T> field(const char* key, T QuantConfig::*member)
{
    return Field<T>{key, member};
}

namespace config_fields {

// The code grid, its clipping range and its slices.
inline auto grid()
{
    using C = QuantConfig;
    return std::make_tuple(
        field("bits", &C::bits)
            .cli("bits", "B",
                 "Bit width 1..16 (default 8; lloyd-max 1..8; other low-bit formats fix it).")
            .limits(-1000000, 1000000)
            .exampleValue(4),
        field("clamp_bits", &C::clampBits)
            .cli("clamp-bits", "N",
                 "Asymmetric: clamp codes to an N-bit storage type wider than --bits, the scale "
                 "and zero point staying those of --bits (PyTorch reduce_range: 7-bit "
                 "parameters, codes clamped to quint8's [0, 255]); default 0: --bits.")
            .limits(0, 16)
            .exampleValue(16)
            .reported([](const C&) { return false; }),
        field("scheme", &C::scheme)
            .cli("scheme", "SCHEME",
                 "{names} (default asymmetric; quantscope-cli help schemes describes each).")
            .exampleValue(Scheme::Symmetric),
        field("signed", &C::signedCodes)
            .cli("signed", "", "Asymmetric codes in [-2^(b-1), 2^(b-1)-1] instead of [0, 2^b-1].")
            .exampleValue(true),
        field("full_range", &C::fullRange)
            .cli("full-range", "", "Symmetric: allow the code -2^(b-1) (default narrow range).")
            .exampleValue(true),
        field("include_zero", &C::includeZero)
            .cli("no-include-zero", "", "Do not widen the range to contain 0.")
            .exampleValue(false),
        field("range", &C::range)
            .cli("range", "METHOD", "Range method: {names} (default minmax).")
            .exampleValue(RangeMethod::Percentile),
        field("percentile", &C::percentile)
            .cli("percentile", "P",
                 "Percentile p in (50, 100] for --range percentile (default 99.99).")
            .exampleValue(99.5, [](C& c) { c.range = RangeMethod::Percentile; }),
        field("granularity", &C::granularity)
            .cli("granularity", "G", "{names} (default tensor).")
            .exampleValue(Granularity::PerChannel),
        field("axis", &C::axis)
            .cli("axis", "A",
                 "Axis of channels / groups (default 0; negative counts from the end).")
            .limits(-64, 63)
            .exampleValue(1),
        field("group_size", &C::groupSize)
            .cli("group-size", "G", "Elements per group (default 32).")
            .limits(1, int64_t(1) << 30)
            .exampleValue(16));
}

// How a value becomes a code: rounding, the conventions where reference systems differ
// and the seed of stochastic rounding.
inline auto arithmetic()
{
    using C = QuantConfig;
    return std::make_tuple(
        field("rounding", &C::rounding)
            .cli("rounding", "MODE", "{names} (default half-even).")
            .exampleValue(Rounding::HalfAway),
        field("rounding_order", &C::roundingOrder)
            .cli("rounding-order", "ORDER", "after-zero-point (default) or before-zero-point.")
            .exampleValue(RoundingOrder::BeforeZeroPoint),
        field("zero_point_rounding", &C::zeroPointRounding)
            .cli("zero-point-rounding", "MODE", "Rounding of the zero point (default half-even).")
            .exampleValue(Rounding::Floor),
        field("symmetric_scale", &C::symmetricScale)
            .cli("symmetric-scale", "KIND", "max-code (amax/(2^(b-1)-1), default) or half-span.")
            .exampleValue(SymmetricScale::HalfSpan),
        field("unsigned_symmetric", &C::unsignedSymmetric)
            .cli("unsigned-symmetric", "",
                 "Symmetric: unsigned codes [0, 2^b-1] with zero point 2^(b-1) (PyTorch quint8 "
                 "symmetric).")
            .exampleValue(true),
        field("constant_range", &C::constantRange)
            .cli("constant-range", "NAME",
                 "Scale of a zero-width range: exact (default), pytorch-eps, onnx-one, "
                 "fbgemm-0.1.")
            .exampleValue(ConstantRange::PyTorchEps),
        field("multiply_by_inverse", &C::multiplyByInverse)
            .cli("multiply-by-inverse", "", "Compute x * (1/s) instead of x / s.")
            .exampleValue(true),
        field("float32_params", &C::float32Params)
            .cli("float32-params", "", "Compute scale, zero point and x/s + z in float32.")
            .exampleValue(true),
        field("reciprocal_scale", &C::reciprocalScale)
            .cli("reciprocal-scale", "",
                 "Symmetric: keep the scale as s' = qmax/amax in float32, q = round(x*s'), x^ = "
                 "q/s' (TensorRT).")
            .exampleValue(true, [](C& c) { c.scheme = Scheme::Symmetric; }),
        // Sessions store seeds beyond 2^53 as strings; the example is one of them.
        field("seed", &C::seed)
            .cli("rounding-seed", "S", "Seed of stochastic rounding (default 0).")
            .exampleValue((uint64_t(1) << 53) + 1));
}

// The preset a config started from and the options of the low-bit formats.
inline auto labelAndLowbit()
{
    using C = QuantConfig;
    return std::make_tuple(
        // The CLI's --preset starts from the named preset's whole config instead of setting a
        // field.
        field("preset", &C::preset)
            .cli("preset", "NAME",
                 "Start from a named preset (quantscope-cli presets lists them); the other "
                 "options override its values.")
            .exampleValue("ggml-q4_0 + changes"),
        field("saturate", &C::saturate)
            .cli("no-saturate", "",
                 "e4m3, e5m2, e4m3fnuz, e5m2fnuz: overflow to NaN (inf for e5m2) instead of "
                 "saturating "
                 "to +-max.")
            .exampleValue(false)
            .reported([](const C& c) { return c.isLowbit(); }),
        field("mx_scale_rounding", &C::mxScaleRounding)
            .cli("mx-scale-rounding", "MODE",
                 "MX schemes: the shared E8M0 exponent from the block's amax: {names} (default "
                 "floor, as OCP MX v1.0).")
            .exampleValue(MxScaleRounding::NoClip)
            .reported([](const C& c) { return isMxScheme(c.scheme); }),
        field("codebook", &C::codebook)
            .cli("codebook", "V1,V2,...",
                 "Values of --scheme codebook, comma-separated (with --granularity group: "
                 "values in [-1, 1] scaled by each block's absmax).")
            .exampleValue({-1, -0.1, 0, 0.3, 1})
            .reported([](const C& c) { return c.scheme == Scheme::Codebook; }));
}

} // namespace config_fields

// Every field in the order of the report's "config" object, built once.
inline const auto& fieldTable()
{
    static const auto table = std::tuple_cat(config_fields::grid(), config_fields::arithmetic(),
                                             config_fields::labelAndLowbit());
    return table;
}

// Calls visit(const Field<T>&) once per field, in the order of fieldTable(); T is bool, int,
// int64_t, uint64_t, double, std::string, std::vector<double> or one of the enums of choices.h.
template <class Visit> void forEachField(Visit&& visit)
{
    std::apply([&](const auto&... f) { (visit(f), ...); }, fieldTable());
}

// The help line of a field with "{names}" replaced by its enum's names, comma-separated.
template <class T> std::string fieldHelp(const Field<T>& f)
{
    std::string help = f.help;
    if constexpr (std::is_enum_v<T>) {
        std::string names;
        for (const std::string& n : choiceNames<T>())
            names += (names.empty() ? "" : ", ") + n;
        const size_t at = help.find("{names}");
        if (at != std::string::npos)
            help.replace(at, 7, names);
    }
    return help;
}

// The number of rows of forEachField and the number of data members of QuantConfig (the two
// agree when every member has its row; tests/core/config checks it).
int fieldCount();
int quantConfigMemberCount();

} // namespace qs
