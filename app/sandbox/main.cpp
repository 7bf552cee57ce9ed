// zenml-pro-sandbox: the sandbox control plane as a process. Everything but the process
// plumbing (signals, standard streams) lives in src/sandbox.

#include "sandbox/SandboxCommandLine.h"
#include "sandbox/SandboxServer.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int signalPipe[2] = { -1, -1 };

extern "C" void onSignal(int)
{
    // Only async-signal-safe work here: the event loop reads the byte and quits.
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}

// SIGINT and SIGTERM end the event loop, so the database is closed cleanly.
bool installSignalHandlers(QCoreApplication& app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return false;
    auto* notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
        notifier->setEnabled(false);
        char byte = 0;
        [[maybe_unused]] const ssize_t read = ::read(signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGINT, &action, nullptr) == 0
        && ::sigaction(SIGTERM, &action, nullptr) == 0;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("zenml-pro-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ZENML_VERSION));

    zenml::sandbox::SandboxCommandLine commandLine;
    switch (commandLine.parse(
        QCoreApplication::arguments(), QProcessEnvironment::systemEnvironment())) {
    case zenml::sandbox::SandboxCommandLine::Outcome::ShowHelp:
        std::fputs(qPrintable(commandLine.helpText()), stdout);
        return 0;
    case zenml::sandbox::SandboxCommandLine::Outcome::ShowVersion:
        std::printf("zenml-pro-sandbox %s\n", ZENML_VERSION);
        return 0;
    case zenml::sandbox::SandboxCommandLine::Outcome::Error:
        std::fprintf(
            stderr, "zenml-pro-sandbox: %s\n(see --help)\n", qPrintable(commandLine.errorString()));
        return 2;
    case zenml::sandbox::SandboxCommandLine::Outcome::Run:
        break;
    }
    if (commandLine.verbose())
        QLoggingCategory::setFilterRules(QStringLiteral("zenml.sandbox.debug=true"));

    if (!installSignalHandlers(app)) {
        std::fputs("zenml-pro-sandbox: cannot install the signal handlers\n", stderr);
        return 1;
    }

    zenml::sandbox::SandboxServer server(commandLine.options());
    if (!server.listen(commandLine.host(), commandLine.port())) {
        std::fprintf(stderr, "zenml-pro-sandbox: %s\n", qPrintable(server.errorString()));
        return 1;
    }

    // Other programs parse these three lines: keep their wording, and flush before serving.
    const QByteArray banner = "API root: " + server.apiRoot().toString().toUtf8()
        + "\nAdmin username: " + server.adminUsername().toUtf8()
        + "\nAdmin password: " + server.adminPassword().toUtf8() + '\n';
    std::fwrite(banner.constData(), 1, size_t(banner.size()), stdout);
    std::fflush(stdout);

    return QCoreApplication::exec();
}
