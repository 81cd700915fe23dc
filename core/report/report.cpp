#include "core/report/report.h"

#include "core/config/config_json.h"
#include "core/io/atomic_file.h"
#include "core/report/json_number.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace qs {

namespace {

using ojson = nlohmann::ordered_json;

ojson num(double v)
{
    return jsonNumber(v); // NaN and +-Inf as strings
}

ojson numList(const std::vector<double>& v)
{
    ojson a = ojson::array();
    for (double x : v)
        a.push_back(num(x));
    return a;
}

ojson tensorJson(const Tensor& tensor, const Metrics& m)
{
    ojson t;
    t["name"] = tensor.name;
    t["shape"] = tensor.shape;
    t["dtype"] = tensor.dtype;
    t["numel"] = tensor.numel();
    t["nonfinite"] = m.nonfinite;
    return t;
}

ojson paramsJson(const QuantParams& p)
{
    ojson par;
    par["scale"] = numList(p.scale);
    if (!p.reciprocal.empty()) // TensorRT's s' per slice (x^ = q / s')
        par["reciprocal_scale"] =
            numList(std::vector<double>(p.reciprocal.begin(), p.reciprocal.end()));
    par["zero_point"] = p.zeroPoint;
    if (!p.realZeroPoint.empty()) // hqq, grid-search: the zero point the values use
        par["zero_point_real"] = numList(p.realZeroPoint);
    par["range_min"] = numList(p.rangeMin);
    par["range_max"] = numList(p.rangeMax);
    par["qmin"] = p.qmin;
    par["qmax"] = p.qmax;
    // The layout, not the config: low-bit block formats have one slice per block.
    if (p.layout.kind == Granularity::PerTensor)
        par["axis"] = nullptr;
    else
        par["axis"] = p.layout.axis;
    if (p.layout.kind == Granularity::PerGroup)
        par["group_size"] = p.layout.groupSize;
    else
        par["group_size"] = nullptr;
    par["num_slices"] = p.numSlices();
    if (!p.offset.empty())
        par["offset"] = numList(p.offset);
    if (!p.codeValues.empty()) { // low-bit: x^ = code_values[q - qmin] * scale (+ offset)
        const std::vector<double> cv(p.codeValues.begin(), p.codeValues.end());
        par["code_values"] = numList(cv);
    }
    return par;
}

// The storage of the result by part, in bits per element; the parts sum to bits_per_element.
ojson storageJson(const Metrics& m)
{
    const int64_t n = m.count + m.nonfinite;
    const StorageSplit& s = m.storage;
    ojson st;
    st["payload_bits_per_element"] = num(StorageSplit::perElement(s.payloadBits, n));
    st["scale_bits_per_element"] = num(StorageSplit::perElement(s.scaleBits, n));
    st["min_bits_per_element"] = num(StorageSplit::perElement(s.minBits, n));
    st["second_level_bits_per_element"] = num(StorageSplit::perElement(s.secondLevelBits, n));
    st["bits_per_element"] = num(m.bitsPerElement);
    st["payload_bits"] = s.payloadBits;
    st["scale_bits"] = s.scaleBits;
    st["min_bits"] = s.minBits;
    st["second_level_bits"] = s.secondLevelBits;
    return st;
}

ojson metricsJson(const Metrics& m)
{
    ojson met;
    met["mse"] = num(m.mse);
    met["rmse"] = num(m.rmse);
    met["mae"] = num(m.mae);
    met["max_abs_error"] = num(m.maxAbsError);
    met["sqnr_db"] = num(m.sqnrDb);
    if (std::isinf(m.sqnrDb) && m.sqnrDb > 0)
        met["sqnr_note"] = "infinite: the reconstruction is exact";
    else if (!std::isfinite(m.sqnrDb))
        met["sqnr_note"] = "undefined";
    met["clipped_low"] = num(m.clippedLow);
    met["clipped_high"] = num(m.clippedHigh);
    met["clipped_low_count"] = m.clippedLowCount;
    met["clipped_high_count"] = m.clippedHighCount;
    met["levels_used"] = m.levelsUsed;
    met["levels_total"] = m.levelsTotal;
    met["original_bytes"] = m.originalBytes;
    met["quantized_bytes"] = m.quantizedBytes;
    met["bits_per_element"] = num(m.bitsPerElement);
    met["count"] = m.count;
    met["storage"] = storageJson(m);
    return met;
}

// Extra stages first, then the core's in pipeline order, then any others, then the total.
ojson timingsJson(const QuantResult& r, const ReportExtras& extras)
{
    ojson tim;
    double total = 0;
    for (const auto& [k, v] : extras.timingsMs) {
        tim[k] = num(v);
        total += v;
    }
    static const char* order[] = {"range", "quantize", "dequantize", "metrics", "histograms"};
    for (const char* k : order) {
        const auto it = r.timingsMs.find(k);
        if (it != r.timingsMs.end())
            tim[k] = num(it->second);
    }
    for (const auto& [k, v] : r.timingsMs) {
        if (k == "total" || tim.contains(k))
            continue;
        tim[k] = num(v);
    }
    const auto coreTotal = r.timingsMs.find("total");
    if (coreTotal != r.timingsMs.end()) {
        total += coreTotal->second;
    } else {
        for (const auto& [k, v] : r.timingsMs)
            total += v;
    }
    tim["total"] = num(total);
    return tim;
}

ojson warningsJson(const QuantResult& r, const ReportExtras& extras)
{
    ojson warn = ojson::array();
    for (const auto& w : extras.warnings)
        warn.push_back(w);
    for (const auto& w : r.warnings)
        warn.push_back(w);
    return warn;
}

} // namespace

std::string reportJson(const Tensor& tensor, const QuantResult& r, const ReportExtras& extras)
{
    ojson j;
    j["format"] = "quantscope-report";
    j["format_version"] = 2;
    if (!extras.source.empty())
        j["source"] = extras.source;
    j["tensor"] = tensorJson(tensor, r.metrics);
    j["config"] = configJson(r.config);
    j["params"] = paramsJson(r.params);
    j["metrics"] = metricsJson(r.metrics);
    if (r.importance.columns > 0) {
        ojson imp;
        imp["source"] = r.importance.file;
        if (!r.importance.tensor.empty())
            imp["tensor"] = r.importance.tensor;
        imp["columns"] = r.importance.columns;
        imp["groups"] = r.importance.groups;
        j["importance"] = imp;
    }
    if (r.convergence.iterations() > 0) { // hqq: the error of each iteration's start
        ojson c;
        c["mean_abs_error"] = numList(r.convergence.meanAbsError);
        c["mse"] = numList(r.convergence.meanSquaredError);
        j["convergence"] = c;
    }
    if (!r.config.isInteger()) {
        ojson fc;
        fc["overflow"] = r.floatCounts.overflow;
        fc["flushed_to_zero"] = r.floatCounts.flushedToZero;
        fc["subnormal"] = r.floatCounts.subnormal;
        j["float_counts"] = fc;
    }
    j["timings_ms"] = timingsJson(r, extras);
    j["warnings"] = warningsJson(r, extras);
    // Replace invalid UTF-8 (tensor names from files) instead of throwing.
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void writeReport(const std::string& path, const Tensor& tensor, const QuantResult& result,
                 const ReportExtras& extras, const std::vector<std::string>& protectedPaths)
{
    writeFileAtomic(path, reportJson(tensor, result, extras), protectedPaths);
}

} // namespace qs
