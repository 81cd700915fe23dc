// The numbers a lesson asserts: its "expect" objects and checkLesson(), which quantizes a step
// and compares.
#include "core/quant/quantize.h"
#include "core/teach/lesson_read.h"

#include <nlohmann/json.hpp>

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
                 "overflow_count", "flushed_to_zero_count"});
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
    r.readEach<std::optional<double>>(o, p, {{"mse", &e.mse}}, &JsonReader::getNumber);
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

void checkParams(const LessonExpect& e, const QuantParams& p, const Fail& fail)
{
    if (!e.scale.empty()) {
        if (int64_t(e.scale.size()) != p.numSlices())
            fail("expects " + std::to_string(e.scale.size()) + " scales, got " +
                 std::to_string(p.numSlices()));
        else
            for (size_t i = 0; i < e.scale.size(); ++i)
                if (!(std::fabs(p.scale[i] - e.scale[i]) <= e.scaleRelTol * std::fabs(e.scale[i])))
                    fail("scale[" + std::to_string(i) + "] is " + num(p.scale[i]) + ", expected " +
                         num(e.scale[i]));
    }
    if (!e.zeroPoint.empty() && e.zeroPoint != p.zeroPoint) {
        std::string got;
        for (int64_t z : p.zeroPoint)
            got += (got.empty() ? "" : ", ") + std::to_string(z);
        fail("zero point is [" + got + "], expected " + std::to_string(e.zeroPoint[0]) +
             (e.zeroPoint.size() > 1 ? ", ..." : ""));
    }
    if (e.qmin && *e.qmin != p.qmin)
        fail("qmin is " + std::to_string(p.qmin) + ", expected " + std::to_string(*e.qmin));
    if (e.qmax && *e.qmax != p.qmax)
        fail("qmax is " + std::to_string(p.qmax) + ", expected " + std::to_string(*e.qmax));
}

// The codes and dequantized values: the first that differs is reported.
void checkValues(const LessonExpect& e, const QuantResult& r, const Fail& fail)
{
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
}

// The MSE over the finite values but the last `excludeLast`.
double mseWithout(const Tensor& t, const QuantResult& r, int64_t excludeLast)
{
    const int64_t n = t.numel() - excludeLast;
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

void checkErrors(const LessonExpect& e, const Tensor& t, const QuantResult& r, const Fail& fail)
{
    if (e.mse || e.mseRange) {
        const double mse = e.excludeLast > 0 ? mseWithout(t, r, e.excludeLast) : r.metrics.mse;
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
}

void checkCounts(const LessonExpect& e, const QuantResult& r, const Fail& fail)
{
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
}

} // namespace

bool LessonExpect::empty() const
{
    return scale.empty() && zeroPoint.empty() && !qmin && !qmax && codes.empty() &&
           dequantized.empty() && !mse && !mseRange && !sqnrDbRange && !clippedLowCount &&
           !clippedHighCount && !levelsUsed && !overflowCount && !flushedToZeroCount;
}

std::vector<std::string> checkLesson(const Lesson& lesson, int step)
{
    const Tensor t = lessonTensor(lesson, step);
    const QuantResult r = quantize(t, lessonConfig(lesson, step));
    const LessonExpect& e = lesson.steps[size_t(step)].expect;
    std::vector<std::string> bad;
    const std::string where = "lesson '" + lesson.id + "' step " + std::to_string(step + 1) + ": ";
    const Fail fail = [&](const std::string& m) { bad.push_back(where + m); };
    checkParams(e, r.params, fail);
    checkValues(e, r, fail);
    checkErrors(e, t, r, fail);
    checkCounts(e, r, fail);
    return bad;
}

} // namespace qs
