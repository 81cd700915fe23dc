// bitsandbytes' default 8-bit code: the "dynamic" map of create_dynamic_map(signed=True,
// max_exponent_bits=7, total_bits=8) (Dettmers, "8-Bit Approximations for Parallelism in Deep
// Learning", 2016), which quantize_blockwise uses with absmax blocks of 4096 by default.
//
// Construction: for each exponent i = 0..6, the interval [0.1, 1] is cut into 2^i equal parts
// by torch.linspace(0.1, 1, 2^i + 1) (float32) and the part midpoints (b_k + b_k+1) / 2 are
// scaled by 10^(i - 6), with both signs: 127 positive values from 5.5e-7 to 0.99296875 and
// their negatives; then 0 and 1 are added (256 values) and the list is sorted. So the code is
// dense near zero (a dynamic exponent with a shrinking fraction) and the most negative value
// is -0.99296875 while +1 is exact. Every step is float32 as torch's CPU kernels compute it
// (linspace with AVX2 vectors and fused multiply-adds, see dynamic_map.cpp; the midpoints and
// the products by the float32 power of ten rounded to float32): the 256 values equal those of
// torch 1.13 on x86-64 bit for bit. A torch build with other vector kernels can differ in the
// last bit of a few entries; the table bitsandbytes uses is whatever torch gives it.
//
// Coding (bitsandbytes' dQuantize): a 7-step binary search from index 127 over the sorted
// table, then the nearer of the two neighbours by comparing with their float32 midpoint (a tie
// goes to the entry found by the search); NaN ends at index 0.
#pragma once

#include <cstdint>
#include <vector>

namespace qs {

// The 256 values, ascending (index = code).
const std::vector<float>& bnbDynamicMap();

// bitsandbytes' dQuantize<0> on the sorted 256-entry table `code` (x already divided by the
// block's absmax).
int32_t bnbDynamicCode(const float* code, float x);

} // namespace qs
