// The built-in data sets (the course notebooks' inputs, docs/REFERENCES.md, and a test image) and
// the old names that built-in lessons and data sets are still found by.
#pragma once

#include "core/base/tensor.h"

#include <string>
#include <vector>

namespace qs {

// "uniform-10" (10 values in [0, 5), the truncation notebook), "mixed-20" (20 values, the
// asymmetric-vs-symmetric notebook), "outlier-10k" (10 000 uniform values in [-50, 150] at 2
// decimals, the last one 1000, seed 2: the outlier notebook), "he-10" (10 He weights in float32,
// the He-weights notebook), "image" (builtinImage(96, 64)).
std::vector<std::string> builtinDatasetNames();

// The data set of that name. An old name (seed000 ... seed003) gives the same values under the
// old name. Throws qs::Error listing the names for an unknown one.
Tensor builtinDataset(const std::string& name);

// The current name of a data set: the name itself, or for an old name the one that replaced it.
std::string currentDatasetName(const std::string& name);

// The current id of a built-in lesson: the id itself, or for an old id ("seed002-outlier", or
// just "seed002") the one that replaced it ("outlier").
std::string currentLessonId(const std::string& id);

} // namespace qs
