// Lessons: classroom presets stored as JSON files (resources/lessons/*.json; a teacher can write
// their own). A lesson names its data, its full quantization configuration, the chart that makes
// the point, a short text and a question for the class, optional steps (alternative
// configurations to step through, each with a caption) and the numbers it asserts ("expect"),
// which checkLesson() verifies by running qs::quantize.
//
// Format (all keys but "id", "title", "source" and "config" optional):
// {
//   "format": "quantscope-lesson", "version": 1,
//   "id": "truncation", "title": "...", "text": "...", "question": "...",
//   "source": {"values": [..], "shape": [..], "name": ".."}
//           | {"generate": {"distribution": "uniform", "shape": [10000], "seed": 2, "low": -50,
//              "high": 150, "mean": 0, "std": 1, "he_scale": 2, "fan_mode": "fan_in",
//              "separation": 4, "decimals": 2, "outliers": 1, "outlier_value": 1000,
//              "outlier_position": "end", "name": "..",
//              "scale_channel": {"axis": 0, "index": 3, "factor": 20}}}
//           | {"dataset": "uniform-10"}         (see builtinDatasetNames())
//           | {"image": {"width": 96, "height": 64}}   (builtinImage)
//   "config": {"bits": 8, "scheme": "asymmetric", "range": "minmax", ...}
//              (any key of the JSON report's "config" object, i.e. every field of
//              core/config/config_fields.h; missing keys keep the defaults)
//   "chart": "values" | "codes" | "histogram" | "error-histogram" | "channels" | "number-line"
//          | "sweep" | "clipping" | "compare" | "block-inspector" | "image" | "int-matmul"
//          | "float-pitfalls",
//   "image": {"granularity": "block", "block_size": 8},      (image chart options)
//   "int_matmul": {"m": 4, "k": 16, "n": 4, "seed": 0, "a_low": 0, "a_high": 6,
//                  "b_std": 0.5, "out_signed": false},
//   "expect": {...}            (only without "steps": expectations of the single step)
//   "steps": [{"caption": "...", "config": {overrides of the lesson's config},
//              "chart": "...", "source": {...}, "block": 0, "expect": {...}}]
//   (a step's "block": the block the block inspector shows, for a scheme with blocks)
// }
// Expectations: "scale" (number or list per slice, "scale_rel_tol" default 1e-6),
// "zero_point" (integer or list), "qmin", "qmax", "codes" (list), "dequantized" (list,
// "dequantized_abs_tol" default 1e-6), "mse" ("mse_rel_tol" default 1e-4), "mse_range" [lo, hi],
// "sqnr_db_range" [lo, hi], "exclude_last" N (the MSE checks leave out the last N values, e.g.
// an outlier), "clipped_low_count", "clipped_high_count", "levels_used", "overflow_count",
// "flushed_to_zero_count" (fp16/bf16), "bits_per_element" (storage with the scales, within 1e-9).
#pragma once

#include "core/base/tensor.h"
#include "core/config/quant_config.h"
#include "core/data/generators.h"
#include "core/teach/builtins.h"
#include "core/teach/image_quant.h"
#include "core/teach/int_matmul.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qs {

struct LessonSource {
    enum class Kind { Values, Generate, Dataset, Image };
    Kind kind = Kind::Values;
    std::vector<float> values;  // Values
    std::vector<int64_t> shape; // Values: empty = 1-D
    std::string name = "x";
    GeneratorOptions generator; // Generate
    // Generate: optionally multiply one channel (index along axis) by a factor afterwards.
    bool scaleChannel = false;
    int scaleAxis = 0;
    int64_t scaleIndex = 0;
    double scaleFactor = 1;
    std::string dataset;                   // Dataset
    int imageWidth = 96, imageHeight = 64; // Image
};

struct LessonExpect {
    std::vector<double> scale;
    double scaleRelTol = 1e-6;
    std::vector<int64_t> zeroPoint;
    std::optional<int64_t> qmin, qmax;
    std::vector<int64_t> codes;
    std::vector<double> dequantized;
    double dequantizedAbsTol = 1e-6;
    std::optional<double> mse;
    double mseRelTol = 1e-4;
    std::optional<std::pair<double, double>> mseRange, sqnrDbRange;
    int64_t excludeLast = 0;
    std::optional<int64_t> clippedLowCount, clippedHighCount, levelsUsed;
    std::optional<int64_t> overflowCount, flushedToZeroCount;
    std::optional<double> bitsPerElement;
    bool empty() const;
};

struct LessonStep {
    std::string caption;
    QuantConfig config;                 // the lesson's config with this step's overrides applied
    std::string chart;                  // the lesson's chart unless the step names one
    std::optional<LessonSource> source; // the lesson's source unless the step has its own
    std::optional<int64_t> block;       // the block the block inspector shows
    LessonExpect expect;
};

struct Lesson {
    std::string id, title, text, question;
    LessonSource source;
    QuantConfig config;
    std::string chart = "values";
    ImageGranularity imageGranularity = ImageGranularity::PerTensor;
    int imageBlockSize = 8;
    std::optional<IntMatmulDemoOptions> intMatmul;
    std::vector<LessonStep> steps; // never empty: a lesson without "steps" has one step
    int numSteps() const { return int(steps.size()); }
};

// Parses a lesson. Throws qs::Error naming the bad field ("lesson 'x': config.bits must be an
// integer") for invalid JSON, missing or mistyped fields, unknown keys, names or charts, and
// configurations that QuantConfig::validate() rejects. `origin` (e.g. a file name) prefixes the
// messages.
Lesson parseLesson(const std::string& text, const std::string& origin = "lesson");
// Reads and parses a file; the error names the file.
Lesson loadLesson(const std::string& path);

// The tensor of a lesson's step (step's own source, else the lesson's).
Tensor lessonTensor(const Lesson& lesson, int step = 0);
// The configuration of step i (0-based); throws qs::Error for a step out of range.
QuantConfig lessonConfig(const Lesson& lesson, int step);

// Quantizes step i's tensor with its config and compares with its expectations. Returns one
// message per failed expectation (empty: everything holds).
std::vector<std::string> checkLesson(const Lesson& lesson, int step);

// Charts a lesson may select.
std::vector<std::string> lessonChartNames();

} // namespace qs
