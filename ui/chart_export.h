// One painter path for every export: a chart (or any widget/scene) rendered into a PNG of a
// chosen pixel size and DPI, an SVG (QSvgGenerator, 96 dpi) or a PDF (QPdfWriter), picked
// from the file suffix. Files are written atomically (QSaveFile); an existing input file is
// never overwritten by accident because callers pass the output path explicitly.
#pragma once

#include <QList>
#include <QSize>
#include <QString>

class QChart;
class QImage;

namespace qs::ui {

struct ExportOptions {
    QSize size{1200, 800}; // pixels for PNG; logical size at 96 dpi for SVG/PDF
    int dpi = 96;          // PNG metadata and scaling (size stays the pixel size)
};

// Writes chart to path (.png, .svg or .pdf). Returns false and sets *error on failure.
bool exportChart(QChart* chart, const QString& path, const ExportOptions& opt, QString* error);
// Multi-page PDF, one chart per page.
bool exportChartsPdf(const QList<QChart*>& charts, const QString& path, const ExportOptions& opt,
                     QString* error);
// Renders into an image (for PNG and clipboard).
QImage renderChart(QChart* chart, const ExportOptions& opt);

} // namespace qs::ui
