// The values of the enums of quant_config.h, one table per enum: each value with its name (CLI,
// JSON reports, sessions, lessons) and, for schemes, range methods and rounding modes, the one
// description the quantization panel's tooltips, the CLI help and docs/CLI.md all show.
// toName / ...FromName of quant_config.h read the same tables.
#pragma once

#include "core/config/quant_config.h"

#include <string>
#include <vector>

namespace qs {

template <class E> struct Choice {
    E value;
    const char* name;
    const char* description; // "" for the enums without descriptions
};

// Every value of E in declaration order. Defined for Scheme, RangeMethod, Rounding,
// RoundingOrder, Granularity, SymmetricScale, ConstantRange and MxScaleRounding.
template <class E> const std::vector<Choice<E>>& choices();
template <> const std::vector<Choice<Scheme>>& choices<Scheme>();
template <> const std::vector<Choice<RangeMethod>>& choices<RangeMethod>();
template <> const std::vector<Choice<Rounding>>& choices<Rounding>();
template <> const std::vector<Choice<RoundingOrder>>& choices<RoundingOrder>();
template <> const std::vector<Choice<Granularity>>& choices<Granularity>();
template <> const std::vector<Choice<SymmetricScale>>& choices<SymmetricScale>();
template <> const std::vector<Choice<ConstantRange>>& choices<ConstantRange>();
template <> const std::vector<Choice<MxScaleRounding>>& choices<MxScaleRounding>();

// The names of choices<E>(), in order.
template <class E> std::vector<std::string> choiceNames();

// The value named `name`; throws qs::Error listing the valid names ("unknown scheme 'x' (valid:
// asymmetric, ...)").
template <class E> E choiceFromName(const std::string& name);

// The description of a value ("" when its enum has none).
template <class E> std::string describe(E value);

} // namespace qs
