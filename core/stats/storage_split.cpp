// The text of a storage split (see storage_split.h).
#include "core/stats/storage_split.h"

#include <cstdio>
#include <utility>

namespace qs {

std::string storageSplitText(const StorageSplit& split, int64_t numel)
{
    const std::pair<double, const char*> parts[] = {{split.payloadBits, "payload"},
                                                    {split.scaleBits, "scales"},
                                                    {split.minBits, "mins"},
                                                    {split.secondLevelBits, "second level"}};
    std::string text;
    for (const auto& [bits, name] : parts) {
        if (bits == 0 && !(text.empty() && bits == split.totalBits()))
            continue;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g %s", StorageSplit::perElement(bits, numel), name);
        text += (text.empty() ? "" : " + ") + std::string(buf);
    }
    return text;
}

} // namespace qs
