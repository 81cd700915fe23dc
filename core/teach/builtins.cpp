// The built-in data sets and the old names of the notebook lessons and data sets.
#include "core/teach/builtins.h"

#include "core/base/error.h"
#include "core/data/generators.h"
#include "core/teach/image_quant.h"

#include <utility>

namespace qs {

namespace {

using Renamed = std::pair<const char*, const char*>; // old name, current name

constexpr Renamed kOldDatasetNames[] = {
    {"seed000", "uniform-10"},
    {"seed001", "mixed-20"},
    {"seed002", "outlier-10k"},
    {"seed003", "he-10"},
};

constexpr Renamed kOldLessonIds[] = {
    {"seed000-truncation", "truncation"},
    {"seed000", "truncation"},
    {"seed001-asymmetric-vs-symmetric", "asymmetric-vs-symmetric"},
    {"seed001", "asymmetric-vs-symmetric"},
    {"seed002-outlier", "outlier"},
    {"seed002", "outlier"},
    {"seed003-he-weights", "he-weights"},
    {"seed003", "he-weights"},
    {"seed004-float16-vs-int8", "float16-vs-int8"},
    {"seed004", "float16-vs-int8"},
};

template <size_t N> std::string currentName(const Renamed (&table)[N], const std::string& name)
{
    for (const auto& [old, current] : table)
        if (name == old)
            return current;
    return name;
}

// The outlier notebook's input: np.random.seed(2), uniform [-50, 150] rounded to 2 decimals,
// and 1000 appended.
Tensor outlier10k(const std::string& name)
{
    GeneratorOptions g;
    g.distribution = Distribution::Uniform;
    g.shape = {10000};
    g.seed = 2;
    g.low = -50;
    g.high = 150;
    g.decimals = 2;
    g.outliers = 1;
    g.outlierValue = 1000;
    g.outlierPosition = "end";
    g.name = name;
    return generate(g);
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string valid;
    for (const std::string& n : names)
        valid += (valid.empty() ? "" : ", ") + n;
    return valid;
}

} // namespace

std::vector<std::string> builtinDatasetNames()
{
    return {"uniform-10", "mixed-20", "outlier-10k", "he-10", "image"};
}

std::string currentDatasetName(const std::string& name)
{
    return currentName(kOldDatasetNames, name);
}

std::string currentLessonId(const std::string& id)
{
    return currentName(kOldLessonIds, id);
}

Tensor builtinDataset(const std::string& name)
{
    const std::string current = currentDatasetName(name);
    if (current == "uniform-10")
        return Tensor(name, {10},
                      {0.030478771191066456f, 0.24396521f, 0.34090262f, 1.47798738f, 1.50912517f,
                       3.4922371f, 3.54148801f, 4.00498773f, 4.62802566f, 4.6405932325782535f});
    if (current == "mixed-20")
        return Tensor(name, {20}, {143.78f, -39.62f, 0.f,     41.06f, 62.82f, 64.5f,  -27.52f,
                                   114.18f, 126.33f, -14.02f, 75.06f, 71.51f, 115.f,  119.66f,
                                   -30.98f, 130.7f,  99.07f,  -36.8f, 14.73f, 141.78f});
    if (current == "outlier-10k")
        return outlier10k(name);
    if (current == "he-10")
        return Tensor(name, {10},
                      {0.8558766841888428f, -0.3658445477485657f, -0.3400110602378845f,
                       0.2735912501811981f, -0.45362043380737305f, -0.0493854396045208f,
                       -0.020853079855442047f, 0.022075379267334938f, 0.38768908381462097f,
                       -0.5423163771629333f});
    if (current == "image")
        return builtinImage(96, 64);
    throw Error("unknown built-in dataset '" + name +
                "' (valid: " + joinNames(builtinDatasetNames()) + ")");
}

} // namespace qs
