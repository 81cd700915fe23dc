#include "ui/support/lesson_library.h"

#include "core/base/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

// Resources of a static library must be registered explicitly (outside any namespace); the CLI
// has no window that would do it.
static void initLessonResources()
{
    Q_INIT_RESOURCE(quantscope);
}

namespace qs::ui {

namespace {

const QString kPrefix = QStringLiteral(":/lessons/");

void ensureResources()
{
    static const bool done = [] {
        initLessonResources();
        return true;
    }();
    (void)done;
}

} // namespace

QStringList builtinLessonIds()
{
    ensureResources();
    QStringList ids;
    for (const QString& f : QDir(kPrefix).entryList({QStringLiteral("*.json")}, QDir::Files))
        ids << f.chopped(5);
    ids.sort();
    return ids;
}

QString builtinLessonTitle(const QString& id)
{
    try {
        return QString::fromStdString(findLesson(id).title);
    } catch (const Error&) {
        return id;
    }
}

Lesson findLesson(const QString& nameOrPath)
{
    ensureResources();
    QString id = nameOrPath;
    if (id.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) || id.contains(QLatin1Char('/')))
        if (QFileInfo::exists(nameOrPath))
            return loadLesson(QFile::encodeName(nameOrPath).toStdString());
    if (id.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        id.chop(5);
    id = QString::fromStdString(currentLessonId(id.toStdString())); // old ids still work
    QFile f(kPrefix + id + QStringLiteral(".json"));
    if (id.isEmpty() || id.contains(QLatin1Char('/')) || !f.open(QIODevice::ReadOnly))
        throw Error("no lesson '" + nameOrPath.toStdString() +
                    "': not a lesson file, and the built-in lessons are " +
                    builtinLessonIds().join(QStringLiteral(", ")).toStdString());
    return parseLesson(f.readAll().toStdString(), "lesson '" + id.toStdString() + "'");
}

} // namespace qs::ui
