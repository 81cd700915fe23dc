#include "ui/view_job.h"

#include <QChart>
#include <QChartView>

namespace qs::ui {

ChartStyle viewChartStyle(bool presentation)
{
    ChartStyle st = ChartStyle::fromPalette();
    if (presentation) {
        st.fontScale = 1.8;
        st.lineWidth = 3;
    }
    return st;
}

void replaceChart(QChartView* view, QChart* chart)
{
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace qs::ui
