// The teaching views (number line, bit-width sweep, clipping curve, A/B comparison, worked
// example) built headless on generated tensors: what they draw equals the core's numbers, and
// every view exports to PNG, SVG and PDF.
#include "core/analysis/clipping_curve.h"
#include "core/analysis/compare.h"
#include "core/analysis/sweep.h"
#include "core/config/presets.h"
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/teach/builtins.h"
#include "core/teach/worked_example.h"
#include "tests/support/ui_test_support.h"
#include "ui/charts/teaching/teach_charts.h"
#include "ui/support/chart_export.h"
#include "ui/views/clipping_view.h"
#include "ui/views/compare_view.h"
#include "ui/views/number_line_view.h"
#include "ui/views/sweep_view.h"
#include "ui/views/worked_example_view.h"
#include "ui/window/app_options.h"

#include <QAbstractSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QDir>
#include <QFile>
#include <QGraphicsSimpleTextItem>
#include <QImage>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTextBrowser>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace qs;
using namespace qs::ui;
using qs::test::tmpPath;

namespace {

std::shared_ptr<const Tensor> normalTensor(int64_t n, uint64_t seed = 7)
{
    GeneratorOptions g;
    g.distribution = Distribution::Normal;
    g.shape = {n};
    g.seed = seed;
    g.name = "normal";
    return std::make_shared<const Tensor>(generate(g));
}

// The truncation notebook: ten values in [0, 5), min-max uint8 with truncation and no widening
// to zero.
std::shared_ptr<const Tensor> uniform10()
{
    return std::make_shared<const Tensor>(builtinDataset("uniform-10"));
}

QuantConfig truncationConfig()
{
    QuantConfig c;
    c.bits = 8;
    c.includeZero = false;
    c.rounding = Rounding::Truncate;
    return c;
}

std::shared_ptr<const QuantResult> quantized(const Tensor& t, const QuantConfig& c)
{
    return std::make_shared<const QuantResult>(quantize(t, c));
}

template <class S = QXYSeries> S* findSeries(QChart* chart, const QString& name)
{
    if (!chart)
        return nullptr;
    for (QAbstractSeries* s : chart->series())
        if (s->objectName() == name)
            return qobject_cast<S*>(s);
    return nullptr;
}

// Writes PNG, SVG and PDF of the view's charts (or its widget) and checks each file.
void checkExports(AnalysisView& view, const QString& base)
{
    ExportOptions opt;
    opt.size = QSize(900, 600);
    QString error;
    const QList<QChart*> charts = view.exportCharts();
    const QString png = tmpPath(base + QStringLiteral(".png"));
    const QString svg = tmpPath(base + QStringLiteral(".svg"));
    const QString pdf = tmpPath(base + QStringLiteral(".pdf"));
    if (charts.isEmpty()) {
        QVERIFY2(exportWidget(view.exportWidget(), png, opt, &error), qPrintable(error));
        QVERIFY2(exportWidget(view.exportWidget(), svg, opt, &error), qPrintable(error));
        QVERIFY2(exportWidget(view.exportWidget(), pdf, opt, &error), qPrintable(error));
    } else {
        QVERIFY2(exportChart(charts.front(), png, opt, &error), qPrintable(error));
        QVERIFY2(exportChart(charts.front(), svg, opt, &error), qPrintable(error));
        QVERIFY2(exportChartsPdf(charts, pdf, opt, &error), qPrintable(error));
    }
    const QImage image(png);
    QCOMPARE(image.size(), QSize(900, 600));
    // Not a blank image: more than a handful of distinct colours.
    QVERIFY2(test::distinctColours(image, 7) > 5, qPrintable(base));
    QFile s(svg);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QByteArray svgText = s.readAll();
    QVERIFY(svgText.contains("<svg"));
    QVERIFY2(svgText.contains("<text"), "exported SVG has no text elements");
    QFile p(pdf);
    QVERIFY(p.open(QIODevice::ReadOnly));
    QCOMPARE(p.read(4), QByteArray("%PDF"));
    QVERIFY(p.size() > 1000);
}

} // namespace

class TestUiViews : public QObject {
    Q_OBJECT

private slots:
    void numberLineTicksAreTheGrid();
    void numberLineTruncation();
    void numberLineFloatScheme();
    void sweepMatchesCore();
    void sweepFloatScheme();
    void clippingMatchesCore();
    void compareDeltas();
    void compareOtherTensorFlagged();
    void comparePinsPresets();
    void workedExampleText();
    void workedExampleClamps();
    void exportsEveryView();
    void screenshots();
};

void TestUiViews::numberLineTicksAreTheGrid()
{
    const auto t = normalTensor(1000);
    QuantConfig c;
    c.bits = 3;
    const auto r = quantized(*t, c);
    NumberLineView view;
    view.setAnalysis(t, r);
    QChart* chart = view.chart();
    QVERIFY(chart);
    auto* grid = findSeries(chart, QStringLiteral("grid"));
    QVERIFY(grid);
    const std::vector<double> expected = quantizationGrid(r->params, 0);
    QCOMPARE(expected.size(), size_t(8));
    const QList<QPointF> pts = grid->points();
    QCOMPARE(pts.size(), qsizetype(3 * expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(pts[qsizetype(3 * i)].x(), expected[i]);
        QCOMPARE(pts[qsizetype(3 * i + 1)].x(), expected[i]);
    }
    // Every code is labelled at its value on the bottom axis.
    QCategoryAxis* codes = nullptr;
    for (QAbstractAxis* a : chart->axes(Qt::Horizontal))
        if (auto* ca = qobject_cast<QCategoryAxis*>(a))
            codes = ca;
    QVERIFY(codes);
    QCOMPARE(codes->categoriesLabels(), QStringList({"0", "1", "2", "3", "4", "5", "6", "7"}));
    for (int q = 0; q < 8; ++q)
        QCOMPARE(codes->endValue(QString::number(q)), expected[size_t(q)]);
    // Twelve samples, each arrow ends at the value of the sample's code.
    QCOMPARE(view.data().samples.size(), size_t(12));
    for (size_t i = 0; i < view.data().samples.size(); ++i) {
        const NumberLineSample& s = view.data().samples[i];
        QCOMPARE(s.code, int64_t(r->codes[size_t(s.index)]));
        QCOMPARE(s.xhat, expected[size_t(s.code)]);
        auto* arrow = findSeries(chart, QStringLiteral("arrow%1").arg(i));
        QVERIFY(arrow);
        QCOMPARE(arrow->at(0).x(), s.x);
        QCOMPARE(arrow->at(1).x(), s.xhat);
    }
    // The samples include the extremes of the data.
    QCOMPARE(view.data().samples.front().x, r->params.dataMin[0]);
    QCOMPARE(view.data().samples.back().x, r->params.dataMax[0]);
    auto* clipLow = findSeries(chart, QStringLiteral("clipLow"));
    QVERIFY(clipLow);
    QCOMPARE(clipLow->at(0).x(), r->params.rangeMin[0]);
}

void TestUiViews::numberLineTruncation()
{
    const auto t = uniform10();
    const auto r = quantized(*t, truncationConfig());
    NumberLineView view;
    view.setAnalysis(t, r);
    QVERIFY(view.chart());
    // All ten values, with the notebook's truncated codes.
    const std::vector<int64_t> notebook{0, 11, 16, 79, 81, 191, 193, 219, 253, 254};
    QCOMPARE(view.data().samples.size(), size_t(10));
    for (size_t i = 0; i < 10; ++i) {
        QCOMPARE(view.data().samples[i].index, int64_t(i));
        QCOMPARE(view.data().samples[i].code, notebook[i]);
    }
    // Once laid out, no two sample labels overlap (0.03048, 0.244 and 0.3409 lie within a few
    // pixels of each other and take three rows).
    view.resize(480, 420); // as narrow as in the window beside the panels
    (void)view.grab();
    QList<QRectF> boxes;
    for (QGraphicsItem* item : view.chart()->childItems())
        if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            boxes.push_back(text->sceneBoundingRect());
    QCOMPARE(boxes.size(), 20); // a value and a code label per sample
    for (qsizetype i = 0; i < boxes.size(); ++i)
        for (qsizetype j = i + 1; j < boxes.size(); ++j)
            QVERIFY2(!boxes[i].intersects(boxes[j]),
                     qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i).arg(j)));
    // 256 codes are drawn as a band with every k-th code ticked, not 256 lines.
    QVERIFY(findSeries<QAbstractSeries>(view.chart(), QStringLiteral("gridBand")));
    QVERIFY(!findSeries(view.chart(), QStringLiteral("grid")));
    auto* ticks = findSeries(view.chart(), QStringLiteral("gridTicks"));
    QVERIFY(ticks);
    QVERIFY(ticks->count() / 3 <= 40);
}

void TestUiViews::numberLineFloatScheme()
{
    const auto t = normalTensor(100);
    QuantConfig c;
    c.scheme = Scheme::FP16;
    NumberLineView view;
    view.setAnalysis(t, quantized(*t, c));
    QVERIFY(!view.chart());
    QVERIFY(view.exportCharts().isEmpty());
    QVERIFY_THROWS_EXCEPTION(Error, prepareNumberLine(*t, quantize(*t, c)));
}

void TestUiViews::sweepMatchesCore()
{
    const auto t = normalTensor(4096, 3);
    QuantConfig c;
    c.bits = 4;
    SweepView view;
    view.setAnalysis(t, quantized(*t, c));
    QVERIFY(view.isComputing());
    QVERIFY(view.statusText().contains(QStringLiteral("computing")));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QVERIFY(view.sweep());
    auto* minmax = findSeries(view.sqnrChart(), QStringLiteral("minmax"));
    auto* mse = findSeries(view.mseChart(), QStringLiteral("minmax"));
    QVERIFY(minmax && mse);
    QCOMPARE(minmax->count(), 16);
    for (int bits : {2, 5, 8, 12}) {
        QuantConfig cb = c;
        cb.bits = bits;
        const QuantResult direct = quantize(*t, cb);
        QCOMPARE(minmax->at(bits - 1).x(), double(bits));
        QCOMPARE(minmax->at(bits - 1).y(), direct.metrics.sqnrDb);
        QCOMPARE(mse->at(bits - 1).y(), direct.metrics.mse);
    }
    // The reference line rises 6.02 dB per bit through the min-max point at 8 bits.
    auto* ref = findSeries(view.sqnrChart(), QStringLiteral("reference"));
    QVERIFY(ref);
    QCOMPARE(ref->count(), 16);
    QVERIFY(std::abs(ref->at(7).y() - minmax->at(7).y()) < 1e-9);
    QVERIFY(std::abs(ref->at(9).y() - ref->at(8).y() - kDbPerBit) < 1e-9);
    for (const char* m : {"percentile", "mse", "entropy"})
        QVERIFY2(findSeries(view.sqnrChart(), QLatin1String(m)), m);
}

void TestUiViews::sweepFloatScheme()
{
    const auto t = normalTensor(100);
    QuantConfig c;
    c.scheme = Scheme::BF16;
    SweepView view;
    QSignalSpy spy(&view, &AnalysisView::viewUpdated);
    view.setAnalysis(t, quantized(*t, c));
    QCOMPARE(spy.count(), 1);
    QVERIFY(!view.isComputing());
    QVERIFY(!view.sweep());
    QVERIFY(view.statusText().contains(QStringLiteral("integer scheme")));
    QVERIFY(view.statusText().contains(QString::fromStdString(toName(Scheme::BF16))));
    ClippingView clipping;
    clipping.setAnalysis(t, quantized(*t, c));
    QVERIFY(!clipping.isComputing());
    QVERIFY(clipping.statusText().contains(QStringLiteral("does not clip")));
    QVERIFY(clipping.statusText().contains(QString::fromStdString(toName(Scheme::BF16))));
    view.setAnalysis(nullptr, nullptr); // no result: nothing left of the last one
    QCOMPARE(view.statusText(), QStringLiteral("No result yet."));
    QCOMPARE(spy.count(), 2);
}

void TestUiViews::clippingMatchesCore()
{
    const auto t = normalTensor(5000, 11);
    QuantConfig c;
    c.bits = 4;
    c.scheme = Scheme::Symmetric;
    ClippingView view;
    view.setAnalysis(t, quantized(*t, c));
    // A second request cancels the first; only the newer one is shown.
    c.bits = 3;
    view.setAnalysis(t, quantized(*t, c));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QVERIFY(view.curve());
    const ClippingCurve direct = clippingCurve(*t, c);
    auto* total = findSeries(view.chart(), QStringLiteral("total"));
    auto* rounding = findSeries(view.chart(), QStringLiteral("rounding"));
    QVERIFY(total && rounding);
    QCOMPARE(qsizetype(direct.points.size()), total->count());
    for (size_t k : {size_t(10), size_t(75), direct.points.size() - 1}) {
        const ClippingPoint& p = direct.points[k];
        QCOMPARE(total->at(qsizetype(k)).x(), p.position);
        QCOMPARE(total->at(qsizetype(k)).y(), p.mse);
        const ClippingPoint single = clippingPointFor(*t, c, p.lo, p.hi);
        QCOMPARE(total->at(qsizetype(k)).y(), single.mse);
    }
    // The last threshold is amax = max|x|: clipping error 0, total = rounding error.
    QCOMPARE(direct.points.back().clippingMse, 0.0);
    QCOMPARE(rounding->at(rounding->count() - 1).y(), direct.points.back().mse);
    for (const ClippingMarker& m : direct.markers) {
        auto* line = findSeries(view.chart(), QStringLiteral("marker-") +
                                                  QString::fromStdString(toName(m.method)));
        QVERIFY(line);
        QCOMPARE(line->at(0).x(), m.point.position);
        QVERIFY(line->name().contains(QString::fromStdString(m.label)));
    }
    QCOMPARE(direct.markers.size(), size_t(4));
}

void TestUiViews::compareDeltas()
{
    const auto t = normalTensor(3000, 5);
    QuantConfig a;
    a.bits = 8;
    QuantConfig b = a;
    b.bits = 4;
    b.scheme = Scheme::Symmetric;
    CompareView view;
    view.setAnalysis(t, quantized(*t, a));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    view.pinCurrent();
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    view.setAnalysis(t, quantized(*t, b));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QVERIFY(view.comparison());
    QCOMPARE(view.pins().size(), size_t(1));
    QCOMPARE(view.pins()[0].label, QStringLiteral("A"));
    QTableWidget* table = view.table();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("A"));
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("current"));
    const Metrics ma = quantize(*t, a).metrics;
    const Metrics mb = quantize(*t, b).metrics;
    // Columns: pin, configuration, MSE, RMSE, MAE, max |error|, SQNR, clipped %, levels, bits.
    QCOMPARE(table->item(0, 2)->data(Qt::UserRole).toDouble(), ma.mse);
    QCOMPARE(table->item(1, 2)->data(Qt::UserRole).toDouble(), mb.mse);
    QCOMPARE(table->item(1, 2)->data(Qt::UserRole + 1).toDouble(), mb.mse - ma.mse);
    QCOMPARE(table->item(1, 6)->data(Qt::UserRole + 1).toDouble(), mb.sqnrDb - ma.sqnrDb);
    QCOMPARE(table->item(1, 8)->data(Qt::UserRole + 1).toDouble(),
             double(mb.levelsUsed - ma.levelsUsed));
    QCOMPARE(table->item(0, 2)->data(Qt::UserRole + 1).toDouble(), 0.0);
    QVERIFY(table->item(1, 2)->text().contains(QStringLiteral("\u0394")));
    // Overlays: one dequantized series per entry plus the original; one error histogram each.
    QVERIFY(findSeries(view.valuesChart(), QStringLiteral("original")));
    QVERIFY(findSeries(view.valuesChart(), QStringLiteral("config0")));
    QVERIFY(findSeries(view.valuesChart(), QStringLiteral("config1")));
    QVERIFY(findSeries(view.errorChart(), QStringLiteral("config1")));
    // Apply asks the window for the pinned configuration.
    QSignalSpy spy(&view, &AnalysisView::configRequested);
    view.applyPin(0);
    QCOMPARE(spy.count(), 1);
    const auto cfg = spy.at(0).at(0).value<QuantConfig>();
    QCOMPARE(cfg.bits, 8);
    QCOMPARE(cfg.scheme, Scheme::Asymmetric);
    view.applyPin(5); // no such pin: nothing
    QCOMPARE(spy.count(), 1);
    view.pinCurrent();
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QCOMPARE(view.pins()[1].label, QStringLiteral("B"));
    view.removePin(0);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("B"));
    view.clearPins();
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QCOMPARE(table->rowCount(), 1);
}

void TestUiViews::compareOtherTensorFlagged()
{
    const auto t1 = normalTensor(2000, 1);
    const auto t2 = normalTensor(2000, 2);
    QuantConfig c;
    CompareView view;
    view.setAnalysis(t1, quantized(*t1, c));
    view.pinCurrent();
    view.setAnalysis(t2, quantized(*t2, c));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QVERIFY(view.comparison());
    QVERIFY(view.table()->item(0, 0)->text().contains(QStringLiteral("\u26a0")));
    QVERIFY(!view.table()->item(1, 0)->text().contains(QStringLiteral("\u26a0")));
    // The pin is re-quantized on the current tensor: same config, same numbers.
    QCOMPARE(view.table()->item(1, 2)->data(Qt::UserRole + 1).toDouble(), 0.0);
    QCOMPARE(view.comparison()->values[0][0], quantize(*t2, c).metrics.mse);
}

// A preset pinned by name (the window's --pin) is quantized on the current tensor like any pin;
// an unknown preset is refused before the window opens.
void TestUiViews::comparePinsPresets()
{
    const auto t = normalTensor(4096, 7);
    QuantConfig current;
    current.bits = 4;
    CompareView view;
    view.setAnalysis(t, quantized(*t, current));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    const QuantConfig q4 = presetByName("ggml-q4_0").config;
    view.pinConfig(q4);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QVERIFY(view.comparison());
    QCOMPARE(view.pins().size(), size_t(1));
    QVERIFY(view.pins()[0].config == q4);
    QCOMPARE(view.table()->rowCount(), 2);
    QCOMPARE(view.comparison()->values[0][0], quantize(*t, q4).metrics.mse);
    QCOMPARE(view.comparison()->values[1][0], quantize(*t, current).metrics.mse);

    qs::ui::AppOptions o;
    QString error;
    QVERIFY(qs::ui::parseAppOptions({"quantscope", "--pin", "ggml-q4_0,bnb-nf4"}, o, &error));
    QCOMPARE(o.pins, QStringLiteral("ggml-q4_0,bnb-nf4"));
    qs::ui::AppOptions bad;
    QVERIFY(!qs::ui::parseAppOptions({"quantscope", "--pin", "ggml-q4_0,nope"}, bad, &error));
    QVERIFY2(error.contains(QStringLiteral("unknown preset 'nope'")), qPrintable(error));
}

void TestUiViews::workedExampleText()
{
    const auto t = uniform10();
    const auto r = quantized(*t, truncationConfig());
    WorkedExampleView view;
    view.setAnalysis(t, r);
    view.showElement(3);
    QCOMPARE(view.currentIndex(), int64_t(3));
    const WorkedExample w = workedExample(*t, *r, 3);
    QCOMPARE(w.code, int64_t(79)); // the notebook's truncated code
    const QString text = view.plainText();
    QVERIFY2(text.contains(QStringLiteral("79")), qPrintable(text));
    QVERIFY2(text.contains(QString::asprintf("%.9g", w.xhat)), qPrintable(text));
    QVERIFY2(text.contains(QString::asprintf("%.9g", w.scale)), qPrintable(text));
    QVERIFY(view.html().contains(QStringLiteral("<table")));
    view.showElement(9);
    QVERIFY(view.plainText().contains(QStringLiteral("254")));
}

void TestUiViews::workedExampleClamps()
{
    const auto t = uniform10();
    WorkedExampleView view;
    view.showElement(4); // no result yet: no crash
    view.setAnalysis(t, quantized(*t, truncationConfig()));
    view.showElement(1000);
    QCOMPARE(view.currentIndex(), int64_t(9));
    view.showElement(-5);
    QCOMPARE(view.currentIndex(), int64_t(0));
}

void TestUiViews::exportsEveryView()
{
    const auto t = normalTensor(20000, 9);
    QuantConfig c;
    c.bits = 4;
    const auto r = quantized(*t, c);
    NumberLineView numberLine;
    SweepView sweep;
    ClippingView clipping;
    CompareView compare;
    WorkedExampleView worked;
    for (AnalysisView* v :
         std::initializer_list<AnalysisView*>{&numberLine, &sweep, &clipping, &compare, &worked})
        v->setAnalysis(t, r);
    QTRY_VERIFY_WITH_TIMEOUT(
        !sweep.isComputing() && !clipping.isComputing() && !compare.isComputing(), 30000);
    compare.pinCurrent();
    QuantConfig c2 = c;
    c2.range = RangeMethod::MSE;
    compare.setAnalysis(t, quantized(*t, c2));
    QTRY_VERIFY_WITH_TIMEOUT(!compare.isComputing(), 30000);
    worked.showElement(17);
    for (AnalysisView* v :
         std::initializer_list<AnalysisView*>{&numberLine, &sweep, &clipping, &compare, &worked}) {
        checkExports(*v, QStringLiteral("view-") + v->viewName());
        if (QTest::currentTestFailed())
            return;
        v->setPresentationMode(true);
        checkExports(*v, QStringLiteral("view-presentation-") + v->viewName());
        if (QTest::currentTestFailed())
            return;
    }
    QCOMPARE(sweep.exportCharts().size(), 2);
    QVERIFY(worked.exportCharts().isEmpty());
}

// With QS_VIEWS_DIR set, renders each view on the truncation notebook's data and on a 1M normal
// tensor at 4 bits into that folder (for the README and for looking at them); skipped otherwise.
void TestUiViews::screenshots()
{
    const QString dir = qEnvironmentVariable("QS_VIEWS_DIR");
    if (dir.isEmpty())
        QSKIP("set QS_VIEWS_DIR to render the views' screenshots");
    QDir().mkpath(dir);
    struct Case {
        QString name;
        std::shared_ptr<const Tensor> t;
        QuantConfig c;
    };
    QuantConfig four;
    four.bits = 4;
    QuantConfig eight;
    QuantConfig sym3;
    sym3.bits = 3;
    sym3.scheme = Scheme::Symmetric;
    const auto big = normalTensor(1 << 20, 1);
    const std::vector<Case> cases{{"uniform-10", uniform10(), truncationConfig()},
                                  {"normal1m-4bit", big, four},
                                  {"normal1m-8bit", big, eight},
                                  {"normal1m-sym3", big, sym3}};
    for (const Case& k : cases) {
        const auto r = quantized(*k.t, k.c);
        NumberLineView numberLine;
        SweepView sweep;
        ClippingView clipping;
        CompareView compare;
        WorkedExampleView worked;
        const QList<AnalysisView*> views{&numberLine, &sweep, &clipping, &compare, &worked};
        for (AnalysisView* v : views)
            v->setAnalysis(k.t, r);
        QTRY_VERIFY_WITH_TIMEOUT(
            !sweep.isComputing() && !clipping.isComputing() && !compare.isComputing(), 120000);
        compare.pinCurrent();
        QuantConfig other = k.c;
        other.range = RangeMethod::MSE;
        other.rounding = Rounding::HalfEven;
        compare.setAnalysis(k.t, quantized(*k.t, other));
        QTRY_VERIFY_WITH_TIMEOUT(!compare.isComputing(), 120000);
        worked.showElement(3);
        for (bool presentation : {false, true}) {
            for (AnalysisView* v : views) {
                v->setPresentationMode(presentation);
                ExportOptions opt;
                opt.size = QSize(1200, 750);
                QString error;
                const QString base =
                    QStringLiteral("%1/%2-%3%4")
                        .arg(dir, k.name, v->viewName(),
                             presentation ? QStringLiteral("-presentation") : QString());
                const QList<QChart*> charts = v->exportCharts();
                if (charts.isEmpty()) {
                    QVERIFY2(
                        exportWidget(v->exportWidget(), base + QStringLiteral(".png"), opt, &error),
                        qPrintable(error));
                }
                for (int i = 0; i < charts.size(); ++i)
                    QVERIFY2(exportChart(charts[i],
                                         base + (i ? QStringLiteral("-%1.png").arg(i)
                                                   : QStringLiteral(".png")),
                                         opt, &error),
                             qPrintable(error));
                opt.size = QSize(1400, 900);
                QVERIFY2(exportWidget(v, base + QStringLiteral("-widget.png"), opt, &error),
                         qPrintable(error));
            }
            if (k.name != QLatin1String("uniform-10"))
                break;
        }
    }
}

QTEST_MAIN(TestUiViews)
#include "tst_ui_views.moc"
