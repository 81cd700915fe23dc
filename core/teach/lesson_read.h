// The parts of the lesson reader that lesson.cpp shares with lesson_source.cpp (the data of a
// lesson) and lesson_expect.cpp (the numbers it asserts). Internal to core/teach.
#pragma once

#include "core/config/json_read.h"
#include "core/teach/lesson.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace qs::lesson_detail {

// A "source" object: exactly one of values, generate, dataset, image.
LessonSource parseSource(const JsonReader& r, const nlohmann::json& o, const std::string& path);
Tensor sourceTensor(const LessonSource& s);

// An "expect" object.
LessonExpect parseExpect(const JsonReader& r, const nlohmann::json& o, const std::string& path);

} // namespace qs::lesson_detail
