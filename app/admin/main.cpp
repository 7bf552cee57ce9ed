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

int main(int argc, char* argv[])
{
    // The command-line face runs without a display: a QCoreApplication, never a QApplication.
    if (argc > 1 && zenml::cli::isCliSubcommand(QString::fromLocal8Bit(argv[1]))) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setOrganizationName(QStringLiteral("ZenML"));
        QCoreApplication::setOrganizationDomain(QStringLiteral("zenml.io"));
        QCoreApplication::setApplicationName(QStringLiteral("ZenML Pro Admin"));
        QCoreApplication::setApplicationVersion(QStringLiteral(ZENML_VERSION));
        return zenml::cli::runCommandLine(QCoreApplication::arguments());
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ZenML"));
    QApplication::setOrganizationDomain(QStringLiteral("zenml.io"));
    QApplication::setApplicationName(QStringLiteral("ZenML Pro Admin"));
    QApplication::setApplicationVersion(QStringLiteral(ZENML_VERSION));
    QApplication::setDesktopFileName(QStringLiteral(ZENML_APP_ID));
    QApplication::setWindowIcon(QIcon::fromTheme(
        QStringLiteral(ZENML_APP_ID), QIcon(QStringLiteral(":/icons/io.zenml.ProAdmin.svg"))));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main",
        "Manage the user accounts of a self-hosted ZenML Pro "
        "control plane. For the command line, run: zenml-pro-admin users --help"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sandboxOption(QStringLiteral("sandbox"),
        QApplication::translate("main",
            "Start a local sandbox control plane with seeded users "
            "and sign in to it as its admin."));
    const QCommandLineOption sandboxUsersOption(QStringLiteral("sandbox-users"),
        QApplication::translate("main", "How many users the sandbox seeds (default 250)."),
        QStringLiteral("count"), QStringLiteral("250"));
    const QCommandLineOption serverOption(QStringLiteral("server"),
        QApplication::translate("main", "The control plane's address, prefilled at sign-in."),
        QStringLiteral("url"));
    const QCommandLineOption usernameOption(QStringLiteral("username"),
        QApplication::translate("main", "The username, prefilled at sign-in."),
        QStringLiteral("name"));
    parser.addOptions({ sandboxOption, sandboxUsersOption, serverOption, usernameOption });
    parser.process(app);

    bool countOk = false;
    const int sandboxUsers = parser.value(sandboxUsersOption).toInt(&countOk);
    if (!countOk || sandboxUsers < 0) {
        fprintf(stderr, "%s\n",
            qPrintable(QApplication::translate("main",
                "--sandbox-users takes a whole number "
                "of users, 0 or more.")));
        return 2;
    }

    zenml::ui::AppController controller;
    QObject::connect(&controller, &zenml::ui::AppController::finished, &app, &QApplication::exit);
    if (parser.isSet(sandboxOption))
        controller.startWithSandbox({ QStringLiteral("--seed"), QString::number(sandboxUsers) });
    else
        controller.startWithLogin(parser.value(serverOption), parser.value(usernameOption));
    return QApplication::exec();
}
