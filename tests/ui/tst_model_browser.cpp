// The model browser: the tree of dotted tensor names in natural order, group totals, the filter,
// activation by mouse and keyboard, a 5,000-tensor model, and the window picking a tensor of the
// GGUF reference fixture through it.
#include "core/io/tensor_file.h"
#include "tests/support/ui_test_support.h"
#include "ui/panels/model_browser.h"
#include "ui/panels/model_tree.h"
#include "ui/panels/source_panel.h"
#include "ui/window/main_window.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtTest>

using namespace qs;
using namespace qs::ui;

namespace {

TensorInfo info(const char* name, const char* dtype, std::vector<int64_t> shape, int64_t bytes,
                double bitsPerWeight = 0)
{
    TensorInfo t;
    t.name = name;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.numel = shapeProduct(t.shape);
    t.bytes = bytes;
    t.bitsPerWeight = bitsPerWeight;
    return t;
}

// Six tensors: numbered layers out of order, a group of two, groups holding one tensor.
std::vector<TensorInfo> smallModel()
{
    return {info("model.layers.10.mlp.weight", "BF16", {4, 8}, 64),
            info("model.layers.2.mlp.weight", "BF16", {4, 8}, 64),
            info("model.layers.2.attn.q.weight", "Q4_K", {2, 256}, 288, 4.5),
            info("model.layers.2.attn.q.bias", "F32", {256}, 1024),
            info("model.embed.weight", "F16", {10, 4}, 80),
            info("lm_head.weight", "F32", {10, 4}, 160)};
}

// The labels of the rows under `parent`.
QStringList labels(const ModelTreeModel& m, const QModelIndex& parent = {})
{
    QStringList out;
    for (int r = 0; r < m.rowCount(parent); ++r)
        out << m.index(r, 0, parent).data().toString();
    return out;
}

// The row labelled `label` under `parent`.
QModelIndex child(const ModelTreeModel& m, const QString& label, const QModelIndex& parent = {})
{
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (m.index(r, 0, parent).data().toString() == label)
            return m.index(r, 0, parent);
    return {};
}

QString cell(const QModelIndex& index, int column)
{
    return index.siblingAtColumn(column).data().toString();
}

} // namespace

class TestModelBrowser : public QObject {
    Q_OBJECT
private slots:
    void formatting();
    void naturalOrder();
    void treeAndTotals();
    void filterKeepsAncestors();
    void activation();
    void narrowKeepsNames();
    void keyboard();
    void currentAndSameList();
    void fiveThousandTensors();
    void singleTensorNeedsNoTree();
    void windowPicksGgufTensor();
};

void TestModelBrowser::formatting()
{
    QCOMPARE(formatCount(912), QStringLiteral("912"));
    QCOMPARE(formatCount(3'400'000), QStringLiteral("3.4 M"));
    QCOMPARE(formatCount(131'000'000), QStringLiteral("131 M"));
    QCOMPARE(formatCount(6'738'415'616), QStringLiteral("6.7 B"));
    QCOMPARE(formatSize(288), QStringLiteral("288 B"));
    QCOMPARE(formatSize(1440), QStringLiteral("1.4 KiB"));
    QCOMPARE(formatSize(1'258'291), QStringLiteral("1.2 MiB"));
    QCOMPARE(formatSize(4'080'218'931), QStringLiteral("3.8 GiB"));
    const TensorInfo q = info("w", "Q4_K", {256}, 144, 4.5);
    QCOMPARE(storedTypeShort(q), QStringLiteral("Q4_K · 4.5 b/w"));
    QCOMPARE(storedTypeText(q), QStringLiteral("Q4_K, 4.5 bits/weight"));
    QCOMPARE(storedTypeText(info("w", "BF16", {2}, 4)), QStringLiteral("BF16"));
    const TensorInfo q6 = info("w", "Q6_K", {256}, 210, 6.5625);
    QCOMPARE(storedTypeShort(q6), QStringLiteral("Q6_K · 6.56 b/w"));
    QCOMPARE(storedTypeText(q6), QStringLiteral("Q6_K, 6.5625 bits/weight"));
    QCOMPARE(shapeText({4096, 11008}), QStringLiteral("4096x11008"));
    QCOMPARE(shapeText({}), QStringLiteral("scalar"));
}

void TestModelBrowser::naturalOrder()
{
    QVERIFY(naturalLess(QStringLiteral("2"), QStringLiteral("10")));
    QVERIFY(!naturalLess(QStringLiteral("10"), QStringLiteral("2")));
    QVERIFY(naturalLess(QStringLiteral("blk2"), QStringLiteral("blk10")));
    QVERIFY(naturalLess(QStringLiteral("I8"), QStringLiteral("I16")));
    QVERIFY(naturalLess(QStringLiteral("Q5_1"), QStringLiteral("Q5_K")));
    QVERIFY(naturalLess(QStringLiteral("attn"), QStringLiteral("Embed")));
    QVERIFY(naturalLess(QStringLiteral("x9y"), QStringLiteral("x09z")));
    QVERIFY(!naturalLess(QStringLiteral("a"), QStringLiteral("a")));

    ModelTreeModel m;
    m.setTensors({info("layers.10.w", "F32", {1}, 4), info("layers.9.w", "F32", {1}, 4),
                  info("layers.1.w", "F32", {1}, 4), info("layers.2.w", "F32", {1}, 4),
                  info("blk10", "F32", {1}, 4), info("blk2", "F32", {1}, 4)});
    QCOMPARE(labels(m), (QStringList{"blk2", "blk10", "layers"}));
    QCOMPARE(labels(m, child(m, "layers")), (QStringList{"1.w", "2.w", "9.w", "10.w"}));
}

void TestModelBrowser::treeAndTotals()
{
    ModelTreeModel m;
    m.setTensors(smallModel());
    QCOMPARE(m.tensorCount(), 6);
    QCOMPARE(labels(m), (QStringList{"lm_head.weight", "model"}));
    const QModelIndex model = child(m, "model");
    QCOMPARE(labels(m, model), (QStringList{"embed.weight", "layers"}));
    const QModelIndex layers = child(m, "layers", model);
    QCOMPARE(labels(m, layers), (QStringList{"2", "10"}));
    const QModelIndex two = child(m, "2", layers);
    QCOMPARE(labels(m, two), (QStringList{"attn", "mlp.weight"}));
    const QModelIndex q = child(m, "q", child(m, "attn", two));
    QCOMPARE(labels(m, q), (QStringList{"bias", "weight"}));
    QCOMPARE(labels(m, child(m, "10", layers)), QStringList{"mlp.weight"});

    // Totals of each subtree: 32+32+512+256+40 parameters and 64+64+288+1024+80 bytes in model.
    QCOMPARE(model.data(ModelTreeModel::CountRole).toLongLong(), 5);
    QCOMPARE(model.data(ModelTreeModel::ParamsRole).toLongLong(), 872);
    QCOMPARE(model.data(ModelTreeModel::BytesRole).toLongLong(), 1520);
    QCOMPARE(cell(layers, ModelTreeModel::TypeColumn), QStringLiteral("4 tensors"));
    QCOMPARE(cell(layers, ModelTreeModel::ParamsColumn), QStringLiteral("832"));
    QCOMPARE(cell(layers, ModelTreeModel::SizeColumn), QStringLiteral("1.4 KiB"));
    QCOMPARE(cell(two, ModelTreeModel::TypeColumn), QStringLiteral("3 tensors"));
    QCOMPARE(two.data(ModelTreeModel::ParamsRole).toLongLong(), 800);
    QCOMPARE(two.data(ModelTreeModel::BytesRole).toLongLong(), 1376);
    QCOMPARE(m.matchCount(), 6);

    // A tensor row: its name, stored type, shape and sizes.
    const QModelIndex weight = child(m, "weight", q);
    QCOMPARE(m.tensorName(weight), QStringLiteral("model.layers.2.attn.q.weight"));
    QVERIFY(!m.isGroup(weight));
    QVERIFY(m.isGroup(q));
    QCOMPARE(m.tensorName(q), QString());
    QCOMPARE(cell(weight, ModelTreeModel::TypeColumn), QStringLiteral("Q4_K · 4.5 b/w"));
    QCOMPARE(cell(weight, ModelTreeModel::ShapeColumn), QStringLiteral("2x256"));
    QCOMPARE(cell(weight, ModelTreeModel::ParamsColumn), QStringLiteral("512"));
    QCOMPARE(cell(weight, ModelTreeModel::SizeColumn), QStringLiteral("288 B"));
    QVERIFY(weight.data(Qt::ToolTipRole).toString().contains("stored as Q4_K, 4.5 bits/weight"));
    QVERIFY(q.data(Qt::ToolTipRole).toString().contains("model.layers.2.attn.q"));
    QCOMPARE(m.parent(weight), q);
    QCOMPARE(m.parent(model), QModelIndex());
}

void TestModelBrowser::filterKeepsAncestors()
{
    ModelBrowser b;
    b.resize(600, 400);
    b.show();
    b.setTensors(smallModel(), QString());
    QCOMPARE(b.countText(), QStringLiteral("6 tensors"));
    ModelTreeModel& m = *b.model();

    b.filterEdit()->setText(QStringLiteral("Q."));
    QCOMPARE(b.countText(), QStringLiteral("2 of 6 tensors"));
    QCOMPARE(labels(m), QStringList{"model"});
    const QModelIndex model = m.index(0, 0);
    QCOMPARE(labels(m, model), QStringList{"layers"});
    const QModelIndex layers = m.index(0, 0, model);
    QCOMPARE(labels(m, layers), QStringList{"2"});
    const QModelIndex two = m.index(0, 0, layers);
    QCOMPARE(labels(m, two), QStringList{"attn"});
    const QModelIndex attn = m.index(0, 0, two);
    const QModelIndex q = m.index(0, 0, attn);
    QCOMPARE(labels(m, q), (QStringList{"bias", "weight"}));
    for (const QModelIndex& group : {model, layers, two, attn, q})
        QVERIFY(b.view()->isExpanded(group));
    // Totals count the matches: 512 + 256 parameters, 288 + 1024 bytes.
    QCOMPARE(cell(model, ModelTreeModel::TypeColumn), QStringLiteral("2 tensors"));
    QCOMPARE(model.data(ModelTreeModel::ParamsRole).toLongLong(), 768);
    QCOMPARE(model.data(ModelTreeModel::BytesRole).toLongLong(), 1312);

    // Case-insensitive, on the full name: "MLP" matches one tensor in layer 2 and one in 10.
    b.filterEdit()->setText(QStringLiteral("MLP"));
    QCOMPARE(b.countText(), QStringLiteral("2 of 6 tensors"));
    const QModelIndex layers2 = child(m, "layers", child(m, "model"));
    QCOMPARE(labels(m, layers2), (QStringList{"2", "10"}));
    QCOMPARE(labels(m, child(m, "2", layers2)), QStringList{"mlp.weight"});
    QCOMPARE(layers2.data(ModelTreeModel::ParamsRole).toLongLong(), 64);

    b.filterEdit()->setText(QStringLiteral("no such tensor"));
    QCOMPARE(b.countText(), QStringLiteral("0 of 6 tensors"));
    QCOMPARE(m.rowCount(), 0);

    // Escape in the filter clears it: every tensor is back.
    QTest::keyClick(b.filterEdit(), Qt::Key_Escape);
    QCOMPARE(b.filterEdit()->text(), QString());
    QCOMPARE(b.countText(), QStringLiteral("6 tensors"));
    QCOMPARE(labels(m), (QStringList{"lm_head.weight", "model"}));
}

// In a narrow panel the shape and then the size column make way so that names read whole; a
// wide panel shows every column.
void TestModelBrowser::narrowKeepsNames()
{
    ModelBrowser b;
    std::vector<TensorInfo> model = smallModel();
    model.push_back(info("model.embed_tokens.weight", "BF16", {16000, 1024}, 32768000));
    b.setTensors(model, QStringLiteral("model.embed_tokens.weight"));
    QHeaderView* header = b.view()->header();
    QFont bold = b.view()->font();
    bold.setBold(true);
    const int name = QFontMetrics(bold).horizontalAdvance(QStringLiteral("embed_tokens.weight"));
    b.resize(420, 300);
    b.show();
    QVERIFY(QTest::qWaitForWindowExposed(&b));
    QTRY_VERIFY(header->isSectionHidden(ModelTreeModel::ShapeColumn));
    QVERIFY(!header->isSectionHidden(ModelTreeModel::ParamsColumn));
    QVERIFY(!header->isSectionHidden(ModelTreeModel::TypeColumn));
    QVERIFY2(header->sectionSize(ModelTreeModel::NameColumn) >= name + 2 * b.view()->indentation(),
             qPrintable(QString::number(header->sectionSize(ModelTreeModel::NameColumn))));
    b.resize(900, 300);
    QTRY_VERIFY(!header->isSectionHidden(ModelTreeModel::SizeColumn));
    QVERIFY(!header->isSectionHidden(ModelTreeModel::ShapeColumn));
}

void TestModelBrowser::activation()
{
    ModelBrowser b;
    b.resize(600, 400);
    b.show();
    QVERIFY(QTest::qWaitForWindowExposed(&b));
    b.setTensors(smallModel(), QStringLiteral("lm_head.weight"));
    QSignalSpy spy(&b, &ModelBrowser::tensorActivated);
    ModelTreeModel& m = *b.model();
    const QModelIndex embed = child(m, "embed.weight", child(m, "model"));
    QVERIFY(b.view()->isExpanded(child(m, "model")));
    const QRect rect = b.view()->visualRect(embed);
    QVERIFY(rect.isValid());
    QTest::mouseClick(b.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("model.embed.weight"));

    // A group asks for nothing.
    const QRect groupRect = b.view()->visualRect(child(m, "layers", child(m, "model")));
    QTest::mouseClick(b.view()->viewport(), Qt::LeftButton, {}, groupRect.center());
    QCOMPARE(spy.count(), 1);

    // Enter on a tensor row.
    b.view()->setFocus();
    b.view()->setCurrentIndex(child(m, "lm_head.weight"));
    QTest::keyClick(b.view(), Qt::Key_Return);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toString(), QStringLiteral("lm_head.weight"));
}

void TestModelBrowser::keyboard()
{
    QWidget window;
    auto* layout = new QVBoxLayout(&window);
    auto* other = new QLineEdit(&window);
    auto* b = new ModelBrowser(&window);
    layout->addWidget(other);
    layout->addWidget(b);
    window.resize(600, 500);
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    b->setTensors(smallModel(), QString());
    QSignalSpy spy(b, &ModelBrowser::tensorActivated);

    // Ctrl+F from anywhere in the window focuses the filter.
    other->setFocus();
    QTest::keyClick(other, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(b->filterEdit()->hasFocus());
    // Enter with a single match loads it.
    QTest::keyClicks(b->filterEdit(), QStringLiteral("embed"));
    QCOMPARE(b->countText(), QStringLiteral("1 of 6 tensors"));
    QTest::keyClick(b->filterEdit(), Qt::Key_Return);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("model.embed.weight"));
    // Several matches: Down goes to the tree, whose arrows reach a tensor, Enter loads it.
    b->filterEdit()->setText(QStringLiteral("weight"));
    QTest::keyClick(b->filterEdit(), Qt::Key_Down);
    QVERIFY(b->view()->hasFocus());
    QCOMPARE(b->view()->currentIndex().data().toString(), QStringLiteral("lm_head.weight"));
    QTest::keyClick(b->view(), Qt::Key_Return);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toString(), QStringLiteral("lm_head.weight"));
    QTest::keyClick(b->view(), Qt::Key_Down); // model
    QTest::keyClick(b->view(), Qt::Key_Down); // embed.weight
    QTest::keyClick(b->view(), Qt::Key_Return);
    QCOMPARE(spy.count(), 3);
    QCOMPARE(spy.at(2).at(0).toString(), QStringLiteral("model.embed.weight"));
}

void TestModelBrowser::currentAndSameList()
{
    ModelBrowser b;
    b.resize(600, 400);
    b.show();
    b.setTensors(smallModel(), QStringLiteral("model.layers.10.mlp.weight"));
    ModelTreeModel& m = *b.model();
    const QModelIndex current = m.indexOfTensor(QStringLiteral("model.layers.10.mlp.weight"));
    QVERIFY(current.isValid());
    QCOMPARE(current.data().toString(), QStringLiteral("mlp.weight"));
    QVERIFY(current.data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!m.indexOfTensor(QStringLiteral("lm_head.weight")).data(Qt::FontRole).isValid());
    QCOMPARE(b.view()->currentIndex(), current);
    for (QModelIndex p = current.parent(); p.isValid(); p = p.parent())
        QVERIFY(b.view()->isExpanded(p));

    // The same list again (the next tensor of the file loaded): the filter stays, the bold
    // row moves.
    b.filterEdit()->setText(QStringLiteral("layers"));
    b.setTensors(smallModel(), QStringLiteral("model.layers.2.mlp.weight"));
    QCOMPARE(b.filterEdit()->text(), QStringLiteral("layers"));
    QCOMPARE(b.countText(), QStringLiteral("4 of 6 tensors"));
    QVERIFY(m.indexOfTensor(QStringLiteral("model.layers.2.mlp.weight"))
                .data(Qt::FontRole)
                .value<QFont>()
                .bold());
    QVERIFY(!m.indexOfTensor(QStringLiteral("model.layers.10.mlp.weight"))
                 .data(Qt::FontRole)
                 .isValid());
    // Another list (another file): a new tree without the filter.
    b.setTensors({info("a", "F32", {1}, 4), info("b", "F32", {1}, 4)}, QStringLiteral("b"));
    QCOMPARE(b.filterEdit()->text(), QString());
    QCOMPARE(b.countText(), QStringLiteral("2 tensors"));
    QCOMPARE(labels(m), (QStringList{"a", "b"}));
}

void TestModelBrowser::fiveThousandTensors()
{
    // 500 blocks of ten tensors, listed in file order (0, 1, ..., 499).
    static const char* const kinds[] = {"attn_q",    "attn_k",    "attn_v", "attn_output",
                                        "attn_norm", "ffn_gate",  "ffn_up", "ffn_down",
                                        "ffn_norm",  "rope_freqs"};
    std::vector<TensorInfo> infos;
    for (int blk = 0; blk < 500; ++blk)
        for (const char* kind : kinds)
            infos.push_back(info(qPrintable(QStringLiteral("blk.%1.%2.weight").arg(blk).arg(kind)),
                                 "Q4_K", {64, 256}, 9216, 4.5));
    ModelBrowser b;
    b.resize(600, 400);
    b.show();
    b.setTensors(infos, QStringLiteral("blk.0.attn_q.weight"));
    ModelTreeModel& m = *b.model();
    QCOMPARE(b.countText(), QStringLiteral("5,000 tensors"));
    const QModelIndex blk = child(m, "blk");
    QCOMPARE(m.rowCount(blk), 500);
    QCOMPARE(m.index(2, 0, blk).data().toString(), QStringLiteral("2"));
    QCOMPARE(m.index(10, 0, blk).data().toString(), QStringLiteral("10"));
    QCOMPARE(m.index(499, 0, blk).data().toString(), QStringLiteral("499"));
    QCOMPARE(labels(m, m.index(0, 0, blk)),
             (QStringList{"attn_k.weight", "attn_norm.weight", "attn_output.weight",
                          "attn_q.weight", "attn_v.weight", "ffn_down.weight", "ffn_gate.weight",
                          "ffn_norm.weight", "ffn_up.weight", "rope_freqs.weight"}));
    QCOMPARE(cell(blk, ModelTreeModel::TypeColumn), QStringLiteral("5,000 tensors"));
    QCOMPARE(blk.data(ModelTreeModel::ParamsRole).toLongLong(), 5000LL * 64 * 256);
    QCOMPARE(cell(blk, ModelTreeModel::ParamsColumn), QStringLiteral("81.9 M"));
    QCOMPARE(cell(blk, ModelTreeModel::SizeColumn), QStringLiteral("43.9 MiB"));

    b.filterEdit()->setText(QStringLiteral("attn_q"));
    QCOMPARE(b.countText(), QStringLiteral("500 of 5,000 tensors"));
    QCOMPARE(m.rowCount(child(m, "blk")), 500);
    b.filterEdit()->setText(QStringLiteral("blk.49.attn"));
    QCOMPARE(b.countText(), QStringLiteral("5 of 5,000 tensors"));
    QCOMPARE(labels(m, child(m, "blk")), QStringList{"49"});
}

void TestModelBrowser::singleTensorNeedsNoTree()
{
    SourcePanel panel;
    panel.show();
    panel.setMembers({info("w", "F32", {3}, 12)}, QStringLiteral("w"));
    QVERIFY(!panel.modelBrowser()->isVisible());
    panel.setMembers(smallModel(), QStringLiteral("lm_head.weight"));
    QVERIFY(panel.modelBrowser()->isVisible());
    QCOMPARE(panel.modelBrowser()->model()->tensorCount(), 6);
    panel.clearMembers();
    QVERIFY(!panel.modelBrowser()->isVisible());
    QCOMPARE(panel.modelBrowser()->model()->tensorCount(), 0);
}

void TestModelBrowser::windowPicksGgufTensor()
{
    MainWindow w(test::windowOptions(false));
    w.resize(1280, 720);
    w.show();
    const QString dir = QStringLiteral(QS_SOURCE_DIR "/tests/data/gguf/");
    w.openFile(dir + QStringLiteral("ggml_reference.gguf"));
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor() != nullptr, 20000);
    QVERIFY(test::waitForCurrent(w));
    ModelBrowser* b = w.sourcePanel()->modelBrowser();
    QVERIFY(b->isVisibleTo(&w));
    ModelTreeModel& m = *b->model();
    QCOMPARE(b->countText(), QStringLiteral("20 tensors"));
    QCOMPARE(labels(m), (QStringList{"BF16", "blk",  "F16",    "F32",    "F64",  "I8",   "I16",
                                     "I32",  "I64",  "IQ4_NL", "IQ4_XS", "Q2_K", "Q3_K", "Q4_0",
                                     "Q4_1", "Q5_0", "Q5_1",   "Q5_K",   "Q6_K", "Q8_0"}));

    // The filter's only match, loaded with Enter: the Q4_K tensor, dequantized as ggml does.
    b->filterEdit()->setFocus();
    QTest::keyClicks(b->filterEdit(), QStringLiteral("ATTN_Q"));
    QCOMPARE(b->countText(), QStringLiteral("1 of 20 tensors"));
    QTest::keyClick(b->filterEdit(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor()->name == "blk.0.attn_q.weight", 20000);
    QVERIFY(test::waitForCurrent(w));
    const Tensor expected =
        loadTensor((dir + QStringLiteral("expected/blk.0.attn_q.weight.npy")).toStdString());
    QCOMPARE(w.tensor()->shape, (std::vector<int64_t>{2, 256}));
    QVERIFY(w.tensor()->data == expected.data);
    QVERIFY(w.sourcePanel()->factsText().contains(
        QStringLiteral("stored as Q4_K, 4.5 bits/weight, converted to float32")));
    QCOMPARE(w.session().source.member, QStringLiteral("blk.0.attn_q.weight"));
    const QModelIndex current = m.indexOfTensor(QStringLiteral("blk.0.attn_q.weight"));
    QVERIFY(current.data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(b->filterEdit()->text(), QStringLiteral("ATTN_Q")); // the same file: kept

    // A click on another tensor loads it.
    b->filterEdit()->clear();
    const QModelIndex q80 = child(m, "Q8_0");
    b->view()->scrollTo(q80);
    QTest::mouseClick(b->view()->viewport(), Qt::LeftButton, {},
                      b->view()->visualRect(q80).center());
    QTRY_VERIFY_WITH_TIMEOUT(w.tensor()->name == "Q8_0", 20000);
    QVERIFY(test::waitForCurrent(w));
    const Tensor q8 = loadTensor((dir + QStringLiteral("expected/Q8_0.npy")).toStdString());
    QVERIFY(w.tensor()->data == q8.data);
    QVERIFY(w.sourcePanel()->factsText().contains(
        QStringLiteral("stored as Q8_0, 8.5 bits/weight, converted to float32")));

    // Presentation mode hides it with the source panel, and brings it back.
    w.setPresentationMode(true);
    QVERIFY(!b->isVisibleTo(&w));
    w.setPresentationMode(false);
    QVERIFY(b->isVisibleTo(&w));
    QCOMPARE(b->countText(), QStringLiteral("20 tensors"));
}

QTEST_MAIN(TestModelBrowser)
#include "tst_model_browser.moc"
