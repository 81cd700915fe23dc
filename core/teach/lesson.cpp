// Reading a lesson file: the document, its configuration (the keys of config_json.h), chart
// options and steps. The source and the expectations have their own files (lesson_source.cpp,
// lesson_expect.cpp).
#include "core/teach/lesson.h"

#include "core/analysis/block_anatomy.h"
#include "core/config/config_json.h"
#include "core/teach/lesson_read.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace qs {
namespace {

using json = nlohmann::json;
using lesson_detail::parseExpect;
using lesson_detail::parseSource;

std::string checkChart(const JsonReader& r, const json& o, const std::string& path)
{
    const std::string chart = r.getString(o, path, "chart");
    const std::vector<std::string> names = lessonChartNames();
    if (std::find(names.begin(), names.end(), chart) == names.end()) {
        std::string valid;
        for (const std::string& n : names)
            valid += (valid.empty() ? "" : ", ") + n;
        r.fail(joinPath(path, "chart"), "'" + chart + "' is not a chart (valid: " + valid + ")");
    }
    return chart;
}

json parseDocument(const std::string& text, const std::string& origin)
{
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) { // syntax, and numbers out of range ("1e999")
        throw Error(origin + ": not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!doc.is_object())
        throw Error(origin + ": not a lesson: the top level is not a JSON object");
    return doc;
}

// The keys, the format and version, and the keys every lesson must have.
void checkHeader(const JsonReader& r, const json& doc)
{
    r.allowKeys(doc, "",
                {"format", "version", "id", "title", "text", "question", "source", "config",
                 "chart", "image", "int_matmul", "expect", "steps"});
    if (doc.contains("format") && r.getString(doc, "", "format") != "quantscope-lesson")
        r.fail("format", "must be \"quantscope-lesson\"");
    if (doc.contains("version") && r.getInt(doc, "", "version") != 1)
        r.fail("version", "must be 1 (this QuantScope reads lesson format version 1)");
    for (const char* k : {"id", "title", "source", "config"})
        if (!doc.contains(k))
            r.fail(k, "is missing");
}

void readImageOptions(const JsonReader& r, const json& im, Lesson& l)
{
    r.allowKeys(im, "image", {"granularity", "block_size"});
    if (im.contains("granularity")) {
        const std::string g = r.getString(im, "image", "granularity");
        l.imageGranularity =
            r.named("image.granularity", [&] { return imageGranularityFromName(g); });
    }
    if (im.contains("block_size")) {
        const int64_t b = r.getInt(im, "image", "block_size");
        if (b < 1 || b > 1024)
            r.fail("image.block_size", "must be in 1..1024");
        l.imageBlockSize = int(b);
    }
}

IntMatmulDemoOptions readIntMatmul(const JsonReader& r, const json& m)
{
    const std::string p = "int_matmul";
    r.allowKeys(m, p, {"m", "k", "n", "seed", "a_low", "a_high", "b_std", "out_signed"});
    IntMatmulDemoOptions o;
    r.readEach<int64_t>(m, p, {{"m", &o.m}, {"k", &o.k}, {"n", &o.n}}, &JsonReader::getInt);
    if (m.contains("seed"))
        o.seed = uint64_t(std::max<int64_t>(0, r.getInt(m, p, "seed")));
    r.readEach<double>(m, p, {{"a_low", &o.aLow}, {"a_high", &o.aHigh}, {"b_std", &o.bStd}},
                       &JsonReader::getNumber);
    if (m.contains("out_signed"))
        o.outSigned = r.getBool(m, p, "out_signed");
    r.named(p, [&] { return intMatmulDemo(o).result.m; });
    return o;
}

void validateStep(const JsonReader& r, const LessonStep& st, const std::string& path)
{
    r.named(path, [&] {
        st.config.validate();
        return 0;
    });
}

// A step's "block": an index from 0 of a scheme with blocks.
int64_t readBlock(const JsonReader& r, const json& so, const std::string& p,
                  const QuantConfig& config)
{
    const int64_t block = r.getInt(so, p, "block");
    if (block < 0)
        r.fail(joinPath(p, "block"), "must not be negative");
    if (!hasBlockAnatomy(config))
        r.fail(joinPath(p, "block"),
               "needs a scheme with blocks (" + noBlocksMessage(config) + ")");
    return block;
}

// Each entry of "steps": the lesson's config, chart and source with the step's overrides.
void readSteps(const JsonReader& r, const json& doc, Lesson& l)
{
    if (doc.contains("expect"))
        r.fail("expect", "is only allowed without \"steps\" (give each step its own)");
    const json& steps = doc.at("steps");
    if (!steps.is_array() || steps.empty())
        r.fail("steps", "must be a non-empty list");
    for (size_t i = 0; i < steps.size(); ++i) {
        const std::string p = "steps[" + std::to_string(i) + "]";
        const json& so = steps[i];
        r.allowKeys(so, p, {"caption", "config", "chart", "source", "block", "expect"});
        LessonStep st;
        st.config = l.config;
        st.chart = l.chart;
        if (so.contains("caption"))
            st.caption = r.getString(so, p, "caption");
        if (so.contains("config"))
            applyConfigJson(r, so.at("config"), p + ".config", st.config);
        if (so.contains("chart"))
            st.chart = checkChart(r, so, p);
        if (so.contains("source"))
            st.source = parseSource(r, so.at("source"), p + ".source");
        if (so.contains("expect"))
            st.expect = parseExpect(r, so.at("expect"), p + ".expect");
        validateStep(r, st, p + ".config");
        if (so.contains("block"))
            st.block = readBlock(r, so, p, st.config);
        l.steps.push_back(std::move(st));
    }
}

// A lesson without "steps" is one step: its own config, chart and expectations.
void readSingleStep(const JsonReader& r, const json& doc, Lesson& l)
{
    LessonStep st;
    st.config = l.config;
    st.chart = l.chart;
    if (doc.contains("expect"))
        st.expect = parseExpect(r, doc.at("expect"), "expect");
    validateStep(r, st, "config");
    l.steps.push_back(std::move(st));
}

const LessonStep& stepOf(const Lesson& lesson, int step)
{
    if (step < 0 || step >= lesson.numSteps())
        throw Error("lesson '" + lesson.id + "' has no step " + std::to_string(step + 1) +
                    " (it has " + std::to_string(lesson.numSteps()) + ")");
    return lesson.steps[size_t(step)];
}

} // namespace

std::vector<std::string> lessonChartNames()
{
    return {"values",      "codes",      "histogram",     "error-histogram", "channels",
            "number-line", "sweep",      "clipping",      "compare",         "block-inspector",
            "image",       "int-matmul", "float-pitfalls"};
}

Lesson parseLesson(const std::string& text, const std::string& origin)
{
    JsonReader r(origin);
    const json doc = parseDocument(text, origin);
    checkHeader(r, doc);
    Lesson l;
    l.id = r.getString(doc, "", "id");
    if (l.id.empty())
        r.fail("id", "must not be empty");
    r.origin = origin + " (lesson '" + l.id + "')";
    l.title = r.getString(doc, "", "title");
    if (doc.contains("text"))
        l.text = r.getString(doc, "", "text");
    if (doc.contains("question"))
        l.question = r.getString(doc, "", "question");
    l.source = parseSource(r, doc.at("source"), "source");
    applyConfigJson(r, doc.at("config"), "config", l.config);
    if (doc.contains("chart"))
        l.chart = checkChart(r, doc, "");
    if (doc.contains("image"))
        readImageOptions(r, doc.at("image"), l);
    if (doc.contains("int_matmul"))
        l.intMatmul = readIntMatmul(r, doc.at("int_matmul"));
    if (doc.contains("steps"))
        readSteps(r, doc, l);
    else
        readSingleStep(r, doc, l);
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
    const LessonStep& s = stepOf(lesson, step);
    return lesson_detail::sourceTensor(s.source ? *s.source : lesson.source);
}

QuantConfig lessonConfig(const Lesson& lesson, int step)
{
    return stepOf(lesson, step).config;
}

} // namespace qs
