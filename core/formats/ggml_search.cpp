// Scale searches of the GGML quantizers (see ggml_search.h).
#include "core/formats/ggml_search.h"

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

// Symmetric weighted sums (weight x^2) of the codes of iscale * x clamped to [-nmax, nmax-1].
void symmetricSums(int n, int nmax, const float* x, float iscale, float& sumlx, float& suml2)
{
    sumlx = suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = clampInt(nearestInt(iscale * x[i]), -nmax, nmax - 1);
        const float w = x[i] * x[i];
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
// iscale * x with iscale = -nmax / max (plus offset) and their x^2-weighted sums. False, with L
// zero, for an all-zero group.
bool firstSymmetricFit(int n, int nmax, const float* x, int offset, int8_t* L, float& max,
                       float& sumlx, float& suml2)
{
    float amax;
    max = signedMax(n, x, amax);
    if (amax < kGroupMaxEps) {
        std::memset(L, 0, size_t(n));
        return false;
    }
    const float iscale = -nmax / max;
    symmetricCodes(n, nmax, x, iscale, offset, L);
    symmetricSums(n, nmax, x, iscale, sumlx, suml2);
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

namespace {

constexpr int kMaxTrials = 24; // nstep + 1 of every caller (at most 21)
constexpr int kMaxGroup = 32;  // n of every caller (16 or 32)

// The weighted trials of searchScaleMin side by side: per trial its codes and sums, each summed
// in element order exactly as trialCodes / fitError do, but as independent chains.
struct TrialSet {
    int count = 0;
    float iscale[kMaxTrials], sumL[kMaxTrials], sumL2[kMaxTrials], sumXL[kMaxTrials];
    float scale[kMaxTrials], min[kMaxTrials], err[kMaxTrials];
    uint8_t L[kMaxGroup][kMaxTrials]; // L[i][t]: element i's code in trial t

    void codes(int n, int nmax, const float* x, const float* w, float groupMin)
    {
        for (int t = 0; t < count; ++t)
            sumL[t] = sumL2[t] = sumXL[t] = 0;
        for (int i = 0; i < n; ++i) {
            const float xi = x[i], wi = w[i], shifted = x[i] - groupMin;
            for (int t = 0; t < count; ++t) {
                const int l = clampInt(nearestInt(iscale[t] * shifted), 0, nmax);
                L[i][t] = static_cast<uint8_t>(l);
                sumL[t] += wi * l;
                sumL2[t] += wi * l * l;
                sumXL[t] += wi * l * xi;
            }
        }
    }
    void errors(int n, const float* x, const float* w, bool useMad)
    {
        for (int t = 0; t < count; ++t)
            err[t] = 0;
        for (int i = 0; i < n; ++i)
            for (int t = 0; t < count; ++t) {
                float diff = scale[t] * L[i][t] + min[t] - x[i];
                diff = useMad ? std::fabs(diff) : diff * diff;
                err[t] += w[i] * diff;
            }
    }
};

} // namespace

float searchScaleMin(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     float* negMin, float rmin, float rdelta, int nstep, bool useMad, GgmlPath path)
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
    if (path == GgmlPath::Fast && n <= kMaxGroup && nstep < kMaxTrials) {
        // Each trial depends on the min of the best fit so far: the trials after the current
        // one are computed side by side with that min, and again from the next one whenever an
        // accepted fit changes it.
        for (int first = 0; first <= nstep;) {
            TrialSet ts;
            ts.count = nstep + 1 - first;
            for (int k = 0; k < ts.count; ++k)
                ts.iscale[k] = (rmin + rdelta * (first + k) + nmax) / (max - min);
            ts.codes(n, nmax, x, weights, min);
            for (int k = 0; k < ts.count; ++k)
                fitFromSums(sumW, sumX, ts.sumL[k], ts.sumL2[k], ts.sumXL[k], ts.scale[k],
                            ts.min[k]);
            ts.errors(n, x, weights, useMad);
            int next = nstep + 1;
            for (int k = 0; k < ts.count; ++k) {
                const float D = sumW * ts.sumL2[k] - ts.sumL[k] * ts.sumL[k];
                if (!(D > 0) || !(ts.err[k] < bestError))
                    continue;
                for (int i = 0; i < n; ++i)
                    L[i] = ts.L[i][k];
                bestError = ts.err[k];
                scale = ts.scale[k];
                const bool minChanged = std::memcmp(&min, &ts.min[k], sizeof min) != 0;
                min = ts.min[k];
                if (minChanged) {
                    next = first + k + 1;
                    break;
                }
            }
            first = next;
        }
        *negMin = -min;
        return scale;
    }
    uint8_t aux[256];
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

float searchScaleSymmetric(int n, int nmax, const float* x, int8_t* L)
{
    float max, sumlx, suml2;
    if (!firstSymmetricFit(n, nmax, x, nmax, L, max, sumlx, suml2))
        return 0.f;
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0)
            continue;
        const float iscale = -(nmax + 0.1f * is) / max;
        symmetricSums(n, nmax, x, iscale, sumlx, suml2);
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
    if (!firstSymmetricFit(n, nmax, x, 0, L, max, sumlx, suml2))
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
struct Iq4Below {
    uint8_t below[256];
    Iq4Below()
    {
        for (int i = 0; i < 256; ++i) {
            int k = 0;
            while (k + 1 < 15 && kIq4nlValues[k + 1] <= i - 128)
                ++k;
            below[i] = static_cast<uint8_t>(k);
        }
    }
};

const Iq4Below kIq4Below;

} // namespace

int iq4Index(float v)
{
    const int8_t* val = kIq4nlValues;
    if (v <= val[0])
        return 0;
    if (!(v < val[15])) // also NaN, as nearestIndex
        return 15;
    // v + 128 in (1, 241): truncation is its floor, except that the addition may round up to
    // the next integer when v lies just below it; the check below undoes that step.
    int lo = kIq4Below.below[static_cast<int>(v + 128.0f)];
    if (v < val[lo])
        --lo;
    return v - val[lo] < val[lo + 1] - v ? lo : lo + 1;
}

} // namespace qs::ggml_detail
