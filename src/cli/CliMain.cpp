#include "CliMain.h"

#include "CommandLine.h"
#include "ProfileKeeper.h"
#include "SecretInput.h"
#include "UserCommands.h"
#include "controlplane/ApiClient.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QProcessEnvironment>
#include <QTimer>

#include <cstdio>
#include <memory>

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

// Asks on the terminal for what is still missing: the username (for a password) and the
// secret, without echo. The caller made sure standard input is a terminal.
std::optional<int> askOnTerminal(const CliRequest& request, Credentials* credentials)
{
    using Method = session::Session::Method;
    const QString server = controlplane::apiRootFromUserInput(request.server).toDisplayString();
    if (credentials->method == Method::Token) {
        const auto token = input::readLine(
            tr("Personal access token or API key for %1: ").arg(server), /*hidden=*/true);
        if (!token || token->isEmpty())
            return usage(request, tr("no token was typed."));
        credentials->secret = *token;
        return std::nullopt;
    }
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

QString noCredentialsText()
{
    return tr("give --username with --password-stdin or ZENML_PASSWORD, or a token through "
              "ZENML_TOKEN or --token-stdin (standard input is not a terminal, so nothing can be "
              "asked).");
}

// Where the sign-in secret comes from, in the documented order: --token-stdin,
// --password-stdin, ZENML_TOKEN, ZENML_PASSWORD, the profile's secret in the keychain, the
// terminal. Returns an exit status when the run must end here; sets `fromKeychain` when the
// secret is still to be read from the keychain (asynchronously, by the caller).
std::optional<int> gatherCredentials(const CliRequest& request,
    const QProcessEnvironment& environment, const ProfileKeeper& profiles, Credentials* credentials,
    bool* fromKeychain)
{
    using Method = session::Session::Method;
    const QString envToken = environment.value(QStringLiteral("ZENML_TOKEN"));
    const QString envPassword = environment.value(QStringLiteral("ZENML_PASSWORD"));
    credentials->username = request.username;
    *fromKeychain = false;

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
    } else if (request.command != Command::Logout && request.passwordStdin) {
        if (request.username.isEmpty())
            return usage(request, tr("--password-stdin needs --username or ZENML_USERNAME."));
        const auto password = readStdin(tr("password"));
        if (!password)
            return ExitUsage;
        credentials->secret = *password;
    } else if (!envToken.isEmpty()) {
        credentials->method = Method::Token;
        credentials->secret = envToken;
    }

    // Logging out needs a token only to end its session on the server; a profile's stored
    // secret is forgotten without one, and is never read just to be thrown away.
    if (request.command == Command::Logout) {
        if (credentials->secret.isEmpty() && request.profile.isEmpty()) {
            printErr(tr("Nothing to log out of. To forget a profile's remembered secret, give "
                        "--profile NAME; to end a token's session on the server, give it "
                        "through ZENML_TOKEN or --token-stdin."));
            return ExitOk;
        }
        if (!credentials->secret.isEmpty() && request.server.trimmed().isEmpty())
            return usage(request,
                tr("no server: give --server URL, set ZENML_SERVER, or name a "
                   "saved profile with --profile."));
        return std::nullopt;
    }
    if (!credentials->secret.isEmpty())
        return std::nullopt;

    credentials->method = profiles.method();
    if (!envPassword.isEmpty()) {
        if (request.username.isEmpty())
            return usage(request, tr("ZENML_PASSWORD needs --username or ZENML_USERNAME."));
        credentials->method = Method::Password;
        credentials->secret = envPassword;
        return std::nullopt;
    }
    if (profiles.remembersSecret()) {
        *fromKeychain = true;
        return std::nullopt;
    }
    if (!input::stdinIsTerminal())
        return usage(request, tr("no credentials: %1").arg(noCredentialsText()));
    return askOnTerminal(request, credentials);
}

// What the keychain answered for the profile's secret: the secret itself, or ask on the
// terminal, or end the run saying how to give the secret.
std::optional<int> takeKeychainAnswer(
    const CliRequest& request, const session::SecretStore::Result& result, Credentials* credentials)
{
    using Status = session::SecretStore::Result::Status;
    if (result.status == Status::Done && !result.secret.isEmpty()) {
        credentials->secret = result.secret;
        return std::nullopt;
    }
    const bool terminal = input::stdinIsTerminal();
    if (result.status == Status::Done || result.status == Status::NotFound) {
        if (terminal) {
            printErr(tr("No secret is stored in the keychain for the profile “%1”; type it.")
                         .arg(request.profile));
            return askOnTerminal(request, credentials);
        }
        printErr(tr("zenml-pro-admin %1: no secret is stored in the keychain for the profile "
                    "“%2”. Store one with: zenml-pro-admin login --profile %2 --remember, or %3")
                     .arg(commandName(request.command), request.profile, noCredentialsText()));
        return ExitAuthentication;
    }
    // No keychain, or one that refused: carry on as without a remembered secret.
    printErr(tr("The keychain could not give the secret of the profile “%1”: %2")
                 .arg(request.profile, result.message));
    if (!terminal)
        return usage(request, tr("no credentials: %1").arg(noCredentialsText()));
    return askOnTerminal(request, credentials);
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
    CliRequest request = parsed.request;

    // stdout is data and stderr is for people: the libraries' Info lines only with --verbose.
    QLoggingCategory::setFilterRules(request.verbose
            ? QStringLiteral("zenml.*.debug=true")
            // The keychain's warnings are said again, in a sentence, by the command itself.
            : QStringLiteral("zenml.*.info=false\nzenml.*.debug=false\n"
                             "zenml.session.warning=false"));

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

    // The named profile fills in the server and the username the command line left open.
    ProfileKeeper profiles;
    if (const auto problem = profiles.apply(&request))
        return usage(request, *problem);

    Credentials credentials;
    bool fromKeychain = false;
    if (const auto end
        = gatherCredentials(request, environment, profiles, &credentials, &fromKeychain))
        return *end;
    // The certificates the window's profile trusts, and its consent to plain http.
    if (const auto& profile = profiles.profile()) {
        QString problem;
        const auto cas = controlplane::TlsTrust::loadCaBundle(
            profile->caBundlePath, profile->caBundlePem, &problem);
        if (!cas) {
            printErr(tr("zenml-pro-admin %1: %2").arg(commandName(request.command), problem));
            return ExitConnection;
        }
        credentials.tlsTrust.extraCaCertificates = *cas;
        credentials.tlsTrust.pinnedSha256 = profile->trustedCertificateSha256;
        credentials.plainHttpConfirmed = profile->allowPlainHttp;
    }
    credentials.plainHttpConfirmed = credentials.plainHttpConfirmed || request.allowHttp;

    QNetworkAccessManager network;
    std::unique_ptr<UserCommands> commands;
    // Runs the command once every secret is at hand; the new user's password is the line after
    // the sign-in password's, so it is read only now.
    const auto startCommands = [&]() -> std::optional<int> {
        if (request.newPasswordStdin) {
            const auto password = input::readLine({}, /*hidden=*/true);
            if (!password || password->isEmpty())
                return usage(request, tr("standard input held no password for the new user."));
            credentials.newPassword = *password;
        }
        commands = std::make_unique<UserCommands>(request, credentials, &network, &profiles);
        QObject::connect(commands.get(), &UserCommands::finished, QCoreApplication::instance(),
            [](int exitCode) { QCoreApplication::exit(exitCode); });
        // Started from the event loop, so that an end that comes at once still ends exec().
        QTimer::singleShot(0, commands.get(), &UserCommands::start);
        return std::nullopt;
    };

    if (!fromKeychain) {
        if (const auto end = startCommands())
            return *end;
        return QCoreApplication::exec();
    }
    // Read before any request is sent; the keychain answers within its timeout even when no
    // Secret Service is there.
    QTimer::singleShot(0, &profiles, [&] {
        profiles.readSecret(
            credentials.username, &profiles, [&](const session::SecretStore::Result& result) {
                auto end = takeKeychainAnswer(request, result, &credentials);
                if (!end)
                    end = startCommands();
                if (end)
                    QCoreApplication::exit(*end);
            });
    });
    return QCoreApplication::exec();
}

} // namespace zenml::cli
