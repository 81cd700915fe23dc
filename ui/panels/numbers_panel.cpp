#include "ui/panels/numbers_panel.h"

#include "core/stats/storage_split.h"
#include "ui/panels/lesson_panel.h"
#include "ui/support/table_rows.h"

#include <QColor>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPalette>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qs::ui {

QString formatNumber(double v, int digits)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', digits);
}

QString formatBytes(int64_t bytes)
{
    if (bytes < 10 * 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 10 * 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

namespace {

constexpr int kKeyRole = Qt::UserRole + 1;

// "v" for one slice, "lo ... hi" over several.
template <class T> QString spread(const std::vector<T>& values)
{
    if (values.empty())
        return QStringLiteral("-");
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (values.size() == 1 || *lo == *hi)
        return formatNumber(double(*lo));
    return QStringLiteral("%1 … %2").arg(formatNumber(double(*lo)), formatNumber(double(*hi)));
}

// "imatrix.gguf: blk.0.ffn_up.weight, 4096 columns" (x experts), or "none".
QString importanceText(const ImportanceSource& s)
{
    if (s.columns == 0)
        return QObject::tr("none");
    QString text = QFileInfo(QString::fromStdString(s.file)).fileName();
    if (!s.tensor.empty())
        text += QStringLiteral(": ") + QString::fromStdString(s.tensor);
    text += QObject::tr(", %1 columns").arg(s.columns);
    if (s.groups > 1)
        text += QObject::tr(" x %1 experts").arg(s.groups);
    return text;
}

QString percent(double fraction)
{
    return QStringLiteral("%1 %").arg(formatNumber(100.0 * fraction, 4));
}

} // namespace

NumbersPanel::NumbersPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("configSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_table = new QTableWidget(0, 2, this);
    m_table->setObjectName(QStringLiteral("numbersTable"));
    m_table->setHorizontalHeaderLabels({tr("Quantity"), tr("Value")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    // A value wider than its column (a clip range in a narrow window) takes a second line
    // rather than being cut; the rows follow the column's width and the font.
    m_table->setWordWrap(true);
    keepRowsFittingFont(m_table, 6, true);
    layout->addWidget(m_table, 1);
    m_warnings = new QLabel(this);
    m_warnings->setObjectName(QStringLiteral("warningsLabel"));
    m_warnings->setWordWrap(true);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Orange text by the palette: a style sheet would keep the label's font small when
    // presentation mode enlarges the application's.
    QPalette warningColour = m_warnings->palette();
    warningColour.setColor(QPalette::WindowText, QColor(0xD5, 0x5E, 0x00));
    m_warnings->setPalette(warningColour);
    layout->addWidget(m_warnings);
}

void NumbersPanel::addRow(const QString& key, const QString& label, const QString& value,
                          const QString& tip)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto* k = new QTableWidgetItem(label);
    k->setData(kKeyRole, key);
    auto* v = new QTableWidgetItem(value);
    v->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    if (!tip.isEmpty()) {
        k->setToolTip(tip);
        v->setToolTip(tip);
    }
    m_table->setItem(row, 0, k);
    m_table->setItem(row, 1, v);
}

// Every row of a result again, after a lesson step's asserted numbers.
void NumbersPanel::leaveChecks()
{
    m_showsChecks = false;
    m_table->setMaximumHeight(QWIDGETSIZE_MAX);
    setMaximumHeight(QWIDGETSIZE_MAX);
    m_summary->show();
}

void NumbersPanel::setResult(const QuantResult& r)
{
    leaveChecks();
    m_table->setUpdatesEnabled(false);
    m_table->setRowCount(0);
    m_summary->setText(QString::fromStdString(r.config.summary()));
    addParameterRows(r);
    addErrorRows(r.metrics);
    addStorageRows(r);
    m_table->resizeRowsToContents();
    m_table->setUpdatesEnabled(true);
    showWarnings(r);
}

// Slices, scale and zero point or block scale, code and data ranges.
void NumbersPanel::addParameterRows(const QuantResult& r)
{
    const QuantConfig& c = r.config;
    const QuantParams& p = r.params;
    const int64_t slices = p.numSlices();
    if (slices > 1)
        addRow(QStringLiteral("slices"), tr("Slices"), QString::number(slices),
               tr("Each slice (channel or group) has its own scale and zero point."));
    if (c.isLowbit()) {
        addRow(QStringLiteral("scale"), tr("Block scale"), spread(p.scale),
               tr("Factor the decoder multiplies each code's value with (1 for element-wise "
                  "formats; fp16 d for GGML, 2^k for MX, absmax for code books)."));
        addRow(QStringLiteral("codes"), tr("Codes"),
               QStringLiteral("%1 .. %2").arg(p.qmin).arg(p.qmax),
               tr("Bit patterns or table indices of the format."));
        if (hasImportancePath(c.scheme))
            addRow(QStringLiteral("importance"), tr("Importance"), importanceText(r.importance),
                   tr("The per-column importance (llama.cpp imatrix) that weights the search "
                      "of the block scales; none: the unweighted path."));
    }
    if (c.isInteger()) {
        addRow(QStringLiteral("scale"), tr("Scale s"), spread(p.scale),
               tr("Real value of one code step. Asymmetric: (beta - alpha) / (qmax - qmin); "
                  "symmetric: amax / (2^(b-1) - 1)."));
        if (p.realZeroPoint.empty())
            addRow(QStringLiteral("zero point"), tr("Zero point z"), spread(p.zeroPoint),
                   tr("Code of the real value 0: z = qmin - round(alpha / s)."));
        else
            addRow(QStringLiteral("zero point"), tr("Zero point z (real)"), spread(p.realZeroPoint),
                   tr("Real-valued zero point chosen by the range method (hqq, grid-search): "
                      "q = round(x / s + z), x^ = s (q - z)."));
        addRow(QStringLiteral("qmin"), tr("qmin"), QString::number(p.qmin));
        addRow(QStringLiteral("qmax"), tr("qmax"), QString::number(p.qmax));
        const double lo =
            p.rangeMin.empty() ? 0 : *std::min_element(p.rangeMin.begin(), p.rangeMin.end());
        const double hi =
            p.rangeMax.empty() ? 0 : *std::max_element(p.rangeMax.begin(), p.rangeMax.end());
        addRow(QStringLiteral("range"), tr("Clip range"),
               QStringLiteral("[%1, %2]").arg(formatNumber(lo), formatNumber(hi)),
               tr("Representable range s*(qmin - z) .. s*(qmax - z) (over all slices)."));
    }
    if (!p.dataMin.empty()) {
        const double lo = *std::min_element(p.dataMin.begin(), p.dataMin.end());
        const double hi = *std::max_element(p.dataMax.begin(), p.dataMax.end());
        addRow(QStringLiteral("data range"), tr("Data range"),
               QStringLiteral("[%1, %2]").arg(formatNumber(lo), formatNumber(hi)),
               tr("Min and max of the finite input values."));
    }
}

// The error metrics, clipping and the levels used.
void NumbersPanel::addErrorRows(const Metrics& m)
{
    addRow(QStringLiteral("mse"), tr("MSE"), formatNumber(m.mse), tr("mean (x - x^)^2"));
    addRow(QStringLiteral("rmse"), tr("RMSE"), formatNumber(m.rmse), tr("sqrt(MSE)"));
    addRow(QStringLiteral("mae"), tr("MAE"), formatNumber(m.mae), tr("mean |x - x^|"));
    addRow(QStringLiteral("max error"), tr("Max |error|"), formatNumber(m.maxAbsError));
    addRow(QStringLiteral("sqnr"), tr("SQNR"),
           QStringLiteral("%1 dB").arg(formatNumber(m.sqnrDb, 4)),
           tr("20 log10(||x|| / ||x - x^||)"));
    addRow(QStringLiteral("clipped low"), tr("Clipped low"),
           QStringLiteral("%1 (%2)").arg(percent(m.clippedLow)).arg(m.clippedLowCount),
           tr("Values below the clip range, mapped to qmin."));
    addRow(QStringLiteral("clipped high"), tr("Clipped high"),
           QStringLiteral("%1 (%2)").arg(percent(m.clippedHigh)).arg(m.clippedHighCount),
           tr("Values above the clip range, mapped to qmax."));
    addRow(QStringLiteral("levels used"), tr("Levels used"),
           QStringLiteral("%1 / %2").arg(m.levelsUsed).arg(m.levelsTotal),
           tr("Distinct codes that occur, out of 2^b."));
}

// Storage, float special values, non-finite inputs and the compute time.
void NumbersPanel::addStorageRows(const QuantResult& r)
{
    const Metrics& m = r.metrics;
    addRow(
        QStringLiteral("bytes"), tr("Bytes"),
        QStringLiteral("%1 → %2").arg(formatBytes(m.originalBytes), formatBytes(m.quantizedBytes)),
        tr("float32 storage, then codes plus per-slice scale / zero point."));
    addRow(QStringLiteral("bits per element"), tr("Bits / element"),
           formatNumber(m.bitsPerElement, 4));
    // The bits per element by what they store, a row per part that is not zero (payload always):
    // they sum to the row above.
    const int64_t numel = m.count + m.nonfinite;
    const struct {
        const char* key;
        QString label;
        double bits;
        QString tip;
    } parts[] = {
        {"storage payload", tr("  payload"), m.storage.payloadBits,
         tr("Bits per element of the codes of the elements.")},
        {"storage scales", tr("  scales"), m.storage.scaleBits,
         tr("Bits per element of the scales (per block or slice, and a stored code book).")},
        {"storage mins", tr("  mins"), m.storage.minBits,
         tr("Bits per element of the mins (zero points, offsets).")},
        {"storage second level", tr("  2nd level"), m.storage.secondLevelBits,
         tr("Bits per element of the second level: super-block or per-tensor scales of the "
            "scales.")},
    };
    for (const auto& part : parts)
        if (part.bits != 0 || part.key == parts[0].key)
            addRow(QString::fromLatin1(part.key), part.label,
                   formatNumber(StorageSplit::perElement(part.bits, numel), 6), part.tip);
    if (!r.config.isInteger()) {
        addRow(QStringLiteral("overflow"), tr("Overflow to inf"),
               QString::number(r.floatCounts.overflow));
        addRow(QStringLiteral("flushed"), tr("Flushed to zero"),
               QString::number(r.floatCounts.flushedToZero));
        addRow(QStringLiteral("subnormal"), tr("Subnormal"),
               QString::number(r.floatCounts.subnormal));
    }
    addRow(QStringLiteral("nonfinite"), tr("Non-finite inputs"), QString::number(m.nonfinite));
    const auto total = r.timingsMs.find("total");
    if (total != r.timingsMs.end())
        addRow(QStringLiteral("time"), tr("Compute time"),
               // Two significant digits below a millisecond: a small tensor is not "0.0 ms".
               QStringLiteral("%1 ms").arg(total->second < 1
                                               ? QString::number(total->second, 'g', 2)
                                               : QString::number(total->second, 'f', 1)));
}

void NumbersPanel::showWarnings(const QuantResult& r)
{
    QStringList warnings;
    for (const std::string& w : r.warnings)
        warnings << QString::fromStdString(w);
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
}

void NumbersPanel::setError(const QString& message)
{
    m_warnings->setText(message);
    m_warnings->setVisible(!message.isEmpty());
}

void NumbersPanel::clear()
{
    leaveChecks();
    m_table->setRowCount(0);
    m_summary->clear();
    m_warnings->clear();
    m_warnings->hide();
}

void NumbersPanel::showChecks(const std::vector<LessonCheckLine>& checks)
{
    m_showsChecks = true;
    m_table->setRowCount(0);
    for (const LessonCheckLine& c : checks)
        addRow(c.what, c.what,
               QStringLiteral("%1 %2").arg(c.computed,
                                           c.ok ? QStringLiteral("✓") : QStringLiteral("✗")),
               tr("Asserted by the lesson: %1").arg(c.expected));
    m_table->resizeRowsToContents();
    m_warnings->hide();
    m_summary->hide();
    int height = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth();
    for (int row = 0; row < m_table->rowCount(); ++row)
        height += m_table->rowHeight(row);
    m_table->setMaximumHeight(height);
    setMaximumHeight(height); // the lesson above takes the rest of the column
}

int NumbersPanel::rowCount() const
{
    return m_table->rowCount();
}

QString NumbersPanel::valueText(const QString& key) const
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, 0)->data(kKeyRole).toString() == key)
            return m_table->item(row, 1)->text();
    return {};
}

QString NumbersPanel::warningsText() const
{
    return m_warnings->text();
}

QString NumbersPanel::plainText() const
{
    QStringList lines{m_summary->text()};
    for (int row = 0; row < m_table->rowCount(); ++row)
        lines << QStringLiteral("%1: %2").arg(m_table->item(row, 0)->text(),
                                              m_table->item(row, 1)->text());
    if (!m_warnings->text().isEmpty())
        lines << m_warnings->text();
    return lines.join(QLatin1Char('\n'));
}

} // namespace qs::ui
