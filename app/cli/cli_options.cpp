#include "cli_options.h"

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
        {"input", "Tensor file (.npy .npz .safetensors .csv .txt) or image; TENSOR picks a member.",
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

void addQuantOptions(QCommandLineParser& p)
{
    p.addOptions({
        {"preset",
         "Start from a named preset (quantscope-cli presets lists them); the other options "
         "override its values.",
         "NAME"},
        {"bits", "Bit width 1..16 (default 8; lloyd-max 1..8; other low-bit formats fix it).", "B"},
        {"scheme",
         "asymmetric, symmetric, fp16, bf16, e4m3, e5m2, e2m1, mxfp8-e4m3, mxfp8-e5m2, mxfp4, "
         "mxint8, nf4, fp4, codebook, lloyd-max, q8_0, q4_0, q4_1, absmax-int8 (default "
         "asymmetric).",
         "SCHEME"},
        {"no-saturate", "e4m3 / e5m2: overflow to NaN / inf instead of saturating to +-max."},
        {"codebook",
         "Values of --scheme codebook, comma-separated (with --granularity group: values in "
         "[-1, 1] scaled by each block's absmax).",
         "V1,V2,..."},
        {"signed", "Asymmetric codes in [-2^(b-1), 2^(b-1)-1] instead of [0, 2^b-1]."},
        {"full-range", "Symmetric: allow the code -2^(b-1) (default narrow range)."},
        {"no-include-zero", "Do not widen the range to contain 0."},
        {"range", "Range method: minmax, percentile, mse, entropy (default minmax).", "METHOD"},
        {"percentile", "Percentile p in (50, 100] for --range percentile (default 99.99).", "P"},
        {"granularity", "tensor, channel, group (default tensor).", "G"},
        {"axis", "Axis of channels / groups (default 0; negative counts from the end).", "A"},
        {"group-size", "Elements per group (default 32).", "G"},
        {"rounding",
         "half-even, half-away, half-up, floor, truncate, stochastic (default half-even).", "MODE"},
        {"rounding-order", "after-zero-point (default) or before-zero-point.", "ORDER"},
        {"zero-point-rounding", "Rounding of the zero point (default half-even).", "MODE"},
        {"symmetric-scale", "max-code (amax/(2^(b-1)-1), default) or half-span.", "KIND"},
        {"constant-range",
         "Scale of a zero-width range: exact (default), pytorch-eps, onnx-one, fbgemm-0.1.",
         "NAME"},
        {"multiply-by-inverse", "Compute x * (1/s) instead of x / s."},
        {"reciprocal-scale",
         "Symmetric: keep the scale as s' = qmax/amax in float32, q = round(x*s'), x^ = q/s' "
         "(TensorRT)."},
        {"float32-params", "Compute scale, zero point and x/s + z in float32."},
        {"rounding-seed", "Seed of stochastic rounding (default 0).", "S"},
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
    return {"bits",
            "scheme",
            "signed",
            "full-range",
            "no-include-zero",
            "range",
            "percentile",
            "granularity",
            "axis",
            "group-size",
            "rounding",
            "rounding-order",
            "zero-point-rounding",
            "symmetric-scale",
            "constant-range",
            "multiply-by-inverse",
            "reciprocal-scale",
            "float32-params",
            "rounding-seed",
            "no-saturate",
            "codebook"};
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

} // namespace

QuantConfig quantConfigFromOptions(const QCommandLineParser& p)
{
    QuantConfig c;
    try {
        if (p.isSet("preset")) {
            c = presetByName(p.value("preset").toStdString()).config;
            // Options given with the preset override it; the report says so.
            for (const QString& o : p.optionNames())
                if (o != "preset" && quantOptionNames().contains(o)) {
                    c.preset += " + options";
                    break;
                }
        }
        if (p.isSet("bits"))
            c.bits = intOption(p, "bits", -1000000, 1000000);
        if (p.isSet("scheme"))
            c.scheme = schemeFromName(p.value("scheme").toStdString());
        // Flags turn a choice on (or, --no-*, off); unset flags keep the preset's value.
        if (p.isSet("signed"))
            c.signedCodes = true;
        if (p.isSet("full-range"))
            c.fullRange = true;
        if (p.isSet("no-include-zero"))
            c.includeZero = false;
        if (p.isSet("no-saturate"))
            c.saturate = false;
        if (p.isSet("codebook"))
            c.codebook = codebookOption(p.value("codebook"));
        if (p.isSet("range"))
            c.range = rangeMethodFromName(p.value("range").toStdString());
        if (p.isSet("percentile"))
            c.percentile = doubleOption(p, "percentile");
        if (p.isSet("granularity"))
            c.granularity = granularityFromName(p.value("granularity").toStdString());
        if (p.isSet("axis"))
            c.axis = intOption(p, "axis", -64, 63);
        if (p.isSet("group-size"))
            c.groupSize = intOption(p, "group-size", 1, 1 << 30);
        if (p.isSet("rounding"))
            c.rounding = roundingFromName(p.value("rounding").toStdString());
        if (p.isSet("rounding-order"))
            c.roundingOrder = roundingOrderFromName(p.value("rounding-order").toStdString());
        if (p.isSet("zero-point-rounding"))
            c.zeroPointRounding = roundingFromName(p.value("zero-point-rounding").toStdString());
        if (p.isSet("symmetric-scale"))
            c.symmetricScale = symmetricScaleFromName(p.value("symmetric-scale").toStdString());
        if (p.isSet("constant-range"))
            c.constantRange = constantRangeFromName(p.value("constant-range").toStdString());
        if (p.isSet("multiply-by-inverse"))
            c.multiplyByInverse = true;
        if (p.isSet("float32-params"))
            c.float32Params = true;
        if (p.isSet("reciprocal-scale"))
            c.reciprocalScale = true;
        if (p.isSet("rounding-seed"))
            c.seed = seedOption(p, "rounding-seed");
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
