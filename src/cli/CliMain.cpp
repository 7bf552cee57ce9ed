#include "CliMain.h"

#include "CommandLine.h"
#include "SecretInput.h"
#include "UserCommands.h"
#include "controlplane/ApiClient.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QProcessEnvironment>
#include <QTimer>

#include <cstdio>

namespace zenml::cli {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("zenml::cli", text);
}

void printErr(const QString& text)
{
    const QByteArray bytes = (text + QLatin1Char('\n')).toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

int usage(const CliRequest& request, const QString& message)
{
    printErr(tr("zenml-pro-admin %1: %2").arg(commandName(request.command), message));
    return ExitUsage;
}

// Where the sign-in secret comes from, in the documented order: --token-stdin,
// --password-stdin, ZENML_TOKEN, ZENML_PASSWORD, the terminal. Returns an exit status when
// the run must end here.
std::optional<int> gatherCredentials(
    const CliRequest& request, const QProcessEnvironment& environment, Credentials* credentials)
{
    using Method = session::Session::Method;
    const QString envToken = environment.value(QStringLiteral("ZENML_TOKEN"));
    const QString envPassword = environment.value(QStringLiteral("ZENML_PASSWORD"));
    credentials->username = request.username;

    const auto readStdin = [&](const QString& what) -> std::optional<QString> {
        auto line = input::readLine({}, /*hidden=*/true);
        if (!line || line->isEmpty()) {
            usage(request, tr("standard input held no %1.").arg(what));
            return std::nullopt;
        }
        return line;
    };

    if (request.tokenStdin) {
        credentials->method = Method::Token;
        const auto token = readStdin(tr("token"));
        if (!token)
            return ExitUsage;
        credentials->secret = *token;
        return std::nullopt;
    }
    if (request.command != Command::Logout) {
        if (request.passwordStdin) {
            if (request.username.isEmpty())
                return usage(request, tr("--password-stdin needs --username or ZENML_USERNAME."));
            const auto password = readStdin(tr("password"));
            if (!password)
                return ExitUsage;
            credentials->secret = *password;
            return std::nullopt;
        }
    }
    if (!envToken.isEmpty()) {
        credentials->method = Method::Token;
        credentials->secret = envToken;
        return std::nullopt;
    }
    if (request.command == Command::Logout) {
        // Known limitation: nothing is remembered between runs yet, so only a token given
        // for this run can be logged out.
        printErr(tr("Nothing to log out of: no credentials are remembered between runs. To end "
                    "a token's session on the server, give it through ZENML_TOKEN or "
                    "--token-stdin."));
        return ExitOk;
    }

    credentials->method = Method::Password;
    if (!envPassword.isEmpty()) {
        if (request.username.isEmpty())
            return usage(request, tr("ZENML_PASSWORD needs --username or ZENML_USERNAME."));
        credentials->secret = envPassword;
        return std::nullopt;
    }
    if (!input::stdinIsTerminal()) {
        return usage(request,
            tr("no credentials: give --username with --password-stdin or ZENML_PASSWORD, or a "
               "token through ZENML_TOKEN or --token-stdin (standard input is not a terminal, "
               "so nothing can be asked)."));
    }
    const QString server = controlplane::apiRootFromUserInput(request.server).toDisplayString();
    if (credentials->username.isEmpty()) {
        const auto name = input::readLine(tr("Username for %1: ").arg(server));
        if (!name || name->trimmed().isEmpty())
            return usage(request, tr("no username was typed."));
        credentials->username = name->trimmed();
    }
    const auto password = input::readLine(
        tr("Password for %1 at %2: ").arg(credentials->username, server), /*hidden=*/true);
    if (!password || password->isEmpty())
        return usage(request, tr("no password was typed."));
    credentials->secret = *password;
    return std::nullopt;
}

} // namespace

int runCommandLine(const QStringList& arguments)
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const ParseResult parsed = parseCommandLine(arguments, environment);
    switch (parsed.outcome) {
    case ParseResult::Outcome::ShowText: {
        const QByteArray text = parsed.text.toUtf8();
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        return ExitOk;
    }
    case ParseResult::Outcome::UsageError:
        printErr(parsed.text);
        return ExitUsage;
    case ParseResult::Outcome::Run:
        break;
    }
    const CliRequest& request = parsed.request;

    // stdout is data and stderr is for people: the libraries' Info lines only with --verbose.
    QLoggingCategory::setFilterRules(request.verbose
            ? QStringLiteral("zenml.*.debug=true")
            : QStringLiteral("zenml.*.info=false\nzenml.*.debug=false"));

    // What needs a terminal is refused before anything is read or sent.
    const bool terminal = input::stdinIsTerminal();
    if (request.command == Command::UsersDelete && !request.yes && !terminal) {
        return usage(request,
            tr("deleting asks to type the username, and standard input is not a terminal; "
               "add --yes to delete without asking. Nothing was deleted."));
    }
    if (request.command == Command::UsersCreate && !request.generatePassword
        && !request.newPasswordStdin && !terminal) {
        return usage(request,
            tr("the new user needs a password: add --generate-password or --new-password-stdin "
               "(standard input is not a terminal, so it cannot be typed). Nothing was created."));
    }

    Credentials credentials;
    if (const auto end = gatherCredentials(request, environment, &credentials))
        return *end;
    if (request.newPasswordStdin) {
        const auto password = input::readLine({}, /*hidden=*/true);
        if (!password || password->isEmpty())
            return usage(request, tr("standard input held no password for the new user."));
        credentials.newPassword = *password;
    }

    QNetworkAccessManager network;
    UserCommands commands(request, credentials, &network);
    QObject::connect(&commands, &UserCommands::finished, QCoreApplication::instance(),
        [](int exitCode) { QCoreApplication::exit(exitCode); });
    QTimer::singleShot(0, &commands, &UserCommands::start);
    return QCoreApplication::exec();
}

} // namespace zenml::cli
