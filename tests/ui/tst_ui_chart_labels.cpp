// Every chart and view of the window, rendered headless at the window sizes a user meets
// (1024x640, 1280x720, 1920x1080; ctest runs the program a second time at device pixel ratio 2
// through QT_SCALE_FACTOR=2): no text on a chart is elided (Qt Charts shortens what does not
// fit to "..."), no two texts overlap, no text is cut off by the edge of its chart, and no
// label of a view is squeezed below the width of its text. The tabs come from the window's
// own list, so a new chart kind or view is checked without an edit here. A second pass does the
// same in presentation mode with a lesson open, at 1280x720 and 1920x1080, and a third on the
// Model view's pages (table, heatmap, Pareto chart) with a model's report shown.
#include "core/data/generators.h"
#include "core/teach/builtins.h"
#include "tests/support/tiny_llama.h"
#include "tests/support/ui_test_support.h"
#include "ui/views/analysis_view.h"
#include "ui/views/model_heatmap.h"
#include "ui/views/model_view.h"
#include "ui/window/main_window.h"

#include <QAbstractAxis>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QTextDocument>
#include <QTextDocumentFragment>
#include <QtTest>

using namespace qs;
using namespace qs::ui;

namespace {

// A text as drawn: what it says, where (window coordinates) and in which chart or widget.
struct ShownText {
    QString text;
    QRectF rect;
    QString where;
};

QString plainOf(const QString& html)
{
    QString h = html;
    h.replace(QLatin1String("<br>"), QStringLiteral("\n"));
    return QTextDocumentFragment::fromHtml(h).toPlainText();
}

bool looksElided(const QString& text)
{
    return text.contains(QLatin1String("...")) || text.contains(QChar(0x2026));
}

// The texts a chart was given whole: title, axis titles, category labels, series names.
QSet<QString> fullTexts(QChart* chart)
{
    QSet<QString> texts{plainOf(chart->title())};
    for (QAbstractAxis* axis : chart->axes()) {
        texts << axis->titleText();
        if (auto* c = qobject_cast<QCategoryAxis*>(axis))
            for (const QString& label : c->categoriesLabels())
                texts << label;
    }
    for (QAbstractSeries* s : chart->series())
        texts << s->name();
    return texts;
}

// The visible texts of a chart view's scene: axis labels and titles, the chart's title, the
// legend and the text items the builders add.
QList<ShownText> chartTexts(QChartView* view, QWidget* window, QStringList& problems)
{
    QList<ShownText> out;
    const QPoint origin = view->mapTo(window, QPoint(0, 0));
    const QRectF viewport = QRectF(view->viewport()->rect()).adjusted(-1, -1, 1, 1);
    const QString where = view->chart() ? plainOf(view->chart()->title()).section('\n', 0, 0)
                                        : QStringLiteral("chart");
    const QSet<QString> whole = view->chart() ? fullTexts(view->chart()) : QSet<QString>();
    for (QGraphicsItem* item : view->scene()->items()) {
        if (!item->isVisible() || item->effectiveOpacity() < 0.01) // not drawn
            continue;
        QString text;
        QRectF rect = item->sceneBoundingRect();
        if (auto* t = dynamic_cast<QGraphicsTextItem*>(item)) {
            text = t->toPlainText();
            const qreal m = t->document()->documentMargin();
            rect.adjust(m, m, -m, -m);
        } else if (auto* s = dynamic_cast<QGraphicsSimpleTextItem*>(item)) {
            text = s->text();
        } else {
            continue;
        }
        if (text.trimmed().isEmpty() || rect.isEmpty())
            continue;
        const QRectF shown = QRectF(view->mapFromScene(rect).boundingRect());
        if (looksElided(text) && !whole.contains(text))
            problems << QStringLiteral("%1: '%2' is elided").arg(where, text);
        if (!viewport.contains(shown))
            problems << QStringLiteral("%1: '%2' is cut off by the chart's edge").arg(where, text);
        out.push_back({text, shown.translated(origin), where});
    }
    return out;
}

// Labels of a view (not the charts) that are narrower than their text.
void checkLabels(QWidget* page, QStringList& problems)
{
    for (QLabel* label : page->findChildren<QLabel*>()) {
        if (!label->isVisible() || label->wordWrap() || label->text().isEmpty())
            continue;
        if (label->width() + 1 < label->minimumSizeHint().width())
            problems << QStringLiteral("label '%1' is %2 px wide, its text needs %3")
                            .arg(label->text())
                            .arg(label->width())
                            .arg(label->minimumSizeHint().width());
    }
}

void checkOverlaps(const QList<ShownText>& texts, QStringList& problems)
{
    for (qsizetype i = 0; i < texts.size(); ++i)
        for (qsizetype j = i + 1; j < texts.size(); ++j) {
            const QRectF both = texts[i].rect & texts[j].rect;
            if (both.width() > 1 && both.height() > 1)
                problems << QStringLiteral("%1: '%2' overlaps '%3'")
                                .arg(texts[i].where, texts[i].text, texts[j].text);
        }
}

// Lets posted layout requests and the charts' own refits run until nothing is left to do.
void settle(MainWindow& w)
{
    if (w.currentAnalysisView())
        QVERIFY(w.waitForView(60000));
    else
        w.chart(w.currentChart());
    for (int i = 0; i < 6; ++i) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
    }
}

struct Scenario {
    const char* name;
    Tensor tensor;
    QuantConfig config;
};

// A million values at 4 bits with HQQ (index ticks in the millions, HQQ's iterations), 64k
// values per channel at 3 bits (256 slices; every view per channel), and the ten values of the
// truncation notebook (every sample of the number line labelled, crowded at the low end).
std::vector<Scenario> scenarios()
{
    GeneratorOptions g;
    g.distribution = Distribution::Normal;
    g.shape = {1024, 1024};
    g.seed = 11;
    g.outliers = 4;
    g.name = "normal";
    QuantConfig hqq;
    hqq.bits = 4;
    hqq.range = RangeMethod::Hqq;
    GeneratorOptions c = g;
    c.shape = {256, 256};
    QuantConfig channels;
    channels.bits = 3;
    channels.granularity = Granularity::PerChannel;
    QuantConfig truncation;
    truncation.includeZero = false;
    truncation.rounding = Rounding::Truncate;
    return {{"million", generate(g), hqq},
            {"channels", generate(c), channels},
            {"ten-values", builtinDataset("uniform-10"), truncation}};
}

} // namespace

class TestUiChartLabels : public QObject {
    Q_OBJECT
private slots:
    void everyTabCovered();
    void noElidedOrOverlappingText();
    void presentationMode();
    void modelView();
};

// The window's tabs hold every chart kind (and the views after them).
void TestUiChartLabels::everyTabCovered()
{
    MainWindow w(test::windowOptions(false));
    const QStringList tabs = w.tabNames();
    for (ChartKind kind : allChartKinds())
        QVERIFY2(tabs.contains(chartKindName(kind)), qPrintable(chartKindName(kind)));
    for (AnalysisView* v : w.analysisViews())
        QVERIFY2(tabs.contains(v->viewName()), qPrintable(v->viewName()));
}

namespace {

// Every tab of the window at its current size: the problems found, each prefixed with `at` and
// the tab, and the tabs that had any.
void checkEveryTab(MainWindow& w, const QString& at, QStringList& problems,
                   QSet<QString>& failedTabs)
{
    for (const QString& tab : w.tabNames()) {
        QVERIFY(w.setCurrentTab(tab));
        settle(w);
        QStringList found;
        QList<ShownText> texts;
        for (QChartView* view : w.findChildren<QChartView*>())
            if (view->isVisible())
                texts += chartTexts(view, &w, found);
        checkOverlaps(texts, found);
        if (AnalysisView* v = w.currentAnalysisView())
            checkLabels(v, found);
        for (const QString& p : found)
            problems << at + tab + QStringLiteral(": ") + p;
        if (!found.isEmpty())
            failedTabs << tab;
    }
}

void report(const QStringList& problems, const QSet<QString>& failedTabs)
{
    for (const QString& p : problems)
        qWarning().noquote() << p;
    QStringList failed = failedTabs.values();
    failed.sort();
    QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 problems in %2")
                                                .arg(problems.size())
                                                .arg(failed.join(QStringLiteral(", ")))));
}

QString sizeName(const QSize& size)
{
    return QStringLiteral("%1x%2 ").arg(size.width()).arg(size.height());
}

} // namespace

void TestUiChartLabels::noElidedOrOverlappingText()
{
    const double dpr = qEnvironmentVariableIsSet("QT_SCALE_FACTOR")
                           ? qEnvironmentVariable("QT_SCALE_FACTOR").toDouble()
                           : 1.0;
    const QList<QSize> sizes{{1024, 640}, {1280, 720}, {1920, 1080}};
    QStringList problems;
    QSet<QString> failedTabs;
    MainWindow w(test::windowOptions(false));
    w.show();
    QCOMPARE(w.devicePixelRatioF(), dpr);
    for (Scenario& s : scenarios()) {
        w.setConfig(s.config);
        w.setTensor(s.tensor);
        QVERIFY(test::waitForCurrent(w, 60000));
        for (const QSize& size : sizes) {
            w.resize(size);
            checkEveryTab(w, QLatin1String(s.name) + QLatin1Char(' ') + sizeName(size), problems,
                          failedTabs);
        }
    }
    report(problems, failedTabs);
}

// Presentation mode with a lesson, on a projector's sizes: large fonts in every chart and view,
// the same rules.
void TestUiChartLabels::presentationMode()
{
    QStringList problems;
    QSet<QString> failedTabs;
    MainWindow w(test::windowOptions(false));
    w.resize(1280, 720);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setPresentationMode(true);
    QVERIFY(w.openLesson(QStringLiteral("asymmetric-vs-symmetric")));
    QVERIFY(test::waitForCurrent(w, 60000));
    for (const QSize& size : {QSize(1280, 720), QSize(1920, 1080)}) {
        w.resize(size);
        checkEveryTab(w, QStringLiteral("presentation ") + sizeName(size), problems, failedTabs);
    }
    report(problems, failedTabs);
}

namespace {

// The heatmap's own labels (layers, kinds, the colour scale): whole and apart.
void checkHeatmap(const ModelHeatmap& h, QStringList& problems)
{
    const QList<ModelHeatmap::Label> labels = h.labels();
    if (labels.isEmpty())
        problems << QStringLiteral("heatmap: no labels");
    for (qsizetype i = 0; i < labels.size(); ++i) {
        const ModelHeatmap::Label& a = labels[i];
        const int need = h.fontMetrics().horizontalAdvance(a.text);
        if (need > std::max(a.rect.width(), a.rect.height()))
            problems << QStringLiteral("heatmap: '%1' is cut (%2 px, needs %3)")
                            .arg(a.text)
                            .arg(std::max(a.rect.width(), a.rect.height()))
                            .arg(need);
        if (!h.rect().contains(a.rect))
            problems << QStringLiteral("heatmap: '%1' is cut off by the edge").arg(a.text);
        for (qsizetype j = i + 1; j < labels.size(); ++j)
            if (a.rect.intersects(labels[j].rect))
                problems
                    << QStringLiteral("heatmap: '%1' overlaps '%2'").arg(a.text, labels[j].text);
    }
}

} // namespace

// A model's report on the Model view: its table page, heatmap and Pareto chart at every window
// size follow the same rules.
void TestUiChartLabels::modelView()
{
    const QString path = test::tmpPath(QStringLiteral("tiny-llama.safetensors"));
    test::writeTinySafetensors(path.toStdString(), test::tinyLlama());
    QStringList problems;
    QSet<QString> failedTabs;
    MainWindow w(test::windowOptions(false));
    w.resize(1280, 720);
    w.show();
    ModelView* v = test::showModelView(w, path);
    QVERIFY(v);
    v->setSchemes(QStringLiteral("int8-channel,q8_0,q4_0,nf4"));
    QVERIFY(v->run());
    QTRY_VERIFY_WITH_TIMEOUT(!v->isComputing(), 60000);
    QVERIFY2(v->report() && v->report()->schemes.size() == 4, qPrintable(v->statusText()));
    for (const QSize& size : {QSize(1024, 640), QSize(1280, 720), QSize(1920, 1080)}) {
        w.resize(size);
        for (const QString& page :
             {QStringLiteral("table"), QStringLiteral("heatmap"), QStringLiteral("pareto")}) {
            v->showPage(page);
            settle(w);
            QStringList found;
            QList<ShownText> texts;
            for (QChartView* view : v->findChildren<QChartView*>())
                if (view->isVisible())
                    texts += chartTexts(view, &w, found);
            checkOverlaps(texts, found);
            checkLabels(v, found);
            if (page == QLatin1String("heatmap"))
                checkHeatmap(*v->heatmap(), found);
            if (page == QLatin1String("pareto") && texts.size() < 8)
                found << QStringLiteral("the Pareto chart shows only %1 texts").arg(texts.size());
            for (const QString& p : found)
                problems << sizeName(size) + QStringLiteral("model ") + page +
                                QStringLiteral(": ") + p;
            if (!found.isEmpty())
                failedTabs << QStringLiteral("model ") + page;
        }
    }
    report(problems, failedTabs);
}

QTEST_MAIN(TestUiChartLabels)
#include "tst_ui_chart_labels.moc"
