// The model command's size planner (--budget-bpw, --budget-bytes, --plan, --tensor-types) and
// audit of a quantized copy (--against): two parts of the command (cli_model.h).
#include "cli_model.h"
#include "cli_options.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/model/model_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace qs::cli {

namespace {

void addPlanOptions(QCommandLineParser& p)
{
    p.addOptions({
        {"budget-bpw",
         "Plan one scheme per tensor for the least total squared error (weighted with --imatrix) "
         "within B bits per weight.",
         "B"},
        {"budget-bytes", "Plan within N bytes instead.", "N"},
        {"plan", "Evaluate the assignment of a saved plan (a --report file) on this model.",
         "FILE.json"},
        {"tensor-types",
         "Write the plan as llama-quantize --tensor-type arguments, one PATTERN=type a line "
         "(the form of --tensor-type-file).",
         "FILE.txt"},
    });
}

void refuseInput(const std::string& option, const std::string& path, const ModelRequest& r)
{
    for (const std::string& in : r.protect)
        if (path == in || sameFile(path, in))
            throw UsageError("--" + option + " " + path + ": refusing to overwrite an input file");
}

void preparePlan(const QCommandLineParser& p, ModelRequest& request)
{
    for (const char* o : {"budget-bpw", "budget-bytes", "plan", "tensor-types"})
        if (p.isSet(o) && p.value(o).isEmpty())
            throw UsageError(std::string("--") + o + " needs a value");
    const int given =
        int(p.isSet("budget-bpw")) + int(p.isSet("budget-bytes")) + int(p.isSet("plan"));
    if (given > 1)
        throw UsageError("give one of --budget-bpw, --budget-bytes and --plan");
    if (p.isSet("tensor-types") && given == 0)
        throw UsageError("--tensor-types needs a plan: --budget-bpw, --budget-bytes or --plan");
    if (p.isSet("budget-bpw") && !(doubleOption(p, "budget-bpw") > 0))
        throw UsageError("--budget-bpw: the budget must be more than 0 bits per weight");
    if (p.isSet("budget-bytes")) {
        bool ok = false;
        const qlonglong n = p.value("budget-bytes").toLongLong(&ok);
        if (!ok || n <= 0)
            throw UsageError("--budget-bytes: '" + p.value("budget-bytes").toStdString() +
                             "' is not a positive whole number of bytes");
    }
    if (p.isSet("plan")) {
        const std::string plan = p.value("plan").toStdString();
        try {
            readPlanAssignment(plan); // a bad file stops the command before the report
        } catch (const qs::Error& e) {
            throw InputError(e.what());
        }
        request.protect.push_back(plan);
    }
    if (p.isSet("tensor-types"))
        refuseInput("tensor-types", p.value("tensor-types").toStdString(), request);
}

// The planner's result for the options: a new plan within the budget, or a saved one evaluated.
Plan makePlan(const QCommandLineParser& p, const ModelReport& report,
              const std::vector<PlanTensor>& tensors)
{
    if (p.isSet("plan")) {
        const auto assignment = readPlanAssignment(p.value("plan").toStdString());
        try {
            return evaluateAssignment(tensors, choiceFromAssignment(report, tensors, assignment));
        } catch (const qs::Error& e) {
            throw UsageError(p.value("plan").toStdString() + ": " + e.what());
        }
    }
    try {
        const int64_t budget = p.isSet("budget-bytes")
                                   ? int64_t(p.value("budget-bytes").toLongLong())
                                   : budgetBytesForBpw(report, doubleOption(p, "budget-bpw"));
        return planAssignment(tensors, budget);
    } catch (const qs::Error& e) {
        throw UsageError(e.what());
    }
}

// "plan within 4.5 bits per weight (1188 bytes): 1185 bytes, 4.489 bits per weight, ..." and
// the assignment, one line per tensor.
QString planText(const ModelReport& report, const std::vector<PlanTensor>& tensors,
                 const Plan& plan, bool weighted, bool saved)
{
    const QString measure = weighted ? "weighted SSE" : "SSE";
    int64_t params = 0;
    for (const PlanTensor& t : tensors)
        params += t.params;
    QString s = saved ? QString("\nsaved plan: ")
                      : QString("\nplan within %1 bytes (%2 bits per weight): ")
                            .arg(plan.budgetBytes)
                            .arg(number(8.0 * double(plan.budgetBytes) / double(params)));
    s += QString("%1 bytes, %2 bits per weight, %3 %4%5\n")
             .arg(plan.bytes)
             .arg(number(plan.bitsPerElement))
             .arg(measure, number(plan.error, 6))
             .arg(saved        ? QString()
                  : plan.exact ? QString(" (optimal)")
                               : " (at least " + number(plan.lowerBound, 6) + ")");
    if (plan.uniformScheme >= 0)
        s += QString("best single scheme within it: %1, %2 bytes, %3 %4 (%5x the plan's)\n")
                 .arg(QString::fromStdString(report.schemes[size_t(plan.uniformScheme)].name))
                 .arg(plan.uniformBytes)
                 .arg(measure, number(plan.uniformError, 6))
                 .arg(plan.error > 0 ? number(plan.uniformError / plan.error, 4) : "-");
    else
        s += "no single scheme fits within it\n";
    const auto assignment = assignmentByName(report, tensors, plan.choice);
    for (const PlanTensor& t : tensors)
        s += "  " + QString::fromStdString(t.name) + "  " +
             QString::fromStdString(assignment.at(t.name)) + "\n";
    if (!saved)
        s += QString("error-vs-size curve: %1 points, each optimal for its size (\"pareto\" in "
                     "the JSON report)\n")
                 .arg(plan.pareto.size());
    return s;
}

void finishPlan(const QCommandLineParser& p, const ModelRequest& request, const ModelReport& report,
                ModelOutputs& out)
{
    if (!p.isSet("budget-bpw") && !p.isSet("budget-bytes") && !p.isSet("plan"))
        return;
    const bool weighted = hasWeightedErrors(report);
    const std::vector<PlanTensor> tensors = planTensorsOf(report, weighted);
    const Plan plan = makePlan(p, report, tensors);
    const double bpw = p.isSet("budget-bpw") ? doubleOption(p, "budget-bpw")
                                             : std::numeric_limits<double>::quiet_NaN();
    out.planJson = planJson(report, tensors, plan, weighted, bpw);
    out.text += planText(report, tensors, plan, weighted, p.isSet("plan"));
    if (!p.isSet("tensor-types"))
        return;
    std::string lines;
    try {
        lines = llamaTensorTypes(report, tensors, plan.choice);
    } catch (const qs::Error& e) {
        throw UsageError(std::string("--tensor-types: ") + e.what());
    }
    try {
        writeFileAtomic(p.value("tensor-types").toStdString(), lines, request.protect);
    } catch (const qs::Error& e) {
        throw OutputError(e.what());
    }
}

void addAgainstOptions(QCommandLineParser& p)
{
    p.addOption({"against",
                 "A quantized copy of the model (its GGUF, say): its stored error per tensor "
                 "beside the schemes'.",
                 "QUANTIZED"});
}

void prepareAgainst(const QCommandLineParser& p, ModelRequest& request)
{
    if (!p.isSet("against"))
        return;
    if (p.value("against").isEmpty())
        throw UsageError("--against needs a value");
    request.options.againstPath = p.value("against").toStdString();
    request.protect.push_back(request.options.againstPath);
}

QString relCell(const SchemeMetrics& m)
{
    return m.ok ? number(m.relRmse, 3) : QStringLiteral("-");
}

// The copy's relative RMSE and SQNR per tensor beside each scheme's relative RMSE, then totals.
void finishAgainst(const QCommandLineParser& p, const ModelRequest& request,
                   const ModelReport& report, ModelOutputs& out)
{
    if (!p.isSet("against"))
        return;
    int width = 6;
    for (const TensorReport& t : report.tensors)
        width = std::min(56, std::max(width, int(t.name.size())));
    width += 2;
    QString s = "\nagainst " + QString::fromStdString(request.options.againstPath) +
                ": the copy's stored error (relative RMSE, SQNR) beside each scheme's relative "
                "RMSE\n" +
                QString("tensor").leftJustified(width) + QString("stored").leftJustified(10) +
                QString("rel RMSE").rightJustified(10) + QString("SQNR dB").rightJustified(9);
    for (const ModelScheme& m : report.schemes)
        s += "  " + QString::fromStdString(m.name).rightJustified(10);
    s += "\n";
    for (const TensorReport& t : report.tensors) {
        s += QString::fromStdString(t.name).leftJustified(width - 2, ' ', true) + "  " +
             QString::fromStdString(t.againstType.empty() ? "-" : t.againstType).leftJustified(10) +
             relCell(t.against).rightJustified(10) +
             (t.against.ok ? number(t.against.sqnrDb, 4) : QString("-")).rightJustified(9);
        for (const SchemeMetrics& m : t.results)
            s += "  " + relCell(m).rightJustified(10);
        if (!t.against.ok)
            s += "  (" + QString::fromStdString(t.against.skipped) + ")";
        s += "\n";
    }
    const SchemeTotals& a = report.againstTotals;
    s += QString("copy over %1 paired tensors: %2 bytes, %3 bits/elem, SQNR %4 dB, rel RMSE %5\n")
             .arg(a.tensors)
             .arg(a.bytes)
             .arg(number(a.bitsPerElement))
             .arg(number(a.sqnrDb))
             .arg(number(a.relRmse));
    out.text += s;
}

} // namespace

ModelCommandPart modelPlanPart()
{
    return {addPlanOptions, preparePlan, finishPlan};
}

ModelCommandPart modelAgainstPart()
{
    return {addAgainstOptions, prepareAgainst, finishAgainst};
}

} // namespace qs::cli
