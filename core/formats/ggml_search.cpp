// Scale searches of the GGML quantizers (see ggml_search.h).
#include "core/formats/ggml_search.h"

#include <algorithm>
#include <cmath>

namespace qs::ggml_detail {

namespace {

// Weighted error of codes L with scale and min: sum w * |diff| or w * diff^2.
float fitError(int n, const float* x, const float* w, const uint8_t* L, float scale, float min,
               bool useMad)
{
    float err = 0;
    for (int i = 0; i < n; ++i) {
        float diff = scale * L[i] + min - x[i];
        diff = useMad ? std::fabs(diff) : diff * diff;
        err += w[i] * diff;
    }
    return err;
}

// Codes of x for the trial inverse scale iscale and min, and their weighted sums.
struct Trial {
    float sumL = 0, sumL2 = 0, sumXL = 0;
};

Trial trialCodes(int n, int nmax, const float* x, const float* w, float iscale, float min,
                 uint8_t* L)
{
    Trial t;
    for (int i = 0; i < n; ++i) {
        const int l = clampInt(nearestInt(iscale * (x[i] - min)), 0, nmax);
        L[i] = static_cast<uint8_t>(l);
        t.sumL += w[i] * l;
        t.sumL2 += w[i] * l * l;
        t.sumXL += w[i] * l * x[i];
    }
    return t;
}

// Symmetric weighted sums (weights, or x^2 when null) of the codes of iscale * x clamped to
// [-nmax, nmax-1].
void symmetricSums(int n, int nmax, const float* x, const float* weights, float iscale,
                   float& sumlx, float& suml2)
{
    sumlx = suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = clampInt(nearestInt(iscale * x[i]), -nmax, nmax - 1);
        const float w = weights ? weights[i] : x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
}

// Codes of iscale * x clamped to [-nmax, nmax-1], plus offset.
void symmetricCodes(int n, int nmax, const float* x, float iscale, int offset, int8_t* L)
{
    for (int i = 0; i < n; ++i)
        L[i] = static_cast<int8_t>(offset + clampInt(nearestInt(iscale * x[i]), -nmax, nmax - 1));
}

// The first fit of the symmetric searches: the signed largest magnitude max, the codes of
// iscale * x with iscale = -nmax / max (plus offset) and their weighted sums (weights, or x^2
// when null). False, with L zero, for an all-zero group.
bool firstSymmetricFit(int n, int nmax, const float* x, const float* weights, int offset, int8_t* L,
                       float& max, float& sumlx, float& suml2)
{
    float amax;
    max = signedMax(n, x, amax);
    if (amax < kGroupMaxEps) {
        std::memset(L, 0, size_t(n));
        return false;
    }
    const float iscale = -nmax / max;
    symmetricCodes(n, nmax, x, iscale, offset, L);
    symmetricSums(n, nmax, x, weights, iscale, sumlx, suml2);
    return true;
}

} // namespace

// The signed value of largest magnitude (the first on ties) and that magnitude.
float signedMax(int n, const float* x, float& amax)
{
    float max = 0;
    amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    return max;
}

float searchScaleMin(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     float* negMin, float rmin, float rdelta, int nstep, bool useMad)
{
    uint8_t aux[256];
    return searchScaleMin(n, nmax, x, weights, L, aux, negMin, rmin, rdelta, nstep, useMad);
}

float searchScaleMin(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     uint8_t* aux, float* negMin, float rmin, float rdelta, int nstep, bool useMad)
{
    float min = x[0], max = x[0];
    float sumW = weights[0];
    float sumX = sumW * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min)
            min = x[i];
        if (x[i] > max)
            max = x[i];
        sumW += weights[i];
        sumX += weights[i] * x[i];
    }
    if (min > 0)
        min = 0;
    if (max == min) {
        std::memset(L, 0, size_t(n));
        *negMin = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    trialCodes(n, nmax, x, weights, iscale, min, L);
    float bestError = fitError(n, x, weights, L, scale, min, useMad);
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        const Trial t = trialCodes(n, nmax, x, weights, iscale, min, aux);
        const float D = sumW * t.sumL2 - t.sumL * t.sumL;
        if (!(D > 0))
            continue;
        float thisScale = (sumW * t.sumXL - sumX * t.sumL) / D;
        float thisMin = (t.sumL2 * sumX - t.sumL * t.sumXL) / D;
        if (thisMin > 0) {
            thisMin = 0;
            thisScale = t.sumXL / t.sumL2;
        }
        const float err = fitError(n, x, weights, aux, thisScale, thisMin, useMad);
        if (err < bestError) {
            std::memcpy(L, aux, size_t(n));
            bestError = err;
            scale = thisScale;
            min = thisMin;
        }
    }
    *negMin = -min;
    return scale;
}

float searchScaleSymmetric(int n, int nmax, const float* x, int8_t* L, const float* weights)
{
    float max, sumlx, suml2;
    if (!firstSymmetricFit(n, nmax, x, weights, nmax, L, max, sumlx, suml2))
        return 0.f;
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0)
            continue;
        const float iscale = -(nmax + 0.1f * is) / max;
        symmetricSums(n, nmax, x, weights, iscale, sumlx, suml2);
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            symmetricCodes(n, nmax, x, iscale, nmax, L);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

float searchScaleRefine(int n, int nmax, const float* x, int8_t* L)
{
    float max, sumlx, suml2;
    if (!firstSymmetricFit(n, nmax, x, nullptr, 0, L, max, sumlx, suml2))
        return 0.f;
    for (int itry = 0; itry < 5; ++itry) {
        int changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * L[i];
            if (!(slx > 0))
                continue;
            float sl2 = suml2 - w * L[i] * L[i];
            const int l = clampInt(nearestInt(x[i] * sl2 / slx), -nmax, nmax - 1);
            if (l == L[i])
                continue;
            slx += w * x[i] * l;
            sl2 += w * l * l;
            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                L[i] = static_cast<int8_t>(l);
                sumlx = slx;
                suml2 = sl2;
                ++changed;
            }
        }
        if (!changed)
            break;
    }
    for (int i = 0; i < n; ++i)
        L[i] = static_cast<int8_t>(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

namespace {

// Weighted squared error of the codes of iscale_is * x (clamped above to nmax) with the scale
// 1 / iscale_is.
float positiveTrialError(int n, int nmax, const float* x, const float* w, float iscaleIs)
{
    const float scaleIs = 1 / iscaleIs;
    float mse = 0;
    for (int i = 0; i < n; ++i) {
        const int l = std::min(nmax, nearestInt(iscaleIs * x[i]));
        const float diff = x[i] - scaleIs * l;
        mse += w[i] * diff * diff;
    }
    return mse;
}

// The best inverse scale of make_qp_quants: nmax / max or one of 8 trials around it.
float positiveInverseScale(int n, int nmax, const float* x, uint8_t* L, const float* w, float max)
{
    float iscale = nmax / max;
    for (int i = 0; i < n; ++i)
        L[i] = static_cast<uint8_t>(nearestInt(iscale * x[i]));
    const float scale = 1 / iscale;
    float bestMse = 0;
    for (int i = 0; i < n; ++i) {
        const float diff = x[i] - scale * L[i];
        bestMse += w[i] * diff * diff;
    }
    for (int is = -4; is <= 4; ++is) {
        if (is == 0)
            continue;
        const float iscaleIs = (0.1f * is + nmax) / max;
        const float mse = positiveTrialError(n, nmax, x, w, iscaleIs);
        if (mse < bestMse) {
            bestMse = mse;
            iscale = iscaleIs;
        }
    }
    return iscale;
}

} // namespace

float searchScalePositive(int n, int nmax, const float* x, uint8_t* L, const float* w)
{
    float max = 0;
    for (int i = 0; i < n; ++i)
        max = max > x[i] ? max : x[i]; // MAX of ggml, also for signed zeros
    if (max < kGroupMaxEps) {
        std::memset(L, 0, size_t(n));
        return 0.f;
    }
    const float iscale = positiveInverseScale(n, nmax, x, L, w, max);
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = std::min(nmax, nearestInt(iscale * x[i]));
        L[i] = static_cast<uint8_t>(l);
        sumlx += w[i] * x[i] * l;
        suml2 += w[i] * l * l;
    }
    for (int itry = 0; itry < 5; ++itry) {
        int changed = 0;
        for (int i = 0; i < n; ++i) {
            float slx = sumlx - w[i] * x[i] * L[i];
            float sl2 = suml2 - w[i] * L[i] * L[i];
            if (!(slx > 0 && sl2 > 0))
                continue;
            const int l = std::min(nmax, nearestInt(x[i] * sl2 / slx));
            if (l == L[i])
                continue;
            slx += w[i] * x[i] * l;
            sl2 += w[i] * l * l;
            if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                L[i] = static_cast<uint8_t>(l);
                sumlx = slx;
                suml2 = sl2;
                ++changed;
            }
        }
        if (!changed)
            break;
    }
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

int nearestIndex(int n, const int8_t* val, float v)
{
    if (v <= val[0])
        return 0;
    if (v >= val[n - 1])
        return n - 1;
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (v < val[mid])
            hi = mid;
        else
            lo = mid;
    }
    return v - val[hi - 1] < val[hi] - v ? hi - 1 : hi;
}

} // namespace qs::ggml_detail
