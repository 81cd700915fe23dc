// The model report as files: JSON (the schema of README "Model report JSON") and CSV (one row
// per tensor and scheme). Both are written atomically and never over a protected path (the
// model itself).
#pragma once

#include "core/model/model_report.h"

#include <string>
#include <vector>

namespace qs {

// The report as pretty-printed JSON (2-space indent, trailing newline), keys in the documented
// order. `planJson`: a JSON object written as the "plan" member (the size planner's result);
// empty: no "plan". Non-finite numbers are the strings "inf", "-inf", "nan" (json_number.h).
std::string modelReportJson(const ModelReport& report, const std::string& planJson = {});
void writeModelReportJson(const std::string& path, const ModelReport& report,
                          const std::string& planJson = {},
                          const std::vector<std::string>& protectedPaths = {});

// One row per tensor and scheme, file order, schemes in report order:
// tensor,layer,kind,shape,params,stored,scheme,status,type,rmse,rel_rmse,sqnr_db,cosine,
// max_abs_error,max_abs_error_rel,median_abs_error,p95_abs_error,bits_per_element,bytes,sse,
// weighted_sse. status: "ok", "fallback" (type names the type used) or "skipped" (type
// "stored", the error columns empty).
std::string modelReportCsv(const ModelReport& report);
void writeModelReportCsv(const std::string& path, const ModelReport& report,
                         const std::vector<std::string>& protectedPaths = {});

} // namespace qs
