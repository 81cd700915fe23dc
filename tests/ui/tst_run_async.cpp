// runAsync: every result comes back once, on the owner's thread, also when the work finishes
// before the watcher is set up; nothing comes back to an owner destroyed meanwhile.
#include "ui/support/run_async.h"

#include <QThread>
#include <QtTest>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace qs::ui;

class TestRunAsync : public QObject {
    Q_OBJECT
private slots:
    void eachResultOnceOnTheOwnersThread()
    {
        constexpr int n = 20000; // most finish at once: the race a continuation could lose
        QObject owner;
        std::vector<int> seen(n, 0);
        int arrived = 0;
        bool onOwnerThread = true;
        for (int i = 0; i < n; ++i)
            runAsync(
                &owner, [i] { return i; },
                [&](int k) {
                    ++seen[size_t(k)];
                    ++arrived;
                    onOwnerThread = onOwnerThread && QThread::currentThread() == owner.thread();
                });
        QTRY_COMPARE_WITH_TIMEOUT(arrived, n, 60000);
        QCoreApplication::processEvents();
        QCOMPARE(arrived, n);
        QVERIFY(onOwnerThread);
        for (int k = 0; k < n; ++k)
            QCOMPARE(seen[size_t(k)], 1);
    }

    void nothingForADestroyedOwner()
    {
        auto release = std::make_shared<std::atomic<bool>>(false);
        int arrived = 0;
        {
            QObject owner;
            runAsync(
                &owner,
                [release] {
                    while (!release->load())
                        QThread::msleep(1);
                    return 1;
                },
                [&](int) { ++arrived; });
        } // the owner (and its watcher) go before the work ends
        release->store(true);
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(arrived, 0);
    }

    void escapedExceptionIsNotAResult()
    {
        QObject owner;
        int arrived = 0;
        QTest::ignoreMessage(QtWarningMsg, "background work failed: disk on fire");
        runAsync(
            &owner, []() -> int { throw std::runtime_error("disk on fire"); },
            [&](int) { ++arrived; });
        QTRY_VERIFY_WITH_TIMEOUT(owner.findChildren<QFutureWatcherBase*>().isEmpty(), 10000);
        QCOMPARE(arrived, 0);
    }
};

QTEST_GUILESS_MAIN(TestRunAsync)
#include "tst_run_async.moc"
