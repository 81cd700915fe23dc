// QuantConfig as the JSON object of reports and lessons: every field of config_fields.h under its
// key. The report writes it (core/report); lessons (core/teach) and anything that reads a report
// back read it.
#pragma once

#include "core/config/json_read.h"
#include "core/config/quant_config.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace qs {

// The report's "config" object: the fields in the table's order; enums as their names. A field
// with a report condition (saturate: low-bit schemes, codebook: the codebook scheme) is written
// when the condition holds or its value is not the default.
nlohmann::ordered_json configJson(const QuantConfig& config);

// Sets the fields named in `object` and keeps the others (so a lesson step overrides only the
// keys it names). Unknown keys, values of the wrong type, unknown names and integers outside a
// field's limits fail through `reader` naming PATH.KEY. Does not call validate().
void applyConfigJson(const JsonReader& reader, const nlohmann::json& object,
                     const std::string& path, QuantConfig& config);

// The defaults with `object` applied, validated; messages start with `origin`.
QuantConfig configFromJson(const nlohmann::json& object, const std::string& origin = "config");

} // namespace qs
