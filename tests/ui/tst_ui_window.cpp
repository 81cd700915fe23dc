// Headless tests of the main window: real widgets driven with QTest, results compared with
// qs::quantize for the same configuration, file loading through the window, error handling,
// sessions, rapid changes and the --screenshot mode of the real binary.
#include "core/data/generators.h"
#include "core/io/npy.h"
#include "core/quant/quantize.h"
#include "tests/support/ui_test_support.h"
#include "ui/jobs/job_runner.h"
#include "ui/panels/model_browser.h"
#include "ui/panels/model_tree.h"
#include "ui/panels/numbers_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/panels/slice_table.h"
#include "ui/panels/source_panel.h"
#include "ui/support/session.h"
#include "ui/window/main_window.h"

#include <QChart>
#include <QChartView>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineSeries>
#include <QMimeData>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTreeView>
#include <QtTest>

#include <algorithm>
#include <set>

using namespace qs;
using namespace qs::ui;
using qs::test::tmpPath;
using qs::test::waitForCurrent;
using qs::test::windowOptions;

namespace {

// The codes series of the Codes chart, as integers (exact for tensors below the
// downsampling threshold).
std::vector<int32_t> chartCodes(MainWindow& w)
{
    std::vector<int32_t> out;
    QChart* chart = w.chart(ChartKind::Codes);
    for (QAbstractSeries* s : chart->series())
        if (s->objectName() == QLatin1String("codes"))
            for (const QPointF& p : static_cast<QLineSeries*>(s)->points())
                out.push_back(int32_t(std::lround(p.y())));
    return out;
}

void pickByKeyboard(QComboBox* combo, const QString& name)
{
    combo->setFocus();
    // Keyboard search restarts after the input interval; earlier rows typed other letters.
    QTest::qWait(QApplication::keyboardInputInterval() + 50);
    // Typing the first letters selects the matching item, as a user would.
    QTest::keyClicks(combo, name.left(3));
    QCOMPARE(combo->currentData().toString(), name);
}

GeneratorOptions smallMatrix()
{
    GeneratorOptions g;
    g.distribution = Distribution::Normal;
    g.shape = {32, 16};
    g.seed = 7;
    g.outliers = 1;
    g.outlierValue = 9;
    return g;
}

} // namespace

class TestUiWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void startsOnExample();
    void controlsMatchCore_data();
    void controlsMatchCore();
    void histogramSliceGrid();
    void followsDarkPalette();
    void impossibleCombinationsDisabled();
    void loadNpyAndCsv();
    void loadImageAndSafetensors();
    void malformedFileKeepsTensor();
    void dropFiles();
    void sessionRoundTrip();
    void sessionRejectsBadFile();
    void rapidChanges();
    void recycledResultsKeepShownValues();
    void bigTensorChartsOnWorker();
    void bigSliceTableSortsOnWorker();
    void shortcutsStepBitsAndScheme();
    void settingsRestoreLastSession();
    void exportsFromWindow();
    void exportCodesEveryScheme_data();
    void exportCodesEveryScheme();
    void screenshotBinary();

private:
    std::unique_ptr<MainWindow> m_window;
};

void TestUiWindow::initTestCase()
{
    m_window = std::make_unique<MainWindow>(windowOptions());
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(waitForCurrent(*m_window));
}

void TestUiWindow::startsOnExample()
{
    MainWindow& w = *m_window;
    QCOMPARE(w.tensor()->numel(), int64_t(4096));
    QCOMPARE(w.config().bits, 8);
    QCOMPARE(w.config().scheme, Scheme::Asymmetric);
    const QuantResult expected = quantize(*w.tensor(), w.config());
    QCOMPARE(w.result()->codes, expected.codes);
    QCOMPARE(w.numbersPanel()->valueText("scale"), formatNumber(expected.params.scale[0]));
    QCOMPARE(w.numbersPanel()->valueText("zero point"),
             QString::number(expected.params.zeroPoint[0]));
    QCOMPARE(w.numbersPanel()->valueText("mse"), formatNumber(expected.metrics.mse));
    QVERIFY(w.sourcePanel()->factsText().contains(QStringLiteral("4096")));
    QVERIFY(w.sourcePanel()->factsText().contains(QStringLiteral("non-finite: 0")));
}

void TestUiWindow::controlsMatchCore_data()
{
    QTest::addColumn<QString>("control");
    QTest::addColumn<QString>("value");
    QTest::newRow("bits 4") << "bits"
                            << "4";
    QTest::newRow("bits 3") << "bits"
                            << "3";
    QTest::newRow("scheme symmetric") << "scheme"
                                      << "symmetric";
    QTest::newRow("range percentile") << "range"
                                      << "percentile";
    QTest::newRow("range mse") << "range"
                               << "mse";
    QTest::newRow("granularity channel") << "granularity"
                                         << "channel";
    QTest::newRow("granularity group") << "granularity"
                                       << "group";
    QTest::newRow("rounding truncate") << "rounding"
                                       << "truncate";
}

void TestUiWindow::controlsMatchCore()
{
    QFETCH(QString, control);
    QFETCH(QString, value);
    MainWindow& w = *m_window;
    if (w.tensor()->numel() != 512) {
        w.generate(smallMatrix());
        QVERIFY(waitForCurrent(w));
    }
    QuantPanel* q = w.quantPanel();
    if (control == QLatin1String("bits")) {
        auto* spin = q->findChild<QSpinBox*>(QStringLiteral("bitsSpin"));
        spin->setFocus();
        QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(spin, value);
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(spin->value(), value.toInt());
    } else {
        pickByKeyboard(q->findChild<QComboBox*>(control + QStringLiteral("Combo")), value);
    }
    QVERIFY(waitForCurrent(w));
    if (control == QLatin1String("bits"))
        QCOMPARE(w.result()->config.bits, value.toInt());

    const QuantResult expected = quantize(*w.tensor(), w.config());
    QCOMPARE(w.result()->codes, expected.codes);
    QCOMPARE(w.result()->params.scale, expected.params.scale);
    QCOMPARE(w.numbersPanel()->valueText("mse"), formatNumber(expected.metrics.mse));
    QCOMPARE(w.numbersPanel()->valueText("sqnr"),
             QStringLiteral("%1 dB").arg(formatNumber(expected.metrics.sqnrDb, 4)));
    QCOMPARE(w.numbersPanel()->valueText("qmax"), QString::number(expected.params.qmax));
    if (expected.params.numSlices() > 1) {
        QCOMPARE(w.numbersPanel()->valueText("slices"),
                 QString::number(expected.params.numSlices()));
        QCOMPARE(w.sliceTable()->model()->rowCount(), int(expected.params.numSlices()));
        // Sorting the table by scale puts the largest scale first when descending.
        w.sliceTable()->sortByColumn(SliceTableModel::Scale, Qt::DescendingOrder);
        const double top =
            w.sliceTable()->model()->index(0, SliceTableModel::Scale).data(Qt::UserRole).toDouble();
        QCOMPARE(top,
                 *std::max_element(expected.params.scale.begin(), expected.params.scale.end()));
        w.sliceTable()->sortByColumn(SliceTableModel::Slice, Qt::AscendingOrder);
    }
    // The codes chart shows exactly the core's codes (512 values: no downsampling).
    QCOMPARE(chartCodes(w), expected.codes);
}

void TestUiWindow::histogramSliceGrid()
{
    MainWindow& w = *m_window;
    w.generate(smallMatrix());
    QuantConfig c;
    c.bits = 3;
    c.granularity = Granularity::PerChannel;
    w.setConfig(c);
    QVERIFY(waitForCurrent(w));
    auto* slice = w.findChild<QSpinBox*>(QStringLiteral("sliceSpin"));
    QVERIFY(slice->isEnabled());
    QCOMPARE(slice->maximum(), 31);
    slice->setValue(5);
    const QuantParams& p = w.result()->params;
    QVERIFY(p.rangeMin[5] != p.rangeMin[0]);
    // The clipping bounds drawn are those of slice 5.
    QSet<double> xs;
    for (QAbstractSeries* s : w.chart(ChartKind::Histogram)->series())
        if (s->objectName().startsWith(QLatin1String("clip"))) // "clipLow", "clipHigh"
            for (const QPointF& pt : static_cast<QLineSeries*>(s)->points())
                xs.insert(pt.x());
    QVERIFY(xs.contains(p.rangeMin[5]));
    QVERIFY(xs.contains(p.rangeMax[5]));
    QVERIFY(!xs.contains(p.rangeMin[0]));
    slice->setValue(0);
    w.setConfig(QuantConfig());
    QVERIFY(waitForCurrent(w));
}

void TestUiWindow::followsDarkPalette()
{
    MainWindow& w = *m_window;
    QVERIFY(waitForCurrent(w));
    const QPalette light = QApplication::palette();
    const int before = w.chart(ChartKind::Values)->backgroundBrush().color().lightness();
    QPalette dark = light;
    dark.setColor(QPalette::Window, QColor(30, 30, 30));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    dark.setColor(QPalette::Base, QColor(20, 20, 20));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    QApplication::setPalette(dark);
    QCoreApplication::processEvents();
    const int after = w.chart(ChartKind::Values)->backgroundBrush().color().lightness();
    QApplication::setPalette(light);
    QCoreApplication::processEvents();
    QVERIFY2(before > 128 && after < 128,
             qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
    QCOMPARE(w.chart(ChartKind::Values)->backgroundBrush().color().lightness(), before);
}

void TestUiWindow::impossibleCombinationsDisabled()
{
    MainWindow& w = *m_window;
    QuantPanel* q = w.quantPanel();
    auto* bits = q->findChild<QSpinBox*>(QStringLiteral("bitsSpin"));
    auto* scheme = q->findChild<QComboBox*>(QStringLiteral("schemeCombo"));
    auto* axis = q->findChild<QSpinBox*>(QStringLiteral("axisSpin"));
    QuantConfig c;
    c.bits = 1;
    w.setConfig(c);
    auto* model = qobject_cast<QStandardItemModel*>(scheme->model());
    QVERIFY(model);
    QVERIFY(!model->item(scheme->findData(QStringLiteral("symmetric")))->isEnabled());
    c.bits = 4;
    c.scheme = Scheme::Symmetric;
    w.setConfig(c);
    QCOMPARE(bits->minimum(), 2); // no 1-bit symmetric grid
    QVERIFY(!q->findChild<QWidget*>(QStringLiteral("signedCheck"))->isEnabled());
    QVERIFY(q->findChild<QWidget*>(QStringLiteral("fullRangeCheck"))->isEnabled());
    c.scheme = Scheme::FP16;
    w.setConfig(c);
    QVERIFY(!bits->isEnabled());
    QVERIFY(!q->findChild<QWidget*>(QStringLiteral("rangeCombo"))->isEnabled());
    QCOMPARE(axis->maximum(), w.tensor()->rank() - 1);
    w.setConfig(QuantConfig());
    QVERIFY(waitForCurrent(w));
}

void TestUiWindow::loadNpyAndCsv()
{
    MainWindow& w = *m_window;
    const QString npy = tmpPath(QStringLiteral("w.npy"));
    const std::vector<float> values{-1.5f, 0.f, 0.25f, 2.f, 3.75f, -0.5f};
    writeNpyFloat32(npy.toStdString(), {2, 3}, values);
    w.openFile(npy);
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor() && w.tensor()->numel() == 6, 20000);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor()->shape, (std::vector<int64_t>{2, 3}));
    QCOMPARE(w.tensor()->data, values);
    QCOMPARE(w.numbersPanel()->valueText("data range"), QStringLiteral("[-1.5, 3.75]"));

    const QString csv = tmpPath(QStringLiteral("t.csv"));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("a,b\n1,2\n3,4\n5,nan\n");
    f.close();
    w.openFile(csv);
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor() && w.tensor()->shape == (std::vector<int64_t>{3, 2}),
                             20000);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor()->data[4], 5.f);
    QVERIFY(std::isnan(w.tensor()->data[5]));
    QCOMPARE(w.numbersPanel()->valueText("nonfinite"), QStringLiteral("1"));
    QVERIFY(w.sourcePanel()->factsText().contains(QStringLiteral("non-finite: 1")));
}

void TestUiWindow::loadImageAndSafetensors()
{
    MainWindow& w = *m_window;
    // A 4x3 RGB image: the tensor is H x W x C with the pixel values.
    QImage image(3, 4, QImage::Format_RGB888);
    image.fill(QColor(10, 20, 30));
    image.setPixelColor(2, 3, QColor(255, 0, 128));
    const QString png = tmpPath(QStringLiteral("pixels.png"));
    QVERIFY(image.save(png));
    w.openFile(png);
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor() && w.tensor()->shape == (std::vector<int64_t>{4, 3, 3}),
                             20000);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor()->data[0], 10.f);
    QCOMPARE(w.tensor()->data[2], 30.f);
    QCOMPARE(w.tensor()->data[(3 * 3 + 2) * 3 + 0], 255.f);
    QCOMPARE(w.tensor()->data[(3 * 3 + 2) * 3 + 2], 128.f);

    // Two tensors in one safetensors file: the model browser lists both; choosing one loads it.
    const QByteArray header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("b":{"dtype":"F32","shape":[3],"data_offsets":[8,20]}})";
    QByteArray bytes;
    const quint64 n = quint64(header.size());
    for (int i = 0; i < 8; ++i)
        bytes.append(char((n >> (8 * i)) & 0xff));
    bytes.append(header);
    const float values[5] = {1.f, 2.f, -3.f, 4.5f, 6.f};
    bytes.append(reinterpret_cast<const char*>(values), sizeof(values));
    const QString st = tmpPath(QStringLiteral("two.safetensors"));
    QFile f(st);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    f.close();
    w.openFile(st);
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor() && w.tensor()->numel() == 2, 20000);
    QVERIFY(waitForCurrent(w));
    ModelBrowser* browser = w.sourcePanel()->modelBrowser();
    const ModelTreeModel* members = browser->model();
    QCOMPARE(members->tensorCount(), 2);
    QCOMPARE(members->rowCount(), 2);
    QVERIFY(browser->isVisibleTo(&w));
    QVERIFY(members->index(1, ModelTreeModel::TypeColumn).data().toString().contains("F32"));
    QVERIFY(w.sourcePanel()->factsText().contains(QStringLiteral("stored as F32")));
    browser->view()->setFocus();
    QTest::keyClick(browser->view(), Qt::Key_Down);
    QTest::keyClick(browser->view(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor()->numel() == 3, 20000);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor()->data, (std::vector<float>{-3.f, 4.5f, 6.f}));
    QCOMPARE(w.session().source.member, QStringLiteral("b"));
}

void TestUiWindow::malformedFileKeepsTensor()
{
    MainWindow& w = *m_window;
    QVERIFY(waitForCurrent(w));
    const auto before = w.tensor();
    const QString bad = tmpPath(QStringLiteral("broken.npy"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\x93NUMPY\x01\x00garbage");
    f.close();
    QSignalSpy errors(&w, &MainWindow::errorShown);
    w.openFile(bad);
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 20000);
    QVERIFY(w.lastError().contains(QStringLiteral("broken.npy")));
    QCOMPARE(w.tensor(), before);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor(), before);

    errors.clear();
    w.openFile(tmpPath(QStringLiteral("does-not-exist.npy")));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 20000);
    QCOMPARE(w.tensor(), before);
}

// Drops the given URLs on the window the way a file manager does: drag enter, then drop.
// Returns whether the window accepted the drag.
bool dropUrls(MainWindow& w, const QList<QUrl>& urls)
{
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint at(w.width() / 2, w.height() / 2);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    return drop.isAccepted();
}

void TestUiWindow::dropFiles()
{
    MainWindow& w = *m_window;
    QVERIFY(waitForCurrent(w));
    const QString npy = tmpPath(QStringLiteral("dropped.npy"));
    const std::vector<float> values{0.5f, -2.f, 7.25f, 1.f};
    writeNpyFloat32(npy.toStdString(), {4}, values);
    QVERIFY(dropUrls(w, {QUrl::fromLocalFile(npy)}));
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor() && w.tensor()->data == values, 20000);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.session().source.path, QFileInfo(npy).absoluteFilePath());
    QCOMPARE(w.numbersPanel()->valueText("data range"), QStringLiteral("[-2, 7.25]"));

    // An unsupported file is accepted as a drag (the type is known only when loading), then
    // reported; the dropped tensor stays.
    const auto before = w.tensor();
    const QString odd = tmpPath(QStringLiteral("notes.xyz"));
    QFile f(odd);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("1 2 3\n");
    f.close();
    QSignalSpy errors(&w, &MainWindow::errorShown);
    QVERIFY(dropUrls(w, {QUrl::fromLocalFile(odd)}));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 20000);
    QVERIFY2(w.lastError().contains(QStringLiteral("notes.xyz")) &&
                 w.lastError().contains(QStringLiteral("unknown file type")),
             qPrintable(w.lastError()));
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor(), before);

    // Several files at once, or a remote URL, are refused at the drag already.
    QVERIFY(!dropUrls(w, {QUrl::fromLocalFile(npy), QUrl::fromLocalFile(odd)}));
    QVERIFY(!dropUrls(w, {QUrl(QStringLiteral("https://example.org/t.npy"))}));
    QTest::qWait(50);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor(), before);
}

void TestUiWindow::sessionRoundTrip()
{
    MainWindow& w = *m_window;
    w.generate(smallMatrix());
    QuantConfig c;
    c.bits = 5;
    c.scheme = Scheme::Symmetric;
    c.range = RangeMethod::Percentile;
    c.percentile = 99.5;
    c.granularity = Granularity::PerChannel;
    c.axis = 1;
    c.rounding = Rounding::HalfAway;
    w.setConfig(c);
    w.setCurrentChart(ChartKind::Histogram);
    w.setErrorBins(51);
    QVERIFY(waitForCurrent(w));
    const QString path = tmpPath(QStringLiteral("s.qscope"));
    QVERIFY(w.saveSession(path));

    MainWindow other(windowOptions());
    other.show();
    QVERIFY(waitForCurrent(other));
    QVERIFY(other.openSession(path));
    QVERIFY(waitForCurrent(other));
    QCOMPARE(QString::fromStdString(other.config().summary()), QString::fromStdString(c.summary()));
    QCOMPARE(other.config().percentile, 99.5);
    QCOMPARE(other.config().axis, 1);
    QCOMPARE(other.currentChart(), ChartKind::Histogram);
    QCOMPARE(other.errorBins(), 51);
    QCOMPARE(other.tensor()->data, w.tensor()->data);
    QCOMPARE(other.result()->codes, w.result()->codes);
    auto withoutTime = [](QString text) {
        text.remove(QRegularExpression(QStringLiteral("\\nCompute time: [^\\n]*")));
        return text;
    };
    QCOMPARE(withoutTime(other.numbersPanel()->plainText()),
             withoutTime(w.numbersPanel()->plainText()));
    QVERIFY(other.numbersPanel()->plainText().contains(QStringLiteral("Slices: 16")));
}

void TestUiWindow::sessionRejectsBadFile()
{
    MainWindow& w = *m_window;
    const QString path = tmpPath(QStringLiteral("bad.qscope"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"format":"quantscope-session","version":1,"config":{"bits":40}})");
    f.close();
    const QuantConfig before = w.config();
    QSignalSpy errors(&w, &MainWindow::errorShown);
    QVERIFY(!w.openSession(path));
    QCOMPARE(errors.count(), 1);
    QVERIFY(w.lastError().contains(QStringLiteral("bits")));
    QCOMPARE(w.config().summary(), before.summary());
}

void TestUiWindow::rapidChanges()
{
    MainWindow& w = *m_window;
    GeneratorOptions g = smallMatrix();
    g.shape = {256, 256};
    w.generate(g);
    QVERIFY(waitForCurrent(w));
    QuantPanel* q = w.quantPanel();
    auto* bits = q->findChild<QSpinBox*>(QStringLiteral("bitsSpin"));
    auto* scheme = q->findChild<QComboBox*>(QStringLiteral("schemeCombo"));
    auto* range = q->findChild<QComboBox*>(QStringLiteral("rangeCombo"));
    auto* gran = q->findChild<QComboBox*>(QStringLiteral("granularityCombo"));
    QSignalSpy results(&w, &MainWindow::resultReady);
    for (int i = 0; i < 300; ++i) {
        switch (i % 4) {
        case 0:
            bits->setValue(2 + i % 15);
            break;
        case 1:
            scheme->setCurrentIndex((i / 4) % 2); // asymmetric / symmetric
            break;
        case 2:
            range->setCurrentIndex(
                range->findData(i % 3 ? QStringLiteral("minmax") : QStringLiteral("percentile")));
            break;
        default:
            gran->setCurrentIndex((i / 4) % 3);
            break;
        }
        if (i % 7 == 0)
            QTest::qWait(1 + i % 20); // let some jobs start so that they get cancelled
    }
    QVERIFY(waitForCurrent(w, 60000));
    const QuantResult expected = quantize(*w.tensor(), w.config());
    QCOMPARE(w.result()->codes, expected.codes);
    QCOMPARE(w.numbersPanel()->valueText("mse"), formatNumber(expected.metrics.mse));
    // Coalescing and cancelling: far fewer results than changes.
    QVERIFY2(results.count() < 300, qPrintable(QString::number(results.count())));
}

void TestUiWindow::recycledResultsKeepShownValues()
{
    MainWindow& w = *m_window;
    GeneratorOptions g = smallMatrix();
    g.shape = {64, 64};
    w.generate(g);
    QVERIFY(waitForCurrent(w));
    auto* jobs = w.pipeline().findChild<JobRunner*>(); // the pipeline runs the jobs
    QVERIFY(jobs);
    auto* bits = w.quantPanel()->findChild<QSpinBox*>(QStringLiteral("bitsSpin"));
    // Hold a result the way a view or exporter does, with a copy of everything it shows.
    const std::shared_ptr<const QuantResult> held = w.result();
    const std::vector<int32_t> codes(held->codes.begin(), held->codes.end());
    const std::vector<float> dequantized = held->dequantized;
    const std::vector<double> scale = held->params.scale;
    const std::string summary = held->config.summary();
    const double mse = held->metrics.mse;
    const quint64 recycledBefore = jobs->recycledCount();
    std::set<const QuantResult*> seen{held.get()};
    for (int b : {3, 5, 7, 2, 6, 4, 8, 3}) {
        bits->setValue(b);
        QVERIFY(waitForCurrent(w));
        seen.insert(w.result().get());
        // Every result shown is the one the core computes for that configuration.
        const QuantResult expected = quantize(*w.tensor(), w.config());
        QVERIFY(w.result()->codes == expected.codes);
        QCOMPARE(w.result()->dequantized, expected.dequantized);
    }
    // The jobs did recycle (a few results take turns) ...
    QVERIFY2(jobs->recycledCount() >= recycledBefore + 4,
             qPrintable(QString::number(jobs->recycledCount() - recycledBefore)));
    QVERIFY2(seen.size() <= 4, qPrintable(QString::number(seen.size())));
    // ... but never into the result still held.
    QVERIFY(held->codes == codes);
    QCOMPARE(held->dequantized, dequantized);
    QCOMPARE(held->params.scale, scale);
    QCOMPARE(held->config.summary(), summary);
    QCOMPARE(held->metrics.mse, mse);
    bits->setValue(8);
    QVERIFY(waitForCurrent(w));
}

// The chart's series with this objectName in the chart the tab shows (not rebuilt on demand).
QLineSeries* shownSeries(MainWindow& w, ChartKind kind, const QString& name)
{
    auto* view = w.findChild<QChartView*>(QStringLiteral("chartView-") + chartKindName(kind));
    if (!view || !view->chart())
        return nullptr;
    for (QAbstractSeries* s : view->chart()->series())
        if (s->objectName() == name)
            return qobject_cast<QLineSeries*>(s);
    return nullptr;
}

void TestUiWindow::bigTensorChartsOnWorker()
{
    MainWindow& w = *m_window;
    GeneratorOptions g = smallMatrix();
    g.shape = {512, 256}; // 131072 elements: charts are reduced on a worker
    w.generate(g);
    w.setCurrentChart(ChartKind::Values);
    QVERIFY(waitForCurrent(w));
    QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 20000);
    QSignalSpy refreshed(&w, &MainWindow::chartsRefreshed);
    w.setCurrentChart(ChartKind::Histogram);
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 20000);
    auto* valueBins = w.findChild<QSpinBox*>(QStringLiteral("valueBinsSpin"));
    // Stepped outline: 2 points per bin plus the two ends.
    QLineSeries* deq = shownSeries(w, ChartKind::Histogram, QStringLiteral("dequantized"));
    QVERIFY(deq);
    QCOMPARE(deq->count(), 2 * valueBins->value() + 2);
    // The dequantized values' histogram of the shown chart counts every element once.
    double total = 0;
    for (int i = 1; i + 1 < deq->count(); i += 2)
        total += deq->at(i).y();
    QCOMPARE(total, double(w.tensor()->numel()));

    refreshed.clear();
    valueBins->setValue(40);
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1 && !w.isBusy(), 20000);
    deq = shownSeries(w, ChartKind::Histogram, QStringLiteral("dequantized"));
    QVERIFY(deq);
    QCOMPARE(deq->count(), 2 * 40 + 2);

    // Several quick bin changes end with the last one.
    refreshed.clear();
    for (int b : {17, 90, 33})
        valueBins->setValue(b);
    QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        shownSeries(w, ChartKind::Histogram, QStringLiteral("dequantized"))->count(), 2 * 33 + 2,
        20000);

    // The codes tab, on a new configuration: its series covers the whole index range.
    w.quantPanel()->findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(3);
    QVERIFY(waitForCurrent(w));
    refreshed.clear();
    w.setCurrentChart(ChartKind::Codes);
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1 && !w.isBusy(), 20000);
    QLineSeries* codes = shownSeries(w, ChartKind::Codes, QStringLiteral("codes"));
    QVERIFY(codes);
    QVERIFY(codes->count() > 100 && codes->count() <= 2000);
    double lo = 1e9, hi = -1e9;
    for (const QPointF& p : codes->points()) {
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
    }
    const auto [qlo, qhi] = std::minmax_element(w.result()->codes.begin(), w.result()->codes.end());
    QCOMPARE(lo, double(*qlo));
    QCOMPARE(hi, double(*qhi));
    QVERIFY(hi <= 7);
    valueBins->setValue(256);
    w.quantPanel()->findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(8);
    w.setCurrentChart(ChartKind::Values);
    QVERIFY(waitForCurrent(w));
}

void TestUiWindow::bigSliceTableSortsOnWorker()
{
    MainWindow& w = *m_window;
    GeneratorOptions g = smallMatrix();
    g.shape = {256, 256};
    w.generate(g);
    QVERIFY(waitForCurrent(w));
    QuantConfig c = w.config();
    c.granularity = Granularity::PerGroup;
    c.groupSize = 2; // 32768 groups: sorted on a worker
    w.setConfig(c);
    QVERIFY(waitForCurrent(w));
    SliceTable* table = w.sliceTable();
    SliceTableModel* model = table->sliceModel();
    QCOMPARE(model->rowCount(), 32768);
    QSignalSpy sorted(model, &SliceTableModel::sorted);
    table->sortByColumn(SliceTableModel::Scale, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(sorted.count() >= 1 && !model->isSorting(), 20000);
    const std::vector<double>& scale = w.result()->params.scale;
    QCOMPARE(model->index(0, SliceTableModel::Scale).data(Qt::UserRole).toDouble(),
             *std::max_element(scale.begin(), scale.end()));
    for (int row = 1; row < model->rowCount(); row += 97) {
        const double a = model->value(model->sliceAt(row - 1), SliceTableModel::Scale);
        const double b = model->value(model->sliceAt(row), SliceTableModel::Scale);
        QVERIFY2(a >= b, qPrintable(QStringLiteral("row %1").arg(row)));
    }
    // Ties keep slice order (stable).
    for (int row = 1; row < model->rowCount(); ++row)
        if (model->value(model->sliceAt(row - 1), SliceTableModel::Scale) ==
            model->value(model->sliceAt(row), SliceTableModel::Scale))
            QVERIFY(model->sliceAt(row - 1) < model->sliceAt(row));
    // A new result keeps the sort column: sorted again.
    sorted.clear();
    w.quantPanel()->findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(4);
    QVERIFY(waitForCurrent(w));
    QTRY_VERIFY_WITH_TIMEOUT(sorted.count() >= 1 && !model->isSorting(), 20000);
    QCOMPARE(model->index(0, SliceTableModel::Scale).data(Qt::UserRole).toDouble(),
             *std::max_element(w.result()->params.scale.begin(), w.result()->params.scale.end()));
    // Back to slice order: no index vector, row == slice.
    table->sortByColumn(SliceTableModel::Slice, Qt::AscendingOrder);
    QCOMPARE(model->sliceAt(12345), int64_t(12345));
    w.setConfig(QuantConfig());
    QVERIFY(waitForCurrent(w));
}

void TestUiWindow::shortcutsStepBitsAndScheme()
{
    MainWindow& w = *m_window;
    w.setConfig(QuantConfig());
    QVERIFY(waitForCurrent(w));
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTest::keyClick(&w, Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(w.config().bits, 9);
    QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier);
    QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier);
    QCOMPARE(w.config().bits, 7);
    QTest::keyClick(&w, Qt::Key_BracketRight, Qt::ControlModifier);
    QCOMPARE(w.config().scheme, Scheme::Symmetric);
    QTest::keyClick(&w, Qt::Key_BracketLeft, Qt::ControlModifier);
    QCOMPARE(w.config().scheme, Scheme::Asymmetric);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.result()->config.bits, 7);
    w.setConfig(QuantConfig());
    QVERIFY(waitForCurrent(w));
}

void TestUiWindow::settingsRestoreLastSession()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuantScopeTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_window"));
    QSettings().clear();
    MainWindow::Options o = windowOptions();
    o.useSettings = true;
    {
        MainWindow first(o);
        first.show();
        QVERIFY(waitForCurrent(first));
        QuantConfig c;
        c.bits = 6;
        c.range = RangeMethod::Percentile;
        first.setConfig(c);
        first.setCurrentChart(ChartKind::ErrorHistogram);
        QVERIFY(waitForCurrent(first));
        first.close(); // writes geometry and the last session
    }
    MainWindow second(o);
    second.show();
    QVERIFY(waitForCurrent(second));
    QCOMPARE(second.config().bits, 6);
    QCOMPARE(second.config().range, RangeMethod::Percentile);
    QCOMPARE(second.currentChart(), ChartKind::ErrorHistogram);
    QSettings().clear();
}

void TestUiWindow::exportsFromWindow()
{
    MainWindow& w = *m_window;
    QVERIFY(waitForCurrent(w));
    ExportOptions opt;
    opt.size = QSize(640, 400);
    const QString png = tmpPath(QStringLiteral("chart.png"));
    QVERIFY(w.exportChart(ChartKind::Histogram, png, opt));
    QCOMPARE(QImage(png).size(), QSize(640, 400));
    const QString pdf = tmpPath(QStringLiteral("all.pdf"));
    QVERIFY(w.exportAllCharts(pdf, opt));
    QFile f(pdf);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.startsWith("%PDF"));
    const int pages = int(bytes.count("/Type /Page\n") + bytes.count("/Type /Page\r") +
                          bytes.count("/Type /Page ") + bytes.count("/Type /Page/") +
                          bytes.count("/Type /Page>"));
    QCOMPARE(pages, int(allChartKinds().size()));
    QVERIFY(w.exportAllCharts(tmpPath(QStringLiteral("set.svg")), opt));
    for (ChartKind k : allChartKinds()) {
        QFile svg(tmpPath(QStringLiteral("set-%1.svg").arg(chartKindName(k))));
        QVERIFY2(svg.open(QIODevice::ReadOnly), qPrintable(svg.fileName()));
        QVERIFY(svg.readAll().contains("<text"));
    }
    const QString codes = tmpPath(QStringLiteral("codes.npy"));
    QVERIFY(w.exportCodes(codes));
    const Tensor back = loadNpy(codes.toStdString());
    QCOMPARE(back.shape, w.tensor()->shape);
    for (size_t i = 0; i < back.data.size(); ++i)
        QCOMPARE(int32_t(back.data[i]), w.result()->codes[i]);
    QVERIFY(w.exportReport(tmpPath(QStringLiteral("report.json"))));
    QFile report(tmpPath(QStringLiteral("report.json")));
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(report.readAll()).object();
    QCOMPARE(root.value("params").toObject().value("scale").toArray().size(),
             int(w.result()->params.numSlices()));
    QGuiApplication::clipboard()->clear();
    w.copyChartToClipboard();
    QVERIFY(!QGuiApplication::clipboard()->image().isNull());
    QVERIFY(w.exportCsv(tmpPath(QStringLiteral("table.csv"))));
}

void TestUiWindow::exportCodesEveryScheme_data()
{
    QTest::addColumn<int>("scheme");
    QTest::addColumn<QString>("dtype");
    // fp16 bit patterns of values of both signs span more than 0x7fff: uint16. Float8 bit
    // patterns, MX element patterns, code-book and GGML indices fit in a byte.
    QTest::newRow("fp16") << int(Scheme::FP16) << QStringLiteral("<u2");
    QTest::newRow("e4m3") << int(Scheme::E4M3) << QStringLiteral("|u1");
    QTest::newRow("mxfp4") << int(Scheme::MXFP4) << QStringLiteral("|u1");
    QTest::newRow("nf4") << int(Scheme::NF4) << QStringLiteral("|u1");
    QTest::newRow("q4_0") << int(Scheme::Q4_0) << QStringLiteral("|u1");
    QTest::newRow("asymmetric") << int(Scheme::Asymmetric) << QStringLiteral("|u1");
}

void TestUiWindow::exportCodesEveryScheme()
{
    QFETCH(int, scheme);
    QFETCH(QString, dtype);
    MainWindow& w = *m_window;
    // A file source, so that the CLI can quantize the same tensor.
    const QString input = tmpPath(QStringLiteral("codes-input.npy"));
    GeneratorOptions g = smallMatrix();
    g.shape = {8, 64};
    const Tensor t = generate(g);
    writeNpyFloat32(input.toStdString(), t.shape, t.data);
    w.openFile(input);
    QuantConfig c;
    c.scheme = Scheme(scheme);
    w.setConfig(c);
    QVERIFY(waitForCurrent(w));
    QCOMPARE(w.tensor()->data, t.data);
    QCOMPARE(w.result()->config.scheme, Scheme(scheme));

    const QString gui = tmpPath(QStringLiteral("codes-gui.npy"));
    QFile::remove(gui);
    QVERIFY2(w.exportCodes(gui), qPrintable(w.lastError()));
    const Tensor back = loadNpy(gui.toStdString());
    QCOMPARE(QString::fromStdString(back.dtype), dtype);
    QCOMPARE(back.shape, t.shape);
    const QuantResult expected = quantize(t, c);
    QCOMPARE(back.data.size(), expected.codes.size());
    for (size_t i = 0; i < back.data.size(); ++i)
        QCOMPARE(int32_t(back.data[i]), expected.codes[i]);

    // The CLI writes the same bytes.
    const QString cli = tmpPath(QStringLiteral("codes-cli.npy"));
    QFile::remove(cli);
    QProcess p;
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope-cli"),
            {QStringLiteral("quantize"), QStringLiteral("--input"), input,
             QStringLiteral("--scheme"), QString::fromStdString(toName(c.scheme)),
             QStringLiteral("--codes"), cli});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QFile a(gui), b(cli);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QCOMPARE(a.readAll(), b.readAll());
}

void TestUiWindow::screenshotBinary()
{
    const QString out = tmpPath(QStringLiteral("shot.png"));
    QFile::remove(out);
    QProcess p;
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope"),
            {"--screenshot", out, "--size", "1000x700", "--bits", "3", "--tab", "codes"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QImage image(out);
    QCOMPARE(image.size(), QSize(1000, 700));
    // Not a blank image: many distinct colours.
    QVERIFY(test::distinctColours(image, 7) > 20);

    QProcess bad;
    bad.start(QStringLiteral(QS_BIN_DIR "/quantscope"), {"--screenshot", out, "--bits", "99"});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains("bits"));
}

QTEST_MAIN(TestUiWindow)
#include "tst_ui_window.moc"
