// Block quantizers of llama.cpp's GGML types with fp16 scales and searched parameters, each
// producing the block's bytes exactly as ggml-quants.c does without an importance matrix
// (quantize_row_q5_0_ref ... quantize_row_q6_K_ref; IQ4_NL and IQ4_XS as quantize_iq4_nl /
// quantize_iq4_xs, the path llama.cpp's model quantizer takes: weights x^2 and the scale
// search over 15 trial scales). Input: one block (32 values) or super-block (256) of finite
// floats. Layouts: core/io/ggml_blocks.h.
#pragma once

#include "core/io/ggml_blocks.h"

namespace qs::ggml_detail {

// How the searches run: Scalar is the plain loops of ggml-quants.c, one trial scale after the
// other; Fast computes the same trials side by side (independent sums, each in element order)
// with table lookups instead of searches. Both give the same bytes (the tests compare them).
enum class GgmlPath { Fast, Scalar };

void quantizeQ5_0(const float* x, BlockQ5_0& y);
void quantizeQ5_1(const float* x, BlockQ5_1& y);
void quantizeQ2_K(const float* x, BlockQ2_K& y, GgmlPath path = GgmlPath::Fast);
void quantizeQ3_K(const float* x, BlockQ3_K& y);
void quantizeQ4_K(const float* x, BlockQ4_K& y, GgmlPath path = GgmlPath::Fast);
void quantizeQ5_K(const float* x, BlockQ5_K& y, GgmlPath path = GgmlPath::Fast);
void quantizeQ6_K(const float* x, BlockQ6_K& y, GgmlPath path = GgmlPath::Fast);
void quantizeIQ4_NL(const float* x, BlockIQ4_NL& y, GgmlPath path = GgmlPath::Fast);
void quantizeIQ4_XS(const float* x, BlockIQ4_XS& y, GgmlPath path = GgmlPath::Fast);

} // namespace qs::ggml_detail
