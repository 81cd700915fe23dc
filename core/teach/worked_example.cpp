#include "core/teach/worked_example.h"

#include "core/base/name_table.h"
#include "core/formats/float16.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace qs {
namespace {

// The engine's stochastic draw: u depends only on (seed, flat index) through the splitmix64
// finaliser (see quantize.cpp); tst_worked_example checks that the codes agree.
uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double uniformAt(uint64_t seed, int64_t i)
{
    const uint64_t h =
        mix64(mix64(seed + 0x9E3779B97F4A7C15ull) ^ (uint64_t(i) * 0xD1B54A32D192ED03ull));
    return double(h >> 11) * 0x1.0p-53;
}

std::string num(double v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+&infin;" : "&minus;&infin;";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    std::string s(buf);
    if (!s.empty() && s[0] == '-')
        s = "&minus;" + s.substr(1);
    return s;
}

std::string inum(int64_t v)
{
    return v < 0 ? "&minus;" + std::to_string(-v) : std::to_string(v);
}

// A number in parentheses when negative, for substitution into a formula.
std::string par(const std::string& s)
{
    return s.rfind("&minus;", 0) == 0 ? "(" + s + ")" : s;
}

std::string ruleText(Rounding r)
{
    static const Named<Rounding> texts[] = {{Rounding::HalfEven, "round half to even"},
                                            {Rounding::HalfAway, "round half away from zero"},
                                            {Rounding::HalfUp, "round half up (toward +&infin;)"},
                                            {Rounding::Floor, "floor (toward &minus;&infin;)"},
                                            {Rounding::Truncate, "truncate (toward zero)"},
                                            {Rounding::Stochastic, "stochastic rounding"}};
    return nameIn(texts, r);
}

const char* kXhat = "<i>x\u0302</i>"; // x with a combining circumflex, as the charts write it

std::string row(const std::string& step, const std::string& formula, const std::string& value)
{
    return "<tr><td><b>" + step + "</b></td><td>" + formula + "</td><td align=\"right\">" + value +
           "</td></tr>";
}

} // namespace

std::string toName(ClipSide c)
{
    static const Named<ClipSide> names[] = {{ClipSide::None, "none"},
                                            {ClipSide::BelowQmin, "below qmin"},
                                            {ClipSide::AboveQmax, "above qmax"}};
    return nameIn(names, c);
}

namespace {

void checkInputs(const Tensor& t, const QuantResult& r, int64_t index)
{
    if (index < 0 || index >= t.numel())
        throw Error("worked example: index " + std::to_string(index) + " is outside the tensor (" +
                    std::to_string(t.numel()) + " elements)");
    if (int64_t(r.codes.size()) != t.numel() || int64_t(r.dequantized.size()) != t.numel())
        throw Error("worked example: the result holds " + std::to_string(r.codes.size()) +
                    " codes but tensor '" + t.name + "' has " + std::to_string(t.numel()) +
                    " elements; quantize this tensor first");
}

[[noreturn]] void throwForeignParams(const Tensor& t)
{
    throw Error("worked example: the result's parameters do not belong to tensor '" + t.name + "'");
}

// Low-bit formats: the format's encoder chose the code; the example shows how it decodes.
void explainLowbit(WorkedExample& w, const Tensor& t, const QuantResult& r)
{
    const QuantParams& p = r.params;
    if (p.layout.numel() != t.numel() || p.numSlices() < 1)
        throwForeignParams(t);
    w.slice = p.layout.sliceOf(w.index);
    w.scale = p.scale[size_t(w.slice)];
    w.zeroPoint = p.zeroPoint[size_t(w.slice)];
    w.realZeroPoint = double(w.zeroPoint);
    w.qmin = p.qmin;
    w.qmax = p.qmax;
    w.floatCategory = !w.finite                                               ? "non-finite (kept)"
                      : w.xhat == w.x                                         ? "exact"
                      : w.xhat == 0 && w.x != 0                               ? "flushed to zero"
                      : r.sliceMetrics.empty()                                ? "rounded"
                      : w.xhat == p.rangeMax[size_t(w.slice)] && w.x > w.xhat ? "saturated"
                      : w.xhat == p.rangeMin[size_t(w.slice)] && w.x < w.xhat ? "saturated"
                                                                              : "rounded";
}

// fp16 / bf16: the 16-bit pattern of the nearest value.
void explainHalfFloat(WorkedExample& w, const Tensor& t, const QuantResult& r)
{
    const FloatFormat f =
        r.config.scheme == Scheme::FP16 ? FloatFormat::Half : FloatFormat::BFloat16;
    const FloatFormatInfo info = floatFormatInfo(f);
    const uint16_t bits = toFormatBits(f, t.data[size_t(w.index)]);
    w.code = bits;
    w.xhat = double(fromFormatBits(f, bits));
    w.error = w.finite ? w.x - w.xhat : 0.0;
    if (!w.finite)
        w.floatCategory = "non-finite (kept)";
    else if (std::isinf(w.xhat))
        w.floatCategory = "overflow";
    else if (w.xhat == 0 && w.x != 0)
        w.floatCategory = "flushed to zero";
    else if (w.xhat != 0 && std::fabs(w.xhat) < info.minNormal)
        w.floatCategory = "subnormal";
    else if (w.xhat == w.x)
        w.floatCategory = "exact";
    else
        w.floatCategory = "rounded";
}

// Integer schemes, step 1: x / s (or x * s') and the value that gets rounded, in the
// arithmetic the config asks for.
void explainScaling(WorkedExample& w, const QuantParams& p, const QuantConfig& c, float xf)
{
    const double s = p.scale[size_t(w.slice)];
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    if (c.reciprocalScale && !p.reciprocal.empty()) {
        const float sp = p.reciprocal[size_t(w.slice)];
        w.reciprocal = double(sp);
        w.scale = s;
        const float q = xf * sp; // float32, as TensorRT's toolkit computes it
        w.xOverS = double(q);
        w.valueToRound = before ? double(q) : double(q + float(w.realZeroPoint));
    } else if (c.float32Params) {
        const float sf = float(s), zf = float(w.realZeroPoint), invf = 1.0f / sf;
        w.scale = double(sf);
        const float q = c.multiplyByInverse ? xf * invf : xf / sf;
        w.xOverS = double(q);
        w.valueToRound = before ? double(q) : double(q + zf);
    } else {
        w.scale = s;
        const double q = c.multiplyByInverse ? double(xf) * (1.0 / s) : double(xf) / s;
        w.xOverS = q;
        w.valueToRound = before ? q : q + w.realZeroPoint;
    }
}

// Integer schemes, step 2: rounding, the zero point (when it comes after) and clipping; the
// recomputed code must be the result's.
void explainRounding(WorkedExample& w, const QuantConfig& c)
{
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const double v = w.valueToRound;
    if (c.rounding == Rounding::Stochastic)
        w.stochasticU = uniformAt(c.seed, w.index);
    w.rounded = roundBy(c.rounding, v, w.stochasticU);
    w.roundedUp = w.rounded > v;
    w.tie = std::fabs(v - std::floor(v) - 0.5) == 0.0;
    w.unclipped = before ? w.rounded + double(w.zeroPoint) : w.rounded;
    if (w.unclipped < double(w.qmin))
        w.clip = ClipSide::BelowQmin;
    else if (w.unclipped > double(w.qmax))
        w.clip = ClipSide::AboveQmax;
    const int64_t code = w.clip == ClipSide::BelowQmin   ? w.qmin
                         : w.clip == ClipSide::AboveQmax ? w.qmax
                                                         : int64_t(w.unclipped);
    if (code != w.code)
        throw Error("worked example: recomputed code " + std::to_string(code) +
                    " differs from the result's " + std::to_string(w.code) + " at index " +
                    std::to_string(w.index) + "; was the result made from this tensor?");
}

} // namespace

WorkedExample workedExample(const Tensor& t, const QuantResult& r, int64_t index)
{
    checkInputs(t, r, index);
    WorkedExample w;
    w.index = index;
    w.config = r.config;
    w.x = double(t.data[size_t(index)]);
    w.finite = std::isfinite(w.x);
    w.integerScheme = r.config.isInteger();
    w.code = r.codes[size_t(index)];
    w.xhat = double(r.dequantized[size_t(index)]);
    w.error = w.finite ? w.x - w.xhat : 0.0;
    if (r.config.isLowbit()) {
        explainLowbit(w, t, r);
        return w;
    }
    if (!w.integerScheme) {
        explainHalfFloat(w, t, r);
        return w;
    }
    const QuantParams& p = r.params;
    if (p.layout.numel() != t.numel())
        throwForeignParams(t);
    w.slice = p.layout.sliceOf(index);
    w.qmin = p.qmin;
    w.qmax = p.qmax;
    w.zeroPoint = p.zeroPoint[size_t(w.slice)];
    w.realZeroPoint = p.zeroPointAt(w.slice);
    explainScaling(w, p, r.config, t.data[size_t(index)]);
    if (w.finite) // else code and xhat as the engine stored them (see quantize.h)
        explainRounding(w, r.config);
    return w;
}

namespace {

std::string errorRow(const WorkedExample& w)
{
    return row("error", "<i>x</i> &minus; " + std::string(kXhat), num(w.error));
}

std::string clipRow(const WorkedExample& w)
{
    return row("clip",
               "clamp(" + num(w.unclipped) + ", " + inum(w.qmin) + ", " + inum(w.qmax) +
                   ") = <i>q</i>",
               inum(w.code));
}

void lowbitHtml(std::ostringstream& h, const WorkedExample& w)
{
    h << "<table cellspacing=\"4\">";
    h << row("format", w.config.summary(), "");
    h << row("block", "slice " + inum(w.slice) + ", scale <i>s</i>", num(w.scale));
    h << row("code", "<i>q</i> in [" + inum(w.qmin) + ", " + inum(w.qmax) + "]", inum(w.code));
    h << row("decode", std::string(kXhat) + " = value(<i>q</i>) &times; <i>s</i>", num(w.xhat));
    h << errorRow(w);
    h << "</table><p>Result: <b>" << w.floatCategory << "</b>.</p>";
}

void halfFloatHtml(std::ostringstream& h, const WorkedExample& w)
{
    const char* fmt = w.config.scheme == Scheme::FP16 ? "fp16" : "bf16";
    h << "<table cellspacing=\"4\">";
    h << row("convert", std::string(kXhat) + " = " + fmt + "(<i>x</i>), nearest, ties to even",
             num(w.xhat));
    char bits[16];
    std::snprintf(bits, sizeof bits, "0x%04llX", static_cast<unsigned long long>(w.code));
    h << row("bits", "16-bit pattern", bits);
    h << errorRow(w);
    h << "</table><p>Result: <b>" << w.floatCategory << "</b>.</p>";
}

void nonFiniteHtml(std::ostringstream& h, const WorkedExample& w)
{
    h << "<p>Non-finite values take no part in the range or the metrics. ";
    if (std::isnan(w.x))
        h << "NaN gets the code nearest to zero";
    else
        h << (w.x > 0 ? "+&infin; gets <i>q</i><sub>max</sub>"
                      : "&minus;&infin; gets <i>q</i><sub>min</sub>");
    h << " (<i>q</i> = " << inum(w.code) << ") and dequantizes to " << num(w.xhat) << ".</p>";
}

// TensorRT's reciprocal scale s' (z = 0).
void reciprocalHtml(std::ostringstream& h, const WorkedExample& w)
{
    const std::string sp = num(w.reciprocal);
    h << "<table cellspacing=\"4\">";
    h << row("parameters", "<i>s'</i> = max_bound / amax (float32)", sp);
    h << row("scale", "<i>x</i> &times; <i>s'</i> = " + par(num(w.x)) + " &times; " + sp,
             num(w.xOverS));
    h << row("round", "round(" + num(w.valueToRound) + ")", num(w.rounded));
    h << clipRow(w);
    h << row("dequantize",
             std::string(kXhat) + " = <i>q</i> / <i>s'</i> = " + inum(w.code) + " / " +
                 (w.reciprocal > 0 ? sp : std::string("1 (s' = 0: amax &le; 2<sup>-24</sup>)")),
             num(w.xhat));
    h << errorRow(w);
    h << "</table>";
    h << "<p>Rounding rule: <b>" << ruleText(w.config.rounding) << "</b>.</p>";
}

// Scale, shift and round (in the config's order), clip, dequantize.
void affineStepsHtml(std::ostringstream& h, const WorkedExample& w)
{
    const bool before = w.config.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const bool mul = w.config.multiplyByInverse;
    const std::string x = num(w.x), s = num(w.scale),
                      z = w.realZeroPoint == double(w.zeroPoint) ? inum(w.zeroPoint)
                                                                 : num(w.realZeroPoint);
    const std::string prec = w.config.float32Params ? " (float32)" : "";
    h << "<table cellspacing=\"4\">";
    h << row("parameters", "<i>s</i>, <i>z</i>" + prec, s + ", " + z);
    h << row("scale",
             mul ? "<i>x</i> &times; (1/<i>s</i>) = " + par(x) + " &times; (1/" + s + ")"
                 : "<i>x</i> / <i>s</i> = " + par(x) + " / " + s,
             num(w.xOverS));
    const std::string rounding = "round(" + num(w.valueToRound) + ")";
    if (!before) {
        h << row("shift", "<i>x</i>/<i>s</i> + <i>z</i> = " + par(num(w.xOverS)) + " + " + par(z),
                 num(w.valueToRound));
        h << row("round", rounding, num(w.rounded));
    } else {
        h << row("round", rounding, num(w.rounded));
        h << row("shift",
                 "round(<i>x</i>/<i>s</i>) + <i>z</i> = " + par(num(w.rounded)) + " + " + par(z),
                 num(w.unclipped));
    }
    h << clipRow(w);
    h << row("dequantize",
             std::string(kXhat) + " = <i>s</i> (<i>q</i> &minus; <i>z</i>) = " + s + " &times; (" +
                 inum(w.code) + " &minus; " + par(z) + ")",
             num(w.xhat));
    h << errorRow(w);
    h << "</table>";
}

// The rounding rule, which way the value went and whether it was clipped.
void roundingNoteHtml(std::ostringstream& h, const WorkedExample& w)
{
    h << "<p>Rounding rule: <b>" << ruleText(w.config.rounding) << "</b>. ";
    if (w.config.rounding == Rounding::Stochastic) {
        h << "The draw <i>u</i> = " << num(w.stochasticU) << " was "
          << (w.roundedUp ? "below" : "not below") << " the fraction "
          << num(w.valueToRound - std::floor(w.valueToRound)) << ", so the value went "
          << (w.roundedUp ? "up" : "down") << ". ";
    } else if (w.rounded == w.valueToRound) {
        h << "The value was already an integer. ";
    } else if (w.tie) {
        h << "<b>A tie</b>: " << num(w.valueToRound) << " lies exactly halfway; it went "
          << (w.roundedUp ? "up" : "down") << " to " << num(w.rounded) << ". ";
    } else {
        h << "Not a tie; it went " << (w.roundedUp ? "up" : "down") << " to " << num(w.rounded)
          << ". ";
    }
    if (w.clip == ClipSide::BelowQmin)
        h << "The code fell <b>below <i>q</i><sub>min</sub></b> = " << inum(w.qmin)
          << " and was clipped: this value lies outside the clipping range.";
    else if (w.clip == ClipSide::AboveQmax)
        h << "The code rose <b>above <i>q</i><sub>max</sub></b> = " << inum(w.qmax)
          << " and was clipped: this value lies outside the clipping range.";
    else
        h << "No clipping: the code lies inside [" << inum(w.qmin) << ", " << inum(w.qmax) << "].";
    h << "</p>";
}

} // namespace

std::string workedExampleHtml(const WorkedExample& w)
{
    std::ostringstream h;
    h << "<p><b>Element " << w.index << "</b>";
    if (w.integerScheme && w.slice > 0)
        h << " (slice " << w.slice << ")";
    h << ": <i>x</i> = " << num(w.x) << "</p>";
    if (w.config.isLowbit()) {
        lowbitHtml(h, w);
    } else if (!w.integerScheme) {
        halfFloatHtml(h, w);
    } else if (!w.finite) {
        nonFiniteHtml(h, w);
    } else if (w.reciprocal >= 0) {
        reciprocalHtml(h, w);
    } else {
        affineStepsHtml(h, w);
        roundingNoteHtml(h, w);
    }
    return h.str();
}

} // namespace qs
