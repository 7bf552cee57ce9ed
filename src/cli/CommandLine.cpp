#include "CommandLine.h"

#include "controlplane/ApiClient.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace zenml::cli {

namespace {

const QString kProgram = QStringLiteral("zenml-pro-admin");

QString tr(const char* text)
{
    return QCoreApplication::translate("zenml::cli", text);
}

// Said once under every subcommand's options: where secrets come from and what the exit
// status means, because a script author reads one --help, not the README.
QString commonFooter()
{
    return tr("Signing in: --server URL (or ZENML_SERVER) and either --username NAME (or\n"
              "ZENML_USERNAME) with a password, or a personal access token / API key.\n"
              "--profile NAME (or ZENML_PROFILE) takes the server, username and method from\n"
              "a profile saved by login or by the window; --server and --username override it.\n"
              "The password comes from --password-stdin (one line of standard input),\n"
              "ZENML_PASSWORD, or a prompt without echo when standard input is a terminal;\n"
              "a token from --token-stdin or ZENML_TOKEN. Secrets are never accepted as\n"
              "command-line arguments. Precedence: --token-stdin, --password-stdin,\n"
              "ZENML_TOKEN, ZENML_PASSWORD, the profile's secret in the system keychain (when\n"
              "it remembers one), the terminal prompt.\n"
              "\n"
              "Exit status: 0 done; 1 refused by an account rule or by the server; 2 usage\n"
              "error (nothing was sent); 3 connection or TLS failure; 4 sign-in refused.\n");
}

// Option names that would carry a secret in argv: the process list and shell history would
// show it to others.
bool isSecretOptionName(const QString& name)
{
    static const QStringList names = { QStringLiteral("password"), QStringLiteral("token"),
        QStringLiteral("api-key"), QStringLiteral("apikey"), QStringLiteral("new-password"),
        QStringLiteral("secret"), QStringLiteral("access-token"), QStringLiteral("pass") };
    return names.contains(name, Qt::CaseInsensitive);
}

struct Subcommand
{
    Command command;
    QString name; // "users create"
    QString syntax; // "[options] USERNAME"
    QString description;
};

QList<Subcommand> subcommands()
{
    return {
        { Command::UsersList, QStringLiteral("users list"), QStringLiteral("[options]"),
            tr("Lists every user account (all pages). --format table (default) is aligned for\n"
               "people; json is an array of user objects; csv has a header row, quotes per\n"
               "RFC 4180, and a ' before any cell that starts with = + - @ so that a\n"
               "spreadsheet does not run it as a formula (json keeps every value exact).") },
        { Command::UsersCreate, QStringLiteral("users create"),
            QStringLiteral("[options] USERNAME"),
            tr("Creates a local user. The password is generated (--generate-password) or\n"
               "typed: twice without echo on a terminal, or one line of standard input with\n"
               "--new-password-stdin (after the sign-in password's line when --password-stdin\n"
               "is given too). A generated password is printed once: in the text output with\n"
               "a note, in --format json under \"initial_password\". The new user must choose\n"
               "a new password at the first sign-in.") },
        { Command::UsersSetSuperuser, QStringLiteral("users set-superuser"),
            QStringLiteral("[options] USER on|off"),
            tr("Grants (on) or revokes (off) super-user status. USER is a username (case does\n"
               "not matter) or an id. Your own status and the reserved admin's cannot be\n"
               "changed, and the last super-user cannot be revoked.") },
        { Command::UsersResetPassword, QStringLiteral("users reset-password"),
            QStringLiteral("[options] USER"),
            tr("Sets a generated temporary password for a local account and prints it once\n"
               "(--format json: under \"temporary_password\"). The user must change it at the\n"
               "next sign-in; the account is fetched again to show that.") },
        { Command::UsersRename, QStringLiteral("users rename"),
            QStringLiteral("[options] USER NEW"),
            tr("Changes the display name of USER to NEW (an empty NEW clears it). With\n"
               "--change-username, changes the username instead, where the control plane allows "
               "it\n"
               "(it always refuses for the reserved admin); a change of case only is allowed.\n"
               "When the control plane applies the name to the display name instead, the\n"
               "previous display name is restored and the command fails with status 1.") },
        { Command::UsersDelete, QStringLiteral("users delete"), QStringLiteral("[options] USER"),
            tr("Deletes a user account. Resources the user created stay. Without --yes the\n"
               "username must be typed to confirm, which needs a terminal; without one and\n"
               "without --yes nothing is deleted (status 2).") },
        { Command::Login, QStringLiteral("login"), QStringLiteral("[options]"),
            tr("Checks the credentials: signs in and prints who signed in and when the token\n"
               "expires. With --profile NAME, then saves the server, username and sign-in\n"
               "method under NAME (a new NAME needs --server or ZENML_SERVER). With\n"
               "--remember, also stores the password or token in the system keychain, so that\n"
               "later commands with --profile need no secret; without --profile the profile\n"
               "is named after the server's host. When the keychain cannot keep it, the sign-in\n"
               "still succeeds and a note says that nothing was remembered. Without --profile\n"
               "and --remember nothing is saved.") },
        { Command::Logout, QStringLiteral("logout"), QStringLiteral("[options]"),
            tr("With --profile NAME, forgets the secret stored in the keychain for that\n"
               "profile (the profile stays; --forget-profile removes it too). With a token\n"
               "given through ZENML_TOKEN or --token-stdin, also ends that token's session on\n"
               "the server (POST /auth/logout). An API key stays valid until revoked on the\n"
               "server.") },
    };
}

QString overviewText()
{
    QString text = tr("Usage: %1 COMMAND [options] [arguments]\n\n"
                      "Manage the user accounts of a ZenML Pro control plane from scripts.\n\n"
                      "Commands:\n")
                       .arg(kProgram);
    const QList<Subcommand> all = subcommands();
    for (const Subcommand& sub : all)
        text += QStringLiteral("  %1 %2\n").arg(sub.name, sub.syntax);
    text += tr("\nRun “%1 COMMAND --help” for a command's options. Without a command, %1\n"
               "opens the window.\n\n")
                .arg(kProgram);
    return text + commonFooter();
}

ParseResult usageError(const QString& where, const QString& message)
{
    ParseResult result;
    result.outcome = ParseResult::Outcome::UsageError;
    // The bare program's --help belongs to the window; the overview is under "users".
    const QString command
        = kProgram + QLatin1Char(' ') + (where.isEmpty() ? QStringLiteral("users") : where);
    result.text = tr("%1: %2\nRun “%3 --help” for the syntax.")
                      .arg(where.isEmpty() ? kProgram : command, message, command);
    return result;
}

ParseResult showText(const QString& text)
{
    ParseResult result;
    result.outcome = ParseResult::Outcome::ShowText;
    result.text = text;
    return result;
}

// Refuses `--password VALUE`, `--token=VALUE` and friends before any other parsing, and
// names only the option, never what follows it.
std::optional<QString> secretOptionProblem(const QStringList& arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (argument == QLatin1String("--"))
            break;
        if (!argument.startsWith(QLatin1Char('-')) || argument.size() < 2)
            continue;
        QString name = argument.mid(argument.startsWith(QLatin1String("--")) ? 2 : 1);
        name = name.left(name.indexOf(QLatin1Char('=')));
        if (isSecretOptionName(name)) {
            return tr("--%1 is not accepted: a password or token given as an argument can be "
                      "read by other users of this machine and stays in the shell history. "
                      "Use --password-stdin, ZENML_PASSWORD or the terminal prompt (tokens: "
                      "--token-stdin or ZENML_TOKEN).")
                .arg(name.toLower());
        }
    }
    return std::nullopt;
}

} // namespace

bool isCliSubcommand(const QString& firstArgument)
{
    return firstArgument == QLatin1String("users") || firstArgument == QLatin1String("login")
        || firstArgument == QLatin1String("logout");
}

QString commandName(Command command)
{
    const QList<Subcommand> all = subcommands();
    for (const Subcommand& sub : all) {
        if (sub.command == command)
            return sub.name;
    }
    return {};
}

ParseResult parseCommandLine(const QStringList& arguments, const QProcessEnvironment& environment)
{
    if (const auto problem = secretOptionProblem(arguments))
        return usageError({}, *problem);
    if (arguments.size() < 2 || !isCliSubcommand(arguments.at(1)))
        return usageError({}, tr("expected a command: users, login or logout."));

    // Which subcommand, and where its own arguments start.
    QString name = arguments.at(1);
    qsizetype rest = 2;
    if (name == QLatin1String("users")) {
        if (arguments.size() < 3 || arguments.at(2) == QLatin1String("--help")
            || arguments.at(2) == QLatin1String("-h") || arguments.at(2) == QLatin1String("help")) {
            if (arguments.size() < 3)
                return usageError(name,
                    tr("expected list, create, set-superuser, "
                       "reset-password, rename or delete."));
            return showText(overviewText());
        }
        name += QLatin1Char(' ') + arguments.at(2);
        rest = 3;
    }
    const QList<Subcommand> all = subcommands();
    const auto found = std::find_if(
        all.cbegin(), all.cend(), [&name](const Subcommand& sub) { return sub.name == name; });
    if (found == all.cend())
        return usageError(QStringLiteral("users"), tr("unknown command “%1”.").arg(name.mid(6)));
    const Subcommand& sub = *found;

    // One parser per subcommand: the global options plus its own.
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption helpOption(
        { QStringLiteral("h"), QStringLiteral("help") }, tr("Show this help."));
    const QCommandLineOption serverOption(QStringLiteral("server"),
        tr("The control plane (host, https://host or https://host/api/v1). Default: "
           "ZENML_SERVER."),
        QStringLiteral("url"));
    const QCommandLineOption usernameOption(QStringLiteral("username"),
        tr("Sign in as this user. Default: ZENML_USERNAME."), QStringLiteral("name"));
    const QCommandLineOption passwordStdinOption(QStringLiteral("password-stdin"),
        tr("Read the sign-in password from the first line of standard input."));
    const QCommandLineOption tokenStdinOption(QStringLiteral("token-stdin"),
        tr("Read a personal access token or API key from the first line of standard input."));
    const QCommandLineOption profileOption(QStringLiteral("profile"),
        tr("Sign in with this saved profile's server, username and method, and its secret from "
           "the system keychain when it remembers one. Default: ZENML_PROFILE."),
        QStringLiteral("name"));
    const QCommandLineOption reservedAdminOption(QStringLiteral("reserved-admin"),
        tr("The reserved admin account's username, when the deployment changed it "
           "(default admin)."),
        QStringLiteral("name"));
    const QCommandLineOption verboseOption(
        QStringLiteral("verbose"), tr("Log each request (method, path, status) to stderr."));
    const QCommandLineOption allowHttpOption(QStringLiteral("allow-http"),
        tr("Send to an http:// server that is not on this machine, unencrypted (login saves "
           "this consent in the profile)."));
    const bool isList = sub.command == Command::UsersList;
    const QCommandLineOption formatOption(QStringLiteral("format"),
        isList ? tr("table (default), json or csv.") : tr("text (default) or json."),
        QStringLiteral("format"));
    // --username is the sign-in name everywhere, so that one line of options works for every
    // command; rename's switch to the username therefore has its own name.
    parser.addOptions(
        { helpOption, serverOption, usernameOption, profileOption, passwordStdinOption,
            tokenStdinOption, reservedAdminOption, verboseOption, formatOption, allowHttpOption });
    const QCommandLineOption changeUsernameOption(
        QStringLiteral("change-username"), tr("Change the username instead of the display name."));

    const QCommandLineOption filterOption(QStringLiteral("filter"),
        tr("Only accounts whose username, display name or e-mail contains this text "
           "(case does not matter)."),
        QStringLiteral("text"));
    const QCommandLineOption superuserOption(
        QStringLiteral("superuser"), tr("Make the new user a super-user."));
    const QCommandLineOption generateOption(QStringLiteral("generate-password"),
        tr("Generate the initial password (20 characters) and print it once."));
    const QCommandLineOption newPasswordStdinOption(QStringLiteral("new-password-stdin"),
        tr("Read the new user's password from the next line of standard input."));
    const QCommandLineOption nameOption(
        QStringLiteral("name"), tr("The new user's display name."), QStringLiteral("name"));
    const QCommandLineOption yesOption(
        QStringLiteral("yes"), tr("Delete without asking to type the username."));
    const QCommandLineOption rememberOption(QStringLiteral("remember"),
        tr("Store the password or token in the system keychain for the profile."));
    const QCommandLineOption forgetProfileOption(
        QStringLiteral("forget-profile"), tr("Remove the profile as well as its stored secret."));
    switch (sub.command) {
    case Command::UsersList:
        parser.addOption(filterOption);
        break;
    case Command::UsersCreate:
        parser.addOptions({ superuserOption, generateOption, newPasswordStdinOption, nameOption });
        parser.addPositionalArgument(QStringLiteral("USERNAME"), tr("The new user's username."));
        break;
    case Command::UsersSetSuperuser:
        parser.addPositionalArgument(QStringLiteral("USER"), tr("A username or an id."));
        parser.addPositionalArgument(QStringLiteral("on|off"), tr("Grant or revoke."));
        break;
    case Command::UsersResetPassword:
        parser.addPositionalArgument(QStringLiteral("USER"), tr("A username or an id."));
        break;
    case Command::UsersRename:
        parser.addPositionalArgument(QStringLiteral("USER"), tr("A username or an id."));
        parser.addOption(changeUsernameOption);
        parser.addPositionalArgument(QStringLiteral("NEW"), tr("The new name."));
        break;
    case Command::UsersDelete:
        parser.addOption(yesOption);
        parser.addPositionalArgument(QStringLiteral("USER"), tr("A username or an id."));
        break;
    case Command::Login:
        parser.addOption(rememberOption);
        break;
    case Command::Logout:
        parser.addOption(forgetProfileOption);
        break;
    }

    QStringList own = { arguments.first() };
    own += arguments.mid(rest);
    if (!parser.parse(own))
        return usageError(sub.name, parser.errorText());

    if (parser.isSet(helpOption)) {
        // The parser's own usage line names the bare program; ours names the subcommand.
        QString options = parser.helpText();
        options = options.mid(options.indexOf(QLatin1String("Options:")));
        return showText(
            tr("Usage: %1 %2 %3\n\n%4\n\n").arg(kProgram, sub.name, sub.syntax, sub.description)
            + options + QLatin1Char('\n') + commonFooter());
    }

    ParseResult result;
    CliRequest& request = result.request;
    request.command = sub.command;
    request.profile = parser.isSet(profileOption)
        ? parser.value(profileOption)
        : environment.value(QStringLiteral("ZENML_PROFILE"));
    request.profile = request.profile.trimmed();
    request.serverOnCommandLine = parser.isSet(serverOption);
    request.usernameOnCommandLine = parser.isSet(usernameOption);
    request.server = request.serverOnCommandLine
        ? parser.value(serverOption)
        : environment.value(QStringLiteral("ZENML_SERVER"));
    request.username = request.usernameOnCommandLine
        ? parser.value(usernameOption)
        : environment.value(QStringLiteral("ZENML_USERNAME"));
    request.reservedAdmin = parser.value(reservedAdminOption);
    request.passwordStdin = parser.isSet(passwordStdinOption);
    request.tokenStdin = parser.isSet(tokenStdinOption);
    request.verbose = parser.isSet(verboseOption);
    request.allowHttp = parser.isSet(allowHttpOption);

    if (request.passwordStdin && request.tokenStdin) {
        return usageError(sub.name, tr("--password-stdin and --token-stdin exclude each other."));
    }
    if (parser.isSet(profileOption) && request.profile.isEmpty())
        return usageError(sub.name, tr("--profile needs a name."));
    // A profile gives the server once it is read (CliMain); a logout that only forgets
    // nothing needs none either, and says so itself.
    if (request.server.trimmed().isEmpty() && request.profile.isEmpty()
        && sub.command != Command::Logout) {
        return usageError(sub.name,
            tr("no server: give --server URL, set ZENML_SERVER, or name a saved profile with "
               "--profile."));
    }
    // ZENML_SERVER is checked only where it counts: a profile that exists replaces it.
    if (!request.server.trimmed().isEmpty()
        && (request.serverOnCommandLine || request.profile.isEmpty())) {
        QString serverProblem;
        if (!controlplane::apiRootFromUserInput(request.server, &serverProblem).isValid())
            return usageError(sub.name, serverProblem);
    }

    if (parser.isSet(formatOption)) {
        const QString format = parser.value(formatOption).toLower();
        if (format == QLatin1String("json"))
            request.format = OutputFormat::Json;
        else if (format == QLatin1String("csv") && isList)
            request.format = OutputFormat::Csv;
        else if (format == QLatin1String("table") || format == QLatin1String("text"))
            request.format = OutputFormat::Human;
        else {
            return usageError(sub.name,
                (isList ? tr("--format takes table, json or csv, not “%1”.")
                        : tr("--format takes text or json, not “%1”."))
                    .arg(parser.value(formatOption)));
        }
    }

    const QStringList positional = parser.positionalArguments();
    const auto expect = [&](qsizetype count, const QString& what) -> std::optional<ParseResult> {
        if (positional.size() == count)
            return std::nullopt;
        if (positional.size() < count)
            return usageError(sub.name, tr("missing %1.").arg(what));
        return usageError(sub.name,
            tr("unexpected argument “%1”; quote a name that holds spaces.")
                .arg(positional.at(count)));
    };

    switch (sub.command) {
    case Command::UsersList:
        if (auto error = expect(0, {}))
            return *error;
        request.filter = parser.value(filterOption);
        break;
    case Command::UsersCreate:
        if (auto error = expect(1, QStringLiteral("USERNAME")))
            return *error;
        request.target = positional.at(0);
        request.superuser = parser.isSet(superuserOption);
        request.generatePassword = parser.isSet(generateOption);
        request.newPasswordStdin = parser.isSet(newPasswordStdinOption);
        if (parser.isSet(nameOption))
            request.displayName = parser.value(nameOption).trimmed();
        if (request.generatePassword && request.newPasswordStdin) {
            return usageError(
                sub.name, tr("--generate-password and --new-password-stdin exclude each other."));
        }
        break;
    case Command::UsersSetSuperuser: {
        if (auto error = expect(2, tr("USER and on|off")))
            return *error;
        request.target = positional.at(0);
        const QString state = positional.at(1).toLower();
        if (state != QLatin1String("on") && state != QLatin1String("off"))
            return usageError(sub.name, tr("expected on or off, not “%1”.").arg(positional.at(1)));
        request.superuserOn = state == QLatin1String("on");
        break;
    }
    case Command::UsersResetPassword:
        if (auto error = expect(1, QStringLiteral("USER")))
            return *error;
        request.target = positional.at(0);
        break;
    case Command::UsersRename:
        if (auto error = expect(2, tr("USER and NEW")))
            return *error;
        request.target = positional.at(0);
        request.renameUsername = parser.isSet(changeUsernameOption);
        // A username is checked as typed (the rules refuse stray spaces with a suggestion); a
        // display name is free text, trimmed as in the window.
        request.newName = request.renameUsername ? positional.at(1) : positional.at(1).trimmed();
        break;
    case Command::UsersDelete:
        if (auto error = expect(1, QStringLiteral("USER")))
            return *error;
        request.target = positional.at(0);
        request.yes = parser.isSet(yesOption);
        break;
    case Command::Login:
        if (auto error = expect(0, {}))
            return *error;
        request.remember = parser.isSet(rememberOption);
        break;
    case Command::Logout:
        if (auto error = expect(0, {}))
            return *error;
        request.forgetProfile = parser.isSet(forgetProfileOption);
        if (request.forgetProfile && request.profile.isEmpty())
            return usageError(sub.name, tr("--forget-profile needs --profile NAME."));
        break;
    }
    return result;
}

} // namespace zenml::cli
