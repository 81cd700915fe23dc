// The quantization panel keeps every QuantConfig field it is given (rows from the field table,
// tests/support/config_rows.h; every preset), so a lesson step or session shows as the config it
// names; its tooltips are the descriptions of core/config/choices.h.
#include "core/config/choices.h"
#include "core/config/presets.h"
#include "ui/panels/quant_panel.h"

#include "tests/support/config_rows.h"

#include <QComboBox>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtTest>

using namespace qs;
using namespace qs::ui;

class TestUiQuantPanel : public QObject {
    Q_OBJECT
private slots:
    void everyFieldThroughThePanel_data() { test::addFieldRows(); }
    void everyFieldThroughThePanel();
    void everyPresetThroughThePanel();
    void tooltipsAreTheDescriptions();
};

void TestUiQuantPanel::everyFieldThroughThePanel()
{
    QFETCH(QuantConfig, config);
    QuantPanel panel;
    auto* seed = panel.findChild<QSpinBox*>(QStringLiteral("seedSpin"));
    QVERIFY(seed);
    if (config.seed > uint64_t(seed->maximum())) // the example is beyond 2^53
        config.seed = uint64_t(seed->maximum());
    panel.setConfig(config);
    QVERIFY_SAME_CONFIG(panel.config(), config);
}

void TestUiQuantPanel::everyPresetThroughThePanel()
{
    QuantPanel panel;
    for (const Preset& p : presets()) {
        panel.setConfig(p.config);
        QVERIFY_SAME_CONFIG(panel.config(), p.config);
    }
    // Conventions without a control are named in the note.
    panel.setConfig(presetByName("pytorch-quint8-symmetric").config);
    QVERIFY2(panel.explanation().contains(QStringLiteral("unsigned symmetric codes")),
             qPrintable(panel.explanation()));
}

void TestUiQuantPanel::tooltipsAreTheDescriptions()
{
    QuantPanel panel;
    auto* scheme = panel.findChild<QComboBox*>(QStringLiteral("schemeCombo"));
    auto* range = panel.findChild<QComboBox*>(QStringLiteral("rangeCombo"));
    auto* rounding = panel.findChild<QComboBox*>(QStringLiteral("roundingCombo"));
    QVERIFY(scheme && range && rounding);
    auto itemTip = [](QComboBox* combo, const char* name) {
        return combo->itemData(combo->findData(QString::fromLatin1(name)), Qt::ToolTipRole)
            .toString();
    };
    for (const Choice<Scheme>& c : choices<Scheme>()) {
        QCOMPARE(itemTip(scheme, c.name), QString::fromUtf8(c.description));
        QVERIFY(scheme->toolTip().contains(QString::fromLatin1(c.name) + ": "));
    }
    for (const Choice<RangeMethod>& c : choices<RangeMethod>()) {
        QCOMPARE(itemTip(range, c.name), QString::fromUtf8(c.description));
        QVERIFY(range->toolTip().contains(QString::fromUtf8(c.description)));
    }
    for (const Choice<Rounding>& c : choices<Rounding>())
        QCOMPARE(itemTip(rounding, c.name), QString::fromUtf8(c.description));
    for (const char* name : {"nvfp4", "mxfp6-e2m3", "mxfp6-e3m2", "e4m3fnuz", "e5m2fnuz"})
        QVERIFY2(scheme->findData(QString::fromLatin1(name)) >= 0, name);
    // The MX shared-scale rounding: its choices with their descriptions, only for MX schemes.
    auto* mx = panel.findChild<QComboBox*>(QStringLiteral("mxScaleRoundingCombo"));
    QVERIFY(mx);
    for (const Choice<MxScaleRounding>& c : choices<MxScaleRounding>())
        QCOMPARE(itemTip(mx, c.name), QString::fromUtf8(c.description));
    QuantConfig mxfp6;
    mxfp6.scheme = Scheme::MXFP6_E3M2;
    mxfp6.mxScaleRounding = MxScaleRounding::NoClip;
    panel.setConfig(mxfp6);
    QVERIFY(mx->isEnabled());
    QCOMPARE(panel.config().mxScaleRounding, MxScaleRounding::NoClip);
    QVERIFY(panel.explanation().contains(QStringLiteral("no-clip")));
    mxfp6.scheme = Scheme::NVFP4;
    panel.setConfig(mxfp6);
    QVERIFY(!mx->isEnabled());
    // At 1 bit the symmetric item says why it is disabled; at 2 bits it describes itself again.
    QuantConfig one;
    one.bits = 1;
    panel.setConfig(one);
    QVERIFY(itemTip(scheme, "symmetric").contains(QStringLiteral("at least 2 bits")));
    panel.setConfig(QuantConfig());
    QCOMPARE(itemTip(scheme, "symmetric"), QString::fromStdString(describe(Scheme::Symmetric)));
}

QTEST_MAIN(TestUiQuantPanel)
#include "tst_ui_quant_panel.moc"
