// The counts of config_fields.h.
#include "core/config/config_fields.h"

namespace qs {

int fieldCount()
{
    int n = 0;
    forEachField([&](const auto&) { ++n; });
    return n;
}

int quantConfigMemberCount()
{
    // One name per data member: a member added to QuantConfig stops the build here until it is
    // named, which is the moment to give it its row in config_fields.h.
    [[maybe_unused]] const auto& [bits, clampBits, scheme, signedCodes, fullRange, includeZero,
                                  unsignedSymmetric, constantRange, rounding, roundingOrder,
                                  zeroPointRounding, symmetricScale, multiplyByInverse,
                                  float32Params, reciprocalScale, seed, saturate, mxScaleRounding,
                                  codebook, preset, range, percentile, granularity, axis,
                                  groupSize] = QuantConfig();
    return 25;
}

} // namespace qs
