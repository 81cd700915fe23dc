// The width integer codes are stored with (CodeBuffer): one byte when the scheme's codes span at
// most 256 values, else two. Tests and benchmarks can keep every integer scheme at two bytes,
// the reference the one-byte path is compared with.
#pragma once

namespace qs::detail {

// Store integer codes in at least `bytes` bytes (1 or 2) from now on, in every thread; 1
// restores the default. Throws qs::Error for another width.
void useCodeWidth(int bytes);

} // namespace qs::detail
