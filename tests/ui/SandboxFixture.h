#pragma once

#include "session/SandboxLauncher.h"

#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include <memory>

// A zenml-pro-sandbox process for one test case, started through the program's own launcher.
struct SandboxFixture
{
    std::unique_ptr<zenml::session::SandboxLauncher> launcher;
    QUrl apiRoot;
    QString username;
    QString password;
    QString error;

    bool start(const QStringList& arguments)
    {
        launcher = std::make_unique<zenml::session::SandboxLauncher>();
        QSignalSpy ready(launcher.get(), &zenml::session::SandboxLauncher::ready);
        QSignalSpy failed(launcher.get(), &zenml::session::SandboxLauncher::failed);
        launcher->start(arguments);
        if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 30000)) {
            error = QStringLiteral("the sandbox did not report ready within 30 s");
            return false;
        }
        if (!failed.isEmpty()) {
            error = failed.first().first().toString();
            return false;
        }
        apiRoot = ready.first().at(0).toUrl();
        username = ready.first().at(1).toString();
        password = ready.first().at(2).toString();
        return true;
    }
};
