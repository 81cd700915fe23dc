#include "core/teach/float_pitfalls.h"

#include "core/base/name_table.h"

#include <cmath>
#include <limits>

namespace qs {

std::vector<double> defaultPitfallValues()
{
    return {1e-12, 1e-8, 6e-8, 6.1e-5, 1, 65504, 65520, 70000, 1e30, 3.4e38};
}

FloatConversion convertValue(FloatFormat format, float x)
{
    FloatConversion c;
    c.bits = toFormatBits(format, x);
    const float y = fromFormatBits(format, c.bits);
    c.value = double(y);
    const double xd = double(x);
    if (!std::isfinite(x)) {
        c.outcome = FloatOutcome::NonFinite;
        c.relativeError = std::isnan(x) ? std::numeric_limits<double>::quiet_NaN() : 0.0;
        return c;
    }
    c.relativeError = xd == 0 ? 0.0 : std::fabs(c.value - xd) / std::fabs(xd);
    if (std::isinf(y)) {
        c.outcome = FloatOutcome::Overflow;
        c.relativeError = std::numeric_limits<double>::infinity();
    } else if (y == 0 && x != 0) {
        c.outcome = FloatOutcome::FlushedToZero;
    } else if (y != 0 && std::fabs(c.value) < floatFormatInfo(format).minNormal) {
        c.outcome = FloatOutcome::Subnormal;
    } else if (c.value == xd) {
        c.outcome = FloatOutcome::Exact;
    } else {
        c.outcome = FloatOutcome::Rounded;
    }
    return c;
}

std::vector<FloatPitfall> floatPitfalls(const std::vector<double>& values)
{
    std::vector<FloatPitfall> rows;
    rows.reserve(values.size());
    for (double v : values) {
        FloatPitfall p;
        p.input = v;
        const float f = float(v); // beyond float32's range: +-inf (IEEE conversion)
        p.float32 = double(f);
        p.fp16 = convertValue(FloatFormat::Half, f);
        p.bf16 = convertValue(FloatFormat::BFloat16, f);
        if (std::isfinite(v) && !std::isfinite(f)) { // already lost in float32
            for (FloatConversion* c : {&p.fp16, &p.bf16}) {
                c->outcome = FloatOutcome::Overflow;
                c->relativeError = std::numeric_limits<double>::infinity();
            }
        }
        rows.push_back(p);
    }
    return rows;
}

std::string toName(FloatOutcome o)
{
    static const Named<FloatOutcome> names[] = {{FloatOutcome::Exact, "exact"},
                                                {FloatOutcome::Rounded, "rounded"},
                                                {FloatOutcome::Subnormal, "subnormal"},
                                                {FloatOutcome::FlushedToZero, "flushed to zero"},
                                                {FloatOutcome::Overflow, "overflow to inf"},
                                                {FloatOutcome::NonFinite, "non-finite"}};
    return nameIn(names, o);
}

} // namespace qs
