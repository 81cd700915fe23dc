// runAsync: a function run on the thread pool whose result comes back to a QObject's thread.
// It goes through a QFutureWatcher rather than QFuture::then(context, ...): with Qt 6.4 a
// continuation attached while the worker is already finishing can be started twice (the
// second time with a moved-from promise, which crashes), and a chart's data often is ready
// that soon.
#pragma once

#include <QDebug>
#include <QFutureWatcher>
#include <QObject>
#include <QUnhandledException>
#include <QtConcurrent>

#include <exception>
#include <type_traits>
#include <utility>

namespace qs::ui {

// "background work failed: <what()>" on the console.
inline void warnBackgroundFailure(std::exception_ptr failure)
{
    try {
        if (failure)
            std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        qWarning("background work failed: %s", e.what());
        return;
    } catch (...) {
    }
    qWarning("background work failed");
}

// Runs work() on the thread pool and calls done(result) on owner's thread when it ends, once
// (not at all if owner is destroyed first). work should catch what it can throw; an exception
// that escapes it is reported on the console and done is not called.
template <class Work, class Done> void runAsync(QObject* owner, Work work, Done done)
{
    using Result = std::invoke_result_t<Work>;
    auto* watcher = new QFutureWatcher<Result>(owner);
    QObject::connect(watcher, &QFutureWatcherBase::finished, owner,
                     [watcher, done = std::move(done)]() mutable {
                         watcher->deleteLater();
                         try {
                             done(watcher->result());
                         } catch (const QUnhandledException& e) {
                             warnBackgroundFailure(e.exception());
                         } catch (...) {
                             warnBackgroundFailure(std::current_exception());
                         }
                     });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace qs::ui
