// Headless tests of the importance file in the window: the quantization panel's row takes a
// good file and refuses a bad one with the reader's message, is enabled only for schemes with a
// weighted path, and the window quantizes with the chosen importance (values as the core's
// weighted quantization), shows it in the numbers panel and drops it when cleared.
#include "core/io/npy.h"
#include "core/quant/quantize.h"
#include "tests/support/ui_test_support.h"
#include "ui/panels/importance_row.h"
#include "ui/panels/numbers_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/window/main_window.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

using namespace qs;
using namespace qs::ui;
using qs::test::tmpPath;
using qs::test::windowOptions;

namespace {

std::vector<float> columnImportance()
{
    std::vector<float> v;
    for (int c = 0; c < 256; ++c)
        v.push_back(c % 7 == 0 ? 20.0f : float(c % 3));
    return v;
}

// Waits until the window's result was quantized with (columns > 0) or without importance.
bool waitForImportance(MainWindow& w, int64_t columns)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (w.isIdle() && w.result() && w.result()->importance.columns == columns)
            return true;
        QTest::qWait(5);
    }
    return false;
}

} // namespace

class TestUiImportance : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        writeNpyFloat32(tmpPath("imp.npy").toStdString(), {256}, columnImportance());
        writeNpyFloat32(tmpPath("square.npy").toStdString(), {2, 2}, {1, 2, 3, 4});
        std::vector<float> k(4 * 256);
        for (size_t i = 0; i < k.size(); ++i)
            k[i] = float(int(i * 37 % 101) - 50) / 16.0f;
        writeNpyFloat32(tmpPath("k.npy").toStdString(), {4, 256}, k);
    }

    void rowTakesGoodFilesOnly()
    {
        ImportanceRow row;
        QSignalSpy spy(&row, &ImportanceRow::changed);
        auto* name = row.findChild<QLabel*>(QStringLiteral("importanceName"));
        auto* clear = row.findChild<QToolButton*>(QStringLiteral("importanceClear"));
        QVERIFY(name && clear);
        QCOMPARE(name->text(), QStringLiteral("none"));
        QVERIFY(!clear->isEnabled());
        QCOMPARE(row.setFile(tmpPath("square.npy")),
                 QStringLiteral("square.npy: an importance vector is 1-D (one value per column); "
                                "this array is 2x2"));
        QVERIFY(row.file().isEmpty());
        QCOMPARE(spy.count(), 0);
        QCOMPARE(row.setFile(tmpPath("imp.npy")), QString());
        QCOMPARE(row.file(), tmpPath("imp.npy"));
        QCOMPARE(name->text(), QStringLiteral("imp.npy"));
        QVERIFY(clear->isEnabled());
        QCOMPARE(spy.count(), 1);
        QTest::mouseClick(clear, Qt::LeftButton);
        QVERIFY(row.file().isEmpty());
        QCOMPARE(spy.count(), 2);
    }

    // A bad file picked with the chooser: a warning dialog with the reader's message.
    void badFileDialog()
    {
        ImportanceRow row;
        QString shown;
        QTimer::singleShot(0, [&] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (box) {
                shown = box->text();
                box->accept();
            }
        });
        row.takeChosenFile(tmpPath("square.npy"));
        QCOMPARE(shown, QStringLiteral("The importance file was not used.\n\nsquare.npy: an "
                                       "importance vector is 1-D (one value per column); this "
                                       "array is 2x2"));
        QVERIFY(row.file().isEmpty());
    }

    void enabledForWeightedSchemes()
    {
        QuantPanel panel;
        auto* button = panel.findChild<QPushButton*>(QStringLiteral("importanceButton"));
        QVERIFY(button);
        QuantConfig c;
        c.scheme = Scheme::Q8_0;
        panel.setConfig(c);
        QVERIFY(!button->isEnabled());
        QVERIFY2(button->toolTip().startsWith(QStringLiteral("q8_0 has no importance-weighted")),
                 qPrintable(button->toolTip()));
        for (Scheme s : {Scheme::Q4_0, Scheme::Q4_K, Scheme::IQ4_XS}) {
            c.scheme = s;
            panel.setConfig(c);
            QVERIFY(button->isEnabled());
        }
        c.scheme = Scheme::Asymmetric;
        panel.setConfig(c);
        QVERIFY(!button->isEnabled());
    }

    void windowQuantizesWithIt()
    {
        MainWindow w(windowOptions(false));
        w.openFile(tmpPath("k.npy"));
        QTRY_VERIFY_WITH_TIMEOUT(w.tensor() && w.tensor()->numel() == 1024, 20000);
        QuantConfig c;
        c.scheme = Scheme::Q4_K;
        w.quantPanel()->setConfig(c);
        QVERIFY(waitForImportance(w, 0));
        QCOMPARE(w.numbersPanel()->valueText("importance"), QStringLiteral("none"));
        const std::vector<float> unweighted = w.result()->dequantized;

        QCOMPARE(w.quantPanel()->importance()->setFile(tmpPath("imp.npy")), QString());
        QVERIFY(waitForImportance(w, 256));
        Importance imp;
        imp.source.file = "imp.npy";
        imp.source.columns = 256;
        imp.values = columnImportance();
        const QuantResult want = quantize(*w.tensor(), c, nullptr, &imp);
        QCOMPARE(w.result()->dequantized, want.dequantized);
        QVERIFY(want.dequantized != unweighted);
        QCOMPARE(w.numbersPanel()->valueText("importance"), QStringLiteral("imp.npy, 256 columns"));

        w.quantPanel()->importance()->clear();
        QVERIFY(waitForImportance(w, 0));
        QCOMPARE(w.result()->dequantized, unweighted);
    }
};

QTEST_MAIN(TestUiImportance)
#include "tst_ui_importance.moc"
