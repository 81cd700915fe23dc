#include "ui/support/table_rows.h"

#include <QEvent>
#include <QHeaderView>
#include <QResizeEvent>
#include <QTableView>
#include <QTimer>

namespace qs::ui {

namespace {

class RowHeightKeeper : public QObject {
public:
    RowHeightKeeper(QTableView* table, int padding, bool wrapped)
        : QObject(table), m_table(table), m_viewport(table->viewport()), m_padding(padding),
          m_wrapped(wrapped)
    {
        fit();
        table->installEventFilter(this);
        if (!wrapped)
            return;
        m_viewport->installEventFilter(this);
        // A column's width settles in steps (one column fits its contents, the last one
        // stretches into what is left): the rows follow once the steps are done.
        connect(table->horizontalHeader(), &QHeaderView::sectionResized, this,
                &RowHeightKeeper::resizeRowsLater);
        connect(table->horizontalHeader(), &QHeaderView::geometriesChanged, this,
                &RowHeightKeeper::resizeRowsLater);
    }

protected:
    // The type first: events that arrive while the table is being destroyed touch nothing.
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::FontChange && watched == m_table)
            fit();
        else if (event->type() == QEvent::Resize && watched == m_viewport &&
                 static_cast<QResizeEvent*>(event)->size().width() !=
                     static_cast<QResizeEvent*>(event)->oldSize().width())
            resizeRowsLater(); // wrapped text takes more or fewer lines
        return QObject::eventFilter(watched, event);
    }

private:
    void fit()
    {
        m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() +
                                                         m_padding);
        if (m_wrapped)
            resizeRowsLater();
    }
    void resizeRowsLater()
    {
        if (m_pending)
            return;
        m_pending = true;
        QTimer::singleShot(0, this, [this] {
            m_pending = false;
            m_table->resizeRowsToContents();
        });
    }
    QTableView* m_table;
    QWidget* m_viewport;
    int m_padding;
    bool m_wrapped;
    bool m_pending = false;
};

} // namespace

void keepRowsFittingFont(QTableView* table, int padding, bool wrapped)
{
    new RowHeightKeeper(table, padding, wrapped); // owned by the table
}

} // namespace qs::ui
