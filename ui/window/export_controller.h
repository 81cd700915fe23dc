// ExportController: everything the Export menu writes, on the pipeline's current result:
// charts (PNG/SVG/PDF, one or all), analysis views, the data (codes, dequantized values, the
// CSV table, the JSON report) and the clipboard copy, plus the file dialogs that ask where.
// Exports are synchronous; a failure returns false and is reported through WindowStatus.
#pragma once

#include "ui/charts/charts.h"
#include "ui/support/chart_export.h"
#include "ui/window/window_parts.h"

#include <QObject>
#include <QString>

#include <functional>
#include <string>
#include <vector>

class QChart;
class QMenu;

namespace qs::ui {

class AnalysisView;

// The data files of the Export menu.
enum class DataExport {
    Codes,       // .npy in the smallest integer dtype (the CLI's --codes)
    Dequantized, // .npy float32
    Table,       // .csv: index, original, code, dequantized, error
    Report,      // the JSON report (same as the CLI)
};

class ExportController : public QObject {
    Q_OBJECT
public:
    explicit ExportController(const WindowParts& parts);

    bool exportChart(ChartKind kind, const QString& path, const ExportOptions& options);
    // path ending in .pdf: one multi-page PDF; .png / .svg: one file per chart next to path,
    // named <base>-<kind>.<suffix>.
    bool exportAllCharts(const QString& path, const ExportOptions& options);
    bool exportData(DataExport what, const QString& path);
    // A tab by name (charts too) as PNG/SVG/PDF: the view's charts, else its widget.
    bool exportView(const QString& name, const QString& path, const ExportOptions& options);
    void copyChartToClipboard(); // the current tab's chart, or a view's first chart or itself

    // The Export menu's actions; each asks for a file name (and a PNG's size), then exports.
    void fillMenu(QMenu* menu);
    void askExportChart();
    void askExportAll();
    void askExportData(DataExport what);
    void askExportView();

private:
    bool haveResult();
    // Checks there is a result, protects the input file, reports qs::Error; write() does the I/O.
    bool writeDataExport(const std::function<void(const std::vector<std::string>& protect)>& write);
    void writeData(DataExport what, const std::string& path,
                   const std::vector<std::string>& protect);
    bool writeViewCharts(const QList<QChart*>& charts, const QString& path,
                         const ExportOptions& options, QString* error);
    void copyViewToClipboard(AnalysisView* view);

    ResultPipeline& m_pipeline;
    WindowTabs& m_tabs;
    WindowStatus& m_status;
    QWidget* m_window;
};

} // namespace qs::ui
