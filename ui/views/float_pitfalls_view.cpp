#include "ui/views/float_pitfalls_view.h"

#include <QColor>
#include <QFont>
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
    m_table->setColumnCount(9);
    m_table->setHorizontalHeaderLabels({tr("value"), tr("float32"), tr("fp16"), tr("fp16 bits"),
                                        tr("fp16 category"), tr("fp16 rel. error"), tr("bf16"),
                                        tr("bf16 category"), tr("bf16 rel. error")});
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Columns fit their contents once per rebuild (ResizeToContents would measure every
    // column again for each item set).
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
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
    AnalysisView::setPresentationMode(on);
    QFont f = font();
    f.setPointSizeF(on ? 16 : QFont().pointSizeF());
    m_table->setFont(f);
    m_table->resizeRowsToContents();
    m_table->resizeColumnsToContents();
}

void FloatPitfallsView::rebuild()
{
    std::vector<double> all = m_userValues;
    all.insert(all.end(), m_tensorValues.begin(), m_tensorValues.end());
    m_rows = floatPitfalls(all);
    m_table->setRowCount(int(m_rows.size()));
    const int firstTensorRow = int(m_userValues.size());
    for (int i = 0; i < int(m_rows.size()); ++i) {
        const FloatPitfall& p = m_rows[size_t(i)];
        QString label = fmt(p.input);
        if (i == firstTensorRow)
            label += tr(" (max |x|)");
        else if (i == firstTensorRow + 1)
            label += tr(" (min |x|>0)");
        const QStringList cells = {label,
                                   fmt(p.float32, 7),
                                   fmt(p.fp16.value),
                                   hex16(p.fp16.bits),
                                   QString::fromStdString(toName(p.fp16.outcome)),
                                   relErr(p.fp16.relativeError),
                                   fmt(p.bf16.value),
                                   QString::fromStdString(toName(p.bf16.outcome)),
                                   relErr(p.bf16.relativeError)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if ((c >= 2 && c <= 5 && bad(p.fp16.outcome)) || (c >= 6 && bad(p.bf16.outcome)))
                item->setForeground(QColor(200, 30, 30));
            m_table->setItem(i, c, item);
        }
    }
    m_table->resizeColumnsToContents();
}

} // namespace qs::ui
