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

// The range of a group (its min widened to 0) and its weighted sums, as make_qkx2_quants starts.
struct GroupStats {
    float min, max, sumW, sumX;
};

GroupStats groupStats(int n, const float* x, const float* w)
{
    GroupStats st{x[0], x[0], w[0], w[0] * x[0]};
    for (int i = 1; i < n; ++i) {
        if (x[i] < st.min)
            st.min = x[i];
        if (x[i] > st.max)
            st.max = x[i];
        st.sumW += w[i];
        st.sumX += w[i] * x[i];
    }
    if (st.min > 0)
        st.min = 0;
    return st;
}

// The least-squares scale and min of a trial's sums (the min clamped to at most 0, the scale
// then refitted alone). Only meaningful when D = sumW sumL2 - sumL^2 > 0.
void fitFromSums(float sumW, float sumX, float sumL, float sumL2, float sumXL, float& scale,
                 float& min)
{
    const float D = sumW * sumL2 - sumL * sumL;
    scale = (sumW * sumXL - sumX * sumL) / D;
    min = (sumL2 * sumX - sumL * sumXL) / D;
    if (min > 0) {
        min = 0;
        scale = sumXL / sumL2;
    }
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
    // The magnitude by a reduction (no data-dependent branch), then the first value that has it.
    float a = 0;
#pragma omp simd reduction(max : a)
    for (int i = 0; i < n; ++i)
        a = std::max(a, std::fabs(x[i]));
    amax = a;
    for (int i = 0; i < n && a > 0; ++i)
        if (std::fabs(x[i]) == a)
            return x[i];
    return 0;
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
    const GroupStats st = groupStats(n, x, weights);
    float min = st.min;
    const float max = st.max, sumW = st.sumW, sumX = st.sumX;
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
        float thisScale, thisMin;
        fitFromSums(sumW, sumX, t.sumL, t.sumL2, t.sumXL, thisScale, thisMin);
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

namespace {

// The state of searchScaleMin for groups side by side: lane g is group g. Inputs transposed
// (xt[i][g] = x[g n + i]) so that each step runs over the lanes.
struct GroupLanes {
    int groups = 0, n = 0;
    float xt[kMaxGroupSize][kMaxGroups], wt[kMaxGroupSize][kMaxGroups];
    float min[kMaxGroups], max[kMaxGroups], sumW[kMaxGroups], sumX[kMaxGroups];
    float best[kMaxGroups], scale[kMaxGroups];
    // One trial: inverse scales, codes aux[i][g], sums, fit and error.
    float iscale[kMaxGroups], sumL[kMaxGroups], sumL2[kMaxGroups], sumXL[kMaxGroups];
    float tScale[kMaxGroups], tMin[kMaxGroups], err[kMaxGroups];
    int32_t aux[kMaxGroupSize][kMaxGroups];

    void trialCodes(int nmax)
    {
        for (int g = 0; g < groups; ++g)
            sumL[g] = sumL2[g] = sumXL[g] = 0;
        for (int i = 0; i < n; ++i)
            for (int g = 0; g < groups; ++g) {
                const int l = clampInt(nearestInt(iscale[g] * (xt[i][g] - min[g])), 0, nmax);
                aux[i][g] = l;
                sumL[g] += wt[i][g] * l;
                sumL2[g] += wt[i][g] * l * l;
                sumXL[g] += wt[i][g] * l * xt[i][g];
            }
    }
    void fitErrors(bool useMad)
    {
        for (int g = 0; g < groups; ++g)
            err[g] = 0;
        for (int i = 0; i < n; ++i)
            for (int g = 0; g < groups; ++g) {
                float diff = tScale[g] * aux[i][g] + tMin[g] - xt[i][g];
                diff = useMad ? std::fabs(diff) : diff * diff;
                err[g] += wt[i][g] * diff;
            }
    }
};

} // namespace

void plainWeights(int groups, int n, const float* x, float* w)
{
    for (int g = 0; g < groups; ++g) {
        const float* xg = x + g * n;
        float sumX2 = 0;
        for (int i = 0; i < n; ++i)
            sumX2 += xg[i] * xg[i];
        const float avX = std::sqrt(sumX2 / float(n));
        for (int i = 0; i < n; ++i)
            w[g * n + i] = avX + std::fabs(xg[i]);
    }
}

void searchScaleMinGroups(int groups, int n, int nmax, const float* x, const float* weights,
                          uint8_t* L, float* scales, float* negMins, float rmin, float rdelta,
                          int nstep, bool useMad)
{
    if (searchLanesAvx2(groups, n, nmax, x, weights, L, scales, negMins, rmin, rdelta, nstep,
                        useMad))
        return;
    float plain[kMaxGroups * kMaxGroupSize];
    if (!weights && groups * n <= kMaxGroups * kMaxGroupSize) {
        plainWeights(groups, n, x, plain);
        weights = plain;
    }
    if (groups > kMaxGroups || n > kMaxGroupSize) {
        for (int g = 0; g < groups; ++g)
            scales[g] = searchScaleMin(n, nmax, x + g * n, weights + g * n, L + g * n, &negMins[g],
                                       rmin, rdelta, nstep, useMad);
        return;
    }
    GroupLanes s;
    s.groups = groups;
    s.n = n;
    for (int g = 0; g < groups; ++g)
        for (int i = 0; i < n; ++i) {
            s.xt[i][g] = x[g * n + i];
            s.wt[i][g] = weights[g * n + i];
        }
    bool flat[kMaxGroups]; // max == min: all codes 0, scale 0
    for (int g = 0; g < groups; ++g) {
        const float* xg = x + g * n;
        const float* wg = weights + g * n;
        const GroupStats st = groupStats(n, xg, wg);
        const float min = st.min, max = st.max;
        s.min[g] = min;
        s.max[g] = max;
        s.sumW[g] = st.sumW;
        s.sumX[g] = st.sumX;
        flat[g] = max == min;
        if (flat[g]) {
            std::memset(L + g * n, 0, size_t(n));
            s.scale[g] = 0.f;
            continue;
        }
        const float iscale = nmax / (max - min);
        s.scale[g] = 1 / iscale;
        trialCodes(n, nmax, xg, wg, iscale, min, L + g * n);
        s.best[g] = fitError(n, xg, wg, L + g * n, s.scale[g], min, useMad);
    }
    for (int is = 0; is <= nstep; ++is) {
        for (int g = 0; g < groups; ++g)
            s.iscale[g] = (rmin + rdelta * is + nmax) / (s.max[g] - s.min[g]);
        s.trialCodes(nmax);
        for (int g = 0; g < groups; ++g)
            fitFromSums(s.sumW[g], s.sumX[g], s.sumL[g], s.sumL2[g], s.sumXL[g], s.tScale[g],
                        s.tMin[g]);
        s.fitErrors(useMad);
        for (int g = 0; g < groups; ++g) {
            const float D = s.sumW[g] * s.sumL2[g] - s.sumL[g] * s.sumL[g];
            if (flat[g] || !(D > 0) || !(s.err[g] < s.best[g]))
                continue;
            for (int i = 0; i < n; ++i)
                L[g * n + i] = static_cast<uint8_t>(s.aux[i][g]);
            s.best[g] = s.err[g];
            s.scale[g] = s.tScale[g];
            s.min[g] = s.tMin[g];
        }
    }
    for (int g = 0; g < groups; ++g) {
        scales[g] = s.scale[g];
        negMins[g] = -s.min[g];
    }
}

float searchScaleSymmetric(int n, int nmax, const float* x, int8_t* L, const float* weights,
                           GgmlPath path)
{
    float max, sumlx, suml2;
    if (!firstSymmetricFit(n, nmax, x, weights, nmax, L, max, sumlx, suml2))
        return 0.f;
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    // The 18 trials are independent but for the choice: their sums side by side when the
    // processor allows, then the choice in trial order.
    float iscales[kSymmetricTrials], sumsLX[kSymmetricTrials], sumsL2[kSymmetricTrials];
    for (int t = 0; t < kSymmetricTrials; ++t) {
        const int is = t < 9 ? t - 9 : t - 8; // -9..-1, 1..9
        iscales[t] = -(nmax + 0.1f * is) / max;
    }
    const bool together = path == GgmlPath::Fast &&
                          symmetricTrialSumsAvx2(n, nmax, x, weights, iscales, sumsLX, sumsL2);
    for (int t = 0; t < kSymmetricTrials; ++t) {
        const float iscale = iscales[t];
        if (together) {
            sumlx = sumsLX[t];
            suml2 = sumsL2[t];
        } else {
            symmetricSums(n, nmax, x, weights, iscale, sumlx, suml2);
        }
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

namespace {

// below[i]: the largest k < 15 with kIq4nlValues[k] <= i - 128 (0 when there is none).
Iq4Below makeIq4Below()
{
    Iq4Below t;
    for (int i = 0; i < 256; ++i) {
        int k = 0;
        while (k + 1 < 15 && kIq4nlValues[k + 1] <= i - 128)
            ++k;
        t.below[i] = static_cast<uint8_t>(k);
    }
    return t;
}

} // namespace

const Iq4Below kIq4Below = makeIq4Below();

} // namespace qs::ggml_detail
