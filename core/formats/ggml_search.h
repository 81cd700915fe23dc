// The scale searches of llama.cpp's GGML quantizers (ggml-quants.c, with and without an
// importance matrix), shared by the block quantizers of ggml_quants.cpp and ggml_kquants.cpp.
// Every operation is float32 in the order the C code uses, so that the chosen codes and scales
// agree bit for bit. Inputs are finite.
#pragma once

#include "core/formats/ggml.h"
#include "core/formats/ggml_kquants.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace qs::ggml_detail {

// quantizeGgml / ggmlQuantizedBytes of a searched type (ggml_superblocks.cpp): fills the result
// or the bytes (either may be null).
LowbitResult quantizeSearched(const float* x, int64_t n, GgmlType t, int64_t rowLength,
                              const CancelToken* cancel, const GgmlImportance* importance);

// The bytes of x (rows of rowLength, 0: one row, of whole blocks) quantized as the searched type t
// by the plain path: block after block on the calling thread, every search on its Scalar path,
// weighted by importance when given. The reference the threaded Fast path of quantizeGgml and
// ggmlQuantizedBytes is tested against.
std::string ggmlScalarBytes(const float* x, int64_t n, GgmlType t, int64_t rowLength = 0,
                            const GgmlImportance* importance = nullptr);

constexpr float kGroupMaxEps = 1e-15f; // a group whose largest |x| is below this is all zero

// Round to nearest, ties to even, for |v| <= 4194303 (the float32 magic-number trick of ggml).
inline int nearestInt(float v)
{
    const float shifted = v + 12582912.0f;
    int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

inline int clampInt(int v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

// Asymmetric search (make_qkx2_quants): codes L in 0..nmax and a scale and min minimising the
// weighted error (absolute when useMad, squared otherwise) over nstep + 1 trial scales from
// (rmin + nmax) / (max - min) in steps of rdelta. Returns the scale; *negMin = -min >= 0.
float searchScaleMin(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     float* negMin, float rmin, float rdelta, int nstep, bool useMad);
// The same for groups of any size (n <= 256 above): aux, room for n codes, holds each trial's.
float searchScaleMin(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     uint8_t* aux, float* negMin, float rmin, float rdelta, int nstep, bool useMad);

// The weights of Q4_K / Q5_K without importance for `groups` groups of n: sqrt(mean x^2) + |x|,
// the mean over each group's x, summed in order.
void plainWeights(int groups, int n, const float* x, float* w);

// searchScaleMin on `groups` consecutive groups of n (group g: x + g n, weights + g n, L + g n,
// scales[g], negMins[g]) with the groups side by side: each group's arithmetic is the same, in
// the same order, so the results are those of searchScaleMin group after group. weights null:
// plainWeights of x (formed in the lanes).
void searchScaleMinGroups(int groups, int n, int nmax, const float* x, const float* weights,
                          uint8_t* L, float* scales, float* negMins, float rmin, float rdelta,
                          int nstep, bool useMad);

// Symmetric search (make_qx_quants with rmse_type 1): codes L in 0..2 nmax - 1 (value L - nmax)
// and the scale of 19 trial scales around nmax / max with the best fit, each element weighted
// by weights[i] (null: x^2). The Fast path sums the trials side by side.
float searchScaleSymmetric(int n, int nmax, const float* x, int8_t* L,
                           const float* weights = nullptr, GgmlPath path = GgmlPath::Fast);

// Search for non-negative x (make_qp_quants, the scales and mins of the weighted K types):
// codes L = min(nmax, round(x / scale)) stored in bytes as C stores them (a negative code
// wraps), the best of 9 trial scales around max / nmax by weighted squared error, then up to 5
// rounds of moving single codes while that raises the weighted fit.
float searchScalePositive(int n, int nmax, const float* x, uint8_t* L, const float* weights);

// Symmetric iterative refinement (make_q3_quants with rmse): codes L in 0..2 nmax - 1.
float searchScaleRefine(int n, int nmax, const float* x, int8_t* L);

// The signed value of largest magnitude of x[0..n) (the first on ties); amax = its magnitude.
float signedMax(int n, const float* x, float& amax);

// The index of the entry of the ascending table val[0..n) nearest to v (ties to the upper one
// unless v is strictly closer to the lower: best_index_int8).
int nearestIndex(int n, const int8_t* val, float v);

// Tests turn the AVX2 lanes off to run the portable fast loops (on by default).
void allowLanesAvx2(bool allowed);

// searchScaleMinGroups on lanes (lane g = group g), whole, with its arguments (weights null:
// plainWeights of x). Eight lanes per
// instruction on processors with AVX2 when groups is 8 or 16 and n 16 or 32; false, computing
// nothing, otherwise.
constexpr int kMaxGroups = 16; // groups of the callers of searchScaleMinGroups (8 or 16)
constexpr int kMaxGroupSize = 32;
using LaneFloats = float[kMaxGroupSize][kMaxGroups];
using LaneCodes = int32_t[kMaxGroupSize][kMaxGroups];
bool searchLanesAvx2(int groups, int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     float* scales, float* negMins, float rmin, float rdelta, int nstep,
                     bool useMad);

// The sums of searchScaleSymmetric's trial inverse scales iscales[0..18) over x[0..n) with
// weights w (weights[i], or x^2 when null): sumlx[t] = sum of w x l, suml2[t] = sum of w l l with
// l = clamp(nearestInt(iscales[t] x), -nmax, nmax - 1), each in element order. Eight trials per
// instruction with AVX2; false, computing nothing, without.
constexpr int kSymmetricTrials = 18;
bool symmetricTrialSumsAvx2(int n, int nmax, const float* x, const float* weights,
                            const float* iscales, float* sumlx, float* suml2);

// The sums of the IQ4 scale search for its 16 trial inverse scales ids over one group of 32 (x,
// weights w): sumqx[t] = sum of w q x, sumq2[t] = sum of w q q with q = kIq4nlValues[iq4Index(
// ids[t] x)], each summed in element order. Eight trials per instruction on processors with AVX2
// (ggml_lanes.cpp); returns false, computing nothing, on the others.
bool iq4TrialSumsAvx2(const float* x, const float* w, const float* ids, float* sumqx, float* sumq2);

struct Iq4Below {
    uint8_t below[256]; // the largest k < 15 with kIq4nlValues[k] <= i - 128 (or 0)
};
extern const Iq4Below kIq4Below;

// nearestIndex(16, kIq4nlValues, v) without a search: the grid point at or below v from a
// table of the integers in the grid's range, then the same comparison with the next one.
inline int iq4Index(float v)
{
    const int8_t* val = kIq4nlValues;
    if (v <= val[0])
        return 0;
    if (!(v < val[15])) // also NaN, as nearestIndex
        return 15;
    // v + 128 in (1, 241): truncation is its floor, except that the addition may round up to
    // the next integer when v lies just below it; the check below undoes that step.
    int lo = kIq4Below.below[static_cast<int>(v + 128.0f)];
    lo -= int(v < val[lo]);
    // v is finite here, so !(a < b) is a >= b: the upper point unless v is strictly closer to
    // the lower (a flag, not a branch: the two are equally likely).
    return lo + int(v - val[lo] >= val[lo + 1] - v);
}

} // namespace qs::ggml_detail
