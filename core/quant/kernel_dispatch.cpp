// The hot loop of the integer pass, built once per instruction set, and the choice among the
// builds: the best the processor has, the rounding rule and the scale arithmetic of the config.
#include "core/quant/quantize_internal.h"

#include "core/stats/histogram_rule.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

namespace qs {
namespace quantize_detail {
namespace {

namespace base {
#include "core/quant/kernel/quant_kernel-inl.h"
} // namespace base

#if QS_X86_DISPATCH
// The same loops compiled for AVX2 (4 doubles per instruction instead of 2) and AVX-512 (8),
// the best the processor has chosen at run time. Element results are identical (IEEE
// operations, no FMA contraction: -ffp-contract=off in core/CMakeLists.txt); only the lane
// order of the sums differs from the baseline build (tst_quantize kernelBuildsAgree).
#pragma GCC push_options
#pragma GCC target("avx2")
namespace avx2 {
#include "core/quant/kernel/quant_kernel-inl.h"
} // namespace avx2
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,prefer-vector-width=512")
namespace avx512 {
#include "core/quant/kernel/quant_kernel-inl.h"
} // namespace avx512
#pragma GCC pop_options
#endif

// The instruction sets the hot loops are built for, best last; detail::useKernelBuild narrows
// the choice (tests compare the builds).
enum class Build { Base, Avx2, Avx512 };
std::atomic<Build> g_buildLimit{Build::Avx512};

bool cpuHas(Build b)
{
#if QS_X86_DISPATCH
    if (b == Build::Avx512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    if (b == Build::Avx2)
        return __builtin_cpu_supports("avx2");
#endif
    return b == Build::Base;
}

template <Rounding R, bool Before, bool F32, ScaleMode M, class C> KernelFn<C> kernelFor()
{
    const Build limit = g_buildLimit.load(std::memory_order_relaxed);
#if QS_X86_DISPATCH
    if (limit >= Build::Avx512 && cpuHas(Build::Avx512))
        return &avx512::runKernel<R, Before, F32, M, C>;
    if (limit >= Build::Avx2 && cpuHas(Build::Avx2))
        return &avx2::runKernel<R, Before, F32, M, C>;
#endif
    (void)limit;
    return &base::runKernel<R, Before, F32, M, C>;
}

template <Rounding R, bool Before, class C> KernelFn<C> pickKernel(bool f32, ScaleMode mode)
{
    switch (mode) {
    case ScaleMode::ReciprocalScale: // float32 only
        return kernelFor<R, Before, true, ScaleMode::ReciprocalScale, C>();
    case ScaleMode::MultiplyInverse:
        return f32 ? kernelFor<R, Before, true, ScaleMode::MultiplyInverse, C>()
                   : kernelFor<R, Before, false, ScaleMode::MultiplyInverse, C>();
    case ScaleMode::Divide:
        break;
    }
    return f32 ? kernelFor<R, Before, true, ScaleMode::Divide, C>()
               : kernelFor<R, Before, false, ScaleMode::Divide, C>();
}

template <Rounding R, class C> KernelFn<C> pickKernel(bool before, bool f32, ScaleMode mode)
{
    return before ? pickKernel<R, true, C>(f32, mode) : pickKernel<R, false, C>(f32, mode);
}

} // namespace

template <class C> KernelFn<C> pickKernel(const QuantConfig& c)
{
    const bool before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    const bool f32 = c.float32Params || c.reciprocalScale;
    const ScaleMode mode = c.reciprocalScale     ? ScaleMode::ReciprocalScale
                           : c.multiplyByInverse ? ScaleMode::MultiplyInverse
                                                 : ScaleMode::Divide;
    switch (c.rounding) {
    case Rounding::HalfEven:
        return pickKernel<Rounding::HalfEven, C>(before, f32, mode);
    case Rounding::HalfAway:
        return pickKernel<Rounding::HalfAway, C>(before, f32, mode);
    case Rounding::HalfUp:
        return pickKernel<Rounding::HalfUp, C>(before, f32, mode);
    case Rounding::Floor:
        return pickKernel<Rounding::Floor, C>(before, f32, mode);
    case Rounding::Truncate:
        return pickKernel<Rounding::Truncate, C>(before, f32, mode);
    case Rounding::Stochastic:
        return pickKernel<Rounding::Stochastic, C>(before, f32, mode);
    }
    throw Error("unknown rounding mode");
}

template KernelFn<uint8_t> pickKernel<uint8_t>(const QuantConfig& c);
template KernelFn<uint16_t> pickKernel<uint16_t>(const QuantConfig& c);

MinMaxFn minMaxFiniteFn()
{
#if QS_X86_DISPATCH
    if (__builtin_cpu_supports("avx2"))
        return &avx2::minMaxFinite;
#endif
    return &base::minMaxFinite;
}

} // namespace quantize_detail

namespace detail {

using quantize_detail::Build;
using quantize_detail::cpuHas;

std::vector<std::string> kernelBuilds()
{
    std::vector<std::string> names{"base"};
    if (cpuHas(Build::Avx2))
        names.push_back("avx2");
    if (cpuHas(Build::Avx512))
        names.push_back("avx512");
    return names;
}

void useKernelBuild(const std::string& name)
{
    const Build b = name == "avx512" ? Build::Avx512
                    : name == "avx2" ? Build::Avx2
                    : name == "base" ? Build::Base
                                     : throw Error("unknown kernel build '" + name + "'");
    quantize_detail::g_buildLimit.store(b);
}

} // namespace detail
} // namespace qs
