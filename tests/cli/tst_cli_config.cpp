// Every QuantConfig field through quantscope-cli's flags: the flags of a row (built from the
// field table, tests/support/config_rows.h) give a report whose "config" reads back as that row;
// every preset reads back as its config; the help lists every scheme, range method and rounding
// mode, and `help schemes` is the text docs/CLI.md shows.
#include "core/config/choices.h"
#include "core/config/config_json.h"
#include "core/config/presets.h"

#include "tests/support/cli_run.h"
#include "tests/support/config_rows.h"

#include <QFile>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace qs;

namespace {

using Run = test::CliRun;
using test::runCli;

// The configuration in the report of `quantize` with these options.
QuantConfig reportedConfig(const QStringList& options)
{
    const Run r = runCli(
        QStringList{"quantize", "--generate", "normal", "--shape", "4x256", "--report", "-"} +
        options);
    if (r.code != 0)
        qWarning("%s", qPrintable(r.err));
    return configFromJson(nlohmann::json::parse(r.out.toStdString()).at("config"), "report");
}

QString docsText()
{
    QFile f(QStringLiteral(QS_SOURCE_DIR "/docs/CLI.md"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestCliConfig : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(QStringLiteral(QS_BIN_DIR "/quantscope-cli")),
                 "build quantscope-cli first");
    }
    void everyFieldThroughFlags_data() { test::addFieldRows(); }
    void everyFieldThroughFlags();
    void everyPresetReadsBack();
    void helpListsEveryChoice();
    void helpSchemesIsInTheDocs();
};

void TestCliConfig::everyFieldThroughFlags()
{
    QFETCH(QuantConfig, config);
    if (QByteArray(QTest::currentDataTag()) == "preset")
        QSKIP("the CLI sets the preset label only through --preset NAME (everyPresetReadsBack)");
    QVERIFY_SAME_CONFIG(reportedConfig(test::cliArgs(config)), config);
}

// --preset NAME gives the preset's whole config; another option marks it " + options".
void TestCliConfig::everyPresetReadsBack()
{
    for (const Preset& p : presets()) {
        const QString name = QString::fromStdString(p.name);
        QVERIFY_SAME_CONFIG(reportedConfig({"--preset", name}), p.config);
        QuantConfig changed = p.config;
        changed.seed = 7;
        changed.preset += " + options";
        QVERIFY_SAME_CONFIG(reportedConfig({"--preset", name, "--rounding-seed", "7"}), changed);
    }
}

void TestCliConfig::helpListsEveryChoice()
{
    const QString main = runCli({"--help"}).out;
    const QString quantize = runCli({"help", "quantize"}).out;
    const QString options = runCli({"quantize", "--help"}).out;
    auto listsAll = [&](const std::vector<std::string>& names) {
        for (const std::string& n : names) {
            const QString name = QString::fromStdString(n);
            QVERIFY2(main.contains(" " + name), qPrintable("--help: " + name));
            QVERIFY2(quantize.contains(" " + name), qPrintable("help quantize: " + name));
            QVERIFY2(options.contains(name), qPrintable("quantize --help: " + name));
        }
    };
    listsAll(choiceNames<Scheme>());
    listsAll(choiceNames<RangeMethod>());
    listsAll(choiceNames<Rounding>());
    forEachField([&](const auto& f) {
        const QString flag = "--" + QString::fromLatin1(f.flag);
        QVERIFY2(options.contains(flag), qPrintable(flag));
        QVERIFY2(docsText().contains("`" + flag), qPrintable("docs/CLI.md: " + flag));
    });
}

// docs/CLI.md holds the output of `help schemes` verbatim, so the two cannot drift apart.
void TestCliConfig::helpSchemesIsInTheDocs()
{
    const Run r = runCli({"help", "schemes"});
    QCOMPARE(r.code, 0);
    for (const auto& names : {choiceNames<Scheme>(), choiceNames<RangeMethod>(),
                              choiceNames<Rounding>(), choiceNames<MxScaleRounding>()})
        for (const std::string& n : names)
            QVERIFY2(r.out.contains("\n  " + QString::fromStdString(n) + " "), n.c_str());
    for (const Choice<RangeMethod>& c : choices<RangeMethod>())
        QVERIFY(r.out.contains(QString::fromLatin1(c.description).section(' ', 0, 2)));
    const QString docs = docsText();
    QVERIFY2(docs.contains("```\n" + r.out + "```\n"),
             "docs/CLI.md must hold the output of `quantscope-cli help schemes` in a code block");
}

QTEST_APPLESS_MAIN(TestCliConfig)
#include "tst_cli_config.moc"
