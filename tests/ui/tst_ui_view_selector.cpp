// The view selector that replaced the tabs (groups, buttons, keyboard, sessions, a 1024x640
// window) and the overview strip of the values chart (a drag zooms the chart; a few hundred
// values are drawn exactly).
#include "core/data/generators.h"
#include "tests/support/ui_test_support.h"
#include "ui/charts/charts.h"
#include "ui/views/analysis_view.h"
#include "ui/window/main_window.h"
#include "ui/window/overview_strip.h"
#include "ui/window/page_stack.h"
#include "ui/window/view_selector.h"

#include <QAbstractButton>
#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QTabBar>
#include <QValueAxis>
#include <QXYSeries>
#include <QtTest>

#include <cmath>

using namespace qs;
using namespace qs::ui;

class TestUiViewSelector : public QObject {
    Q_OBJECT
private slots:
    void groupsAndButtons();
    void keyboard();
    void rememberedInSession();
    void fitsSmallWindow();
    void overviewDragZooms();
    void onlyTheShownPageIsAsked();
    void chartShownOnceAtItsSize();
};

namespace {

void click(QAbstractButton* b)
{
    QVERIFY(b);
    QVERIFY(b->isVisible());
    QTest::mouseClick(b, Qt::LeftButton);
}

QAbstractButton* viewButton(MainWindow& w, const QString& name)
{
    return w.viewSelector()->findChild<QAbstractButton*>(QStringLiteral("viewButton-") + name);
}

QValueAxis* indexAxis(QChart* chart)
{
    const auto axes = chart->axes(Qt::Horizontal);
    return axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.first());
}

QXYSeries* seriesNamed(QChart* chart, const QString& id)
{
    for (QAbstractSeries* s : chart->series())
        if (s->objectName() == id)
            return qobject_cast<QXYSeries*>(s);
    return nullptr;
}

// Waits until the values chart's index axis shows [lo, hi] (to the nearest index); false with
// `seen` its range.
bool waitForRange(MainWindow& w, double lo, double hi, QString& seen)
{
    for (int i = 0; i < 400; ++i) {
        QTest::qWait(10);
        if (w.isBusy())
            continue;
        QValueAxis* ax = indexAxis(w.chart(ChartKind::Values));
        seen = ax ? QStringLiteral("[%1, %2]").arg(ax->min(), 0, 'f', 6).arg(ax->max(), 0, 'f', 6)
                  : QStringLiteral("no axis");
        if (ax && std::llround(ax->min()) == std::llround(lo) &&
            std::llround(ax->max()) == std::llround(hi))
            return true;
    }
    return false;
}

// A page that counts how often a layout asks it for its size.
class CountingPage : public QWidget {
public:
    explicit CountingPage(QSize minimum) : m_minimum(minimum) {}
    mutable int asked = 0;
    QSize sizeHint() const override { return ++asked, m_minimum * 2; }
    QSize minimumSizeHint() const override { return ++asked, m_minimum; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int) const override { return ++asked, m_minimum.height(); }

private:
    QSize m_minimum;
};

// Counts paints and resizes of a widget (a chart view's viewport).
class PaintCounter : public QObject {
public:
    int paints = 0, resizes = 0;

protected:
    bool eventFilter(QObject* watched, QEvent* e) override
    {
        if (e->type() == QEvent::Paint)
            ++paints;
        if (e->type() == QEvent::Resize)
            ++resizes;
        return QObject::eventFilter(watched, e);
    }
};

} // namespace

void TestUiViewSelector::groupsAndButtons()
{
    MainWindow w(test::windowOptions());
    w.show();
    QVERIFY(test::waitForCurrent(w));
    ViewSelector* s = w.viewSelector();
    QCOMPARE(s->count(), 16);
    QCOMPARE(s->groups(),
             (QList<ViewGroup>{ViewGroup::Explore, ViewGroup::Understand, ViewGroup::Compare,
                               ViewGroup::Modes, ViewGroup::Model}));
    QVERIFY(!s->groupButton(ViewGroup::Model)->isHidden());
    QCOMPARE(w.currentTabName(), QStringLiteral("values"));
    // Only the current group's buttons are shown.
    for (const char* n : {"values", "codes", "histogram", "error-histogram", "channels"})
        QVERIFY2(viewButton(w, QLatin1String(n))->isVisible(), n);
    QVERIFY(!viewButton(w, QStringLiteral("sweep"))->isVisible());
    QVERIFY(s->findChild<QWidget*>(QStringLiteral("viewGroupLine"))->isVisible());
    click(s->groupButton(ViewGroup::Compare));
    QCOMPARE(w.currentTabName(), QStringLiteral("sweep"));
    QVERIFY(!viewButton(w, QStringLiteral("values"))->isVisible());
    click(viewButton(w, QStringLiteral("clipping")));
    QCOMPARE(w.currentTabName(), QStringLiteral("clipping"));
    QVERIFY(viewButton(w, QStringLiteral("clipping"))->isChecked());
    click(s->groupButton(ViewGroup::Explore));
    QCOMPARE(w.currentTabName(), QStringLiteral("values"));
    click(s->groupButton(ViewGroup::Compare)); // the group's last view comes back
    QCOMPARE(w.currentTabName(), QStringLiteral("clipping"));
    QVERIFY(s->groupButton(ViewGroup::Compare)->isChecked());
    // Choosing a view by name selects its group and button.
    QVERIFY(w.setCurrentTab(QStringLiteral("block-inspector")));
    QVERIFY(s->groupButton(ViewGroup::Understand)->isChecked());
    QVERIFY(viewButton(w, QStringLiteral("block-inspector"))->isChecked());
    QCOMPARE(w.currentAnalysisView()->viewName(), QStringLiteral("block-inspector"));
    // A group of one view: its group button is enough, no lone view button beside it, and the
    // bar takes one row; in compact mode (no group buttons) the view's button shows.
    const int twoRows = s->bar()->sizeHint().height();
    click(s->groupButton(ViewGroup::Model));
    QCOMPARE(w.currentTabName(), QStringLiteral("model"));
    QVERIFY(s->groupButton(ViewGroup::Model)->isChecked());
    QVERIFY(!viewButton(w, QStringLiteral("model"))->isVisible());
    QVERIFY(!viewButton(w, QStringLiteral("block-inspector"))->isVisible());
    QVERIFY(!s->findChild<QWidget*>(QStringLiteral("viewGroupLine"))->isVisible());
    QVERIFY(s->bar()->sizeHint().height() <= twoRows);
    s->setCompact(true);
    QVERIFY(viewButton(w, QStringLiteral("model"))->isVisible());
    s->setCompact(false);
    QVERIFY(!viewButton(w, QStringLiteral("model"))->isVisible());
}

void TestUiViewSelector::keyboard()
{
    MainWindow w(test::windowOptions());
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(test::waitForCurrent(w));
    auto key = [&](int k, Qt::KeyboardModifiers m = Qt::ControlModifier) {
        QTest::keyClick(&w, Qt::Key(k), m);
        return w.currentTabName();
    };
    QCOMPARE(key(Qt::Key_2), QStringLiteral("number-line"));
    QCOMPARE(key(Qt::Key_PageDown), QStringLiteral("worked-example"));
    QCOMPARE(key(Qt::Key_PageDown), QStringLiteral("block-inspector"));
    QCOMPARE(key(Qt::Key_PageDown), QStringLiteral("sweep")); // on into the next group
    QCOMPARE(key(Qt::Key_4), QStringLiteral("image"));
    QCOMPARE(key(Qt::Key_3), QStringLiteral("sweep")); // the group's last view
    QCOMPARE(key(Qt::Key_1), QStringLiteral("values"));
    QCOMPARE(key(Qt::Key_PageUp), QStringLiteral("model")); // wraps around
    QCOMPARE(key(Qt::Key_PageDown), QStringLiteral("values"));
    QCOMPARE(key(Qt::Key_PageUp), QStringLiteral("model"));
    QCOMPARE(key(Qt::Key_PageUp), QStringLiteral("float-pitfalls"));
    QCOMPARE(key(Qt::Key_5), QStringLiteral("model"));
    QCOMPARE(key(Qt::Key_6), QStringLiteral("model")); // no sixth group: no change
}

void TestUiViewSelector::rememberedInSession()
{
    MainWindow w(test::windowOptions());
    QVERIFY(test::waitForCurrent(w));
    QVERIFY(w.setCurrentTab(QStringLiteral("compare")));
    Session s = w.session();
    QCOMPARE(s.tab, QStringLiteral("compare"));
    const QString path = test::tmpPath(QStringLiteral("view.qscope"));
    QVERIFY(w.saveSession(path));
    QVERIFY(w.setCurrentTab(QStringLiteral("histogram")));
    QVERIFY(w.openSession(path));
    QCOMPARE(w.currentTabName(), QStringLiteral("compare"));
    QVERIFY(w.viewSelector()->groupButton(ViewGroup::Compare)->isChecked());
    s.tab = QStringLiteral("int-matmul");
    w.applySession(s);
    QCOMPARE(w.currentTabName(), QStringLiteral("int-matmul"));
    QVERIFY(viewButton(w, QStringLiteral("int-matmul"))->isChecked());
}

// At 1024x640 every group's buttons fit the centre (no scroll arrows, no tab bar of views).
void TestUiViewSelector::fitsSmallWindow()
{
    MainWindow w(test::windowOptions());
    w.resize(1024, 640);
    w.show();
    QVERIFY(test::waitForCurrent(w));
    ViewSelector* s = w.viewSelector();
    QCOMPARE(w.size(), QSize(1024, 640));
    // The views are not tabs; the only tab bar is the Model view's own (its table, heatmap and
    // chart pages).
    const QWidget* model = w.analysisView(QStringLiteral("model"));
    QVERIFY(model);
    for (const QTabBar* bar : w.findChildren<QTabBar*>())
        QVERIFY(model->isAncestorOf(bar));
    const int b0height = s->groupButton(ViewGroup::Explore)->height();
    for (ViewGroup g : s->groups()) {
        QVERIFY(s->selectGroup(g));
        QApplication::processEvents();
        for (QAbstractButton* b : s->findChildren<QAbstractButton*>()) {
            if (!b->isVisible())
                continue;
            const QRect r(b->mapTo(s, QPoint(0, 0)), b->size());
            QVERIFY2(s->rect().contains(r), qPrintable(b->objectName()));
            QVERIFY2(b->width() >= b->sizeHint().width(), qPrintable(b->objectName()));
        }
        QVERIFY(s->bar()->height() < 4 * b0height);
    }
}

// A drag on the overview strip zooms the values chart to that index window; a rubber band on
// the chart zooms further, to a few hundred values drawn exactly with a dot each; a
// double-click on the strip shows everything again.
void TestUiViewSelector::overviewDragZooms()
{
    MainWindow w(test::windowOptions(false));
    w.resize(1280, 720);
    w.show();
    GeneratorOptions g;
    g.shape = {1000000};
    g.seed = 7;
    w.generate(g);
    QVERIFY(test::waitForCurrent(w, 60000));
    w.setCurrentChart(ChartKind::Values);
    auto* strip = w.findChild<OverviewStrip*>();
    QVERIFY(strip && strip->isVisible());
    QTRY_VERIFY(!strip->isReducing());
    QCOMPARE(strip->size(), int64_t(1000000));
    const int y = strip->height() / 2;
    const int x0 = int(strip->xOf(250000)), x1 = int(strip->xOf(500000));
    QTest::mousePress(strip, Qt::LeftButton, {}, QPoint(x0, y));
    QTest::mouseMove(strip, QPoint((x0 + x1) / 2, y));
    QTest::mouseMove(strip, QPoint(x1, y));
    QTest::mouseRelease(strip, Qt::LeftButton, {}, QPoint(x1, y));
    const int64_t b = strip->indexAt(x0), e = strip->indexAt(x1);
    QCOMPARE(strip->windowBegin(), b);
    QCOMPARE(strip->windowEnd(), e);
    QVERIFY(e - b > 100000);
    QString seen;
    QVERIFY2(waitForRange(w, double(b), double(e - 1), seen),
             qPrintable(seen + QStringLiteral(" for %1..%2").arg(b).arg(e)));

    // Rubber bands on the chart down to 200 values (each at least 4 pixels wide).
    auto* view = w.findChild<QChartView*>(QStringLiteral("chartView-values"));
    QVERIFY(view);
    int64_t zb = b, ze = e;
    for (int round = 0; round < 6 && ze - zb > 400; ++round) {
        QChart* chart = w.chart(ChartKind::Values);
        QXYSeries* original = seriesNamed(chart, QStringLiteral("original"));
        QVERIFY(original);
        auto at = [&](double index) {
            const QPointF scene =
                chart->mapToScene(chart->mapToPosition(QPointF(index, 0), original));
            return QPoint(view->mapFromScene(scene).x(), int(chart->plotArea().center().y()));
        };
        const double perPixel = double(ze - zb) / chart->plotArea().width();
        const int64_t from = zb + (ze - zb) / 4;
        const QPoint p0 = at(double(from));
        const QPoint p1 = at(double(from) + std::max(200.0, 4 * perPixel));
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, p0);
        QTest::mouseMove(view->viewport(), p1);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, p1);
        const int64_t before = ze - zb;
        for (int i = 0; i < 400 && ze - zb == before; ++i) {
            QTest::qWait(10);
            if (w.isBusy())
                continue;
            QValueAxis* ax = indexAxis(w.chart(ChartKind::Values));
            zb = std::llround(ax->min());
            ze = std::llround(ax->max()) + 1;
        }
    }
    QVERIFY2(ze - zb >= 150 && ze - zb <= 400,
             qPrintable(QStringLiteral("%1..%2").arg(zb).arg(ze)));
    QCOMPARE(strip->windowBegin(), zb); // the strip follows the chart
    QCOMPARE(strip->windowEnd(), ze);
    QChart* chart = w.chart(ChartKind::Values);
    const float* x = w.tensor()->data.data();
    const float* xhat = w.result()->dequantized.data();
    for (const char* id : {"original", "dequantized"}) {
        QXYSeries* s = seriesNamed(chart, QLatin1String(id));
        QVERIFY2(s, id);
        QVERIFY(s->pointsVisible());
        QCOMPARE(s->count(), ze - zb);
        const float* v = QLatin1String(id) == QLatin1String("original") ? x : xhat;
        for (int i = 0; i < s->count(); ++i) {
            QCOMPARE(s->at(i).x(), double(zb + i));
            QCOMPARE(s->at(i).y(), double(v[zb + i]));
        }
    }

    QTest::mouseDClick(strip, Qt::LeftButton, {}, QPoint(x0, y));
    QVERIFY2(waitForRange(w, 0, 999999, seen), qPrintable(seen));
    QCOMPARE(strip->windowBegin(), int64_t(0));
    QCOMPARE(strip->windowEnd(), int64_t(1000000));
}

// The view selector's stack asks only the shown page for its size (a QStackedWidget asks all
// sixteen views, with their wrapped text, at every layout); the minimum size stays the largest
// seen, so that switching views never resizes the window; the shown page fills the stack.
void TestUiViewSelector::onlyTheShownPageIsAsked()
{
    QWidget top;
    auto* layout = new QVBoxLayout(&top);
    auto* stack = new PageStack;
    layout->addWidget(stack);
    auto* big = new CountingPage(QSize(300, 200));
    auto* small = new CountingPage(QSize(100, 50));
    stack->addWidget(big);
    stack->addWidget(small);
    QCOMPARE(stack->currentWidget(), big);
    top.resize(640, 480);
    top.show();
    QVERIFY(QTest::qWaitForWindowExposed(&top));
    QCOMPARE(big->geometry(), stack->rect());
    QCOMPARE(stack->minimumSizeHint(), QSize(300, 200));
    small->asked = 0;
    for (int i = 0; i < 3; ++i) {
        layout->invalidate();
        layout->activate();
        QCOMPARE(top.minimumSizeHint().height() >= 200, true);
    }
    QCOMPARE(small->asked, 0);
    stack->setCurrentWidget(small);
    QVERIFY(big->isHidden());
    QVERIFY(small->isVisible());
    QCOMPARE(small->geometry(), stack->rect());
    big->asked = 0;
    layout->invalidate();
    layout->activate();
    QCOMPARE(big->asked, 0);
    QCOMPARE(stack->minimumSizeHint(), QSize(300, 200)); // the big page's, remembered
    QCOMPARE(stack->heightForWidth(640), 200);
    delete small; // a deleted page leaves the stack
    QCOMPARE(stack->count(), 1);
    QCOMPARE(stack->currentWidget(), nullptr);
}

// Switching to a chart's view paints it once, at its final size: no second paint for the
// window's activation and no resize when the selector's bar changes height (the Model group
// has no view buttons, so its bar is one row shorter).
void TestUiViewSelector::chartShownOnceAtItsSize()
{
    MainWindow w(test::windowOptions());
    w.resize(1280, 720);
    w.show();
    QVERIFY(test::waitForCurrent(w));
    QChartView* view = w.findChild<QChartView*>(QStringLiteral("chartView-values"));
    QVERIFY(view);
    // Every view once: the stack learns each page's minimum size when it is first shown (which
    // may widen the centre once).
    // Each view's own computation is waited for: a view that grew when its result arrived
    // would widen the centre later (and a sanitizer build is slow).
    for (const QString& name : w.tabNames()) {
        QVERIFY(w.setCurrentTab(name));
        QVERIFY(w.waitForView(20000));
    }
    QTest::qWait(50);
    PaintCounter counter;
    view->viewport()->installEventFilter(&counter);
    for (const char* other : {"model", "histogram", "model", "sweep"}) {
        QVERIFY(w.setCurrentTab(QLatin1String(other)));
        QTest::qWait(50);
        counter.paints = counter.resizes = 0;
        QVERIFY(w.setCurrentTab(QStringLiteral("values")));
        QTest::qWait(50);
        QVERIFY(w.chart(ChartKind::Values));
        QVERIFY2(counter.resizes == 0, other);
        QCOMPARE(counter.paints, 1);
    }
}

QTEST_MAIN(TestUiViewSelector)
#include "tst_ui_view_selector.moc"
