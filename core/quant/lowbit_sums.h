// The per-block sums of the low-bit results (lowbit_quantize.cpp): errors, signal, clipping,
// data range and the codes used by the finite values of one block, in one pass over its input,
// values and codes. On processors with AVX2 four elements per instruction (double sums in four
// lanes, added in lane order: the same result for any thread count). LowbitSlices takes them
// block by block while a format fills its result, each block still in cache.
#pragma once

#include "core/base/code_buffer.h"
#include "core/base/value_observer.h"
#include "core/formats/lowbit.h"
#include "core/quant/quantize.h"
#include "core/stats/metrics.h"

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace qs::quantize_detail {

// Code-usage flags of up to 256 codes (bit k: code qmin + k seen on a finite value). A cache
// line of its own: each thread updates its mask block after block, and masks sharing a line
// would make the threads wait for each other.
struct alignas(64) CodeMask {
    uint64_t bits[4] = {0, 0, 0, 0};
    void set(int64_t k) { bits[k >> 6] |= uint64_t(1) << (k & 63); }
    void add(const CodeMask& o)
    {
        for (int w = 0; w < 4; ++w)
            bits[w] |= o.bits[w];
    }
    int64_t count() const
    {
        int64_t c = 0;
        for (uint64_t w : bits)
            c += __builtin_popcountll(w);
        return c;
    }
};

// The per-slice sums of quantize() for one block of cnt elements (clipped = finite inputs
// outside [lo, hi], the block's representable range, whose ends are float32 values). With
// levels <= 256 the codes used are also flagged in seen.
// Codes are stored as in CodeBuffer: element i's code is codes.offset + codes.at(i).
struct StoredCodes {
    const void* data = nullptr; // uint8_t when narrow, else uint16_t
    bool narrow = false;
    int32_t offset = 0;
};
SliceMetrics::Sums blockSums(const float* x, const float* xh, const StoredCodes& codes, int64_t cnt,
                             double lo, double hi, int64_t qmin, int64_t levels, double& dataMin,
                             double& dataMax, CodeMask& seen);

// The sums of two parts of a slice or tensor, in that order.
void addSums(SliceMetrics::Sums& total, const SliceMetrics::Sums& v);

// Geometry of the blocks of a LowbitResult (element-wise: one block of everything).
struct LowbitBlocks {
    int64_t n = 0, rowLength = 0, blockSize = 0, perRow = 1, count = 1;
    explicit LowbitBlocks(const LowbitResult& lr);
    int64_t start(int64_t b) const { return (b / perRow) * rowLength + (b % perRow) * blockSize; }
    int64_t size(int64_t b) const
    {
        return std::min(blockSize, rowLength - (b % perRow) * blockSize);
    }
};

// The slices of a low-bit QuantResult from its LowbitResult: per block (slice) the scale,
// offset, representable range, data range and sums; an element-wise format's one slice summed
// over pieces of kLowbitPiece elements, merged in piece order. As a LowbitObserver it takes
// each part while the format fills it; finish() does the parts it did not see afterwards (all
// of them for a format that does not report its parts). The same numbers either way, for any
// thread count.
class LowbitSlices : public LowbitObserver {
public:
    // Sets the scheme-wide fields of r.params (scheme, code table, layout, zero points) for lr.
    // values: shown every part's dequantized values (and a sample first) as ready() takes them,
    // or by finish() for a format that does not report its parts (null: none).
    using Prepare = std::function<void(const LowbitResult& lr, QuantParams& p)>;
    // windowed: the format writes each part into a window of this observer (lendsWindows), so
    // that no codes or values of the whole tensor are kept.
    LowbitSlices(const float* x, Scheme scheme, QuantResult& r, Prepare prepare,
                 ValueObserver* values = nullptr, bool windowed = false);
    ~LowbitSlices() override;
    LowbitSlices(const LowbitSlices&) = delete;
    LowbitSlices& operator=(const LowbitSlices&) = delete;

    void begin(const LowbitResult& lr) override;
    void ready(const LowbitResult& lr, int64_t first, int64_t end) override;
    int64_t sampleStride(int64_t parts, int64_t n) const override;
    void sample(const LowbitResult& lr, int64_t first, int64_t end) override;
    void sampled() override;
    bool lendsWindows() const override { return m_windowed; }
    LowbitOut window(const LowbitResult& lr, int64_t first, int64_t end) override;
    // The parts not seen yet, then the element-wise slice merged. Returns the distinct codes of
    // the finite values when the format has at most 256 codes, else -1.
    int64_t finish(const LowbitResult& lr);

    // Windowed: per thread, the values and codes of its run m_unshown[slot] (element first at
    // index 0), and with more than 256 codes the codes its finite values used (one flag each).
    struct Window {
        std::vector<float> values;
        std::vector<uint16_t> codes;
        std::vector<uint8_t> used;
    };

private:
    void blockReady(const LowbitResult& lr, int64_t b, CodeMask& seen);
    void pieceReady(const LowbitResult& lr, int64_t first, int64_t end, CodeMask& seen);
    void mergePieces();
    // The elements of parts [first, end) (blocks, or elements of an element-wise format).
    std::pair<int64_t, int64_t> elementsOf(const LowbitResult& lr, int64_t first,
                                           int64_t end) const;
    void partsAfterwards(const LowbitResult& lr);
    size_t slot() const;
    // Where the values and codes of element i are: this thread's window or lr's arrays.
    LowbitOut outputs(const LowbitResult& lr, size_t slot) const;
    void flagWideCodes(const LowbitOut& out, int64_t first, int64_t end, size_t slot);

    const float* m_x;
    Scheme m_scheme;
    QuantResult& m_r;
    Prepare m_prepare;
    ValueObserver* m_values;
    bool m_windowed;
    bool m_begun = false, m_blockwise = true;
    int64_t m_levels = 0;
    float m_eLo = 0, m_eHi = 0;   // representable extremes of the element values
    std::vector<CodeMask> m_seen; // per thread
    // Per thread, the run of finished elements not yet shown to m_values: consecutive parts are
    // shown together, up to kShownRun elements, so that the observer's work interrupts the
    // format's loop less often while the values are still in cache.
    struct alignas(64) Unshown {
        int64_t first = 0, end = 0;
    };
    std::vector<Unshown> m_unshown;
    std::vector<Window> m_windows;
    const LowbitResult* m_lr = nullptr;
    void show(size_t slot);
    std::vector<SliceMetrics::Sums> m_pieceSums; // element-wise formats: per piece
    std::vector<double> m_pieceMin, m_pieceMax;
};

} // namespace qs::quantize_detail
