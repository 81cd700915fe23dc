#include "ui/support/session.h"

#include "core/base/error.h"
#include "core/config/config_fields.h"
#include "core/io/atomic_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <optional>
#include <type_traits>
#include <utility>

namespace qs::ui {

namespace {

constexpr const char* kFormat = "quantscope-session";
constexpr int kVersion = 1;

const std::pair<FanMode, const char*> kFanModes[] = {
    {FanMode::FanIn, "fan_in"}, {FanMode::FanOut, "fan_out"}, {FanMode::FanAvg, "fan_avg"}};

[[noreturn]] void fail(const QString& what)
{
    throw Error(what.toStdString());
}

// The value at key, or nothing when the key is missing; a value of another type (is() false)
// is an error saying what it must be.
std::optional<QJsonValue> typedValue(const QJsonObject& o, const char* key,
                                     bool (QJsonValue::*is)() const, const char* mustBe)
{
    if (!o.contains(key))
        return std::nullopt;
    const QJsonValue v = o.value(key);
    if (!(v.*is)())
        fail(QStringLiteral("'%1' must be %2").arg(QLatin1String(key), QLatin1String(mustBe)));
    return v;
}

// Typed readers: a missing key keeps the default, a key of the wrong type is an error.
double readNumber(const QJsonObject& o, const char* key, double def)
{
    const auto v = typedValue(o, key, &QJsonValue::isDouble, "a number");
    return v ? v->toDouble() : def;
}

int64_t readInt(const QJsonObject& o, const char* key, int64_t def, int64_t lo, int64_t hi)
{
    const double d = readNumber(o, key, double(def));
    if (!std::isfinite(d) || d != std::floor(d) || d < double(lo) || d > double(hi))
        fail(QStringLiteral("'%1' must be an integer in [%2, %3], got %4")
                 .arg(key)
                 .arg(lo)
                 .arg(hi)
                 .arg(d));
    return static_cast<int64_t>(d);
}

bool readBool(const QJsonObject& o, const char* key, bool def)
{
    const auto v = typedValue(o, key, &QJsonValue::isBool, "true or false");
    return v ? v->toBool() : def;
}

QString readString(const QJsonObject& o, const char* key, const QString& def)
{
    const auto v = typedValue(o, key, &QJsonValue::isString, "a string");
    return v ? v->toString() : def;
}

// Seeds are 64-bit: stored as a number when JSON doubles hold them exactly, else as a string.
QJsonValue seedToJson(uint64_t seed)
{
    if (seed <= (uint64_t(1) << 53))
        return QJsonValue(double(seed));
    return QJsonValue(QString::number(seed));
}

uint64_t readSeed(const QJsonObject& o, const char* key, uint64_t def)
{
    if (!o.contains(key))
        return def;
    const QJsonValue v = o.value(key);
    if (v.isString()) {
        bool ok = false;
        const qulonglong s = v.toString().toULongLong(&ok);
        if (!ok)
            fail(QStringLiteral("'%1' is not an unsigned 64-bit integer").arg(key));
        return s;
    }
    return static_cast<uint64_t>(readInt(o, key, 0, 0, int64_t(1) << 53));
}

std::vector<double> readNumbers(const QJsonObject& o, const char* key,
                                const std::vector<double>& def)
{
    if (!o.contains(key))
        return def;
    const QJsonValue v = o.value(key);
    if (!v.isArray())
        fail(QStringLiteral("'%1' must be a list of numbers").arg(key));
    std::vector<double> out;
    for (const QJsonValue& x : v.toArray()) {
        if (!x.isDouble())
            fail(QStringLiteral("'%1' must be a list of numbers").arg(key));
        out.push_back(x.toDouble());
    }
    return out;
}

std::string std8(const QString& s)
{
    return s.toStdString();
}

QString qstr(const std::string& s)
{
    return QString::fromStdString(s);
}

// A field of QuantConfig as stored in a session: enums by name, seeds as seedToJson.
template <class T> QJsonValue toJsonValue(const T& v)
{
    if constexpr (std::is_same_v<T, uint64_t>) {
        return seedToJson(v);
    } else if constexpr (std::is_enum_v<T>) {
        return qstr(toName(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
        return qstr(v);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
        QJsonArray a;
        for (double x : v)
            a.append(x);
        return a;
    } else if constexpr (std::is_same_v<T, bool>) {
        return QJsonValue(v);
    } else {
        return QJsonValue(double(v));
    }
}

// Reads a field if its key is present (a missing key keeps the value).
template <class T> void readField(const QJsonObject& o, const Field<T>& f, QuantConfig& c)
{
    T& v = c.*f.member;
    if constexpr (std::is_same_v<T, bool>) {
        v = readBool(o, f.key, v);
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        v = readSeed(o, f.key, v);
    } else if constexpr (std::is_integral_v<T>) {
        v = T(readInt(o, f.key, v, f.lo, f.hi));
    } else if constexpr (std::is_same_v<T, double>) {
        v = readNumber(o, f.key, v);
    } else if constexpr (std::is_same_v<T, std::string>) {
        v = std8(readString(o, f.key, qstr(v)));
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
        v = readNumbers(o, f.key, v);
    } else {
        static_assert(std::is_enum_v<T>, "a QuantConfig field of a type sessions lack");
        v = choiceFromName<T>(std8(readString(o, f.key, qstr(toName(v)))));
    }
}

} // namespace

GeneratorOptions exampleGenerator()
{
    GeneratorOptions g;
    g.distribution = Distribution::Normal;
    g.shape = {4096};
    g.seed = 1;
    g.mean = 0;
    g.std = 1;
    g.outliers = 2;
    g.outlierValue = 6;
    g.outlierPosition = "random";
    g.name = "example";
    return g;
}

QString fanModeName(FanMode mode)
{
    for (const auto& [m, name] : kFanModes)
        if (m == mode)
            return QLatin1String(name);
    return QStringLiteral("fan_in");
}

FanMode fanModeFromName(const QString& name)
{
    for (const auto& [m, n] : kFanModes)
        if (name == QLatin1String(n))
            return m;
    fail(QStringLiteral("unknown fan mode '%1' (valid: fan_in, fan_out, fan_avg)").arg(name));
}

QJsonObject configToJson(const QuantConfig& c)
{
    QJsonObject o;
    forEachField([&](const auto& f) { o[QLatin1String(f.key)] = toJsonValue(c.*f.member); });
    return o;
}

QuantConfig configFromJson(const QJsonObject& o)
{
    QuantConfig c;
    forEachField([&](const auto& f) { readField(o, f, c); });
    c.validate();
    return c;
}

QJsonObject generatorToJson(const GeneratorOptions& g)
{
    QJsonObject o;
    o["distribution"] = QString::fromStdString(toName(g.distribution));
    QJsonArray shape;
    for (int64_t d : g.shape)
        shape.append(double(d));
    o["shape"] = shape;
    o["seed"] = seedToJson(g.seed);
    o["low"] = g.low;
    o["high"] = g.high;
    o["mean"] = g.mean;
    o["std"] = g.std;
    o["he_scale"] = g.heScale;
    o["fan_mode"] = fanModeName(g.fanMode);
    o["separation"] = g.separation;
    o["decimals"] = g.decimals;
    o["outliers"] = double(g.outliers);
    o["outlier_value"] = g.outlierValue;
    o["outlier_position"] = QString::fromStdString(g.outlierPosition);
    o["name"] = QString::fromStdString(g.name);
    return o;
}

GeneratorOptions generatorFromJson(const QJsonObject& o)
{
    GeneratorOptions g;
    g.distribution = distributionFromName(
        std8(readString(o, "distribution", QString::fromStdString(toName(g.distribution)))));
    if (o.contains("shape")) {
        if (!o.value("shape").isArray())
            fail(QStringLiteral("'shape' must be an array of dimensions"));
        g.shape.clear();
        for (const QJsonValue& v : o.value("shape").toArray()) {
            const double d = v.toDouble(-1);
            if (!v.isDouble() || d < 0 || d != std::floor(d) || d > 1e12)
                fail(QStringLiteral("'shape' must hold non-negative integers"));
            g.shape.push_back(int64_t(d));
        }
    }
    g.seed = readSeed(o, "seed", g.seed);
    g.low = readNumber(o, "low", g.low);
    g.high = readNumber(o, "high", g.high);
    g.mean = readNumber(o, "mean", g.mean);
    g.std = readNumber(o, "std", g.std);
    g.heScale = readNumber(o, "he_scale", g.heScale);
    g.fanMode = fanModeFromName(readString(o, "fan_mode", fanModeName(g.fanMode)));
    g.separation = readNumber(o, "separation", g.separation);
    g.decimals = int(readInt(o, "decimals", g.decimals, -1, 15));
    g.outliers = readInt(o, "outliers", g.outliers, 0, int64_t(1) << 40);
    g.outlierValue = readNumber(o, "outlier_value", g.outlierValue);
    g.outlierPosition =
        std8(readString(o, "outlier_position", QString::fromStdString(g.outlierPosition)));
    g.name = std8(readString(o, "name", QString::fromStdString(g.name)));
    return g;
}

QByteArray sessionToJson(const Session& s)
{
    QJsonObject source;
    if (s.source.kind == SourceSpec::Kind::File) {
        source["kind"] = QStringLiteral("file");
        source["path"] = s.source.path;
        if (!s.source.member.isEmpty())
            source["member"] = s.source.member;
        source["grayscale"] = s.source.grayscale;
    } else {
        source["kind"] = QStringLiteral("generate");
        source["generator"] = generatorToJson(s.source.generator);
    }
    QJsonObject view;
    view["tab"] = s.tab;
    view["error_bins"] = s.errorBins;
    view["value_bins"] = s.valueBins;

    QJsonObject root;
    root["format"] = QString::fromLatin1(kFormat);
    root["version"] = kVersion;
    root["source"] = source;
    root["config"] = configToJson(s.config);
    root["view"] = view;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Session sessionFromJson(const QByteArray& json, const QString& where, const QString& baseDir)
{
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (doc.isNull())
        fail(QStringLiteral("%1: not a session file: JSON error at offset %2: %3")
                 .arg(where)
                 .arg(perr.offset)
                 .arg(perr.errorString()));
    if (!doc.isObject())
        fail(QStringLiteral("%1: not a session file: the top level is not a JSON object")
                 .arg(where));
    const QJsonObject root = doc.object();
    try {
        if (root.value("format").toString() != QLatin1String(kFormat))
            fail(QStringLiteral("'format' is not \"%1\"").arg(kFormat));
        const int64_t version = readInt(root, "version", kVersion, 1, 1000000);
        if (version > kVersion)
            fail(QStringLiteral("version %1 is newer than this QuantScope reads (%2)")
                     .arg(version)
                     .arg(kVersion));
        Session s;
        const QJsonObject source = root.value("source").toObject();
        const QString kind = readString(source, "kind", QStringLiteral("generate"));
        if (kind == QLatin1String("file")) {
            s.source.kind = SourceSpec::Kind::File;
            s.source.path = readString(source, "path", QString());
            if (s.source.path.isEmpty())
                fail(QStringLiteral("source 'path' is empty"));
            if (QFileInfo(s.source.path).isRelative() && !baseDir.isEmpty())
                s.source.path = QDir(baseDir).absoluteFilePath(s.source.path);
            s.source.member = readString(source, "member", QString());
            s.source.grayscale = readBool(source, "grayscale", false);
        } else if (kind == QLatin1String("generate")) {
            s.source.kind = SourceSpec::Kind::Generated;
            s.source.generator = generatorFromJson(source.value("generator").toObject());
            checkGeneratorOptions(s.source.generator); // bad options fail here, not later
        } else {
            fail(QStringLiteral("unknown source kind '%1' (valid: generate, file)").arg(kind));
        }
        s.config = configFromJson(root.value("config").toObject());
        const QJsonObject view = root.value("view").toObject();
        s.tab = readString(view, "tab", s.tab);
        s.errorBins = int(readInt(view, "error_bins", s.errorBins, 1, 100000));
        s.valueBins = int(readInt(view, "value_bins", s.valueBins, 1, 100000));
        return s;
    } catch (const Error& e) {
        fail(QStringLiteral("%1: %2").arg(where, QString::fromStdString(e.what())));
    }
}

void saveSessionFile(const Session& session, const QString& path)
{
    try {
        writeFileAtomic(path.toStdString(), sessionToJson(session).toStdString());
    } catch (const Error& e) {
        fail(QStringLiteral("%1: cannot write: %2").arg(path, QString::fromStdString(e.what())));
    }
}

Session loadSessionFile(const QString& path)
{
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    if (!file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("%1: cannot open: %2").arg(name, file.errorString()));
    if (file.size() > 16 * 1024 * 1024)
        fail(QStringLiteral("%1: too large for a session file (%2 bytes)")
                 .arg(name)
                 .arg(file.size()));
    Session s = sessionFromJson(file.readAll(), name, QFileInfo(path).absolutePath());
    if (s.source.kind == SourceSpec::Kind::File && !QFileInfo(s.source.path).isFile())
        fail(QStringLiteral("%1: the source file %2 does not exist").arg(name, s.source.path));
    return s;
}

} // namespace qs::ui
