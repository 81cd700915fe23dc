#include "ui/panels/model_browser.h"

#include "ui/panels/model_tree.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace qs::ui {

namespace {

bool sameTensors(const std::vector<TensorInfo>& a, const std::vector<TensorInfo>& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const TensorInfo& x, const TensorInfo& y) {
                          return x.name == y.name && x.dtype == y.dtype && x.shape == y.shape &&
                                 x.bytes == y.bytes && x.bitsPerWeight == y.bitsPerWeight;
                      });
}

} // namespace

ModelBrowser::ModelBrowser(QWidget* parent)
    : QGroupBox(tr("Tensors in file"), parent), m_model(new ModelTreeModel(this))
{
    setObjectName(QStringLiteral("modelBrowser"));
    auto* v = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("modelFilter"));
    m_filter->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Shows the tensors whose full name contains this text (any case), "
                            "with their groups. Down: to the tree; Enter: load the only match; "
                            "Escape: clear."));
    m_filter->installEventFilter(this);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("modelCount"));
    row->addWidget(m_filter, 1);
    row->addWidget(m_count);
    v->addLayout(row);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("modelTree"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setIndentation(m_view->fontMetrics().averageCharWidth() * 2);
    m_view->setAlternatingRowColors(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setExpandsOnDoubleClick(true);
    m_view->setToolTip(QString()); // rows have their own
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setMinimumSectionSize(40);
    m_view->installEventFilter(this);
    m_view->viewport()->installEventFilter(this);
    v->addWidget(m_view, 1);
    connect(m_view, &QTreeView::clicked, this, &ModelBrowser::activate);
    connect(m_view, &QTreeView::activated, this, &ModelBrowser::activate);
    connect(m_filter, &QLineEdit::textChanged, this, &ModelBrowser::applyFilter);

    auto* find = new QAction(tr("Find Tensor"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WindowShortcut);
    connect(find, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(find);
    updateCount();
}

void ModelBrowser::setTensors(const std::vector<TensorInfo>& tensors, const QString& current)
{
    if (sameTensors(tensors, m_model->tensors())) {
        setCurrent(current);
        return;
    }
    {
        const QSignalBlocker block(m_filter);
        m_filter->clear();
    }
    m_model->setTensors(tensors);
    m_model->setCurrent(current);
    fitColumns();
    expandDefault();
    revealCurrent();
    updateCount();
}

void ModelBrowser::setCurrent(const QString& name)
{
    m_model->setCurrent(name);
    revealCurrent();
}

void ModelBrowser::clear()
{
    setTensors({}, QString());
}

QString ModelBrowser::countText() const
{
    return m_count->text();
}

void ModelBrowser::applyFilter(const QString& text)
{
    m_view->setUpdatesEnabled(false);
    m_model->setFilter(text.trimmed());
    if (m_model->filter().isEmpty())
        expandDefault();
    else
        m_view->expandAll();
    m_view->setUpdatesEnabled(true);
    const QModelIndex current = m_model->indexOfTensor(m_model->current());
    if (current.isValid())
        m_view->setCurrentIndex(current);
    updateCount();
}

// Top groups open, and a group that is its parent's only child too ("model" -> "layers").
void ModelBrowser::expandDefault()
{
    std::vector<QModelIndex> open;
    for (int r = 0; r < m_model->rowCount(); ++r)
        open.push_back(m_model->index(r, 0));
    while (!open.empty()) {
        const QModelIndex i = open.back();
        open.pop_back();
        if (!m_model->isGroup(i))
            continue;
        m_view->expand(i);
        if (m_model->rowCount(i) == 1)
            open.push_back(m_model->index(0, 0, i));
    }
}

// Opens the groups of the current tensor, selects it and scrolls to it.
void ModelBrowser::revealCurrent()
{
    const QModelIndex current = m_model->indexOfTensor(m_model->current());
    if (!current.isValid())
        return;
    for (QModelIndex p = current.parent(); p.isValid(); p = p.parent())
        m_view->expand(p);
    m_view->setCurrentIndex(current);
    m_view->scrollTo(current, QAbstractItemView::PositionAtCenter);
    m_view->horizontalScrollBar()->setValue(0); // names first
}

// Each column but the name as wide as its widest text; the name column as wide as its longest
// label (within limits) or the room left, whichever is more. When the tree is too narrow for
// whole names (the left column at 1280 pixels), the shape column goes first, then the size
// column: rows show both in their tooltip.
void ModelBrowser::fitColumns()
{
    QFont bold = m_view->font(); // the current tensor's row
    bold.setBold(true);
    const QFontMetrics fm(bold);
    const int pad = 2 * fm.averageCharWidth();
    const int most = fm.horizontalAdvance(QStringLiteral("Q4_K · 4.56 b/w"));
    for (int c = ModelTreeModel::TypeColumn; c < ModelTreeModel::ColumnCount; ++c)
        m_widths[size_t(c)] = std::min(fm.horizontalAdvance(m_model->widestText(c)), most) + pad;
    const int widestName = fm.horizontalAdvance(m_model->widestText(ModelTreeModel::NameColumn));
    m_widths[ModelTreeModel::NameColumn] =
        std::min(widestName, fm.horizontalAdvance(QStringLiteral("attn_norm"))) + pad +
        2 * m_view->indentation();
    m_nameWanted =
        std::min(widestName, fm.horizontalAdvance(QStringLiteral("embed_tokens.weight"))) + pad +
        2 * m_view->indentation();
    fitNameColumn();
}

void ModelBrowser::fitNameColumn()
{
    QHeaderView* header = m_view->header();
    const int room = m_view->viewport()->width();
    int others = 0;
    for (int c = ModelTreeModel::TypeColumn; c < ModelTreeModel::ColumnCount; ++c)
        others += m_widths[size_t(c)];
    // Whole names first: the shape, then the size columns make way (rows' tooltips show both).
    bool shown[ModelTreeModel::ColumnCount];
    std::fill(std::begin(shown), std::end(shown), true);
    for (int c : {int(ModelTreeModel::ShapeColumn), int(ModelTreeModel::SizeColumn)}) {
        if (room >= m_nameWanted + others)
            break;
        shown[c] = false;
        others -= m_widths[size_t(c)];
    }
    for (int c = ModelTreeModel::TypeColumn; c < ModelTreeModel::ColumnCount; ++c) {
        header->setSectionHidden(c, !shown[c]);
        if (shown[c])
            header->resizeSection(c, m_widths[size_t(c)]);
    }
    header->resizeSection(ModelTreeModel::NameColumn,
                          std::max(m_widths[ModelTreeModel::NameColumn], room - others));
}

void ModelBrowser::activate(const QModelIndex& index)
{
    const QString name = m_model->tensorName(index);
    if (name.isEmpty())
        return;
    // A double click is a click and an activation: one request.
    if (name == m_lastActivated && m_lastActivation.isValid() &&
        m_lastActivation.elapsed() < QApplication::doubleClickInterval())
        return;
    m_lastActivated = name;
    m_lastActivation.start();
    emit tensorActivated(name);
}

void ModelBrowser::updateCount()
{
    const int all = m_model->tensorCount();
    m_count->setText(
        m_model->filter().isEmpty()
            ? tensorCountText(all)
            : tr("%1 of %2").arg(QLocale().toString(m_model->matchCount()), tensorCountText(all)));
}

bool ModelBrowser::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fitNameColumn();
    if (event->type() != QEvent::KeyPress)
        return QGroupBox::eventFilter(watched, event);
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (watched == m_filter) {
        if (key == Qt::Key_Escape && !m_filter->text().isEmpty()) {
            m_filter->clear();
            return true;
        }
        if (key == Qt::Key_Down || key == Qt::Key_Return || key == Qt::Key_Enter) {
            if (key != Qt::Key_Down && m_model->matchCount() == 1) {
                QModelIndex i = m_model->index(0, 0);
                while (m_model->isGroup(i))
                    i = m_model->index(0, 0, i);
                activate(i);
                return true;
            }
            m_view->setFocus(Qt::OtherFocusReason);
            if (!m_view->currentIndex().isValid())
                m_view->setCurrentIndex(m_model->index(0, 0));
            return true;
        }
    } else if (watched == m_view && key == Qt::Key_Escape && !m_filter->text().isEmpty()) {
        m_filter->clear();
        return true;
    }
    return QGroupBox::eventFilter(watched, event);
}

} // namespace qs::ui
