#include "core/analysis/sweep.h"

#include <cmath>
#include <limits>

namespace qs {

Tensor strideSubsample(const Tensor& t, int64_t maxElements)
{
    const int64_t n = t.numel();
    if (maxElements <= 0 || n <= maxElements)
        return t;
    const int64_t k = (n + maxElements - 1) / maxElements;
    std::vector<float> v;
    v.reserve(size_t((n + k - 1) / k));
    for (int64_t i = 0; i < n; i += k)
        v.push_back(t.data[size_t(i)]);
    const int64_t m = int64_t(v.size());
    Tensor s(t.name + " (every " + std::to_string(k) + ")", {m}, std::move(v));
    s.dtype = t.dtype;
    return s;
}

Sweep bitWidthSweep(const Tensor& t, const QuantConfig& base, const SweepOptions& o,
                    const CancelToken* cancel)
{
    if (t.empty())
        throw Error("bit-width sweep: tensor '" + t.name + "' is empty");
    if (!base.isInteger())
        throw Error("bit-width sweep needs an integer scheme (asymmetric or symmetric); " +
                    toName(base.scheme) + " has a fixed format");
    if (o.minBits < 1 || o.maxBits > 16 || o.minBits > o.maxBits)
        throw Error("bit-width sweep: bits must satisfy 1 <= min <= max <= 16 (got " +
                    std::to_string(o.minBits) + ".." + std::to_string(o.maxBits) + ")");
    if (o.methods.empty())
        throw Error("bit-width sweep: no range method selected");

    Sweep s;
    const bool perTensor = base.granularity == Granularity::PerTensor;
    const Tensor sample = perTensor ? strideSubsample(t, o.maxElements) : Tensor();
    const Tensor& x = perTensor ? sample : t;
    s.elementsUsed = x.numel();
    s.subsampled = x.numel() != t.numel();
    for (int b = o.minBits; b <= o.maxBits; ++b)
        s.bits.push_back(b);

    QuantResult r;
    for (RangeMethod m : o.methods) {
        SweepSeries ser;
        ser.method = m;
        for (int b : s.bits) {
            throwIfCancelled(cancel);
            QuantConfig c = base;
            c.bits = b;
            c.range = m;
            SweepPoint p;
            p.bits = b;
            try {
                quantizeInto(x, c, r, cancel);
                p.mse = r.metrics.mse;
                p.sqnrDb = r.metrics.sqnrDb;
                p.clipped = r.metrics.clippedLow + r.metrics.clippedHigh;
            } catch (const Error& e) {
                p.valid = false;
                p.reason = e.what();
            }
            ser.points.push_back(p);
        }
        s.series.push_back(std::move(ser));
    }

    for (Scheme f : {Scheme::FP16, Scheme::BF16}) {
        throwIfCancelled(cancel);
        QuantConfig c;
        c.scheme = f;
        quantizeInto(x, c, r, cancel);
        (f == Scheme::FP16 ? s.fp16SqnrDb : s.bf16SqnrDb) = r.metrics.sqnrDb;
    }

    // Anchor: the first series' valid, finite point nearest to 8 bits (ties: the lower width).
    const SweepSeries& first = s.series.front();
    int bestDist = std::numeric_limits<int>::max();
    for (const SweepPoint& p : first.points) {
        if (!p.valid || !std::isfinite(p.sqnrDb))
            continue;
        const int d = std::abs(p.bits - 8);
        if (d < bestDist) {
            bestDist = d;
            s.anchorBits = p.bits;
            s.anchorDb = p.sqnrDb;
        }
    }
    for (int b : s.bits)
        s.referenceDb.push_back(s.anchorBits > 0 ? s.anchorDb + kDbPerBit * (b - s.anchorBits)
                                                 : std::numeric_limits<double>::quiet_NaN());
    return s;
}

} // namespace qs
