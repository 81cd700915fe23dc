// The low-bit schemes of QuantConfig (float8/float4, microscaling, code books, GGML and
// bitsandbytes blocks) through quantize(): the format's own function (minifloat.h, mx.h,
// codebook.h, ggml.h) computes codes and dequantized values, and its LowbitResult is mapped
// onto a QuantResult so that reports, charts and the CLI treat every scheme alike.
//
// Slices are the format's blocks: MX and GGML take blocks of 32 consecutive elements of a row
// (a row = the last axis), NF4, FP4, AbsmaxInt8 and a blockwise Codebook cut the flattened
// tensor into blocks of config.groupSize (as bitsandbytes does). Element-wise formats (E4M3,
// E5M2, E2M1, an unscaled Codebook, LloydMax) have one slice with scale 1.
// Per slice: scale = the factor the decoder multiplies with (fp16(d) for GGML, 2^k for MX,
// absmax for the code books, absmax/127 for AbsmaxInt8), zeroPoint 0 (8 for Q4_0, whose codes
// 0..15 stand for -8..7), rangeMin/rangeMax = the smallest / largest representable value of the
// block, dataMin/dataMax = of its finite inputs. qmin/qmax = the code range.
#pragma once

#include "core/formats/ggml.h"
#include "core/formats/lowbit.h"
#include "core/quant/quantize.h"

namespace qs {

// The format's own result for t under config (config must be a low-bit scheme): the same codes
// and dequantized values as calling minifloat/mx/codebook/ggml directly. Throws qs::Error for a
// non-low-bit scheme, an empty tensor or invalid options; qs::Cancelled when `cancel` fires
// (checked between blocks, element chunks and Lloyd-Max iterations).
// importance: the weighted path of the GGML schemes (checked by checkImportanceFor first).
LowbitResult quantizeLowbit(const Tensor& t, const QuantConfig& config,
                            const CancelToken* cancel = nullptr,
                            const Importance* importance = nullptr);

// quantize() for low-bit schemes (quantizeInto dispatches here).
// values: shown the dequantized values (QuantOutputs::values).
// keep false: the caller wants neither codes nor values; the format makes each part in a small
// window that stays in cache and r.codes / r.dequantized are left empty (never sized).
void quantizeLowbitInto(const Tensor& t, const QuantConfig& config, QuantResult& r,
                        const CancelToken* cancel = nullptr, const Importance* importance = nullptr,
                        ValueObserver* values = nullptr, bool keep = true);

// qs::Error unless `scheme` has an importance-weighted path (naming the schemes that have one;
// for q8_0 saying that llama.cpp ignores importance there).
void checkImportanceScheme(Scheme scheme);
// checkImportanceScheme, and qs::Error unless `importance` fits t's rows (checkImportanceFits).
void checkImportanceFor(const Tensor& t, Scheme scheme, const Importance& importance);
// The GGML quantizers' view of an importance (its values and expert groups).
GgmlImportance ggmlImportanceOf(const Importance& importance);

// dequantizeCode / quantizationGrid for low-bit parameters (slice already checked).
double lowbitDequantizeCode(const QuantParams& p, int64_t slice, int64_t q);
std::vector<double> lowbitGrid(const QuantParams& p, int64_t slice);

} // namespace qs
