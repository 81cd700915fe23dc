// A number as the JSON files of QuantScope write it. JSON has no NaN/Inf: they are the strings
// "inf", "-inf" and "nan", which keep the sign (a GGML block scale beyond the fp16 range is -inf
// or +inf). Included by the .cpp files of quantcore that write JSON (it needs nlohmann/json).
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>

namespace qs {

inline nlohmann::ordered_json jsonNumber(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    return v;
}

} // namespace qs
