// NVFP4 (NVIDIA ModelOpt / TensorRT-LLM): E2M1 elements in blocks of 16 consecutive elements of
// a row, an E4M3 scale per block and an fp32 scale per tensor. 4 + 8/16 + 32/numel bits per
// element. As ModelOpt's NVFP4QTensor computes it, in float32:
//
//   global  g = amax / (6 * 448)                  amax = the largest finite |x| of the tensor
//   block   s = E4M3(bamax / (6 * g))             bamax = the block's largest finite |x|; a block
//                                                 of zeros gets s = 1 (ModelOpt's rule); the
//                                                 E4M3 cast rounds to nearest even, saturating
//   element q = E2M1(x / (s * g))                 round to nearest even, saturating at +-6
//   value   x^ = E2M1value(q) * (s * g)
//
// Exact: every step is one float32 operation in ModelOpt's order (6 * g is rounded before the
// division, s * g before x is divided by it), then the exact E4M3 / E2M1 rounding of minifloat.h.
// scales[b] holds s * g as float32 (the factor the decoder multiplies with), scaleCodes[b] the
// E4M3 bits of s and tensorScale g.
//
// Special cases (lowbit.h's non-finite rules): NaN / +-Inf inputs take no part in amax or bamax
// and keep their value (codes: +0 for NaN, +-6 for +-Inf). A tensor without nonzero finite values
// has g = 1 (amax / 2688 would be 0). A block whose s rounds to E4M3 zero (bamax below about
// 2^-10 of amax) decodes to zeros: its codes are +-0 and its nonzero inputs count as flushed
// (ModelOpt divides by that zero scale there). Rows not a multiple of 16 end in a shorter block,
// as in mx.h.
#pragma once

#include "core/formats/lowbit.h"

#include <cstdint>

namespace qs {

constexpr int64_t kNvfp4Block = 16;

// The per-tensor scale g of a tensor whose largest finite magnitude is amax.
float nvfp4TensorScale(float amax);
// The E4M3 bits of the block scale s of a block with largest finite magnitude bamax under g.
uint8_t nvfp4BlockScaleCode(float bamax, float g);

// rowLength 0: one row of n elements; it must divide n.
LowbitResult quantizeNvfp4(const float* x, int64_t n, int64_t rowLength = 0,
                           const CancelToken* cancel = nullptr);

} // namespace qs
