// The choice among the builds of the integer pass's hot loop (kernel/kernel_builds.h): the best
// the processor has, the rounding rule and the scale arithmetic of the config.
#include "core/quant/kernel/kernel_builds.h"

#include <atomic>

namespace qs {
namespace quantize_detail {
namespace {

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

template <class C> KernelFn<C> kernelFor(const KernelChoice& k)
{
    const Build limit = g_buildLimit.load(std::memory_order_relaxed);
#if QS_X86_DISPATCH
    if (limit >= Build::Avx512 && cpuHas(Build::Avx512))
        return avx512Kernel(k, static_cast<C*>(nullptr));
    if (limit >= Build::Avx2 && cpuHas(Build::Avx2))
        return avx2Kernel(k, static_cast<C*>(nullptr));
#endif
    (void)limit;
    return baseKernel(k, static_cast<C*>(nullptr));
}

} // namespace

template <class C> KernelFn<C> pickKernel(const QuantConfig& c)
{
    KernelChoice k;
    k.rounding = c.rounding;
    k.before = c.roundingOrder == RoundingOrder::BeforeZeroPoint;
    k.f32 = c.float32Params || c.reciprocalScale;
    k.mode = c.reciprocalScale     ? ScaleMode::ReciprocalScale
             : c.multiplyByInverse ? ScaleMode::MultiplyInverse
                                   : ScaleMode::Divide;
    if (KernelFn<C> fn = kernelFor<C>(k))
        return fn;
    throw Error("unknown rounding mode");
}

template KernelFn<uint8_t> pickKernel<uint8_t>(const QuantConfig& c);
template KernelFn<uint16_t> pickKernel<uint16_t>(const QuantConfig& c);

MinMaxFn minMaxFiniteFn()
{
#if QS_X86_DISPATCH
    if (__builtin_cpu_supports("avx2"))
        return avx2MinMax();
#endif
    return baseMinMax();
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
