#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <utility>

namespace zenml::controlplane {

// Runs `work()` on the global thread pool, then `done(result)` on the GUI thread as an event
// (never from within this call), and not at all once `context` is gone. `context` lives on
// the GUI thread.
//
// Not QFuture::then(context, ...): on Qt 6.4 its continuation asserts, and then posts to a
// dead object, when the context is destroyed before the work is done (a listing closed while
// a page is being decoded). The application object outlives the pool's work:
// QCoreApplication waits for the global pool before it goes.
template <typename Work, typename Done> void runInBackground(QObject* context, Work work, Done done)
{
    Q_ASSERT(context && context->thread() == QCoreApplication::instance()->thread());
    QThreadPool::globalInstance()->start(
        [guard = QPointer<QObject>(context), work = std::move(work),
            done = std::move(done)]() mutable {
            auto result = work();
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [guard, done, result = std::move(result)]() mutable {
                    if (guard)
                        done(std::move(result));
                },
                Qt::QueuedConnection);
        });
}

} // namespace zenml::controlplane
