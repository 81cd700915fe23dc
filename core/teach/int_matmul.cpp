#include "core/teach/int_matmul.h"

#include "core/data/generators.h"
#include "core/quant/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs {
namespace {

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

bool fitsInt32(int64_t v)
{
    return v >= kInt32Min && v <= kInt32Max;
}

void checkMatrix(const QuantMatrix& q, const char* name)
{
    const std::string n(name);
    if (q.rows < 1 || q.cols < 1)
        throw Error("matrix " + n + " must have at least one row and one column (got " +
                    std::to_string(q.rows) + "x" + std::to_string(q.cols) + ")");
    if (int64_t(q.codes.size()) != q.rows * q.cols)
        throw Error("matrix " + n + " is " + std::to_string(q.rows) + "x" + std::to_string(q.cols) +
                    " but holds " + std::to_string(q.codes.size()) + " codes");
    if (!q.values.empty() && int64_t(q.values.size()) != q.rows * q.cols)
        throw Error("matrix " + n + " holds " + std::to_string(q.values.size()) +
                    " real values for " + std::to_string(q.rows * q.cols) + " codes");
    if (!(std::isfinite(q.scale) && q.scale > 0))
        throw Error("matrix " + n + ": scale must be finite and positive");
    if (q.qmin > q.qmax || q.qmin < -32768 || q.qmax > 65535)
        throw Error("matrix " + n + ": code range [" + std::to_string(q.qmin) + ", " +
                    std::to_string(q.qmax) + "] is not a range of at most 16-bit codes");
    if (q.zeroPoint < -65536 || q.zeroPoint > 65536)
        throw Error("matrix " + n + ": zero point " + std::to_string(q.zeroPoint) +
                    " is out of range");
    for (size_t i = 0; i < q.codes.size(); ++i)
        if (q.codes[i] < q.qmin || q.codes[i] > q.qmax)
            throw Error("matrix " + n + ": code " + std::to_string(q.codes[i]) + " at index " +
                        std::to_string(i) + " lies outside [" + std::to_string(q.qmin) + ", " +
                        std::to_string(q.qmax) + "]");
}

} // namespace

double FixedPointMultiplier::value() const
{
    return std::ldexp(double(m0), leftShift - rightShift - 31);
}

FixedPointMultiplier quantizeMultiplier(double m)
{
    FixedPointMultiplier r;
    if (!std::isfinite(m) || m < 0)
        throw Error("requantization multiplier must be finite and non-negative (got " +
                    std::to_string(m) + ")");
    if (m == 0)
        return r;
    int e = 0;
    const double f = std::frexp(m, &e); // m = f * 2^e, f in [0.5, 1)
    int64_t q = std::llround(f * 2147483648.0);
    if (q == (int64_t(1) << 31)) {
        q /= 2;
        ++e;
    }
    if (e > 31 || e < -31)
        throw Error("requantization multiplier " + std::to_string(m) +
                    " is outside the fixed-point range (2^-31, 2^31)");
    r.m0 = int32_t(q);
    r.leftShift = e > 0 ? e : 0;
    r.rightShift = e > 0 ? 0 : -e;
    return r;
}

int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b)
{
    if (a == b && a == std::numeric_limits<int32_t>::min())
        return std::numeric_limits<int32_t>::max();
    const int64_t ab = int64_t(a) * int64_t(b);
    const int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : (1 - (int64_t(1) << 30));
    // Division truncates toward zero, as in gemmlowp.
    return int32_t((ab + nudge) / (int64_t(1) << 31));
}

int32_t roundingDivideByPOT(int32_t x, int exponent)
{
    if (exponent < 0 || exponent > 31)
        throw Error("roundingDivideByPOT: exponent must be in [0, 31]");
    const int64_t mask = (int64_t(1) << exponent) - 1;
    const int64_t remainder = int64_t(x) & mask;
    const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    // Arithmetic shift of a negative value: floor division, defined in int64 here.
    const int64_t shifted = int64_t(x) >> exponent;
    return int32_t(shifted + (remainder > threshold ? 1 : 0));
}

int32_t multiplyByQuantizedMultiplier(int32_t acc, const FixedPointMultiplier& m)
{
    int64_t x = int64_t(acc) * (int64_t(1) << m.leftShift);
    x = std::clamp<int64_t>(x, kInt32Min, kInt32Max);
    return roundingDivideByPOT(saturatingRoundingDoublingHighMul(int32_t(x), m.m0), m.rightShift);
}

IntMatmulResult integerMatmul(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out)
{
    checkMatrix(a, "A");
    checkMatrix(b, "B");
    if (a.cols != b.rows)
        throw Error("cannot multiply A (" + std::to_string(a.rows) + "x" + std::to_string(a.cols) +
                    ") by B (" + std::to_string(b.rows) + "x" + std::to_string(b.cols) +
                    "): inner dimensions differ");
    if (a.cols > 65535)
        throw Error("inner dimension " + std::to_string(a.cols) + " is too large (max 65535)");
    if (!(std::isfinite(out.scale) && out.scale > 0))
        throw Error("output scale must be finite and positive");
    IntMatmulResult r;
    r.m = a.rows;
    r.k = a.cols;
    r.n = b.cols;
    r.outQmin = out.signedCodes ? -128 : 0;
    r.outQmax = out.signedCodes ? 127 : 255;
    if (out.zeroPoint < r.outQmin || out.zeroPoint > r.outQmax)
        throw Error("output zero point " + std::to_string(out.zeroPoint) + " lies outside [" +
                    std::to_string(r.outQmin) + ", " + std::to_string(r.outQmax) + "]");
    const int64_t m = r.m, k = r.k, n = r.n;
    const int64_t za = a.zeroPoint, zb = b.zeroPoint;

    r.rowSumsA.assign(size_t(m), 0);
    r.colSumsB.assign(size_t(n), 0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t)
            r.rowSumsA[size_t(i)] += a.codes[size_t(i * k + t)];
    for (int64_t j = 0; j < n; ++j)
        for (int64_t t = 0; t < k; ++t)
            r.colSumsB[size_t(j)] += b.codes[size_t(t * n + j)];
    r.termConstant = k * za * zb;

    const size_t mn = size_t(m * n);
    r.sumProducts.assign(mn, 0);
    r.termZeroB.assign(mn, 0);
    r.termZeroA.assign(mn, 0);
    r.acc32.assign(mn, 0);
    r.realProduct.assign(mn, 0.0);
    r.dequantProduct.assign(mn, 0.0);
    r.acc16.assign(mn, 0);
    r.wraps16.assign(mn, 0);
    r.outCodes.assign(mn, 0);
    r.outCodesFloat.assign(mn, 0);
    r.outDequant.assign(mn, 0.0);

    r.multiplier = a.scale * b.scale / out.scale;
    r.fixedPoint = quantizeMultiplier(r.multiplier);
    r.int32Overflow = !fitsInt32(r.termConstant);

    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            const size_t o = size_t(i * n + j);
            int64_t sp = 0, acc16 = 0;
            double real = 0;
            int wraps = 0;
            for (int64_t t = 0; t < k; ++t) {
                const int64_t qa = a.codes[size_t(i * k + t)], qb = b.codes[size_t(t * n + j)];
                const int64_t p = qa * qb;
                sp += p;
                // int16 accumulator: add, then wrap into [-32768, 32767] (two's complement).
                acc16 += p;
                while (acc16 > 32767) {
                    acc16 -= 65536;
                    ++wraps;
                }
                while (acc16 < -32768) {
                    acc16 += 65536;
                    ++wraps;
                }
                const double ra =
                    a.values.empty() ? a.scale * double(qa - za) : a.values[size_t(i * k + t)];
                const double rb =
                    b.values.empty() ? b.scale * double(qb - zb) : b.values[size_t(t * n + j)];
                real += ra * rb;
            }
            r.sumProducts[o] = sp;
            r.termZeroB[o] = -zb * r.rowSumsA[size_t(i)];
            r.termZeroA[o] = -za * r.colSumsB[size_t(j)];
            const int64_t acc = sp + r.termZeroB[o] + r.termZeroA[o] + r.termConstant;
            if (!fitsInt32(sp) || !fitsInt32(r.termZeroA[o]) || !fitsInt32(r.termZeroB[o]) ||
                !fitsInt32(acc))
                r.int32Overflow = true;
            r.acc32[o] = int32_t(std::clamp<int64_t>(acc, kInt32Min, kInt32Max));
            r.realProduct[o] = real;
            r.dequantProduct[o] = a.scale * b.scale * double(acc);
            r.acc16[o] = int16_t(acc16);
            r.wraps16[o] = wraps;
            if (acc16 != sp)
                r.overflowed16.push_back(int64_t(o));

            const int64_t q =
                out.zeroPoint + multiplyByQuantizedMultiplier(r.acc32[o], r.fixedPoint);
            const int64_t qc = std::clamp<int64_t>(q, r.outQmin, r.outQmax);
            r.outClipped += qc != q;
            r.outCodes[o] = int32_t(qc);
            const double v = r.multiplier * double(acc);
            const double rv = std::round(v); // ties away from zero, as the fixed-point path
            r.outCodesFloat[o] = int32_t(std::clamp<double>(double(out.zeroPoint) + rv,
                                                            double(r.outQmin), double(r.outQmax)));
            r.outDequant[o] = out.scale * double(qc - out.zeroPoint);
        }
    }
    return r;
}

IntMatmulDemo intMatmulDemo(const IntMatmulDemoOptions& o)
{
    auto checkSize = [](int64_t v, const char* what) {
        if (v < 1 || v > 256)
            throw Error(std::string("integer matmul demo: ") + what + " must be in 1..256 (got " +
                        std::to_string(v) + ")");
    };
    checkSize(o.m, "rows of A");
    checkSize(o.k, "inner dimension");
    checkSize(o.n, "columns of B");
    if (!(o.aLow < o.aHigh))
        throw Error("integer matmul demo: A's low bound must be below its high bound");
    if (!(o.bStd > 0))
        throw Error("integer matmul demo: B's standard deviation must be positive");

    GeneratorOptions ga;
    ga.distribution = Distribution::Uniform;
    ga.shape = {o.m, o.k};
    ga.seed = o.seed;
    ga.low = o.aLow;
    ga.high = o.aHigh;
    ga.name = "A";
    GeneratorOptions gb;
    gb.distribution = Distribution::Normal;
    gb.shape = {o.k, o.n};
    gb.seed = o.seed + 1;
    gb.std = o.bStd;
    gb.name = "B";
    const Tensor ta = generate(ga), tb = generate(gb);

    QuantConfig ca; // uint8 asymmetric, min-max, includes zero, half-even
    QuantConfig cb;
    cb.scheme = Scheme::Symmetric;
    const QuantResult ra = quantize(ta, ca), rb = quantize(tb, cb);

    IntMatmulDemo d;
    auto fill = [](QuantMatrix& q, const Tensor& t, const QuantResult& r) {
        q.rows = t.shape[0];
        q.cols = t.shape[1];
        q.codes = r.codes.toVector();
        q.scale = r.params.scale[0];
        q.zeroPoint = r.params.zeroPoint[0];
        q.qmin = r.params.qmin;
        q.qmax = r.params.qmax;
        q.values.assign(t.data.begin(), t.data.end());
    };
    fill(d.a, ta, ra);
    fill(d.b, tb, rb);

    // Output parameters from the float product's range, widened to include zero.
    double lo = 0, hi = 0;
    for (int64_t i = 0; i < o.m; ++i)
        for (int64_t j = 0; j < o.n; ++j) {
            double v = 0;
            for (int64_t t = 0; t < o.k; ++t)
                v += d.a.values[size_t(i * o.k + t)] * d.b.values[size_t(t * o.n + j)];
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (hi == lo)
        hi = lo + 1; // all-zero product: any scale works
    d.out.signedCodes = o.outSigned;
    const double qmin = o.outSigned ? -128 : 0;
    d.out.scale = (hi - lo) / 255.0;
    d.out.zeroPoint =
        int64_t(std::clamp(qmin - std::nearbyint(lo / d.out.scale), qmin, qmin + 255.0));
    d.result = integerMatmul(d.a, d.b, d.out);
    return d;
}

IntMatmulDemo referenceMatmulT13()
{
    IntMatmulDemo d;
    d.a.rows = d.a.cols = 2;
    d.a.codes = {12, 8, 10, 14};
    d.a.scale = 0.5;
    d.a.zeroPoint = 10;
    d.a.qmin = 0;
    d.a.qmax = 255;
    d.b.rows = d.b.cols = 2;
    d.b.codes = {4, -8, 2, 6};
    d.b.scale = 0.25;
    d.b.zeroPoint = 0;
    d.b.qmin = -128;
    d.b.qmax = 127;
    d.out.scale = 0.25;
    d.out.zeroPoint = 128;
    d.out.signedCodes = false;
    d.result = integerMatmul(d.a, d.b, d.out);
    return d;
}

} // namespace qs
