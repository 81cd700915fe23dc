#include "ui/views/block_inspector_view.h"

#include "core/base/error.h"
#include "ui/support/table_rows.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qs::ui {

namespace {

// A cell that shows text and sorts by a number.
class NumberItem : public QTableWidgetItem {
public:
    NumberItem(const QString& text, double key) : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, key);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    }
    bool operator<(const QTableWidgetItem& other) const override
    {
        return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
    }
};

// Seven significant digits fit the view's width; the tooltip has the nine that tell every
// float32 apart (quantscope-cli inspect prints those).
QTableWidgetItem* numberItem(double v)
{
    auto* item = new NumberItem(QString::number(v, 'g', 7), std::isnan(v) ? -HUGE_VAL : v);
    item->setToolTip(QString::number(v, 'g', 9));
    return item;
}

QTableWidgetItem* textItem(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

// The columns of a table with a tooltip on each header.
QTableWidget* newTable(const QList<QPair<QString, QString>>& columns, QWidget* parent)
{
    auto* t = new QTableWidget(0, int(columns.size()), parent);
    for (int c = 0; c < columns.size(); ++c) {
        auto* h = new QTableWidgetItem(columns[c].first);
        h->setToolTip(columns[c].second);
        t->setHorizontalHeaderItem(c, h);
    }
    t->verticalHeader()->hide();
    keepRowsFittingFont(t, 4);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setWordWrap(false);
    return t;
}

} // namespace

BlockInspectorView::BlockInspectorView(QWidget* parent) : AnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_stack = new QStackedWidget(this);
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("blockInspectorEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(0, 0, 0, 0);
    v->addWidget(buildControls());
    v->addWidget(buildTables(), 1);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(page);
    layout->addWidget(m_stack);
    showEmpty(tr("No result yet."));
}

QWidget* BlockInspectorView::buildControls()
{
    auto* w = new QWidget(this);
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("&Block"), w);
    m_block = new QSpinBox(w);
    m_block->setObjectName(QStringLiteral("blockSpin"));
    m_block->setKeyboardTracking(false);
    m_block->setToolTip(tr("Index of the block shown (from 0); clicking a point of the values "
                           "chart shows its block"));
    label->setBuddy(m_block);
    m_of = new QLabel(w);
    m_prev = new QToolButton(w);
    m_prev->setArrowType(Qt::LeftArrow);
    m_prev->setShortcut(QKeySequence(Qt::ALT | Qt::Key_PageUp));
    m_prev->setToolTip(tr("Previous block (Alt+PgUp)"));
    m_next = new QToolButton(w);
    m_next->setArrowType(Qt::RightArrow);
    m_next->setShortcut(QKeySequence(Qt::ALT | Qt::Key_PageDown));
    m_next->setToolTip(tr("Next block (Alt+PgDown)"));
    for (QWidget* c : {static_cast<QWidget*>(label), static_cast<QWidget*>(m_prev),
                       static_cast<QWidget*>(m_block), static_cast<QWidget*>(m_next),
                       static_cast<QWidget*>(m_of)})
        row->addWidget(c);
    row->addStretch(1);
    v->addLayout(row);
    m_summary = new QLabel(w);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(m_summary);
    connect(m_block, &QSpinBox::valueChanged, this, [this] { refresh(); });
    connect(m_prev, &QToolButton::clicked, m_block, &QSpinBox::stepDown);
    connect(m_next, &QToolButton::clicked, m_block, &QSpinBox::stepUp);
    return w;
}

QWidget* BlockInspectorView::buildTables()
{
    // Three panes one above the other, each the view's full width: the view shares the window
    // with the side panels, and a 16-byte hex line and the element columns need that width.
    auto* split = new QSplitter(Qt::Vertical, this);
    m_hex = new QPlainTextEdit(split);
    m_hex->setObjectName(QStringLiteral("blockHex"));
    m_hex->setReadOnly(true);
    m_hex->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_hex->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_hex->setToolTip(tr("The block's bytes as the format stores them, 16 per line after the "
                         "offset (hex)"));
    m_fields = newTable({{tr("Field"), tr("The stored parameter")},
                         {tr("Value"), tr("Its value as the decoder uses it")},
                         {tr("Bits"), tr("The stored bit pattern, most significant bit first")},
                         {tr("Meaning"), tr("What it is and how x̂ uses it")}},
                        split);
    m_fields->setObjectName(QStringLiteral("blockFields"));
    m_fields->setTextElideMode(Qt::ElideNone); // long meanings scroll, never cut
    m_elements = newTable(
        {{tr("i"), tr("Flat index of the element in the tensor")},
         {tr("x"), tr("The original value")},
         {tr("Code"), tr("The code stored for it: nibble, 6-bit value, float bit pattern or table "
                         "index")},
         {tr("Grid index"), tr("Index into the format's non-linear grid (IQ4, NF4/FP4, code "
                               "books); – for linear codes")},
         {tr("Grid value"), tr("The code's value before the block's scale (and offset)")},
         {tr("Dequantized x̂"), tr("The dequantized value x̂")},
         {tr("Error"), tr("x − x̂")}},
        split);
    m_elements->setObjectName(QStringLiteral("blockElements"));
    m_elements->setSortingEnabled(true);
    m_elements->sortByColumn(0, Qt::AscendingOrder);
    m_elements->horizontalHeader()->setStretchLastSection(true);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 5);
    split->setSizes({140, 170, 300});
    return split;
}

void BlockInspectorView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                                     std::shared_ptr<const QuantResult> result)
{
    m_tensor = std::move(tensor);
    m_result = std::move(result);
    m_count = m_tensor && m_result ? anatomyBlockCount(*m_result) : 0;
    {
        const QSignalBlocker block(m_block);
        m_block->setRange(0, int(std::max<int64_t>(0, m_count - 1)));
        if (m_pendingBlock >= 0 && m_pendingBlock < m_count)
            m_block->setValue(int(m_pendingBlock));
    }
    m_pendingBlock = -1;
    m_of->setText(tr("of %1 (0 to %2)").arg(m_count).arg(std::max<int64_t>(0, m_count - 1)));
    refresh();
}

int64_t BlockInspectorView::currentBlock() const
{
    return m_block->value();
}

QString BlockInspectorView::message() const
{
    return m_stack->currentWidget() == m_empty ? m_empty->text() : QString();
}

void BlockInspectorView::showEmpty(const QString& text)
{
    m_anatomy = BlockAnatomy();
    m_empty->setText(text);
    m_stack->setCurrentWidget(m_empty);
}

void BlockInspectorView::refresh()
{
    if (!m_tensor || !m_result) {
        showEmpty(tr("No result yet."));
    } else if (m_count == 0) {
        showEmpty(QString::fromStdString(noBlocksMessage(m_result->config)));
    } else {
        try {
            m_anatomy = blockAnatomy(*m_tensor, *m_result, m_block->value());
            m_prev->setEnabled(m_block->value() > 0);
            m_next->setEnabled(m_block->value() + 1 < m_count);
            m_summary->setText(QString::fromStdString(m_anatomy.layout) + "\n" +
                               QString::fromStdString(m_anatomy.formula));
            m_hex->setPlainText(QString::fromStdString(hexDump(m_anatomy.bytes)).trimmed());
            fillFields();
            fillElements();
            m_stack->setCurrentIndex(1);
        } catch (const Error& e) {
            showEmpty(QString::fromStdString(e.what()));
        }
    }
    emit viewUpdated();
}

void BlockInspectorView::fillFields()
{
    m_fields->setRowCount(int(m_anatomy.fields.size()));
    for (int r = 0; r < m_fields->rowCount(); ++r) {
        const AnatomyField& f = m_anatomy.fields[size_t(r)];
        m_fields->setItem(r, 0, textItem(QString::fromStdString(f.name)));
        m_fields->setItem(r, 1, numberItem(f.value));
        auto* bits = textItem(QString::fromStdString(f.bits));
        bits->setFont(m_hex->font());
        m_fields->setItem(r, 2, bits);
        m_fields->setItem(r, 3, textItem(QString::fromStdString(f.meaning)));
        m_fields->item(r, 3)->setToolTip(QString::fromStdString(f.meaning));
    }
    m_fields->resizeColumnsToContents();
}

void BlockInspectorView::fillElements()
{
    m_elements->setSortingEnabled(false);
    m_elements->setRowCount(int(m_anatomy.elements.size()));
    for (int r = 0; r < m_elements->rowCount(); ++r) {
        const AnatomyElement& e = m_anatomy.elements[size_t(r)];
        m_elements->setItem(r, 0, new NumberItem(QString::number(e.index), double(e.index)));
        m_elements->setItem(r, 1, numberItem(e.x));
        m_elements->setItem(r, 2, new NumberItem(QString::number(e.code), e.code));
        m_elements->setItem(r, 3,
                            e.gridIndex >= 0
                                ? new NumberItem(QString::number(e.gridIndex), e.gridIndex)
                                : new NumberItem(QStringLiteral("–"), -1));
        m_elements->setItem(r, 4, numberItem(e.gridValue));
        m_elements->setItem(r, 5, numberItem(e.xhat));
        m_elements->setItem(r, 6, numberItem(e.error));
    }
    m_elements->setSortingEnabled(true);
    m_elements->resizeColumnsToContents();
}

void BlockInspectorView::showElement(int64_t index)
{
    if (!m_tensor || !m_result || m_count == 0 || index < 0 || index >= m_tensor->numel())
        return;
    m_block->setValue(int(anatomyBlockOf(*m_result, index))); // refreshes when it changes
    selectElement(index);
}

void BlockInspectorView::selectBlock(int64_t block)
{
    m_pendingBlock = block;
    if (block >= 0 && block < m_count)
        m_block->setValue(int(block));
}

void BlockInspectorView::selectElement(int64_t index)
{
    for (int r = 0; r < m_elements->rowCount(); ++r)
        if (m_elements->item(r, 0)->data(Qt::UserRole).toLongLong() == index) {
            m_elements->selectRow(r);
            m_elements->scrollToItem(m_elements->item(r, 0));
            return;
        }
}

void BlockInspectorView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on);
    // The bytes and bit patterns in the fixed font, as large as the rest on a projector.
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (on)
        fixed.setPointSizeF(std::max(15.0, fixed.pointSizeF() * 1.6));
    m_hex->setFont(fixed);
}

} // namespace qs::ui
