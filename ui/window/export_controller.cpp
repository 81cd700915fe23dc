#include "ui/window/export_controller.h"

#include "core/io/npy.h"
#include "core/report/report.h"
#include "core/report/result_csv.h"
#include "ui/views/analysis_view.h"
#include "ui/window/chart_tab.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_status.h"
#include "ui/window/window_tabs.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QMenu>
#include <QSpinBox>

#include <memory>

namespace qs::ui {

namespace {

std::string sstr(const QString& s)
{
    return s.toStdString();
}

// Writes each chart to <base>-<name>.<suffix> next to path.
bool exportEach(const QList<QChart*>& charts, const QStringList& names, const QString& path,
                const ExportOptions& options, QString* error)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    for (int i = 0; i < charts.size(); ++i) {
        const QString file = info.absoluteDir().filePath(
            QStringLiteral("%1-%2.%3").arg(info.completeBaseName(), names[i], suffix));
        if (!qs::ui::exportChart(charts[i], file, options, error))
            return false;
    }
    return true;
}

// Asks for the pixel size and DPI of a PNG export. Returns false if cancelled.
bool askPngOptions(QWidget* parent, ExportOptions& opt)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("PNG Size"));
    auto* form = new QFormLayout(&dialog);
    auto* w = new QSpinBox(&dialog);
    w->setRange(100, 10000);
    w->setValue(opt.size.width());
    auto* h = new QSpinBox(&dialog);
    h->setRange(100, 10000);
    h->setValue(opt.size.height());
    auto* dpi = new QSpinBox(&dialog);
    dpi->setRange(48, 1200);
    dpi->setValue(opt.dpi);
    dpi->setToolTip(QObject::tr("Resolution stored in the file; fonts and lines scale with it."));
    form->addRow(QObject::tr("Width (px)"), w);
    form->addRow(QObject::tr("Height (px)"), h);
    form->addRow(QObject::tr("DPI"), dpi);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    opt.size = QSize(w->value(), h->value());
    opt.dpi = dpi->value();
    return true;
}

// A save dialog for charts; a name without suffix gets the one of the chosen filter (the first
// of `suffixes` that the filter's text names, else `fallback`), and a PNG asks for its size.
// False if cancelled.
bool askChartFile(QWidget* parent, const QString& caption, const QString& start,
                  const QString& filters, const QStringList& suffixes, const QString& fallback,
                  QString& path, ExportOptions& options)
{
    QString selected;
    path = QFileDialog::getSaveFileName(parent, caption, start, filters, &selected);
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty()) {
        QString suffix = fallback;
        for (const QString& s : suffixes)
            if (selected.contains(s)) {
                suffix = s.toLower();
                break;
            }
        path += QLatin1Char('.') + suffix;
    }
    return !path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) ||
           askPngOptions(parent, options);
}

} // namespace

ExportController::ExportController(const WindowParts& parts)
    : m_pipeline(parts.pipeline), m_tabs(parts.tabs), m_status(parts.status), m_window(parts.window)
{
}

bool ExportController::haveResult()
{
    if (m_pipeline.result())
        return true;
    m_status.showError(tr("Nothing to export yet: no quantization result."), true);
    return false;
}

// ---- charts and views ---------------------------------------------------------------------------

bool ExportController::exportChart(ChartKind kind, const QString& path,
                                   const ExportOptions& options)
{
    if (!haveResult())
        return false;
    std::unique_ptr<QChart> chart;
    try {
        chart.reset(buildChart(kind, m_tabs.chartInput(kind), m_tabs.chartStyle()));
    } catch (const std::exception& e) {
        m_status.showError(QString::fromStdString(e.what()), true);
        return false;
    }
    QString error;
    if (!qs::ui::exportChart(chart.get(), path, options, &error)) {
        m_status.showError(error, true);
        return false;
    }
    m_status.setStatus(tr("Chart exported to %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool ExportController::exportAllCharts(const QString& path, const ExportOptions& options)
{
    if (!haveResult())
        return false;
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    std::vector<std::unique_ptr<QChart>> charts;
    QList<QChart*> list;
    QStringList names;
    try {
        for (ChartKind kind : allChartKinds()) {
            charts.emplace_back(buildChart(kind, m_tabs.chartInput(kind), m_tabs.chartStyle()));
            list << charts.back().get();
            names << chartKindName(kind);
        }
    } catch (const std::exception& e) {
        m_status.showError(QString::fromStdString(e.what()), true);
        return false;
    }
    QString error;
    bool ok = false;
    if (suffix == QLatin1String("pdf"))
        ok = exportChartsPdf(list, path, options, &error);
    else if (suffix == QLatin1String("png") || suffix == QLatin1String("svg"))
        ok = exportEach(list, names, path, options, &error);
    else
        error = tr("%1: choose a .pdf (one page per chart) or a .png / .svg name (one file per "
                   "chart)")
                    .arg(info.fileName());
    if (!ok) {
        m_status.showError(error, true);
        return false;
    }
    m_status.setStatus(tr("All charts exported to %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool ExportController::exportView(const QString& name, const QString& path,
                                  const ExportOptions& options)
{
    AnalysisView* v = m_tabs.analysisView(name);
    if (!v) {
        try {
            return exportChart(chartKindFromName(name), path, options);
        } catch (const Error&) {
            m_status.showError(tr("Cannot export '%1': not a tab (%2)")
                                   .arg(name, m_tabs.tabNames().join(QStringLiteral(", "))),
                               true);
            return false;
        }
    }
    if (!haveResult())
        return false;
    m_tabs.waitForViewUpdated(v);
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    QString error;
    bool ok = false;
    const QList<QChart*> charts = v->exportCharts();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") &&
        suffix != QLatin1String("pdf"))
        error = tr("%1: choose a .png, .svg or .pdf file name").arg(info.fileName());
    else if (charts.isEmpty())
        ok = qs::ui::exportWidget(v->exportWidget(), path, options, &error);
    else
        ok = writeViewCharts(charts, path, options, &error);
    if (!ok) {
        m_status.showError(error, true);
        return false;
    }
    m_status.setStatus(tr("%1 exported to %2").arg(v->viewTitle(), QDir::toNativeSeparators(path)));
    return true;
}

// One chart: that file; several: a multi-page PDF, or <base>-1.png, <base>-2.png, ...
bool ExportController::writeViewCharts(const QList<QChart*>& charts, const QString& path,
                                       const ExportOptions& options, QString* error)
{
    if (charts.size() == 1)
        return qs::ui::exportChart(charts.first(), path, options, error);
    if (QFileInfo(path).suffix().toLower() == QLatin1String("pdf"))
        return exportChartsPdf(charts, path, options, error);
    QStringList numbers;
    for (int i = 0; i < charts.size(); ++i)
        numbers << QString::number(i + 1);
    return exportEach(charts, numbers, path, options, error);
}

void ExportController::copyChartToClipboard()
{
    if (AnalysisView* v = m_tabs.currentAnalysisView()) {
        copyViewToClipboard(v);
        return;
    }
    const ChartKind kind = m_tabs.currentChart();
    if (!m_tabs.chart(kind))
        return;
    ExportOptions opt;
    opt.size = m_tabs.chartTab(kind).view()->size() * m_window->devicePixelRatioF();
    std::unique_ptr<QChart> fresh;
    if (m_pipeline.result()) {
        try {
            fresh.reset(buildChart(kind, m_tabs.chartInput(kind), m_tabs.chartStyle()));
        } catch (const std::exception&) {
        }
    }
    if (!fresh)
        return;
    QApplication::clipboard()->setImage(renderChart(fresh.get(), opt));
    m_status.setStatus(tr("Chart copied to the clipboard"));
}

// A teaching view: its first chart, or the view itself.
void ExportController::copyViewToClipboard(AnalysisView* v)
{
    ExportOptions opt;
    opt.size = v->size() * m_window->devicePixelRatioF();
    const QList<QChart*> charts = v->exportCharts();
    QApplication::clipboard()->setImage(charts.isEmpty() ? renderWidget(v->exportWidget(), opt)
                                                         : renderChart(charts.first(), opt));
    m_status.setStatus(tr("%1 copied to the clipboard").arg(v->viewTitle()));
}

// ---- data ---------------------------------------------------------------------------------------

bool ExportController::writeDataExport(
    const std::function<void(const std::vector<std::string>& protect)>& write)
{
    if (!haveResult())
        return false;
    return m_status.reportErrors([&] {
        // Never write over the loaded input file.
        std::vector<std::string> protect;
        if (m_pipeline.source().kind == SourceSpec::Kind::File)
            protect.push_back(sstr(m_pipeline.source().path));
        write(protect);
    });
}

bool ExportController::exportData(DataExport what, const QString& path)
{
    return writeDataExport(
        [&](const std::vector<std::string>& protect) { writeData(what, sstr(path), protect); });
}

void ExportController::writeData(DataExport what, const std::string& path,
                                 const std::vector<std::string>& protect)
{
    const Tensor& tensor = *m_pipeline.tensor();
    const QuantResult& result = *m_pipeline.result();
    switch (what) {
    case DataExport::Codes:
        // Every scheme has codes, written as `quantscope-cli quantize --codes` writes them:
        // integer codes, fp16/bf16 bit patterns, float8/float4/MX element bit patterns,
        // code-book and GGML indices (the scales of block formats are in the JSON report).
        writeNpyCodes(path, tensor.shape, result.codes, protect);
        break;
    case DataExport::Dequantized:
        writeNpyFloat32(path, tensor.shape, result.dequantized, protect);
        break;
    case DataExport::Table:
        writeResultCsv(path, tensor, result, protect);
        break;
    case DataExport::Report: {
        ReportExtras extras;
        const SourceSpec& source = m_pipeline.source();
        if (source.kind == SourceSpec::Kind::File) {
            extras.source = sstr(source.path);
            if (!source.member.isEmpty())
                extras.source += ":" + sstr(source.member);
        } else if (source.kind == SourceSpec::Kind::Generated) {
            const GeneratorOptions& g = source.generator;
            extras.source = "generate " + toName(g.distribution) + " " + tensor.shapeString() +
                            " seed " + std::to_string(g.seed);
        }
        writeReport(path, tensor, result, extras, protect);
        break;
    }
    }
}

// ---- the menu and its dialogs -------------------------------------------------------------------

void ExportController::fillMenu(QMenu* menu)
{
    menu->addAction(tr("&Chart…"), QKeySequence(tr("Ctrl+E")), this,
                    &ExportController::askExportChart);
    menu->addAction(tr("&View…"), this, &ExportController::askExportView)
        ->setToolTip(tr("Export the current tab (chart or teaching view) as PNG, SVG or PDF"));
    menu->addAction(tr("&All Charts…"), QKeySequence(tr("Ctrl+Shift+E")), this,
                    &ExportController::askExportAll);
    menu->addAction(tr("Co&py Chart"), QKeySequence(tr("Ctrl+Shift+C")), this,
                    &ExportController::copyChartToClipboard);
    menu->addSeparator();
    const std::pair<QString, DataExport> data[] = {
        {tr("Codes (.npy)…"), DataExport::Codes},
        {tr("Dequantized Values (.npy)…"), DataExport::Dequantized},
        {tr("Table (.csv)…"), DataExport::Table},
        {tr("JSON Report…"), DataExport::Report}};
    for (const auto& [text, what] : data)
        menu->addAction(text, this, [this, what = what] { askExportData(what); });
}

void ExportController::askExportChart()
{
    if (m_tabs.currentAnalysisView()) { // a teaching view: its charts or the widget
        askExportView();
        return;
    }
    const ChartKind kind = m_tabs.currentChart();
    QString path;
    ExportOptions opt;
    if (askChartFile(m_window, tr("Export Chart"),
                     m_pipeline.sourceDir() + QLatin1Char('/') + chartKindName(kind) + ".png",
                     tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"),
                     {QStringLiteral("svg"), QStringLiteral("pdf")}, QStringLiteral("png"), path,
                     opt))
        exportChart(kind, path, opt);
}

void ExportController::askExportAll()
{
    QString path;
    ExportOptions opt;
    if (askChartFile(
            m_window, tr("Export All Charts"),
            m_pipeline.sourceDir() + QStringLiteral("/charts.pdf"),
            tr("Multi-page PDF (*.pdf);;One PNG per chart (*.png);;One SVG per chart (*.svg)"),
            {QStringLiteral("SVG"), QStringLiteral("PNG")}, QStringLiteral("pdf"), path, opt))
        exportAllCharts(path, opt);
}

void ExportController::askExportData(DataExport what)
{
    struct Choice {
        const char* name;
        const char* filter;
    };
    static const Choice choices[] = {{"codes.npy", "NumPy array (*.npy)"},
                                     {"dequantized.npy", "NumPy array (*.npy)"},
                                     {"quantized.csv", "CSV table (*.csv)"},
                                     {"report.json", "JSON report (*.json)"}};
    const Choice& c = choices[int(what)];
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export Data"),
        m_pipeline.sourceDir() + QLatin1Char('/') + QLatin1String(c.name), tr(c.filter));
    if (path.isEmpty())
        return;
    if (exportData(what, path))
        m_status.setStatus(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
}

void ExportController::askExportView()
{
    AnalysisView* v = m_tabs.currentAnalysisView();
    if (!v) {
        askExportChart();
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export %1").arg(v->viewTitle()),
        QDir(m_pipeline.sourceDir()).filePath(v->viewName() + QStringLiteral(".png")),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    ExportOptions opt;
    opt.size = v->size().expandedTo(QSize(800, 500));
    exportView(v->viewName(), path, opt);
}

} // namespace qs::ui
