// The Model view through its widgets, headless: the table shows a known report's numbers, sorts,
// filters and gives way to its scheme columns when narrow; the heatmap's cells have the viridis
// colours and tooltips of their values; the planner's slider gives planAssignment's plan; a
// double-click opens the tensor with the scheme; the exports write their files. In the window: a
// GGUF model written here is measured by Run, and a double-clicked cell shows the same numbers in
// the explorer.
#include "core/config/choices.h"
#include "core/io/gguf_writer.h"
#include "core/io/npy.h"
#include "core/model/planner.h"
#include "tests/support/ui_test_support.h"
#include "ui/charts/chart_fit.h"
#include "ui/charts/color_scale.h"
#include "ui/panels/importance_row.h"
#include "ui/panels/quant_panel.h"
#include "ui/views/model_heatmap.h"
#include "ui/views/model_planner.h"
#include "ui/views/model_table.h"
#include "ui/views/model_view.h"

#include <QChart>
#include <QFile>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScatterSeries>
#include <QSet>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QToolTip>
#include <QtTest>

#include <cmath>
#include <random>

using namespace qs;
using namespace qs::ui;

namespace {

// rel RMSE per tensor (rows) and scheme (q8_0, q4_k, nf4); NaN: the scheme does not apply.
const double kNaN = std::nan("");
const double kRel[6][3] = {{0.004, 0.05, 0.07}, {0.006, 0.08, 0.10}, {0.009, 0.11, 0.13},
                           {0.007, 0.09, 0.12}, {0.012, 0.14, kNaN}, {kNaN, kNaN, kNaN}};
const double kBits[3] = {8.5, 4.5, 4.25};

struct Row {
    const char* name;
    TensorKind kind;
    int layer;
    std::vector<int64_t> shape;
};
const Row kRows[6] = {{"model.embed_tokens.weight", TensorKind::Embedding, -1, {16, 256}},
                      {"model.layers.0.self_attn.q_proj.weight", TensorKind::AttnQ, 0, {8, 256}},
                      {"model.layers.0.mlp.down_proj.weight", TensorKind::MlpDown, 0, {8, 256}},
                      {"model.layers.1.self_attn.q_proj.weight", TensorKind::AttnQ, 1, {8, 256}},
                      {"model.layers.1.mlp.down_proj.weight", TensorKind::MlpDown, 1, {8, 256}},
                      {"model.norm.weight", TensorKind::Norm, -1, {256}}};

// Every tensor has RMS 1, so signal energy = params and SSE = rel RMSE^2 * params.
SchemeMetrics metrics(double rel, double bits, int64_t params)
{
    SchemeMetrics m;
    if (std::isnan(rel)) { // kept as the file stores it (float32)
        m.skipped = "kept as stored";
        m.bytes = 4 * params;
        m.bitsPerElement = 32;
        m.signalEnergy = double(params);
        return m;
    }
    m.ok = true;
    m.relRmse = m.rmse = rel;
    m.sqnrDb = -20 * std::log10(rel);
    m.cosine = 1 - rel * rel / 2;
    m.maxAbsError = 4 * rel;
    m.medianAbsError = 0.6 * rel;
    m.p95AbsError = 2 * rel;
    m.bitsPerElement = bits;
    m.bytes = int64_t(bits * double(params) / 8);
    m.signalEnergy = double(params);
    m.sse = rel * rel * double(params);
    return m;
}

std::shared_ptr<ModelReport> knownReport()
{
    auto r = std::make_shared<ModelReport>();
    r->path = "model.safetensors";
    r->percentileMethod = "exact";
    const char* names[3] = {"q8_0", "q4_k", "nf4"};
    const Scheme schemes[3] = {Scheme::Q8_0, Scheme::Q4_K, Scheme::NF4};
    for (int s = 0; s < 3; ++s) {
        ModelScheme m;
        m.name = names[s];
        m.config.scheme = schemes[s];
        r->schemes.push_back(m);
    }
    for (int i = 0; i < 6; ++i) {
        TensorReport t;
        t.name = kRows[i].name;
        t.shape = kRows[i].shape;
        t.params = t.shape.size() == 2 ? t.shape[0] * t.shape[1] : t.shape[0];
        t.stored = "F32";
        t.role = {kRows[i].layer, kRows[i].kind};
        t.rms = 1;
        for (int s = 0; s < 3; ++s)
            t.results.push_back(metrics(kRel[i][s], kBits[s], t.params));
        r->tensors.push_back(t);
    }
    aggregateModelReport(*r);
    return r;
}

std::vector<TensorInfo> knownMembers()
{
    std::vector<TensorInfo> out;
    for (const Row& row : kRows) {
        TensorInfo info;
        info.name = row.name;
        info.shape = row.shape;
        info.numel = row.shape.size() == 2 ? row.shape[0] * row.shape[1] : row.shape[0];
        info.dtype = "F32";
        info.bytes = 4 * info.numel;
        out.push_back(info);
    }
    return out;
}

// The names of the table's rows as shown.
QStringList shownNames(const ModelView& v)
{
    QStringList out;
    const auto* m = v.table()->model();
    for (int r = 0; r < m->rowCount(); ++r)
        out << m->index(r, ModelTableModel::NameColumn).data().toString();
    return out;
}

// A GGUF model of normal(0, 1) F32 tensors in two layers, an embedding and a norm.
QString writeModel()
{
    GgufWriter w;
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0, 1);
    const GgmlTypeInfo& f32 = *ggmlTypeByName("F32");
    for (const char* name : {"token_embd.weight", "blk.0.attn_q.weight", "blk.0.ffn_down.weight",
                             "blk.1.attn_q.weight", "blk.1.ffn_down.weight"}) {
        std::vector<float> v(16 * 256);
        for (float& x : v)
            x = normal(rng);
        w.addFloatTensor(name, {16, 256}, f32, v.data());
    }
    std::vector<float> norm(256, 1.0f);
    w.addFloatTensor("output_norm.weight", {256}, f32, norm.data());
    const QString path = test::tmpPath(QStringLiteral("model.gguf"));
    w.write(path.toStdString());
    return path;
}

// A double click as a mouse delivers it: press, release, then a press that the window system
// turns into a double click, and its release.
void doubleClick(QWidget* w, QPoint at)
{
    QTest::mouseClick(w, Qt::LeftButton, {}, at);
    const QPointF local(at), global(w->mapToGlobal(at));
    QMouseEvent dbl(QEvent::MouseButtonDblClick, local, global, Qt::LeftButton, Qt::LeftButton,
                    Qt::NoModifier);
    QApplication::sendEvent(w, &dbl);
    QTest::mouseRelease(w, Qt::LeftButton, {}, at);
}

} // namespace

class TestUiModelView : public QObject {
    Q_OBJECT
private slots:
    void tableShowsReport();
    void tableSorts();
    void tableFilters();
    void tableFitsNarrowView();
    void heatmapColoursAndTips();
    void heatmapLabelsFit();
    void heatmapLegendTicksDistinct();
    void plannerFollowsSlider();
    void paretoChart();
    void doubleClickOpensTensor();
    void exportsWrite();
    void windowRunsModel();
};

void TestUiModelView::tableShowsReport()
{
    ModelView v;
    v.setModelFile(QStringLiteral("model.safetensors"), knownMembers());
    QCOMPARE(v.tableModel()->rowCount(), 6);
    QCOMPARE(v.tableModel()->columnCount(), int(ModelTableModel::FirstSchemeColumn));
    v.setReport(knownReport());
    ModelTableModel& m = *v.tableModel();
    QCOMPARE(m.columnCount(), ModelTableModel::FirstSchemeColumn + 3);
    QCOMPARE(m.headerData(m.schemeColumn(1), Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("q4_k"));
    QCOMPARE(m.index(2, ModelTableModel::NameColumn).data().toString(),
             QStringLiteral("model.layers.0.mlp.down_proj.weight"));
    QCOMPARE(m.index(2, ModelTableModel::KindColumn).data().toString(), QStringLiteral("mlp_down"));
    QCOMPARE(m.index(2, ModelTableModel::LayerColumn).data().toString(), QStringLiteral("0"));
    QCOMPARE(m.index(0, ModelTableModel::LayerColumn).data().toString(), QStringLiteral("–"));
    QCOMPARE(m.index(0, ModelTableModel::ShapeColumn).data().toString(), QStringLiteral("16x256"));
    QCOMPARE(m.index(0, ModelTableModel::ParamsColumn).data().toString(), QStringLiteral("4.1 K"));
    QCOMPARE(m.index(2, m.schemeColumn(1)).data().toString(), QStringLiteral("0.11"));
    QCOMPARE(m.index(4, m.schemeColumn(2)).data().toString(), QStringLiteral("–"));
    QVERIFY(m.index(2, m.schemeColumn(1))
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("SQNR dB 19.17")));
    v.setMetric(ModelMetric::SqnrDb); // -20 log10(0.11)
    QCOMPARE(m.index(2, m.schemeColumn(1)).data().toString(), QStringLiteral("19.17"));
    v.setMetric(ModelMetric::Bytes); // 4.5 bits x 2048
    QCOMPARE(m.index(2, m.schemeColumn(1)).data().toString(), QStringLiteral("1.1 KiB"));
    QCOMPARE(m.index(2, m.schemeColumn(1)).data(ModelTableModel::SortRole).toDouble(), 1152.0);
}

void TestUiModelView::tableSorts()
{
    ModelView v;
    v.setReport(knownReport());
    v.table()->sortByColumn(v.tableModel()->schemeColumn(1), Qt::AscendingOrder);
    QCOMPARE(shownNames(v),
             (QStringList{"model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                          "model.layers.1.self_attn.q_proj.weight",
                          "model.layers.0.mlp.down_proj.weight",
                          "model.layers.1.mlp.down_proj.weight", "model.norm.weight"}));
    v.table()->sortByColumn(v.tableModel()->schemeColumn(2), Qt::DescendingOrder);
    QStringList names = shownNames(v); // the two without nf4 last, in either order
    QCOMPARE(names.mid(0, 4),
             (QStringList{"model.layers.0.mlp.down_proj.weight",
                          "model.layers.1.self_attn.q_proj.weight",
                          "model.layers.0.self_attn.q_proj.weight", "model.embed_tokens.weight"}));
    v.table()->sortByColumn(ModelTableModel::ParamsColumn, Qt::DescendingOrder);
    QCOMPARE(shownNames(v).first(), QStringLiteral("model.embed_tokens.weight"));
    QCOMPARE(shownNames(v).last(), QStringLiteral("model.norm.weight"));
    v.table()->sortByColumn(ModelTableModel::LayerColumn, Qt::DescendingOrder);
    QCOMPARE(shownNames(v).mid(0, 2), (QStringList{"model.layers.1.self_attn.q_proj.weight",
                                                   "model.layers.1.mlp.down_proj.weight"}));
}

void TestUiModelView::tableFilters()
{
    ModelView v;
    v.setReport(knownReport());
    QTest::keyClicks(v.filterEdit(), QStringLiteral("MLP"));
    QCOMPARE(shownNames(v), (QStringList{"model.layers.0.mlp.down_proj.weight",
                                         "model.layers.1.mlp.down_proj.weight"}));
    v.filterEdit()->setText(QStringLiteral("layer:1"));
    QCOMPARE(shownNames(v), (QStringList{"model.layers.1.self_attn.q_proj.weight",
                                         "model.layers.1.mlp.down_proj.weight"}));
    v.filterEdit()->setText(QStringLiteral("kind:attn_q layer:0"));
    QCOMPARE(shownNames(v), (QStringList{"model.layers.0.self_attn.q_proj.weight"}));
    v.filterEdit()->setText(QStringLiteral("embedding"));
    QCOMPARE(shownNames(v), (QStringList{"model.embed_tokens.weight"}));
    v.filterEdit()->setText(QStringLiteral("kind:attn"));
    QCOMPARE(shownNames(v), QStringList());
    v.filterEdit()->clear();
    QCOMPARE(shownNames(v).size(), 6);
}

// As at 1280x720 with both side panels: the names give way (at most 30 % of the table) so that
// the scheme columns show without scrolling.
void TestUiModelView::tableFitsNarrowView()
{
    ModelView v;
    v.setModelFile(QStringLiteral("model.safetensors"), knownMembers());
    v.setReport(knownReport());
    v.resize(1000, 480); // the names fitted to a wide table first, then the view narrowed
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    const QTableView* t = v.table();
    const QAbstractItemView* view = t; // sizeHintForColumn is public here
    const int wholeName = view->sizeHintForColumn(ModelTableModel::NameColumn);
    QTRY_COMPARE(t->columnWidth(ModelTableModel::NameColumn), wholeName); // room: whole names
    v.resize(640, 480);
    QTRY_VERIFY(v.table()->viewport()->width() < 640);
    const int width = t->viewport()->width();
    QVERIFY2(width > 500 && width < 640, qPrintable(QString::number(width)));
    const int nameWidth = t->columnWidth(ModelTableModel::NameColumn);
    QVERIFY2(nameWidth <= std::max(160, width * 3 / 10), qPrintable(QString::number(nameWidth)));
    QVERIFY(nameWidth < wholeName); // cut
    for (int s = 0; s < 3; ++s) {
        const int c = v.tableModel()->schemeColumn(s);
        QVERIFY2(t->columnViewportPosition(c) + t->columnWidth(c) <= width,
                 qPrintable(QStringLiteral("scheme %1 ends at %2 of %3")
                                .arg(s)
                                .arg(t->columnViewportPosition(c) + t->columnWidth(c))
                                .arg(width)));
        QVERIFY(t->columnWidth(c) >= view->sizeHintForColumn(c)); // numbers never elided
    }
    QVERIFY(t->itemDelegateForColumn(ModelTableModel::NameColumn) != nullptr); // front elided
}

void TestUiModelView::heatmapColoursAndTips()
{
    ModelView v;
    v.resize(900, 700);
    v.setModelFile(QStringLiteral("model.safetensors"), knownMembers());
    v.setReport(knownReport());
    v.setHeatmapScheme(1);
    v.showPage(QStringLiteral("heatmap"));
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    ModelHeatmap& h = *v.heatmap();
    const HeatmapGrid& g = h.grid();
    QCOMPARE(g.layers, (std::vector<int>{0, 1, -1}));
    QCOMPARE(g.kinds, (std::vector<TensorKind>{TensorKind::AttnQ, TensorKind::MlpDown,
                                               TensorKind::Embedding, TensorKind::Norm}));
    QCOMPARE(g.at(0, 1).value, 0.11);
    QVERIFY(!g.scale.log);
    // The scale runs from 0.05 (embedding) to 0.14 (layer 1's mlp_down).
    QCOMPARE(h.cellColor(2, 2), QColor(0x44, 0x01, 0x54));
    QCOMPARE(h.cellColor(1, 1), QColor(0xfd, 0xe7, 0x25));
    // 0.11 sits at 2/3: a third of the way from stop 5 (#28ae80) to stop 6 (#5ec962).
    QCOMPARE(h.cellColor(0, 1), QColor(58, 183, 118));
    QCOMPARE(viridis(2.0 / 3), QColor(58, 183, 118));
    QVERIFY(std::isnan(g.at(2, 3).value)); // the norm has no result
    QVERIFY(g.at(0, 2).tensors.empty());
    // What is painted is the colour.
    const QImage image = h.grab().toImage();
    for (auto [r, c] : {std::pair{0, 1}, {1, 1}, {2, 2}, {0, 0}}) {
        const QPoint p = h.cellRect(r, c).topLeft() + QPoint(2, 2);
        QCOMPARE(image.pixelColor(p * image.devicePixelRatio()), h.cellColor(r, c));
    }
    const QString tip = h.cellToolTip(0, 1);
    QVERIFY2(tip.contains(QStringLiteral("layer 0 · mlp_down — rel RMSE 0.11 under q4_k")),
             qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("model.layers.0.mlp.down_proj.weight")));
    QVERIFY(tip.contains(QStringLiteral("SQNR dB 19.17")));
    QCOMPARE(h.cellToolTip(0, 2), QStringLiteral("layer 0 · embedding: no tensor"));
    QCOMPARE(h.cellAt(h.cellRect(1, 0).center()), QPoint(0, 1));
    // Another metric and scheme.
    v.setMetric(ModelMetric::SqnrDb);
    v.setHeatmapScheme(0);
    QCOMPARE(h.scheme(), 0);
    QCOMPARE(h.grid().at(0, 1).value, -20 * std::log10(0.009));
}

// At the sizes the window gives it, every label is whole and none overlaps another.
void TestUiModelView::heatmapLabelsFit()
{
    ModelHeatmap h;
    auto report = knownReport();
    h.setReport(report, 1, ModelMetric::RelRmse);
    for (QSize size : {QSize(560, 420), QSize(380, 300), QSize(1100, 600)}) {
        h.resize(size);
        const QList<ModelHeatmap::Label> labels = h.labels();
        QVERIFY(labels.size() > 8);
        for (int i = 0; i < labels.size(); ++i) {
            const auto& a = labels[i];
            const int need = h.fontMetrics().horizontalAdvance(a.text);
            QVERIFY2(need <= std::max(a.rect.width(), a.rect.height()),
                     qPrintable(QStringLiteral("%1 cut at %2x%3")
                                    .arg(a.text)
                                    .arg(size.width())
                                    .arg(size.height())));
            QVERIFY(QRect(QPoint(0, 0), size).contains(a.rect));
            for (int j = i + 1; j < labels.size(); ++j)
                QVERIFY2(!a.rect.intersects(labels[j].rect),
                         qPrintable(a.text + " overlaps " + labels[j].text));
        }
    }
}

// Legend ticks over a narrow range are told apart: fewer ticks, or as many digits as their step
// needs (rel RMSE between 0.00536 and 0.00537 had nine ticks, 0.00536 to 0.005368, all written
// 0.00536 or 0.00537).
void TestUiModelView::heatmapLegendTicksDistinct()
{
    auto report = knownReport();
    for (size_t i = 0; i < report->tensors.size(); ++i)
        for (SchemeMetrics& m : report->tensors[i].results) {
            m.relRmse = 0.00536 + 0.000002 * double(i); // cells sum the energies
            m.sse = m.relRmse * m.relRmse * m.signalEnergy;
        }
    ModelHeatmap h;
    h.setReport(report, 0, ModelMetric::RelRmse);
    h.resize(560, 420);
    QStringList ticks;
    for (const ModelHeatmap::Label& l : h.labels())
        if (l.text.startsWith(QStringLiteral("0.00")))
            ticks << l.text;
    QVERIFY2(ticks.size() >= 2, qPrintable(ticks.join(' ')));
    QCOMPARE(QSet<QString>(ticks.begin(), ticks.end()).size(), ticks.size());
}

void TestUiModelView::plannerFollowsSlider()
{
    ModelView v;
    v.setModelFile(QStringLiteral("model.safetensors"), knownMembers());
    auto report = knownReport();
    v.setReport(report);
    ModelPlanner& p = *v.planner();
    QVERIFY(p.slider()->isEnabled());
    // The smallest plan: nf4 where it applies, q4_k for the last mlp_down, the norm as stored
    // (1 KiB); the largest: q8_0 everywhere.
    const int64_t smallest = 2176 + 1088 * 3 + 1152 + 1024, largest = 4352 + 2176 * 4 + 1024;
    const int64_t params = 4096 + 4 * 2048 + 256;
    QCOMPARE(p.minBpw(), 8.0 * double(smallest) / double(params));
    QCOMPARE(p.maxBpw(), 8.0 * double(largest) / double(params));
    p.slider()->setValue(p.slider()->minimum());
    QCOMPARE(p.schemeOfTensor(), (std::vector<int>{2, 2, 2, 2, 1, -1}));
    p.slider()->setValue(p.slider()->maximum());
    QCOMPARE(p.schemeOfTensor(), (std::vector<int>{0, 0, 0, 0, 0, -1}));
    QCOMPARE(v.tableModel()->index(5, ModelTableModel::PlanColumn).data().toString(),
             QStringLiteral("stored"));
    // In between: planAssignment's choice for the budget, in the table's plan column.
    std::vector<PlanTensor> tensors;
    for (const TensorReport& t : report->tensors) {
        PlanTensor pt{t.name, t.params, {}};
        for (int s = 0; s < 3; ++s)
            if (t.results[size_t(s)].ok)
                pt.options.push_back({s, t.results[size_t(s)].bytes, t.results[size_t(s)].sse});
        if (pt.options.empty())
            pt.options.push_back({-1, 4 * t.params, 0.0});
        tensors.push_back(pt);
    }
    QSignalSpy changed(&p, &ModelPlanner::planChanged);
    for (double bpw : {5.0, 6.2, 7.5}) {
        p.setBudgetBpw(bpw);
        QCOMPARE(p.budgetBpw(), bpw);
        const Plan expected = planAssignment(tensors, int64_t(std::floor(bpw * params / 8)));
        QCOMPARE(p.plan().choice, expected.choice);
        QCOMPARE(p.plan().error, expected.error);
        for (int i = 0; i < 6; ++i) {
            const int s = tensors[size_t(i)].options[size_t(expected.choice[size_t(i)])].scheme;
            QCOMPARE(v.tableModel()->index(i, ModelTableModel::PlanColumn).data().toString(),
                     s < 0 ? QStringLiteral("stored")
                           : QString::fromStdString(report->schemes[size_t(s)].name));
        }
        QVERIFY(p.summary().contains(QString::number(expected.bitsPerElement, 'f', 3)));
    }
    QVERIFY(changed.count() >= 3);
}

void TestUiModelView::paretoChart()
{
    ModelView v;
    v.setModelFile(QStringLiteral("model.safetensors"), knownMembers());
    auto report = knownReport();
    v.setReport(report);
    QChart* chart = v.paretoChart();
    auto* q4k = chart->findChild<QScatterSeries*>(QStringLiteral("scheme:q4_k"));
    QVERIFY(!chart->findChild<QScatterSeries*>(QStringLiteral("tensors:q4_k")));
    bool found = false;
    for (QAbstractSeries* s : chart->series())
        if (s->objectName() == QStringLiteral("scheme:q4_k")) {
            auto* xy = static_cast<QScatterSeries*>(s);
            QCOMPARE(xy->count(), 1);
            QCOMPARE(xy->at(0).x(), report->totals[1].bitsPerElement);
            QCOMPARE(xy->at(0).y(), report->totals[1].sse);
            found = true;
        }
    QVERIFY(found || q4k);
    // Every scheme is named once by the labels (above or below its point, or with a neighbour).
    QStringList labelled;
    for (QAbstractSeries* s : chart->series())
        if (auto* xy = qobject_cast<QXYSeries*>(s); xy && xy->pointLabelsVisible())
            labelled << xy->pointLabelsFormat().split(QStringLiteral(", "));
    labelled.sort();
    QCOMPARE(labelled, (QStringList{"nf4", "q4_k", "q8_0"}));
    // Hovering a scheme's point shows its numbers.
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    for (QAbstractSeries* s : v.paretoChart()->series())
        if (s->objectName() == QStringLiteral("scheme:q4_k"))
            emit static_cast<QXYSeries*>(s)->hovered(static_cast<QXYSeries*>(s)->at(0), true);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), QStringLiteral("q4_k\n%1 bits per weight, model SSE %2")
                                   .arg(report->totals[1].bitsPerElement, 0, 'f', 3)
                                   .arg(report->totals[1].sse, 0, 'g', 4));
    v.showTensorPoints(true);
    int tensorPoints = -1, curve = -1, choice = -1;
    for (QAbstractSeries* s : v.paretoChart()->series()) {
        auto* xy = static_cast<QXYSeries*>(s);
        if (s->objectName() == QStringLiteral("tensors:q4_k"))
            tensorPoints = xy->count();
        else if (s->objectName() == QStringLiteral("planCurve"))
            curve = xy->count();
        else if (s->objectName() == QStringLiteral("planChoice")) {
            choice = xy->count();
            QCOMPARE(xy->at(0).x(), v.planner()->plan().bitsPerElement);
            QCOMPARE(xy->at(0).y(), v.planner()->plan().error);
        }
    }
    QCOMPARE(tensorPoints, 5);
    QVERIFY(curve >= 2);
    QCOMPARE(choice, 1);
    // The legend's sample of the plan is the square the chart draws, not a round dot.
    const auto swatchOf = [&](const QString& name) -> QGraphicsItem* {
        for (QGraphicsItem* item : v.paretoChart()->scene()->items())
            if (auto* text = qgraphicsitem_cast<QGraphicsSimpleTextItem*>(item);
                text && text->text().replace(QLatin1Char('\n'), QLatin1Char(' ')) == name &&
                text->parentItem()) {
                const QList<QGraphicsItem*> entries = text->parentItem()->childItems();
                const qsizetype at = entries.indexOf(text);
                return at > 0 ? entries[at - 1] : nullptr;
            }
        return nullptr;
    };
    chartcommon::ChartFit* fit = chartcommon::ChartFit::of(v.paretoChart());
    QVERIFY(fit);
    fit->refit(); // the Pareto page is not the current one: lay its legend out as shown
    QGraphicsItem* planSwatch = swatchOf(QStringLiteral("plan at the budget"));
    QVERIFY(planSwatch);
    auto* square = qgraphicsitem_cast<QGraphicsRectItem*>(planSwatch);
    QVERIFY(square);
    QCOMPARE(square->rect().width(), square->rect().height());
}

void TestUiModelView::doubleClickOpensTensor()
{
    ModelView v;
    v.resize(1000, 700);
    v.setModelFile(QStringLiteral("/models/model.safetensors"), knownMembers());
    auto report = knownReport();
    v.setReport(report);
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    QSignalSpy opened(&v, &ModelView::tensorRequested);
    QSignalSpy configs(&v, &AnalysisView::configRequested);
    QTableView* t = v.table();
    const QModelIndex cell = t->model()->index(2, v.tableModel()->schemeColumn(1));
    t->scrollTo(cell);
    doubleClick(t->viewport(), t->visualRect(cell).center());
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened[0][0].toString(), QStringLiteral("/models/model.safetensors"));
    QCOMPARE(opened[0][1].toString(), QStringLiteral("model.layers.0.mlp.down_proj.weight"));
    QCOMPARE(configs.count(), 1);
    QCOMPARE(configs[0][0].value<QuantConfig>().scheme, Scheme::Q4_K);
    // A heatmap cell: the tensor with the heatmap's scheme.
    v.setHeatmapScheme(2);
    v.showPage(QStringLiteral("heatmap"));
    ModelHeatmap* h = v.heatmap();
    doubleClick(h, h->cellRect(1, 0).center());
    QCOMPARE(opened.count(), 2);
    QCOMPARE(opened[1][1].toString(), QStringLiteral("model.layers.1.self_attn.q_proj.weight"));
    QCOMPARE(configs[1][0].value<QuantConfig>().scheme, Scheme::NF4);
}

void TestUiModelView::exportsWrite()
{
    ModelView v;
    v.resize(1000, 700);
    v.setModelFile(QStringLiteral("model.safetensors"), knownMembers());
    v.setReport(knownReport());
    v.table()->sortByColumn(v.tableModel()->schemeColumn(1), Qt::DescendingOrder);
    v.filterEdit()->setText(QStringLiteral("layer:0"));
    QString error;
    const QString csv = test::tmpPath(QStringLiteral("model.csv"));
    QVERIFY2(v.exportTableCsv(csv, &error), qPrintable(error));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    QCOMPARE(lines[0], QStringLiteral("# rel RMSE per scheme"));
    QCOMPARE(lines[1], QStringLiteral("name,kind,layer,shape,params,stored,plan,q8_0,q4_k,nf4"));
    const QString plan0 = v.tableModel()->index(2, ModelTableModel::PlanColumn).data().toString();
    QCOMPARE(lines[2], QStringLiteral("model.layers.0.mlp.down_proj.weight,mlp_down,0,8x256,2048,"
                                      "F32,%1,0.009,0.11,0.13")
                           .arg(plan0));
    QVERIFY(lines[3].startsWith(QStringLiteral("model.layers.0.self_attn.q_proj.weight,")));
    QCOMPARE(lines.size(), 5); // two rows and the final newline
    for (const QString name : {"heatmap.png", "heatmap.svg", "heatmap.pdf"}) {
        QVERIFY2(v.exportHeatmap(test::tmpPath(name), ExportOptions(), &error), qPrintable(error));
        QVERIFY(QFileInfo(test::tmpPath(name)).size() > 1000);
    }
    const QImage png(test::tmpPath(QStringLiteral("heatmap.png")));
    QCOMPARE(png.size(), ExportOptions().size);
    for (const QString name : {"pareto.png", "pareto.svg", "pareto.pdf"}) {
        QVERIFY2(v.exportPareto(test::tmpPath(name), ExportOptions(), &error), qPrintable(error));
        QVERIFY(QFileInfo(test::tmpPath(name)).size() > 1000);
    }
    const QString json = test::tmpPath(QStringLiteral("report.json"));
    QVERIFY2(v.exportReport(json, &error), qPrintable(error));
    QFile j(json);
    QVERIFY(j.open(QIODevice::ReadOnly));
    const QByteArray text = j.readAll();
    QVERIFY(text.contains("\"model.layers.0.mlp.down_proj.weight\""));
    QVERIFY(text.contains("\"q4_k\""));
}

// The real window: a GGUF model opened, measured by Run, a cell double-clicked.
void TestUiModelView::windowRunsModel()
{
    const QString path = writeModel();
    MainWindow w(test::windowOptions(false));
    w.resize(1280, 720);
    w.show();
    ModelView* v = test::showModelView(w, path);
    QVERIFY(v && v->isVisible());
    QCOMPARE(v->modelPath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(v->tableModel()->rowCount(), 6);
    // A mistyped scheme: the closest name, in one line; every valid name in the tooltip.
    v->setSchemes(QStringLiteral("q8_0,q4k"));
    QVERIFY(!v->run());
    QCOMPARE(v->statusText(),
             QStringLiteral("unknown scheme 'q4k'; did you mean 'q4_k'? Give a preset … (the Add "
                            "menu lists every valid name; the whole message is in the tooltip)"));
    QVERIFY(v->findChild<QLabel*>(QStringLiteral("modelStatus"))->toolTip().contains("ggml-q4_k"));
    v->setSchemes(QStringLiteral("q8_0,q4_0"));
    QTest::keyClick(v, Qt::Key_R, Qt::ControlModifier); // Run
    QVERIFY(v->isComputing());
    QTRY_VERIFY_WITH_TIMEOUT(!v->isComputing(), 60000);
    QVERIFY2(v->report() && v->report()->schemes.size() == 2, qPrintable(v->statusText()));
    QCOMPARE(v->report()->tensors.size(), size_t(6));
    const auto report = v->report();
    // The window still shrinks to its smallest size with the workbench shown in full.
    w.resize(1024, 640);
    QCoreApplication::processEvents();
    QCOMPARE(w.size(), QSize(1024, 640));
    QVERIFY(v->width() >= v->minimumSizeHint().width());
    w.resize(1280, 720);
    QCoreApplication::processEvents();
    int row = -1;
    for (int r = 0; r < 6; ++r)
        if (report->tensors[size_t(r)].name == "blk.1.ffn_down.weight")
            row = r;
    QVERIFY(row >= 0);
    const SchemeMetrics& m = report->tensors[size_t(row)].results[1];
    QVERIFY(m.ok);
    const QModelIndex cell = v->tableModel()->index(row, v->tableModel()->schemeColumn(1));
    QCOMPARE(cell.data().toString(), formatModelMetric(m.relRmse, ModelMetric::RelRmse));
    // Double-click: the explorer shows that tensor under q4_0, with the report's numbers.
    const QModelIndex shown = v->tableFilter()->mapFromSource(cell);
    v->table()->scrollTo(shown);
    doubleClick(v->table()->viewport(), v->table()->visualRect(shown).center());
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor()->name == "blk.1.ffn_down.weight", 20000);
    QVERIFY(test::waitForCurrent(w));
    QCOMPARE(w.currentTabName(), QStringLiteral("values"));
    QCOMPARE(w.config().scheme, Scheme::Q4_0);
    QCOMPARE(w.result()->metrics.rmse, m.rmse);
    QCOMPARE(w.result()->metrics.maxAbsError, m.maxAbsError);
    // Back on the Model view the report is still there.
    QVERIFY(w.setCurrentTab(QStringLiteral("model")));
    QCOMPARE(v->report(), report);
    // With the quantization panel's importance file the report weighs the errors, and so does
    // the planner.
    const QString importance = test::tmpPath(QStringLiteral("importance.npy"));
    const std::vector<float> weights(256, 1.0f);
    writeNpyFloat32(importance.toStdString(), {256}, weights);
    QCOMPARE(w.quantPanel()->importance()->setFile(importance), QString());
    QVERIFY(v->run());
    QTRY_VERIFY_WITH_TIMEOUT(!v->isComputing(), 60000);
    QVERIFY(v->report() != report);
    QVERIFY(std::isfinite(v->report()->tensors[size_t(row)].results[1].weightedSse));
    QVERIFY(v->planner()->weighted());
    // Cancel stops a run at once and keeps the report shown.
    const auto weighted = v->report();
    QVERIFY(v->run());
    QVERIFY(v->isComputing() && v->cancelButton()->isEnabled());
    QTest::mouseClick(v->cancelButton(), Qt::LeftButton);
    QVERIFY(!v->isComputing());
    QVERIFY(v->runButton()->isEnabled());
    QCOMPARE(v->statusText(), QStringLiteral("Cancelled."));
    QTest::qWait(300); // the worker's outcome, when it comes, is dropped
    QCOMPARE(v->report(), weighted);
    // Patterns that leave no tensor say so, instead of an empty table and "0 tensors".
    auto* include = v->findChild<QLineEdit*>(QStringLiteral("modelInclude"));
    QVERIFY(include);
    include->setText(QStringLiteral("^nothing"));
    QVERIFY(v->run());
    QTRY_VERIFY_WITH_TIMEOUT(!v->isComputing(), 60000);
    QVERIFY(v->report() && v->report()->tensors.empty());
    QVERIFY2(v->statusText().startsWith(QStringLiteral("No tensor is left by the include and "
                                                       "exclude patterns")),
             qPrintable(v->statusText()));
    QCOMPARE(v->tableModel()->rowCount(), 0);
    QCOMPARE(v->planner()->summary(), QStringLiteral("Plan: the report has no tensor to plan."));
}

QTEST_MAIN(TestUiModelView)
#include "tst_ui_model_view.moc"
