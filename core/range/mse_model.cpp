// MSE-optimal clipping, the error model (mse_model.h): candidate grids, the binned model and
// the exact error sums on the data.
#include "core/range/mse_model.h"

#include "core/range/range_pass.h"

#include <cmath>

namespace qs::range_pass {
namespace {

constexpr double kMaxZeroPoint = 2147483647.0;

enum class CellRule { Nearest, Floor, Truncate, Stochastic };

CellRule cellRule(Rounding r)
{
    return r == Rounding::Floor        ? CellRule::Floor
           : r == Rounding::Truncate   ? CellRule::Truncate
           : r == Rounding::Stochastic ? CellRule::Stochastic
                                       : CellRule::Nearest;
}

// Sum of squared errors over x[b, e) for the default arithmetic (half-to-even rounding of
// x / s (+ z) in double). The quotient is computed as x * (1 / s) and recomputed by division
// only when it lies within rounding distance of a half-integer, the one place where the two
// can round differently; so the codes, and the sum, are those of the division.
template <bool Before> double halfEvenErrors(const float* x, int64_t b, int64_t e, const Grid& g)
{
    const double s = g.s, inv = 1.0 / g.s, z = g.z;
    const double lo1 = Before ? g.qmin - z - 1 : g.qmin - 1;
    const double hi1 = Before ? g.qmax - z + 1 : g.qmax + 1;
    const double slack = 1e-15 * (std::fabs(hi1) + std::fabs(lo1) + std::fabs(z) + 1.0);
    auto sq = [&](int64_t i) {
        const float xv = x[i];
        const double xd = xv;
        double v = xd * inv;
        if (!Before)
            v += z;
        v = v > lo1 ? v : lo1; // also maps NaN to lo1
        v = v < hi1 ? v : hi1;
        double r = (v + 0x1.8p52) - 0x1.8p52;
        if (std::fabs(std::fabs(v - r) - 0.5) <= slack) { // near a tie: use the division
            v = xd / s;
            if (!Before)
                v += z;
            v = v > lo1 ? v : lo1;
            v = v < hi1 ? v : hi1;
            r = (v + 0x1.8p52) - 0x1.8p52;
        }
        if (Before)
            r += z;
        r = r < g.qmin ? g.qmin : (r > g.qmax ? g.qmax : r);
        const double err = xd - double(float(s * (r - z)));
        return finiteF(xv) ? err * err : 0.0;
    };
    // Four independent sums (element i goes to sum (i - b) % 4): no serial dependency chain,
    // and a fixed order.
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int64_t i = b;
    for (; i + 4 <= e; i += 4) {
        a0 += sq(i);
        a1 += sq(i + 1);
        a2 += sq(i + 2);
        a3 += sq(i + 3);
    }
    for (; i < e; ++i)
        a0 += sq(i);
    return (a0 + a1) + (a2 + a3);
}

} // namespace

Grid gridFor(double lo, double hi, const QuantConfig& c)
{
    Grid g;
    const int64_t qmin = c.paramQmin(), qmax = c.paramQmax();
    g.qmin = double(qmin);
    g.qmax = double(qmax);
    double s = 1;
    int64_t z = 0;
    if (c.scheme == Scheme::Symmetric) {
        const double amax = std::max(std::fabs(lo), std::fabs(hi));
        z = c.symmetricZeroPoint();
        if (amax > 0) {
            const double denom = c.symmetricScale == SymmetricScale::MaxCode
                                     ? double((int64_t(1) << (c.bits - 1)) - 1)
                                     : double(qmax - qmin) / 2.0;
            s = c.float32Params ? double(float(amax) / float(denom)) : amax / denom;
        }
    } else {
        if (c.includeZero) {
            lo = std::min(lo, 0.0);
            hi = std::max(hi, 0.0);
        }
        if (hi == lo) {
            s = lo == 0 ? 1.0 : std::fabs(lo);
            z = qmin - (lo > 0 ? 1 : (lo < 0 ? -1 : 0));
        } else {
            double zr;
            if (c.float32Params) {
                const float sf = (float(hi) - float(lo)) / float(qmax - qmin);
                s = sf;
                zr = (sf > 0 && std::isfinite(sf)) ? double(float(lo) / sf) : 0.0;
            } else {
                s = (hi - lo) / double(qmax - qmin);
                zr = lo / s;
            }
            if (!(std::isfinite(s) && s > 0))
                return g;
            const Rounding rule = c.zeroPointRounding == Rounding::Stochastic ? Rounding::HalfEven
                                                                              : c.zeroPointRounding;
            const double zq = double(qmin) - roundBy(rule, zr);
            if (!(std::fabs(zq) <= kMaxZeroPoint))
                return g;
            z = int64_t(zq);
            if (c.includeZero)
                z = std::clamp(z, qmin, qmax);
        }
    }
    if (!(std::isfinite(s) && s > 0))
        return g;
    g.s = s;
    g.z = double(z);
    g.sf = float(s);
    g.zf = float(z);
    g.invf = 1.0f / g.sf;
    g.inv = c.float32Params ? double(g.invf) : 1.0 / s;
    if (c.float32Params && !(g.sf > 0 && std::isfinite(g.sf) && std::isfinite(g.invf)))
        return g;
    g.valid = true;
    return g;
}

BinModel buildModel(const float* x, int64_t n, double mn, double mx, int bins)
{
    BinModel m;
    m.nb = bins;
    m.centre = 0.5 * (mn + mx);
    m.lo = mn - m.centre;
    m.w = (mx - mn) / m.nb;
    const double inv = m.nb / (mx - mn);
    const int nb = m.nb;
    std::vector<int64_t> counts(size_t(nb), 0);
    const int64_t nblk = (n + kBlock - 1) / kBlock;
#pragma omp parallel if (n >= kParallelMin)
    {
        std::vector<int64_t> local(size_t(nb), 0);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nblk; ++b) {
            const int64_t e = std::min(n, (b + 1) * kBlock);
            for (int64_t i = b * kBlock; i < e; ++i) {
                const float v = x[i];
                if (!finiteF(v))
                    continue;
                int k = int((double(v) - mn) * inv);
                k = k < 0 ? 0 : (k >= nb ? nb - 1 : k);
                ++local[size_t(k)];
            }
        }
#pragma omp critical(qs_range_msehist)
        for (int k = 0; k < nb; ++k)
            counts[size_t(k)] += local[size_t(k)];
    }
    m.c.resize(size_t(nb));
    m.P0.assign(size_t(nb) + 1, 0);
    m.P1.assign(size_t(nb) + 1, 0);
    m.P2.assign(size_t(nb) + 1, 0);
    for (int k = 0; k < nb; ++k) {
        const double cnt = double(counts[size_t(k)]);
        const double e0 = m.lo + k * m.w, e1 = e0 + m.w;
        m.c[size_t(k)] = cnt;
        m.P0[size_t(k) + 1] = m.P0[size_t(k)] + cnt;
        m.P1[size_t(k) + 1] = m.P1[size_t(k)] + cnt * 0.5 * (e0 + e1);
        m.P2[size_t(k) + 1] = m.P2[size_t(k)] + cnt * (e0 * e0 + e0 * e1 + e1 * e1) / 3.0;
    }
    m.total = m.P0[size_t(nb)];
    return m;
}

double modelError(const BinModel& m, const Grid& g, const QuantConfig& c)
{
    const CellRule rule = cellRule(c.rounding);
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const double s = g.s, z = g.z;
    const double zoff = before ? 0.0 : z; // x = (y - zoff) * s for the rounded quantity y
    auto target = [&](double k) { return s * (k - z) - m.centre; };
    const double gl = target(g.qmin), gh = target(g.qmax);
    const int64_t levels = int64_t(g.qmax - g.qmin) + 1;

    double a0, a1, a2, b0, b1, b2;
    if (levels > kMaxCells) {
        double perCell = 1.0 / 12.0;
        if (rule == CellRule::Floor || rule == CellRule::Truncate)
            perCell = 1.0 / 3.0;
        else if (rule == CellRule::Stochastic)
            perCell = 1.0 / 6.0;
        m.at(gl, a0, a1, a2);
        m.at(gh, b0, b1, b2);
        const double low = a2 - 2 * gl * a1 + gl * gl * a0;
        const double t0 = m.total, t1 = m.P1[size_t(m.nb)], t2 = m.P2[size_t(m.nb)];
        const double high = (t2 - b2) - 2 * gh * (t1 - b1) + gh * gh * (t0 - b0);
        return std::max(0.0, low) + std::max(0.0, high) + (b0 - a0) * s * s * perCell;
    }

    double err = 0;
    if (rule == CellRule::Stochastic) {
        // Below the lowest grid point: clipped; between grid points g_k, g_k+1 the expected
        // squared error of stochastic rounding is (v - g_k)(g_k+1 - v).
        m.at(gl, a0, a1, a2);
        err += a2 - 2 * gl * a1 + gl * gl * a0;
        double prev = gl;
        for (int64_t k = 1; k < levels; ++k) {
            const double next = target(g.qmin + double(k));
            m.at(next, b0, b1, b2);
            err += -(b2 - a2) + (prev + next) * (b1 - a1) - prev * next * (b0 - a0);
            prev = next;
            a0 = b0;
            a1 = b1;
            a2 = b2;
        }
        const double t0 = m.total, t1 = m.P1[size_t(m.nb)], t2 = m.P2[size_t(m.nb)];
        err += (t2 - a2) - 2 * gh * (t1 - a1) + gh * gh * (t0 - a0);
        return err;
    }
    // Cells: code k takes the y-interval ending at its upper boundary; the first cell starts at
    // -inf and the last ends at +inf (clipping).
    a0 = a1 = a2 = 0;
    for (int64_t k = 0; k < levels; ++k) {
        const double code = g.qmin + double(k);
        const double gk = target(code);
        if (k + 1 == levels) {
            b0 = m.total;
            b1 = m.P1[size_t(m.nb)];
            b2 = m.P2[size_t(m.nb)];
        } else {
            const double cy = before ? code - z : code; // the rounded quantity of this code
            double ub;
            switch (rule) {
            case CellRule::Floor:
                ub = cy + 1;
                break;
            case CellRule::Truncate:
                ub = cy >= 0 ? cy + 1 : cy;
                break;
            default:
                ub = cy + 0.5;
                break;
            }
            m.at((ub - zoff) * s - m.centre, b0, b1, b2);
        }
        err += (b2 - a2) - 2 * gk * (b1 - a1) + gk * gk * (b0 - a0);
        a0 = b0;
        a1 = b1;
        a2 = b2;
    }
    return err;
}

double blockErrors(const float* x, int64_t b, int64_t e, const Grid& g, const QuantConfig& c)
{
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const bool f32 = c.float32Params, mul = c.multiplyByInverse;
    const Rounding rule = c.rounding;
    if (rule == Rounding::HalfEven && !f32 && !mul)
        return before ? halfEvenErrors<true>(x, b, e, g) : halfEvenErrors<false>(x, b, e, g);
    auto deq = [&](double r) -> double {
        if (f32)
            return double(g.sf * (float(r) - g.zf));
        return double(float(g.s * (r - g.z)));
    };
    const double lo1 = before ? g.qmin - g.z - 1 : g.qmin - 1;
    const double hi1 = before ? g.qmax - g.z + 1 : g.qmax + 1;
    const double off = before ? g.z : 0.0;
    double sum = 0;
    for (int64_t i = b; i < e; ++i) {
        const float xv = x[i];
        if (!finiteF(xv))
            continue;
        double v;
        if (f32) {
            float t = mul ? xv * g.invf : xv / g.sf;
            if (!before)
                t += g.zf;
            v = t;
        } else {
            v = mul ? double(xv) * g.inv : double(xv) / g.s;
            if (!before)
                v += g.z;
        }
        v = v > lo1 ? v : lo1;
        v = v < hi1 ? v : hi1;
        if (rule == Rounding::Stochastic) {
            const double f = std::floor(v);
            const double frac = v - f;
            const double r0 = std::clamp(f + off, g.qmin, g.qmax);
            const double r1 = std::clamp(f + 1 + off, g.qmin, g.qmax);
            const double e0 = double(xv) - deq(r0), e1 = double(xv) - deq(r1);
            sum += (1 - frac) * e0 * e0 + frac * e1 * e1;
            continue;
        }
        double r;
        if (rule == Rounding::HalfEven)
            r = (v + 0x1.8p52) - 0x1.8p52; // |v| < 2^51: round half to even
        else
            r = roundBy(rule, v);
        r = std::clamp(r + off, g.qmin, g.qmax);
        const double err = double(xv) - deq(r);
        sum += err * err;
    }
    return sum;
}

// Exact sums of squared errors of several grids on the data (stochastic rounding: the expected
// squared error). Deterministic: fixed blocks summed in order.
std::vector<double> exactErrors(const float* x, int64_t n, const std::vector<Grid>& grids,
                                const QuantConfig& c)
{
    const size_t k = grids.size();
    const int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<double> partial(size_t(nb) * k, 0.0);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
    for (int64_t b = 0; b < nb; ++b) {
        const int64_t e = std::min(n, (b + 1) * kBlock);
        for (size_t j = 0; j < k; ++j)
            partial[size_t(b) * k + j] = blockErrors(x, b * kBlock, e, grids[j], c);
    }
    std::vector<double> out(k, 0.0);
    for (int64_t b = 0; b < nb; ++b)
        for (size_t j = 0; j < k; ++j)
            out[j] += partial[size_t(b) * k + j];
    return out;
}

} // namespace qs::range_pass
