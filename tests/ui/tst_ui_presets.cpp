// Tests of the quantization panel's preset combo and low-bit schemes, and of every chart kind on
// every low-bit result (headless); a session naming a notebook preset by its old name.
#include "core/config/presets.h"
#include "core/quant/quantize.h"
#include "ui/charts/charts.h"
#include "ui/panels/quant_panel.h"
#include "ui/support/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFont>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtCharts/QChart>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace qs;
using namespace qs::ui;

class TestUiPresets : public QObject {
    Q_OBJECT
private slots:
    void presetSetsEveryControl();
    void schemeGroupsAndDisabledControls();
    void chartsForLowbitSchemes();
    void sessionKeepsLowbitOptions();
    void calibratorRangeMethods();
    void oldPresetNames();
    void presetsGroupedBySystem();
};

namespace {

void choosePreset(QComboBox* combo, const char* name)
{
    const int i = combo->findData(QString::fromLatin1(name));
    QVERIFY(i > 0);
    combo->setCurrentIndex(i);
    emit combo->activated(i); // what a user's click emits
}

} // namespace

void TestUiPresets::presetSetsEveryControl()
{
    QuantPanel panel;
    panel.setTensorShape({8, 64});
    auto* preset = panel.findChild<QComboBox*>(QStringLiteral("presetCombo"));
    QVERIFY(preset);
    int names = 0;
    for (int i = 0; i < preset->count(); ++i)
        names += !preset->itemData(i).toString().isEmpty();
    QCOMPARE(names, int(presets().size()));

    QSignalSpy spy(&panel, &QuantPanel::configChanged);
    choosePreset(preset, "pytorch-qint8-symmetric");
    QCOMPARE(spy.count(), 1);
    QuantConfig c = panel.config();
    QCOMPARE(c.scheme, Scheme::Symmetric);
    QCOMPARE(c.symmetricScale, SymmetricScale::HalfSpan);
    QVERIFY(c.fullRange && c.multiplyByInverse && c.float32Params);
    QCOMPARE(c.roundingOrder, RoundingOrder::BeforeZeroPoint);
    QCOMPARE(c.preset, std::string("pytorch-qint8-symmetric"));
    QVERIFY(!c.reciprocalScale);
    auto* recip = panel.findChild<QCheckBox*>(QStringLiteral("reciprocalScaleCheck"));
    QVERIFY(recip && recip->isEnabled() && !recip->isChecked());

    // TensorRT's presets set the reciprocal scale, and it survives the round trip.
    choosePreset(preset, "trt-percentile-narrow");
    c = panel.config();
    QVERIFY(c.reciprocalScale);
    QVERIFY(recip->isChecked());
    QCOMPARE(c.range, RangeMethod::TrtPercentile);
    QCOMPARE(c.qmin(), int64_t(-127));

    choosePreset(preset, "bnb-nf4");
    c = panel.config();
    QCOMPARE(c.scheme, Scheme::NF4);
    QCOMPARE(c.groupSize, int64_t(64));
    QCOMPARE(c.preset, std::string("bnb-nf4"));
    // The user may change any control afterwards: the config says it started from the preset.
    auto* group = panel.findChild<QSpinBox*>(QStringLiteral("groupSizeSpin"));
    QVERIFY(group->isEnabled()); // NF4's block size
    group->setValue(128);
    c = panel.config();
    QCOMPARE(c.groupSize, int64_t(128));
    QCOMPARE(c.preset, std::string("bnb-nf4 + changes"));
    // A config from elsewhere (a session) shows its preset again.
    panel.setConfig(presetByName("ggml-q4_1").config);
    QCOMPARE(preset->currentData().toString(), QStringLiteral("ggml-q4_1"));
    QCOMPARE(panel.config().scheme, Scheme::Q4_1);
}

void TestUiPresets::schemeGroupsAndDisabledControls()
{
    QuantPanel panel;
    panel.setTensorShape({8, 64});
    auto* scheme = panel.findChild<QComboBox*>(QStringLiteral("schemeCombo"));
    auto* bits = panel.findChild<QSpinBox*>(QStringLiteral("bitsSpin"));
    auto* range = panel.findChild<QComboBox*>(QStringLiteral("rangeCombo"));
    auto* saturate = panel.findChild<QWidget*>(QStringLiteral("saturateCheck"));
    auto* codebook = panel.findChild<QLineEdit*>(QStringLiteral("codebookEdit"));
    QVERIFY(scheme && bits && range && saturate && codebook);
    QCOMPARE(scheme->count(), int(schemeNames().size()) + 4); // four separators
    QCOMPARE(scheme->itemData(0).toString(), QStringLiteral("asymmetric"));
    QCOMPARE(scheme->itemData(1).toString(), QStringLiteral("symmetric"));

    QuantConfig c;
    c.scheme = Scheme::Q4_0;
    panel.setConfig(c);
    QVERIFY(!bits->isEnabled());
    QVERIFY(bits->toolTip().contains(QStringLiteral("fixes its bit width")));
    QVERIFY(!range->isEnabled());
    QVERIFY(range->toolTip().contains(QStringLiteral("own scales")));
    QVERIFY(!saturate->isEnabled());
    QVERIFY(!codebook->isEnabled());
    QVERIFY(panel.explanation().contains(QStringLiteral("Q4_0")));

    c.scheme = Scheme::E4M3;
    panel.setConfig(c);
    QVERIFY(saturate->isEnabled());
    c.saturate = false;
    panel.setConfig(c);
    QVERIFY(!panel.config().saturate);

    c.scheme = Scheme::LloydMax;
    c.bits = 3;
    panel.setConfig(c);
    QVERIFY(bits->isEnabled());
    QCOMPARE(bits->maximum(), 8);
    QCOMPARE(panel.config().bits, 3);

    c = QuantConfig();
    c.scheme = Scheme::Codebook;
    c.codebook = {-1, 0, 0.25, 1};
    panel.setConfig(c);
    QVERIFY(codebook->isEnabled());
    QCOMPARE(panel.config().codebook, (std::vector<double>{-1, 0, 0.25, 1}));
    codebook->setText(QStringLiteral(""));
    panel.config().validate(); // an empty field never makes an invalid config

    // Back to the integer default: everything enabled again, tooltips without the reason.
    panel.setConfig(QuantConfig());
    QVERIFY(bits->isEnabled() && range->isEnabled());
    QVERIFY(!range->toolTip().contains(QStringLiteral("own scales")));
}

void TestUiPresets::chartsForLowbitSchemes()
{
    std::vector<float> v(4 * 80);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(std::sin(0.37 * double(i)) * (1.0 + double(i % 7)));
    v[5] = 40.0f;
    const Tensor t80("w", {4, 80}, v);
    std::vector<float> v256(2 * 256); // the searched GGML types need rows of whole super-blocks
    for (size_t i = 0; i < v256.size(); ++i)
        v256[i] = v[i % v.size()];
    const Tensor t256("w", {2, 256}, v256);
    for (const std::string& name : schemeNames()) {
        QuantConfig c;
        c.scheme = schemeFromName(name);
        if (!c.isLowbit())
            continue;
        c.codebook = {-2, -1, 0, 1, 2};
        c.bits = 3;
        const Tensor& t = isSearchedGgmlScheme(c.scheme) ? t256 : t80;
        const QuantResult r = quantize(t, c);
        ChartInput in;
        in.tensor = &t;
        in.result = &r;
        in.slice = r.params.numSlices() - 1;
        for (ChartKind k : allChartKinds()) {
            std::unique_ptr<QChart> chart(buildChart(k, in, ChartStyle()));
            QVERIFY2(chart && !chart->series().isEmpty(),
                     qPrintable(QString::fromStdString(name) + " " + chartKindName(k)));
        }
    }
}

void TestUiPresets::sessionKeepsLowbitOptions()
{
    QuantConfig c;
    c.scheme = Scheme::Codebook;
    c.codebook = {-1, -0.125, 0, 0.75};
    c.saturate = false;
    c.preset = "bnb-nf4 + changes";
    const QuantConfig back = configFromJson(configToJson(c));
    QCOMPARE(back.scheme, Scheme::Codebook);
    QCOMPARE(back.codebook, c.codebook);
    QVERIFY(!back.saturate);
    QCOMPARE(back.preset, c.preset);
    for (const Preset& p : presets()) {
        const QuantConfig q = configFromJson(configToJson(p.config));
        QCOMPARE(q.summary(), p.config.summary());
        QCOMPARE(q.constantRange, p.config.constantRange);
        QCOMPARE(q.unsignedSymmetric, p.config.unsignedSymmetric);
    }
    const Preset& quint8Sym = presetByName("pytorch-quint8-symmetric");
    QVERIFY(quint8Sym.config.unsignedSymmetric);
    QCOMPARE(configFromJson(configToJson(quint8Sym.config)).qmin(), int64_t(0));
}

// The calibrator presets set the range combo to their method; the percentile spin box applies
// to the three percentile methods; every range method has a tooltip with its formula.
void TestUiPresets::calibratorRangeMethods()
{
    QuantPanel panel;
    panel.setTensorShape({8, 64});
    auto* preset = panel.findChild<QComboBox*>(QStringLiteral("presetCombo"));
    auto* range = panel.findChild<QComboBox*>(QStringLiteral("rangeCombo"));
    auto* pct = panel.findChild<QDoubleSpinBox*>(QStringLiteral("percentileSpin"));
    QVERIFY(preset && range && pct);
    choosePreset(preset, "ort-percentile");
    QCOMPARE(range->currentData().toString(), QStringLiteral("ort-percentile"));
    QVERIFY(pct->isEnabled());
    QCOMPARE(panel.config().percentile, 99.999);
    QCOMPARE(panel.config().range, RangeMethod::OrtPercentile);
    choosePreset(preset, "trt-mse-narrow");
    QCOMPARE(panel.config().range, RangeMethod::TrtMse);
    QVERIFY(!pct->isEnabled());
    choosePreset(preset, "trt-percentile");
    QCOMPARE(panel.config().range, RangeMethod::TrtPercentile);
    QVERIFY(pct->isEnabled());
    for (const std::string& name : rangeMethodNames()) {
        const int i = range->findData(QString::fromStdString(name));
        QVERIFY(i >= 0);
        QVERIFY2(!range->itemData(i, Qt::ToolTipRole).toString().isEmpty(), name.c_str());
    }
    const int mse = range->findData(QStringLiteral("trt-mse"));
    QVERIFY(range->itemData(mse, Qt::ToolTipRole).toString().contains(QStringLiteral("TensorRT")));
}

// A config naming a notebook preset by its old name (a session file) shows the preset under its
// current name, which the panel's config then carries.
void TestUiPresets::oldPresetNames()
{
    QuantPanel panel;
    panel.setTensorShape({8, 64});
    auto* preset = panel.findChild<QComboBox*>(QStringLiteral("presetCombo"));
    QVERIFY(preset);
    QCOMPARE(preset->findData(QStringLiteral("seed001")), -1);
    QVERIFY(preset->findText(QStringLiteral("notebook"), Qt::MatchContains) >= 0);
    panel.setConfig(presetByName("seed001").config);
    QCOMPARE(preset->currentData().toString(), QStringLiteral("notebook-asymmetric"));
    QuantConfig expected = presetByName("notebook-asymmetric").config;
    QVERIFY(panel.config() == expected);
    QuantConfig changed = presetByName("seed004-symmetric").config;
    changed.bits = 6;
    changed.preset += " + changes";
    panel.setConfig(changed);
    QCOMPARE(preset->currentData().toString(), QStringLiteral("notebook-scale"));
    QCOMPARE(panel.config().preset, std::string("notebook-scale + changes"));
    QCOMPARE(panel.config().bits, 6);
}

// The preset combo: "(none)", then per system of presetGroups() a bold title that cannot be
// selected, followed by its presets; the arrow keys step over the titles.
void TestUiPresets::presetsGroupedBySystem()
{
    QuantPanel panel;
    auto* preset = panel.findChild<QComboBox*>(QStringLiteral("presetCombo"));
    QVERIFY(preset);
    int row = 1;
    for (const PresetGroup& g : presetGroups()) {
        QCOMPARE(preset->itemText(row), QString::fromStdString(g.title));
        QVERIFY(preset->itemData(row).toString().isEmpty());
        const QModelIndex title = preset->model()->index(row, 0);
        QVERIFY(!(title.flags() & (Qt::ItemIsEnabled | Qt::ItemIsSelectable)));
        QVERIFY(title.data(Qt::FontRole).value<QFont>().bold());
        ++row;
        for (const Preset& p : g.presets) {
            QCOMPARE(preset->itemData(row).toString(), QString::fromStdString(p.name));
            QVERIFY(preset->model()->index(row, 0).flags() & Qt::ItemIsEnabled);
            ++row;
        }
    }
    QCOMPARE(row, preset->count());
    QCOMPARE(preset->itemText(1), QStringLiteral("PyTorch"));
    QVERIFY(preset->findText(QStringLiteral("llama.cpp / GGML")) > 0);

    // Down from the last PyTorch preset lands on the first ONNX Runtime preset, not on the
    // "ONNX Runtime" title; Up goes back.
    const std::vector<PresetGroup> groups = presetGroups();
    const int lastTorch = preset->findData(QString::fromStdString(groups[0].presets.back().name));
    preset->setCurrentIndex(lastTorch);
    preset->setFocus();
    QTest::keyClick(preset, Qt::Key_Down);
    QCOMPARE(preset->currentData().toString(),
             QString::fromStdString(groups[1].presets.front().name));
    QCOMPARE(panel.config().preset, groups[1].presets.front().name);
    QTest::keyClick(preset, Qt::Key_Up);
    QCOMPARE(preset->currentIndex(), lastTorch);
}

QTEST_MAIN(TestUiPresets)
#include "tst_ui_presets.moc"
