#pragma once

// Starts the real zenml-pro-sandbox executable through SandboxLauncher for integration tests.

#include "session/SandboxLauncher.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <tuple>

struct RunningSandbox
{
    std::unique_ptr<zenml::session::SandboxLauncher> launcher;
    QUrl apiRoot;
    QString username;
    QString password;
    QString error; // why it is not running

    bool isReady() const { return !apiRoot.isEmpty(); }
};

// Empty when the executable exists beside the test (or on PATH); otherwise says where it was
// looked for, for a QSKIP message.
inline QString sandboxMissingReason()
{
    zenml::session::SandboxLauncher launcher;
    QString notFound;
    if (!launcher.findExecutable(&notFound).isEmpty())
        return {};
    return QStringLiteral("zenml-pro-sandbox is not built (cmake --build <dir> --target "
                          "zenml-pro-sandbox): ")
        + notFound;
}

inline RunningSandbox startSandbox(
    const QStringList& arguments = {}, const QString& adminPassword = {})
{
    using zenml::session::SandboxLauncher;
    RunningSandbox sandbox;
    sandbox.launcher = std::make_unique<SandboxLauncher>();
    sandbox.launcher->setAdminPassword(adminPassword);
    QSignalSpy ready(sandbox.launcher.get(), &SandboxLauncher::ready);
    QSignalSpy failed(sandbox.launcher.get(), &SandboxLauncher::failed);
    sandbox.launcher->start(arguments);
    // The launcher fails a sandbox that falls silent before it is ready; a large seeding
    // reports progress, so only ctest's own timeout bounds it here.
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 600000)) {
        sandbox.error = QStringLiteral("the sandbox neither started nor failed in 10 minutes");
        return sandbox;
    }
    if (!failed.isEmpty()) {
        sandbox.error = failed.at(0).at(0).toString();
        return sandbox;
    }
    sandbox.apiRoot = ready.at(0).at(0).toUrl();
    sandbox.username = ready.at(0).at(1).toString();
    sandbox.password = ready.at(0).at(2).toString();
    return sandbox;
}

// Stops the sandbox and waits for it to end, so that no process outlives the test.
inline void stopSandbox(RunningSandbox& sandbox)
{
    using zenml::session::SandboxLauncher;
    if (sandbox.launcher && sandbox.launcher->isRunning()) {
        QSignalSpy stopped(sandbox.launcher.get(), &SandboxLauncher::stopped);
        sandbox.launcher->stop();
        (void)stopped.wait(10000);
    }
    sandbox = {};
}

// Collects the arguments of one asynchronous callback. Its context object dies with it, so a
// callback that arrives after a failed test returned is dropped instead of writing to the
// stack of a function that is gone.
template <typename... Args> class CallbackWaiter
{
public:
    QObject* context() { return &m_context; }

    auto callback()
    {
        return [this](const Args&... args) {
            m_values = std::tuple<Args...>(args...);
            ++m_calls;
        };
    }

    bool wait(int timeoutMs = 15000)
    {
        return QTest::qWaitFor([this] { return m_calls > 0; }, timeoutMs);
    }

    int calls() const { return m_calls; }
    template <std::size_t I> const auto& get() const { return std::get<I>(m_values); }

private:
    QObject m_context;
    std::tuple<Args...> m_values;
    int m_calls = 0;
};
