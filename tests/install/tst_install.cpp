// The installed tree. `cmake --install` of this build into a scratch prefix puts the executables,
// man pages, desktop entry, MIME types, AppStream metadata and icons at their freedesktop.org
// paths, and each file is well-formed: the XML parses (xmllint, appstreamcli and
// desktop-file-validate check too where installed), the desktop entry, the MIME types and the
// metadata name each other and the installed files, and each man page has its sections and
// holds every line and every option of its program's help text.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QXmlStreamReader>
#include <QtEndian>
#include <QtTest>

namespace {

const QString kAppId = QStringLiteral("io.github.quantscope.QuantScope");
const QString kDesktopFile = QStringLiteral("share/applications/%1.desktop").arg(kAppId);
const QString kMetainfoFile = QStringLiteral("share/metainfo/%1.metainfo.xml").arg(kAppId);
const QString kMimeFile = QStringLiteral("share/mime/packages/quantscope.xml");

// The MIME types QuantScope defines, each with its glob.
const QMap<QString, QString> kMimeGlobs{{"application/x-quantscope-session", "*.qscope"},
                                        {"application/x-npy", "*.npy"},
                                        {"application/x-npz", "*.npz"},
                                        {"application/x-safetensors", "*.safetensors"},
                                        {"application/x-gguf", "*.gguf"}};

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString readText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// Help text as the man page prints it (cmake/make_manpage.sh): backslashes and hyphens escaped.
QString roffEscaped(QString text)
{
    return text.replace(QLatin1Char('\\'), QLatin1String("\\e"))
        .replace(QLatin1Char('-'), QLatin1String("\\-"));
}

// The keys of a desktop entry's [Desktop Entry] group.
QMap<QString, QString> desktopEntry(const QString& text)
{
    QMap<QString, QString> keys;
    bool inGroup = false;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1Char('[')))
            inGroup = line == QLatin1String("[Desktop Entry]");
        else if (inGroup && line.contains(QLatin1Char('=')) && !line.startsWith(QLatin1Char('#')))
            keys.insert(line.section(QLatin1Char('='), 0, 0), line.section(QLatin1Char('='), 1));
    }
    return keys;
}

QStringList listValue(const QString& value)
{
    return value.split(QLatin1Char(';'), Qt::SkipEmptyParts);
}

// Every element's text by its path ("component/provides/binary"), in document order; an
// empty list and *error when the document is not well-formed.
QMultiMap<QString, QString> xmlTexts(const QString& path, QString* error)
{
    QFile f(path);
    QMultiMap<QString, QString> texts;
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open ") + path;
        return {};
    }
    QXmlStreamReader xml(&f);
    QStringList stack;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            stack << xml.name().toString();
            for (const QXmlStreamAttribute& a : xml.attributes())
                texts.insert(stack.join(QLatin1Char('/')) + "@" + a.name().toString(),
                             a.value().toString());
        } else if (xml.isEndElement()) {
            stack.removeLast();
        } else if (xml.isCharacters() && !xml.isWhitespace()) {
            texts.insert(stack.join(QLatin1Char('/')), xml.text().toString().trimmed());
        }
    }
    if (xml.hasError()) {
        *error = QStringLiteral("%1:%2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
        return {};
    }
    return texts;
}

} // namespace

class TestInstall : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void filesInstalled_data();
    void filesInstalled();
    void xmlWellFormed_data();
    void xmlWellFormed();
    void mimeTypes();
    void desktopEntry();
    void metainfo();
    void manPage_data();
    void manPage();

private:
    QString installed(const QString& relative) const { return m_prefix.filePath(relative); }
    QDir m_prefix;
};

void TestInstall::initTestCase()
{
    m_prefix = QDir(QStringLiteral(QS_TEST_TMP "/prefix"));
    QVERIFY(m_prefix.removeRecursively());
    const Run r = run(QStringLiteral(QS_CMAKE_COMMAND),
                      {"--install", QStringLiteral(QS_BUILD_DIR), "--prefix", m_prefix.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
}

void TestInstall::filesInstalled_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("executable");
    for (const char* bin : {"quantscope", "quantscope-cli"})
        QTest::newRow(bin) << QStringLiteral("bin/") + bin << true;
    const QStringList data{"share/man/man1/quantscope.1",
                           "share/man/man1/quantscope-cli.1",
                           kDesktopFile,
                           kMetainfoFile,
                           kMimeFile,
                           "share/icons/hicolor/scalable/apps/quantscope.svg"};
    for (const QString& path : data)
        QTest::newRow(qPrintable(path)) << path << false;
    for (int size : {16, 24, 32, 48, 64, 128, 256}) {
        const QString png =
            QStringLiteral("share/icons/hicolor/%1x%1/apps/quantscope.png").arg(size);
        QTest::newRow(qPrintable(png)) << png << false;
    }
}

void TestInstall::filesInstalled()
{
    QFETCH(QString, path);
    QFETCH(bool, executable);
    const QFileInfo info(installed(path));
    QVERIFY2(info.isFile() && info.size() > 0, qPrintable(path));
    QCOMPARE(info.isExecutable(), executable);
    if (path.endsWith(QLatin1String(".png"))) {
        // hicolor/NxN holds an N x N image: the PNG header's width and height.
        QFile f(info.filePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray head = f.read(24);
        QCOMPARE(head.left(8), QByteArray("\x89PNG\r\n\x1a\n", 8));
        const int size =
            path.section(QLatin1Char('/'), 3, 3).section(QLatin1Char('x'), 0, 0).toInt();
        QCOMPARE(qFromBigEndian<quint32>(head.constData() + 16), quint32(size));
        QCOMPARE(qFromBigEndian<quint32>(head.constData() + 20), quint32(size));
    }
}

void TestInstall::xmlWellFormed_data()
{
    QTest::addColumn<QString>("path");
    for (const QString& path : {kMetainfoFile, kMimeFile,
                                QStringLiteral("share/icons/hicolor/"
                                               "scalable/apps/"
                                               "quantscope.svg")})
        QTest::newRow(qPrintable(path)) << path;
}

void TestInstall::xmlWellFormed()
{
    QFETCH(QString, path);
    QString error;
    QVERIFY2(!xmlTexts(installed(path), &error).isEmpty(), qPrintable(error));
    const QString xmllint = QStandardPaths::findExecutable(QStringLiteral("xmllint"));
    if (!xmllint.isEmpty()) {
        const Run r = run(xmllint, {"--noout", installed(path)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
}

// Each type once, with its glob; the two with a fixed signature recognise it.
void TestInstall::mimeTypes()
{
    QString error;
    const auto texts = xmlTexts(installed(kMimeFile), &error);
    QVERIFY2(!texts.isEmpty(), qPrintable(error));
    const QStringList types = texts.values(QStringLiteral("mime-info/mime-type@type"));
    QCOMPARE(QSet<QString>(types.begin(), types.end()),
             QSet<QString>(kMimeGlobs.keyBegin(), kMimeGlobs.keyEnd()));
    QCOMPARE(types.size(), kMimeGlobs.size());
    QStringList globs = texts.values(QStringLiteral("mime-info/mime-type/glob@pattern"));
    QStringList expected = kMimeGlobs.values();
    globs.sort();
    expected.sort();
    QCOMPARE(globs, expected);
    QStringList magic = texts.values(QStringLiteral("mime-info/mime-type/magic/match@value"));
    magic.sort();
    QCOMPARE(magic, QStringList({"GGUF", "\\x93NUMPY"}));
}

void TestInstall::desktopEntry()
{
    const QMap<QString, QString> keys = ::desktopEntry(readText(installed(kDesktopFile)));
    QCOMPARE(keys.value("Type"), QStringLiteral("Application"));
    QCOMPARE(keys.value("Name"), QStringLiteral("QuantScope"));
    QCOMPARE(keys.value("Exec"), QStringLiteral("quantscope %f"));
    QCOMPARE(keys.value("Icon"), QStringLiteral("quantscope"));
    QVERIFY(QFileInfo(installed("bin/quantscope")).isExecutable());
    const QStringList mime = listValue(keys.value("MimeType"));
    QCOMPARE(QSet<QString>(mime.begin(), mime.end()),
             QSet<QString>(kMimeGlobs.keyBegin(), kMimeGlobs.keyEnd()));
    QVERIFY(listValue(keys.value("Categories")).contains(QStringLiteral("Science")));
    const QString validate =
        QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
    if (!validate.isEmpty()) {
        const Run r = run(validate, {installed(kDesktopFile)});
        QVERIFY2(r.exitCode == 0 && r.out.isEmpty(), qPrintable(r.out + r.err));
    }
}

// The metadata names the installed desktop entry, binaries and MIME types, and its newest
// release is this version.
void TestInstall::metainfo()
{
    QString error;
    const auto texts = xmlTexts(installed(kMetainfoFile), &error);
    QVERIFY2(!texts.isEmpty(), qPrintable(error));
    QCOMPARE(texts.value("component@type"), QStringLiteral("desktop-application"));
    QCOMPARE(texts.value("component/id"), kAppId);
    QCOMPARE("share/applications/" + texts.value("component/launchable"), kDesktopFile);
    QStringList binaries = texts.values("component/provides/binary");
    binaries.sort();
    QCOMPARE(binaries, QStringList({"quantscope", "quantscope-cli"}));
    for (const QString& binary : binaries)
        QVERIFY2(QFileInfo(installed("bin/" + binary)).isExecutable(), qPrintable(binary));
    const QStringList media = texts.values("component/provides/mediatype");
    QCOMPARE(QSet<QString>(media.begin(), media.end()),
             QSet<QString>(kMimeGlobs.keyBegin(), kMimeGlobs.keyEnd()));
    QVERIFY(!texts.value("component/description/p").isEmpty());
    QVERIFY(!texts.values("component/screenshots/screenshot/image").isEmpty());
    QCOMPARE(texts.value("component/content_rating@type"), QStringLiteral("oars-1.1"));
    // QMultiMap::values lists the last inserted first: the first <release> is last.
    QCOMPARE(texts.values("component/releases/release@version").last(), QStringLiteral(QS_VERSION));
    const QString appstream = QStandardPaths::findExecutable(QStringLiteral("appstreamcli"));
    if (!appstream.isEmpty()) {
        const Run r = run(appstream, {"validate", "--no-net", installed(kMetainfoFile)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    }
}

void TestInstall::manPage_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QList<QStringList>>("helps");
    QTest::addColumn<QStringList>("sections");
    const QStringList common{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"};
    QTest::newRow("quantscope") << "quantscope" << QList<QStringList>{{"--help"}}
                                << common + QStringList{"SEE ALSO"};
    QList<QStringList> cliHelps{{"--help"}};
    for (const char* topic : {"info", "export", "quantize", "plot", "presets", "schemes"})
        cliHelps.append(QStringList{"help", topic});
    QTest::newRow("quantscope-cli")
        << "quantscope-cli" << cliHelps
        << common + QStringList{"COMMANDS", "SCHEMES, RANGE METHODS AND ROUNDING MODES",
                                "EXIT STATUS", "SEE ALSO"};
}

// The sections in order, the NAME line, and every line and option of every help text.
void TestInstall::manPage()
{
    QFETCH(QString, program);
    QFETCH(QList<QStringList>, helps);
    QFETCH(QStringList, sections);
    const QString page = readText(installed("share/man/man1/" + program + ".1"));
    QVERIFY(page.startsWith(".TH " + program.toUpper() + " 1 "));
    QStringList shown;
    for (const QString& line : page.split(QLatin1Char('\n')))
        if (line.startsWith(QLatin1String(".SH ")))
            shown << line.mid(4);
    QCOMPARE(shown, roffEscaped(sections.join('\n')).split('\n'));
    QVERIFY(page.contains("\n.SH NAME\n" + roffEscaped(program) + " \\- "));

    const QRegularExpression option(QStringLiteral("(?<![A-Za-z0-9-])--[a-z][a-z0-9-]*"));
    int options = 0;
    for (const QStringList& args : helps) {
        const Run help = run(QStringLiteral(QS_BIN_DIR "/") + program, args);
        QCOMPARE(help.exitCode, 0);
        for (QString line : help.out.split(QLatin1Char('\n'))) {
            line.remove(QRegularExpression(QStringLiteral("^(Usage|Exit status):\\s*")));
            QVERIFY2(page.contains(roffEscaped(line.trimmed())), qPrintable(line));
        }
        for (const auto& m : option.globalMatch(help.out)) {
            const QRegularExpression inPage(QRegularExpression::escape(roffEscaped(m.captured())) +
                                            "(?![a-z0-9]|\\\\-)");
            QVERIFY2(page.contains(inPage), qPrintable(m.captured()));
            ++options;
        }
    }
    QVERIFY(options > 10);
    const QString groff = QStandardPaths::findExecutable(QStringLiteral("groff"));
    if (!groff.isEmpty()) {
        const Run r = run(
            groff, {"-man", "-Tutf8", "-ww", "-z", installed("share/man/man1/" + program + ".1")});
        QVERIFY2(r.exitCode == 0 && r.err.isEmpty(), qPrintable(r.err));
    }
}

QTEST_GUILESS_MAIN(TestInstall)
#include "tst_install.moc"
