// One painter path for every export: a chart (or any widget/scene) rendered into a PNG of a
// chosen pixel size and DPI, an SVG (QSvgGenerator, 96 dpi) or a PDF (QPdfWriter), picked
// from the file suffix. Files are written atomically (AtomicFileDevice); an existing input file
// is never overwritten by accident because callers pass the output path explicitly.
#pragma once

#include <QList>
#include <QSize>
#include <QString>

class QChart;
class QImage;
class QWidget;

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

// Writes a widget (a view without charts, e.g. a rich-text panel) to path (.png, .svg or .pdf)
// through the same painter path: the widget is laid out at the logical size of the target and
// rendered with QWidget::render (text stays text in SVG and PDF). Returns false and sets *error
// on failure.
bool exportWidget(QWidget* widget, const QString& path, const ExportOptions& opt, QString* error);
// Renders a widget into an image of opt.size pixels.
QImage renderWidget(QWidget* widget, const ExportOptions& opt);

} // namespace qs::ui
