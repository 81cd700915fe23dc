// Export of charts through one painter path (paintChart): the chart is laid out
// at the logical size of the target, then its scene is rendered into whichever
// QPainter the format needs: a QImage (PNG), a QSvgGenerator (SVG, 96 dpi, text
// stays text) or a QPdfWriter (PDF, page size = logical size at 96 dpi, one
// chart per page).
#include "ui/support/chart_export.h"

#include "ui/support/atomic_device.h"

#include <QChart>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QTextDocumentFragment>
#include <QWidget>

#include <cmath>
#include <functional>
#include <memory>

namespace qs::ui {

namespace {
// Saves the painter's state and turns on the antialiasing every export draws with; the caller
// restores it.
void saveForExport(QPainter& painter)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
}

constexpr int kMinSide = 16;
constexpr int kMaxSide = 16384;

bool setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

bool checkOptions(const ExportOptions& opt, QString* error)
{
    const QSize s = opt.size;
    if (s.width() < kMinSide || s.height() < kMinSide || s.width() > kMaxSide ||
        s.height() > kMaxSide)
        return setError(error, QStringLiteral("export size %1x%2 is out of range: each side must "
                                              "be between %3 and %4 pixels")
                                   .arg(s.width())
                                   .arg(s.height())
                                   .arg(kMinSide)
                                   .arg(kMaxSide));
    if (opt.dpi < 24 || opt.dpi > 2400)
        return setError(
            error,
            QStringLiteral("export resolution %1 dpi is out of range (24 to 2400)").arg(opt.dpi));
    return true;
}

// Lays the chart out for its present geometry. A chart refits its ticks, title and legend to
// the size it was given (ui/charts/chart_fit.h), which asks for another layout as a posted
// event: those are delivered until none is left (a few rounds: the legend and title follow
// the chart's width, the vertical axes the plot's height, the horizontal ones its width).
void settleLayout(QChart* chart)
{
    for (int round = 0; round < 6; ++round) {
        if (chart->layout())
            chart->layout()->activate();
        QCoreApplication::sendPostedEvents(chart, QEvent::LayoutRequest);
        if (!chart->layout() || chart->layout()->isActivated())
            break;
    }
}

// Lays the chart out at `logical` size and renders it into `target` of the
// painter. A chart that is not in a scene is put into a temporary one (a QChart
// only lays itself out inside a scene); a chart shown in a view is resized for
// the export and given its geometry back after.
void paintChart(QChart* chart, QPainter& painter, const QRectF& target, const QSizeF& logical)
{
    std::unique_ptr<QGraphicsScene> ownScene;
    QGraphicsScene* scene = chart->scene();
    const QRectF oldGeometry = chart->geometry();
    if (!scene) {
        ownScene = std::make_unique<QGraphicsScene>();
        ownScene->addItem(chart);
        scene = ownScene.get();
    }
    const QRectF rect(chart->pos(), logical);
    chart->setGeometry(rect);
    settleLayout(chart);

    saveForExport(painter);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    scene->render(&painter, target, rect, Qt::IgnoreAspectRatio);
    painter.restore();

    if (ownScene) {
        ownScene->removeItem(chart); // the chart stays owned by the caller
    } else {
        chart->setGeometry(oldGeometry);
        settleLayout(chart);
    }
}

// Chart titles are HTML (two lines); documents get the plain text.
QString plainTitle(const QChart* chart)
{
    QString html = chart->title();
    html.replace(QLatin1String("<br>"), QStringLiteral(" \u2014 "));
    return QTextDocumentFragment::fromHtml(html).toPlainText().simplified();
}

QString suffixOf(const QString& path)
{
    return QFileInfo(path).suffix().toLower();
}

bool openForWriting(AtomicFileDevice& file, const QString& path, QString* error)
{
    if (!file.open(QIODevice::WriteOnly))
        return setError(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

bool commit(AtomicFileDevice& file, const QString& path, QString* error)
{
    if (!file.commit())
        return setError(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

// Paints the exported content (one page of it) into `target` of the painter,
// laid out at `logical` size. Charts and widgets both go through the writers
// below with one of these.
using PaintFn = std::function<void(QPainter& painter, qsizetype page, const QRectF& target,
                                   const QSizeF& logical)>;

// PNG pixels: at more than 96 dpi the content is laid out smaller and scaled
// up, so text and lines get the physical size they would have on a screen of
// that resolution.
QImage renderImage(const ExportOptions& opt, const QColor& fill, const PaintFn& paint)
{
    QImage image(opt.size, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return image;
    image.fill(fill);
    const double zoom = opt.dpi / 96.0;
    const QSizeF logical(opt.size.width() / zoom, opt.size.height() / zoom);
    {
        QPainter painter(&image);
        paint(painter, 0, QRectF(QPointF(0, 0), QSizeF(opt.size)), logical);
    }
    // Set after painting: fonts are laid out at the screen's resolution, the
    // metadata only tells viewers and printers the intended physical size.
    const int dpm = static_cast<int>(std::lround(opt.dpi / 0.0254));
    image.setDotsPerMeterX(dpm);
    image.setDotsPerMeterY(dpm);
    return image;
}

bool writePng(const QImage& image, const QString& path, const ExportOptions& opt, QString* error)
{
    if (image.isNull())
        return setError(error, QStringLiteral("cannot allocate a %1x%2 image")
                                   .arg(opt.size.width())
                                   .arg(opt.size.height()));
    AtomicFileDevice file(path);
    if (!openForWriting(file, path, error))
        return false;
    if (!image.save(&file, "PNG")) {
        return setError(error, QStringLiteral("cannot write %1: PNG encoding failed").arg(path));
    }
    return commit(file, path, error);
}

// SVG at 96 dpi (sizes in the file are the logical pixel sizes); text stays
// text.
bool writeSvg(const QString& path, const ExportOptions& opt, const QString& title,
              const QString& description, const PaintFn& paint, QString* error)
{
    AtomicFileDevice file(path);
    if (!openForWriting(file, path, error))
        return false;
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(opt.size);
    svg.setViewBox(QRect(QPoint(0, 0), opt.size));
    svg.setResolution(96);
    // QSvgGenerator writes the title into the XML as it is: escape it.
    svg.setTitle(title.toHtmlEscaped());
    svg.setDescription(description);
    QPainter painter;
    if (!painter.begin(&svg)) {
        return setError(error, QStringLiteral("cannot write %1: SVG output failed").arg(path));
    }
    paint(painter, 0, QRectF(QPointF(0, 0), QSizeF(opt.size)), QSizeF(opt.size));
    painter.end();
    return commit(file, path, error);
}

// PDF with `pages` pages; page size = the logical size at 96 dpi, in points (72
// per inch). An empty title leaves the document's title unset.
bool writePdf(const QString& path, const ExportOptions& opt, const QString& title, qsizetype pages,
              const PaintFn& paint, QString* error)
{
    AtomicFileDevice file(path);
    if (!openForWriting(file, path, error))
        return false;
    {
        QPdfWriter pdf(&file);
        pdf.setResolution(96);
        const QSizeF points(opt.size.width() * 72.0 / 96.0, opt.size.height() * 72.0 / 96.0);
        pdf.setPageSize(QPageSize(points, QPageSize::Point, QString(), QPageSize::ExactMatch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        if (!title.isEmpty())
            pdf.setTitle(title);
        pdf.setCreator(QStringLiteral("QuantScope"));
        QPainter painter;
        if (!painter.begin(&pdf)) {
            return setError(error, QStringLiteral("cannot write %1: PDF output failed").arg(path));
        }
        const QRectF target(QPointF(0, 0), QSizeF(opt.size));
        for (qsizetype i = 0; i < pages; ++i) {
            if (i > 0)
                pdf.newPage();
            paint(painter, i, target, QSizeF(opt.size));
        }
        painter.end();
    }
    return commit(file, path, error);
}

QString unknownTypeMessage(const QString& path, const QString& suffix)
{
    return QStringLiteral("cannot export to %1: unknown file type '%2' (use "
                          ".png, .svg or .pdf)")
        .arg(path, suffix.isEmpty() ? QStringLiteral("no suffix") : QLatin1Char('.') + suffix);
}

// Lays the widget out at `logical` size, renders it into `target` of the
// painter and gives it its size back (a widget shown in a window is resized
// only for the duration of the export).
void paintWidget(QWidget* widget, QPainter& painter, const QRectF& target, const QSizeF& logical)
{
    const QSize oldSize = widget->size();
    const QSize size = logical.toSize();
    widget->resize(size);
    if (widget->layout())
        widget->layout()->activate();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    saveForExport(painter);
    painter.translate(target.topLeft());
    painter.scale(target.width() / size.width(), target.height() / size.height());
    widget->render(&painter, QPoint(), QRegion(),
                   QWidget::DrawWindowBackground | QWidget::DrawChildren);
    painter.restore();
    widget->resize(oldSize);
    if (widget->layout())
        widget->layout()->activate();
}

PaintFn widgetPainter(QWidget* widget)
{
    return [widget](QPainter& painter, qsizetype, const QRectF& target, const QSizeF& logical) {
        paintWidget(widget, painter, target, logical);
    };
}

PaintFn chartsPainter(const QList<QChart*>& charts)
{
    return [charts](QPainter& painter, qsizetype page, const QRectF& target,
                    const QSizeF& logical) { paintChart(charts[page], painter, target, logical); };
}

// One page of content (a widget or a chart) as the exports draw it.
struct OnePage {
    QColor fill; // PNG background
    QString svgTitle, pdfTitle;
    QString svgDescription;
    PaintFn paint;
};

// The page written as the file type the path names: .png, .svg or .pdf (after the options are
// checked).
bool writeOnePage(const QString& path, const ExportOptions& opt, const OnePage& page,
                  QString* error)
{
    if (!checkOptions(opt, error))
        return false;
    const QString suffix = suffixOf(path);
    if (suffix == QLatin1String("png"))
        return writePng(renderImage(opt, page.fill, page.paint), path, opt, error);
    if (suffix == QLatin1String("svg"))
        return writeSvg(path, opt, page.svgTitle, page.svgDescription, page.paint, error);
    if (suffix == QLatin1String("pdf"))
        return writePdf(path, opt, page.pdfTitle, 1, page.paint, error);
    return setError(error, unknownTypeMessage(path, suffix));
}

} // namespace

QImage renderWidget(QWidget* widget, const ExportOptions& opt)
{
    if (!widget || !checkOptions(opt, nullptr))
        return QImage();
    return renderImage(opt, widget->palette().color(QPalette::Window), widgetPainter(widget));
}

bool exportWidget(QWidget* widget, const QString& path, const ExportOptions& opt, QString* error)
{
    if (!widget)
        return setError(error, QStringLiteral("no view to export"));
    return writeOnePage(path, opt,
                        {widget->palette().color(QPalette::Window), widget->windowTitle(),
                         QString(), QStringLiteral("QuantScope view"), widgetPainter(widget)},
                        error);
}

QImage renderChart(QChart* chart, const ExportOptions& opt)
{
    if (!chart || !checkOptions(opt, nullptr))
        return QImage();
    return renderImage(opt, chart->backgroundBrush().color(), chartsPainter({chart}));
}

bool exportChart(QChart* chart, const QString& path, const ExportOptions& opt, QString* error)
{
    if (!chart)
        return setError(error, QStringLiteral("no chart to export"));
    return writeOnePage(path, opt,
                        {chart->backgroundBrush().color(), plainTitle(chart), plainTitle(chart),
                         QStringLiteral("QuantScope chart"), chartsPainter({chart})},
                        error);
}

bool exportChartsPdf(const QList<QChart*>& charts, const QString& path, const ExportOptions& opt,
                     QString* error)
{
    if (charts.isEmpty())
        return setError(error, QStringLiteral("no chart to export"));
    for (QChart* c : charts)
        if (!c)
            return setError(error, QStringLiteral("no chart to export (null chart in the list)"));
    if (!checkOptions(opt, error))
        return false;
    if (suffixOf(path) != QLatin1String("pdf"))
        return setError(
            error,
            QStringLiteral("cannot export to %1: a multi-page export needs a .pdf file").arg(path));
    return writePdf(path, opt, plainTitle(charts.front()), charts.size(), chartsPainter(charts),
                    error);
}

} // namespace qs::ui
