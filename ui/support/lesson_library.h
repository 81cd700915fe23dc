// The built-in lessons (resources/lessons/*.json, embedded under :/lessons) and one way to find
// a lesson by name or path, shared by the window, `quantscope --lesson` and
// `quantscope-cli plot --lesson`.
#pragma once

#include "core/teach/lesson.h"

#include <QString>
#include <QStringList>

namespace qs::ui {

// Ids of the built-in lessons (file names without .json), sorted.
QStringList builtinLessonIds();
// Title of a built-in lesson (the id when it cannot be read).
QString builtinLessonTitle(const QString& id);
// A built-in lesson id, or a path to a lesson JSON file (a teacher's own). Throws qs::Error
// naming the lesson or file and the problem; an unknown id lists the built-in ones.
Lesson findLesson(const QString& nameOrPath);

} // namespace qs::ui
