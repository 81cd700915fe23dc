// Session files (ui/support/session.h): every QuantConfig field survives a session file (rows
// from the field table, tests/support/config_rows.h), the file keeps its keys and value forms,
// so files written before still load (also those naming a preset by an old name), and bad values
// name their key.
#include "core/config/presets.h"
#include "ui/support/session.h"

#include "tests/support/config_rows.h"

#include <QJsonDocument>
#include <QtTest>

using namespace qs;
using namespace qs::ui;

class TestUiSession : public QObject {
    Q_OBJECT
private slots:
    void everyFieldRoundTrips_data() { test::addFieldRows(); }
    void everyFieldRoundTrips();
    void keysAndValueForms();
    void filesWrittenBeforeLoad();
    void badValuesNameTheKey();
};

void TestUiSession::everyFieldRoundTrips()
{
    QFETCH(QuantConfig, config);
    QVERIFY_SAME_CONFIG(configFromJson(configToJson(config)), config);
    Session s;
    s.config = config;
    const Session back = sessionFromJson(sessionToJson(s), QStringLiteral("test"));
    QVERIFY_SAME_CONFIG(back.config, config);
}

void TestUiSession::keysAndValueForms()
{
    const QJsonObject o = configToJson(QuantConfig());
    QCOMPARE(o.keys(), QStringList({"axis",
                                    "bits",
                                    "clamp_bits",
                                    "codebook",
                                    "constant_range",
                                    "float32_params",
                                    "full_range",
                                    "granularity",
                                    "group_size",
                                    "include_zero",
                                    "multiply_by_inverse",
                                    "mx_scale_rounding",
                                    "percentile",
                                    "preset",
                                    "range",
                                    "reciprocal_scale",
                                    "rounding",
                                    "rounding_order",
                                    "saturate",
                                    "scheme",
                                    "seed",
                                    "signed",
                                    "symmetric_scale",
                                    "unsigned_symmetric",
                                    "zero_point_rounding"}));
    QCOMPARE(
        QJsonDocument(o).toJson(QJsonDocument::Compact),
        QByteArray(R"({"axis":0,"bits":8,"clamp_bits":0,"codebook":[],"constant_range":"exact",)"
                   R"("float32_params":false,"full_range":false,"granularity":"tensor",)"
                   R"("group_size":32,"include_zero":true,"multiply_by_inverse":false,)"
                   R"("mx_scale_rounding":"floor","percentile":99.99,"preset":"",)"
                   R"("range":"minmax",)"
                   R"("reciprocal_scale":false,"rounding":"half-even",)"
                   R"("rounding_order":"after-zero-point","saturate":true,)"
                   R"("scheme":"asymmetric","seed":0,"signed":false,)"
                   R"("symmetric_scale":"max-code","unsigned_symmetric":false,)"
                   R"("zero_point_rounding":"half-even"})"));
    QuantConfig big;
    big.seed = (uint64_t(1) << 53) + 1; // beyond a double: stored as a string
    QCOMPARE(configToJson(big).value("seed").toString(), QStringLiteral("9007199254740993"));
}

void TestUiSession::filesWrittenBeforeLoad()
{
    const QByteArray file =
        R"({"format": "quantscope-session", "version": 1,
            "source": {"kind": "generate", "generator": {"distribution": "normal", "shape": [64]}},
            "config": {"axis": 0, "bits": 8, "codebook": [], "constant_range": "pytorch-eps",
                       "float32_params": true, "full_range": true, "granularity": "tensor",
                       "group_size": 32, "include_zero": true, "multiply_by_inverse": true,
                       "percentile": 99.99, "preset": "pytorch-quint8-symmetric",
                       "range": "minmax", "reciprocal_scale": false, "rounding": "half-even",
                       "rounding_order": "before-zero-point", "saturate": true,
                       "scheme": "symmetric", "seed": 0, "signed": false,
                       "symmetric_scale": "half-span", "unsigned_symmetric": true,
                       "zero_point_rounding": "half-even"},
            "view": {"tab": "histogram", "error_bins": 51, "value_bins": 256}})";
    const Session s = sessionFromJson(file, QStringLiteral("old.qscope"));
    QVERIFY_SAME_CONFIG(s.config, presetByName("pytorch-quint8-symmetric").config);
    QCOMPARE(s.tab, QStringLiteral("histogram"));
    // A file with a few keys: the others keep their defaults.
    const Session few = sessionFromJson(
        R"({"format": "quantscope-session", "version": 1, "config": {"bits": 4}})", "few");
    QuantConfig four;
    four.bits = 4;
    QVERIFY_SAME_CONFIG(few.config, four);
    // A notebook preset under its old name: the same configuration, the name kept as written.
    const Session old = sessionFromJson(
        R"({"format": "quantscope-session", "version": 1,
            "config": {"include_zero": false, "rounding": "truncate", "preset": "seed000"}})",
        "old-name");
    QVERIFY_SAME_CONFIG(old.config, presetByName("seed000").config);
    QuantConfig current = old.config;
    current.preset = currentPresetName(old.config.preset);
    QVERIFY_SAME_CONFIG(current, presetByName("notebook-truncation").config);
}

void TestUiSession::badValuesNameTheKey()
{
    const std::pair<const char*, const char*> cases[] = {
        {R"({"bits": "8"})", "'bits' must be a number"},
        {R"({"axis": 64})", "'axis' must be an integer in [-64, 63]"},
        {R"({"signed": 1})", "'signed' must be true or false"},
        {R"({"rounding": "bankers"})", "unknown rounding mode 'bankers'"},
        {R"({"codebook": [1, "x"]})", "'codebook' must be a list of numbers"},
        {R"({"bits": 40})", "bits must be between 1 and 16"},
    };
    for (const auto& [config, message] : cases) {
        const QByteArray file =
            QByteArray(R"({"format": "quantscope-session", "version": 1, "config": )") + config +
            "}";
        try {
            sessionFromJson(file, QStringLiteral("bad.qscope"));
            QFAIL(config);
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QString::fromLatin1(message)), e.what());
            QVERIFY(QString::fromUtf8(e.what()).startsWith(QStringLiteral("bad.qscope: ")));
        }
    }
}

QTEST_APPLESS_MAIN(TestUiSession)
#include "tst_ui_session.moc"
