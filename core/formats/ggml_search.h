// The scale searches of llama.cpp's GGML quantizers (ggml-quants.c, with and without an
// importance matrix), shared by the block quantizers of ggml_quants.cpp and ggml_kquants.cpp.
// Every operation is float32 in the order the C code uses, so that the chosen codes and scales
// agree bit for bit. Inputs are finite.
#pragma once

#include "core/formats/ggml.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace qs::ggml_detail {

// quantizeGgml / ggmlQuantizedBytes of a searched type (ggml_superblocks.cpp): fills the result
// or the bytes (either may be null).
LowbitResult quantizeSearched(const float* x, int64_t n, GgmlType t, int64_t rowLength,
                              const CancelToken* cancel, const GgmlImportance* importance);

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

// Symmetric search (make_qx_quants with rmse_type 1): codes L in 0..2 nmax - 1 (value L - nmax)
// and the scale of 19 trial scales around nmax / max with the best fit, each element weighted
// by weights[i] (null: x^2).
float searchScaleSymmetric(int n, int nmax, const float* x, int8_t* L,
                           const float* weights = nullptr);

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

} // namespace qs::ggml_detail
