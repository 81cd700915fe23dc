// Where the window opens and what it shows when small. The rules of window_geometry.h on exact
// rectangles (laptop and desktop screens, panels, multi-screen offsets), then the real window on
// two offscreen screens (a 1366x768 primary and a 1920x1080 one to its right): the first start,
// a saved geometry larger than the screen or off it, the side panels remembered, and at
// 1024x640 every control visible or reachable through the scroll area it is in.
#include "tests/support/ui_test_support.h"
#include "ui/panels/numbers_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/support/lesson_library.h"
#include "ui/window/main_window.h"
#include "ui/window/side_panels.h"
#include "ui/window/window_geometry.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QStandardPaths>
#include <QStyle>
#include <QTabBar>
#include <QTableWidget>
#include <QWheelEvent>
#include <QtTest>

using namespace qs;
using namespace qs::ui;
using qs::test::waitForCurrent;
using qs::test::windowOptions;

namespace {

const QRect kLaptop(0, 0, 1366, 768);
const QRect kDesktop(1366, 0, 1920, 1080);

// The offscreen platform's screens, as its configfile option reads them. It orders them by
// name and makes the first the primary screen.
const char kScreensJson[] = R"({"windowFrameMargins": false, "screens": [
    {"name": "1 laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96,
     "dpr": 1},
    {"name": "2 desktop", "x": 1366, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96,
     "dpr": 1}]})";

// What a user types into, picks from or presses.
bool isControl(const QWidget* w)
{
    if (qobject_cast<const QScrollBar*>(w) || qobject_cast<const QHeaderView*>(w))
        return false;
    return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QComboBox*>(w) ||
           qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QLineEdit*>(w) ||
           qobject_cast<const QAbstractSlider*>(w) || qobject_cast<const QAbstractItemView*>(w);
}

// The scroll area whose content `w` is, or nullptr.
QScrollArea* scrollAreaOfContent(QWidget* w)
{
    auto* viewport = w->parentWidget();
    auto* area = viewport ? qobject_cast<QScrollArea*>(viewport->parentWidget()) : nullptr;
    return area && area->widget() == w ? area : nullptr;
}

// Empty when `control` can be seen whole: inside every ancestor up to the window, where the
// content of a scroll area may be larger than its viewport along an axis it scrolls (the
// scroll bar reaches the content's end). Otherwise what hides it.
QString hiddenBy(QWidget* control, QWidget* window)
{
    QRect r = control->geometry();
    for (QWidget* w = control->parentWidget(); w && w != window->parentWidget();
         w = w->parentWidget()) {
        if (!w->rect().contains(r))
            return QStringLiteral("clipped by %1 %2")
                .arg(w->metaObject()->className(), w->objectName());
        if (QScrollArea* area = scrollAreaOfContent(w)) {
            const QRect port = area->viewport()->rect();
            const bool fitsX = r.left() >= 0 && r.right() <= port.right();
            const bool fitsY = r.top() >= 0 && r.bottom() <= port.bottom();
            const QScrollBar* h = area->horizontalScrollBar();
            const QScrollBar* v = area->verticalScrollBar();
            if (!fitsX && (area->horizontalScrollBarPolicy() == Qt::ScrollBarAlwaysOff ||
                           h->maximum() < w->width() - port.width()))
                return QStringLiteral("beyond the width of %1").arg(area->objectName());
            if (!fitsY && (area->verticalScrollBarPolicy() == Qt::ScrollBarAlwaysOff ||
                           v->maximum() < w->height() - port.height()))
                return QStringLiteral("beyond the height of %1").arg(area->objectName());
            w = area; // on from the scroll area's own place
            r = area->geometry();
            continue;
        }
        r.translate(w->pos());
    }
    return {};
}

} // namespace

class TestUiWindowGeometry : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void initialGeometry_data();
    void initialGeometry();
    void clamp_data();
    void clamp();
    void firstStartOnLaptop();
    void savedGeometryClamped_data();
    void savedGeometryClamped();
    void sidePanelsRemembered();
    void smallestSizeReachable();
    void wheelScrollsPanel();
    void cleanupTestCase();

private:
    MainWindow::Options settingsOptions() const;
};

void TestUiWindowGeometry::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuantScopeTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_window_geometry"));
    QSettings().clear();
    const QList<QScreen*> screens = QGuiApplication::screens();
    QCOMPARE(screens.size(), 2);
    QCOMPARE(QGuiApplication::primaryScreen()->availableGeometry(), kLaptop);
    QCOMPARE(availableScreenAreas(), QList<QRect>({kLaptop, kDesktop}));
}

void TestUiWindowGeometry::cleanupTestCase()
{
    QSettings().clear();
}

MainWindow::Options TestUiWindowGeometry::settingsOptions() const
{
    MainWindow::Options o = windowOptions();
    o.useSettings = true;
    return o;
}

// 90 % of the available width and height, rounded down, at most 1400x900, centred:
// 1366 * 0.9 = 1229.4, (1366 - 1229) / 2 = 68.5; 768 * 0.9 = 691.2, (768 - 691) / 2 = 38.5.
void TestUiWindowGeometry::initialGeometry_data()
{
    QTest::addColumn<QRect>("available");
    QTest::addColumn<QRect>("expected");
    QTest::newRow("1366x768 laptop") << kLaptop << QRect(68, 38, 1229, 691);
    QTest::newRow("1280x720 projector") << QRect(0, 0, 1280, 720) << QRect(64, 36, 1152, 648);
    QTest::newRow("1024x600 netbook") << QRect(0, 0, 1024, 600) << QRect(51, 30, 921, 540);
    QTest::newRow("1920x1080 under a 32 px panel")
        << QRect(0, 32, 1920, 1048) << QRect(260, 106, 1400, 900);
    QTest::newRow("2560x1440 left of and above the primary")
        << QRect(-2560, -200, 2560, 1440) << QRect(-1980, 70, 1400, 900);
}

void TestUiWindowGeometry::initialGeometry()
{
    QFETCH(QRect, available);
    QFETCH(QRect, expected);
    QCOMPARE(initialWindowGeometry(available), expected);
}

void TestUiWindowGeometry::clamp_data()
{
    QTest::addColumn<QRect>("saved");
    QTest::addColumn<QList<QRect>>("screens");
    QTest::addColumn<QRect>("expected");
    const QList<QRect> laptop{kLaptop};
    const QList<QRect> two{QRect(0, 0, 1920, 1040), QRect(1920, 0, 1366, 768)};
    const QList<QRect> above{QRect(0, 0, 1920, 1080), QRect(0, -1440, 2560, 1440)};
    const struct {
        const char* name;
        QRect saved;
        QList<QRect> screens;
        QRect expected;
    } rows[] = {
        {"inside: kept", {100, 100, 1200, 600}, laptop, {100, 100, 1200, 600}},
        {"1400x900 on 1366x768", {50, 40, 1400, 900}, laptop, {0, 0, 1366, 768}},
        {"over the right edge", {1000, 100, 800, 600}, laptop, {566, 100, 800, 600}},
        {"off below and right", {3000, 2000, 800, 600}, laptop, {566, 168, 800, 600}},
        {"off above and left", {-900, -700, 800, 600}, laptop, {0, 0, 800, 600}},
        {"empty: first start", {}, laptop, {68, 38, 1229, 691}},
        {"no screens: as saved", {5, 6, 7, 8}, {}, {5, 6, 7, 8}},
        {"on the second screen, too low", {2000, 50, 1300, 740}, two, {1986, 28, 1300, 740}},
        {"mostly on the second screen", {1500, 100, 1200, 700}, two, {1920, 68, 1200, 700}},
        {"mostly on the primary", {1000, 100, 1200, 700}, two, {720, 100, 1200, 700}},
        {"a screen that is gone: the primary", {4000, 0, 1200, 800}, two, {720, 0, 1200, 800}},
        {"screen above the primary", {100, -1500, 1400, 900}, above, {100, -1440, 1400, 900}},
        {"larger than the screen above", {-50, -1500, 3000, 2000}, above, {0, -1440, 2560, 1440}},
    };
    for (const auto& row : rows)
        QTest::newRow(row.name) << row.saved << row.screens << row.expected;
}

void TestUiWindowGeometry::clamp()
{
    QFETCH(QRect, saved);
    QFETCH(QList<QRect>, screens);
    QFETCH(QRect, expected);
    QCOMPARE(clampWindowGeometry(saved, screens), expected);
}

// No settings yet: 90 % of the laptop screen, centred.
void TestUiWindowGeometry::firstStartOnLaptop()
{
    QSettings().clear();
    MainWindow w(settingsOptions());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.geometry(), QRect(68, 38, 1229, 691));
    QVERIFY(kLaptop.contains(w.frameGeometry()));
}

void TestUiWindowGeometry::savedGeometryClamped_data()
{
    QTest::addColumn<QRect>("saved");
    QTest::addColumn<QRect>("expected");
    QTest::newRow("1400x900 on the laptop") << QRect(20, 10, 1400, 900) << kLaptop;
    QTest::newRow("off-screen") << QRect(-4000, 3000, 1100, 700) << QRect(0, 68, 1100, 700);
    QTest::newRow("on the desktop screen")
        << QRect(1500, 100, 1400, 900) << QRect(1500, 100, 1400, 900);
    QTest::newRow("over the desktop's right edge")
        << QRect(2500, 300, 1400, 900) << QRect(1886, 180, 1400, 900);
}

void TestUiWindowGeometry::savedGeometryClamped()
{
    QFETCH(QRect, saved);
    QFETCH(QRect, expected);
    QSettings().clear();
    QSettings().setValue(QStringLiteral("window/rect"), saved);
    MainWindow w(settingsOptions());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.geometry(), expected);
    w.close(); // saves the geometry it had
    QCOMPARE(QSettings().value(QStringLiteral("window/rect")).toRect(), expected);
}

// A hidden column stays hidden in the next run; shown again, it has at least its smallest width.
void TestUiWindowGeometry::sidePanelsRemembered()
{
    QSettings().clear();
    {
        MainWindow first(settingsOptions());
        first.show();
        QVERIFY(waitForCurrent(first));
        SidePanels& panels = first.sidePanels();
        QVERIFY(panels.isShown(SidePanels::Side::Controls));
        QVERIFY(panels.isShown(SidePanels::Side::Numbers));
        panels.setShown(SidePanels::Side::Numbers, false);
        QVERIFY(!panels.isShown(SidePanels::Side::Numbers));
        QVERIFY(first.numbersPanel()->visibleRegion().isEmpty());
        QVERIFY(!first.quantPanel()->visibleRegion().isEmpty());
        first.close();
    }
    MainWindow second(settingsOptions());
    second.show();
    QVERIFY(waitForCurrent(second));
    SidePanels& panels = second.sidePanels();
    QVERIFY(panels.isShown(SidePanels::Side::Controls));
    QVERIFY(!panels.isShown(SidePanels::Side::Numbers));
    panels.setShown(SidePanels::Side::Numbers, true);
    QVERIFY(panels.isShown(SidePanels::Side::Numbers));
    QVERIFY(second.numbersPanel()->width() > 200);
    QVERIFY(!second.numbersPanel()->visibleRegion().isEmpty());
    second.close();
    QSettings().clear();
}

// At 1024x640 each visible control lies inside the window or inside the content of its scroll
// area (reachable by scrolling), at least its smallest size; every value of the numbers panel
// fits its column.
namespace {

// Each visible control of `window` lies inside it or inside the content of its scroll area
// (reachable by scrolling), at least its smallest size; returns how many there are.
int checkControlsReachable(QWidget& window)
{
    int controls = 0;
    for (QWidget* c : window.findChildren<QWidget*>()) {
        if (!c->isVisible() || !isControl(c))
            continue;
        ++controls;
        const QString where = QStringLiteral("%1 %2 at %3,%4 %5x%6")
                                  .arg(c->metaObject()->className(), c->objectName())
                                  .arg(c->x())
                                  .arg(c->y())
                                  .arg(c->width())
                                  .arg(c->height());
        const QString hidden = hiddenBy(c, &window);
        if (!hidden.isEmpty())
            QTest::qFail(qPrintable(where + ": " + hidden), __FILE__, __LINE__);
        // The parts of a spin box, combo box or tab bar (its scroll arrows) are sized by it.
        const bool part = isControl(c->parentWidget()) || qobject_cast<QTabBar*>(c->parentWidget());
        const QSize least = part ? QSize() : c->minimumSizeHint();
        if (least.isValid() && (c->width() < least.width() || c->height() < least.height()))
            QTest::qFail(qPrintable(where + " is below its smallest size"), __FILE__, __LINE__);
    }
    return controls;
}

// Every value of the numbers panel fits its column.
void checkNumbersFit(MainWindow& w)
{
    auto* table = w.numbersPanel()->findChild<QTableWidget*>(QStringLiteral("numbersTable"));
    QVERIFY(table);
    QVERIFY(table->rowCount() > 5);
    for (int row = 0; row < table->rowCount(); ++row)
        for (int col = 0; col < 2; ++col) {
            const QTableWidgetItem* item = table->item(row, col);
            if (!item)
                continue;
            // The text and the cell's margins (the focus frame's on either side).
            const int need = table->fontMetrics().horizontalAdvance(item->text()) +
                             2 * (table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 1);
            QVERIFY2(need <= table->columnWidth(col),
                     qPrintable(QStringLiteral("'%1' needs %2 px of %3")
                                    .arg(item->text())
                                    .arg(need)
                                    .arg(table->columnWidth(col))));
        }
}

} // namespace

// At 1024x640, on every tab and with a lesson open, each control is reachable and the numbers
// fit.
void TestUiWindowGeometry::smallestSizeReachable()
{
    MainWindow w(windowOptions());
    w.resize(kSmallestWindowSize);
    w.show();
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.size(), kSmallestWindowSize);
    QVERIFY(checkControlsReachable(w) > 30);
    checkNumbersFit(w);
    for (const QString& tab : w.tabNames()) {
        QVERIFY(w.setCurrentTab(tab));
        QVERIFY2(w.waitForView(20000), qPrintable(tab));
        QCoreApplication::processEvents();
        QVERIFY2(checkControlsReachable(w) > 30, qPrintable(tab));
        if (QTest::currentTestFailed())
            QFAIL(qPrintable("on the tab " + tab));
    }
    QVERIFY(w.openLesson(builtinLessonIds().first()));
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.size(), kSmallestWindowSize);
    checkControlsReachable(w);
    checkNumbersFit(w);
}

// Over an unfocused combo box the wheel scrolls the controls and leaves the value; once the
// combo box has the focus, the wheel picks the next item.
void TestUiWindowGeometry::wheelScrollsPanel()
{
    MainWindow w(windowOptions());
    w.resize(kSmallestWindowSize);
    w.show();
    QVERIFY(waitForCurrent(w));
    QApplication::setActiveWindow(&w);
    QVERIFY(QTest::qWaitForWindowActive(&w));
    auto* scroll = w.findChild<QScrollArea*>(QStringLiteral("controlsScroll"));
    auto* combo = w.findChild<QComboBox*>(QStringLiteral("roundingCombo"));
    QVERIFY(scroll && combo);
    QCOMPARE(combo->currentIndex(), 0);
    QCOMPARE(scroll->verticalScrollBar()->value(), 0);
    QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
    auto wheelDown = [combo] {
        const QPointF at(5, 5);
        QWheelEvent wheel(at, combo->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(combo, &wheel);
    };
    wheelDown();
    QCOMPARE(combo->currentIndex(), 0);
    QVERIFY(scroll->verticalScrollBar()->value() > 0);
    combo->setFocus();
    QVERIFY(combo->hasFocus());
    wheelDown();
    QCOMPARE(combo->currentIndex(), 1);
}

int main(int argc, char** argv)
{
    const QString screens = qs::test::tmpPath(QStringLiteral("screens.json"));
    QFile f(screens);
    if (!f.open(QIODevice::WriteOnly) || f.write(kScreensJson) < 0)
        return 1;
    f.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + screens.toLocal8Bit());
    QApplication app(argc, argv);
    TestUiWindowGeometry test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_ui_window_geometry.moc"
