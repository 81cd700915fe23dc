#include "core/base/tensor.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace qs {

Tensor::Tensor(std::string name_, std::vector<int64_t> shape_, std::vector<float> data_)
    : name(std::move(name_)), shape(std::move(shape_)), data(std::move(data_))
{
    const int64_t n = shapeProduct(shape);
    if (n != static_cast<int64_t>(data.size()))
        throw Error("tensor '" + name + "': shape " + shapeString() + " holds " +
                    std::to_string(n) + " values but " + std::to_string(data.size()) +
                    " were given");
}

std::string Tensor::shapeString() const
{
    return qs::shapeString(shape);
}

std::string shapeString(const std::vector<int64_t>& shape)
{
    if (shape.empty())
        return "scalar";
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += 'x';
        s += std::to_string(shape[i]);
    }
    return s;
}

int64_t shapeProduct(const std::vector<int64_t>& shape)
{
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0)
            throw Error("shape has a negative dimension (" + std::to_string(d) + ")");
        if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
            throw Error("shape is too large: the number of elements overflows 64 bits");
        n *= d;
    }
    return n;
}

std::vector<int64_t> parseShape(const std::string& text)
{
    std::vector<int64_t> shape;
    if (text == "scalar")
        return shape;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find_first_of("x,X*", pos);
        if (end == std::string::npos)
            end = text.size();
        std::string part = text.substr(pos, end - pos);
        part.erase(std::remove_if(part.begin(), part.end(),
                                  [](unsigned char c) { return std::isspace(c); }),
                   part.end());
        if (part.empty() ||
            !std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); }))
            throw Error("invalid shape '" + text + "': expected positive integers like 4096x1024");
        if (part.size() > 12)
            throw Error("invalid shape '" + text + "': dimension " + part + " is too large");
        shape.push_back(std::stoll(part));
        pos = end + 1;
        if (end == text.size())
            break;
    }
    shapeProduct(shape); // overflow check
    return shape;
}

int64_t SliceLayout::numSlices() const
{
    switch (kind) {
    case Granularity::PerTensor:
        return 1;
    case Granularity::PerChannel:
        return len;
    case Granularity::PerGroup:
        return outer * groupsPerLine * inner;
    }
    return 1;
}

int64_t SliceLayout::sliceSize(int64_t s) const
{
    switch (kind) {
    case Granularity::PerTensor:
        return numel();
    case Granularity::PerChannel:
        return outer * inner;
    case Granularity::PerGroup: {
        const int64_t g = (s / inner) % groupsPerLine;
        const int64_t a0 = g * groupSize;
        return std::min(len, a0 + groupSize) - a0;
    }
    }
    return 0;
}

int64_t SliceLayout::sliceOf(int64_t flat) const
{
    switch (kind) {
    case Granularity::PerTensor:
        return 0;
    case Granularity::PerChannel:
        return (flat / inner) % len;
    case Granularity::PerGroup: {
        const int64_t i = flat % inner;
        const int64_t a = (flat / inner) % len;
        const int64_t o = flat / (inner * len);
        return (o * groupsPerLine + a / groupSize) * inner + i;
    }
    }
    return 0;
}

SliceLayout makeSliceLayout(const std::vector<int64_t>& shape, Granularity kind, int axis,
                            int64_t groupSize)
{
    SliceLayout L;
    L.kind = kind;
    const int64_t n = shapeProduct(shape);
    if (kind == Granularity::PerTensor) {
        L.outer = 1;
        L.len = n;
        L.inner = 1;
        return L;
    }
    const int rank = static_cast<int>(shape.size());
    if (rank == 0)
        throw Error("per-channel and per-group quantization need a tensor with at least one "
                    "dimension; this tensor is a scalar");
    const int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
        throw Error("axis " + std::to_string(axis) + " is out of range for a tensor of rank " +
                    std::to_string(rank) + " (valid: 0.." + std::to_string(rank - 1) + ")");
    L.axis = a;
    L.outer = 1;
    for (int i = 0; i < a; ++i)
        L.outer *= shape[i];
    L.len = shape[a];
    L.inner = 1;
    for (int i = a + 1; i < rank; ++i)
        L.inner *= shape[i];
    if (kind == Granularity::PerGroup) {
        if (groupSize < 1)
            throw Error("group size must be at least 1 (got " + std::to_string(groupSize) + ")");
        L.groupSize = groupSize;
        L.groupsPerLine = L.len == 0 ? 0 : (L.len + groupSize - 1) / groupSize;
    }
    return L;
}

void gatherSlice(const float* data, const SliceLayout& layout, int64_t s, std::vector<float>& out)
{
    out.resize(static_cast<size_t>(layout.sliceSize(s)));
    float* dst = out.data();
    layout.forEachRun(s, [&](int64_t offset, int64_t count, int64_t stride) {
        const float* src = data + offset;
        if (stride == 1) {
            std::copy(src, src + count, dst);
        } else {
            for (int64_t k = 0; k < count; ++k)
                dst[k] = src[k * stride];
        }
        dst += count;
    });
}

} // namespace qs
