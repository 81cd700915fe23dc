// How an OCP MX block turns its largest magnitude into the E8M0 shared exponent (mx.h). Its own
// header so that QuantConfig can name it without the format code.
#pragma once

namespace qs {

// amax = the block's largest finite |x|, emax = the element's largest exponent, max = the
// element's largest value:
//   Floor   floor(log2 amax) - emax (OCP MX v1.0, section 6.3; the block maximum may clip)
//   Ceil    ceil(log2 amax) - emax
//   Even    log2 amax rounded to the nearest integer, minus emax
//   NoClip  the smallest power of two X with amax / X <= max (nothing clips)
enum class MxScaleRounding { Floor, Ceil, Even, NoClip };

} // namespace qs
