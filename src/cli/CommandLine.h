#pragma once

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace zenml::cli {

// Exit statuses of the command line, documented in `--help` and the README.
enum ExitCode : int
{
    ExitOk = 0,
    ExitRefused = 1, // refused by an account rule, or by the server (403, 404, 409, 422, ...)
    ExitUsage = 2, // the command line or the input was not usable; nothing was sent
    ExitConnection = 3, // no connection, DNS, timeout, TLS
    ExitAuthentication = 4, // the credentials were refused
};

enum class Command
{
    UsersList,
    UsersCreate,
    UsersSetSuperuser,
    UsersResetPassword,
    UsersRename,
    UsersDelete,
    Login,
    Logout,
};

enum class OutputFormat
{
    Human, // "table" for list, a sentence for the operations
    Json,
    Csv, // list only
};

// Everything the command line asked for, and where each secret is to come from. No secret is
// ever held here: the command line cannot carry one.
struct CliRequest
{
    Command command = Command::UsersList;

    // Which account signs in where. A named profile gives the server, the username and the
    // sign-in method; --server and --username on the command line override it, while
    // ZENML_SERVER and ZENML_USERNAME only apply to a profile that does not exist yet.
    QString profile; // from --profile or ZENML_PROFILE; empty: none
    QString server; // as typed, from --server or ZENML_SERVER; empty when a profile gives it
    QString username; // from --username or ZENML_USERNAME; may be empty
    bool serverOnCommandLine = false; // --server was given, so it wins over the profile
    bool usernameOnCommandLine = false;
    QString reservedAdmin; // from --reserved-admin; empty means the default ("admin")
    bool passwordStdin = false;
    bool tokenStdin = false;
    bool verbose = false;
    bool allowHttp = false; // consent to plain http:// to a host other than loopback

    OutputFormat format = OutputFormat::Human;

    // users list
    QString filter;

    // USER of set-superuser, reset-password, rename and delete; USERNAME of create.
    QString target;

    // users create
    bool superuser = false;
    bool generatePassword = false;
    bool newPasswordStdin = false;
    std::optional<QString> displayName;

    // users set-superuser
    bool superuserOn = false;

    // users rename: NEW, and whether it is the username (else the display name).
    QString newName;
    bool renameUsername = false;

    // users delete
    bool yes = false;

    // login: store the secret in the system keychain (--remember).
    bool remember = false;
    // logout: remove the profile too, not only its stored secret (--forget-profile).
    bool forgetProfile = false;
};

// The outcome of reading the command line: run the request, print a text (help, version)
// and end with 0, or print a usage error and end with 2.
struct ParseResult
{
    enum class Outcome
    {
        Run,
        ShowText,
        UsageError,
    };
    Outcome outcome = Outcome::Run;
    CliRequest request;
    QString text; // the help text, or the usage error (already naming the subcommand)
};

// Whether `firstArgument` starts the command-line face rather than the window.
bool isCliSubcommand(const QString& firstArgument);

// Reads `arguments` (arguments.first() is the program) with the environment's ZENML_SERVER and
// ZENML_USERNAME as defaults. Options that would put a password or token on the command line
// are refused with a usage error that never repeats their value.
ParseResult parseCommandLine(const QStringList& arguments, const QProcessEnvironment& environment);

QString commandName(Command command); // "users create", "login", ...

} // namespace zenml::cli
