// Tensor: an N-D array of float32 values in row-major order with a name and the dtype it was
// loaded from. SliceLayout describes how a tensor is cut into the slices that get their own
// quantization parameters (per tensor, per channel along an axis, per group of G consecutive
// elements along an axis).
#pragma once

#include "core/base/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct Tensor {
    std::string name;
    std::vector<int64_t> shape;    // empty shape = 0-d tensor with one value
    std::vector<float> data;       // row-major, size == numel()
    std::string dtype = "float32"; // dtype of the source (npy/safetensors name, e.g. "<f2", "BF16")

    Tensor() = default;
    Tensor(std::string name, std::vector<int64_t> shape, std::vector<float> data);

    int64_t numel() const { return static_cast<int64_t>(data.size()); }
    int rank() const { return static_cast<int>(shape.size()); }
    bool empty() const { return data.empty(); }
    std::string shapeString() const; // "4096x1024", "scalar" for 0-d
};

// "4096x1024", "scalar" for an empty shape.
std::string shapeString(const std::vector<int64_t>& shape);
// Product of a shape; throws qs::Error on negative dimensions or int64 overflow.
int64_t shapeProduct(const std::vector<int64_t>& shape);
// "4096x1024" -> {4096, 1024}; throws qs::Error naming the bad part.
std::vector<int64_t> parseShape(const std::string& text);

enum class Granularity { PerTensor, PerChannel, PerGroup };

// How a tensor is cut into slices. The tensor is seen as [outer, len, inner] around `axis`
// (outer = product of dims before axis, len = shape[axis], inner = product of dims after).
//   PerTensor : one slice holding everything.
//   PerChannel: slice c = all elements whose index along `axis` is c (len slices).
//   PerGroup  : groups of `groupSize` consecutive indices along `axis`; the last group of a line
//               may be shorter. Slices are numbered row-major over (outer, group, inner).
// A slice is a set of runs: `count` elements starting at `offset`, `stride` apart.
struct SliceLayout {
    Granularity kind = Granularity::PerTensor;
    int axis = 0;
    int64_t groupSize = 0;
    int64_t outer = 1, len = 1, inner = 1;
    int64_t groupsPerLine = 1; // PerGroup only

    int64_t numSlices() const;
    int64_t numel() const { return outer * len * inner; }
    // Number of elements in slice s.
    int64_t sliceSize(int64_t s) const;
    // Slice that holds the element at flat (row-major) index i.
    int64_t sliceOf(int64_t flatIndex) const;

    // Calls f(offset, count, stride) for each run of slice s, in increasing offset order.
    template <class F> void forEachRun(int64_t s, F&& f) const
    {
        switch (kind) {
        case Granularity::PerTensor:
            f(int64_t(0), numel(), int64_t(1));
            break;
        case Granularity::PerChannel:
            if (inner == 1) {
                f(s, outer, len); // one element per outer row, len apart
            } else {
                for (int64_t o = 0; o < outer; ++o)
                    f(o * len * inner + s * inner, inner, int64_t(1));
            }
            break;
        case Granularity::PerGroup: {
            const int64_t i = s % inner;
            const int64_t g = (s / inner) % groupsPerLine;
            const int64_t o = s / (inner * groupsPerLine);
            const int64_t a0 = g * groupSize;
            const int64_t a1 = a0 + groupSize < len ? a0 + groupSize : len;
            f(o * len * inner + a0 * inner + i, a1 - a0, inner);
            break;
        }
        }
    }
};

// Builds the layout; throws qs::Error for an axis outside [0, rank), a group size < 1, or a
// granularity other than PerTensor on a 0-d tensor. Negative axes count from the end.
SliceLayout makeSliceLayout(const std::vector<int64_t>& shape, Granularity kind, int axis,
                            int64_t groupSize);

// Copies the values of slice s (in run order) into out (resized).
void gatherSlice(const float* data, const SliceLayout& layout, int64_t s, std::vector<float>& out);

} // namespace qs
