// The QuantConfig field table (core/config/config_fields.h) and the core's readers and writers
// that walk it: every field survives the report's JSON and a lesson file, operator== notices
// it, and the report keeps its keys in their order. The rows come from the table
// (tests/support/config_rows.h), so a new field is covered without an edit here.
#include "core/config/choices.h"
#include "core/config/config_fields.h"
#include "core/config/config_json.h"
#include "core/quant/quantize.h"
#include "core/report/report.h"
#include "core/teach/lesson.h"

#include "tests/support/config_rows.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <set>

using namespace qs;

namespace {

const Tensor kTensor("w", {2, 8},
                     {-1.5f, -0.75f, 0.f, 0.25f, 0.5f, 1.f, 2.f, 3.f, 4.f, -2.f, 0.125f, 0.375f,
                      -0.5f, 1.25f, 1.75f, -3.f});

// The lesson text with `config` as its configuration, or as the override of its one step.
std::string lessonWith(const QuantConfig& config, bool asStep)
{
    nlohmann::ordered_json doc = {{"id", "fields"}, {"title", "Fields"}};
    doc["source"] = {{"values", {1, 2, 3}}};
    if (asStep) {
        doc["config"] = nlohmann::ordered_json::object();
        doc["steps"] = {{{"config", configJson(config)}}};
    } else {
        doc["config"] = configJson(config);
    }
    return doc.dump();
}

QString errorOf(const char* text)
{
    try {
        configFromJson(nlohmann::json::parse(text), "test");
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return QString();
}

} // namespace

class TestConfigFields : public QObject {
    Q_OBJECT
private slots:
    void everyMemberHasARow();
    void keysAndFlagsAreUnique();
    void operatorEqualsNoticesEveryField_data() { test::addFieldRows(); }
    void operatorEqualsNoticesEveryField();
    void reportRoundTrip_data() { test::addFieldRows(); }
    void reportRoundTrip();
    void lessonRoundTrip_data() { test::addFieldRows(); }
    void lessonRoundTrip();
    void reportKeepsItsKeys();
    void jsonErrorsNameTheField();
    void everyChoiceNamedAndDescribed();
};

void TestConfigFields::everyMemberHasARow()
{
    QCOMPARE(fieldCount(), quantConfigMemberCount());
    QCOMPARE(int(test::oneChangePerField().size()), fieldCount());
}

void TestConfigFields::keysAndFlagsAreUnique()
{
    std::set<std::string> keys, flags;
    forEachField([&](const auto& f) {
        using T = std::decay_t<decltype(f.defaultValue())>;
        QVERIFY2(keys.insert(f.key).second, f.key);
        QVERIFY2(flags.insert(f.flag).second, f.flag);
        QVERIFY2(*f.help != '\0', f.key);
        QVERIFY2(f.isSwitch() == (std::is_same_v<T, bool>), f.key); // switches are the booleans
        QVERIFY2(fieldHelp(f).find("{names}") == std::string::npos, f.key);
        if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
            QVERIFY2(f.lo <= f.defaultValue() && f.defaultValue() <= f.hi, f.key);
    });
}

// Each row differs from the defaults in its field, and is valid.
void TestConfigFields::operatorEqualsNoticesEveryField()
{
    QFETCH(QuantConfig, config);
    config.validate();
    const QuantConfig copy = config;
    QVERIFY(copy == config);
    if (QByteArray(QTest::currentDataTag()) != "defaults") {
        QVERIFY(config != QuantConfig());
        QVERIFY(!test::differingFields(config, QuantConfig()).empty());
    }
}

void TestConfigFields::reportRoundTrip()
{
    QFETCH(QuantConfig, config);
    const std::string text = reportJson(kTensor, quantize(kTensor, config));
    const nlohmann::json report = nlohmann::json::parse(text);
    QVERIFY_SAME_CONFIG(configFromJson(report.at("config")), config);
}

void TestConfigFields::lessonRoundTrip()
{
    QFETCH(QuantConfig, config);
    const Lesson whole = parseLesson(lessonWith(config, false), "fields.json");
    QVERIFY_SAME_CONFIG(whole.config, config);
    QVERIFY_SAME_CONFIG(lessonConfig(whole, 0), config);
    const Lesson step = parseLesson(lessonWith(config, true), "fields.json");
    QVERIFY_SAME_CONFIG(lessonConfig(step, 0), config);
}

// The report's "config" object keeps the keys, order and value formats it has always had; a
// field with a report condition appears when the condition holds or it is not at its default.
void TestConfigFields::reportKeepsItsKeys()
{
    QCOMPARE(
        QString::fromStdString(configJson(QuantConfig()).dump()),
        QStringLiteral(
            R"({"bits":8,"scheme":"asymmetric","signed":false,"full_range":false,)"
            R"("include_zero":true,"range":"minmax","percentile":99.99,"granularity":"tensor",)"
            R"("axis":0,"group_size":32,"rounding":"half-even",)"
            R"("rounding_order":"after-zero-point","zero_point_rounding":"half-even",)"
            R"("symmetric_scale":"max-code","unsigned_symmetric":false,)"
            R"("constant_range":"exact","multiply_by_inverse":false,"float32_params":false,)"
            R"("reciprocal_scale":false,"seed":0,"preset":""})"));
    QuantConfig lowbit;
    lowbit.scheme = Scheme::E4M3;
    QCOMPARE(configJson(lowbit).back(), nlohmann::ordered_json(true)); // saturate, last
    QVERIFY(!configJson(lowbit).contains("codebook"));
    QuantConfig book;
    book.scheme = Scheme::Codebook;
    book.codebook = {-1, 0, 1};
    QCOMPARE(configJson(book).back(), nlohmann::ordered_json({-1.0, 0.0, 1.0}));
    QuantConfig noSaturate;
    noSaturate.saturate = false;
    QCOMPARE(configJson(noSaturate)["saturate"], nlohmann::ordered_json(false));
}

void TestConfigFields::jsonErrorsNameTheField()
{
    QVERIFY(errorOf(R"({"bits": "eight"})").contains("test: bits must be an integer"));
    QVERIFY(errorOf(R"({"bitz": 4})").contains("bitz is not a known key"));
    QVERIFY(errorOf(R"({"scheme": "int3"})").contains("scheme is invalid: unknown scheme"));
    QVERIFY(errorOf(R"({"axis": 64})").contains("axis must be an integer in [-64, 63]"));
    QVERIFY(errorOf(R"({"seed": -1})").contains("seed must not be negative"));
    QVERIFY(errorOf(R"({"codebook": [1, "x"]})").contains("codebook[1] must be a finite number"));
    QVERIFY(errorOf(R"({"scheme": "symmetric", "bits": 1})").contains("config is invalid"));
    QVERIFY(errorOf(R"({"bits": 4})").isEmpty());
}

// Every value has a name that reads back; schemes, range methods and rounding modes each have
// a description.
void TestConfigFields::everyChoiceNamedAndDescribed()
{
    auto check = [](const auto& table, bool described) {
        for (const auto& c : table) {
            QCOMPARE(toName(c.value), std::string(c.name));
            using E = std::decay_t<decltype(c.value)>;
            QVERIFY(choiceFromName<E>(c.name) == c.value);
            QCOMPARE(describe(c.value).empty(), !described);
        }
    };
    check(choices<Scheme>(), true);
    check(choices<RangeMethod>(), true);
    check(choices<Rounding>(), true);
    check(choices<RoundingOrder>(), false);
    check(choices<Granularity>(), false);
    check(choices<SymmetricScale>(), false);
    check(choices<ConstantRange>(), false);
    check(choices<MxScaleRounding>(), true);
    QCOMPARE(int(choices<MxScaleRounding>().size()), int(MxScaleRounding::NoClip) + 1);
    QCOMPARE(int(choices<Scheme>().size()), int(Scheme::Dynamic8) + 1);
    QCOMPARE(int(choices<RangeMethod>().size()), int(RangeMethod::GridSearch) + 1);
    QCOMPARE(int(choices<Rounding>().size()), int(Rounding::Stochastic) + 1);
}

QTEST_APPLESS_MAIN(TestConfigFields)
#include "tst_config_fields.moc"
