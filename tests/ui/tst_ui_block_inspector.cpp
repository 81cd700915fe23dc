// The block inspector view headless: its tables against the core's anatomy, the block spin box
// and buttons, sorting, the empty state of schemes without blocks, and in the window: a click on
// the values chart selecting the element's block, and a lesson step naming its block.
#include "core/analysis/block_anatomy.h"
#include "core/teach/lesson.h"
#include "ui/charts/charts.h"
#include "ui/support/lesson_library.h"
#include "ui/views/block_inspector_view.h"

#include "tests/support/random_tensor.h"
#include "tests/support/ui_test_support.h"

#include <QChart>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QXYSeries>
#include <QtTest>

using namespace qs;
using namespace qs::ui;

class TestUiBlockInspector : public QObject {
    Q_OBJECT
private slots:
    void tablesShowTheAnatomy();
    void spinAndButtons();
    void sortable();
    void emptyState();
    void valueClickSelectsBlock();
    void lessonSelectsBlock();
};

namespace {

std::shared_ptr<const QuantResult> resultOf(const Tensor& t, Scheme s)
{
    QuantConfig c;
    c.scheme = s;
    return std::make_shared<const QuantResult>(quantize(t, c));
}

std::shared_ptr<const Tensor> tensor()
{
    static const auto t = std::make_shared<const Tensor>(test::randomTensor({2, 256}, 9));
    return t;
}

} // namespace

void TestUiBlockInspector::tablesShowTheAnatomy()
{
    BlockInspectorView v;
    const auto r = resultOf(*tensor(), Scheme::Q4_K);
    v.setAnalysis(tensor(), r);
    QCOMPARE(v.blockCount(), int64_t(2));
    QCOMPARE(v.blockSpin()->maximum(), 1);
    QVERIFY(v.message().isEmpty());
    const BlockAnatomy a = blockAnatomy(*tensor(), *r, 0);
    QCOMPARE(v.hexPane()->toPlainText(), QString::fromStdString(hexDump(a.bytes)).trimmed());
    QCOMPARE(v.hexPane()->toPlainText().split('\n').size(), 9); // 144 bytes, 16 per line
    QTableWidget* f = v.fieldsTable();
    QCOMPARE(f->rowCount(), 18);
    QCOMPARE(f->item(0, 0)->text(), QStringLiteral("d"));
    QCOMPARE(f->item(0, 2)->text(), QString::fromStdString(a.fields[0].bits));
    QCOMPARE(f->item(2, 0)->text(), QStringLiteral("scale[0]"));
    QCOMPARE(f->item(2, 1)->text(), QString::number(a.fields[2].value));
    QTableWidget* e = v.elementsTable();
    QCOMPARE(e->rowCount(), 256);
    QCOMPARE(e->columnCount(), 7);
    const QStringList headers = {"i",    "x", "Code", "Grid index", "Grid value", "Dequantized x̂",
                                 "Error"};
    for (int c = 0; c < 7; ++c) {
        QCOMPARE(e->horizontalHeaderItem(c)->text(), headers[c]);
        QVERIFY(!e->horizontalHeaderItem(c)->toolTip().isEmpty());
    }
    for (int row : {0, 100, 255}) {
        const AnatomyElement& el = a.elements[size_t(row)];
        QCOMPARE(e->item(row, 0)->text().toLongLong(), el.index);
        QCOMPARE(e->item(row, 1)->data(Qt::UserRole).toDouble(), double(el.x));
        QCOMPARE(e->item(row, 1)->text(), QString::number(el.x, 'g', 7));
        QCOMPARE(e->item(row, 1)->toolTip(), QString::number(el.x, 'g', 9));
        QCOMPARE(e->item(row, 2)->text().toInt(), el.code);
        QCOMPARE(e->item(row, 3)->text(), QStringLiteral("–")); // Q4_K: linear codes
        QCOMPARE(e->item(row, 5)->data(Qt::UserRole).toDouble(), double(el.xhat));
        QCOMPARE(e->item(row, 6)->data(Qt::UserRole).toDouble(), el.error);
    }
    // IQ4_NL indexes its non-linear grid.
    v.setAnalysis(tensor(), resultOf(*tensor(), Scheme::IQ4_NL));
    QCOMPARE(v.blockCount(), int64_t(16));
    QCOMPARE(e->rowCount(), 32);
    QCOMPARE(e->item(0, 3)->text(), e->item(0, 2)->text());
}

void TestUiBlockInspector::spinAndButtons()
{
    BlockInspectorView v;
    v.setAnalysis(tensor(), resultOf(*tensor(), Scheme::Q4_0));
    QCOMPARE(v.blockCount(), int64_t(16));
    auto* prev = v.findChildren<QToolButton*>().value(0);
    auto* next = v.findChildren<QToolButton*>().value(1);
    QVERIFY(prev && next);
    QVERIFY(!prev->isEnabled());
    v.blockSpin()->setValue(15);
    QCOMPARE(v.anatomy().block, int64_t(15));
    QCOMPARE(v.elementsTable()->item(0, 0)->text(), QStringLiteral("480"));
    QVERIFY(!next->isEnabled());
    prev->click();
    QCOMPARE(v.currentBlock(), int64_t(14));
    QCOMPARE(v.elementsTable()->item(0, 0)->text(), QStringLiteral("448"));
    v.showElement(40);
    QCOMPARE(v.currentBlock(), int64_t(1));
    QCOMPARE(v.elementsTable()->selectedItems().value(0)->text(), QStringLiteral("40"));
    // A new scheme: fewer blocks, the index clamped into them.
    v.blockSpin()->setValue(9);
    v.setAnalysis(tensor(), resultOf(*tensor(), Scheme::Q6_K));
    QCOMPARE(v.blockCount(), int64_t(2));
    QCOMPARE(v.currentBlock(), int64_t(1));
    QCOMPARE(v.anatomy().bytes.size(), size_t(210));
}

void TestUiBlockInspector::sortable()
{
    BlockInspectorView v;
    v.setAnalysis(tensor(), resultOf(*tensor(), Scheme::Q8_0));
    QTableWidget* e = v.elementsTable();
    QVERIFY(e->isSortingEnabled());
    e->sortByColumn(6, Qt::AscendingOrder);
    for (int r = 1; r < e->rowCount(); ++r)
        QVERIFY(e->item(r - 1, 6)->data(Qt::UserRole).toDouble() <=
                e->item(r, 6)->data(Qt::UserRole).toDouble());
    e->sortByColumn(0, Qt::DescendingOrder);
    QCOMPARE(e->item(0, 0)->text(), QStringLiteral("31"));
}

void TestUiBlockInspector::emptyState()
{
    BlockInspectorView v;
    QCOMPARE(v.message(), QStringLiteral("No result yet."));
    QuantConfig c;
    v.setAnalysis(tensor(), std::make_shared<const QuantResult>(quantize(*tensor(), c)));
    QCOMPARE(v.blockCount(), int64_t(0));
    QVERIFY(v.message().startsWith(
        QStringLiteral("Per-tensor 8-bit asymmetric has no blocks: choose a block scheme such as "
                       "Q4_K")));
    v.setAnalysis(tensor(), resultOf(*tensor(), Scheme::E4M3));
    QVERIFY(v.message().startsWith(QStringLiteral("The scheme 'e4m3' has no blocks: choose")));
    v.setAnalysis(tensor(), resultOf(*tensor(), Scheme::MXFP4));
    QVERIFY(v.message().isEmpty());
    QCOMPARE(v.fieldsTable()->item(0, 0)->text(), QStringLiteral("E8M0"));
}

// The values chart's clicked signal with an element of a block scheme opens the inspector at
// that element's block with its row selected.
void TestUiBlockInspector::valueClickSelectsBlock()
{
    MainWindow w(test::windowOptions(false));
    w.resize(1280, 720);
    w.show();
    GeneratorOptions g;
    g.shape = {4, 256};
    w.generate(g);
    QuantConfig c;
    c.scheme = Scheme::Q4_K;
    w.setConfig(c);
    QVERIFY(test::waitForCurrent(w));
    w.setCurrentChart(ChartKind::Values);
    QChart* chart = w.chart(ChartKind::Values);
    QXYSeries* series = test::firstXYSeries(chart);
    QVERIFY(series);
    emit series->clicked(QPointF(700.2, 0.5));
    QCOMPARE(w.currentTabName(), QStringLiteral("block-inspector"));
    auto* v = qobject_cast<BlockInspectorView*>(w.analysisView(QStringLiteral("block-inspector")));
    QVERIFY(v);
    QCOMPARE(v->currentBlock(), int64_t(2));
    QCOMPARE(v->elementsTable()->selectedItems().value(0)->text(), QStringLiteral("700"));
}

// The extra-half-bit lesson's last step shows Q4_K's second super-block.
void TestUiBlockInspector::lessonSelectsBlock()
{
    MainWindow w(test::windowOptions(false));
    w.resize(1280, 720);
    w.show();
    const Lesson l = findLesson(QStringLiteral("extra-half-bit"));
    w.applyLesson(l, 3);
    QVERIFY(test::waitForCurrent(w));
    QVERIFY(w.waitForView(20000));
    QCOMPARE(w.currentTabName(), QStringLiteral("block-inspector"));
    auto* v = qobject_cast<BlockInspectorView*>(w.analysisView(QStringLiteral("block-inspector")));
    QCOMPARE(v->currentBlock(), int64_t(1));
    QCOMPARE(v->anatomy().elements.front().index, int64_t(256));
    w.applyLesson(l, 0);
    QVERIFY(test::waitForCurrent(w));
    QVERIFY(w.waitForView(20000));
    QCOMPARE(v->currentBlock(), int64_t(0));
    QCOMPARE(v->anatomy().bytes.size(), size_t(18)); // Q4_0
}

QTEST_MAIN(TestUiBlockInspector)
#include "tst_ui_block_inspector.moc"
