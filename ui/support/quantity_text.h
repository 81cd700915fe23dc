// Counts, sizes, shapes and names as the model browser and the Model view show them.
#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace qs::ui {

// "3.4 M" parameters, "1.2 MiB": one decimal below 100 of a unit, none above.
QString formatCount(int64_t count);
QString formatSize(int64_t bytes);
// "4096x11008", "scalar".
QString shapeText(const std::vector<int64_t>& shape);
// Natural order: digit runs compare as numbers, the rest case-insensitively.
bool naturalLess(const QString& a, const QString& b);

} // namespace qs::ui
