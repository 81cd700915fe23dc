// Lessons through the window: every built-in lesson applies (data, controls, chart tab, panel),
// every step of a course notebook's lesson (docs/REFERENCES.md) reproduces the notebook's
// numbers in the window's own result (numbers copied from tst_golden), the old lesson ids still
// open the lessons, the teaching views are tabs that export to PNG/SVG/PDF, clicking a value
// opens its worked example, presentation mode toggles, and `quantscope --lesson` renders
// headless.
#include "core/teach/lesson.h"
#include "tests/support/ui_test_support.h"
#include "ui/panels/lesson_panel.h"
#include "ui/support/lesson_library.h"
#include "ui/views/image_view.h"
#include "ui/views/int_matmul_view.h"
#include "ui/views/worked_example_view.h"
#include "ui/window/main_window.h"
#include "ui/window/view_selector.h"

#include <QAbstractSeries>
#include <QAction>
#include <QChart>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QImage>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QSplitter>
#include <QXYSeries>
#include <QtTest>

#include <cmath>

using namespace qs;
using namespace qs::test; // windowOptions, tmpPath, waitForCurrent
using namespace qs::ui;

namespace {

// The tensors hold float32 values: scales agree with the float64 notebooks to ~1e-7.
bool closeRel(double a, double b, double tol = 1e-7)
{
    return std::fabs(a - b) <= tol * std::fabs(b);
}

bool applyAndWait(MainWindow& w, const QString& id, int step)
{
    w.applyLesson(findLesson(id), step);
    return waitForCurrent(w);
}

double mseWithoutLast(const Tensor& t, const QuantResult& r, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i + n < t.numel(); ++i) {
        const double d = double(t.data[size_t(i)]) - double(r.dequantized[size_t(i)]);
        s += d * d;
    }
    return s / double(t.numel() - n);
}

} // namespace

class TestUiLessons : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void builtinLessons();
    void everyLessonStepApplies_data();
    void everyLessonStepApplies();
    void truncation();
    void asymmetricVsSymmetric();
    void outlier();
    void heWeights();
    void float16VsInt8();
    void oldLessonIds();
    void intMatmulLessonAndT13();
    void stepsAndControlsChanged();
    void lessonFileAndErrors();
    void tabsInOrder();
    void viewsExport_data();
    void viewsExport();
    void valueClickOpensWorkedExample();
    void presentationModeToggles();
    void lessonScreenshot();
    void cliPlotLesson();

private:
    std::unique_ptr<MainWindow> m_window;
};

void TestUiLessons::initTestCase()
{
    m_window = std::make_unique<MainWindow>(windowOptions(false));
    m_window->resize(1400, 900);
    m_window->show();
}

void TestUiLessons::builtinLessons()
{
    const QStringList ids = builtinLessonIds();
    QCOMPARE(ids.size(), 11);
    for (const char* id : {"truncation", "asymmetric-vs-symmetric", "outlier", "he-weights",
                           "float16-vs-int8", "bits-8-to-1", "clipping-tradeoff", "large-channel",
                           "rounding-modes", "int-matmul", "extra-half-bit"})
        QVERIFY2(ids.contains(QLatin1String(id)), id);
    // The Lessons menu lists them all plus "Open Lesson File…".
    QMenu* menu = m_window->findChild<QMenu*>(QStringLiteral("lessonsMenu"));
    QVERIFY(menu);
    int lessons = 0;
    bool openFile = false;
    for (QAction* a : menu->actions()) {
        lessons += a->data().toString().isEmpty() ? 0 : 1;
        openFile |= a->text().remove(QLatin1Char('&')).contains(QStringLiteral("Lesson File"));
    }
    QCOMPARE(lessons, 11);
    QVERIFY(openFile);
}

void TestUiLessons::everyLessonStepApplies_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("step");
    for (const QString& id : builtinLessonIds()) {
        const Lesson l = findLesson(id);
        for (int s = 0; s < l.numSteps(); ++s)
            QTest::addRow("%s-%d", qPrintable(id), s + 1) << id << s;
    }
}

// Every step of every lesson: the window shows the step's tensor and config, selects its chart,
// and every number the step asserts holds in the window's own result.
void TestUiLessons::everyLessonStepApplies()
{
    QFETCH(QString, id);
    QFETCH(int, step);
    MainWindow& w = *m_window;
    const Lesson l = findLesson(id);
    QVERIFY(applyAndWait(w, id, step));
    QVERIFY(w.lessonPanel()->isVisible());
    QCOMPARE(w.lessonPanel()->step(), step);
    QCOMPARE(w.currentTabName(), QString::fromStdString(l.steps[size_t(step)].chart));
    QCOMPARE(w.result()->config.summary(), lessonConfig(l, step).summary());
    QCOMPARE(w.tensor()->data, lessonTensor(l, step).data);
    if (!l.steps[size_t(step)].expect.empty()) {
        QVERIFY2(w.lessonPanel()->allChecksOk(), qPrintable(w.lessonPanel()->checkText()));
        QVERIFY(w.lessonPanel()->checkText().contains(QStringLiteral("✓")));
    }
    QVERIFY(w.waitForView(20000));
}

void TestUiLessons::truncation()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("truncation"), 0));
    const QuantResult* r = w.result().get();
    QVERIFY(closeRel(r->params.scale[0], 0.018078880240734067));
    QCOMPARE(r->params.zeroPoint[0], int64_t(-2));
    QCOMPARE(r->codes, (std::vector<int32_t>{0, 11, 16, 79, 81, 191, 193, 219, 253, 254}));
    const std::vector<double> dq = {0.04, 0.24, 0.33, 1.46, 1.5, 3.49, 3.53, 4.0, 4.61, 4.63};
    for (size_t i = 0; i < dq.size(); ++i)
        QVERIFY(std::fabs(r->dequantized[i] - dq[i]) <= 0.005);
    QCOMPARE(w.currentTabName(), QStringLiteral("codes"));
    // Step 2: round half to even instead of the notebook's truncation.
    QVERIFY(applyAndWait(w, QStringLiteral("truncation"), 1));
    QCOMPARE(w.result()->codes, (std::vector<int32_t>{0, 11, 17, 80, 81, 191, 194, 220, 254, 255}));
    QVERIFY(w.lessonPanel()->allChecksOk());
}

void TestUiLessons::asymmetricVsSymmetric()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("asymmetric-vs-symmetric"), 0));
    QVERIFY(closeRel(w.result()->params.scale[0], 0.7192156862745098));
    QCOMPARE(w.result()->params.zeroPoint[0], int64_t(55));
    QCOMPARE(w.result()->codes,
             (std::vector<int32_t>{255, 0,   55,  112, 142, 145, 17,  214, 231, 36,
                                   159, 154, 215, 221, 12,  237, 193, 4,   75,  252}));
    // The tensor holds float32 values: the float64 notebook's MSE to 1e-4 relative.
    QVERIFY(closeRel(w.result()->metrics.mse, 0.04209455594002395, 1e-4));
    QVERIFY(applyAndWait(w, QStringLiteral("asymmetric-vs-symmetric"), 1));
    QVERIFY(closeRel(w.result()->params.scale[0], 1.1321259842519684));
    QCOMPARE(w.result()->codes,
             (std::vector<int32_t>{127, -35, 0,   36,  55,  57,  -24, 101, 112, -12,
                                   66,  63,  102, 106, -27, 115, 88,  -33, 13,  125}));
    QVERIFY(closeRel(w.result()->metrics.mse, 0.12861702027403993, 1e-4));
    QVERIFY(w.lessonPanel()->allChecksOk());
}

void TestUiLessons::outlier()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("outlier"), 0));
    QCOMPARE(w.tensor()->numel(), int64_t(10000));
    QCOMPARE(w.tensor()->data.back(), 1000.f);
    // Min-max: the outlier sets the scale (notebook: 4.1176, zero point 12, MSE 1.4).
    QVERIFY(std::fabs(w.result()->params.scale[0] - 4.1176) / 4.1176 < 1e-3);
    QCOMPARE(w.result()->params.zeroPoint[0], int64_t(12));
    const double mseMinMax = mseWithoutLast(*w.tensor(), *w.result(), 1);
    QVERIFY(mseMinMax > 1.3 && mseMinMax < 1.55);
    // Percentile 99.99 clips the outlier (notebook: 0.78445, zero point 64, MSE 0.05).
    QVERIFY(applyAndWait(w, QStringLiteral("outlier"), 1));
    QVERIFY(std::fabs(w.result()->params.scale[0] - 0.78445) / 0.78445 < 2e-3);
    QCOMPARE(w.result()->params.zeroPoint[0], int64_t(64));
    const double msePct = mseWithoutLast(*w.tensor(), *w.result(), 1);
    QVERIFY(msePct > 0.045 && msePct < 0.058);
    QCOMPARE(w.result()->metrics.clippedHighCount, int64_t(1));
    QVERIFY(w.lessonPanel()->allChecksOk());
}

void TestUiLessons::heWeights()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("he-weights"), 0));
    QVERIFY(std::fabs(w.result()->params.scale[0] - 0.0054831104) / 0.0054831104 < 1e-7);
    QCOMPARE(w.result()->params.zeroPoint[0], int64_t(99));
    QCOMPARE(w.result()->codes, (std::vector<int32_t>{255, 32, 36, 148, 16, 89, 95, 103, 169, 0}));
    // Step 2: the title's image compression, 3 bits, in the image tab.
    QVERIFY(applyAndWait(w, QStringLiteral("he-weights"), 1));
    QCOMPARE(w.currentTabName(), QStringLiteral("image"));
    QCOMPARE(w.result()->metrics.levelsUsed, int64_t(8));
    QVERIFY(w.waitForView(20000));
    auto* image = qobject_cast<ImageView*>(w.analysisView(QStringLiteral("image")));
    QVERIFY(image && image->hasResult());
    QCOMPARE(image->result().reconstructed.shape, w.tensor()->shape);
    QVERIFY(image->result().psnrDb > 20 && image->result().psnrDb < 40);
    QVERIFY(w.lessonPanel()->allChecksOk());
}

void TestUiLessons::float16VsInt8()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("float16-vs-int8"), 0));
    QCOMPARE(w.currentTabName(), QStringLiteral("float-pitfalls"));
    QCOMPARE(w.result()->floatCounts.overflow, int64_t(4));
    QCOMPARE(w.result()->floatCounts.flushedToZero, int64_t(2));
    QVERIFY(applyAndWait(w, QStringLiteral("float16-vs-int8"), 1));
    QCOMPARE(w.result()->floatCounts.overflow, int64_t(1));
    QVERIFY(applyAndWait(w, QStringLiteral("float16-vs-int8"), 2));
    QCOMPARE(w.result()->params.qmin, int64_t(-128));
    QCOMPARE(w.result()->params.qmax, int64_t(127));
    QVERIFY(applyAndWait(w, QStringLiteral("float16-vs-int8"), 3));
    QCOMPARE(w.result()->params.qmin, int64_t(-127));
    QCOMPARE(w.result()->params.zeroPoint[0], int64_t(0));
    const double perTensor = w.result()->metrics.mse;
    QVERIFY(applyAndWait(w, QStringLiteral("float16-vs-int8"), 4));
    QCOMPARE(w.currentTabName(), QStringLiteral("channels"));
    QCOMPARE(w.result()->params.numSlices(), int64_t(16));
    QVERIFY(w.result()->metrics.mse < perTensor / 5); // one large row no longer sets the scale
    QVERIFY(w.lessonPanel()->allChecksOk());
}

// The old ids (with or without their description) open the same lessons, in the window, in
// `quantscope --lesson` and in `quantscope-cli plot --lesson`.
void TestUiLessons::oldLessonIds()
{
    const std::pair<const char*, const char*> renamed[] = {
        {"seed000-truncation", "truncation"},
        {"seed001-asymmetric-vs-symmetric", "asymmetric-vs-symmetric"},
        {"seed002-outlier", "outlier"},
        {"seed003-he-weights", "he-weights"},
        {"seed004-float16-vs-int8", "float16-vs-int8"}};
    for (const auto& [old, current] : renamed) {
        const Lesson now = findLesson(QLatin1String(current));
        const QString shortOld = QLatin1String(old).left(7); // "seed002"
        for (const QString& name : {QString::fromLatin1(old), shortOld}) {
            const Lesson l = findLesson(name);
            QCOMPARE(l.id, now.id);
            QCOMPARE(l.title, now.title);
            QCOMPARE(lessonTensor(l, 0).data, lessonTensor(now, 0).data);
            QVERIFY(lessonConfig(l, 0) == lessonConfig(now, 0));
        }
        QCOMPARE(builtinLessonTitle(QLatin1String(old)), QString::fromStdString(now.title));
    }
    MainWindow& w = *m_window;
    QVERIFY(w.openLesson(QStringLiteral("seed002-outlier")));
    QVERIFY(waitForCurrent(w));
    QCOMPARE(QString::fromStdString(w.lessonPanel()->lesson().id), QStringLiteral("outlier"));
    QCOMPARE(builtinLessonIds().filter(QStringLiteral("seed")), QStringList());

    const QString out = tmpPath(QStringLiteral("old-id.png"));
    QProcess p;
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope"),
            {"--screenshot", out, "--lesson", "seed002", "--size", "800x600"});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QString svg = tmpPath(QStringLiteral("old-id.svg"));
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope-cli"),
            {"plot", "--lesson", "seed000-truncation", "--step", "2", "--out", svg});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
}

void TestUiLessons::intMatmulLessonAndT13()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("int-matmul"), 0));
    QCOMPARE(w.currentTabName(), QStringLiteral("int-matmul"));
    auto* mm = qobject_cast<IntMatmulView*>(w.analysisView(QStringLiteral("int-matmul")));
    QVERIFY(mm);
    QVERIFY(!mm->isT13());
    QCOMPARE(mm->result().m, int64_t(4));
    QCOMPARE(mm->result().k, int64_t(16));
    mm->showT13();
    QCOMPARE(mm->result().acc32, (std::vector<int32_t>{4, -28, 8, 24}));
    QCOMPARE(mm->result().outCodes, (std::vector<int32_t>{130, 114, 132, 140}));
}

void TestUiLessons::stepsAndControlsChanged()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("asymmetric-vs-symmetric"), 0));
    QVERIFY(w.lessonPanel()->allChecksOk());
    // Next step through the panel's button.
    w.lessonPanel()->findChild<QPushButton*>(QStringLiteral("lessonNext"))->click();
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.lessonPanel()->step(), 1);
    QVERIFY(closeRel(w.result()->params.scale[0], 1.1321259842519684));
    QVERIFY(w.lessonPanel()->allChecksOk());
    // Changing a control leaves the lesson's step: its numbers are no longer claimed.
    QuantConfig c = w.config();
    c.bits = 4;
    w.setConfig(c);
    QVERIFY(waitForCurrent(w));
    QVERIFY(w.lessonPanel()->checks().empty());
    QVERIFY(!w.lessonPanel()->allChecksOk());
    // A field that the configuration's summary leaves out counts too: only the rounding order
    // changes, and the step's numbers are no longer claimed either.
    QVERIFY(applyAndWait(w, QStringLiteral("asymmetric-vs-symmetric"), 0));
    QVERIFY(w.lessonPanel()->allChecksOk());
    c = w.config();
    const std::string summary = c.summary();
    c.roundingOrder = c.roundingOrder == RoundingOrder::AfterZeroPoint
                          ? RoundingOrder::BeforeZeroPoint
                          : RoundingOrder::AfterZeroPoint;
    QCOMPARE(c.summary(), summary);
    w.setConfig(c);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.result()->config.roundingOrder, c.roundingOrder);
    QVERIFY(w.lessonPanel()->checks().empty());
    QVERIFY(!w.lessonPanel()->allChecksOk());
}

void TestUiLessons::lessonFileAndErrors()
{
    MainWindow& w = *m_window;
    const QString path = tmpPath(QStringLiteral("teacher-lesson.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"id": "mine", "title": "My lesson", "text": "Three values.",
        "source": {"values": [0, 1, 2, 3]}, "config": {"bits": 2}, "chart": "number-line",
        "expect": {"codes": [0, 1, 2, 3], "scale": 1}})");
    f.close();
    QVERIFY(w.openLesson(path));
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.currentTabName(), QStringLiteral("number-line"));
    QVERIFY2(w.lessonPanel()->allChecksOk(), qPrintable(w.lessonPanel()->checkText()));
    // Unknown names and broken files: a clear error, the lesson stays.
    QVERIFY(!w.openLesson(QStringLiteral("no-such-lesson")));
    QVERIFY(w.lastError().contains(QStringLiteral("truncation")));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"id": "bad", "title": "x", "source": {"values": [1]}, "config": {"bits": 99}})");
    f.close();
    QVERIFY(!w.openLesson(path));
    QVERIFY(w.lastError().contains(QStringLiteral("bits")));
    QCOMPARE(QString::fromStdString(w.lessonPanel()->lesson().id), QStringLiteral("mine"));
}

void TestUiLessons::tabsInOrder()
{
    ViewSelector* tabs = m_window->viewSelector();
    QCOMPARE(tabs->count(), 15);
    const QStringList names = m_window->tabNames();
    QCOMPARE(names, (QStringList{"values", "codes", "histogram", "error-histogram", "channels",
                                 "convergence", "number-line", "sweep", "clipping", "compare",
                                 "worked-example", "block-inspector", "image", "int-matmul",
                                 "float-pitfalls"}));
    for (const QString& n : names) {
        QVERIFY(m_window->setCurrentTab(n));
        QCOMPARE(m_window->currentTabName(), n);
    }
    QVERIFY(!m_window->setCurrentTab(QStringLiteral("nope")));
}

void TestUiLessons::viewsExport_data()
{
    QTest::addColumn<QString>("view");
    for (const char* v : {"number-line", "sweep", "clipping", "compare", "worked-example", "image",
                          "int-matmul", "float-pitfalls"})
        QTest::newRow(v) << QString::fromLatin1(v);
}

void TestUiLessons::viewsExport()
{
    QFETCH(QString, view);
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("asymmetric-vs-symmetric"), 0));
    ExportOptions opt;
    opt.size = QSize(900, 600);
    // A prefix of its own: tst_ui_views writes view-NAME files into the same folder.
    const QString base = tmpPath(QStringLiteral("window-view-") + view);
    QVERIFY2(w.exportView(view, base + ".png", opt), qPrintable(w.lastError()));
    QVERIFY(w.exportView(view, base + ".svg", opt));
    QVERIFY(w.exportView(view, base + ".pdf", opt));
    // Views with two charts (sweep: SQNR and MSE; compare: values and errors) write one file per
    // chart, NAME-1 and NAME-2, and a two-page PDF; the others one file.
    const bool twoCharts = view == QLatin1String("sweep") || view == QLatin1String("compare");
    QCOMPARE(QFile::exists(base + ".png"), !twoCharts);
    QCOMPARE(QFile::exists(base + "-2.png"), twoCharts);
    QCOMPARE(QFile::exists(base + "-2.svg"), twoCharts);
    const QString first = twoCharts ? base + "-1" : base;
    const QImage png(first + ".png");
    QVERIFY(!png.isNull());
    QCOMPARE(png.size(), QSize(900, 600));
    // Not blank: many different colours on a coarse grid.
    QVERIFY(distinctColours(png, 7) > 8);
    QFile svg(first + ".svg");
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("<svg"));
    QFile pdf(base + ".pdf");
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");
    QVERIFY(!w.exportView(view, base + ".txt", opt));
    // Copy Chart on a view's tab copies that view, not a chart of another tab.
    QVERIFY(w.setCurrentTab(view));
    QVERIFY(w.waitForView(20000));
    QApplication::clipboard()->clear();
    w.copyChartToClipboard();
    const QImage copied = QApplication::clipboard()->image();
    QVERIFY(!copied.isNull());
    QCOMPARE(copied.size(), w.currentAnalysisView()->size() * w.devicePixelRatioF());
}

void TestUiLessons::valueClickOpensWorkedExample()
{
    MainWindow& w = *m_window;
    QVERIFY(applyAndWait(w, QStringLiteral("asymmetric-vs-symmetric"), 0));
    w.setCurrentChart(ChartKind::Values);
    QChart* chart = w.chart(ChartKind::Values);
    QXYSeries* series = test::firstXYSeries(chart);
    QVERIFY(series);
    emit series->clicked(QPointF(3.2, 41.06)); // near element 3
    QCOMPARE(w.currentTabName(), QStringLiteral("worked-example"));
    auto* we = qobject_cast<WorkedExampleView*>(w.analysisView(QStringLiteral("worked-example")));
    QVERIFY(we);
    QCOMPARE(we->currentIndex(), int64_t(3));
    QVERIFY(we->plainText().contains(QStringLiteral("112"))); // code of 41.06
}

void TestUiLessons::presentationModeToggles()
{
    MainWindow& w = *m_window;
    const qreal normal = QApplication::font().pointSizeF();
    QWidget* source = w.findChild<QWidget*>(QStringLiteral("generateButton"));
    QWidget* bits = w.findChild<QWidget*>(QStringLiteral("bitsSpin"));
    QWidget* rounding = w.findChild<QWidget*>(QStringLiteral("roundingCombo"));
    QVERIFY(source && bits && rounding);
    QVERIFY(source->isVisible() && rounding->isVisible());
    auto* split = w.findChild<QSplitter*>(QStringLiteral("mainSplitter"));
    QVERIFY(split && split->count() == 3);
    const int rightMin = split->widget(2)->minimumWidth();
    w.setPresentationMode(true);
    QVERIFY(w.presentationMode());
    // The numbers column keeps room for a range value in the large font.
    const QFontMetrics fm(QApplication::font());
    QVERIFY(split->widget(2)->minimumWidth() >=
            std::min(fm.horizontalAdvance(QStringLiteral("[-39.5569, 143.843]")), w.width() / 3));
    QVERIFY(QApplication::font().pointSizeF() >= 15);
    QVERIFY(QApplication::font().pointSizeF() > normal);
    QVERIFY(bits->isVisible());
    QVERIFY(!source->isVisible());
    QVERIFY(!rounding->isVisible());
    QCOMPARE(w.chartStyle().lineWidth, 3.5);
    QCOMPARE(QApplication::palette().color(QPalette::WindowText), QColor(Qt::black));
    // Everything still exports.
    QVERIFY(w.exportView(QStringLiteral("values"), tmpPath(QStringLiteral("pres-values.png")),
                         ExportOptions()));
    QVERIFY(w.exportView(QStringLiteral("int-matmul"), tmpPath(QStringLiteral("pres-mm.pdf")),
                         ExportOptions()));
    w.setPresentationMode(false);
    QCOMPARE(QApplication::font().pointSizeF(), normal);
    QCOMPARE(split->widget(2)->minimumWidth(), rightMin);
    QVERIFY(source->isVisible() && rounding->isVisible());
    QCOMPARE(w.chartStyle().lineWidth, ChartStyle::fromPalette().lineWidth);
}

void TestUiLessons::lessonScreenshot()
{
    const QString out = tmpPath(QStringLiteral("lesson-shot.png"));
    QFile::remove(out);
    QProcess p;
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope"),
            {"--screenshot", out, "--lesson", "asymmetric-vs-symmetric", "--presentation", "--size",
             "1000x700"});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QCOMPARE(QImage(out).size(), QSize(1000, 700));
    // --tab picks a teaching view; an unknown lesson fails with a message.
    const QString out2 = tmpPath(QStringLiteral("lesson-shot-mm.png"));
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope"),
            {"--screenshot", out2, "--lesson", "int-matmul", "--tab", "int-matmul"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(!QImage(out2).isNull());
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope"),
            {"--screenshot", out2, "--lesson", "no-such-lesson"});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY(p.exitCode() != 0);
    QVERIFY(p.readAllStandardError().contains("no-such-lesson"));
}

void TestUiLessons::cliPlotLesson()
{
    // quantscope-cli plot --lesson: the lesson's data and config, its chart unless --chart.
    const QString out = tmpPath(QStringLiteral("cli-lesson-number-line.png"));
    QFile::remove(out);
    QProcess p;
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope-cli"),
            {"plot", "--lesson", "truncation", "--step", "2", "--chart", "number-line", "--out",
             out, "--width", "800", "--height", "500"});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QCOMPARE(QImage(out).size(), QSize(800, 500));
    const QString svg = tmpPath(QStringLiteral("cli-lesson.svg"));
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope-cli"),
            {"plot", "--lesson", "asymmetric-vs-symmetric", "--out", svg});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().contains("(values,")); // the lesson's chart
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope-cli"),
            {"plot", "--lesson", "truncation", "--step", "7", "--out", svg});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY(p.exitCode() != 0);
    QVERIFY(p.readAllStandardError().contains("--step"));
}

QTEST_MAIN(TestUiLessons)
#include "tst_ui_lessons.moc"
