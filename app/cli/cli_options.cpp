#include "cli_options.h"

#include "core/config/config_fields.h"
#include "core/config/presets.h"
#include "core/data/generators.h"
#include "core/io/mapped_file.h"
#include "core/io/tensor_file.h"
#include "ui/support/image_tensor.h"

#include <QFileInfo>
#include <QTextStream>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <type_traits>

#ifndef QS_VERSION
#define QS_VERSION "0.1.0"
#endif

namespace qs::cli {

QString programVersion()
{
    return QStringLiteral(QS_VERSION);
}

void addSourceOptions(QCommandLineParser& p)
{
    p.addOptions({
        {"input",
         "Tensor file (.npy .npz .safetensors .gguf .onnx .pt .pth .bin .csv .txt) or image; "
         "TENSOR picks a member.",
         "PATH[:TENSOR]"},
        {"grayscale", "Load an image as one luminance channel (H x W x 1)."},
        {"generate", "Generate a tensor: uniform, normal, laplace, he, bimodal.", "DIST"},
        {"shape", "Shape of the generated tensor, e.g. 4096x1024 (default 1024x1024).", "SHAPE"},
        {"seed", "Generator seed (default 0).", "S"},
        {"low", "uniform: lower bound (default -1).", "L"},
        {"high", "uniform: upper bound (default 1).", "H"},
        {"mean", "normal/laplace: mean (default 0).", "M"},
        {"std", "normal/laplace/bimodal: standard deviation (default 1).", "S"},
        {"outliers", "Number of planted outliers (default 0).", "K"},
        {"outlier-value", "Value of the outliers (default 1000).", "V"},
        {"outlier-position", "Where outliers go: end, start, random (default end).", "POS"},
        {"decimals", "Round generated values to D decimals (numpy.round).", "D"},
    });
}

namespace {

// --preset is the one field the CLI does not set directly: it starts from the preset's config.
template <class T> bool isPresetField(const Field<T>& f)
{
    if constexpr (std::is_same_v<T, std::string>)
        return f.member == &QuantConfig::preset;
    else
        return false;
}

template <class T> QCommandLineOption fieldOption(const Field<T>& f)
{
    const QString help = QString::fromStdString(fieldHelp(f));
    if (f.isSwitch())
        return QCommandLineOption(QString::fromLatin1(f.flag), help);
    return QCommandLineOption(QString::fromLatin1(f.flag), help, QString::fromLatin1(f.valueName));
}

} // namespace

void addQuantOptions(QCommandLineParser& p)
{
    forEachField([&](const auto& f) {
        if (isPresetField(f))
            p.addOption(fieldOption(f));
    });
    forEachField([&](const auto& f) {
        if (!isPresetField(f))
            p.addOption(fieldOption(f));
    });
}

bool parseOrHelp(QCommandLineParser& p, const QStringList& args, const QString& usageText)
{
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    p.addOption(help);
    if (!p.parse(args))
        throw UsageError(p.errorText().toStdString());
    if (p.isSet(help)) {
        QTextStream out(stdout);
        out << usageText << "\n" << p.helpText().section('\n', 2);
        return false;
    }
    return true;
}

bool parseOptionsOrHelp(QCommandLineParser& p, const QStringList& args, const QString& usageText)
{
    if (!parseOrHelp(p, args, usageText))
        return false;
    if (!p.positionalArguments().isEmpty())
        throw UsageError("unexpected argument '" + p.positionalArguments()[0].toStdString() + "'");
    return true;
}

int intOption(const QCommandLineParser& p, const QString& name, int lo, int hi)
{
    bool ok = false;
    const QString v = p.value(name);
    const int x = v.toInt(&ok);
    if (!ok || x < lo || x > hi)
        throw UsageError(QString("--%1: '%2' is not an integer in [%3, %4]")
                             .arg(name, v)
                             .arg(lo)
                             .arg(hi)
                             .toStdString());
    return x;
}

double doubleOption(const QCommandLineParser& p, const QString& name)
{
    bool ok = false;
    const QString v = p.value(name);
    const double x = v.toDouble(&ok);
    if (!ok || !std::isfinite(x))
        throw UsageError(QString("--%1: '%2' is not a finite number").arg(name, v).toStdString());
    return x;
}

namespace {

uint64_t seedOption(const QCommandLineParser& p, const QString& name)
{
    bool ok = false;
    const QString v = p.value(name);
    const qulonglong x = v.toULongLong(&ok);
    if (!ok)
        throw UsageError(
            QString("--%1: '%2' is not a non-negative integer").arg(name, v).toStdString());
    return x;
}

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

Source loadInputSpec(const QString& spec, bool grayscale)
{
    const auto t0 = std::chrono::steady_clock::now();
    std::string path, member;
    splitPathMember(spec.toStdString(), path, member);
    Source s;
    s.inputPath = path;
    s.description = spec.toStdString();
    const QString qpath = QString::fromStdString(path);
    try {
        if (ui::isImageFile(qpath)) {
            if (!member.empty())
                throw UsageError(fileDisplayName(path) + ": an image has no members (':" + member +
                                 "')");
            s.tensor = ui::loadImageTensor(qpath, grayscale);
        } else {
            if (!isTensorFile(path) && !QFileInfo::exists(qpath))
                throw InputError(fileDisplayName(path) + ": no such file");
            s.tensor = loadTensor(path, member, &s.warnings);
        }
    } catch (const qs::Error& e) {
        throw InputError(e.what());
    }
    s.loadMs = msSince(t0);
    return s;
}

Source loadSource(const QCommandLineParser& p)
{
    const bool hasInput = p.isSet("input");
    const bool hasGen = p.isSet("generate");
    if (hasInput == hasGen)
        throw UsageError(hasInput ? "give either --input or --generate, not both"
                                  : "no source: give --input PATH[:TENSOR] or --generate DIST");
    if (hasInput) {
        for (const char* o : {"shape", "seed", "low", "high", "mean", "std", "outliers",
                              "outlier-value", "outlier-position", "decimals"})
            if (p.isSet(o))
                throw UsageError(std::string("--") + o + " only applies to --generate");
        return loadInputSpec(p.value("input"), p.isSet("grayscale"));
    }
    if (p.isSet("grayscale"))
        throw UsageError("--grayscale only applies to image files");
    GeneratorOptions g;
    try {
        g.distribution = distributionFromName(p.value("generate").toStdString());
    } catch (const qs::Error& e) {
        throw UsageError(std::string("--generate: ") + e.what());
    }
    try {
        if (p.isSet("shape"))
            g.shape = parseShape(p.value("shape").toStdString());
    } catch (const qs::Error& e) {
        throw UsageError(std::string("--shape: ") + e.what());
    }
    if (p.isSet("seed"))
        g.seed = seedOption(p, "seed");
    if (p.isSet("low"))
        g.low = doubleOption(p, "low");
    if (p.isSet("high"))
        g.high = doubleOption(p, "high");
    if (p.isSet("mean"))
        g.mean = doubleOption(p, "mean");
    if (p.isSet("std"))
        g.std = doubleOption(p, "std");
    if (p.isSet("outliers"))
        g.outliers = static_cast<int64_t>(seedOption(p, "outliers"));
    if (p.isSet("outlier-value"))
        g.outlierValue = doubleOption(p, "outlier-value");
    if (p.isSet("outlier-position"))
        g.outlierPosition = p.value("outlier-position").toStdString();
    if (p.isSet("decimals"))
        g.decimals = intOption(p, "decimals", 0, 15);
    const auto t0 = std::chrono::steady_clock::now();
    Source s;
    try {
        s.tensor = generate(g);
    } catch (const qs::Error& e) {
        throw UsageError(std::string("--generate: ") + e.what());
    }
    s.loadMs = msSince(t0);
    std::string shape;
    for (size_t i = 0; i < g.shape.size(); ++i)
        shape += (i ? "x" : "") + std::to_string(g.shape[i]);
    s.description = "generate " + toName(g.distribution) + " " +
                    (shape.empty() ? "scalar" : shape) + " seed " + std::to_string(g.seed);
    return s;
}

namespace {

// The options of addQuantOptions besides --preset (for "preset + options" in the report).
QStringList quantOptionNames()
{
    QStringList names;
    forEachField([&](const auto& f) {
        if (!isPresetField(f))
            names << QString::fromLatin1(f.flag);
    });
    return names;
}

std::vector<double> codebookOption(const QString& text)
{
    std::vector<double> v;
    for (const QString& part : text.split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const double x = part.trimmed().toDouble(&ok);
        if (!ok)
            throw UsageError("--codebook: '" + part.toStdString() + "' is not a number");
        v.push_back(x);
    }
    if (v.empty())
        throw UsageError("--codebook: no values (give e.g. --codebook -1,-0.5,0,0.5,1)");
    return v;
}

// Sets the field when its option is given. Switches turn a choice on (or, --no-*, off): an
// unset switch keeps the preset's value.
template <class T> void readOption(const QCommandLineParser& p, const Field<T>& f, QuantConfig& c)
{
    const QString flag = QString::fromLatin1(f.flag);
    if (isPresetField(f) || !p.isSet(flag))
        return;
    T& v = c.*f.member;
    if constexpr (std::is_same_v<T, bool>) {
        v = !f.defaultValue();
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        v = seedOption(p, flag);
    } else if constexpr (std::is_integral_v<T>) {
        v = T(intOption(p, flag, int(f.lo), int(f.hi)));
    } else if constexpr (std::is_same_v<T, double>) {
        v = doubleOption(p, flag);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
        v = codebookOption(p.value(flag));
    } else if constexpr (std::is_same_v<T, std::string>) {
        v = p.value(flag).toStdString();
    } else {
        static_assert(std::is_enum_v<T>, "a QuantConfig field of a type the CLI lacks");
        v = choiceFromName<T>(p.value(flag).toStdString());
    }
}

} // namespace

QuantConfig quantConfigFromOptions(const QCommandLineParser& p)
{
    QuantConfig c;
    try {
        if (p.isSet("preset")) {
            c = presetByName(p.value("preset").toStdString()).config;
            // Options given with the preset override it; the report says so.
            for (const QString& o : p.optionNames())
                if (quantOptionNames().contains(o)) {
                    c.preset += " + options";
                    break;
                }
        }
        forEachField([&](const auto& f) { readOption(p, f, c); });
        if (p.isSet("percentile") && !usesPercentile(c.range))
            throw UsageError(
                "--percentile needs --range percentile, trt-percentile or ort-percentile");
        c.validate();
    } catch (const qs::Error& e) {
        throw UsageError(e.what());
    }
    return c;
}

} // namespace qs::cli
