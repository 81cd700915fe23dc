// Integer matrix multiplication as inference engines do it: C = A * B with A and B quantized to
// 8-bit codes, accumulated in integers and requantized with a fixed-point multiplier. Every
// intermediate is kept so a teaching view can show how "int8 gives the same result":
//
//   C_ij = sA sB sum_k (qA_ik - zA)(qB_kj - zB)
//        = sA sB [ sum_k qA_ik qB_kj - zB sum_k qA_ik - zA sum_k qB_kj + K zA zB ]
//
// The accumulation is done in int32 (the real kernels) and, for contrast, in int16 with two's
// complement wraparound after each addition, counting the wraps. Requantization follows gemmlowp
// / TFLite: M = sA sB / sOut is written as M0 * 2^(-shift) with an int32 M0 in [2^30, 2^31),
// then q = zOut + RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc, M0), shift),
// clamped to the output code range. This rounds twice (high mul, then shift), so it can differ
// by one code from round(M * acc) in double, as the real kernels do.
#pragma once

#include "core/base/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// A row-major matrix of codes with its affine parameters: real = scale * (code - zeroPoint).
struct QuantMatrix {
    int64_t rows = 0, cols = 0;
    std::vector<int32_t> codes; // rows * cols
    double scale = 1;
    int64_t zeroPoint = 0;
    int64_t qmin = 0, qmax = 255;
    // Optional: the real values the codes were made from (rows * cols), for the float reference.
    // Empty: the dequantized codes are the reference.
    std::vector<double> values;
};

// Requantization of the int32 accumulator to 8-bit output codes.
struct OutputQuant {
    double scale = 1;
    int64_t zeroPoint = 0;
    bool signedCodes = false; // int8 [-128, 127] instead of uint8 [0, 255]
};

// M = M0 * 2^(leftShift - rightShift), M0 in [2^30, 2^31) (0 when M is 0). One of the shifts is 0.
struct FixedPointMultiplier {
    int32_t m0 = 0;
    int leftShift = 0;
    int rightShift = 0;
    double value() const; // the multiplier this represents, in double
};

// TFLite's QuantizeMultiplier, from frexp: M = f * 2^e with f in [0.5, 1), M0 = round(f * 2^31)
// (2^31 becomes 2^30 with e + 1). Throws qs::Error for M negative, non-finite, or outside
// (2^-31, 2^31).
FixedPointMultiplier quantizeMultiplier(double m);

// gemmlowp's fixed-point primitives (fixedpoint.h), from their published definitions.
// a * b / 2^31 rounded to nearest: nudge +2^30 (or 1 - 2^30 for a negative product), then a
// division truncating toward zero, so positive ties go up and negative ties toward zero.
// Saturates INT32_MIN * INT32_MIN to INT32_MAX.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);
// x / 2^exponent rounded to nearest, ties away from zero; exponent in [0, 31].
int32_t roundingDivideByPOT(int32_t x, int exponent);
// The whole requantization of one accumulator: x * 2^left (saturating), high mul, divide by POT.
int32_t multiplyByQuantizedMultiplier(int32_t acc, const FixedPointMultiplier& m);

struct IntMatmulResult {
    int64_t m = 0, k = 0, n = 0; // A is m x k, B is k x n
    // Per output entry (m * n, row-major) unless noted.
    std::vector<int64_t> sumProducts;   // sum_k qA_ik qB_kj
    std::vector<int64_t> rowSumsA;      // sum_k qA_ik (m entries)
    std::vector<int64_t> colSumsB;      // sum_k qB_kj (n entries)
    std::vector<int64_t> termZeroB;     // -zB * rowSumsA_i
    std::vector<int64_t> termZeroA;     // -zA * colSumsB_j
    int64_t termConstant = 0;           // K zA zB
    std::vector<int32_t> acc32;         // the int32 accumulator: sum of the four terms
    bool int32Overflow = false;         // some term or sum left int32 (never for 8-bit codes and
                                        // K < 2^15)
    std::vector<double> realProduct;    // float reference: A * B from QuantMatrix::values
    std::vector<double> dequantProduct; // sA sB acc32: the exact product of the dequantized inputs
    // int16 accumulation of sum_k qA qB with wraparound after each addition.
    std::vector<int16_t> acc16;
    std::vector<int> wraps16;          // wraparounds per entry
    std::vector<int64_t> overflowed16; // flat indices of entries whose int16 sum is wrong
    // Requantization.
    double multiplier = 0; // M = sA sB / sOut
    FixedPointMultiplier fixedPoint;
    std::vector<int32_t> outCodes;      // zOut + fixed-point(acc), clamped
    std::vector<int32_t> outCodesFloat; // zOut + std::round(M * acc) in double, clamped (the
                                        // fixed-point path agrees up to 1 code on ties)
    std::vector<double> outDequant;     // sOut (q - zOut)
    int64_t outQmin = 0, outQmax = 255;
    int64_t outClipped = 0; // outputs clamped to the code range
};

// Multiplies a (m x k) by b (k x n). Throws qs::Error for mismatched shapes, codes outside their
// range, non-positive scales, k > 65535, or a multiplier quantizeMultiplier rejects.
IntMatmulResult integerMatmul(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out);

// A generated demonstration: A (m x k) uniform in [aLow, aHigh] quantized to uint8 (asymmetric,
// min-max, range includes zero, half-even), B (k x n) normal(0, bStd) quantized to int8
// (symmetric, narrow [-127, 127]); the output scale and zero point come from the min and max of
// the float product (widened to include zero) on uint8, or int8 with outSigned.
struct IntMatmulDemoOptions {
    int64_t m = 4, k = 16, n = 4;
    uint64_t seed = 0;
    double aLow = 0, aHigh = 6; // e.g. post-ReLU activations
    double bStd = 0.5;
    bool outSigned = false;
};

struct IntMatmulDemo {
    QuantMatrix a, b;
    OutputQuant out;
    IntMatmulResult result;
};

// Throws qs::Error for sizes < 1 or > 256, aLow >= aHigh or bStd <= 0.
IntMatmulDemo intMatmulDemo(const IntMatmulDemoOptions& options);

// Reference vector T13 (docs/REFERENCES.md): qA (uint8, sA 0.5, zA 10) = [[12, 8], [10, 14]],
// qB (int8, sB 0.25, zB 0) = [[4, -8], [2, 6]], requantized to uint8 with sOut 0.25, zOut 128;
// small and exact enough to follow by hand.
IntMatmulDemo referenceMatmulT13();

} // namespace qs
