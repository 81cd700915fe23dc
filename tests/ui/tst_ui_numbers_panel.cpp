// The numbers panel's rows for a real result: the compute time reads as a time at every scale.
#include "core/base/tensor.h"
#include "core/quant/quantize.h"
#include "ui/panels/numbers_panel.h"

#include <QtTest>

using namespace qs;
using namespace qs::ui;

class TestUiNumbersPanel : public QObject {
    Q_OBJECT
private slots:
    void computeTime_data();
    void computeTime();
};

void TestUiNumbersPanel::computeTime_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("shown");
    QTest::newRow("tens of ms") << 12.345 << QStringLiteral("12.3 ms");
    QTest::newRow("one ms") << 1.0 << QStringLiteral("1.0 ms");
    QTest::newRow("below one ms") << 0.0423 << QStringLiteral("0.042 ms");
    QTest::newRow("tenths") << 0.25 << QStringLiteral("0.25 ms");
}

void TestUiNumbersPanel::computeTime()
{
    QFETCH(double, ms);
    QFETCH(QString, shown);
    Tensor t;
    t.shape = {4};
    t.data = {-1.0f, 0.0f, 0.5f, 2.0f};
    QuantResult r = quantize(t, QuantConfig());
    r.timingsMs["total"] = ms;
    NumbersPanel panel;
    panel.setResult(r);
    QCOMPARE(panel.valueText(QStringLiteral("time")), shown);
    QCOMPARE(panel.valueText(QStringLiteral("sqnr")).isEmpty(), false);
}

QTEST_MAIN(TestUiNumbersPanel)
#include "tst_ui_numbers_panel.moc"
