// Code-book quantization: every element is replaced by the index of a value of a small table.
//
// - NF4: the 16 values of bitsandbytes (normal-float 4-bit, index order as bitsandbytes stores
//   them: 0 = -1, 7 = 0, 15 = 1).
// - bitsandbytes FP4: sign bit 3 and the magnitudes {0, 0.0625, 8, 12, 4, 6, 2, 3} / 12 for
//   index bits 0..2 (0b000 = 0, 0b001 = 0.0625/12, 0b010 = 8/12, 0b011 = 1, 0b100 = 4/12,
//   0b101 = 6/12, 0b110 = 2/12, 0b111 = 3/12), the float32 table of its CUDA kernels. This is
//   not OCP E2M1.
// - A user code book: any list of finite values (sorted and de-duplicated on construction).
// - The MSE-optimal code book of a tensor at b bits (Lloyd-Max / 1-D k-means), the bound every
//   uniform b-bit grid should be compared with.
//
// Nearest value: an element takes the code-book value closest to it; at an exact midpoint
// between two neighbours the one of smaller magnitude wins (and +v over -v). NF4 and FP4 follow
// bitsandbytes' own decision trees instead (thresholds = float32 midpoints, "x > threshold"
// picks the upper value), and the dynamic 8-bit map its binary search (a midpoint goes to the
// even index), which agree with the rule above except at exact midpoints.
//
// Blockwise absmax (bitsandbytes): the flat tensor is cut into blocks of blockSize elements
// (the last one shorter), absmax = max |x| of the block is stored as float32, the element
// x * (1 / absmax) (float32, as the kernel multiplies by the inverse) is coded with a code book
// on [-1, 1], and x^ = value[code] * absmax. A block of zeros gives absmax 0; as in the kernel
// (0 * inf = NaN falls through the decision tree) its codes are those of NaN in the tree
// (NF4: 0, FP4: 0, the dynamic map: 0; a user code book: the code nearest to 0) and x^ = +-0.
#pragma once

#include "core/formats/lowbit.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct Codebook {
    enum class Kind { Custom, NF4, FP4, Dynamic };
    Kind kind = Kind::Custom;
    std::string name;
    std::vector<float> values; // index = code; Custom, Dynamic: ascending and unique
    int bitsPerCode() const;   // ceil(log2(size)), at least 1
};

// The bitsandbytes tables (NF4 blocksize 64 is bitsandbytes' 4-bit default).
const Codebook& nf4Codebook();
const Codebook& bnbFp4Codebook();
// bitsandbytes' dynamic 8-bit map (core/formats/dynamic_map.h: 256 ascending values, code = index),
// coded by its binary search (dQuantize); blocksize 4096 is quantize_blockwise's default.
const Codebook& bnbDynamicCodebook();

// A user code book. Throws qs::Error for an empty list, a non-finite value or more than 65536
// values; duplicates are merged and the values sorted.
Codebook makeCodebook(const std::vector<double>& values, const std::string& name = "codebook");

// Index of the code-book value nearest to v (rule above). v must not be NaN.
int32_t nearestCode(const Codebook& cb, float v);

// Element-wise: every finite x becomes its nearest value (no scaling). The code book is stored
// with the codes (32 bits per entry counted in the storage). Non-finite: NaN gets the code of
// the value nearest to 0, +-Inf the largest / smallest value; x^ = the input.
LowbitResult quantizeWithCodebook(const float* x, int64_t n, const Codebook& cb,
                                  const CancelToken* cancel = nullptr);

// Blockwise absmax quantization with a code book on [-1, 1] (NF4, FP4 or a user table).
// Storage: n * bitsPerCode + 32 bits per block (NF4 at blocksize 64: 4.5 bits per element;
// bitsandbytes' optional double quantization of the absmax values is not modelled).
// Non-finite values are left out of absmax and keep their value in x^.
LowbitResult quantizeBlockwiseAbsmax(const float* x, int64_t n, const Codebook& cb,
                                     int64_t blockSize = 64, const CancelToken* cancel = nullptr);

// Linear absmax 8-bit blocks: absmax per block (float32), q = round-half-even(x * (127 /
// absmax)) in float32, x^ = q * (absmax / 127). The uniform counterpart of bitsandbytes'
// blockwise 8-bit quantization, which by default uses its non-uniform "dynamic" 8-bit code
// instead (not reproduced here). Storage 8 bits per element + 32 bits per block.
LowbitResult quantizeAbsmaxInt8Blockwise(const float* x, int64_t n, int64_t blockSize = 4096,
                                         const CancelToken* cancel = nullptr);

// Lloyd-Max: the code book of 2^bits values minimising the squared error on the finite values
// of x. Deterministic. Runs on the sorted values themselves when there are at most
// `exactLimit` of them, otherwise on a histogram of `histogramBins` equal bins (each bin a
// point at the mean of its values, weighted by its count; bins are never split, so this is the
// exact optimum over bin-respecting partitions). Lloyd's iteration (cells at the midpoints,
// centroids at the cell means) runs to convergence (largest move <= 1e-9 of the range) or
// maxIterations from several starts: the uniform quantiles, the uniform min-max grid, and the
// high-resolution optimum (level density proportional to p^(1/3), p from histograms of 32, 128
// and 512 bins), because on sampled data Lloyd stops at local optima. The best result is
// compared with the uniform min-max grid on the full data and the better one is returned, so the
// code book is never worse than the uniform grid of the same bits. Levels that coincide (fewer
// distinct values than 2^bits) are merged.
struct LloydMaxOptions {
    int maxIterations = 1000;
    int64_t exactLimit = int64_t(1) << 16;
    int histogramBins = 65536;
};
// Throws qs::Error for bits outside 1..8 or no finite values, qs::Cancelled when `cancel` fires
// (checked between Lloyd iterations and passes over the data).
Codebook lloydMaxCodebook(const float* x, int64_t n, int bits, const LloydMaxOptions& options = {},
                          const CancelToken* cancel = nullptr);

// quantizeWithCodebook with the Lloyd-Max code book of x (format "lloyd-max-<bits>").
LowbitResult quantizeLloydMax(const float* x, int64_t n, int bits,
                              const LloydMaxOptions& options = {},
                              const CancelToken* cancel = nullptr);

// Mean squared error of coding the finite values of x with cb (nearest value), in double.
double codebookMse(const float* x, int64_t n, const Codebook& cb,
                   const CancelToken* cancel = nullptr);

} // namespace qs
