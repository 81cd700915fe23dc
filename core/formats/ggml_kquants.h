// Block quantizers of llama.cpp's GGML types with fp16 scales and searched parameters, each
// producing the block's bytes exactly as ggml-quants.c does. Without importance the path of
// quantize_row_q5_0_ref ... quantize_row_q6_K_ref (IQ4_NL and IQ4_XS as quantize_iq4_nl /
// quantize_iq4_xs, the path llama.cpp's model quantizer takes: weights x^2 and the scale search
// over 15 trial scales; Q4_0 and Q4_1 as quantize_row_q4_0_ref / _q4_1_ref). With importance
// the weighted path of quantize_row_*_impl with quant_weights, where each type forms its own
// search weights from the importance qw:
//   Q4_0, Q4_1, Q5_0, Q5_1  qw * sqrt(sigma2 + x^2), sigma2 = mean x^2 of the whole row
//   Q2_K                    qw * sqrt(sigma2 + x^2), sigma2 = mean x^2 of the super-block
//   Q3_K, Q4_K, Q5_K, IQ4   qw * sqrt(sigma2 + x^2), sigma2 = 2 * mean x^2 of the super-block
//                           (of the block of 32 for IQ4_NL)
//   Q6_K                    qw itself
// and the K types choose their sub-block scales (and mins) by a weighted search too
// (make_qp_quants / make_qx_quants over the sub-block scales, weighted by the sums of weights).
// Input: one block (32 values) or super-block (256) of finite floats. Layouts:
// core/io/ggml_blocks.h.
#pragma once

#include "core/io/ggml_blocks.h"

namespace qs::ggml_detail {

// How the searches run: Scalar is the plain loops of ggml-quants.c, one trial scale after the
// other; Fast computes the same trials side by side (independent sums, each in element order)
// with table lookups instead of searches. Both give the same bytes, weighted or not (the tests
// compare them). Q4_1 and Q5_1 have one path.
enum class GgmlPath { Fast, Scalar };

// The importance of a block's elements (weights: its columns' entries of the row's importance
// vector; null for the unweighted path) and sigma2 of the row it lies in (mean x^2 over the
// row, used by the 32-element types Q4_0 ... Q5_1 only).
struct BlockImportance {
    const float* weights = nullptr;
    float rowSigma2 = 0;
};

void quantizeQ4_0(const float* x, BlockQ4_0& y, const BlockImportance& imp = {},
                  GgmlPath path = GgmlPath::Fast);
void quantizeQ4_1(const float* x, BlockQ4_1& y, const BlockImportance& imp = {},
                  GgmlPath path = GgmlPath::Fast);
void quantizeQ5_0(const float* x, BlockQ5_0& y, const BlockImportance& imp = {},
                  GgmlPath path = GgmlPath::Fast);
void quantizeQ5_1(const float* x, BlockQ5_1& y, const BlockImportance& imp = {},
                  GgmlPath path = GgmlPath::Fast);
void quantizeQ2_K(const float* x, BlockQ2_K& y, const BlockImportance& imp = {},
                  GgmlPath path = GgmlPath::Fast);
void quantizeQ3_K(const float* x, BlockQ3_K& y, const BlockImportance& imp = {},
                  GgmlPath path = GgmlPath::Fast);
// Q4_K and Q5_K quantize `count` consecutive super-blocks (1 or kGgmlTogether: x holds count * 256
// values, y and imp count entries) with their sub-block searches side by side; each block's bytes
// are those it has alone.
constexpr int kGgmlTogether = 2;
void quantizeQ4_K(const float* x, BlockQ4_K* y, int count, const BlockImportance* imp,
                  GgmlPath path = GgmlPath::Fast);
void quantizeQ5_K(const float* x, BlockQ5_K* y, int count, const BlockImportance* imp,
                  GgmlPath path = GgmlPath::Fast);
void quantizeQ6_K(const float* x, BlockQ6_K& y, const BlockImportance& imp = {},
                  GgmlPath path = GgmlPath::Fast);
void quantizeIQ4_NL(const float* x, BlockIQ4_NL& y, const BlockImportance& imp = {},
                    GgmlPath path = GgmlPath::Fast);
void quantizeIQ4_XS(const float* x, BlockIQ4_XS& y, const BlockImportance& imp = {},
                    GgmlPath path = GgmlPath::Fast);

// sigma2 of the weighted 32-element types: sum of x^2 over the row in order, divided by n
// (non-finite values count as 0, as they are quantized).
float rowSigma2(const float* x, int64_t n);

} // namespace qs::ggml_detail
