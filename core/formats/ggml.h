// GGML block formats of llama.cpp (ggml-quants.c, quantize_row_*_ref and dequantize_row_*),
// reproduced bit for bit on finite input. Blocks of 32 consecutive elements of a row:
//
//   Q8_0  fp16 d + 32 x int8    8.5 bits/element
//         amax = max |x|, d = amax / 127, id = d ? 1/d : 0, q = roundf(x * id) (ties away
//         from zero), x^ = q * fp16(d)
//   Q4_0  fp16 d + 32 x 4 bit   4.5 bits/element
//         max = the signed value of largest magnitude (the first one on equal magnitudes),
//         d = max / -8, id = d ? 1/d : 0, q = min(15, (int8)(x * id + 8.5f)) (truncation),
//         x^ = (q - 8) * fp16(d)
//   Q4_1  fp16 d, fp16 m + 32 x 4 bit   5.0 bits/element
//         d = (max - min) / 15, m = min, id = d ? 1/d : 0, q = min(15, (int8)((x - m) * id +
//         0.5f)), x^ = q * fp16(d) + fp16(m)
//
// All arithmetic is float32 as in C. Quantization uses the unrounded d, dequantization the
// fp16-rounded d (and m): a real error source that shows in the results. fp16 rounding is
// round to nearest even (Eigen::half, as GGML_FP32_TO_FP16). A block scale beyond the fp16
// range becomes inf, as in llama.cpp; the result then carries a warning.
//
// Rows: GGML quantizes rows whose length is a multiple of 32. Here a row length that is not a
// multiple of 32 is accepted and the last block of each row is treated as padded with zeros
// (what storing it in GGML would require): the zeros take part in the block's parameters (this
// matters for Q4_1, whose min and max then include 0) and are counted in the storage, but they
// have no codes. Non-finite values are left out of the block parameters; NaN gets the code of
// 0, +-Inf the largest / smallest code, and their dequantized value is the input.
// codes: Q8_0 -127..127, Q4_0 and Q4_1 0..15. scales: fp16(d) as float; offsets: fp16(m) (Q4_1).
//
// The searched types (ggml_kquants.h: Q5_0, Q5_1, Q2_K ... Q6_K, IQ4_NL, IQ4_XS) are quantized
// into llama.cpp's block bytes and dequantized from them by its dequantize_row_* (ggml_blocks.h),
// so bytes and values agree with llama.cpp bit for bit (Q5_0 and Q5_1 without importance are
// quantized block by block as Q4_0 and Q4_1 are, into the codes, scales and values their bytes
// hold, and into bytes only by ggmlQuantizedBytes). Their rows must be whole blocks (32, or
// 256 for the K types and IQ4_XS): other row lengths are refused, naming the type llama.cpp falls
// back to. The result's blocks are the sub-blocks that carry a scale (16 or 32 elements):
//   scales  the float32 factor of the dequantizer (d, d*sc, d*(sc-32), d*(ls-32));
//   offsets -dmin*m (Q5_1: +m, Q2_K/Q4_K/Q5_K: the subtracted min), empty for the others;
//   codes   the stored integer: Q5_0 0..31 (value q-16), Q5_1 0..31, Q2_K 0..3, Q3_K 0..7
//           (value q-4), Q4_K 0..15, Q5_K 0..31, Q6_K 0..63 (value q-32), IQ4 0..15 (an index
//           into the codebook kvalues_iq4nl).
// Non-finite inputs are quantized as 0 and keep their value in the reconstruction.
//
// Importance (llama.cpp's imatrix, the quant_weights of quantize_q4_0 ... quantize_iq4_xs): one
// non-negative weight per column, the same for every row, that steers the scale searches of the
// weighted path (ggml_kquants.h). Every type but Q8_0 has one; with importance Q4_0 and Q4_1
// become searched types too (their bytes, codes and scales as above, rows of whole blocks).
#pragma once

#include "core/formats/lowbit.h"

#include <cstdint>
#include <string>

namespace qs {

enum class GgmlType { Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS };

std::string toName(GgmlType t);                     // "Q8_0", "Q4_0", ..., "IQ4_XS"
GgmlType ggmlTypeFromName(const std::string& name); // case-insensitive; qs::Error otherwise
double ggmlBitsPerElement(GgmlType t);              // 8.5, 4.5, 5.0, 5.5, ..., 4.25
// The bits of one block (32 elements, 256 for the K types and IQ4_XS) by what they hold, from
// the block structs of ggml-common.h: payload = the codes (qs, qh, hmask); scales = the fp16 d
// of a 32-block or the 4/6/8-bit sub-block scales; mins = the fp16 m or the sub-block mins;
// second level = the super-block's fp16 d and dmin (e.g. Q4_K: 1024 + 48 + 48 + 32 = 1152 bits,
// 4 + 0.1875 + 0.1875 + 0.125 = 4.5 bits/element). Sums to the block's size in bytes times 8.
StorageSplit ggmlBlockStorage(GgmlType t);

// Per-column importance of a quantization: `weights` holds rowLength values per group of rows;
// the rows are split into `groups` equal consecutive groups (1: every row shares one vector;
// the experts of a 3-D tensor, each with its own vector, otherwise), as llama.cpp hands each
// expert's slice of the imatrix to its rows.
struct GgmlImportance {
    const float* weights = nullptr;
    int64_t groups = 1;
};

// Whether llama.cpp quantizes t differently when given importance (every type but Q8_0).
bool ggmlHasWeightedPath(GgmlType t);

// rowLength 0 = one row of n elements; it must divide n. importance: the weighted path
// (qs::Error for Q8_0, which has none, or an importance that does not fit the rows).
LowbitResult quantizeGgml(const float* x, int64_t n, GgmlType t, int64_t rowLength = 0,
                          const CancelToken* cancel = nullptr,
                          const GgmlImportance* importance = nullptr);

// The bytes llama.cpp stores for x quantized as t (a searched type, or with importance Q4_0 and
// Q4_1): rows of rowLength (0: one row), whole blocks only (qs::Error naming the fallback
// otherwise).
std::string ggmlQuantizedBytes(const float* x, int64_t n, GgmlType t, int64_t rowLength = 0,
                               const CancelToken* cancel = nullptr,
                               const GgmlImportance* importance = nullptr);

// float32 -> fp16 -> float32 with round to nearest even (GGML_FP32_TO_FP16 / FP16_TO_FP32).
float roundToFp16(float v);

} // namespace qs
