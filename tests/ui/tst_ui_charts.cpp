// Chart builders and exporters, headless: every chart kind builds for a large and a tiny tensor,
// series hold what the core computed (downsampled values, histogram counts, the quantization
// grid), no series is long, and exports give valid PNG, SVG and PDF files.
// Set QS_CHART_DUMP_DIR to also write a PNG of every chart there for visual review.
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "core/stats/downsample.h"
#include "core/stats/histogram.h"
#include "core/teach/builtins.h"
#include "tests/support/ui_test_support.h"
#include "ui/charts/axis_ticks.h"
#include "ui/charts/charts.h"
#include "ui/support/chart_export.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPalette>
#include <QRegularExpression>
#include <QSet>
#include <QValueAxis>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>
#include <limits>
#include <memory>
#include <thread>

using namespace qs;
using namespace qs::ui;
using qs::test::tmpPath;

namespace {

// The truncation notebook's ten values in [0, 5).
const std::vector<float> kUniform10 = builtinDataset("uniform-10").data;

struct Case {
    Tensor tensor;
    QuantResult result;
};

Case makeCase(Tensor t, const QuantConfig& cfg)
{
    Case c;
    c.tensor = std::move(t);
    c.result = quantize(c.tensor, cfg);
    return c;
}

QAbstractSeries* seriesNamed(QChart* chart, const QString& id)
{
    const auto all = chart->series();
    for (QAbstractSeries* s : all)
        if (s->objectName() == id)
            return s;
    return nullptr;
}

QList<QPointF> pointsOf(QAbstractSeries* s)
{
    if (auto* area = qobject_cast<QAreaSeries*>(s))
        return area->upperSeries()->points();
    if (auto* xy = qobject_cast<QXYSeries*>(s))
        return xy->points();
    return {};
}

// Sum of the bin counts of a stepped histogram outline: (lo,0), (l0,c0), (r0,c0), ..., (hi,0).
double steppedTotal(const QList<QPointF>& pts)
{
    double total = 0;
    for (qsizetype i = 1; i + 1 < pts.size(); i += 2)
        total += pts[i].y();
    return total;
}

// x positions of vertical lines drawn as (x, 0), (x, top), (x, 0) triples.
std::vector<double> lineXs(const QList<QPointF>& pts)
{
    std::vector<double> xs;
    for (qsizetype i = 0; i + 2 < pts.size(); i += 3) {
        if (pts[i].x() != pts[i + 1].x() || pts[i].x() != pts[i + 2].x())
            return {}; // not a set of vertical lines
        xs.push_back(pts[i].x());
    }
    return xs;
}

// x of a single vertical line series (two points with the same x), NaN otherwise.
double lineX(QAbstractSeries* s)
{
    const auto pts = pointsOf(s);
    if (pts.size() != 2 || pts[0].x() != pts[1].x())
        return std::nan("");
    return pts[0].x();
}

QStringList axisTitles(QChart* chart)
{
    QStringList titles;
    const auto axes = chart->axes();
    for (QAbstractAxis* a : axes)
        titles << a->titleText();
    return titles;
}

// Different colours on a grid of every third pixel.
int distinctColours(const QImage& img)
{
    return test::distinctColours(img, 3);
}

} // namespace

class TestUiCharts : public QObject {
    Q_OBJECT

private:
    Case m_big;     // 1M normal values, 8-bit asymmetric
    Case m_tiny;    // uniform-10, 8-bit asymmetric
    Case m_channel; // 64 x 512, per-channel symmetric
    Case m_three;   // 4096 values, 3-bit asymmetric
    Case m_fp16;    // 4096 values, fp16
    Case m_odd;     // NaN and +-Inf among the values
    Case m_const;   // every value the same
    ChartStyle m_style;

    ChartInput inputFor(const Case& c) const
    {
        ChartInput in;
        in.tensor = &c.tensor;
        in.result = &c.result;
        return in;
    }
    // The case a data row names; any other name gives the 3-bit case.
    const Case& caseNamed(const QString& name) const
    {
        const std::pair<const char*, const Case*> cases[] = {
            {"big", &m_big},   {"tiny", &m_tiny}, {"channel", &m_channel},
            {"fp16", &m_fp16}, {"odd", &m_odd},   {"const", &m_const}};
        for (const auto& [caseName, c] : cases)
            if (name == QLatin1String(caseName))
                return *c;
        return m_three;
    }

private slots:
    void initTestCase();

    void kindNames();
    void styleFollowsPalette();
    void niceTickSteps_data();
    void niceTickSteps();
    void niceTickRanges();

    void noNegativeZeroLabels();
    void compactLabels_data();
    void compactLabels();
    void compactTicksDiffer();
    void everyKindBuilds_data();
    void everyKindBuilds();
    void valuesMatchCoreDownsampling();
    void valuesWindow();
    void valuesLayersOnBigTensor();
    void errorBandIsBucketError();
    void tinyValuesHaveMarkers();
    void codesSeries();
    void histogramTotals();
    void nonFiniteValues();
    void gridAtThreeBits();
    void denseGridIsABand();
    void errorHistogram();
    void channelsPerSlice();
    void channelsManySlicesAreMerged();
    void preparedOffThread();
    void badInput();

    void exportPng();
    void exportSvgKeepsText();
    void exportPdfPages();
    void exportErrors();
    void renderLeavesChartUsable();

    void dumpForReview();
};

void TestUiCharts::initTestCase()
{
    GeneratorOptions g;
    g.distribution = Distribution::Normal;
    g.shape = {1024, 1024};
    g.seed = 7;
    QuantConfig cfg; // 8-bit asymmetric min-max per tensor
    m_big = makeCase(generate(g), cfg);

    m_tiny = makeCase(builtinDataset("uniform-10"), cfg);

    g.shape = {64, 512};
    g.distribution = Distribution::Laplace;
    QuantConfig pc;
    pc.scheme = Scheme::Symmetric;
    pc.granularity = Granularity::PerChannel;
    pc.axis = 0;
    Tensor ct = generate(g);
    // Give the channels visibly different ranges.
    for (int64_t c = 0; c < 64; ++c)
        for (int64_t i = 0; i < 512; ++i)
            ct.data[static_cast<size_t>(c * 512 + i)] *= 0.2f + 0.05f * float(c);
    m_channel = makeCase(ct, pc);

    g.shape = {4096};
    g.distribution = Distribution::Uniform;
    QuantConfig three;
    three.bits = 3;
    m_three = makeCase(generate(g), three);

    QuantConfig half;
    half.scheme = Scheme::FP16;
    m_fp16 = makeCase(generate(g), half);

    const float inf = std::numeric_limits<float>::infinity();
    m_odd = makeCase(Tensor("odd", {8}, {0.5f, std::nanf(""), inf, -inf, -1.0f, 2.0f, 0.0f, 1.5f}),
                     cfg);
    m_const = makeCase(Tensor("const", {100}, std::vector<float>(100, 3.0f)), cfg);
}

void TestUiCharts::kindNames()
{
    const auto kinds = allChartKinds();
    QCOMPARE(kinds.size(), 6);
    for (ChartKind k : kinds) {
        QCOMPARE(chartKindFromName(chartKindName(k)), k);
        QVERIFY(!chartKindTitle(k).isEmpty());
    }
    QCOMPARE(chartKindName(ChartKind::ErrorHistogram), QStringLiteral("error-histogram"));
    try {
        chartKindFromName(QStringLiteral("pie"));
        QFAIL("no error for an unknown chart name");
    } catch (const Error& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains("pie") && msg.contains("error-histogram"), e.what());
    }
}

void TestUiCharts::styleFollowsPalette()
{
    // Okabe-Ito colours.
    ChartStyle light;
    QCOMPARE(light.original(), QColor("#0072B2"));
    QCOMPARE(light.dequantized(), QColor("#E69F00"));
    QCOMPARE(light.error(), QColor("#D55E00"));
    QCOMPARE(light.grid(), QColor("#009E73"));
    QCOMPARE(light.clip(), QColor("#CC79A7"));
    const QPalette saved = QGuiApplication::palette();
    QPalette dark = saved;
    dark.setColor(QPalette::Window, QColor(30, 30, 30));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    QGuiApplication::setPalette(dark);
    const ChartStyle fromDark = ChartStyle::fromPalette();
    QPalette bright = saved;
    bright.setColor(QPalette::Window, QColor(240, 240, 240));
    QGuiApplication::setPalette(bright);
    const ChartStyle fromLight = ChartStyle::fromPalette();
    QGuiApplication::setPalette(saved);
    QVERIFY(fromDark.dark);
    QVERIFY(!fromLight.dark);
    // Dark charts: dark background, light text, the blue brightened to sky blue.
    QVERIFY(fromDark.background().lightness() < 60);
    QVERIFY(fromDark.text().lightness() > 200);
    QCOMPARE(fromDark.original(), QColor("#56B4E9"));
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, inputFor(m_tiny), fromDark));
    QCOMPARE(chart->backgroundBrush().color(), fromDark.background());
}

void TestUiCharts::niceTickSteps_data()
{
    QTest::addColumn<double>("rough");
    QTest::addColumn<double>("step");
    QTest::newRow("0.13") << 0.13 << 0.2;
    QTest::newRow("1") << 1.0 << 1.0;
    QTest::newRow("2") << 2.0 << 2.0;
    QTest::newRow("2.01") << 2.01 << 5.0;
    QTest::newRow("7") << 7.0 << 10.0;
    QTest::newRow("4.5e-5") << 4.5e-5 << 5e-5;
    QTest::newRow("1.1e6") << 1.1e6 << 2e6;
    QTest::newRow("nan") << std::nan("") << 1.0;
    QTest::newRow("negative") << -3.0 << 1.0;
}

void TestUiCharts::niceTickSteps()
{
    QFETCH(double, rough);
    QFETCH(double, step);
    QCOMPARE(niceStep(rough), step);
}

void TestUiCharts::niceTickRanges()
{
    // Loose: [0.3, 9.7] with at most 6 ticks -> step 2 on [0, 10]: 0 2 4 6 8 10.
    NiceTicks t = niceTicks(0.3, 9.7, 6);
    QCOMPARE(t.step, 2.0);
    QCOMPARE(t.lo, 0.0);
    QCOMPARE(t.hi, 10.0);
    QCOMPARE(t.count, 6);
    QCOMPARE(t.labelFormat, QStringLiteral("%.0f"));

    // Tight keeps the range, ticks inside it.
    t = niceTicks(-0.37, 0.91, 8, true);
    QCOMPARE(t.lo, -0.37);
    QCOMPARE(t.hi, 0.91);
    QCOMPARE(t.step, 0.2);
    QCOMPARE(t.first, -0.2);
    QCOMPARE(t.count, 6); // -0.2 0 0.2 0.4 0.6 0.8
    QCOMPARE(t.labelFormat, QStringLiteral("%.1f"));

    // Integer steps never go below 1: indices 0..9.
    t = niceTicks(-0.5, 9.5, 20, true, true);
    QCOMPARE(t.step, 1.0);
    QCOMPARE(t.count, 10);

    // Never more ticks than asked, for many spans.
    for (double span : {1e-9, 0.003, 1.0, 7.7, 123.0, 1e6, 3e9}) {
        for (int maxTicks : {3, 5, 8, 11}) {
            const NiceTicks a = niceTicks(-span * 0.3, span, maxTicks);
            QVERIFY2(a.count <= maxTicks && a.count >= 2,
                     qPrintable(QStringLiteral("span %1 max %2 count %3")
                                    .arg(span)
                                    .arg(maxTicks)
                                    .arg(a.count)));
            QVERIFY(a.lo <= -span * 0.3 && a.hi >= span);
        }
    }

    // Degenerate and bad ranges still give a usable axis.
    t = niceTicks(5, 5, 6);
    QVERIFY(t.lo < 5 && t.hi > 5 && t.count >= 2);
    t = niceTicks(0, 0, 6);
    QVERIFY(t.lo < 0 && t.hi > 0);
    t = niceTicks(std::nan(""), 1, 6);
    QCOMPARE(t.lo, 0.0);
    QCOMPARE(t.hi, 1.0);
    t = niceTicks(10, -10, 6);
    QVERIFY(t.lo <= -10 && t.hi >= 10);

    // Large values switch to exponent notation; tiny steps get enough decimals.
    QCOMPARE(tickLabelFormat(2e6, 1.6e7), QStringLiteral("%.1e"));
    QCOMPARE(tickLabelFormat(0.05, 1.0), QStringLiteral("%.2f"));
    QCOMPARE(tickLabelFormat(2e-8, 1e-7), QStringLiteral("%.8f"));

    // Applied to an axis: dynamic ticks anchored on a multiple of the step.
    QValueAxis axis;
    t = applyNiceTicks(&axis, -0.37, 0.91, 8);
    QCOMPARE(axis.tickType(), QValueAxis::TicksDynamic);
    QCOMPARE(axis.tickInterval(), 0.2);
    QVERIFY(std::abs(axis.tickAnchor() - -0.4) < 1e-8);
    QCOMPARE(axis.min(), -0.4);
    QVERIFY(axis.max() >= 1.0 && axis.max() < 1.0 + 1e-6);
}

void TestUiCharts::noNegativeZeroLabels()
{
    // Qt Charts (6.4) labels dynamic ticks by starting at
    // anchor - floor((anchor - min) / interval) * interval and adding the interval while the value
    // is <= max. Replaying that for many ranges: no label reads "-0", "-0.0", ...
    for (double lo : {-0.36, -0.3, -1.7, -0.0123, -3e-7, -12.5, -0.6, -0.03}) {
        for (double hi : {0.36, 0.7, 2.2, 0.5, 1e-6}) {
            for (bool tight : {false, true}) {
                QValueAxis axis;
                applyNiceTicks(&axis, lo, hi, 8, tight);
                const double interval = axis.tickInterval(), anchor = axis.tickAnchor();
                const double first =
                    anchor - std::floor((anchor - axis.min()) / interval) * interval;
                int labels = 0;
                for (double v = first; v <= axis.max(); v += interval, ++labels) {
                    const QString label =
                        QString::asprintf(axis.labelFormat().toLatin1().constData(), v);
                    QVERIFY2(!QRegularExpression("^-0(\\.0*)?$").match(label).hasMatch(),
                             qPrintable(QStringLiteral("[%1, %2]: %3").arg(lo).arg(hi).arg(label)));
                }
                QVERIFY(labels >= 2 && labels <= 8);
            }
        }
    }
}

void TestUiCharts::compactLabels_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("step");
    QTest::addColumn<QString>("label");
    const struct {
        const char* name;
        double value, step;
        const char* label;
    } rows[] = {
        // SI suffixes from 1000, with the digits the step needs.
        {"1M", 1e6, 2e5, "1M"},
        {"1.2M", 1.2e6, 2e5, "1.2M"},
        {"2.5k", 2500.0, 500.0, "2.5k"},
        {"500 among k", 500.0, 500.0, "500"},
        {"-1.5G", -1.5e9, 5e8, "-1.5G"},
        {"4T", 4e12, 1e12, "4T"},
        // A step too fine for a suffix: the digits; beyond the suffixes: an exponent.
        {"fine step: digits", 1000020.0, 20.0, "1000020"},
        {"huge", 3e16, 1e16, "3e16"},
        // Below 1: the shorter of fixed and exponent form, ties to fixed.
        {"0.001", 0.001, 0.001, "1e-3"},
        {"0.0015: a tie", 0.0015, 0.0005, "0.0015"},
        {"0.0005", 0.0005, 0.0005, "5e-4"},
        {"1e-4", 1e-4, 1e-4, "1e-4"},
        {"-2.5e-4", -2.5e-4, 5e-5, "-2.5e-4"},
        // ... where the fixed form is as short or shorter.
        {"0.05", 0.05, 0.05, "0.05"},
        {"0.15", 0.15, 0.05, "0.15"},
        {"0.4985", 0.4985, 0.0005, "0.4985"},
        {"0.2 of 0.2", 0.2, 0.2, "0.2"},
        // From 1 to 1000: fixed, with the step's decimals.
        {"fixed", 2.5, 0.5, "2.5"},
        {"fixed keeps decimals", 3.0, 0.5, "3.0"},
        {"integer", 250.0, 50.0, "250"},
        // Zero and rounding residues of zero.
        {"0", 0.0, 0.1, "0"},
        {"-0", -0.0, 0.1, "0"},
        {"residue", -5.6e-17, 0.2, "0"},
        // 9.99.. rounds up to the next power.
        {"round up", 9.9996e-4, 1e-7, "1e-3"},
    };
    for (const auto& r : rows)
        QTest::newRow(r.name) << r.value << r.step << QString::fromLatin1(r.label);
}

void TestUiCharts::compactLabels()
{
    QFETCH(double, value);
    QFETCH(double, step);
    QFETCH(QString, label);
    QCOMPARE(compactNumber(value, step), label);
}

// The compact labels of nice ticks are distinct, for many ranges and tick counts.
void TestUiCharts::compactTicksDiffer()
{
    for (double span : {1e-7, 0.003, 0.9, 7.7, 1234.0, 1048575.0, 3e9, 7e13}) {
        for (double offset : {0.0, -0.37, 1.0, 1000.0}) {
            for (int maxTicks : {2, 3, 5, 8, 11, 16}) {
                const double lo = offset * span, hi = lo + span;
                const QList<Tick> ticks = compactTicks(niceTicks(lo, hi, maxTicks, true));
                QSet<QString> labels;
                for (const Tick& t : ticks)
                    labels.insert(t.label);
                QVERIFY2(
                    labels.size() == ticks.size() && ticks.size() >= 1,
                    qPrintable(QStringLiteral("[%1, %2] max %3").arg(lo).arg(hi).arg(maxTicks)));
            }
        }
    }
    // The index axis of a million values: 0, 200k, ..., 1M.
    const QList<Tick> index = compactTicks(niceTicks(0, 1048575, 6, true, true));
    QStringList labels;
    for (const Tick& t : index)
        labels << t.label;
    QCOMPARE(labels, QStringList({"0", "200k", "400k", "600k", "800k", "1M"}));
    // Below 1 an axis keeps one form: fixed decimals where they are no wider than exponents,
    // exponents where they are narrower, never "-0.015" beside "-1e-2".
    const auto labelsOf = [](const NiceTicks& t) {
        QStringList l;
        for (const Tick& tick : compactTicks(t))
            l << tick.label;
        return l;
    };
    NiceTicks error;
    error.lo = -0.0184;
    error.hi = 0.0184;
    error.step = 0.005;
    error.first = -0.015;
    error.count = 7;
    QCOMPARE(labelsOf(error),
             QStringList({"-0.015", "-0.010", "-0.005", "0", "0.005", "0.010", "0.015"}));
    NiceTicks tiny = error;
    tiny.lo = 0;
    tiny.hi = 5.2e-4;
    tiny.step = 1e-4;
    tiny.first = 0;
    tiny.count = 6;
    QCOMPARE(labelsOf(tiny), QStringList({"0", "1e-4", "2e-4", "3e-4", "4e-4", "5e-4"}));
}

void TestUiCharts::everyKindBuilds_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("data");
    for (ChartKind k : allChartKinds())
        for (const char* d : {"big", "tiny", "channel", "fp16", "odd", "const"})
            QTest::addRow("%s-%s", qPrintable(chartKindName(k)), d) << int(k) << QString(d);
}

void TestUiCharts::everyKindBuilds()
{
    QFETCH(int, kind);
    QFETCH(QString, data);
    const Case& c = caseNamed(data);
    std::unique_ptr<QChart> chart(buildChart(ChartKind(kind), inputFor(c), m_style));
    QVERIFY(chart);
    QVERIFY(chart->title().startsWith(chartKindTitle(ChartKind(kind))));
    QVERIFY(!chart->series().isEmpty());
    for (QAbstractSeries* s : chart->series()) {
        const auto pts = pointsOf(s);
        QVERIFY2(pts.size() <= 3000,
                 qPrintable(s->objectName() + ": " + QString::number(pts.size()) + " points"));
        QVERIFY2(!pts.isEmpty(), qPrintable(s->objectName()));
        QCOMPARE(s->attachedAxes().size(), 2);
    }
    const QStringList titles = axisTitles(chart.get());
    QVERIFY(titles.size() >= 2);
    for (const QString& t : titles)
        QVERIFY(!t.isEmpty());
    // Every axis range is finite and non-empty.
    for (QAbstractAxis* a : chart->axes()) {
        auto* v = qobject_cast<QValueAxis*>(a);
        QVERIFY(v);
        QVERIFY(std::isfinite(v->min()) && std::isfinite(v->max()) && v->min() < v->max());
    }
}

void TestUiCharts::valuesMatchCoreDownsampling()
{
    ChartInput in = inputFor(m_big);
    in.maxPoints = 2000;
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, in, m_style));
    const auto orig = pointsOf(seriesNamed(chart.get(), "original"));
    const auto deq = pointsOf(seriesNamed(chart.get(), "dequantized"));
    const auto wantO = downsampleMinMax(m_big.tensor.data.data(), 0, m_big.tensor.numel(), 1000);
    const auto wantD =
        downsampleMinMax(m_big.result.dequantized.data(), 0, m_big.tensor.numel(), 1000);
    QCOMPARE(orig.size(), qsizetype(wantO.size()));
    QCOMPARE(deq.size(), qsizetype(wantD.size()));
    QVERIFY(orig.size() <= 2000 && orig.size() >= 1000);
    for (size_t i : {size_t(0), size_t(1), size_t(517), wantO.size() - 1}) {
        QCOMPARE(orig[qsizetype(i)].x(), wantO[i].x);
        QCOMPARE(orig[qsizetype(i)].y(), wantO[i].y);
        QCOMPARE(deq[qsizetype(i)].x(), wantD[i].x);
        QCOMPARE(deq[qsizetype(i)].y(), wantD[i].y);
    }
    // The extreme values of the tensor survive downsampling.
    double lo = 1e300, hi = -1e300;
    for (const QPointF& p : orig) {
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
    }
    QCOMPARE(lo, m_big.result.params.dataMin[0]);
    QCOMPARE(hi, m_big.result.params.dataMax[0]);
    QVERIFY(!qobject_cast<QLineSeries*>(seriesNamed(chart.get(), "original"))->pointsVisible());
}

void TestUiCharts::valuesWindow()
{
    ChartInput in = inputFor(m_big);
    in.viewBegin = 1000;
    in.viewEnd = 1040; // 40 values: shown whole, with markers
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, in, m_style));
    const auto orig = pointsOf(seriesNamed(chart.get(), "original"));
    QCOMPARE(orig.size(), qsizetype(40));
    for (int i = 0; i < 40; ++i) {
        QCOMPARE(orig[i].x(), 1000.0 + i);
        QCOMPARE(orig[i].y(), double(m_big.tensor.data[size_t(1000 + i)]));
    }
    auto* ax = qobject_cast<QValueAxis*>(chart->axes(Qt::Horizontal).value(0));
    QVERIFY(ax->min() < 1000 && ax->min() > 999);
    QVERIFY(ax->max() > 1039 && ax->max() < 1040);
}

// On 1M values the dequantized values are a translucent band under the original's outline,
// with the error band in the lower part of the plot on its own axis.
void TestUiCharts::valuesLayersOnBigTensor()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, inputFor(m_big), m_style));
    QStringList order;
    for (QAbstractSeries* s : chart->series())
        order << s->objectName();
    QCOMPARE(order, QStringList({"errorBand", "dequantizedBand", "dequantized", "original",
                                 "originalOutline"}));
    auto* band = qobject_cast<QAreaSeries*>(seriesNamed(chart.get(), "dequantizedBand"));
    auto* outline = qobject_cast<QAreaSeries*>(seriesNamed(chart.get(), "originalOutline"));
    auto* error = qobject_cast<QAreaSeries*>(seriesNamed(chart.get(), "errorBand"));
    auto* orig = qobject_cast<QLineSeries*>(seriesNamed(chart.get(), "original"));
    auto* deq = qobject_cast<QLineSeries*>(seriesNamed(chart.get(), "dequantized"));
    QVERIFY(band && outline && error && orig && deq);
    QCOMPARE(band->brush().color(), QColor(0xE6, 0x9F, 0x00, 110));
    QCOMPARE(band->pen().style(), Qt::NoPen);
    QCOMPARE(outline->brush().style(), Qt::NoBrush);
    QCOMPARE(outline->pen().color(), QColor(0x00, 0x72, 0xB2, 255));
    QCOMPARE(orig->pen().color(), QColor(0x00, 0x72, 0xB2, 50));
    QCOMPARE(deq->pen().color(), QColor(0xE6, 0x9F, 0x00, 60));
    QCOMPARE(error->brush().color(), QColor(0xD5, 0x5E, 0x00, 150));
    // The outline is the original's range per bucket: its edges hold the tensor's extremes.
    double top = -1e300, bottom = 1e300;
    for (const QPointF& p : outline->upperSeries()->points())
        top = std::max(top, p.y());
    for (const QPointF& p : outline->lowerSeries()->points())
        bottom = std::min(bottom, p.y());
    QCOMPARE(top, m_big.result.params.dataMax[0]);
    QCOMPARE(bottom, m_big.result.params.dataMin[0]);
    // The error band sits below the values: the top of its range is lower in the plot (as a
    // fraction of its axis) than the lowest value is on the value axis.
    auto* ay = qobject_cast<QValueAxis*>(orig->attachedAxes().value(1));
    auto* ae = qobject_cast<QValueAxis*>(error->attachedAxes().value(1));
    QVERIFY(ay && ae && ay != ae);
    QCOMPARE(chart->axes(Qt::Vertical).size(), 2);
    QCOMPARE(ae->titleText(), QStringLiteral("Error x \u2212 x\u0302"));
    double errTop = -1e300;
    for (const QPointF& p : error->upperSeries()->points())
        errTop = std::max(errTop, p.y());
    const double errFrac = (errTop - ae->min()) / (ae->max() - ae->min());
    const double valFrac = (bottom - ay->min()) / (ay->max() - ay->min());
    QVERIFY2(errFrac < valFrac, qPrintable(QString("%1 vs %2").arg(errFrac).arg(valFrac)));
    // Legend: one entry per layer a reader sees (band, outline, error).
    QChartView view(buildChart(ChartKind::Values, inputFor(m_big), m_style));
    view.resize(1280, 720);
    view.show();
    QStringList shown;
    for (QLegendMarker* m : view.chart()->legend()->markers())
        if (m->isVisible())
            shown << m->series()->objectName();
    QCOMPARE(shown, QStringList({"errorBand", "dequantizedBand", "originalOutline"}));
}

// The error band is x - x^ min/max per bucket, computed here from the tensor and result.
void TestUiCharts::errorBandIsBucketError()
{
    ChartInput in = inputFor(m_three); // 4096 values at 3 bits
    in.maxPoints = 64;                 // bands of maxPoints / 8 = 8 buckets of 512 values
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, in, m_style));
    auto* error = qobject_cast<QAreaSeries*>(seriesNamed(chart.get(), "errorBand"));
    QVERIFY(error);
    const auto upper = error->upperSeries()->points();
    const auto lower = error->lowerSeries()->points();
    QCOMPARE(upper.size(), qsizetype(8));
    QCOMPARE(lower.size(), qsizetype(8));
    for (int b = 0; b < 8; ++b) {
        double lo = 1e300, hi = -1e300;
        for (int i = b * 512; i < (b + 1) * 512; ++i) {
            const double e = double(m_three.tensor.data[size_t(i)]) -
                             double(m_three.result.dequantized[size_t(i)]);
            lo = std::min(lo, e);
            hi = std::max(hi, e);
        }
        QVERIFY(hi > lo); // 3 bits: a visible error in every bucket
        // One vertex per bucket, at its middle index.
        QCOMPARE(upper[b], QPointF(b * 512 + 255.5, hi));
        QCOMPARE(lower[b], QPointF(b * 512 + 255.5, lo));
    }
    QCOMPARE(chart->axes(Qt::Horizontal).value(0)->titleText(),
             QStringLiteral("Index (min to max per 512 values)"));
}

void TestUiCharts::tinyValuesHaveMarkers()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, inputFor(m_tiny), m_style));
    auto* o = qobject_cast<QLineSeries*>(seriesNamed(chart.get(), "original"));
    auto* d = qobject_cast<QLineSeries*>(seriesNamed(chart.get(), "dequantized"));
    QVERIFY(o && d);
    QVERIFY(o->pointsVisible() && d->pointsVisible());
    QCOMPARE(o->count(), 10);
    QCOMPARE(d->count(), 10);
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(o->at(i), QPointF(i, double(kUniform10[size_t(i)])));
        QCOMPARE(d->at(i).y(), double(m_tiny.result.dequantized[size_t(i)]));
    }
    QCOMPARE(axisTitles(chart.get()), QStringList({"Index", "Value"}));
}

void TestUiCharts::codesSeries()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Codes, inputFor(m_tiny), m_style));
    const auto pts = pointsOf(seriesNamed(chart.get(), "codes"));
    QCOMPARE(pts.size(), qsizetype(10));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(pts[i].y(), double(m_tiny.result.codes[size_t(i)]));
    auto* ay = qobject_cast<QValueAxis*>(chart->axes(Qt::Vertical).value(0));
    QCOMPARE(ay->titleText(), QStringLiteral("Code"));
    QVERIFY(ay->min() <= 0 && ay->min() > -20);
    QVERIFY(ay->max() >= 255 && ay->max() < 275);

    std::unique_ptr<QChart> big(buildChart(ChartKind::Codes, inputFor(m_big), m_style));
    const auto bp = pointsOf(seriesNamed(big.get(), "codes"));
    QVERIFY(bp.size() <= 2000);
    double lo = 1e9, hi = -1e9;
    for (const QPointF& p : bp) {
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
    }
    QCOMPARE(lo, 0.0); // min-max: the extremes get qmin and qmax
    QCOMPARE(hi, 255.0);
    // The same points as the core's min/max downsampling of the codes as floats.
    std::vector<float> asFloat(m_big.result.codes.begin(), m_big.result.codes.end());
    const auto want = downsampleMinMax(asFloat.data(), 0, m_big.tensor.numel(), 1000);
    QCOMPARE(bp.size(), qsizetype(want.size()));
    for (size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(bp[qsizetype(i)].x(), want[i].x);
        QCOMPARE(bp[qsizetype(i)].y(), want[i].y);
    }
    // A window: indices stay absolute.
    ChartInput win = inputFor(m_big);
    win.viewBegin = 500000;
    win.viewEnd = 900001;
    const ChartData wd = prepareChartData(ChartKind::Codes, win);
    const auto wantWin = downsampleMinMax(asFloat.data(), 500000, 900001, 1000);
    QCOMPARE(wd.first.size(), wantWin.size());
    for (size_t i = 0; i < wantWin.size(); i += 97) {
        QCOMPARE(wd.first[i].x, wantWin[i].x);
        QCOMPARE(wd.first[i].y, wantWin[i].y);
    }
}

void TestUiCharts::histogramTotals()
{
    for (const Case* c : {&m_big, &m_tiny, &m_channel, &m_fp16, &m_const}) {
        std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, inputFor(*c), m_style));
        const auto o = pointsOf(seriesNamed(chart.get(), "original"));
        const auto d = pointsOf(seriesNamed(chart.get(), "dequantized"));
        // 256 bins, or for tiny tensors one per value but at least 16.
        const qsizetype bins =
            c->tensor.numel() < 256 ? std::max<qsizetype>(16, c->tensor.numel()) : 256;
        QCOMPARE(o.size(), 2 * bins + 2);
        QCOMPARE(steppedTotal(o), double(c->tensor.numel()));
        QCOMPARE(steppedTotal(d), double(c->tensor.numel()));
        QCOMPARE(axisTitles(chart.get()).value(0), QStringLiteral("Value"));
        QVERIFY(axisTitles(chart.get()).value(1).startsWith("Count"));
    }
    // Bins equal the core's histogram over the same range.
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, inputFor(m_big), m_style));
    const auto o = pointsOf(seriesNamed(chart.get(), "original"));
    const Histogram h =
        histogram(m_big.tensor.data.data(), m_big.tensor.numel(), 256, o.first().x(), o.last().x());
    for (int i : {0, 100, 128, 255})
        QCOMPARE(o[1 + 2 * i].y(), double(h.counts[size_t(i)]));
}

void TestUiCharts::nonFiniteValues()
{
    // NaN and +-Inf are left out of histograms and line series; the rest is all there.
    std::unique_ptr<QChart> hist(buildChart(ChartKind::Histogram, inputFor(m_odd), m_style));
    QCOMPARE(steppedTotal(pointsOf(seriesNamed(hist.get(), "original"))), 5.0);
    std::unique_ptr<QChart> err(buildChart(ChartKind::ErrorHistogram, inputFor(m_odd), m_style));
    QCOMPARE(steppedTotal(pointsOf(seriesNamed(err.get(), "error"))), 5.0);
    std::unique_ptr<QChart> values(buildChart(ChartKind::Values, inputFor(m_odd), m_style));
    const auto pts = pointsOf(seriesNamed(values.get(), "original"));
    QCOMPARE(pts.size(), qsizetype(5));
    for (const QPointF& p : pts)
        QVERIFY(std::isfinite(p.y()));
    // Codes exist for every element (NaN gets the zero point, +-Inf the code limits).
    std::unique_ptr<QChart> codes(buildChart(ChartKind::Codes, inputFor(m_odd), m_style));
    QCOMPARE(pointsOf(seriesNamed(codes.get(), "codes")).size(), qsizetype(8));
    // No grid for fp16: 65536 levels are not a uniform grid.
    std::unique_ptr<QChart> fp(buildChart(ChartKind::Histogram, inputFor(m_fp16), m_style));
    QVERIFY(!seriesNamed(fp.get(), "grid") && !seriesNamed(fp.get(), "gridBand"));
    QVERIFY(!seriesNamed(fp.get(), "clipLow"));
}

void TestUiCharts::gridAtThreeBits()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, inputFor(m_three), m_style));
    auto* grid = seriesNamed(chart.get(), "grid");
    QVERIFY(grid);
    const std::vector<double> want = quantizationGrid(m_three.result.params, 0);
    QCOMPARE(want.size(), size_t(8));
    const std::vector<double> got = lineXs(pointsOf(grid));
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i)
        QCOMPARE(got[i], want[i]);
    QVERIFY(grid->name().contains("8 levels"));
    // Each line spans the plot's height exactly: nothing is drawn outside the plot area (SVG
    // output is not clipped).
    auto* ay = qobject_cast<QValueAxis*>(chart->axes(Qt::Vertical).value(0));
    for (const QPointF& pt : pointsOf(grid))
        QVERIFY(pt.y() == 0 || std::abs(pt.y() - ay->max()) < 1e-6 * ay->max());

    const std::vector<double> clip = {lineX(seriesNamed(chart.get(), "clipLow")),
                                      lineX(seriesNamed(chart.get(), "clipHigh"))};
    QCOMPARE(clip[0], m_three.result.params.rangeMin[0]);
    QCOMPARE(clip[1], m_three.result.params.rangeMax[0]);
    // The grid's end points are the clipping bounds (up to the rounding of s * (q - z)).
    const double tol = 1e-6 * m_three.result.params.scale[0];
    QVERIFY(std::abs(clip[0] - want.front()) < tol);
    QVERIFY(std::abs(clip[1] - want.back()) < tol);
    // Few levels: the dequantized histogram's peaks get their own axis.
    QCOMPARE(chart->axes(Qt::Vertical).size(), 2);
}

void TestUiCharts::denseGridIsABand()
{
    QuantConfig cfg;
    cfg.bits = 12;
    const Case c = makeCase(m_three.tensor, cfg);
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, inputFor(c), m_style));
    QVERIFY(!seriesNamed(chart.get(), "grid"));
    auto* band = seriesNamed(chart.get(), "gridBand");
    QVERIFY(band);
    QVERIFY(band->name().contains("4096 levels"));
    QVERIFY(band->name().contains("dense"));
    const auto pts = pointsOf(band);
    const std::vector<double> grid = quantizationGrid(c.result.params, 0);
    QCOMPARE(pts.first().x(), grid.front());
    QCOMPARE(pts.last().x(), grid.back());
}

void TestUiCharts::errorHistogram()
{
    ChartInput in = inputFor(m_big);
    in.errorBins = 51;
    std::unique_ptr<QChart> chart(buildChart(ChartKind::ErrorHistogram, in, m_style));
    const auto e = pointsOf(seriesNamed(chart.get(), "error"));
    QCOMPARE(e.size(), qsizetype(2 * 51 + 2));
    QCOMPARE(steppedTotal(e), double(m_big.tensor.numel()));
    QCOMPARE(axisTitles(chart.get()).value(0), QStringLiteral("Error (x \u2212 x\u0302)"));
    // Min-max range, no clipping: every error is within the rounding bound s/2.
    const double half = m_big.result.params.scale[0] / 2;
    QCOMPARE(lineX(seriesNamed(chart.get(), "roundingLow")), -half);
    QCOMPARE(lineX(seriesNamed(chart.get(), "roundingHigh")), half);

    QVERIFY(e.first().x() >= -half * 1.0001 && e.last().x() <= half * 1.0001);
}

void TestUiCharts::channelsPerSlice()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Channels, inputFor(m_channel), m_style));
    const QuantParams& p = m_channel.result.params;
    QCOMPARE(p.numSlices(), int64_t(64));
    auto* band = qobject_cast<QAreaSeries*>(seriesNamed(chart.get(), "dataRange"));
    QVERIFY(band);
    const auto up = band->upperSeries()->points();
    const auto lo = band->lowerSeries()->points();
    QCOMPARE(up.size(), qsizetype(128));
    for (int s : {0, 17, 63}) {
        QCOMPARE(up[2 * s], QPointF(s - 0.5, p.dataMax[size_t(s)]));
        QCOMPARE(up[2 * s + 1], QPointF(s + 0.5, p.dataMax[size_t(s)]));
        QCOMPARE(lo[2 * s].y(), p.dataMin[size_t(s)]);
    }
    const auto scale = pointsOf(seriesNamed(chart.get(), "scale"));
    const auto rmse = pointsOf(seriesNamed(chart.get(), "rmse"));
    QCOMPARE(scale[2 * 5].y(), p.scale[5]);
    QCOMPARE(rmse[2 * 5].y(), m_channel.result.sliceMetrics[5].rmse);
    QCOMPARE(axisTitles(chart.get()).value(0), QStringLiteral("Channel"));
    QCOMPARE(chart->axes(Qt::Vertical).size(), 2);

    // Per tensor: one slice, one step.
    std::unique_ptr<QChart> one(buildChart(ChartKind::Channels, inputFor(m_tiny), m_style));
    QCOMPARE(pointsOf(seriesNamed(one.get(), "dataRange")).size(), qsizetype(2));
}

void TestUiCharts::channelsManySlicesAreMerged()
{
    QuantConfig cfg;
    cfg.granularity = Granularity::PerGroup;
    cfg.groupSize = 16; // 65536 groups
    const Case c = makeCase(m_big.tensor, cfg);
    ChartInput in = inputFor(c);
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Channels, in, m_style));
    QVERIFY(chart->series().size() >= 4);
    for (QAbstractSeries* s : chart->series())
        QVERIFY(pointsOf(s).size() <= in.maxPoints);
    QCOMPARE(axisTitles(chart.get()).value(0), QStringLiteral("Group (65536 in 250 steps)"));
    // The envelope keeps the extremes of all slices.
    auto* band = qobject_cast<QAreaSeries*>(seriesNamed(chart.get(), "dataRange"));
    double hi = -1e300;
    for (const QPointF& pt : band->upperSeries()->points())
        hi = std::max(hi, pt.y());
    QCOMPARE(hi, c.result.params.dataMax.empty()
                     ? 0.0
                     : *std::max_element(c.result.params.dataMax.begin(),
                                         c.result.params.dataMax.end()));
}

void TestUiCharts::preparedOffThread()
{
    // The reduction runs on another thread; the chart built from it equals the direct build.
    for (ChartKind k : allChartKinds()) {
        ChartData data;
        std::thread worker([&] { data = prepareChartData(k, inputFor(m_channel)); });
        worker.join();
        std::unique_ptr<QChart> a(buildChart(data, m_style));
        std::unique_ptr<QChart> b(buildChart(k, inputFor(m_channel), m_style));
        QCOMPARE(a->series().size(), b->series().size());
        for (qsizetype i = 0; i < a->series().size(); ++i) {
            QCOMPARE(a->series()[i]->objectName(), b->series()[i]->objectName());
            QCOMPARE(pointsOf(a->series()[i]), pointsOf(b->series()[i]));
        }
        QCOMPARE(a->title(), b->title());
    }
    ChartData values = prepareChartData(ChartKind::Values, inputFor(m_big));
    QCOMPARE(values.first.size(), size_t(2000));
    QCOMPARE(values.end, m_big.tensor.numel());
}

void TestUiCharts::badInput()
{
    auto expectError = [&](const ChartInput& in, const char* fragment) {
        try {
            std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, in, m_style));
            QFAIL(qPrintable(QStringLiteral("no error, expected '%1'").arg(fragment)));
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(fragment), e.what());
        }
    };
    ChartInput in;
    expectError(in, "needs a tensor");
    in = inputFor(m_tiny);
    in.result = &m_big.result;
    expectError(in, "another tensor");
    in = inputFor(m_tiny);
    in.viewBegin = 5;
    in.viewEnd = 5;
    expectError(in, "[5, 5)");
    in.viewBegin = 0;
    in.viewEnd = 11;
    expectError(in, "[0, 11)");
    in = inputFor(m_tiny);
    in.maxPoints = 1;
    expectError(in, "maxPoints");
    in = inputFor(m_tiny);
    in.valueBins = 0;
    expectError(in, "bins");

    in = inputFor(m_channel);
    in.slice = 64;
    try {
        std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, in, m_style));
        QFAIL("no error for a slice out of range");
    } catch (const Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("slice 64"), e.what());
    }
    in.slice = 63;
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, in, m_style));
    // 8-bit narrow symmetric: 255 levels of the chosen channel (lines or, if they are too
    // close together at this zoom, a band).
    QAbstractSeries* grid = seriesNamed(chart.get(), "grid");
    if (!grid)
        grid = seriesNamed(chart.get(), "gridBand");
    QVERIFY(grid);
    QVERIFY2(grid->name().contains("channel 63") && grid->name().contains("255 levels"),
             qPrintable(grid->name()));
    QCOMPARE(lineX(seriesNamed(chart.get(), "clipHigh")), m_channel.result.params.rangeMax[63]);
}

void TestUiCharts::exportPng()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Values, inputFor(m_tiny), m_style));
    const QString path = tmpPath("values.png");
    QFile::remove(path);
    ExportOptions opt;
    opt.size = QSize(900, 600);
    opt.dpi = 150;
    QString error;
    QVERIFY2(exportChart(chart.get(), path, opt, &error), qPrintable(error));
    QImage img(path);
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), QSize(900, 600));
    QVERIFY(std::abs(img.dotsPerMeterX() - 150 / 0.0254) < 2);
    QVERIFY2(distinctColours(img) > 20, "the exported image looks blank");
    // The chart's blue and orange are both present.
    bool blue = false, orange = false;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            blue |= c == m_style.original();
            orange |= c == m_style.dequantized();
        }
    QVERIFY(blue && orange);

    const QImage direct = renderChart(chart.get(), opt);
    QCOMPARE(direct.size(), QSize(900, 600));
}

void TestUiCharts::exportSvgKeepsText()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, inputFor(m_big), m_style));
    const QString path = tmpPath("hist.svg");
    QFile::remove(path);
    QString error;
    QVERIFY2(exportChart(chart.get(), path, ExportOptions{}, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    QStringList texts;
    QString width;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement) {
            if (xml.name() == QLatin1String("svg"))
                width = xml.attributes().value("width").toString();
            if (xml.name() == QLatin1String("text"))
                texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY2(width.startsWith("1200") || width.startsWith("317"), qPrintable(width));
    QVERIFY2(texts.contains("Value"), qPrintable(texts.join('|')));
    QVERIFY(std::any_of(texts.begin(), texts.end(),
                        [](const QString& t) { return t.startsWith("Count per bin"); }));
    QVERIFY(std::any_of(texts.begin(), texts.end(),
                        [](const QString& t) { return t.startsWith("Histogram of values"); }));
}

void TestUiCharts::exportPdfPages()
{
    QList<QChart*> charts;
    for (ChartKind k : allChartKinds())
        charts << buildChart(k, inputFor(m_channel), m_style);
    const QString path = tmpPath("all.pdf");
    QFile::remove(path);
    QString error;
    const bool ok = exportChartsPdf(charts, path, ExportOptions{}, &error);
    qDeleteAll(charts);
    QVERIFY2(ok, qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray pdf = f.readAll();
    QVERIFY(pdf.startsWith("%PDF"));
    const int pages = int(pdf.count("/Type /Page")) - int(pdf.count("/Type /Pages"));
    QCOMPARE(pages, int(allChartKinds().size()));
    // Page size: 1200 x 800 px at 96 dpi = 900 x 600 pt.
    const QRegularExpression box(QStringLiteral("/MediaBox \\[0 0 900(\\.0+)? 600(\\.0+)?\\]"));
    QCOMPARE(QString::fromLatin1(pdf).count(box), int(allChartKinds().size()));

    std::unique_ptr<QChart> one(buildChart(ChartKind::Codes, inputFor(m_tiny), m_style));
    QVERIFY2(exportChart(one.get(), tmpPath("one.pdf"), ExportOptions{}, &error),
             qPrintable(error));
}

void TestUiCharts::exportErrors()
{
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Codes, inputFor(m_tiny), m_style));
    QString error;
    QVERIFY(!exportChart(chart.get(), tmpPath("x.bmpx"), ExportOptions{}, &error));
    QVERIFY2(error.contains(".bmpx") && error.contains(".png"), qPrintable(error));
    QVERIFY(!exportChart(chart.get(), tmpPath("noext"), ExportOptions{}, &error));
    QVERIFY2(error.contains("no suffix"), qPrintable(error));
    QVERIFY(!exportChart(chart.get(), "/nonexistent-dir/sub/x.png", ExportOptions{}, &error));
    QVERIFY2(error.contains("cannot write"), qPrintable(error));
    QVERIFY(!exportChart(chart.get(), "/nonexistent-dir/sub/x.svg", ExportOptions{}, &error));
    QVERIFY2(error.contains("cannot write"), qPrintable(error));
    ExportOptions bad;
    bad.size = QSize(0, 100);
    QVERIFY(!exportChart(chart.get(), tmpPath("x.png"), bad, &error));
    QVERIFY2(error.contains("0x100"), qPrintable(error));
    bad = ExportOptions{};
    bad.dpi = 0;
    QVERIFY(!exportChart(chart.get(), tmpPath("x.png"), bad, &error));
    QVERIFY2(error.contains("dpi"), qPrintable(error));
    QVERIFY(!exportChart(nullptr, tmpPath("x.png"), ExportOptions{}, &error));
    QVERIFY(!exportChartsPdf({}, tmpPath("x.pdf"), ExportOptions{}, &error));
    QVERIFY(!exportChartsPdf({chart.get()}, tmpPath("x.png"), ExportOptions{}, &error));
    QVERIFY(renderChart(nullptr, ExportOptions{}).isNull());
}

void TestUiCharts::renderLeavesChartUsable()
{
    // Rendering twice at different sizes gives the sizes asked for, and the chart is not left
    // in a scene it does not own.
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, inputFor(m_tiny), m_style));
    ExportOptions a;
    a.size = QSize(400, 300);
    QCOMPARE(renderChart(chart.get(), a).size(), QSize(400, 300));
    QVERIFY(chart->scene() == nullptr);
    a.size = QSize(1600, 500);
    const QImage img = renderChart(chart.get(), a);
    QCOMPARE(img.size(), QSize(1600, 500));
    QVERIFY(distinctColours(img) > 10);

    // A chart shown in a view is exported at the requested size and gets its geometry back.
    QChartView view(chart.release()); // the view owns it now
    view.resize(500, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QRectF before = view.chart()->geometry();
    const QImage shown = renderChart(view.chart(), ExportOptions{});
    QCOMPARE(shown.size(), QSize(1200, 800));
    QVERIFY(distinctColours(shown) > 10);
    QCOMPARE(view.chart()->geometry(), before);
    QCOMPARE(view.chart()->scene(), view.scene());
}

void TestUiCharts::dumpForReview()
{
    const QString dir = qEnvironmentVariable("QS_CHART_DUMP_DIR");
    if (dir.isEmpty())
        QSKIP("set QS_CHART_DUMP_DIR to write every chart as PNG");
    QDir().mkpath(dir);
    GeneratorOptions g;
    g.distribution = Distribution::Uniform;
    g.shape = {20};
    QuantConfig cfg;
    const Case mixed20 = makeCase(builtinDataset("mixed-20"), cfg);
    const struct {
        const char* name;
        const Case* c;
    } cases[] = {{"big", &m_big},    {"mixed-20", &mixed20}, {"channel", &m_channel},
                 {"3bit", &m_three}, {"fp16", &m_fp16},      {"odd", &m_odd},
                 {"const", &m_const}};
    for (const auto& cs : cases) {
        for (ChartKind k : allChartKinds()) {
            for (bool dark : {false, true}) {
                ChartStyle st;
                st.dark = dark;
                if (dark && std::string(cs.name) != "channel")
                    continue;
                std::unique_ptr<QChart> chart(buildChart(k, inputFor(*cs.c), st));
                const QString path = QStringLiteral("%1/%2-%3%4.png")
                                         .arg(dir, cs.name, chartKindName(k),
                                              dark ? QStringLiteral("-dark") : QString());
                QString error;
                QVERIFY2(exportChart(chart.get(), path, ExportOptions{}, &error),
                         qPrintable(error));
            }
        }
    }
    ChartStyle big;
    big.fontScale = 1.8;
    big.lineWidth = 3;
    for (ChartKind k : allChartKinds()) {
        std::unique_ptr<QChart> chart(buildChart(k, inputFor(m_channel), big));
        QString error;
        QVERIFY(exportChart(chart.get(), dir + "/presentation-" + chartKindName(k) + ".png",
                            ExportOptions{}, &error));
    }
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Histogram, inputFor(m_big), big));
    QString error;
    QVERIFY(
        exportChart(chart.get(), dir + "/big-histogram-presentation.svg", ExportOptions{}, &error));
}

QTEST_MAIN(TestUiCharts)
#include "tst_ui_charts.moc"
