#include "core/teach/lesson.h"

#include "core/quant/quantize.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace qs {
namespace {

using json = nlohmann::json;

// Where we are in the document, for messages such as "seed000.json: config.bits must be ...".
struct Ctx {
    std::string origin;
    [[noreturn]] void fail(const std::string& path, const std::string& what) const
    {
        throw Error(origin + ": " + path + " " + what);
    }
};

void allowKeys(const Ctx& c, const json& obj, const std::string& path,
               std::initializer_list<const char*> keys)
{
    if (!obj.is_object())
        c.fail(path, "must be an object");
    const std::set<std::string> ok(keys.begin(), keys.end());
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (!ok.count(it.key())) {
            std::string valid;
            for (const char* k : keys)
                valid += std::string(valid.empty() ? "" : ", ") + k;
            c.fail(path.empty() ? it.key() : path + "." + it.key(),
                   "is not a known key (valid: " + valid + ")");
        }
}

std::string join(const std::string& path, const char* key)
{
    return path.empty() ? std::string(key) : path + "." + key;
}

std::string getString(const Ctx& c, const json& o, const std::string& path, const char* key)
{
    const json& v = o.at(key);
    if (!v.is_string())
        c.fail(join(path, key), "must be a string");
    return v.get<std::string>();
}

double getNumber(const Ctx& c, const json& o, const std::string& path, const char* key)
{
    const json& v = o.at(key);
    if (!v.is_number())
        c.fail(join(path, key), "must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d))
        c.fail(join(path, key), "must be finite");
    return d;
}

int64_t getInt(const Ctx& c, const json& o, const std::string& path, const char* key)
{
    const json& v = o.at(key);
    if (v.is_number_integer())
        return v.get<int64_t>();
    if (v.is_number_float()) { // 3.0 is fine, 3.5 is not
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
            return int64_t(d);
    }
    c.fail(join(path, key), "must be an integer");
}

bool getBool(const Ctx& c, const json& o, const std::string& path, const char* key)
{
    const json& v = o.at(key);
    if (!v.is_boolean())
        c.fail(join(path, key), "must be true or false");
    return v.get<bool>();
}

std::vector<double> getNumbers(const Ctx& c, const json& o, const std::string& path,
                               const char* key)
{
    const json& v = o.at(key);
    if (v.is_number())
        return {getNumber(c, o, path, key)};
    if (!v.is_array())
        c.fail(join(path, key), "must be a number or a list of numbers");
    std::vector<double> out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number() || !std::isfinite(v[i].get<double>()))
            c.fail(join(path, key) + "[" + std::to_string(i) + "]", "must be a finite number");
        out.push_back(v[i].get<double>());
    }
    return out;
}

std::vector<int64_t> getInts(const Ctx& c, const json& o, const std::string& path, const char* key)
{
    const json& v = o.at(key);
    if (!v.is_array()) {
        return {getInt(c, o, path, key)};
    }
    std::vector<int64_t> out;
    for (size_t i = 0; i < v.size(); ++i) {
        json wrap = json::object();
        wrap["x"] = v[i];
        if (!v[i].is_number())
            c.fail(join(path, key) + "[" + std::to_string(i) + "]", "must be an integer");
        out.push_back(getInt(c, wrap, join(path, key) + "[" + std::to_string(i) + "]", "x"));
    }
    return out;
}

std::pair<double, double> getRange(const Ctx& c, const json& o, const std::string& path,
                                   const char* key)
{
    const std::vector<double> v = getNumbers(c, o, path, key);
    if (v.size() != 2 || !(v[0] <= v[1]))
        c.fail(join(path, key), "must be a list [low, high] with low <= high");
    return {v[0], v[1]};
}

template <class F> auto named(const Ctx& c, const std::string& path, F&& f)
{
    try {
        return f();
    } catch (const Error& e) {
        c.fail(path, std::string("is invalid: ") + e.what());
    }
}

// Applies the keys present in `o` to `cfg` (so steps can override a few).
void applyConfig(const Ctx& c, const json& o, const std::string& path, QuantConfig& cfg)
{
    allowKeys(c, o, path,
              {"bits", "scheme", "signed", "full_range", "include_zero", "range", "percentile",
               "granularity", "axis", "group_size", "rounding", "rounding_order",
               "zero_point_rounding", "symmetric_scale", "multiply_by_inverse", "float32_params",
               "seed"});
    auto has = [&](const char* k) { return o.contains(k); };
    if (has("bits"))
        cfg.bits = int(std::clamp<int64_t>(getInt(c, o, path, "bits"), -1000, 1000));
    if (has("scheme")) {
        const std::string s = getString(c, o, path, "scheme");
        cfg.scheme = named(c, join(path, "scheme"), [&] { return schemeFromName(s); });
    }
    if (has("signed"))
        cfg.signedCodes = getBool(c, o, path, "signed");
    if (has("full_range"))
        cfg.fullRange = getBool(c, o, path, "full_range");
    if (has("include_zero"))
        cfg.includeZero = getBool(c, o, path, "include_zero");
    if (has("range")) {
        const std::string s = getString(c, o, path, "range");
        cfg.range = named(c, join(path, "range"), [&] { return rangeMethodFromName(s); });
    }
    if (has("percentile"))
        cfg.percentile = getNumber(c, o, path, "percentile");
    if (has("granularity")) {
        const std::string s = getString(c, o, path, "granularity");
        cfg.granularity =
            named(c, join(path, "granularity"), [&] { return granularityFromName(s); });
    }
    if (has("axis"))
        cfg.axis = int(std::clamp<int64_t>(getInt(c, o, path, "axis"), -64, 64));
    if (has("group_size"))
        cfg.groupSize = getInt(c, o, path, "group_size");
    if (has("rounding")) {
        const std::string s = getString(c, o, path, "rounding");
        cfg.rounding = named(c, join(path, "rounding"), [&] { return roundingFromName(s); });
    }
    if (has("rounding_order")) {
        const std::string s = getString(c, o, path, "rounding_order");
        cfg.roundingOrder =
            named(c, join(path, "rounding_order"), [&] { return roundingOrderFromName(s); });
    }
    if (has("zero_point_rounding")) {
        const std::string s = getString(c, o, path, "zero_point_rounding");
        cfg.zeroPointRounding =
            named(c, join(path, "zero_point_rounding"), [&] { return roundingFromName(s); });
    }
    if (has("symmetric_scale")) {
        const std::string s = getString(c, o, path, "symmetric_scale");
        cfg.symmetricScale =
            named(c, join(path, "symmetric_scale"), [&] { return symmetricScaleFromName(s); });
    }
    if (has("multiply_by_inverse"))
        cfg.multiplyByInverse = getBool(c, o, path, "multiply_by_inverse");
    if (has("float32_params"))
        cfg.float32Params = getBool(c, o, path, "float32_params");
    if (has("reciprocal_scale"))
        cfg.reciprocalScale = getBool(c, o, path, "reciprocal_scale");
    if (has("seed")) {
        const int64_t s = getInt(c, o, path, "seed");
        if (s < 0)
            c.fail(join(path, "seed"), "must not be negative");
        cfg.seed = uint64_t(s);
    }
}

LessonSource parseSource(const Ctx& c, const json& o, const std::string& path)
{
    allowKeys(c, o, path, {"values", "shape", "name", "generate", "dataset", "image"});
    const int kinds = int(o.contains("values")) + int(o.contains("generate")) +
                      int(o.contains("dataset")) + int(o.contains("image"));
    if (kinds != 1)
        c.fail(path, "needs exactly one of \"values\", \"generate\", \"dataset\", \"image\"");
    LessonSource s;
    if (o.contains("name"))
        s.name = getString(c, o, path, "name");
    if (o.contains("values")) {
        s.kind = LessonSource::Kind::Values;
        const std::vector<double> v = getNumbers(c, o, path, "values");
        if (v.empty())
            c.fail(join(path, "values"), "must not be empty");
        s.values.assign(v.begin(), v.end());
        if (o.contains("shape")) {
            s.shape = getInts(c, o, path, "shape");
            const int64_t n = named(c, join(path, "shape"), [&] { return shapeProduct(s.shape); });
            if (n != int64_t(v.size()))
                c.fail(join(path, "shape"), "holds " + std::to_string(n) + " elements but " +
                                                std::to_string(v.size()) + " values are given");
        }
    } else if (o.contains("shape")) {
        c.fail(join(path, "shape"), "belongs to \"values\" (generators have their own shape)");
    }
    if (o.contains("generate")) {
        s.kind = LessonSource::Kind::Generate;
        const std::string p = join(path, "generate");
        const json& g = o.at("generate");
        allowKeys(c, g, p,
                  {"distribution", "shape", "seed", "low", "high", "mean", "std", "he_scale",
                   "fan_mode", "separation", "decimals", "outliers", "outlier_value",
                   "outlier_position", "name", "scale_channel"});
        GeneratorOptions& go = s.generator;
        if (g.contains("distribution")) {
            const std::string d = getString(c, g, p, "distribution");
            go.distribution =
                named(c, join(p, "distribution"), [&] { return distributionFromName(d); });
        }
        if (!g.contains("shape"))
            c.fail(join(p, "shape"), "is missing");
        go.shape = getInts(c, g, p, "shape");
        if (g.contains("seed")) {
            const int64_t sd = getInt(c, g, p, "seed");
            if (sd < 0)
                c.fail(join(p, "seed"), "must not be negative");
            go.seed = uint64_t(sd);
        }
        if (g.contains("low"))
            go.low = getNumber(c, g, p, "low");
        if (g.contains("high"))
            go.high = getNumber(c, g, p, "high");
        if (g.contains("mean"))
            go.mean = getNumber(c, g, p, "mean");
        if (g.contains("std"))
            go.std = getNumber(c, g, p, "std");
        if (g.contains("he_scale"))
            go.heScale = getNumber(c, g, p, "he_scale");
        if (g.contains("fan_mode")) {
            const std::string f = getString(c, g, p, "fan_mode");
            if (f == "fan_in")
                go.fanMode = FanMode::FanIn;
            else if (f == "fan_out")
                go.fanMode = FanMode::FanOut;
            else if (f == "fan_avg")
                go.fanMode = FanMode::FanAvg;
            else
                c.fail(join(p, "fan_mode"), "must be fan_in, fan_out or fan_avg");
        }
        if (g.contains("separation"))
            go.separation = getNumber(c, g, p, "separation");
        if (g.contains("decimals"))
            go.decimals = int(std::clamp<int64_t>(getInt(c, g, p, "decimals"), -1, 30));
        if (g.contains("outliers"))
            go.outliers = getInt(c, g, p, "outliers");
        if (g.contains("outlier_value"))
            go.outlierValue = getNumber(c, g, p, "outlier_value");
        if (g.contains("outlier_position"))
            go.outlierPosition = getString(c, g, p, "outlier_position");
        if (g.contains("name"))
            go.name = getString(c, g, p, "name");
        if (g.contains("scale_channel")) {
            const std::string sp = join(p, "scale_channel");
            const json& sc = g.at("scale_channel");
            allowKeys(c, sc, sp, {"axis", "index", "factor"});
            s.scaleChannel = true;
            s.scaleAxis = sc.contains("axis")
                              ? int(std::clamp<int64_t>(getInt(c, sc, sp, "axis"), -64, 64))
                              : 0;
            s.scaleIndex = sc.contains("index") ? getInt(c, sc, sp, "index") : 0;
            s.scaleFactor = sc.contains("factor") ? getNumber(c, sc, sp, "factor") : 1.0;
            const auto layout = named(c, sp, [&] {
                return makeSliceLayout(go.shape, Granularity::PerChannel, s.scaleAxis, 1);
            });
            if (s.scaleIndex < 0 || s.scaleIndex >= layout.len)
                c.fail(join(sp, "index"), "must be in [0, " + std::to_string(layout.len) + ")");
        }
        // Generate once now so that bad options fail at load time, not in class.
        named(c, p, [&] {
            GeneratorOptions probe = go;
            const int64_t n = shapeProduct(go.shape);
            if (n > 20000000)
                throw Error("a lesson tensor may hold at most 20 000 000 values");
            probe.shape = go.shape;
            return generate(probe).numel();
        });
    }
    if (o.contains("dataset")) {
        s.kind = LessonSource::Kind::Dataset;
        s.dataset = getString(c, o, path, "dataset");
        const std::vector<std::string> names = builtinDatasetNames();
        if (std::find(names.begin(), names.end(), s.dataset) == names.end()) {
            std::string valid;
            for (const std::string& n : names)
                valid += (valid.empty() ? "" : ", ") + n;
            c.fail(join(path, "dataset"), "'" + s.dataset + "' is unknown (valid: " + valid + ")");
        }
    }
    if (o.contains("image")) {
        s.kind = LessonSource::Kind::Image;
        const std::string p = join(path, "image");
        const json& im = o.at("image");
        allowKeys(c, im, p, {"width", "height"});
        if (im.contains("width"))
            s.imageWidth = int(std::clamp<int64_t>(getInt(c, im, p, "width"), 0, 100000));
        if (im.contains("height"))
            s.imageHeight = int(std::clamp<int64_t>(getInt(c, im, p, "height"), 0, 100000));
        if (s.imageWidth < 16 || s.imageWidth > 4096 || s.imageHeight < 16 || s.imageHeight > 4096)
            c.fail(p, "width and height must be in 16..4096");
    }
    return s;
}

LessonExpect parseExpect(const Ctx& c, const json& o, const std::string& p)
{
    allowKeys(c, o, p,
              {"scale", "scale_rel_tol", "zero_point", "qmin", "qmax", "codes", "dequantized",
               "dequantized_abs_tol", "mse", "mse_rel_tol", "mse_range", "sqnr_db_range",
               "exclude_last", "clipped_low_count", "clipped_high_count", "levels_used",
               "overflow_count", "flushed_to_zero_count"});
    LessonExpect e;
    auto has = [&](const char* k) { return o.contains(k); };
    if (has("scale"))
        e.scale = getNumbers(c, o, p, "scale");
    if (has("scale_rel_tol"))
        e.scaleRelTol = getNumber(c, o, p, "scale_rel_tol");
    if (has("zero_point"))
        e.zeroPoint = getInts(c, o, p, "zero_point");
    if (has("qmin"))
        e.qmin = getInt(c, o, p, "qmin");
    if (has("qmax"))
        e.qmax = getInt(c, o, p, "qmax");
    if (has("codes"))
        e.codes = getInts(c, o, p, "codes");
    if (has("dequantized"))
        e.dequantized = getNumbers(c, o, p, "dequantized");
    if (has("dequantized_abs_tol"))
        e.dequantizedAbsTol = getNumber(c, o, p, "dequantized_abs_tol");
    if (has("mse"))
        e.mse = getNumber(c, o, p, "mse");
    if (has("mse_rel_tol"))
        e.mseRelTol = getNumber(c, o, p, "mse_rel_tol");
    if (has("mse_range"))
        e.mseRange = getRange(c, o, p, "mse_range");
    if (has("sqnr_db_range"))
        e.sqnrDbRange = getRange(c, o, p, "sqnr_db_range");
    if (has("exclude_last")) {
        e.excludeLast = getInt(c, o, p, "exclude_last");
        if (e.excludeLast < 0)
            c.fail(join(p, "exclude_last"), "must not be negative");
    }
    if (has("clipped_low_count"))
        e.clippedLowCount = getInt(c, o, p, "clipped_low_count");
    if (has("clipped_high_count"))
        e.clippedHighCount = getInt(c, o, p, "clipped_high_count");
    if (has("levels_used"))
        e.levelsUsed = getInt(c, o, p, "levels_used");
    if (has("overflow_count"))
        e.overflowCount = getInt(c, o, p, "overflow_count");
    if (has("flushed_to_zero_count"))
        e.flushedToZeroCount = getInt(c, o, p, "flushed_to_zero_count");
    return e;
}

std::string checkChart(const Ctx& c, const json& o, const std::string& path)
{
    const std::string chart = getString(c, o, path, "chart");
    const std::vector<std::string> names = lessonChartNames();
    if (std::find(names.begin(), names.end(), chart) == names.end()) {
        std::string valid;
        for (const std::string& n : names)
            valid += (valid.empty() ? "" : ", ") + n;
        c.fail(join(path, "chart"), "'" + chart + "' is not a chart (valid: " + valid + ")");
    }
    return chart;
}

std::string num(double v)
{
    std::ostringstream os;
    os.precision(10);
    os << v;
    return os.str();
}

Tensor sourceTensor(const LessonSource& s)
{
    switch (s.kind) {
    case LessonSource::Kind::Values: {
        Tensor t(s.name, s.shape.empty() ? std::vector<int64_t>{int64_t(s.values.size())} : s.shape,
                 s.values);
        return t;
    }
    case LessonSource::Kind::Generate: {
        Tensor t = generate(s.generator);
        if (s.scaleChannel) {
            const SliceLayout l = makeSliceLayout(t.shape, Granularity::PerChannel, s.scaleAxis, 1);
            l.forEachRun(s.scaleIndex, [&](int64_t off, int64_t cnt, int64_t stride) {
                for (int64_t k = 0; k < cnt; ++k)
                    t.data[size_t(off + k * stride)] =
                        float(double(t.data[size_t(off + k * stride)]) * s.scaleFactor);
            });
        }
        return t;
    }
    case LessonSource::Kind::Dataset:
        return builtinDataset(s.dataset);
    case LessonSource::Kind::Image:
        return builtinImage(s.imageWidth, s.imageHeight);
    }
    throw Error("unknown lesson source");
}

} // namespace

bool LessonExpect::empty() const
{
    return scale.empty() && zeroPoint.empty() && !qmin && !qmax && codes.empty() &&
           dequantized.empty() && !mse && !mseRange && !sqnrDbRange && !clippedLowCount &&
           !clippedHighCount && !levelsUsed && !overflowCount && !flushedToZeroCount;
}

std::vector<std::string> lessonChartNames()
{
    return {"values", "codes",    "histogram", "error-histogram", "channels",   "number-line",
            "sweep",  "clipping", "compare",   "image",           "int-matmul", "float-pitfalls"};
}

std::vector<std::string> builtinDatasetNames()
{
    return {"seed000", "seed001", "seed002", "seed003", "image"};
}

Tensor builtinDataset(const std::string& name)
{
    if (name == "seed000")
        return Tensor("seed000", {10},
                      {0.030478771191066456f, 0.24396521f, 0.34090262f, 1.47798738f, 1.50912517f,
                       3.4922371f, 3.54148801f, 4.00498773f, 4.62802566f, 4.6405932325782535f});
    if (name == "seed001")
        return Tensor("seed001", {20}, {143.78f, -39.62f, 0.f,     41.06f, 62.82f, 64.5f,  -27.52f,
                                        114.18f, 126.33f, -14.02f, 75.06f, 71.51f, 115.f,  119.66f,
                                        -30.98f, 130.7f,  99.07f,  -36.8f, 14.73f, 141.78f});
    if (name == "seed002") {
        GeneratorOptions g;
        g.distribution = Distribution::Uniform;
        g.shape = {10000};
        g.seed = 2;
        g.low = -50;
        g.high = 150;
        g.decimals = 2;
        g.outliers = 1;
        g.outlierValue = 1000;
        g.name = "seed002";
        return generate(g);
    }
    if (name == "seed003")
        return Tensor("seed003", {10},
                      {0.8558766841888428f, -0.3658445477485657f, -0.3400110602378845f,
                       0.2735912501811981f, -0.45362043380737305f, -0.0493854396045208f,
                       -0.020853079855442047f, 0.022075379267334938f, 0.38768908381462097f,
                       -0.5423163771629333f});
    if (name == "image")
        return builtinImage(96, 64);
    std::string valid;
    for (const std::string& n : builtinDatasetNames())
        valid += (valid.empty() ? "" : ", ") + n;
    throw Error("unknown built-in dataset '" + name + "' (valid: " + valid + ")");
}

Lesson parseLesson(const std::string& text, const std::string& origin)
{
    Ctx c{origin};
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(origin + ": not valid JSON (" + std::string(e.what()) + ")");
    }
    allowKeys(c, doc, "",
              {"format", "version", "id", "title", "text", "question", "source", "config", "chart",
               "image", "int_matmul", "expect", "steps"});
    if (doc.contains("format") && getString(c, doc, "", "format") != "quantscope-lesson")
        c.fail("format", "must be \"quantscope-lesson\"");
    if (doc.contains("version") && getInt(c, doc, "", "version") != 1)
        c.fail("version", "must be 1 (this QuantScope reads lesson format version 1)");
    for (const char* k : {"id", "title", "source", "config"})
        if (!doc.contains(k))
            c.fail(k, "is missing");
    Lesson l;
    l.id = getString(c, doc, "", "id");
    if (l.id.empty())
        c.fail("id", "must not be empty");
    c.origin = origin + " (lesson '" + l.id + "')";
    l.title = getString(c, doc, "", "title");
    if (doc.contains("text"))
        l.text = getString(c, doc, "", "text");
    if (doc.contains("question"))
        l.question = getString(c, doc, "", "question");
    l.source = parseSource(c, doc.at("source"), "source");
    applyConfig(c, doc.at("config"), "config", l.config);
    if (doc.contains("chart"))
        l.chart = checkChart(c, doc, "");
    if (doc.contains("image")) {
        const json& im = doc.at("image");
        allowKeys(c, im, "image", {"granularity", "block_size"});
        if (im.contains("granularity")) {
            const std::string g = getString(c, im, "image", "granularity");
            l.imageGranularity =
                named(c, "image.granularity", [&] { return imageGranularityFromName(g); });
        }
        if (im.contains("block_size")) {
            const int64_t b = getInt(c, im, "image", "block_size");
            if (b < 1 || b > 1024)
                c.fail("image.block_size", "must be in 1..1024");
            l.imageBlockSize = int(b);
        }
    }
    if (doc.contains("int_matmul")) {
        const json& m = doc.at("int_matmul");
        allowKeys(c, m, "int_matmul",
                  {"m", "k", "n", "seed", "a_low", "a_high", "b_std", "out_signed"});
        IntMatmulDemoOptions o;
        if (m.contains("m"))
            o.m = getInt(c, m, "int_matmul", "m");
        if (m.contains("k"))
            o.k = getInt(c, m, "int_matmul", "k");
        if (m.contains("n"))
            o.n = getInt(c, m, "int_matmul", "n");
        if (m.contains("seed"))
            o.seed = uint64_t(std::max<int64_t>(0, getInt(c, m, "int_matmul", "seed")));
        if (m.contains("a_low"))
            o.aLow = getNumber(c, m, "int_matmul", "a_low");
        if (m.contains("a_high"))
            o.aHigh = getNumber(c, m, "int_matmul", "a_high");
        if (m.contains("b_std"))
            o.bStd = getNumber(c, m, "int_matmul", "b_std");
        if (m.contains("out_signed"))
            o.outSigned = getBool(c, m, "int_matmul", "out_signed");
        named(c, "int_matmul", [&] { return intMatmulDemo(o).result.m; });
        l.intMatmul = o;
    }

    if (doc.contains("steps")) {
        if (doc.contains("expect"))
            c.fail("expect", "is only allowed without \"steps\" (give each step its own)");
        const json& steps = doc.at("steps");
        if (!steps.is_array() || steps.empty())
            c.fail("steps", "must be a non-empty list");
        for (size_t i = 0; i < steps.size(); ++i) {
            const std::string p = "steps[" + std::to_string(i) + "]";
            const json& so = steps[i];
            allowKeys(c, so, p, {"caption", "config", "chart", "source", "expect"});
            LessonStep st;
            st.config = l.config;
            st.chart = l.chart;
            if (so.contains("caption"))
                st.caption = getString(c, so, p, "caption");
            if (so.contains("config"))
                applyConfig(c, so.at("config"), p + ".config", st.config);
            if (so.contains("chart"))
                st.chart = checkChart(c, so, p);
            if (so.contains("source"))
                st.source = parseSource(c, so.at("source"), p + ".source");
            if (so.contains("expect"))
                st.expect = parseExpect(c, so.at("expect"), p + ".expect");
            named(c, p + ".config", [&] {
                st.config.validate();
                return 0;
            });
            l.steps.push_back(std::move(st));
        }
    } else {
        LessonStep st;
        st.config = l.config;
        st.chart = l.chart;
        if (doc.contains("expect"))
            st.expect = parseExpect(c, doc.at("expect"), "expect");
        named(c, "config", [&] {
            st.config.validate();
            return 0;
        });
        l.steps.push_back(std::move(st));
    }
    return l;
}

Lesson loadLesson(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open the lesson file");
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    if (text.size() > (size_t(16) << 20))
        throw Error(path + ": a lesson file may not exceed 16 MB");
    return parseLesson(text, path);
}

Tensor lessonTensor(const Lesson& lesson, int step)
{
    if (step < 0 || step >= lesson.numSteps())
        throw Error("lesson '" + lesson.id + "' has no step " + std::to_string(step + 1) +
                    " (it has " + std::to_string(lesson.numSteps()) + ")");
    const LessonStep& s = lesson.steps[size_t(step)];
    return sourceTensor(s.source ? *s.source : lesson.source);
}

QuantConfig lessonConfig(const Lesson& lesson, int step)
{
    if (step < 0 || step >= lesson.numSteps())
        throw Error("lesson '" + lesson.id + "' has no step " + std::to_string(step + 1) +
                    " (it has " + std::to_string(lesson.numSteps()) + ")");
    return lesson.steps[size_t(step)].config;
}

std::vector<std::string> checkLesson(const Lesson& lesson, int step)
{
    const Tensor t = lessonTensor(lesson, step);
    const QuantResult r = quantize(t, lessonConfig(lesson, step));
    const LessonExpect& e = lesson.steps[size_t(step)].expect;
    std::vector<std::string> bad;
    const std::string where = "lesson '" + lesson.id + "' step " + std::to_string(step + 1) + ": ";
    auto fail = [&](const std::string& m) { bad.push_back(where + m); };

    if (!e.scale.empty()) {
        if (int64_t(e.scale.size()) != r.params.numSlices())
            fail("expects " + std::to_string(e.scale.size()) + " scales, got " +
                 std::to_string(r.params.numSlices()));
        else
            for (size_t i = 0; i < e.scale.size(); ++i)
                if (!(std::fabs(r.params.scale[i] - e.scale[i]) <=
                      e.scaleRelTol * std::fabs(e.scale[i])))
                    fail("scale[" + std::to_string(i) + "] is " + num(r.params.scale[i]) +
                         ", expected " + num(e.scale[i]));
    }
    if (!e.zeroPoint.empty() && e.zeroPoint != r.params.zeroPoint) {
        std::string got;
        for (int64_t z : r.params.zeroPoint)
            got += (got.empty() ? "" : ", ") + std::to_string(z);
        fail("zero point is [" + got + "], expected " + std::to_string(e.zeroPoint[0]) +
             (e.zeroPoint.size() > 1 ? ", ..." : ""));
    }
    if (e.qmin && *e.qmin != r.params.qmin)
        fail("qmin is " + std::to_string(r.params.qmin) + ", expected " + std::to_string(*e.qmin));
    if (e.qmax && *e.qmax != r.params.qmax)
        fail("qmax is " + std::to_string(r.params.qmax) + ", expected " + std::to_string(*e.qmax));
    if (!e.codes.empty()) {
        if (e.codes.size() != r.codes.size())
            fail("expects " + std::to_string(e.codes.size()) + " codes, the tensor has " +
                 std::to_string(r.codes.size()));
        else
            for (size_t i = 0; i < e.codes.size(); ++i)
                if (e.codes[i] != r.codes[i]) {
                    fail("code " + std::to_string(i) + " is " + std::to_string(r.codes[i]) +
                         ", expected " + std::to_string(e.codes[i]));
                    break;
                }
    }
    if (!e.dequantized.empty()) {
        if (e.dequantized.size() != r.dequantized.size())
            fail("expects " + std::to_string(e.dequantized.size()) + " dequantized values");
        else
            for (size_t i = 0; i < e.dequantized.size(); ++i)
                if (!(std::fabs(double(r.dequantized[i]) - e.dequantized[i]) <=
                      e.dequantizedAbsTol)) {
                    fail("dequantized value " + std::to_string(i) + " is " + num(r.dequantized[i]) +
                         ", expected " + num(e.dequantized[i]));
                    break;
                }
    }
    if (e.mse || e.mseRange) {
        double mse = r.metrics.mse;
        if (e.excludeLast > 0) {
            const int64_t n = t.numel() - e.excludeLast;
            double sum = 0;
            int64_t count = 0;
            for (int64_t i = 0; i < n; ++i) {
                const double x = t.data[size_t(i)];
                if (!std::isfinite(x))
                    continue;
                const double d = x - double(r.dequantized[size_t(i)]);
                sum += d * d;
                ++count;
            }
            mse = count > 0 ? sum / double(count) : 0.0;
        }
        const std::string what =
            e.excludeLast > 0 ? "MSE without the last " + std::to_string(e.excludeLast) : "MSE";
        if (e.mse && !(std::fabs(mse - *e.mse) <= e.mseRelTol * std::fabs(*e.mse)))
            fail(what + " is " + num(mse) + ", expected " + num(*e.mse));
        if (e.mseRange && !(mse >= e.mseRange->first && mse <= e.mseRange->second))
            fail(what + " is " + num(mse) + ", expected in [" + num(e.mseRange->first) + ", " +
                 num(e.mseRange->second) + "]");
    }
    if (e.sqnrDbRange &&
        !(r.metrics.sqnrDb >= e.sqnrDbRange->first && r.metrics.sqnrDb <= e.sqnrDbRange->second))
        fail("SQNR is " + num(r.metrics.sqnrDb) + " dB, expected in [" + num(e.sqnrDbRange->first) +
             ", " + num(e.sqnrDbRange->second) + "]");
    auto count = [&](const std::optional<int64_t>& want, int64_t got, const char* what) {
        if (want && *want != got)
            fail(std::string(what) + " is " + std::to_string(got) + ", expected " +
                 std::to_string(*want));
    };
    count(e.clippedLowCount, r.metrics.clippedLowCount, "clipped-low count");
    count(e.clippedHighCount, r.metrics.clippedHighCount, "clipped-high count");
    count(e.levelsUsed, r.metrics.levelsUsed, "levels used");
    count(e.overflowCount, r.floatCounts.overflow, "overflow count");
    count(e.flushedToZeroCount, r.floatCounts.flushedToZero, "flushed-to-zero count");
    return bad;
}

} // namespace qs
