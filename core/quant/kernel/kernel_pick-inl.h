// kernel_pick-inl.h: the choice among one build's instantiations of runKernel (rounding rule,
// rounding before or after the zero point, float32 or float64 parameters, scale arithmetic).
// Included after quant_kernel-inl.h inside the build's namespace; deliberately without include
// guard.

template <Rounding R, bool Before, class C> KernelFn<C> pickScale(bool f32, ScaleMode mode)
{
    switch (mode) {
    case ScaleMode::ReciprocalScale: // float32 only
        return &runKernel<R, Before, true, ScaleMode::ReciprocalScale, C>;
    case ScaleMode::MultiplyInverse:
        return f32 ? &runKernel<R, Before, true, ScaleMode::MultiplyInverse, C>
                   : &runKernel<R, Before, false, ScaleMode::MultiplyInverse, C>;
    case ScaleMode::Divide:
        break;
    }
    return f32 ? &runKernel<R, Before, true, ScaleMode::Divide, C>
               : &runKernel<R, Before, false, ScaleMode::Divide, C>;
}

template <Rounding R, class C> KernelFn<C> pickOrder(const KernelChoice& k)
{
    return k.before ? pickScale<R, true, C>(k.f32, k.mode) : pickScale<R, false, C>(k.f32, k.mode);
}

template <class C> KernelFn<C> pick(const KernelChoice& k)
{
    switch (k.rounding) {
    case Rounding::HalfEven:
        return pickOrder<Rounding::HalfEven, C>(k);
    case Rounding::HalfAway:
        return pickOrder<Rounding::HalfAway, C>(k);
    case Rounding::HalfUp:
        return pickOrder<Rounding::HalfUp, C>(k);
    case Rounding::Floor:
        return pickOrder<Rounding::Floor, C>(k);
    case Rounding::Truncate:
        return pickOrder<Rounding::Truncate, C>(k);
    case Rounding::Stochastic:
        return pickOrder<Rounding::Stochastic, C>(k);
    }
    return nullptr;
}
