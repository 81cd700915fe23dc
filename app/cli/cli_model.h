// `quantscope-cli model`: the model report on the command line, and the seam through which
// other files add options to it. A part (for example the size planner's --budget-bpw, --plan,
// --against) is a ModelCommandPart in kModelCommandParts (cli_model.cpp): its options are added
// to the parser, prepare() reads them before the report is computed (UsageError for bad ones;
// it may change the schemes and the report options), finish() runs after it and adds its JSON
// ("plan") and text. A new part is a new file with its three functions and one line in that
// table; nothing else in cli_model.cpp changes.
#pragma once

#include "core/model/model_report.h"

#include <QCommandLineParser>
#include <QString>

#include <string>
#include <vector>

namespace qs::cli {

// What the report is computed from; prepare() of a part may change it.
struct ModelRequest {
    std::string path;
    std::vector<ModelScheme> schemes;
    ModelReportOptions options;
    std::vector<std::string> protect; // paths no output may replace (the model, its importance)
};

// What is written after the report; finish() of a part adds to it.
struct ModelOutputs {
    std::string planJson; // the JSON report's "plan" object; empty: none
    QString text;         // printed after the per-scheme totals
};

struct ModelCommandPart {
    void (*addOptions)(QCommandLineParser& p);
    void (*prepare)(const QCommandLineParser& p, ModelRequest& request);
    void (*finish)(const QCommandLineParser& p, const ModelRequest& request,
                   const ModelReport& report, ModelOutputs& out);
};

// A number of the command's tables: `precision` significant digits, "nan", "inf", "-inf".
QString number(double v, int precision = 4);

// The parts of cli_model_plan.cpp: the size planner (--budget-bpw, --budget-bytes, --plan,
// --tensor-types) and the audit of a quantized copy (--against).
ModelCommandPart modelPlanPart();
ModelCommandPart modelAgainstPart();

} // namespace qs::cli
