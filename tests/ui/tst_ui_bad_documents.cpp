// Malformed session and lesson files opened in the real window (headless, with its message
// boxes on): one row per kind of failure (tests/support/bad_documents.h). Each must show a
// window-modal box naming the file and the problem, without blocking, and leave everything as it
// was: configuration, tab, bins, tensor, result, and the open lesson and its step. A bad session
// named on the command line shows the same box at start-up, and makes --screenshot exit 3.
#include "tests/support/bad_documents.h"
#include "tests/support/ui_test_support.h"

#include "ui/panels/lesson_panel.h"
#include "ui/window/app_options.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>

using namespace qs;
using namespace qs::ui;

namespace {

// What a failed open must not change.
struct WindowState {
    QuantConfig config;
    QString tab;
    int errorBins = 0;
    std::shared_ptr<const Tensor> tensor;
    std::shared_ptr<const QuantResult> result;
    std::string lessonId;
    int lessonStep = -1;

    explicit WindowState(const MainWindow& w)
        : config(w.config()), tab(w.currentTabName()), errorBins(w.errorBins()), tensor(w.tensor()),
          result(w.result()),
          lessonId(w.lessonPanel()->hasLesson() ? w.lessonPanel()->lesson().id : ""),
          lessonStep(w.lessonPanel()->step())
    {
    }
    bool operator==(const WindowState& o) const
    {
        return config == o.config && tab == o.tab && errorBins == o.errorBins &&
               tensor == o.tensor && result == o.result && lessonId == o.lessonId &&
               lessonStep == o.lessonStep;
    }
};

// The error boxes the window shows, closed once read.
QStringList takeErrorBoxes(MainWindow& w)
{
    QStringList texts;
    for (QMessageBox* box : w.findChildren<QMessageBox*>(QStringLiteral("errorBox"))) {
        if (box->isVisible())
            texts << box->text();
        box->close(); // deletes itself
    }
    QCoreApplication::processEvents();
    return texts;
}

} // namespace

class TestUiBadDocuments : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase() { m_window.reset(); }
    void badSessionChangesNothing_data() { test::addBadDocumentRows(test::kBadSessions); }
    void badSessionChangesNothing();
    void badLessonChangesNothing_data() { test::addBadDocumentRows(test::kBadLessons); }
    void badLessonChangesNothing();
    void missingFiles();
    void startUpSessionShowsBox();
    void screenshotExits3_data() { test::addBadDocumentRows(test::kBadSessions); }
    void screenshotExits3();

private:
    // Writes `text` as `name`, opens it with `open` and checks the box, the message and the state.
    void openBad(const QString& name, const QByteArray& text, const QString& message,
                 const std::function<bool(const QString&)>& open);
    std::unique_ptr<MainWindow> m_window;
};

void TestUiBadDocuments::initTestCase()
{
    MainWindow::Options options = test::windowOptions();
    options.messageBoxes = true;
    m_window = std::make_unique<MainWindow>(options);
    m_window->resize(1280, 720);
    m_window->show();
    // A lesson on its second step, then a configuration and tab of the user's own.
    const QString lesson = test::tmpPath(QStringLiteral("good-lesson.json"));
    QFile f(lesson);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"id": "good", "title": "Good", "source": {"values": [0, 1, 2, 3, 4, 5]},
        "config": {"bits": 3}, "steps": [{"caption": "a"}, {"caption": "b",
        "config": {"bits": 2}}]})");
    f.close();
    QVERIFY2(m_window->openLesson(lesson), qPrintable(m_window->lastError()));
    m_window->lessonPanel()->setStep(1);
    QuantConfig c = m_window->config();
    c.scheme = Scheme::Symmetric;
    c.bits = 5;
    m_window->setConfig(c);
    m_window->setCurrentChart(ChartKind::Histogram);
    m_window->setErrorBins(37);
    QVERIFY(test::waitForCurrent(*m_window));
    QCOMPARE(m_window->lessonPanel()->step(), 1);
    QCOMPARE(m_window->tensor()->numel(), int64_t(6));
    QVERIFY(takeErrorBoxes(*m_window).isEmpty());
}

void TestUiBadDocuments::openBad(const QString& name, const QByteArray& text,
                                 const QString& message,
                                 const std::function<bool(const QString&)>& open)
{
    MainWindow& w = *m_window;
    const QString path = test::tmpPath(name);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
    f.close();
    const WindowState before(w);
    QSignalSpy errors(&w, &MainWindow::errorShown);
    QVERIFY(!open(path));
    QCOMPARE(errors.count(), 1);
    QVERIFY2(w.lastError().contains(name) && w.lastError().contains(message),
             qPrintable(w.lastError()));
    // The box is up (window-modal, the call above already returned) and says the same.
    const QStringList boxes = takeErrorBoxes(w);
    QCOMPARE(boxes, QStringList{w.lastError()});
    // Nothing was started: after the event loop ran, the window still shows the same things.
    QTest::qWait(50);
    QVERIFY(w.isIdle());
    QVERIFY(WindowState(w) == before);
    QCOMPARE(errors.count(), 1);
}

void TestUiBadDocuments::badSessionChangesNothing()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    openBad(QStringLiteral("bad-session.qscope"), text, message,
            [this](const QString& path) { return m_window->openSession(path); });
}

void TestUiBadDocuments::badLessonChangesNothing()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    openBad(QStringLiteral("bad-lesson.json"), text, message,
            [this](const QString& path) { return m_window->openLesson(path); });
}

void TestUiBadDocuments::missingFiles()
{
    MainWindow& w = *m_window;
    const WindowState before(w);
    for (const QString& name : {QStringLiteral("no-such-session.qscope")}) {
        QVERIFY(!w.openSession(test::tmpPath(name)));
        QVERIFY2(w.lastError().contains(name), qPrintable(w.lastError()));
        QCOMPARE(takeErrorBoxes(w).size(), 1);
    }
    QVERIFY(!w.openLesson(test::tmpPath(QStringLiteral("no-such-lesson.json"))));
    QVERIFY2(w.lastError().contains(QStringLiteral("no-such-lesson.json")),
             qPrintable(w.lastError()));
    QCOMPARE(takeErrorBoxes(w).size(), 1);
    QVERIFY(WindowState(w) == before);
}

void TestUiBadDocuments::startUpSessionShowsBox()
{
    // `quantscope bad.qscope`: the message on stderr and, once the window is up, in a box.
    MainWindow& w = *m_window;
    const QString path = test::tmpPath(QStringLiteral("start.qscope"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(test::kBadSessions[6].text); // impossible bits
    f.close();
    const WindowState before(w);
    AppOptions o;
    o.file = path;
    applyStartOptions(w, o);
    QTRY_COMPARE(w.findChildren<QMessageBox*>(QStringLiteral("errorBox")).size(), 1);
    const QStringList boxes = takeErrorBoxes(w);
    QCOMPARE(boxes.size(), 1);
    QVERIFY2(boxes[0].contains(QStringLiteral("start.qscope")) &&
                 boxes[0].contains(QStringLiteral("bits")),
             qPrintable(boxes[0]));
    QVERIFY(WindowState(w) == before);
}

void TestUiBadDocuments::screenshotExits3()
{
    // `quantscope --screenshot OUT.png --session bad.qscope`: exit 3, the message, no image.
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const QString path = test::tmpPath(QStringLiteral("shot.qscope"));
    const QString out = test::tmpPath(QStringLiteral("shot.png"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
    f.close();
    QFile::remove(out);
    QProcess p;
    p.start(QStringLiteral(QS_BIN_DIR "/quantscope"),
            {"--screenshot", out, "--size", "640x400", "--session", path});
    QVERIFY(p.waitForFinished(60000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 3);
    QVERIFY2(err.contains(QStringLiteral("shot.qscope")) && err.contains(message), qPrintable(err));
    QVERIFY(!QFile::exists(out));
}

QTEST_MAIN(TestUiBadDocuments)
#include "tst_ui_bad_documents.moc"
