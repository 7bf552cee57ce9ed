// zenml-pro-admin: the desktop program. Parses the command line, wires the controller, runs
// the event loop; everything else lives in ui/ and src/.

#include "AppController.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "cli/CliMain.h"
#include "cli/CommandLine.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

namespace {

// The same names for the window and the command line: both read the same profiles.
void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("ZenML"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("zenml.io"));
    QCoreApplication::setApplicationName(QStringLiteral("ZenML Pro Admin"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ZENML_VERSION));
}

struct WindowOptions
{
    QCommandLineOption sandbox { QStringLiteral("sandbox"),
        QCoreApplication::translate("main",
            "Start a local sandbox control plane with seeded users and sign in to it as its "
            "admin.") };
    QCommandLineOption sandboxUsers { QStringLiteral("sandbox-users"),
        QCoreApplication::translate("main", "How many users the sandbox seeds (default 250)."),
        QStringLiteral("count"), QStringLiteral("250") };
    QCommandLineOption server { QStringLiteral("server"),
        QCoreApplication::translate("main", "The control plane's address, prefilled at sign-in."),
        QStringLiteral("url") };
    QCommandLineOption username { QStringLiteral("username"),
        QCoreApplication::translate("main", "The username, prefilled at sign-in."),
        QStringLiteral("name") };
};

void describe(QCommandLineParser& parser, const WindowOptions& options)
{
    parser.setApplicationDescription(QCoreApplication::translate("main",
        "Manage the user accounts of a self-hosted ZenML Pro control plane. For the command "
        "line, run: zenml-pro-admin users --help"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({ options.sandbox, options.sandboxUsers, options.server, options.username });
}

// --help and --version answer without a display: no QApplication is made for them.
bool asksForTextOnly(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v"
            || arg == "--version" || arg == "-?")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char* argv[])
{
    setIdentity();

    // The command-line face runs without a display: a QCoreApplication, never a QApplication.
    if (argc > 1 && zenml::cli::isCliSubcommand(QString::fromLocal8Bit(argv[1]))) {
        QCoreApplication app(argc, argv);
        return zenml::cli::runCommandLine(QCoreApplication::arguments());
    }

    const WindowOptions options;
    if (asksForTextOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCommandLineParser parser;
        describe(parser, options);
        parser.process(app); // prints the text and exits
        return 0;
    }

    QApplication app(argc, argv);
    QApplication::setDesktopFileName(QStringLiteral(ZENML_APP_ID));
    QApplication::setWindowIcon(QIcon::fromTheme(
        QStringLiteral(ZENML_APP_ID), QIcon(QStringLiteral(":/icons/io.zenml.ProAdmin.svg"))));

    QCommandLineParser parser;
    describe(parser, options);
    parser.process(app);

    bool countOk = false;
    const int sandboxUsers = parser.value(options.sandboxUsers).toInt(&countOk);
    if (!countOk || sandboxUsers < 0) {
        std::fprintf(stderr, "%s\n",
            qPrintable(QApplication::translate(
                "main", "--sandbox-users takes a whole number of users, 0 or more.")));
        return 2;
    }

    zenml::ui::AppController controller;
    QObject::connect(&controller, &zenml::ui::AppController::finished, &app, &QApplication::exit);
    if (parser.isSet(options.sandbox))
        controller.startWithSandbox({ QStringLiteral("--seed"), QString::number(sandboxUsers) });
    else
        controller.startWithLogin(parser.value(options.server), parser.value(options.username));
    return QApplication::exec();
}
