// The teaching modes beyond plain tensors: the fp16 pitfalls table, the integer-arithmetic view
// on reference example T13 and generated examples, image compression with a known error, and
// the lesson panel's comparison of asserted and computed numbers.
#include "core/teach/lesson.h"
#include "tests/support/ui_test_support.h"
#include "ui/panels/lesson_panel.h"
#include "ui/views/float_pitfalls_view.h"
#include "ui/views/image_view.h"
#include "ui/views/int_matmul_view.h"
#include "ui/window/main_window.h"

#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTableWidget>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace qs;
using namespace qs::ui;

class TestUiModes : public QObject {
    Q_OBJECT
private slots:
    void floatPitfallsTable();
    void floatPitfallsUserValues();
    void floatPitfallsFitsLaptopWidth();
    void intMatmulT13();
    void intMatmulGenerated();
    void imagePsnrKnownError();
    void imageBlocksAndChannels();
    void imageBadInput();
    void imagePicturesFit();
    void lessonPanelChecks();
    void lessonPanelSteps();
};

void TestUiModes::floatPitfallsTable()
{
    FloatPitfallsView view;
    const auto& rows = view.rows();
    QCOMPARE(int(rows.size()), 10);
    QCOMPARE(view.table()->rowCount(), 20); // fp16 and bf16 rows of each value
    QCOMPARE(view.table()->columnCount(), 7);
    QCOMPARE(view.table()->rowSpan(0, 0), 2);
    QCOMPARE(view.table()->item(0, 2)->text(), QStringLiteral("fp16"));
    QCOMPARE(view.table()->item(1, 2)->text(), QStringLiteral("bf16"));
    // 1e-12 (LayerNorm epsilon): below fp16's smallest subnormal 2^-24 -> 0; bf16 keeps it.
    QCOMPARE(rows[0].input, 1e-12);
    QCOMPARE(rows[0].fp16.outcome, FloatOutcome::FlushedToZero);
    QCOMPARE(rows[0].fp16.value, 0.0);
    QCOMPARE(view.table()->item(0, 5)->text(), QStringLiteral("flushed to zero"));
    QCOMPARE(view.table()->item(1, 5)->text(), QStringLiteral("rounded"));
    QCOMPARE(rows[0].bf16.outcome, FloatOutcome::Rounded);
    QVERIFY(std::fabs(rows[0].bf16.value - 1e-12) / 1e-12 < 1.0 / 256);
    // 65504 is fp16's largest finite value; 70000 overflows to +inf; bf16 rounds 70000 to 70144.
    QCOMPARE(rows[5].input, 65504.0);
    QCOMPARE(rows[5].fp16.outcome, FloatOutcome::Exact);
    QCOMPARE(view.table()->item(10, 4)->text(), QStringLiteral("0x7bff"));
    QCOMPARE(rows[7].input, 70000.0);
    QCOMPARE(rows[7].fp16.outcome, FloatOutcome::Overflow);
    QCOMPARE(view.table()->item(14, 3)->text(), QStringLiteral("+inf"));
    QCOMPARE(rows[7].bf16.value, 70144.0);
    QCOMPARE(view.table()->item(15, 3)->text(), QStringLiteral("70144"));
    QCOMPARE(view.table()->item(15, 4)->text(), QStringLiteral("0x4789")); // bf16 bits of 70144
}

// In a 1280x720 window, with the tensor's extremes (the longest labels), every column shows
// without a horizontal scroll bar and each spanned label fits its column.
void TestUiModes::floatPitfallsFitsLaptopWidth()
{
    ui::MainWindow w(test::windowOptions(true));
    w.resize(1280, 720);
    w.show();
    QVERIFY(test::waitForCurrent(w));
    QVERIFY(w.setCurrentTab(QStringLiteral("float-pitfalls")));
    auto* view = qobject_cast<FloatPitfallsView*>(w.currentAnalysisView());
    QVERIFY(view);
    QTRY_VERIFY(view->table()->isVisible());
    QTableWidget* table = view->table();
    QCOMPARE(table->rowCount(), 24); // ten default values and the tensor's two extremes
    int total = 0;
    for (int c = 0; c < table->columnCount(); ++c)
        total += table->columnWidth(c);
    QVERIFY2(total <= table->viewport()->width(),
             qPrintable(QString("%1 > %2").arg(total).arg(table->viewport()->width())));
    QCOMPARE(table->horizontalScrollBar()->maximum(), 0);
    const QFontMetrics fm(table->font());
    for (int r = 0; r < table->rowCount(); r += 2)
        for (int c : {0, 1})
            QVERIFY(fm.boundingRect(QRect(), 0, table->item(r, c)->text()).width() <
                    table->columnWidth(c));
}

void TestUiModes::floatPitfallsUserValues()
{
    FloatPitfallsView view;
    view.setValuesText(QStringLiteral("1e-12, 70000 0.1"));
    QCOMPARE(int(view.rows().size()), 3);
    QCOMPARE(view.rows()[2].fp16.value, 0.0999755859375); // fp16(0.1)
    // The tensor's extremes are appended: max |x| = 1e5, min nonzero |x| = 1e-9.
    auto t = std::make_shared<Tensor>("t", std::vector<int64_t>{4},
                                      std::vector<float>{0.f, -1e5f, 1e-9f, 3.f});
    view.setAnalysis(t, nullptr);
    QCOMPARE(int(view.rows().size()), 5);
    QCOMPARE(view.rows()[3].fp16.outcome, FloatOutcome::Overflow);
    QCOMPARE(view.rows()[4].fp16.outcome, FloatOutcome::FlushedToZero);
    QVERIFY(view.table()->item(6, 0)->text().contains(QStringLiteral("max |x|")));
    // Bad text keeps the previous rows.
    view.setValuesText(QStringLiteral("1, abc"));
    QCOMPARE(int(view.rows().size()), 5);
}

void TestUiModes::intMatmulT13()
{
    IntMatmulView view;
    QVERIFY(view.isT13());
    const IntMatmulResult& r = view.result();
    QCOMPARE(r.acc32, (std::vector<int32_t>{4, -28, 8, 24}));
    QCOMPARE(r.dequantProduct, (std::vector<double>{0.5, -3.5, 1, 3}));
    QCOMPARE(r.outCodes, (std::vector<int32_t>{130, 114, 132, 140}));
    // Correction terms of T13: sum qA qB, -zB sum qA = 0 (zB = 0), -zA sum qB, K zA zB = 0.
    QCOMPARE(r.sumProducts, (std::vector<int64_t>{64, -48, 68, 4}));
    QCOMPARE(r.termZeroA, (std::vector<int64_t>{-60, 20, -60, 20}));
    QCOMPARE(r.termConstant, int64_t(0));
    QCOMPARE(r.multiplier, 0.5);
    const QString text = view.text();
    for (const char* s : {"130", "114", "132", "140", "-28", "M0"})
        QVERIFY2(text.contains(QLatin1String(s)), s);
    // The T13 button brings the example back after a generated one.
    view.showDemo(IntMatmulDemoOptions());
    QVERIFY(!view.isT13());
    view.findChild<QPushButton*>(QStringLiteral("matmulT13"))->click();
    QVERIFY(view.isT13());
    QCOMPARE(view.result().outCodes, (std::vector<int32_t>{130, 114, 132, 140}));
}

void TestUiModes::intMatmulGenerated()
{
    IntMatmulView view;
    IntMatmulDemoOptions o;
    o.m = 3;
    o.k = 200;
    o.n = 2;
    o.seed = 7;
    view.showDemo(o);
    QVERIFY2(view.lastError().isEmpty(), qPrintable(view.lastError()));
    const IntMatmulResult& r = view.result();
    QCOMPARE(r.m, int64_t(3));
    QCOMPARE(r.k, int64_t(200));
    QCOMPARE(r.n, int64_t(2));
    QCOMPARE(int(r.acc32.size()), 6);
    // sA sB acc is the exact product of the dequantized inputs; the float product is close.
    for (size_t i = 0; i < r.acc32.size(); ++i) {
        QCOMPARE(r.dequantProduct[i], view.matrixA().scale * view.matrixB().scale * r.acc32[i]);
        QVERIFY(std::fabs(r.dequantProduct[i] - r.realProduct[i]) < 0.5);
    }
    // k = 200 products of up to 255 * 127 cannot fit int16: every entry wraps.
    QVERIFY(!r.overflowed16.empty());
    // Same seed, same example; invalid sizes are reported and keep the shown example.
    IntMatmulView again;
    again.showDemo(o);
    QCOMPARE(again.result().acc32, r.acc32);
    o.m = 0;
    again.showDemo(o);
    QVERIFY(!again.lastError().isEmpty());
    QCOMPARE(again.result().acc32, r.acc32);
}

namespace {

// 16 x 16 x 1: a quarter of the pixels 100, the rest 0 or 255. At 1 bit min-max asymmetric the
// scale is 255 and 100 rounds to code 0: every 100 becomes 0, everything else is exact, so
// MSE = 100^2 / 4 = 2500 and PSNR = 10 log10(255^2 / 2500) = 14.1514 dB.
std::shared_ptr<Tensor> knownErrorImage()
{
    std::vector<float> v(256);
    for (int i = 0; i < 256; ++i)
        v[size_t(i)] = i % 4 == 0 ? 100.f : (i % 4 == 1 ? 0.f : 255.f);
    return std::make_shared<Tensor>("img", std::vector<int64_t>{16, 16, 1}, std::move(v));
}

bool waitImage(ImageView& view)
{
    return QTest::qWaitFor([&] { return !view.isComputing() && view.hasResult(); }, 10000);
}

} // namespace

void TestUiModes::imagePsnrKnownError()
{
    ImageView view;
    QuantConfig c;
    c.bits = 1;
    auto img = knownErrorImage();
    // The window's tensor is used when it is H x W x C.
    const QuantResult r = quantize(*img, c);
    view.setAnalysis(img, std::make_shared<QuantResult>(r));
    QVERIFY(waitImage(view));
    const ImageQuantResult& res = view.result();
    QCOMPARE(res.mse, 2500.0);
    QVERIFY(std::fabs(res.psnrDb - 10 * std::log10(65025.0 / 2500.0)) < 1e-9);
    QVERIFY(std::fabs(res.psnrDb - 14.1514) < 1e-4);
    QCOMPARE(res.slices, int64_t(1));
    QVERIFY(view.metricsText().contains(QStringLiteral("PSNR 14.15 dB")));
    // 256 pixels at 1 bit = 32 bytes + 4 (scale) + 1 (zero point); original 256 bytes.
    QCOMPARE(res.originalBytes, int64_t(256));
    QCOMPARE(res.quantizedBytes, int64_t(37));
    // The difference picture: error 100 is shown with gain 1 (2 * 100 > 127), grey 228.
    QCOMPARE(view.differenceGain(), 1);
    QCOMPARE(qRed(view.differenceImage().pixel(0, 0)), 228);
    QCOMPARE(qRed(view.differenceImage().pixel(1, 0)), 128);
    QCOMPARE(qRed(view.reconstructedImage().pixel(0, 0)), 0);
    QCOMPARE(qRed(view.originalImage().pixel(0, 0)), 100);
    // 2 bits: scale 85, 100 -> code 1 -> 85, error 15: MSE 225 / 4.
    c.bits = 2;
    view.setConfig(c);
    QVERIFY(waitImage(view));
    QCOMPARE(view.result().mse, 225.0 / 4);
    QCOMPARE(view.differenceGain(), 8); // max |diff| 15: 15 * 8 = 120 <= 127 < 15 * 16
}

// The three pictures sit in one row in a wide, low view and two above one in a tall one, as
// large as fits, and everything (captions, metrics) stays inside the view.
void TestUiModes::imagePicturesFit()
{
    ImageView view;
    auto img = knownErrorImage();
    view.setAnalysis(img, std::make_shared<QuantResult>(quantize(*img, QuantConfig())));
    QVERIFY(waitImage(view));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const auto pictures = [&] {
        QList<QLabel*> out;
        for (QLabel* l : view.findChildren<QLabel*>())
            if (!l->pixmap().isNull())
                out << l;
        std::sort(out.begin(), out.end(), [](QLabel* a, QLabel* b) {
            return std::pair(a->y(), a->x()) < std::pair(b->y(), b->x());
        });
        return out;
    };
    for (const QSize size : {QSize(1200, 360), QSize(600, 720)}) {
        view.resize(size);
        QTRY_COMPARE(view.size(), size);
        QApplication::processEvents();
        const QList<QLabel*> p = pictures();
        QCOMPARE(p.size(), 3);
        const bool wide = size.width() > size.height();
        QCOMPARE(p[2]->y() == p[0]->y(), wide);
        const QSize shown = p[0]->pixmap().deviceIndependentSize().toSize();
        QCOMPARE(shown.width(), shown.height()); // the 16 x 16 picture keeps its aspect
        // As large as fits: the column's whole width, or the height down to the metrics line
        // at the bottom of the view.
        const auto* metrics = view.findChild<QLabel*>(QStringLiteral("imageMetrics"));
        QVERIFY(metrics);
        const int below = view.height() - metrics->mapTo(&view, QPoint(0, metrics->height())).y();
        QVERIFY2(
            shown.width() >= p[0]->width() - 1 || below < 24,
            qPrintable(QStringLiteral("%1 px picture, %2 px left").arg(shown.width()).arg(below)));
        for (QLabel* l : view.findChildren<QLabel*>())
            if (l->isVisible())
                QVERIFY2(view.rect().contains(QRect(l->mapTo(&view, QPoint(0, 0)), l->size())),
                         qPrintable(l->text()));
    }
}

void TestUiModes::imageBlocksAndChannels()
{
    ImageView view;
    QuantConfig c;
    c.bits = 4;
    view.setConfig(c); // no tensor: the built-in 96 x 64 x 3 image
    QVERIFY(waitImage(view));
    QCOMPARE(view.result().reconstructed.shape, (std::vector<int64_t>{64, 96, 3}));
    const double psnrTensor = view.result().psnrDb;
    view.setGranularity(ImageGranularity::PerChannel, 8);
    QVERIFY(waitImage(view));
    QCOMPARE(view.result().slices, int64_t(3));
    view.setGranularity(ImageGranularity::PerBlock, 8);
    QVERIFY(waitImage(view));
    QCOMPARE(view.result().slices, int64_t(12 * 8 * 3));
    // Blocks adapt to local ranges: better PSNR than one set of parameters, more bytes.
    QVERIFY(view.result().psnrDb > psnrTensor);
    QVERIFY(view.result().ssim > 0 && view.result().ssim <= 1);
    // A tensor that is not an image falls back to the built-in image.
    auto flat = std::make_shared<Tensor>("x", std::vector<int64_t>{10}, std::vector<float>(10, 1));
    view.setAnalysis(flat, nullptr);
    QVERIFY(waitImage(view));
    QCOMPARE(view.result().reconstructed.shape, (std::vector<int64_t>{64, 96, 3}));
}

void TestUiModes::imageBadInput()
{
    ImageView view;
    QVERIFY(!view.loadImage(QStringLiteral(QS_TEST_TMP "/no-such-image.png")));
    QVERIFY(view.lastError().contains(QStringLiteral("no-such-image.png")));
    // fp16 is not an integer scheme: a clear error instead of pictures.
    QuantConfig c;
    c.scheme = Scheme::FP16;
    view.setConfig(c);
    QVERIFY(QTest::qWaitFor([&] { return !view.isComputing(); }, 10000));
    QVERIFY(!view.hasResult());
    QVERIFY(!view.lastError().isEmpty());
    QVERIFY(view.metricsText().startsWith(QStringLiteral("Cannot compress")));
}

void TestUiModes::lessonPanelChecks()
{
    // 0..4 at 2 bits, min-max: scale 4/3, codes [0, 1, 2, 2, 3] (1.5 ties to even), MSE 2/15.
    const Lesson lesson = parseLesson(R"({"id": "t", "title": "T", "text": "Look.",
        "question": "Why?", "source": {"values": [0, 1, 2, 3, 4]},
        "config": {"bits": 2}, "expect": {"scale": 1.3333333333, "zero_point": 0,
        "codes": [0, 1, 2, 2, 3], "mse": 0.1333333333}})");
    LessonPanel panel;
    panel.setLesson(lesson);
    const Tensor t = lessonTensor(lesson, 0);
    const QuantResult r = quantize(t, lessonConfig(lesson, 0));
    panel.showResult(t, r);
    QCOMPARE(int(panel.checks().size()), 4);
    QVERIFY2(panel.allChecksOk(), qPrintable(panel.checkText()));
    QVERIFY(panel.checkText().contains(QStringLiteral("✓")));
    // A different result (3 bits) breaks the asserted numbers: ✗ with both values shown.
    QuantConfig c3 = lessonConfig(lesson, 0);
    c3.bits = 3;
    panel.showResult(t, quantize(t, c3));
    QVERIFY(!panel.allChecksOk());
    QVERIFY(panel.checkText().contains(QStringLiteral("✗")));
    QVERIFY(panel.checkText().contains(QStringLiteral("asserted 1.33333")));
}

void TestUiModes::lessonPanelSteps()
{
    const Lesson lesson = parseLesson(R"({"id": "s", "title": "Steps", "source":
        {"values": [0, 1, 2, 3]}, "config": {"bits": 8}, "steps": [
        {"caption": "eight bits", "config": {}}, {"caption": "two bits", "config": {"bits": 2}},
        {"caption": "one bit", "config": {"bits": 1}}]})");
    LessonPanel panel;
    panel.setLesson(lesson);
    QSignalSpy spy(&panel, &LessonPanel::stepChanged);
    auto* next = panel.findChild<QPushButton*>(QStringLiteral("lessonNext"));
    auto* prev = panel.findChild<QPushButton*>(QStringLiteral("lessonPrev"));
    QVERIFY(!prev->isEnabled());
    next->click();
    next->click();
    QCOMPARE(panel.step(), 2);
    QVERIFY(!next->isEnabled());
    next->click(); // disabled: nothing happens
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toInt(), 2);
    prev->click();
    QCOMPARE(panel.step(), 1);
    panel.setStep(99);
    QCOMPARE(panel.step(), 2);
}

QTEST_MAIN(TestUiModes)
#include "tst_ui_modes.moc"
