// The convergence chart (ui/charts/convergence_chart.cpp), built headless: HQQ's error per
// iteration as two series with their axis titles; the empty state for other range methods.
#include "core/data/generators.h"
#include "core/quant/quantize.h"
#include "ui/charts/charts.h"

#include <QChart>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QValueAxis>
#include <QtTest>

#include <memory>

using namespace qs;
using namespace qs::ui;

namespace {

QStringList axisTitles(QChart* chart)
{
    QStringList titles;
    for (QAbstractAxis* a : chart->axes())
        titles << a->titleText();
    return titles;
}

QLineSeries* seriesNamed(QChart* chart, const QString& id)
{
    for (QAbstractSeries* s : chart->series())
        if (s->objectName() == id)
            return qobject_cast<QLineSeries*>(s);
    return nullptr;
}

QString messageOf(QChart* chart)
{
    for (QGraphicsItem* item : chart->childItems())
        if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            return text->text();
    return QString();
}

} // namespace

class TestUiConvergenceChart : public QObject {
    Q_OBJECT
private slots:
    void hqqIterations();
    void emptyForOtherMethods();
};

void TestUiConvergenceChart::hqqIterations()
{
    GeneratorOptions g;
    g.shape = {64, 128};
    const Tensor t = generate(g);
    QuantConfig c;
    c.bits = 3;
    c.granularity = Granularity::PerGroup;
    c.groupSize = 64;
    c.axis = 1;
    c.range = RangeMethod::Hqq;
    const QuantResult r = quantize(t, c);
    const int n = r.convergence.iterations();
    QVERIFY(n >= 2 && n <= 20);
    ChartInput in;
    in.tensor = &t;
    in.result = &r;
    std::unique_ptr<QChart> chart(buildChart(ChartKind::Convergence, in, ChartStyle()));
    QVERIFY(chart->title().contains("HQQ convergence"));
    QLineSeries* mae = seriesNamed(chart.get(), "meanAbsError");
    QLineSeries* mse = seriesNamed(chart.get(), "mse");
    QVERIFY(mae && mse);
    QCOMPARE(int(mae->count()), n);
    QCOMPARE(int(mse->count()), n);
    for (int i = 0; i < n; ++i) {
        QCOMPARE(mae->at(i), QPointF(i + 1, r.convergence.meanAbsError[size_t(i)]));
        QCOMPARE(mse->at(i), QPointF(i + 1, r.convergence.meanSquaredError[size_t(i)]));
    }
    const QStringList titles = axisTitles(chart.get());
    QVERIFY2(titles.contains("Iteration"), qPrintable(titles.join(" | ")));
    QVERIFY2(titles.contains(QString::fromUtf8("Mean |x \u2212 x\u0302|")),
             qPrintable(titles.join(" | ")));
    QVERIFY2(titles.contains(QString::fromUtf8("MSE (x \u2212 x\u0302)\u00b2")),
             qPrintable(titles.join(" | ")));
    QVERIFY(messageOf(chart.get()).isEmpty());
    QCOMPARE(chartKindFromName("convergence"), ChartKind::Convergence);
}

void TestUiConvergenceChart::emptyForOtherMethods()
{
    const Tensor t("x", {4}, {0.0f, 1.0f, 2.0f, 3.0f});
    ChartInput in;
    in.tensor = &t;
    for (Scheme s : {Scheme::Asymmetric, Scheme::NF4}) {
        QuantConfig c;
        c.scheme = s;
        const QuantResult r = quantize(t, c);
        in.result = &r;
        std::unique_ptr<QChart> chart(buildChart(ChartKind::Convergence, in, ChartStyle()));
        QVERIFY(!seriesNamed(chart.get(), "meanAbsError") && !seriesNamed(chart.get(), "mse"));
        QCOMPARE(chart->series().size(), 1); // the faint baseline over iterations 1..20
        QCOMPARE(chart->series()[0]->objectName(), QStringLiteral("baseline"));
        QCOMPARE(messageOf(chart.get()),
                 QStringLiteral("Choose the HQQ range method to see its convergence"));
        QVERIFY(axisTitles(chart.get()).contains("Iteration"));
    }
}

QTEST_MAIN(TestUiConvergenceChart)
#include "tst_ui_convergence_chart.moc"
