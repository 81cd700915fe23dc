// Shared set-up of the block formats (see lowbit.h).
#include "core/lowbit.h"

#include "core/error.h"

namespace qs {

void initBlocks(LowbitResult& r, const char* what, int64_t n, int64_t rowLength, int64_t blockSize)
{
    const std::string name(what);
    if (n < 1)
        throw Error(name + ": the tensor is empty");
    if (blockSize < 1)
        throw Error(name + ": block size must be at least 1, got " + std::to_string(blockSize));
    if (rowLength < 0)
        throw Error(name + ": row length must not be negative, got " + std::to_string(rowLength));
    if (rowLength == 0)
        rowLength = n;
    if (n % rowLength != 0)
        throw Error(name + ": row length " + std::to_string(rowLength) +
                    " does not divide the number of elements " + std::to_string(n));
    r.format = name;
    r.blockSize = blockSize;
    r.rowLength = rowLength;
    r.blocksPerRow = (rowLength + blockSize - 1) / blockSize;
    r.codes.assign(static_cast<size_t>(n), 0);
    r.dequantized.assign(static_cast<size_t>(n), 0.0f);
    r.scales.assign(static_cast<size_t>((n / rowLength) * r.blocksPerRow), 0.0f);
}

} // namespace qs
