// Sessions: the whole state of the window (where the tensor came from, the full QuantConfig and
// the view) as a small `.qscope` JSON file, so a user can save an exploration and reopen it, and
// the screenshots in the docs can be reproduced. Also used for the "last session" the window
// restores from QSettings. Reading validates every field and throws qs::Error naming the bad one.
#pragma once

#include "core/config/quant_config.h"
#include "core/data/generators.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace qs::ui {

// Where the tensor comes from.
struct SourceSpec {
    enum class Kind {
        Generated, // qs::generate(generator)
        File,      // a file on disk (+ member of .npz/.safetensors, grayscale for images)
        Custom,    // handed to the window directly (not reproducible; saved as the generator)
    };
    Kind kind = Kind::Generated;
    GeneratorOptions generator;
    QString path;
    QString member;
    bool grayscale = false;
};

struct Session {
    SourceSpec source;
    QuantConfig config;
    QString tab = QStringLiteral("values"); // chart kind name of the current tab
    int errorBins = 101;
    int valueBins = 256;
};

// The built-in example: 4096 normal values (seed 1) with two outliers at 6, so clipping and
// range methods show a difference at once.
GeneratorOptions exampleGenerator();

// Every field of core/config/config_fields.h under its JSON key (the keys of the report).
QJsonObject configToJson(const QuantConfig& config);
QuantConfig configFromJson(const QJsonObject& object); // missing keys keep the defaults
QJsonObject generatorToJson(const GeneratorOptions& options);
GeneratorOptions generatorFromJson(const QJsonObject& object);

QByteArray sessionToJson(const Session& session);
// `where` names the file in error messages. Relative source paths are resolved against baseDir.
Session sessionFromJson(const QByteArray& json, const QString& where, const QString& baseDir = {});

// Atomic write (qs::AtomicFile); throws qs::Error on failure.
void saveSessionFile(const Session& session, const QString& path);
// Also checks that a file source exists, so that a session naming a file that is gone changes
// nothing where it is opened.
Session loadSessionFile(const QString& path);

QString fanModeName(FanMode mode);
FanMode fanModeFromName(const QString& name);

} // namespace qs::ui
