// LowbitResult: what every low-precision format of quantcore returns (8-bit and 4-bit floats,
// microscaling blocks, code books, GGML blocks, bitsandbytes blocks), so that callers can show,
// compare and store them the same way. Block formats cut the tensor into blocks of `blockSize`
// consecutive elements of a row; each block has its own scale (and, for GGML Q4_1, an offset).
//
// Non-finite inputs are never part of a block's parameters. Their dequantized value is the
// input itself (NaN, +Inf, -Inf), so they stay visible; their code is the format's NaN code
// where it has one, otherwise the code of zero (NaN) or of the largest magnitude (+-Inf).
//
// Every format function takes an optional CancelToken, checked between blocks (pieces of
// kLowbitPiece elements for element-wise formats, iterations for Lloyd-Max); once it fires the
// remaining work is skipped and the function throws qs::Cancelled.
#pragma once

#include "core/base/code_buffer.h"
#include "core/base/error.h" // CancelToken: the format functions check it between blocks
#include "core/stats/storage_split.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

// The codes of a format: code - offset lies in [0, span). Formats whose codes span at most 256
// values (float8 / float4 bit patterns, 2- to 8-bit integers, code books of up to 256 entries)
// keep one byte per element, the others (larger code books) two.
struct LowbitCodes {
    int32_t offset = 0;
    int64_t span = 256;
};
constexpr LowbitCodes kUnsignedByteCodes{0, 256};  // 0 .. 255: bit patterns, unsigned integers
constexpr LowbitCodes kSignedByteCodes{-128, 256}; // -128 .. 127

struct LowbitResult {
    std::string format; // "E4M3", "MXFP4", "Q4_0", "NF4", "codebook", ...
    CodeBuffer codes;   // one per element: bit pattern, table index or integer code, in the
                        // narrowest width that holds the format's codes (LowbitCodes)
    std::vector<float> dequantized; // one per element

    // Blocks: element i of row r = i / rowLength lies in block
    //   r * blocksPerRow + (i % rowLength) / blockSize.
    // Element-wise formats have blockSize 0 and no scales.
    int64_t blockSize = 0;
    int64_t rowLength = 0;
    int64_t blocksPerRow = 0;
    std::vector<float> scales;   // per block: the factor the decoder multiplies with (as stored)
    std::vector<float> offsets;  // per block: additive offset (GGML Q4_1 m); empty otherwise
    std::vector<float> codebook; // the value of every code in real or block-relative units,
                                 // for code-book formats (index = code); empty otherwise
    // Two-level formats (NVFP4): the stored code of each block scale (E4M3 bits) and the fp32
    // per-tensor scale; scales[b] is then their product. Empty and 0 otherwise.
    std::vector<uint8_t> scaleCodes;
    float tensorScale = 0;

    int64_t saturated = 0;         // finite inputs clipped to the largest representable magnitude
    int64_t saturatedNegative = 0; // of which negative (clipped at the low end)
    int64_t flushedToZero = 0;     // nonzero finite inputs whose dequantized value is 0
    int64_t nonfinite = 0;         // NaN / +-Inf inputs
    int64_t storageBits = 0;       // codes + per-block scales (+ a stored code book), in bits
    double bitsPerElement = 0;     // storageBits / numel
    StorageSplit storage;          // storageBits as payload, scales, mins and second level
    int64_t codeLevels = 0; // number of codes the format has (2^bits, 255 for -127..127, ...)
    std::vector<std::string> warnings; // e.g. block scales that overflow fp16

    // Elements quantized: the length of codes and dequantized, unless the format wrote them into
    // the windows of an observer (LowbitObserver::lendsWindows), which leaves both empty.
    int64_t elements = 0;

    int64_t numel() const { return codes.empty() ? elements : static_cast<int64_t>(codes.size()); }
    int64_t numBlocks() const { return static_cast<int64_t>(scales.size()); }
    int64_t blockOf(int64_t i) const
    {
        return blockSize > 0 ? (i / rowLength) * blocksPerRow + (i % rowLength) / blockSize : 0;
    }
};

// Element-wise formats work in pieces of this many elements, one after the other per thread.
constexpr int64_t kLowbitPiece = 65536;

// Where a format writes the codes and values of the elements it makes: the arrays of its
// LowbitResult, or the window an observer lends for one part (LowbitObserver::window): element
// i's value at values[i - first], its code - codeOffset at codes[i - first], one byte each when
// narrow (the format's codes span at most 256 values), else two.
struct LowbitOut {
    float* values = nullptr;
    void* codes = nullptr;
    bool narrow = false;
    int32_t codeOffset = 0;
    int64_t first = 0;

    float* valuesAt(int64_t i) const { return values + (i - first); }
    template <class C> C* codesAt(int64_t i) const { return static_cast<C*>(codes) + (i - first); }
    float& value(int64_t i) const { return values[i - first]; }
    void setCode(int64_t i, int32_t code) const
    {
        if (narrow)
            *codesAt<uint8_t>(i) = uint8_t(code - codeOffset);
        else
            *codesAt<uint16_t>(i) = uint16_t(code - codeOffset);
    }
    int32_t code(int64_t i) const
    {
        return codeOffset +
               (narrow ? int32_t(*codesAt<uint8_t>(i)) : int32_t(*codesAt<uint16_t>(i)));
    }
};

// Receives a LowbitResult while a format fills it: each finished part on the thread that wrote
// it, while it is still in cache, so that a caller computes its statistics there instead of in
// a second pass over memory. Block formats report ranges of whole blocks, element-wise formats
// pieces of kLowbitPiece elements. Every format reports its parts (Lloyd-Max through its code
// book's pass); one that did not would never call begin(), and must then not be given windows.
class LowbitObserver {
public:
    virtual ~LowbitObserver() = default;
    // Once, on the calling thread, before any part: r's block geometry (scales and offsets
    // sized), code book, codeLevels and storage are set, its codes and values sized.
    virtual void begin(const LowbitResult& r) = 0;
    // Blocks [first, end) of r (element-wise formats: elements [first, end)) are final: their
    // codes, values, scales and offsets. Called concurrently for disjoint parts.
    virtual void ready(const LowbitResult& r, int64_t first, int64_t end) = 0;
    // A sample before the pass (value_observer.h): after begin(), the parts sampledPart(j, k)
    // of the format's `parts` parts (k = sampleStride, 0: none) are made and shown to sample()
    // as ready() would see them, then sampled() is called and the pass makes every part, those
    // again too.
    virtual int64_t sampleStride(int64_t parts, int64_t n) const
    {
        (void)parts;
        (void)n;
        return 0;
    }
    virtual void sample(const LowbitResult& r, int64_t first, int64_t end)
    {
        (void)r;
        (void)first;
        (void)end;
    }
    virtual void sampled() {}
    // Whether the format writes each part into a window of the observer instead of the result's
    // arrays (asked before the format sizes them: they then stay empty, the code offset set).
    virtual bool lendsWindows() const { return false; }
    // With lendsWindows(): on the thread that makes them, before elements [first, end) of r,
    // where they go. The window holds them until the observer has taken them (ready or sample).
    virtual LowbitOut window(const LowbitResult& r, int64_t first, int64_t end)
    {
        (void)r;
        (void)first;
        (void)end;
        return LowbitOut();
    }
};

// The observer of the format functions called on this thread from now on (null: none).
void setLowbitObserver(LowbitObserver* observer);
LowbitObserver* lowbitObserver();

struct Metrics;

// The metrics of quantize() (quantize.h) for a low-bit result of the finite values of x (same
// length as r): errors and SQNR from computeMetrics, clipping from the saturation counts,
// levels used out of codeLevels, and storage from storageBits and its split.
Metrics lowbitMetrics(const float* x, const LowbitResult& r);

// Buffers for the next LowbitResult sized on this thread (initBlocks, sizeLowbitBuffers): a
// caller that quantizes again and again (quantizeInto with a reused result) lends the codes and
// values of its previous result, so that their memory is reused instead of being allocated and
// zeroed anew. dropLentLowbitBuffers() releases whatever was not taken.
void lendLowbitBuffers(CodeBuffer&& codes, std::vector<float>&& dequantized);
void dropLentLowbitBuffers();

// r.codes (for the window `codes`, reading as its offset where new) and r.dequantized sized n,
// taking the lent buffers if there are any. Old contents are kept where the buffers already were
// large enough: the format writes every element. When this thread's observer lends windows both
// stay empty (r.elements = n, the code offset set).
void sizeLowbitBuffers(LowbitResult& r, int64_t n, LowbitCodes codes);

// The block scales and offsets of a result the caller is done with, kept on this thread for the
// next initBlocks and sizeLowbitOffsets, so that a repeated quantization reuses their memory.
void recycleLowbitBlockVectors(std::vector<float>&& scales, std::vector<float>&& offsets);

// r.offsets sized to r.scales, all 0 (reusing recycled memory).
void sizeLowbitOffsets(LowbitResult& r);

// Checks the shape of a blockwise request and fills the block fields of r (codes and
// dequantized sized n by sizeLowbitBuffers for `codes`, scales sized to the number of
// blocks). rowLength 0
// means one row of n elements. Throws qs::Error naming `what` for n < 1, a null x, blockSize < 1,
// rowLength < 0 or a row length that does not divide n.
void initBlocks(LowbitResult& r, const char* what, const float* x, int64_t n, int64_t rowLength,
                int64_t blockSize, LowbitCodes codes);

} // namespace qs
