// A step's "expect" compared with a result, item by item: the one comparison (rules and
// tolerances) behind checkLesson(), which turns the failures into messages, and the lesson
// panel, which shows every asserted item with a ✓ or ✗.
#pragma once

#include "core/quant/quantize.h"
#include "core/teach/lesson.h"

#include <cstdint>
#include <vector>

namespace qs {

// An asserted count (clipped values, levels used, float overflows ...).
struct ExpectedCount {
    const char* name;  // in messages: "clipped-low count"
    const char* label; // in the panel's table: "clipped low"
    int64_t want = 0, got = 0;
    bool ok() const { return want == got; }
};

// Each field is meaningful only when the expect asserts that item (see LessonExpect).
struct ExpectComparison {
    bool scaleCountOk = true;      // as many scales as slices
    std::vector<size_t> badScales; // indices outside scaleRelTol (when the count is ok)
    bool zeroPointOk = true, qminOk = true, qmaxOk = true;
    bool codesCountOk = true;  // as many codes as the result
    int64_t firstBadCode = -1; // the first differing code (when the count is ok)
    size_t codesMatching = 0;  // asserted codes equal to the result's
    bool dequantizedCountOk = true;
    int64_t firstBadDequantized = -1; // the first value outside dequantizedAbsTol
    size_t dequantizedMatching = 0;   // asserted values within dequantizedAbsTol
    double mse = 0;                   // over all values but the last excludeLast
    bool mseOk = true, mseInRange = true, sqnrInRange = true;
    bool bitsPerElementOk = true;
    std::vector<ExpectedCount> counts; // the asserted counts, in LessonExpect's order

    bool scaleOk() const { return scaleCountOk && badScales.empty(); }
    bool codesOk() const { return codesCountOk && firstBadCode < 0; }
    bool dequantizedOk() const { return dequantizedCountOk && firstBadDequantized < 0; }
};

// Compares the expect of a step with a result of that step's tensor.
ExpectComparison compareExpect(const LessonExpect& e, const Tensor& t, const QuantResult& r);

} // namespace qs
