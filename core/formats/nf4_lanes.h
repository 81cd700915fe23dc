// The NF4 blocks of finite values eight elements at a time, on processors with AVX2.
#pragma once

#include "core/formats/lowbit_blocks.h"

namespace qs::formats_detail {

// The codes (the count of the 15 sorted thresholds below x / absmax) and values (values[code] *
// absmax) of the span's finite elements, and the nonzero ones that became 0 added to flushed,
// for the first (s.end - s.start) rounded down to a multiple of 8; returns how many it did (0
// without AVX2, or when the codes are stored with an offset). The same float operations as the
// element loop of NF4, so the same bits.
int64_t nf4Eights(const float* x, const BlockSpan& s, const LowbitOut& out, const float* thresholds,
                  const float* values, float absmax, float inv, int64_t& flushed);

} // namespace qs::formats_detail
