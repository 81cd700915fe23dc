// OCP Microscaling (MX v1.0) block formats: 32 consecutive elements of a row share one E8M0
// power-of-two scale X and every element is stored in a small format.
//
//   format       element                              emax_elem  bits per element
//   MXFP8_E4M3   E4M3 (max 448)                        8          8 + 8/32 = 8.25
//   MXFP8_E5M2   E5M2 (max 57344)                      15         8.25
//   MXFP6_E2M3   E2M3 (max 7.5)                        2          6 + 8/32 = 6.25
//   MXFP6_E3M2   E3M2 (max 28)                         4          6.25
//   MXFP4        E2M1 (max 6)                          2          4 + 8/32 = 4.25
//   MXINT8       8-bit two's complement, scale 2^-6    0          8.25
//                (values -2 .. 1.984375 in steps of 1/64)
//
// Conversion (spec section 6.3): X = 2^(floor(log2(amax)) - emax_elem), amax = largest |x| of
// the block; the exponent is clamped to the E8M0 range [-127, 127], and a block without nonzero
// finite values gets 2^-127. Elements are x / X rounded to nearest, ties to even, saturating at
// the element's +-max (so a block maximum can be clipped: amax / X lies in [2^emax, 2^(emax+1))).
// The rounding of the shared exponent is a choice (mx_scale_rounding.h): the spec's floor by
// default, or ceil, round to nearest, or the smallest scale that clips nothing.
// MXINT8 uses the full two's-complement range [-128, 127] as the spec defines it (the Microsoft
// microxcaling emulation clamps to +-127 instead).
//
// Blocks never cross rows: rowLength (0 = the whole tensor is one row) must divide n, and the
// last block of a row is shorter when rowLength is not a multiple of 32 (its scale comes from
// its own elements, which equals padding with zeros). Codes: the element bit pattern for the
// float formats, the signed integer -128..127 for MXINT8. scales[b] holds X as a float.
#pragma once

#include "core/formats/lowbit.h"
#include "core/formats/minifloat.h"
#include "core/formats/mx_scale_rounding.h"

#include <cstdint>
#include <string>

namespace qs {

enum class MxFormat { MXFP8_E4M3, MXFP8_E5M2, MXFP4, MXINT8, MXFP6_E2M3, MXFP6_E3M2 };

// "MXFP8_E4M3", "MXFP8_E5M2", "MXFP4", "MXINT8", "MXFP6_E2M3", "MXFP6_E3M2"
std::string toName(MxFormat f);
MxFormat mxFormatFromName(const std::string& name); // case-insensitive; qs::Error otherwise
int mxElementEmax(MxFormat f);                      // 8, 15, 2, 0, 2, 4
int mxElementBits(MxFormat f);                      // 8, 8, 4, 8, 6, 6
double mxElementMax(MxFormat f);                    // 448, 57344, 6, 127/64, 7.5, 28
// The element format of a float MX format (E4M3, E5M2, E2M1, -, E2M3, E3M2); E2M1 for MXINT8.
MiniFloat mxElement(MxFormat f);

// Shared exponent of a block with largest magnitude amax (finite, >= 0), clamped to [-127, 127];
// a block without nonzero finite values gets -127 whatever the rounding.
int mxSharedExponent(MxFormat f, double amax, MxScaleRounding rounding = MxScaleRounding::Floor);

LowbitResult quantizeMx(const float* x, int64_t n, MxFormat f, int64_t rowLength = 0,
                        int64_t blockSize = 32, const CancelToken* cancel = nullptr,
                        MxScaleRounding rounding = MxScaleRounding::Floor);

} // namespace qs
