// libFuzzer harness: arbitrary bytes as a lesson JSON file; a lesson that parses must give every
// step's configuration, and that configuration must be one QuantConfig::validate() accepts.
#include "tests/fuzz/fuzz_reader.h"

#include "core/teach/lesson.h"

#include <string>

QS_FUZZ_READER(lesson)
{
    const qs::Lesson lesson =
        qs::parseLesson(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    if (lesson.numSteps() < 1)
        qs::fuzz::broken("a lesson without steps");
    for (int i = 0; i < lesson.numSteps(); ++i)
        qs::lessonConfig(lesson, i).validate();
}
