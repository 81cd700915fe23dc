#include "ui/support/session.h"

#include "core/base/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <cmath>

namespace qs::ui {

namespace {

constexpr const char* kFormat = "quantscope-session";
constexpr int kVersion = 1;

[[noreturn]] void fail(const QString& what)
{
    throw Error(what.toStdString());
}

// Typed readers: a missing key keeps the default, a key of the wrong type is an error.
double readNumber(const QJsonObject& o, const char* key, double def)
{
    if (!o.contains(key))
        return def;
    const QJsonValue v = o.value(key);
    if (!v.isDouble())
        fail(QStringLiteral("'%1' must be a number").arg(key));
    return v.toDouble();
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
    if (!o.contains(key))
        return def;
    const QJsonValue v = o.value(key);
    if (!v.isBool())
        fail(QStringLiteral("'%1' must be true or false").arg(key));
    return v.toBool();
}

QString readString(const QJsonObject& o, const char* key, const QString& def)
{
    if (!o.contains(key))
        return def;
    const QJsonValue v = o.value(key);
    if (!v.isString())
        fail(QStringLiteral("'%1' must be a string").arg(key));
    return v.toString();
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

std::string std8(const QString& s)
{
    return s.toStdString();
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
    switch (mode) {
    case FanMode::FanIn:
        return QStringLiteral("fan_in");
    case FanMode::FanOut:
        return QStringLiteral("fan_out");
    case FanMode::FanAvg:
        return QStringLiteral("fan_avg");
    }
    return QStringLiteral("fan_in");
}

FanMode fanModeFromName(const QString& name)
{
    if (name == QLatin1String("fan_in"))
        return FanMode::FanIn;
    if (name == QLatin1String("fan_out"))
        return FanMode::FanOut;
    if (name == QLatin1String("fan_avg"))
        return FanMode::FanAvg;
    fail(QStringLiteral("unknown fan mode '%1' (valid: fan_in, fan_out, fan_avg)").arg(name));
}

QJsonObject configToJson(const QuantConfig& c)
{
    QJsonObject o;
    o["bits"] = c.bits;
    o["scheme"] = QString::fromStdString(toName(c.scheme));
    o["signed"] = c.signedCodes;
    o["full_range"] = c.fullRange;
    o["include_zero"] = c.includeZero;
    o["rounding"] = QString::fromStdString(toName(c.rounding));
    o["rounding_order"] = QString::fromStdString(toName(c.roundingOrder));
    o["zero_point_rounding"] = QString::fromStdString(toName(c.zeroPointRounding));
    o["symmetric_scale"] = QString::fromStdString(toName(c.symmetricScale));
    o["multiply_by_inverse"] = c.multiplyByInverse;
    o["float32_params"] = c.float32Params;
    o["reciprocal_scale"] = c.reciprocalScale;
    o["seed"] = seedToJson(c.seed);
    o["range"] = QString::fromStdString(toName(c.range));
    o["percentile"] = c.percentile;
    o["granularity"] = QString::fromStdString(toName(c.granularity));
    o["axis"] = c.axis;
    o["group_size"] = double(c.groupSize);
    o["saturate"] = c.saturate;
    o["constant_range"] = QString::fromStdString(toName(c.constantRange));
    o["unsigned_symmetric"] = c.unsignedSymmetric;
    QJsonArray book;
    for (double v : c.codebook)
        book.append(v);
    o["codebook"] = book;
    o["preset"] = QString::fromStdString(c.preset);
    return o;
}

QuantConfig configFromJson(const QJsonObject& o)
{
    QuantConfig c;
    c.bits = int(readInt(o, "bits", c.bits, 1, 16));
    c.scheme =
        schemeFromName(std8(readString(o, "scheme", QString::fromStdString(toName(c.scheme)))));
    c.signedCodes = readBool(o, "signed", c.signedCodes);
    c.fullRange = readBool(o, "full_range", c.fullRange);
    c.includeZero = readBool(o, "include_zero", c.includeZero);
    c.rounding = roundingFromName(
        std8(readString(o, "rounding", QString::fromStdString(toName(c.rounding)))));
    c.roundingOrder = roundingOrderFromName(
        std8(readString(o, "rounding_order", QString::fromStdString(toName(c.roundingOrder)))));
    c.zeroPointRounding = roundingFromName(std8(
        readString(o, "zero_point_rounding", QString::fromStdString(toName(c.zeroPointRounding)))));
    c.symmetricScale = symmetricScaleFromName(
        std8(readString(o, "symmetric_scale", QString::fromStdString(toName(c.symmetricScale)))));
    c.multiplyByInverse = readBool(o, "multiply_by_inverse", c.multiplyByInverse);
    c.float32Params = readBool(o, "float32_params", c.float32Params);
    c.reciprocalScale = readBool(o, "reciprocal_scale", c.reciprocalScale);
    c.seed = readSeed(o, "seed", c.seed);
    c.range =
        rangeMethodFromName(std8(readString(o, "range", QString::fromStdString(toName(c.range)))));
    c.percentile = readNumber(o, "percentile", c.percentile);
    c.granularity = granularityFromName(
        std8(readString(o, "granularity", QString::fromStdString(toName(c.granularity)))));
    c.axis = int(readInt(o, "axis", c.axis, -64, 64));
    c.groupSize = readInt(o, "group_size", c.groupSize, 1, int64_t(1) << 40);
    c.saturate = readBool(o, "saturate", c.saturate);
    c.constantRange = constantRangeFromName(
        std8(readString(o, "constant_range", QString::fromStdString(toName(c.constantRange)))));
    c.unsignedSymmetric = readBool(o, "unsigned_symmetric", c.unsignedSymmetric);
    for (const QJsonValue& v : o.value(QStringLiteral("codebook")).toArray())
        if (v.isDouble())
            c.codebook.push_back(v.toDouble());
    c.preset = std8(readString(o, "preset", QString()));
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
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        fail(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
    file.write(sessionToJson(session));
    if (!file.commit())
        fail(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
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
    return sessionFromJson(file.readAll(), name, QFileInfo(path).absolutePath());
}

} // namespace qs::ui
