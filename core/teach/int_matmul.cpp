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

namespace {

void checkOperands(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out)
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
}

// Shapes, output code range and the zero-point correction terms that do not depend on the
// entry (row sums of A, column sums of B, K zA zB); every per-entry vector sized m x n.
IntMatmulResult prepareResult(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out)
{
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
    r.rowSumsA.assign(size_t(m), 0);
    r.colSumsB.assign(size_t(n), 0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t)
            r.rowSumsA[size_t(i)] += a.codes[size_t(i * k + t)];
    for (int64_t j = 0; j < n; ++j)
        for (int64_t t = 0; t < k; ++t)
            r.colSumsB[size_t(j)] += b.codes[size_t(t * n + j)];
    r.termConstant = k * a.zeroPoint * b.zeroPoint;

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
    return r;
}

// The sums along the inner dimension of one entry (i, j).
struct DotSums {
    int64_t sumProducts = 0; // sum qa qb, exact
    int64_t acc16 = 0;       // the same in an int16 accumulator that wraps
    int wraps = 0;
    double real = 0; // sum of the real (or dequantized) products
};

DotSums dotSums(const QuantMatrix& a, const QuantMatrix& b, int64_t i, int64_t j)
{
    const int64_t k = a.cols, n = b.cols;
    DotSums d;
    for (int64_t t = 0; t < k; ++t) {
        const int64_t qa = a.codes[size_t(i * k + t)], qb = b.codes[size_t(t * n + j)];
        const int64_t p = qa * qb;
        d.sumProducts += p;
        // int16 accumulator: add, then wrap into [-32768, 32767] (two's complement).
        d.acc16 += p;
        while (d.acc16 > 32767) {
            d.acc16 -= 65536;
            ++d.wraps;
        }
        while (d.acc16 < -32768) {
            d.acc16 += 65536;
            ++d.wraps;
        }
        const double ra =
            a.values.empty() ? a.scale * double(qa - a.zeroPoint) : a.values[size_t(i * k + t)];
        const double rb =
            b.values.empty() ? b.scale * double(qb - b.zeroPoint) : b.values[size_t(t * n + j)];
        d.real += ra * rb;
    }
    return d;
}

// Entry o's int32 accumulator from the four terms, the int16 comparison and the reference
// products.
void accumulate(IntMatmulResult& r, const QuantMatrix& a, const QuantMatrix& b, int64_t i,
                int64_t j, const DotSums& d)
{
    const size_t o = size_t(i * r.n + j);
    const int64_t sp = d.sumProducts;
    r.sumProducts[o] = sp;
    r.termZeroB[o] = -b.zeroPoint * r.rowSumsA[size_t(i)];
    r.termZeroA[o] = -a.zeroPoint * r.colSumsB[size_t(j)];
    const int64_t acc = sp + r.termZeroB[o] + r.termZeroA[o] + r.termConstant;
    if (!fitsInt32(sp) || !fitsInt32(r.termZeroA[o]) || !fitsInt32(r.termZeroB[o]) ||
        !fitsInt32(acc))
        r.int32Overflow = true;
    r.acc32[o] = int32_t(std::clamp<int64_t>(acc, kInt32Min, kInt32Max));
    r.realProduct[o] = d.real;
    r.dequantProduct[o] = a.scale * b.scale * double(acc);
    r.acc16[o] = int16_t(d.acc16);
    r.wraps16[o] = d.wraps;
    if (d.acc16 != sp)
        r.overflowed16.push_back(int64_t(o));
}

// Entry o's output code: fixed-point requantization of the clamped int32 accumulator, beside
// the same in double (from the unclamped sum).
void requantize(IntMatmulResult& r, const OutputQuant& out, size_t o)
{
    const int64_t acc = r.sumProducts[o] + r.termZeroB[o] + r.termZeroA[o] + r.termConstant;
    const int64_t q = out.zeroPoint + multiplyByQuantizedMultiplier(r.acc32[o], r.fixedPoint);
    const int64_t qc = std::clamp<int64_t>(q, r.outQmin, r.outQmax);
    r.outClipped += qc != q;
    r.outCodes[o] = int32_t(qc);
    const double v = r.multiplier * double(acc);
    const double rv = std::round(v); // ties away from zero, as the fixed-point path
    r.outCodesFloat[o] = int32_t(
        std::clamp<double>(double(out.zeroPoint) + rv, double(r.outQmin), double(r.outQmax)));
    r.outDequant[o] = out.scale * double(qc - out.zeroPoint);
}

} // namespace

IntMatmulResult integerMatmul(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out)
{
    checkOperands(a, b, out);
    IntMatmulResult r = prepareResult(a, b, out);
    for (int64_t i = 0; i < r.m; ++i) {
        for (int64_t j = 0; j < r.n; ++j) {
            accumulate(r, a, b, i, j, dotSums(a, b, i, j));
            requantize(r, out, size_t(i * r.n + j));
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
