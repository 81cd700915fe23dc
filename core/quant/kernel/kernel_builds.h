// The builds of the integer pass's hot loop (quant_kernel-inl.h): baseline x86-64 or the
// portable build, AVX2 and AVX-512, each for one- and two-byte codes, one generated source
// file each (kernel_build.cpp.in). Element results are identical in every build (IEEE
// operations, no FMA contraction: -ffp-contract=off in core/CMakeLists.txt); only the lane
// order of the sums differs from the baseline build (tst_quantize kernelBuildsAgree).
#pragma once

#include "core/quant/quantize_internal.h"

namespace qs::quantize_detail {

// What selects an instantiation of the loop: the config's rounding rule and order and its
// scale arithmetic.
struct KernelChoice {
    Rounding rounding = Rounding::HalfEven;
    bool before = false; // rounding before the zero point is added
    bool f32 = false;    // float32 parameters
    ScaleMode mode = ScaleMode::Divide;
};

// The loop of each build for k; the pointer argument only picks the width of the codes.
KernelFn<uint8_t> baseKernel(const KernelChoice& k, uint8_t*);
KernelFn<uint16_t> baseKernel(const KernelChoice& k, uint16_t*);
MinMaxFn baseMinMax();
#if QS_X86_DISPATCH
KernelFn<uint8_t> avx2Kernel(const KernelChoice& k, uint8_t*);
KernelFn<uint16_t> avx2Kernel(const KernelChoice& k, uint16_t*);
MinMaxFn avx2MinMax();
KernelFn<uint8_t> avx512Kernel(const KernelChoice& k, uint8_t*);
KernelFn<uint16_t> avx512Kernel(const KernelChoice& k, uint16_t*);
#endif

} // namespace qs::quantize_detail
