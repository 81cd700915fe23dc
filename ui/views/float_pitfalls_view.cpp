#include "ui/views/float_pitfalls_view.h"

#include <QColor>
#include <QFont>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qs::ui {

namespace {

QString fmt(double v, int digits = 9)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("+inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', digits);
}

QString relErr(double e)
{
    if (std::isinf(e))
        return QStringLiteral("inf");
    if (e == 0)
        return QStringLiteral("0");
    return QString::number(e, 'e', 2);
}

QString hex16(uint16_t bits)
{
    return QStringLiteral("0x%1").arg(bits, 4, 16, QLatin1Char('0'));
}

// Outcomes that lose the value entirely are highlighted.
bool bad(FloatOutcome o)
{
    return o == FloatOutcome::FlushedToZero || o == FloatOutcome::Overflow;
}

} // namespace

FloatPitfallsView::FloatPitfallsView(QWidget* parent) : AnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Each value is stored as float32, then rounded to fp16 (max 65504, smallest normal "
           "6.1e-5) and bf16 (float32's range, 8 significant bits) with round to nearest, ties "
           "to even. Type values separated by commas or spaces."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_values = new QLineEdit(this);
    m_values->setObjectName(QStringLiteral("pitfallValues"));
    m_values->setPlaceholderText(tr("values, e.g. 1e-12, 65504, 70000"));
    layout->addWidget(m_values);
    m_status = new QLabel(this);
    layout->addWidget(m_status);
    m_table = new QTableWidget(this);
    // Two rows per value, fp16 above bf16: seven columns fit a laptop's window.
    m_table->setColumnCount(7);
    m_table->setHorizontalHeaderLabels({tr("value"), tr("float32"), tr("format"), tr("stored"),
                                        tr("bits"), tr("category"), tr("rel. error")});
    m_table->horizontalHeaderItem(3)->setToolTip(tr("The value the 16-bit format stores"));
    m_table->horizontalHeaderItem(6)->setToolTip(tr("|stored - float32| / |float32|"));
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Columns fit their contents once per rebuild (ResizeToContents would measure every
    // column again for each item set).
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setWordWrap(false);
    layout->addWidget(m_table, 1);
    connect(m_values, &QLineEdit::editingFinished, this,
            [this] { setValuesText(m_values->text()); });
    m_userValues = defaultPitfallValues();
    rebuild();
}

void FloatPitfallsView::setValuesText(const QString& text)
{
    if (m_values->text() != text)
        m_values->setText(text);
    const QStringList parts =
        text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    std::vector<double> values;
    for (const QString& p : parts) {
        bool ok = false;
        const double v = p.toDouble(&ok);
        if (!ok) {
            m_status->setText(tr("Not a number: '%1'").arg(p));
            return;
        }
        values.push_back(v);
    }
    m_status->clear();
    m_userValues = values.empty() ? defaultPitfallValues() : values;
    rebuild();
}

void FloatPitfallsView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                                    std::shared_ptr<const QuantResult> /*result*/)
{
    m_tensorValues.clear();
    if (tensor && tensor->numel() > 0) {
        double maxAbs = -1, minAbs = INFINITY;
        for (float v : tensor->data) {
            if (!std::isfinite(v))
                continue;
            const double a = std::fabs(double(v));
            maxAbs = std::max(maxAbs, a);
            if (a > 0)
                minAbs = std::min(minAbs, a);
        }
        if (maxAbs >= 0)
            m_tensorValues.push_back(maxAbs);
        if (std::isfinite(minAbs) && minAbs != maxAbs)
            m_tensorValues.push_back(minAbs);
    }
    rebuild();
    emit viewUpdated();
}

void FloatPitfallsView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on); // the table follows the application's font
    fitColumns();
}

void FloatPitfallsView::rebuild()
{
    std::vector<double> all = m_userValues;
    all.insert(all.end(), m_tensorValues.begin(), m_tensorValues.end());
    m_rows = floatPitfalls(all);
    m_table->clearSpans();
    m_table->setRowCount(2 * int(m_rows.size()));
    const int firstTensorRow = int(m_userValues.size());
    for (int i = 0; i < int(m_rows.size()); ++i) {
        const FloatPitfall& p = m_rows[size_t(i)];
        QString label = fmt(p.input);
        if (i == firstTensorRow)
            label += tr("\n(max |x|)");
        else if (i == firstTensorRow + 1)
            label += tr("\n(min |x|>0)");
        setConversionRow(2 * i, QStringLiteral("fp16"), p.fp16);
        setConversionRow(2 * i + 1, QStringLiteral("bf16"), p.bf16);
        // The input and its float32 once, beside both conversions.
        m_table->setItem(2 * i, 0, new QTableWidgetItem(label));
        m_table->setItem(2 * i, 1, new QTableWidgetItem(fmt(p.float32, 7)));
        m_table->setSpan(2 * i, 0, 2, 1);
        m_table->setSpan(2 * i, 1, 2, 1);
    }
    fitColumns();
}

// Columns as wide as their contents (a spanned cell's text too, which the table's own fit
// leaves out: the tensor's extremes take two lines there), rows as high as one line.
void FloatPitfallsView::fitColumns()
{
    m_table->resizeColumnsToContents();
    const QFontMetrics fm(m_table->font());
    for (int c : {0, 1}) {
        int width = fm.horizontalAdvance(m_table->horizontalHeaderItem(c)->text()) + 24;
        for (int r = 0; r < m_table->rowCount(); r += 2)
            if (const QTableWidgetItem* item = m_table->item(r, c))
                width = std::max(width, fm.boundingRect(QRect(), 0, item->text()).width() + 12);
        m_table->setColumnWidth(c, width);
    }
    m_table->resizeRowsToContents();
}

// One conversion in columns 2 to 6 of `row`; outcomes that lose the value in red.
void FloatPitfallsView::setConversionRow(int row, const QString& format, const FloatConversion& c)
{
    const QStringList cells = {format, fmt(c.value), hex16(c.bits),
                               QString::fromStdString(toName(c.outcome)), relErr(c.relativeError)};
    for (int k = 0; k < cells.size(); ++k) {
        auto* item = new QTableWidgetItem(cells[k]);
        if (bad(c.outcome))
            item->setForeground(QColor(200, 30, 30));
        m_table->setItem(row, 2 + k, item);
    }
}

} // namespace qs::ui
