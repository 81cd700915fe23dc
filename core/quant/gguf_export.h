// A quantization result stored as a GGUF tensor: the ggml type of every scheme that has one, and
// the tensor's bytes, so that llama.cpp's dequantization of the file gives the result's
// dequantized values bit for bit. Q8_0, Q4_0, Q4_1 and MXFP4 bytes are built from the result's
// own codes and block parameters; the searched types (Q5_0 ... IQ4_XS) run the same
// deterministic quantizer over the tensor again, which gives the result's bytes. GGML blocks run
// along the last axis, as quantize() cuts them.
#pragma once

#include "core/base/tensor.h"
#include "core/config/quant_config.h"
#include "core/io/gguf_writer.h"
#include "core/quant/quantize.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// The ggml type a scheme is stored as (fp16 F16, bf16 BF16, mxfp4 MXFP4, q8_0 Q8_0, q4_0 Q4_0,
// q4_1 Q4_1, and q5_0 ... iq4_xs as the type of the same name); nullptr for the others.
const GgmlTypeInfo* ggmlTypeOf(Scheme s);
// "fp16, bf16, mxfp4, q8_0, q4_0, q4_1, q5_0, ...": the schemes ggmlTypeOf stores, in choice
// order.
std::string ggufWritableSchemes();

// Adds r, the result of quantizing t, to w as tensor `name` of t's shape in the scheme's type.
// A result quantized with importance keeps its values (QuantResult::importanceValues), with
// which the searched types run their weighted search again. Throws qs::Error for a scheme
// without a ggml type (naming the schemes that have one), rows that are not whole blocks
// (naming the tensor, its shape and the type) or a result that lost its importance values.
void addQuantizedTensor(GgufWriter& w, const std::string& name, const Tensor& t,
                        const QuantResult& r);

// general.name, quantscope.scheme (the scheme's name), quantscope.config (config.summary())
// and general.alignment 32.
void setQuantizationMetadata(GgufWriter& w, const std::string& name, const QuantConfig& config);

// What a reader of the file (llama.cpp's dequantize_row_*, loadTensor) gets differently from r,
// one message per kind: non-finite inputs of the block types keep their value in r but are
// stored as a code (NaN as the code of 0, +-Inf as the extreme codes); MXFP4's -0 reads back as
// +0 (llama.cpp's table has no negative zero). Empty: the file holds r's values bit for bit.
std::vector<std::string> ggufWarnings(const Tensor& t, const QuantResult& r);

} // namespace qs
