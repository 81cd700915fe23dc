#include "ui/views/model_heatmap.h"

#include "ui/charts/axis_ticks.h"
#include "ui/views/model_table.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <map>

namespace qs::ui {

// ---- the grid ---------------------------------------------------------------------------------

HeatmapGrid heatmapGrid(const ModelReport& report, int scheme, ModelMetric metric)
{
    HeatmapGrid g;
    std::map<int, int> rowOf;    // layer -> row; -1 sorts first, moved last below
    std::map<int, int> columnOf; // kind -> column
    for (const TensorReport& t : report.tensors) {
        rowOf[t.role.layer] = 0;
        columnOf[int(t.role.kind)] = 0;
    }
    for (auto& [layer, row] : rowOf)
        if (layer >= 0) {
            row = g.rows();
            g.layers.push_back(layer);
        }
    if (rowOf.count(-1)) {
        rowOf[-1] = g.rows();
        g.layers.push_back(-1);
    }
    for (auto& [kind, column] : columnOf) {
        column = g.columns();
        g.kinds.push_back(TensorKind(kind));
    }
    g.cells.resize(size_t(g.rows()) * size_t(g.columns()));
    for (int i = 0; i < int(report.tensors.size()); ++i) {
        const TensorReport& t = report.tensors[size_t(i)];
        g.cells[size_t(rowOf[t.role.layer]) * g.kinds.size() + size_t(columnOf[int(t.role.kind)])]
            .tensors.push_back(i);
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (HeatmapGrid::Cell& c : g.cells) {
        std::stable_sort(c.tensors.begin(), c.tensors.end(), [&](int a, int b) {
            return report.tensors[size_t(a)].params > report.tensors[size_t(b)].params;
        });
        std::vector<const SchemeMetrics*> results;
        std::vector<int64_t> params;
        for (int i : c.tensors) {
            const TensorReport& t = report.tensors[size_t(i)];
            if (size_t(scheme) < t.results.size()) {
                results.push_back(&t.results[size_t(scheme)]);
                params.push_back(t.params);
            }
        }
        c.value = combinedMetric(results, params, metric);
        if (std::isfinite(c.value)) {
            lo = std::min(lo, c.value);
            hi = std::max(hi, c.value);
        }
    }
    g.scale = lo <= hi ? ValueScale::fit(lo, hi) : ValueScale();
    return g;
}

// ---- layout -----------------------------------------------------------------------------------

struct ModelHeatmap::Layout {
    QRect title, grid, bar;
    double cellW = 0, cellH = 0;
    bool upright = false; // column labels turned by 90 degrees
    int rowStep = 1;      // a row label every rowStep rows
    std::vector<double> ticks;
    QList<Label> labels;
    QList<Qt::Alignment> align; // per label; 0: upright, reading upwards and ending at the grid
};

namespace {

constexpr int kPad = 6;

QString fmtTick(double v, int digits)
{
    return QString::number(v, 'g', digits);
}

// Significant digits that tell the legend's ticks apart: three, or as many as the smallest step
// between two of them needs next to the largest (ticks 0.005405 and 0.00541 were both written
// 0.00541 with three).
int tickDigits(const std::vector<double>& ticks)
{
    double step = HUGE_VAL, top = 0;
    for (size_t i = 0; i < ticks.size(); ++i) {
        top = std::max(top, std::fabs(ticks[i]));
        if (i > 0)
            step = std::min(step, std::fabs(ticks[i] - ticks[i - 1]));
    }
    if (!(step > 0) || !std::isfinite(step) || !(top > 0))
        return 3;
    const int need = int(std::floor(std::log10(top))) - int(std::floor(std::log10(step))) + 1;
    return std::clamp(need, 3, 10);
}

// Legend ticks: nice linear steps, or 1, 2, 5 x 10^k (else powers of ten, thinned out when
// there are too many decades) on a log scale; the two ends when nothing else falls inside.
std::vector<double> legendTicks(const ValueScale& s, int maxTicks)
{
    if (!(s.hi > s.lo))
        return {s.lo};
    std::vector<double> out;
    if (!s.log) {
        const NiceTicks t = niceTicks(s.lo, s.hi, maxTicks, true);
        for (int i = 0; i < t.count; ++i)
            out.push_back(t.first + i * t.step);
        return out;
    }
    const int k0 = int(std::floor(std::log10(s.lo))), k1 = int(std::ceil(std::log10(s.hi)));
    for (const std::vector<double>& mantissas : {std::vector<double>{1, 2, 5}, {1}}) {
        out.clear();
        for (int k = k0; k <= k1; ++k)
            for (double m : mantissas) {
                const double x = m * std::pow(10.0, k);
                if (x >= s.lo * (1 - 1e-9) && x <= s.hi * (1 + 1e-9))
                    out.push_back(x);
            }
        if (int(out.size()) <= maxTicks)
            break;
    }
    const size_t step = (out.size() + size_t(maxTicks) - 1) / size_t(std::max(1, maxTicks));
    std::vector<double> thinned;
    for (size_t i = 0; i < out.size(); i += std::max<size_t>(1, step))
        thinned.push_back(out[i]);
    return thinned.size() >= 2 ? thinned : std::vector<double>{s.lo, s.hi};
}

} // namespace

ModelHeatmap::ModelHeatmap(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("modelHeatmap"));
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ModelHeatmap::setReport(std::shared_ptr<const ModelReport> report, int scheme,
                             ModelMetric metric)
{
    m_report = std::move(report);
    m_scheme = scheme;
    m_metric = metric;
    m_grid = m_report && size_t(scheme) < m_report->schemes.size()
                 ? heatmapGrid(*m_report, scheme, metric)
                 : HeatmapGrid();
    update();
}

QString ModelHeatmap::title() const
{
    if (!m_report || size_t(m_scheme) >= m_report->schemes.size())
        return tr("No report yet: press Run");
    const QString title =
        tr("%1 under %2 — layer × kind of tensor")
            .arg(modelMetricName(m_metric),
                 QString::fromStdString(m_report->schemes[size_t(m_scheme)].name));
    // Grey cells explained when there are some and the line has room for it.
    const bool grey = std::any_of(m_grid.cells.begin(), m_grid.cells.end(), [](const auto& c) {
        return !c.tensors.empty() && std::isnan(c.value);
    });
    const QString explained = title + tr(" (grey: not quantized)");
    return grey && fontMetrics().horizontalAdvance(explained) <= width() - 2 * kPad ? explained
                                                                                    : title;
}

ModelHeatmap::Layout ModelHeatmap::layout() const
{
    Layout l;
    const QFontMetrics fm(font());
    const int lineH = fm.height();
    l.title = QRect(kPad, kPad, width() - 2 * kPad, lineH);
    l.labels << Label{title(), fm.boundingRect(l.title, Qt::AlignCenter, title())};
    l.align << Qt::AlignCenter;
    // Legend: the bar and its numbers on the right.
    // As many ticks as fit, fewer while they need more than three digits (a wider legend would
    // leave the cells too narrow for their numbers); more digits only when two ticks still do.
    for (int most = std::max(2, (height() - 4 * lineH) / (2 * lineH));; --most) {
        std::vector<double> ticks = legendTicks(m_grid.scale, most);
        if (ticks.size() < 2 && !l.ticks.empty())
            break;
        l.ticks = std::move(ticks);
        if (most <= 2 || tickDigits(l.ticks) <= 3)
            break;
    }
    const int digits = tickDigits(l.ticks);
    int tickW = 0;
    for (double t : l.ticks)
        tickW = std::max(tickW, fm.horizontalAdvance(fmtTick(t, digits)));
    const int barW = std::max(12, lineH);
    const int legendW = barW + 4 + tickW;
    // Row labels on the left ("–" and layer numbers), under the header "layer".
    int rowW = fm.horizontalAdvance(tr("layer"));
    for (int layer : m_grid.layers)
        rowW = std::max(rowW, fm.horizontalAdvance(layerText(layer)));
    int colW = 0;
    for (TensorKind k : m_grid.kinds)
        colW = std::max(colW, fm.horizontalAdvance(QString::fromLatin1(tensorKindName(k))));
    const int left = kPad + rowW + kPad;
    const int right = width() - kPad - legendW - 2 * kPad;
    const int columns = std::max(1, m_grid.columns());
    l.cellW = double(std::max(1, right - left)) / columns;
    l.upright = l.cellW < colW + 4;
    const int header = l.upright ? colW + kPad : lineH + kPad / 2;
    const int top = l.title.bottom() + kPad + header;
    const int rows = std::max(1, m_grid.rows());
    l.grid = QRect(left, top, std::max(1, right - left), std::max(1, height() - kPad - top));
    l.cellH = double(l.grid.height()) / rows;
    while (l.rowStep * l.cellH < lineH && l.rowStep < rows)
        l.rowStep *= 2;
    l.bar = QRect(right + 2 * kPad, top, barW, l.grid.height());
    // The labels.
    const Qt::Alignment toRight = Qt::AlignRight | Qt::AlignVCenter;
    l.labels << Label{tr("layer"), QRect(kPad, top - lineH - kPad / 2, rowW, lineH)};
    l.align << toRight;
    for (int r = 0; r < m_grid.rows(); r += l.rowStep) {
        const int y = int(std::lround(top + (r + 0.5) * l.cellH - lineH / 2.0));
        l.labels << Label{layerText(m_grid.layers[size_t(r)]), QRect(kPad, y, rowW, lineH)};
        l.align << toRight;
    }
    for (int c = 0; c < m_grid.columns(); ++c) {
        const QString text = QString::fromLatin1(tensorKindName(m_grid.kinds[size_t(c)]));
        const int w = fm.horizontalAdvance(text);
        const int cx = int(std::lround(left + (c + 0.5) * l.cellW));
        l.labels << Label{text, l.upright ? QRect(cx - lineH / 2, top - kPad / 2 - w, lineH, w)
                                          : QRect(cx - w / 2, top - kPad / 2 - lineH, w, lineH)};
        l.align << (l.upright ? Qt::Alignment() : Qt::Alignment(Qt::AlignCenter));
    }
    for (double t : l.ticks) {
        const int y = int(std::lround(l.bar.bottom() - m_grid.scale.position(t) * l.bar.height()));
        l.labels << Label{fmtTick(t, digits),
                          QRect(l.bar.right() + 4, y - lineH / 2, tickW, lineH)};
        l.align << (Qt::AlignLeft | Qt::AlignVCenter);
    }
    return l;
}

QList<ModelHeatmap::Label> ModelHeatmap::labels() const
{
    return layout().labels;
}

QRect ModelHeatmap::cellRect(int row, int column) const
{
    const Layout l = layout();
    const int x0 = int(std::lround(l.grid.left() + column * l.cellW));
    const int x1 = int(std::lround(l.grid.left() + (column + 1) * l.cellW));
    const int y0 = int(std::lround(l.grid.top() + row * l.cellH));
    const int y1 = int(std::lround(l.grid.top() + (row + 1) * l.cellH));
    return QRect(x0, y0, std::max(1, x1 - x0 - 1), std::max(1, y1 - y0 - 1));
}

QColor ModelHeatmap::cellColor(int row, int column) const
{
    const double v = m_grid.at(row, column).value;
    return std::isnan(v) ? palette().color(QPalette::Mid) : m_grid.scale.color(v);
}

QPoint ModelHeatmap::cellAt(const QPoint& pos) const
{
    const Layout l = layout();
    if (!l.grid.contains(pos) || m_grid.cells.empty())
        return {-1, -1};
    const int c = std::min(m_grid.columns() - 1, int((pos.x() - l.grid.left()) / l.cellW));
    const int r = std::min(m_grid.rows() - 1, int((pos.y() - l.grid.top()) / l.cellH));
    return {c, r};
}

QString ModelHeatmap::cellToolTip(int row, int column) const
{
    const HeatmapGrid::Cell& cell = m_grid.at(row, column);
    const QString where =
        tr("layer %1 · %2")
            .arg(layerText(m_grid.layers[size_t(row)]),
                 QString::fromLatin1(tensorKindName(m_grid.kinds[size_t(column)])));
    if (cell.tensors.empty())
        return tr("%1: no tensor").arg(where);
    const QString scheme = QString::fromStdString(m_report->schemes[size_t(m_scheme)].name);
    QString text =
        tr("%1 — %2 %3 under %4")
            .arg(where, modelMetricName(m_metric), formatModelMetric(cell.value, m_metric), scheme);
    for (int i : cell.tensors) {
        const TensorReport& t = m_report->tensors[size_t(i)];
        text += QStringLiteral("\n\n") + QString::fromStdString(t.name) + QLatin1Char('\n') +
                metricsText(t.results[size_t(m_scheme)]);
    }
    return text + tr("\n\nDouble-click: open %1 in the explorer with %2")
                      .arg(QString::fromStdString(m_report->tensors[size_t(cell.tensors[0])].name),
                           scheme);
}

// ---- painting and events ----------------------------------------------------------------------

void ModelHeatmap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (m_grid.cells.empty()) { // no report yet: the hint alone, no empty axes or scale
        p.setPen(palette().color(QPalette::Text));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, title());
        return;
    }
    const Layout l = layout();
    paintCells(p, l);
    paintLegend(p, l);
    p.setPen(palette().color(QPalette::Text));
    for (int i = 0; i < l.labels.size(); ++i) {
        const Label& label = l.labels[i];
        if (l.align[i]) {
            p.drawText(label.rect, l.align[i], label.text);
            continue;
        }
        p.save(); // upright: read from the bottom up, ending at the grid
        p.translate(label.rect.left(), label.rect.bottom());
        p.rotate(-90);
        p.drawText(QRect(0, 0, label.rect.height(), label.rect.width()),
                   Qt::AlignLeft | Qt::AlignVCenter, label.text);
        p.restore();
    }
}

// The cells, and their numbers (3 digits) when every one of them fits its cell.
void ModelHeatmap::paintCells(QPainter& p, const Layout& l) const
{
    const QFontMetrics fm(font());
    bool numbers = fm.height() + 2 <= l.cellH;
    std::vector<QString> texts(m_grid.cells.size());
    for (size_t i = 0; i < texts.size(); ++i)
        if (!m_grid.cells[i].tensors.empty()) {
            const double v = m_grid.cells[i].value;
            texts[i] = m_metric == ModelMetric::Bytes || std::isnan(v)
                           ? formatModelMetric(v, m_metric)
                           : QString::number(v, 'g', 3);
            numbers = numbers && fm.horizontalAdvance(texts[i]) + 4 <= int(l.cellW) - 1;
        }
    for (int r = 0; r < m_grid.rows(); ++r)
        for (int c = 0; c < m_grid.columns(); ++c) {
            const size_t i = size_t(r) * size_t(m_grid.columns()) + size_t(c);
            if (m_grid.cells[i].tensors.empty())
                continue;
            const QRect cell = cellRect(r, c);
            const QColor colour = cellColor(r, c);
            p.fillRect(cell, colour);
            if (!numbers)
                continue;
            p.setPen(colour.lightnessF() > 0.55 ? Qt::black : Qt::white);
            p.drawText(cell, Qt::AlignCenter, texts[i]);
        }
}

void ModelHeatmap::paintLegend(QPainter& p, const Layout& l) const
{
    if (m_grid.cells.empty())
        return;
    for (int y = 0; y < l.bar.height(); ++y) {
        const double t = 1.0 - (y + 0.5) / l.bar.height();
        p.fillRect(QRect(l.bar.left(), l.bar.top() + y, l.bar.width(), 1), viridis(t));
    }
    p.setPen(palette().color(QPalette::Text));
    for (double t : l.ticks) {
        const int y = int(std::lround(l.bar.bottom() - m_grid.scale.position(t) * l.bar.height()));
        p.drawLine(l.bar.right() - 3, y, l.bar.right() + 2, y);
    }
}

bool ModelHeatmap::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const QPoint cell = cellAt(help->pos());
        if (cell.x() >= 0)
            QToolTip::showText(help->globalPos(), cellToolTip(cell.y(), cell.x()), this);
        else
            QToolTip::showText(help->globalPos(), toolTip(), this);
        return true;
    }
    return QWidget::event(e);
}

void ModelHeatmap::mouseDoubleClickEvent(QMouseEvent* e)
{
    const QPoint cell = cellAt(e->position().toPoint());
    if (cell.x() < 0)
        return;
    const HeatmapGrid::Cell& c = m_grid.at(cell.y(), cell.x());
    if (!c.tensors.empty())
        emit tensorActivated(c.tensors.front(), m_scheme);
}

} // namespace qs::ui
