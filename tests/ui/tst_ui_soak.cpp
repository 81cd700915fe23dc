// A soak of the window: 2,000 random control changes with a fixed seed (bits, scheme, range,
// granularity, group size, axis, tab, preset, opening good and bad files, generating, cancel),
// driven from timers inside the event loop as a user's input arrives. It must end on exactly the
// numbers a fresh computation of the final configuration gives, with the panels showing that
// result (nothing stale), and the GUI thread never busy for more than 50 ms at a stretch
// (GuiBlockMeter, the meter of `quantscope --benchmark-ui`: the thread's CPU time, which a
// loaded machine does not inflate; its wall time must stay under a second). QS_SOAK_LOG=1
// prints every stretch over 30 ms with the action before it.
#include "core/data/generators.h"
#include "core/io/npy.h"
#include "core/quant/quantize.h"
#include "tests/support/ui_test_support.h"
#include "ui/panels/numbers_panel.h"
#include "ui/panels/quant_panel.h"
#include "ui/support/gui_block_meter.h"
#include "ui/window/main_window.h"
#include "ui/window/window_status.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include <functional>
#include <random>

using namespace qs;
using namespace qs::ui;
using qs::test::tmpPath;
using qs::test::waitForCurrent;
using qs::test::windowOptions;

namespace {

constexpr int kChanges = 2000;
// The GUI thread's own work in one stretch (CPU time: the same on a loaded CI machine) and,
// to catch waits and hangs, its wall time.
constexpr double kMaxBlockCpuMs = 50;
constexpr double kMaxBlockWallMs = 1000;

// The longest stretch seen and the action before it.
struct Stretch {
    explicit Stretch(const char* clockName) : clock(clockName) {}

    const char* clock;
    double ms = 0;
    QString action;

    void note(double stretchMs, const QString& after)
    {
        if (stretchMs > 30 && qEnvironmentVariableIsSet("QS_SOAK_LOG"))
            qInfo("%.1f ms %s after '%s'", stretchMs, clock, qPrintable(after));
        if (stretchMs > ms) {
            ms = stretchMs;
            action = after;
        }
    }
    QString text() const
    {
        return QStringLiteral("%1 ms %2 after '%3'").arg(ms).arg(clock).arg(action);
    }
};

GeneratorOptions soakTensor(uint64_t seed)
{
    GeneratorOptions g;
    g.distribution = Distribution::Laplace;
    g.shape = {48, 80};
    g.seed = seed;
    g.outliers = 2;
    g.outlierValue = 12;
    return g;
}

// The panel's rows without the timing row, which differs from run to run.
QString numbersWithoutTime(const NumbersPanel& p)
{
    QStringList lines = p.plainText().split('\n');
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [](const QString& l) { return l.startsWith("Compute time:"); }),
                lines.end());
    return lines.join('\n');
}

// Random user actions on the real controls. Combo boxes only pick enabled entries, as a user
// can; spin boxes stay inside their limits.
class Monkey {
public:
    Monkey(MainWindow& w, uint32_t seed) : m_w(w), m_rng(seed)
    {
        QuantPanel* q = w.quantPanel();
        for (const char* name : {"schemeCombo", "rangeCombo", "granularityCombo", "presetCombo"})
            m_combos.push_back(q->findChild<QComboBox*>(QLatin1String(name)));
        for (const char* name : {"bitsSpin", "groupSizeSpin", "axisSpin"})
            m_spins.push_back(q->findChild<QSpinBox*>(QLatin1String(name)));
    }

    bool ready() const { return !m_combos.contains(nullptr) && !m_spins.contains(nullptr); }

    // One random action; returns its name for the failure message.
    QString act()
    {
        const int kind = pick(0, 99);
        if (kind < 25)
            return setCombo(m_combos[0]); // scheme
        if (kind < 40)
            return setCombo(m_combos[1]); // range
        if (kind < 50)
            return setCombo(m_combos[2]); // granularity
        if (kind < 53)
            return setCombo(m_combos[3]); // preset
        if (kind < 75)
            return setSpin(m_spins[0]); // bits
        if (kind < 82)
            return setSpin(m_spins[1], 512); // group size
        if (kind < 85)
            return setSpin(m_spins[2]); // axis
        if (kind < 93)
            return setTab();
        if (kind < 95)
            return cancel();
        if (kind < 97)
            return open(QStringLiteral("good.npy"));
        if (kind < 99)
            return open(QStringLiteral("bad.npy"));
        m_w.generate(soakTensor(uint64_t(pick(1, 1000))));
        return QStringLiteral("generate");
    }

private:
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }

    QString setCombo(QComboBox* c)
    {
        const auto* model = qobject_cast<const QStandardItemModel*>(c->model());
        QList<int> enabled;
        for (int i = 0; i < c->count(); ++i)
            if (!model || model->item(i)->isEnabled())
                enabled << i;
        if (!enabled.isEmpty())
            c->setCurrentIndex(enabled[pick(0, int(enabled.size()) - 1)]);
        return c->objectName() + " " + c->currentText();
    }

    QString setSpin(QSpinBox* s, int cap = 1 << 30)
    {
        s->setValue(pick(s->minimum(), std::min(s->maximum(), cap)));
        return s->objectName() + " " + QString::number(s->value());
    }

    QString setTab()
    {
        const QStringList names = m_w.tabNames();
        const QString name = names[pick(0, int(names.size()) - 1)];
        m_w.setCurrentTab(name);
        return "tab " + name;
    }

    QString cancel()
    {
        QToolButton* b = m_w.findChild<QToolButton*>(QStringLiteral("cancelButton"));
        if (b && b->isVisible())
            b->click();
        return QStringLiteral("cancel");
    }

    QString open(const QString& name)
    {
        m_w.openFile(tmpPath(name));
        return "open " + name;
    }

    MainWindow& m_w;
    std::mt19937 m_rng;
    QList<QComboBox*> m_combos;
    QList<QSpinBox*> m_spins;
};

// Runs `step` from a timer every `intervalMs` inside a real event loop, `count` times.
void runInEventLoop(int count, int intervalMs, const std::function<void(int)>& step)
{
    QEventLoop loop;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(intervalMs);
    int done = 0;
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        step(done);
        if (++done == count)
            loop.quit();
    });
    timer.start();
    loop.exec();
}

} // namespace

class TestUiSoak : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // A good file and a bad one (a valid magic with a broken header) for the monkey.
        const Tensor t = generate(soakTensor(99));
        writeNpyFloat32(tmpPath("good.npy").toStdString(), t.shape, t.data);
        QFile bad(tmpPath("bad.npy"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("\x93NUMPY\x01\x00\x10\x00{'descr': '<f4',");
    }

    // The meter sees a deliberate 80 ms block, sleeping (wall clock) and busy (CPU), so the
    // soak's bounds can fail.
    void meterSeesABlock()
    {
        GuiBlockMeter meter;
        runInEventLoop(3, 5, [](int i) {
            if (i == 1)
                QThread::msleep(80);
        });
        QVERIFY2(meter.max() >= 75, qPrintable(QString::number(meter.max())));
        QVERIFY2(meter.maxCpu() < 40, qPrintable(QString::number(meter.maxCpu())));
        meter.reset();
        runInEventLoop(3, 5, [](int i) {
            // 80 ms of this thread's CPU time, however busy the machine is.
            const double start = threadCpuMs();
            volatile double sink = 0;
            while (i == 1 && threadCpuMs() - start < 80)
                sink = sink + 1;
        });
        QVERIFY2(meter.maxCpu() >= 75, qPrintable(QString::number(meter.maxCpu())));
    }

    void soak()
    {
        MainWindow w(windowOptions(false));
        w.resize(1280, 720);
        w.show();
        w.generate(soakTensor(1));
        QVERIFY(waitForCurrent(w));
        Monkey monkey(w, 20261206);
        QVERIFY(monkey.ready());
        GuiBlockMeter meter;
        Stretch cpu("CPU"), wall("wall");
        QString action;
        runInEventLoop(kChanges, 2, [&](int) {
            // The stretch just measured ended with the previous action's work.
            cpu.note(meter.maxCpu(), action);
            wall.note(meter.max(), action);
            meter.reset();
            action = monkey.act();
        });
        QVERIFY(waitForCurrent(w, 60000));
        cpu.note(meter.maxCpu(), action);
        wall.note(meter.max(), action);
        qInfo("longest GUI-thread stretch: %.1f ms CPU after '%s', %.1f ms wall after '%s'", cpu.ms,
              qPrintable(cpu.action), wall.ms, qPrintable(wall.action));

        // The same numbers as a fresh computation of the final configuration.
        const QuantConfig config = w.config();
        QVERIFY(w.result()->config == config);
        const QuantResult fresh = quantize(*w.tensor(), config);
        QCOMPARE(w.result()->codes, fresh.codes);
        QCOMPARE(w.result()->dequantized, fresh.dequantized);
        NumbersPanel expected;
        expected.setResult(fresh);
        const QString shown = numbersWithoutTime(*w.numbersPanel());
        const QString want = numbersWithoutTime(expected);
        QVERIFY2(shown == want, qPrintable("shown:\n" + shown + "\nfresh:\n" + want));
#ifndef QS_SANITIZED_BUILD // instrumented code is several times slower: no time bound there
        QVERIFY2(cpu.ms <= kMaxBlockCpuMs, qPrintable(cpu.text()));
        QVERIFY2(wall.ms <= kMaxBlockWallMs, qPrintable(wall.text()));
#endif
    }
};

QTEST_MAIN(TestUiSoak)
#include "tst_ui_soak.moc"
