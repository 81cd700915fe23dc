// The data of a lesson: its "source" object (values, a generator, a built-in dataset or the
// built-in image).
#include "core/teach/builtins.h"
#include "core/teach/lesson_read.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace qs {
namespace lesson_detail {
namespace {

using json = nlohmann::json;

std::string joinNames(const std::vector<std::string>& names)
{
    std::string valid;
    for (const std::string& n : names)
        valid += (valid.empty() ? "" : ", ") + n;
    return valid;
}

void readValues(const JsonReader& r, const json& o, const std::string& path, LessonSource& s)
{
    s.kind = LessonSource::Kind::Values;
    const std::vector<double> v = r.getNumbers(o, path, "values");
    if (v.empty())
        r.fail(joinPath(path, "values"), "must not be empty");
    s.values.assign(v.begin(), v.end());
    if (o.contains("shape")) {
        s.shape = r.getInts(o, path, "shape");
        const int64_t n = r.named(joinPath(path, "shape"), [&] { return shapeProduct(s.shape); });
        if (n != int64_t(v.size()))
            r.fail(joinPath(path, "shape"), "holds " + std::to_string(n) + " elements but " +
                                                std::to_string(v.size()) + " values are given");
    }
}

FanMode readFanMode(const JsonReader& r, const json& g, const std::string& p)
{
    const std::string f = r.getString(g, p, "fan_mode");
    const std::pair<const char*, FanMode> modes[] = {
        {"fan_in", FanMode::FanIn}, {"fan_out", FanMode::FanOut}, {"fan_avg", FanMode::FanAvg}};
    for (const auto& [name, mode] : modes)
        if (f == name)
            return mode;
    r.fail(joinPath(p, "fan_mode"), "must be fan_in, fan_out or fan_avg");
}

// The generator options of a "generate" object (everything but scale_channel).
void readGeneratorOptions(const JsonReader& r, const json& g, const std::string& p,
                          GeneratorOptions& go)
{
    if (g.contains("distribution")) {
        const std::string d = r.getString(g, p, "distribution");
        go.distribution =
            r.named(joinPath(p, "distribution"), [&] { return distributionFromName(d); });
    }
    if (!g.contains("shape"))
        r.fail(joinPath(p, "shape"), "is missing");
    go.shape = r.getInts(g, p, "shape");
    if (g.contains("seed"))
        go.seed = r.getUnsigned(g, p, "seed");
    r.readEach<double>(g, p,
                       {{"low", &go.low},
                        {"high", &go.high},
                        {"mean", &go.mean},
                        {"std", &go.std},
                        {"he_scale", &go.heScale},
                        {"separation", &go.separation},
                        {"outlier_value", &go.outlierValue}},
                       &JsonReader::getNumber);
    if (g.contains("fan_mode"))
        go.fanMode = readFanMode(r, g, p);
    if (g.contains("decimals"))
        go.decimals = int(std::clamp<int64_t>(r.getInt(g, p, "decimals"), -1, 30));
    if (g.contains("outliers"))
        go.outliers = r.getInt(g, p, "outliers");
    if (g.contains("outlier_position"))
        go.outlierPosition = r.getString(g, p, "outlier_position");
    if (g.contains("name"))
        go.name = r.getString(g, p, "name");
}

// "scale_channel": multiply one channel of the generated tensor by a factor.
void readScaleChannel(const JsonReader& r, const json& g, const std::string& p, LessonSource& s)
{
    const std::string sp = joinPath(p, "scale_channel");
    const json& sc = g.at("scale_channel");
    r.allowKeys(sc, sp, {"axis", "index", "factor"});
    s.scaleChannel = true;
    s.scaleAxis =
        sc.contains("axis") ? int(std::clamp<int64_t>(r.getInt(sc, sp, "axis"), -64, 64)) : 0;
    s.scaleIndex = sc.contains("index") ? r.getInt(sc, sp, "index") : 0;
    s.scaleFactor = sc.contains("factor") ? r.getNumber(sc, sp, "factor") : 1.0;
    const auto layout = r.named(sp, [&] {
        return makeSliceLayout(s.generator.shape, Granularity::PerChannel, s.scaleAxis, 1);
    });
    if (s.scaleIndex < 0 || s.scaleIndex >= layout.len)
        r.fail(joinPath(sp, "index"), "must be in [0, " + std::to_string(layout.len) + ")");
}

void readGenerate(const JsonReader& r, const json& o, const std::string& path, LessonSource& s)
{
    s.kind = LessonSource::Kind::Generate;
    const std::string p = joinPath(path, "generate");
    const json& g = o.at("generate");
    r.allowKeys(g, p,
                {"distribution", "shape", "seed", "low", "high", "mean", "std", "he_scale",
                 "fan_mode", "separation", "decimals", "outliers", "outlier_value",
                 "outlier_position", "name", "scale_channel"});
    readGeneratorOptions(r, g, p, s.generator);
    if (g.contains("scale_channel"))
        readScaleChannel(r, g, p, s);
    // Generate once now so that bad options fail at load time, not in class.
    r.named(p, [&] {
        if (shapeProduct(s.generator.shape) > 20000000)
            throw Error("a lesson tensor may hold at most 20 000 000 values");
        return generate(s.generator).numel();
    });
}

void readDataset(const JsonReader& r, const json& o, const std::string& path, LessonSource& s)
{
    s.kind = LessonSource::Kind::Dataset;
    s.dataset = r.getString(o, path, "dataset");
    const std::vector<std::string> names = builtinDatasetNames();
    if (std::find(names.begin(), names.end(), currentDatasetName(s.dataset)) == names.end())
        r.fail(joinPath(path, "dataset"),
               "'" + s.dataset + "' is unknown (valid: " + joinNames(names) + ")");
}

void readImage(const JsonReader& r, const json& o, const std::string& path, LessonSource& s)
{
    s.kind = LessonSource::Kind::Image;
    const std::string p = joinPath(path, "image");
    const json& im = o.at("image");
    r.allowKeys(im, p, {"width", "height"});
    if (im.contains("width"))
        s.imageWidth = int(std::clamp<int64_t>(r.getInt(im, p, "width"), 0, 100000));
    if (im.contains("height"))
        s.imageHeight = int(std::clamp<int64_t>(r.getInt(im, p, "height"), 0, 100000));
    if (s.imageWidth < 16 || s.imageWidth > 4096 || s.imageHeight < 16 || s.imageHeight > 4096)
        r.fail(p, "width and height must be in 16..4096");
}

} // namespace

LessonSource parseSource(const JsonReader& r, const json& o, const std::string& path)
{
    r.allowKeys(o, path, {"values", "shape", "name", "generate", "dataset", "image"});
    const int kinds = int(o.contains("values")) + int(o.contains("generate")) +
                      int(o.contains("dataset")) + int(o.contains("image"));
    if (kinds != 1)
        r.fail(path, "needs exactly one of \"values\", \"generate\", \"dataset\", \"image\"");
    LessonSource s;
    if (o.contains("name"))
        s.name = r.getString(o, path, "name");
    if (o.contains("shape") && !o.contains("values"))
        r.fail(joinPath(path, "shape"), "belongs to \"values\" (generators have their own shape)");
    if (o.contains("values"))
        readValues(r, o, path, s);
    if (o.contains("generate"))
        readGenerate(r, o, path, s);
    if (o.contains("dataset"))
        readDataset(r, o, path, s);
    if (o.contains("image"))
        readImage(r, o, path, s);
    return s;
}

Tensor sourceTensor(const LessonSource& s)
{
    switch (s.kind) {
    case LessonSource::Kind::Values:
        return Tensor(s.name,
                      s.shape.empty() ? std::vector<int64_t>{int64_t(s.values.size())} : s.shape,
                      s.values);
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

} // namespace lesson_detail
} // namespace qs
