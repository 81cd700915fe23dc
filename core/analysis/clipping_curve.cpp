#include "core/analysis/clipping_curve.h"

#include "core/analysis/sweep.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace qs {
namespace {

QuantConfig perTensorMinMax(const QuantConfig& config)
{
    QuantConfig c = config;
    c.range = RangeMethod::MinMax;
    c.granularity = Granularity::PerTensor;
    c.axis = 0;
    return c;
}

std::string methodLabel(const QuantConfig& c)
{
    switch (c.range) {
    case RangeMethod::MinMax:
        return "min-max";
    case RangeMethod::Percentile: {
        std::ostringstream os;
        os << "percentile " << c.percentile;
        return os.str();
    }
    case RangeMethod::MSE:
        return "MSE-optimal";
    case RangeMethod::Entropy:
        return "entropy";
    case RangeMethod::TrtPercentile:
    case RangeMethod::TrtMse:
    case RangeMethod::OrtPercentile:
    case RangeMethod::OrtEntropy:
    case RangeMethod::Hqq:
    case RangeMethod::GridSearch:
        return toName(c.range);
    }
    return "";
}

} // namespace

ClippingPoint clippingPointFor(const Tensor& x, const QuantConfig& config, double lo, double hi,
                               const CancelToken* cancel)
{
    const QuantConfig c = perTensorMinMax(config);
    // The engine's parameters for the range [lo, hi]: quantize its two ends with min-max.
    const Tensor ends("range", {2}, {float(lo), float(hi)});
    QuantParams p = quantize(ends, c).params;
    p.layout = makeSliceLayout(x.shape, Granularity::PerTensor, 0, 1);
    const QuantResult r = quantizeWithParams(x, p, c, cancel);
    ClippingPoint pt;
    pt.lo = p.rangeMin[0];
    pt.hi = p.rangeMax[0];
    // A value is clipped when its rounded code fell outside [qmin, qmax] (the engine's rule;
    // recomputed in double, stochastic rounding taken as nearest for this split).
    const double s = p.scale[0], z = double(p.zeroPoint[0]);
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const Rounding rule = c.rounding == Rounding::Stochastic ? Rounding::HalfEven : c.rounding;
    const double qmin = double(p.qmin), qmax = double(p.qmax);
    double rounding = 0, clipping = 0;
    int64_t count = 0;
    for (int64_t i = 0; i < x.numel(); ++i) {
        const double v = double(x.data[size_t(i)]);
        if (!std::isfinite(v))
            continue;
        const double e = v - double(r.dequantized[size_t(i)]);
        const double q = before ? roundBy(rule, v / s) + z : roundBy(rule, v / s + z);
        ++count;
        if (q < qmin || q > qmax)
            clipping += e * e;
        else
            rounding += e * e;
    }
    if (count > 0) {
        pt.roundingMse = rounding / double(count);
        pt.clippingMse = clipping / double(count);
    }
    pt.clipped = r.metrics.clippedLow + r.metrics.clippedHigh;
    pt.mse = r.metrics.mse;
    return pt;
}

ClippingCurve clippingCurve(const Tensor& t, const QuantConfig& config, const ClippingOptions& o,
                            const CancelToken* cancel)
{
    if (t.empty())
        throw Error("clipping curve: tensor '" + t.name + "' is empty");
    if (!config.isInteger())
        throw Error("clipping curve needs an integer scheme; " + toName(config.scheme) +
                    " has no clipping range to choose");
    if (o.points < 10 || o.points > 1000)
        throw Error("clipping curve: the number of points must be in 10..1000 (got " +
                    std::to_string(o.points) + ")");
    config.validate();
    const Range mm = minMaxRange(t.data.data(), t.numel()); // throws if no finite value

    ClippingCurve cc;
    cc.symmetric = config.scheme == Scheme::Symmetric;
    cc.dataMin = mm.lo;
    cc.dataMax = mm.hi;
    cc.absMax = std::max(std::fabs(mm.lo), std::fabs(mm.hi));
    const Tensor sample = strideSubsample(t, o.maxElements);
    cc.elementsUsed = sample.numel();
    cc.subsampled = sample.numel() != t.numel();
    cc.median = percentile(sample.data.data(), sample.numel(), 50.0);
    const double m = std::clamp(cc.median, mm.lo, mm.hi);

    for (int i = 1; i <= o.points; ++i) {
        throwIfCancelled(cancel);
        const double f = double(i) / double(o.points);
        ClippingPoint p;
        if (cc.symmetric) {
            const double a = cc.absMax * f;
            p = clippingPointFor(sample, config, -a, a, cancel);
            p.position = a;
        } else {
            p = clippingPointFor(sample, config, m - f * (m - mm.lo), m + f * (mm.hi - m), cancel);
            p.position = f;
        }
        cc.points.push_back(p);
    }

    for (RangeMethod method :
         {RangeMethod::MinMax, RangeMethod::Percentile, RangeMethod::MSE, RangeMethod::Entropy}) {
        throwIfCancelled(cancel);
        QuantConfig c = config;
        c.range = method;
        const Range r = estimateRange(t.data.data(), t.numel(), c);
        ClippingMarker mk;
        mk.method = method;
        mk.label = methodLabel(c);
        mk.point = clippingPointFor(sample, config, r.lo, r.hi, cancel);
        if (cc.symmetric)
            mk.point.position = std::max(std::fabs(r.lo), std::fabs(r.hi));
        else
            mk.point.position = mm.hi > mm.lo ? (r.hi - r.lo) / (mm.hi - mm.lo) : 1.0;
        cc.markers.push_back(mk);
    }
    return cc;
}

} // namespace qs
