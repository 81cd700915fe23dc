// JSON and CSV of a model report. Every number of the JSON is the double of the report, written
// so that it reads back to the same double (nlohmann's shortest round-trip form).
#include "core/model/model_report_writers.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/report/json_number.h"

#include <charconv>
#include <cmath>

namespace qs {

namespace {

using ojson = nlohmann::ordered_json;

ojson totalsJson(const SchemeTotals& t)
{
    ojson j = ojson::object();
    j["tensors"] = t.tensors;
    j["params"] = t.params;
    j["bytes"] = t.bytes;
    j["bits_per_element"] = jsonNumber(t.bitsPerElement);
    j["sqnr_db"] = jsonNumber(t.sqnrDb);
    j["rel_rmse"] = jsonNumber(t.relRmse);
    j["sse"] = jsonNumber(t.sse);
    j["signal_energy"] = jsonNumber(t.signalEnergy);
    if (!std::isnan(t.weightedSse)) {
        j["weighted_sse"] = jsonNumber(t.weightedSse);
        j["weighted_share"] = jsonNumber(t.weightedShare);
    }
    return j;
}

ojson perScheme(const ModelReport& r, const std::vector<SchemeTotals>& totals)
{
    ojson j = ojson::object();
    for (size_t s = 0; s < r.schemes.size() && s < totals.size(); ++s)
        j[r.schemes[s].name] = totalsJson(totals[s]);
    return j;
}

ojson resultJson(const SchemeMetrics& m)
{
    ojson j = ojson::object();
    if (!m.ok) {
        j["skipped"] = m.skipped;
        j["bits_per_element"] = jsonNumber(m.bitsPerElement);
        j["bytes"] = m.bytes;
        return j;
    }
    if (!m.fallback.empty())
        j["fallback"] = m.fallback;
    j["rmse"] = jsonNumber(m.rmse);
    j["rel_rmse"] = jsonNumber(m.relRmse);
    j["sqnr_db"] = jsonNumber(m.sqnrDb);
    j["cosine"] = jsonNumber(m.cosine);
    j["max_abs_error"] = jsonNumber(m.maxAbsError);
    j["max_abs_error_rel"] = jsonNumber(m.maxAbsErrorRel);
    j["median_abs_error"] = jsonNumber(m.medianAbsError);
    j["p95_abs_error"] = jsonNumber(m.p95AbsError);
    j["bits_per_element"] = jsonNumber(m.bitsPerElement);
    j["bytes"] = m.bytes;
    j["sse"] = jsonNumber(m.sse);
    if (!std::isnan(m.weightedSse))
        j["weighted_sse"] = jsonNumber(m.weightedSse);
    return j;
}

ojson tensorJson(const ModelReport& r, const TensorReport& t)
{
    ojson j = ojson::object();
    j["name"] = t.name;
    j["shape"] = t.shape;
    j["params"] = t.params;
    j["stored"] = t.stored;
    j["layer"] = t.role.layer >= 0 ? ojson(t.role.layer) : ojson(nullptr);
    j["kind"] = tensorKindName(t.role.kind);
    j["rms"] = jsonNumber(t.rms);
    if (!t.importance.empty())
        j["importance"] = t.importance;
    ojson results = ojson::object();
    for (size_t s = 0; s < r.schemes.size() && s < t.results.size(); ++s)
        results[r.schemes[s].name] = resultJson(t.results[s]);
    j["results"] = std::move(results);
    if (t.against.ok || !t.against.skipped.empty()) {
        ojson against = resultJson(t.against);
        against["tensor"] = t.againstName;
        against["type"] = t.againstType;
        j["against"] = std::move(against);
    }
    return j;
}

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string csvNumber(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// One row of a tensor under a scheme; `type` names what was stored (the scheme, its fallback, or
// the quantized file's type for the --against row).
std::string csvRow(const TensorReport& t, const std::string& scheme, const SchemeMetrics& m,
                   const std::string& type)
{
    std::string row = csvField(t.name) + "," +
                      (t.role.layer >= 0 ? std::to_string(t.role.layer) : std::string()) + "," +
                      tensorKindName(t.role.kind) + "," + shapeString(t.shape) + "," +
                      std::to_string(t.params) + "," + csvField(t.stored) + "," + csvField(scheme) +
                      ",";
    if (!m.ok)
        return row + "skipped,stored,,,,,,,,," + csvNumber(m.bitsPerElement) + "," +
               std::to_string(m.bytes) + ",,\n";
    row += m.fallback.empty() ? "ok," + csvField(type) : "fallback," + m.fallback;
    for (double v : {m.rmse, m.relRmse, m.sqnrDb, m.cosine, m.maxAbsError, m.maxAbsErrorRel,
                     m.medianAbsError, m.p95AbsError, m.bitsPerElement})
        row += "," + csvNumber(v);
    row += "," + std::to_string(m.bytes) + "," + csvNumber(m.sse) + ",";
    if (!std::isnan(m.weightedSse))
        row += csvNumber(m.weightedSse);
    return row + "\n";
}

} // namespace

std::string modelReportJson(const ModelReport& report, const std::string& planJson)
{
    ojson j = ojson::object();
    j["path"] = report.path;
    j["percentile_method"] = report.percentileMethod;
    ojson schemes = perScheme(report, report.totals);
    for (size_t s = 0; s < report.schemes.size(); ++s)
        if (schemes.contains(report.schemes[s].name))
            schemes[report.schemes[s].name]["config"] = report.schemes[s].config.summary();
    j["schemes"] = std::move(schemes);
    ojson tensors = ojson::array();
    for (const TensorReport& t : report.tensors)
        tensors.push_back(tensorJson(report, t));
    j["tensors"] = std::move(tensors);
    ojson layers = ojson::object();
    for (const auto& [layer, totals] : report.layers)
        layers[std::to_string(layer)] = perScheme(report, totals);
    j["layers"] = std::move(layers);
    ojson kinds = ojson::object();
    for (const auto& [kind, totals] : report.kinds)
        kinds[kind] = perScheme(report, totals);
    j["kinds"] = std::move(kinds);
    if (report.againstTotals.tensors > 0)
        j["against"] = totalsJson(report.againstTotals);
    j["warnings"] = report.warnings;
    if (!planJson.empty()) {
        try {
            j["plan"] = ojson::parse(planJson);
        } catch (const nlohmann::json::exception& e) {
            throw Error(std::string("the plan of the model report is not JSON: ") + e.what());
        }
    }
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void writeModelReportJson(const std::string& path, const ModelReport& report,
                          const std::string& planJson,
                          const std::vector<std::string>& protectedPaths)
{
    writeFileAtomic(path, modelReportJson(report, planJson), protectedPaths);
}

std::string modelReportCsv(const ModelReport& report)
{
    std::string out = "tensor,layer,kind,shape,params,stored,scheme,status,type,rmse,rel_rmse,"
                      "sqnr_db,cosine,max_abs_error,max_abs_error_rel,median_abs_error,"
                      "p95_abs_error,bits_per_element,bytes,sse,weighted_sse\n";
    for (const TensorReport& t : report.tensors) {
        for (size_t s = 0; s < report.schemes.size() && s < t.results.size(); ++s)
            out += csvRow(t, report.schemes[s].name, t.results[s], report.schemes[s].name);
        // With --against: the quantized file's own error, as scheme "against", its type.
        if (t.against.ok)
            out += csvRow(t, "against", t.against, t.againstType);
    }
    return out;
}

void writeModelReportCsv(const std::string& path, const ModelReport& report,
                         const std::vector<std::string>& protectedPaths)
{
    writeFileAtomic(path, modelReportCsv(report), protectedPaths);
}

} // namespace qs
