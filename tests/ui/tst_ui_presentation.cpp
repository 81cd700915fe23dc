// Presentation mode with a lesson on a projector's sizes: the chart takes at least 60 % of the
// window, every text is at least 20 px and shown whole, the lesson's text needs no scroll bar
// (it pages with the step buttons), and the numbers panel holds exactly the step's asserted
// numbers. Without a lesson, per channel: the chart still takes most of the width, the view
// buttons and the numbers show whole, and the tables' rows follow the large font.
#include "core/io/npy.h"
#include "tests/support/ui_test_support.h"
#include "ui/panels/lesson_panel.h"
#include "ui/panels/numbers_panel.h"
#include "ui/window/main_window.h"

#include <QAbstractButton>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QValueAxis>
#include <QtTest>

#include <random>
#include <vector>

using namespace qs;
using namespace qs::ui;

class TestUiPresentation : public QObject {
    Q_OBJECT
private slots:
    void lessonOnProjector_data();
    void lessonOnProjector();
    void explorerOnProjector_data();
    void explorerOnProjector();
};

namespace {

// The lesson's step applied and its asserted numbers checked against the result.
bool waitForChecks(MainWindow& w)
{
    for (int i = 0; i < 2000; ++i) {
        QTest::qWait(10);
        if (test::waitForCurrent(w, 10) && !w.lessonPanel()->checks().empty() &&
            w.numbersPanel()->showsChecks())
            return true;
    }
    return false;
}

void checkFontsAndText(MainWindow& w)
{
    for (QWidget* c : w.findChildren<QWidget*>()) {
        if (!c->isVisible() || !(qobject_cast<QLabel*>(c) || qobject_cast<QAbstractButton*>(c) ||
                                 qobject_cast<QTableView*>(c) || qobject_cast<QHeaderView*>(c)))
            continue;
        if (qobject_cast<QLabel*>(c) && qobject_cast<QLabel*>(c)->text().isEmpty())
            continue;
        const QString where = c->metaObject()->className() + QStringLiteral(" ") + c->objectName();
        QVERIFY2(
            QFontInfo(c->font()).pixelSize() >= 20,
            qPrintable(where + QStringLiteral(": %1 px").arg(QFontInfo(c->font()).pixelSize())));
        if (auto* b = qobject_cast<QAbstractButton*>(c))
            QVERIFY2(b->fontMetrics().horizontalAdvance(b->text()) <= b->width(),
                     qPrintable(where));
    }
}

// The numbers: every cell's text fits its cell (a long value on two lines).
void checkNumbersFit(MainWindow& w)
{
    auto* table = w.numbersPanel()->findChild<QTableWidget*>(QStringLiteral("numbersTable"));
    const QFontMetrics fm = table->fontMetrics();
    for (int row = 0; row < table->rowCount(); ++row)
        for (int col = 0; col < 2; ++col) {
            const QString text = table->item(row, col)->text();
            const int width = table->columnWidth(col) - 6; // the cell's margins
            const QRect need = fm.boundingRect(QRect(0, 0, width, 1 << 20), Qt::TextWordWrap, text);
            QVERIFY2(need.width() <= width && need.height() <= table->rowHeight(row),
                     qPrintable(text));
        }
}

void checkChartFonts(QChart* chart)
{
    QVERIFY(QFontInfo(chart->titleFont()).pixelSize() >= 20);
    QVERIFY(QFontInfo(chart->legend()->font()).pixelSize() >= 20);
    for (QAbstractAxis* a : chart->axes()) {
        QVERIFY(QFontInfo(a->labelsFont()).pixelSize() >= 20);
        QVERIFY(QFontInfo(a->titleFont()).pixelSize() >= 20);
    }
}

// A projector's and a laptop's sizes and a large screen's.
void addProjectorSizes()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x720") << QSize(1280, 720);
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
}

} // namespace

void TestUiPresentation::lessonOnProjector_data()
{
    addProjectorSizes();
}

void TestUiPresentation::lessonOnProjector()
{
    QFETCH(QSize, size);
    MainWindow w(test::windowOptions(false));
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setPresentationMode(true);
    QVERIFY(w.openLesson(QStringLiteral("asymmetric-vs-symmetric")));
    auto* scroll = w.findChild<QScrollArea*>(QStringLiteral("lessonScroll"));
    LessonPanel* lesson = w.lessonPanel();
    int pages = 0, steps = 0;
    // Through every page of every step with the Next button.
    for (bool more = true; more;) {
        QVERIFY(waitForChecks(w));
        QApplication::processEvents();
        QCOMPARE(w.size(), size);
        auto* view = w.findChild<QChartView*>(QStringLiteral("chartView-") + w.currentTabName());
        QVERIFY2(view && view->isVisible(), qPrintable(w.currentTabName()));
        const double fraction =
            double(view->width()) * view->height() / (double(size.width()) * size.height());
        QVERIFY2(fraction >= 0.6, qPrintable(QString::number(fraction)));
        if (pages == 0)
            qInfo("chart area: %.1f %% of the window", 100 * fraction);
        checkFontsAndText(w);
        checkNumbersFit(w);
        auto* numbers = w.numbersPanel()->findChild<QTableWidget*>(QStringLiteral("numbersTable"));
        QVERIFY(numbers->height() >= numbers->viewport()->height());
        QVERIFY(!numbers->verticalScrollBar()->isVisible());
        checkChartFonts(w.chart(w.currentChart()));
        QVERIFY(scroll->isVisible());
        QVERIFY(!scroll->verticalScrollBar()->isVisible());
        QVERIFY(!scroll->horizontalScrollBar()->isVisible());
        // The numbers panel: the step's asserted numbers, one row each, in order.
        const std::vector<LessonCheckLine>& checks = lesson->checks();
        auto* table = w.numbersPanel()->findChild<QTableWidget*>(QStringLiteral("numbersTable"));
        QCOMPARE(table->rowCount(), int(checks.size()));
        for (size_t i = 0; i < checks.size(); ++i) {
            QCOMPARE(table->item(int(i), 0)->text(), checks[i].what);
            QVERIFY(table->item(int(i), 1)->text().startsWith(checks[i].computed));
        }
        ++pages;
        auto* next = w.findChild<QAbstractButton*>(QStringLiteral("lessonNext"));
        more = next->isVisible() && next->isEnabled();
        const int step = lesson->step();
        if (more)
            QTest::mouseClick(next, Qt::LeftButton);
        steps += lesson->step() != step;
    }
    QCOMPARE(steps, lesson->lesson().numSteps() - 1);
    QVERIFY(pages >= lesson->lesson().numSteps());
    // Leaving the mode shows every number again.
    w.setPresentationMode(false);
    QVERIFY(!w.numbersPanel()->showsChecks());
    QVERIFY(!w.numbersPanel()->valueText(QStringLiteral("mse")).isEmpty());
}

void TestUiPresentation::explorerOnProjector_data()
{
    addProjectorSizes();
}

void TestUiPresentation::explorerOnProjector()
{
    QFETCH(QSize, size);
    // 64 channels of 128 normal values with their own spread: ranges that need two lines.
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 0.12f);
    std::vector<float> x(64 * 128);
    for (float& v : x)
        v = normal(rng);
    const QString path = test::tmpPath(QStringLiteral("channels.npy"));
    writeNpyFloat32(path.toStdString(), {64, 128}, x);
    MainWindow w(test::windowOptions(false));
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.openFile(path);
    QVERIFY(test::waitForCurrent(w));
    QuantConfig c = w.config();
    c.bits = 3;
    c.granularity = Granularity::PerChannel;
    w.setConfig(c);
    QVERIFY(w.setCurrentTab(QStringLiteral("channels")));
    w.setPresentationMode(true);
    QVERIFY(test::waitForCurrent(w));
    QTest::qWait(50);
    QApplication::processEvents();
    QCOMPARE(w.size(), size);
    auto* view = w.findChild<QChartView*>(QStringLiteral("chartView-channels"));
    QVERIFY(view && view->isVisible());
    const double width = double(view->width()) / size.width();
    QVERIFY2(width >= 0.6, qPrintable(QString::number(width)));
    checkFontsAndText(w);
    checkNumbersFit(w);
    checkChartFonts(w.chart(w.currentChart()));
    // The slice table's rows and numbers in the large font: a line of text and a whole number.
    auto* slices = w.findChild<QTableView*>(QStringLiteral("sliceTable"));
    QVERIFY(slices && slices->isVisible());
    QVERIFY(slices->rowHeight(0) >= slices->fontMetrics().height());
    QVERIFY(slices->columnWidth(2) >= slices->fontMetrics().horizontalAdvance(
                                          slices->model()->index(0, 2).data().toString()));
    // The views with tables of their own: every header and cell in the large font too.
    for (const char* tab : {"compare", "float-pitfalls", "model"}) {
        QVERIFY(w.setCurrentTab(QString::fromLatin1(tab)));
        QTest::qWait(50);
        checkFontsAndText(w);
        if (QTest::currentTestFailed())
            return;
    }
    w.setPresentationMode(false);
    QVERIFY(slices->rowHeight(0) < 2 * slices->fontMetrics().height());
}

QTEST_MAIN(TestUiPresentation)
#include "tst_ui_presentation.moc"
