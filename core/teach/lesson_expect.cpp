// The numbers a lesson asserts: its "expect" objects and checkLesson(), which quantizes a step
// and compares.
#include "core/analysis/block_anatomy.h"
#include "core/quant/quantize.h"
#include "core/teach/lesson_check.h"
#include "core/teach/lesson_read.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

namespace qs {
namespace lesson_detail {

LessonExpect parseExpect(const JsonReader& r, const nlohmann::json& o, const std::string& p)
{
    r.allowKeys(o, p,
                {"scale", "scale_rel_tol", "zero_point", "qmin", "qmax", "codes", "dequantized",
                 "dequantized_abs_tol", "mse", "mse_rel_tol", "mse_range", "sqnr_db_range",
                 "exclude_last", "clipped_low_count", "clipped_high_count", "levels_used",
                 "overflow_count", "flushed_to_zero_count", "bits_per_element"});
    LessonExpect e;
    r.readEach<std::vector<double>>(o, p, {{"scale", &e.scale}, {"dequantized", &e.dequantized}},
                                    &JsonReader::getNumbers);
    r.readEach<std::vector<int64_t>>(o, p, {{"zero_point", &e.zeroPoint}, {"codes", &e.codes}},
                                     &JsonReader::getInts);
    r.readEach<double>(o, p,
                       {{"scale_rel_tol", &e.scaleRelTol},
                        {"dequantized_abs_tol", &e.dequantizedAbsTol},
                        {"mse_rel_tol", &e.mseRelTol}},
                       &JsonReader::getNumber);
    r.readEach<std::optional<double>>(
        o, p, {{"mse", &e.mse}, {"bits_per_element", &e.bitsPerElement}}, &JsonReader::getNumber);
    r.readEach<std::optional<std::pair<double, double>>>(
        o, p, {{"mse_range", &e.mseRange}, {"sqnr_db_range", &e.sqnrDbRange}},
        &JsonReader::getRange);
    r.readEach<int64_t>(o, p, {{"exclude_last", &e.excludeLast}}, &JsonReader::getInt);
    if (e.excludeLast < 0)
        r.fail(joinPath(p, "exclude_last"), "must not be negative");
    r.readEach<std::optional<int64_t>>(o, p,
                                       {{"qmin", &e.qmin},
                                        {"qmax", &e.qmax},
                                        {"clipped_low_count", &e.clippedLowCount},
                                        {"clipped_high_count", &e.clippedHighCount},
                                        {"levels_used", &e.levelsUsed},
                                        {"overflow_count", &e.overflowCount},
                                        {"flushed_to_zero_count", &e.flushedToZeroCount}},
                                       &JsonReader::getInt);
    return e;
}

} // namespace lesson_detail

namespace {

using Fail = std::function<void(const std::string&)>;

std::string num(double v)
{
    std::ostringstream os;
    os.precision(10);
    os << v;
    return os.str();
}

void compareParams(const LessonExpect& e, const QuantParams& p, ExpectComparison& c)
{
    c.scaleCountOk = e.scale.empty() || int64_t(e.scale.size()) == p.numSlices();
    if (!e.scale.empty() && c.scaleCountOk)
        for (size_t i = 0; i < e.scale.size(); ++i)
            if (!(std::fabs(p.scale[i] - e.scale[i]) <= e.scaleRelTol * std::fabs(e.scale[i])))
                c.badScales.push_back(i);
    c.zeroPointOk = e.zeroPoint.empty() || e.zeroPoint == p.zeroPoint;
    c.qminOk = !e.qmin || *e.qmin == p.qmin;
    c.qmaxOk = !e.qmax || *e.qmax == p.qmax;
}

// For each asserted entry whether the result's matches: the first that differs (when the sizes
// agree) and how many of the comparable ones match.
template <class Want, class Got, class Same>
void compareEntries(const Want& want, const Got& got, Same same, bool& countOk, int64_t& firstBad,
                    size_t& matching)
{
    countOk = want.size() == got.size();
    for (size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
        const bool ok = same(want[i], got[i]);
        matching += ok ? 1 : 0;
        if (!ok && countOk && firstBad < 0)
            firstBad = int64_t(i);
    }
}

// The MSE over the finite values but the last `excludeLast`.
double mseWithout(const Tensor& t, const QuantResult& r, int64_t excludeLast)
{
    const int64_t n = std::min<int64_t>(t.numel(), int64_t(r.dequantized.size())) - excludeLast;
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
    return count > 0 ? sum / double(count) : 0.0;
}

void compareErrors(const LessonExpect& e, const Tensor& t, const QuantResult& r,
                   ExpectComparison& c)
{
    if (e.mse || e.mseRange)
        c.mse = e.excludeLast > 0 ? mseWithout(t, r, e.excludeLast) : r.metrics.mse;
    c.mseOk = !e.mse || std::fabs(c.mse - *e.mse) <= e.mseRelTol * std::fabs(*e.mse);
    c.mseInRange = !e.mseRange || (c.mse >= e.mseRange->first && c.mse <= e.mseRange->second);
    c.sqnrInRange = !e.sqnrDbRange || (r.metrics.sqnrDb >= e.sqnrDbRange->first &&
                                       r.metrics.sqnrDb <= e.sqnrDbRange->second);
    c.bitsPerElementOk =
        !e.bitsPerElement || std::fabs(r.metrics.bitsPerElement - *e.bitsPerElement) <= 1e-9;
}

void compareCounts(const LessonExpect& e, const QuantResult& r, ExpectComparison& c)
{
    auto count = [&](const std::optional<int64_t>& want, int64_t got, const char* name,
                     const char* label) {
        if (want)
            c.counts.push_back({name, label, *want, got});
    };
    count(e.clippedLowCount, r.metrics.clippedLowCount, "clipped-low count", "clipped low");
    count(e.clippedHighCount, r.metrics.clippedHighCount, "clipped-high count", "clipped high");
    count(e.levelsUsed, r.metrics.levelsUsed, "levels used", "levels used");
    count(e.overflowCount, r.floatCounts.overflow, "overflow count", "overflows");
    count(e.flushedToZeroCount, r.floatCounts.flushedToZero, "flushed-to-zero count",
          "flushed to zero");
}

void reportParams(const LessonExpect& e, const QuantParams& p, const ExpectComparison& c,
                  const Fail& fail)
{
    if (!c.scaleCountOk)
        fail("expects " + std::to_string(e.scale.size()) + " scales, got " +
             std::to_string(p.numSlices()));
    for (size_t i : c.badScales)
        fail("scale[" + std::to_string(i) + "] is " + num(p.scale[i]) + ", expected " +
             num(e.scale[i]));
    if (!c.zeroPointOk) {
        std::string got;
        for (int64_t z : p.zeroPoint)
            got += (got.empty() ? "" : ", ") + std::to_string(z);
        fail("zero point is [" + got + "], expected " + std::to_string(e.zeroPoint[0]) +
             (e.zeroPoint.size() > 1 ? ", ..." : ""));
    }
    if (!c.qminOk)
        fail("qmin is " + std::to_string(p.qmin) + ", expected " + std::to_string(*e.qmin));
    if (!c.qmaxOk)
        fail("qmax is " + std::to_string(p.qmax) + ", expected " + std::to_string(*e.qmax));
}

// The codes and dequantized values: the first that differs is reported.
void reportValues(const LessonExpect& e, const QuantResult& r, const ExpectComparison& c,
                  const Fail& fail)
{
    if (!c.codesCountOk)
        fail("expects " + std::to_string(e.codes.size()) + " codes, the tensor has " +
             std::to_string(r.codes.size()));
    if (const int64_t i = c.firstBadCode; i >= 0)
        fail("code " + std::to_string(i) + " is " + std::to_string(r.codes[size_t(i)]) +
             ", expected " + std::to_string(e.codes[size_t(i)]));
    if (!c.dequantizedCountOk)
        fail("expects " + std::to_string(e.dequantized.size()) + " dequantized values");
    if (const int64_t i = c.firstBadDequantized; i >= 0)
        fail("dequantized value " + std::to_string(i) + " is " + num(r.dequantized[size_t(i)]) +
             ", expected " + num(e.dequantized[size_t(i)]));
}

void reportErrors(const LessonExpect& e, const QuantResult& r, const ExpectComparison& c,
                  const Fail& fail)
{
    const std::string what =
        e.excludeLast > 0 ? "MSE without the last " + std::to_string(e.excludeLast) : "MSE";
    if (!c.mseOk)
        fail(what + " is " + num(c.mse) + ", expected " + num(*e.mse));
    if (!c.mseInRange)
        fail(what + " is " + num(c.mse) + ", expected in [" + num(e.mseRange->first) + ", " +
             num(e.mseRange->second) + "]");
    if (!c.sqnrInRange)
        fail("SQNR is " + num(r.metrics.sqnrDb) + " dB, expected in [" + num(e.sqnrDbRange->first) +
             ", " + num(e.sqnrDbRange->second) + "]");
    if (!c.bitsPerElementOk)
        fail("bits per element is " + num(r.metrics.bitsPerElement) + ", expected " +
             num(*e.bitsPerElement));
    for (const ExpectedCount& k : c.counts)
        if (!k.ok())
            fail(std::string(k.name) + " is " + std::to_string(k.got) + ", expected " +
                 std::to_string(k.want));
}

} // namespace

bool LessonExpect::empty() const
{
    return scale.empty() && zeroPoint.empty() && !qmin && !qmax && codes.empty() &&
           dequantized.empty() && !mse && !mseRange && !sqnrDbRange && !clippedLowCount &&
           !clippedHighCount && !levelsUsed && !overflowCount && !flushedToZeroCount &&
           !bitsPerElement;
}

ExpectComparison compareExpect(const LessonExpect& e, const Tensor& t, const QuantResult& r)
{
    ExpectComparison c;
    compareParams(e, r.params, c);
    if (!e.codes.empty())
        compareEntries(
            e.codes, r.codes, [](auto want, auto got) { return want == got; }, c.codesCountOk,
            c.firstBadCode, c.codesMatching);
    if (!e.dequantized.empty())
        compareEntries(
            e.dequantized, r.dequantized,
            [&](double want, auto got) {
                return std::fabs(double(got) - want) <= e.dequantizedAbsTol;
            },
            c.dequantizedCountOk, c.firstBadDequantized, c.dequantizedMatching);
    compareErrors(e, t, r, c);
    compareCounts(e, r, c);
    return c;
}

std::vector<std::string> checkLesson(const Lesson& lesson, int step)
{
    const Tensor t = lessonTensor(lesson, step);
    const QuantResult r = quantize(t, lessonConfig(lesson, step));
    const LessonExpect& e = lesson.steps[size_t(step)].expect;
    std::vector<std::string> bad;
    const std::string where = "lesson '" + lesson.id + "' step " + std::to_string(step + 1) + ": ";
    const Fail fail = [&](const std::string& m) { bad.push_back(where + m); };
    const ExpectComparison c = compareExpect(e, t, r);
    reportParams(e, r.params, c, fail);
    reportValues(e, r, c, fail);
    reportErrors(e, r, c, fail);
    if (const auto& block = lesson.steps[size_t(step)].block) {
        const int64_t count = anatomyBlockCount(r);
        if (*block >= count)
            fail("block " + std::to_string(*block) + " is out of range: the tensor has " +
                 std::to_string(count) + " blocks");
    }
    return bad;
}

} // namespace qs
