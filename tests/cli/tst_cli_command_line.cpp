// The command line's parsing, without a server: every subcommand, usage errors, secrets refused
// as arguments, the environment as defaults; and the output formats' escaping.

#include "cli/CommandLine.h"
#include "cli/Output.h"

#include <QTest>

using zenml::cli::CliRequest;
using zenml::cli::Command;
using zenml::cli::OutputFormat;
using zenml::cli::ParseResult;
using Outcome = ParseResult::Outcome;

Q_DECLARE_METATYPE(zenml::cli::Command)
Q_DECLARE_METATYPE(zenml::cli::OutputFormat)

namespace {

const QString kServer = QStringLiteral("--server=https://zenml.example.com");

ParseResult parse(const QStringList& arguments, const QProcessEnvironment& environment = {})
{
    return zenml::cli::parseCommandLine(
        QStringList { QStringLiteral("zenml-pro-admin") } + arguments, environment);
}

} // namespace

class TestCliCommandLine final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void subcommands_data();
    void subcommands();
    void usageErrors_data();
    void usageErrors();
    void secretsAreRefusedAsArguments_data();
    void secretsAreRefusedAsArguments();
    void environmentGivesDefaults();
    void profileOption_data();
    void profileOption();
    void helpForEverySubcommand_data();
    void helpForEverySubcommand();
    void onlySubcommandsStartTheCommandLine();
    void csvCells_data();
    void csvCells();
    void terminalSafeText();
};

void TestCliCommandLine::subcommands_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Command>("command");
    QTest::addColumn<OutputFormat>("format");
    QTest::addColumn<QString>("target");

    const QString server = kServer;
    QTest::newRow("list") << QStringList { "users", "list", server } << Command::UsersList
                          << OutputFormat::Human << QString();
    QTest::newRow("list csv") << QStringList { "users", "list", "--format", "csv", server }
                              << Command::UsersList << OutputFormat::Csv << QString();
    QTest::newRow("list json") << QStringList { "users", "list", "--format=JSON", server }
                               << Command::UsersList << OutputFormat::Json << QString();
    QTest::newRow("create") << QStringList { "users", "create", "alice", server }
                            << Command::UsersCreate << OutputFormat::Human << "alice";
    QTest::newRow("create, a name that starts with a dash")
        << QStringList { "users", "create", server, "--", "-x" } << Command::UsersCreate
        << OutputFormat::Human << "-x";
    QTest::newRow("set-superuser") << QStringList { "users", "set-superuser", "bob", "ON", server }
                                   << Command::UsersSetSuperuser << OutputFormat::Human << "bob";
    QTest::newRow("reset-password")
        << QStringList { "users", "reset-password", "bob", server, "--format", "json" }
        << Command::UsersResetPassword << OutputFormat::Json << "bob";
    QTest::newRow("rename") << QStringList { "users", "rename", "bob", "Bob B", server }
                            << Command::UsersRename << OutputFormat::Human << "bob";
    QTest::newRow("delete") << QStringList { "users", "delete", "bob", "--yes", server }
                            << Command::UsersDelete << OutputFormat::Human << "bob";
    QTest::newRow("login") << QStringList { "login", server } << Command::Login
                           << OutputFormat::Human << QString();
    QTest::newRow("logout") << QStringList { "logout", server } << Command::Logout
                            << OutputFormat::Human << QString();
}

void TestCliCommandLine::subcommands()
{
    QFETCH(QStringList, arguments);
    QFETCH(Command, command);
    QFETCH(OutputFormat, format);
    QFETCH(QString, target);

    const ParseResult result = parse(arguments);
    QCOMPARE(result.text, QString());
    QCOMPARE(result.outcome, Outcome::Run);
    QCOMPARE(result.request.command, command);
    QCOMPARE(result.request.format, format);
    QCOMPARE(result.request.target, target);
    QCOMPARE(result.request.server, QStringLiteral("https://zenml.example.com"));
}

void TestCliCommandLine::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected"); // a part of the message

    const QString server = kServer;
    QTest::newRow("no command") << QStringList {} << "expected a command";
    QTest::newRow("users alone") << QStringList { "users" } << "expected list";
    QTest::newRow("unknown users command") << QStringList { "users", "frob", server } << "frob";
    QTest::newRow("no server") << QStringList { "users", "list" } << "no server";
    QTest::newRow("bad server") << QStringList { "users", "list", "--server", "ftp://x" } << "ftp";
    QTest::newRow("unknown option") << QStringList { "users", "list", "--frob", server } << "frob";
    QTest::newRow("csv for an operation")
        << QStringList { "users", "delete", "bob", "--format", "csv", server } << "text or json";
    QTest::newRow("unknown format")
        << QStringList { "users", "list", "--format", "xml", server } << "xml";
    QTest::newRow("create without a name")
        << QStringList { "users", "create", server } << "missing USERNAME";
    QTest::newRow("create, a name with a space unquoted")
        << QStringList { "users", "create", "john", "smith", server } << "smith";
    QTest::newRow("set-superuser without a state")
        << QStringList { "users", "set-superuser", "bob", server } << "missing";
    QTest::newRow("set-superuser maybe")
        << QStringList { "users", "set-superuser", "bob", "maybe", server } << "maybe";
    QTest::newRow("rename without NEW")
        << QStringList { "users", "rename", "bob", server } << "missing";
    QTest::newRow("two stdin secrets") << QStringList { "users", "list", "--password-stdin",
        "--token-stdin", server } << "exclude each other";
    QTest::newRow("two new-password sources") << QStringList { "users", "create", "x",
        "--generate-password", "--new-password-stdin", server }
                                              << "exclude each other";
    QTest::newRow("login with an argument") << QStringList { "login", "admin", server } << "admin";
    QTest::newRow("no server names the profile")
        << QStringList { "login", "--remember" } << "--profile";
    QTest::newRow("an empty profile name")
        << QStringList { "users", "list", "--profile", " " } << "--profile needs a name";
    QTest::newRow("forget-profile without a profile")
        << QStringList { "logout", "--forget-profile", server } << "needs --profile";
    QTest::newRow("remember is for login")
        << QStringList { "users", "list", "--remember", "--profile", "p" } << "remember";
    QTest::newRow("forget-profile is for logout")
        << QStringList { "login", "--forget-profile", "--profile", "p" } << "forget-profile";
    QTest::newRow("a bad server beside a profile")
        << QStringList { "users", "list", "--profile", "p", "--server", "ftp://x" } << "ftp";
}

void TestCliCommandLine::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);

    const ParseResult result = parse(arguments);
    QCOMPARE(result.outcome, Outcome::UsageError);
    QVERIFY2(result.text.contains(expected), qPrintable(result.text));
    QVERIFY2(result.text.contains(QStringLiteral("--help")), qPrintable(result.text));
}

void TestCliCommandLine::secretsAreRefusedAsArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("option");

    const QString server = kServer;
    QTest::newRow("--password VALUE")
        << QStringList { "users", "list", "--password", "hunter2-secret", server } << "--password";
    QTest::newRow("--password=VALUE")
        << QStringList { "users", "list", "--password=hunter2-secret", server } << "--password";
    QTest::newRow("-password VALUE")
        << QStringList { "login", "-password", "hunter2-secret", server } << "--password";
    QTest::newRow("--token=VALUE")
        << QStringList { "logout", "--token=hunter2-secret", server } << "--token";
    QTest::newRow("--api-key VALUE")
        << QStringList { "login", "--api-key", "hunter2-secret", server } << "--api-key";
    QTest::newRow("--new-password")
        << QStringList { "users", "create", "bob", "--new-password=hunter2-secret", server }
        << "--new-password";
    QTest::newRow("before the subcommand's own arguments")
        << QStringList { "users", "--Password", "hunter2-secret", "list", server } << "--password";
}

void TestCliCommandLine::secretsAreRefusedAsArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, option);

    const ParseResult result = parse(arguments);
    QCOMPARE(result.outcome, Outcome::UsageError);
    QVERIFY2(
        result.text.contains(option + QStringLiteral(" is not accepted")), qPrintable(result.text));
    QVERIFY2(result.text.contains(QStringLiteral("--password-stdin")), qPrintable(result.text));
    // The value itself is never repeated.
    QVERIFY(!result.text.contains(QStringLiteral("hunter2")));
}

void TestCliCommandLine::environmentGivesDefaults()
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("ZENML_SERVER"), QStringLiteral("zenml.example.com"));
    environment.insert(QStringLiteral("ZENML_USERNAME"), QStringLiteral("ops"));

    ParseResult result = parse({ QStringLiteral("login") }, environment);
    QCOMPARE(result.outcome, Outcome::Run);
    QCOMPARE(result.request.server, QStringLiteral("zenml.example.com"));
    QCOMPARE(result.request.username, QStringLiteral("ops"));

    // The command line wins over the environment.
    result = parse({ QStringLiteral("login"), QStringLiteral("--server"),
                       QStringLiteral("other.example.com"), QStringLiteral("--username"),
                       QStringLiteral("root"), QStringLiteral("--password-stdin") },
        environment);
    QCOMPARE(result.outcome, Outcome::Run);
    QCOMPARE(result.request.server, QStringLiteral("other.example.com"));
    QCOMPARE(result.request.username, QStringLiteral("root"));
    QVERIFY(result.request.passwordStdin);

    // rename's switch does not take over the sign-in --username.
    result = parse({ QStringLiteral("users"), QStringLiteral("rename"), QStringLiteral("Fenhl"),
                       QStringLiteral("fenhl"), QStringLiteral("--change-username"),
                       QStringLiteral("--username"), QStringLiteral("root") },
        environment);
    QCOMPARE(result.outcome, Outcome::Run);
    QVERIFY(result.request.renameUsername);
    QCOMPARE(result.request.username, QStringLiteral("root"));
    QCOMPARE(result.request.newName, QStringLiteral("fenhl"));

    result = parse({ QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("carol"),
                       QStringLiteral("--superuser"), QStringLiteral("--generate-password"),
                       QStringLiteral("--name"), QStringLiteral("Carol C") },
        environment);
    QCOMPARE(result.outcome, Outcome::Run);
    QVERIFY(result.request.superuser);
    QVERIFY(result.request.generatePassword);
    QCOMPARE(result.request.displayName, std::optional<QString>(QStringLiteral("Carol C")));
}

void TestCliCommandLine::profileOption_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("environmentProfile"); // ZENML_PROFILE
    QTest::addColumn<QString>("profile");
    QTest::addColumn<bool>("serverOnCommandLine");
    QTest::addColumn<bool>("remember");
    QTest::addColumn<bool>("forgetProfile");

    // A profile stands in for the server: it is read later, from the settings.
    QTest::newRow("list, no server") << QStringList { "users", "list", "--profile", "prod" }
                                     << QString() << "prod" << false << false << false;
    QTest::newRow("from the environment")
        << QStringList { "users", "delete", "bob", "--yes" } << "staging"
        << "staging" << false << false << false;
    QTest::newRow("the option wins")
        << QStringList { "users", "list", "--profile=prod" } << "staging"
        << "prod" << false << false << false;
    QTest::newRow("a server overrides")
        << QStringList { "users", "list", "--profile", "prod", kServer } << QString() << "prod"
        << true << false << false;
    QTest::newRow("login --remember")
        << QStringList { "login", "--profile", "new", "--remember", kServer } << QString() << "new"
        << true << true << false;
    QTest::newRow("login --remember without a profile")
        << QStringList { "login", "--remember", kServer } << QString() << QString() << true << true
        << false;
    QTest::newRow("logout of a profile") << QStringList { "logout", "--profile", "prod" }
                                         << QString() << "prod" << false << false << false;
    QTest::newRow("logout --forget-profile")
        << QStringList { "logout", "--profile", "prod", "--forget-profile" } << QString() << "prod"
        << false << false << true;
    QTest::newRow("logout with nothing")
        << QStringList { "logout" } << QString() << QString() << false << false << false;
}

void TestCliCommandLine::profileOption()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, environmentProfile);
    QFETCH(QString, profile);
    QFETCH(bool, serverOnCommandLine);
    QFETCH(bool, remember);
    QFETCH(bool, forgetProfile);

    QProcessEnvironment environment;
    if (!environmentProfile.isEmpty())
        environment.insert(QStringLiteral("ZENML_PROFILE"), environmentProfile);
    const ParseResult result = parse(arguments, environment);
    QCOMPARE(result.text, QString());
    QCOMPARE(result.outcome, Outcome::Run);
    QCOMPARE(result.request.profile, profile);
    QCOMPARE(result.request.serverOnCommandLine, serverOnCommandLine);
    QCOMPARE(result.request.server.isEmpty(), !serverOnCommandLine);
    QCOMPARE(result.request.remember, remember);
    QCOMPARE(result.request.forgetProfile, forgetProfile);
}

void TestCliCommandLine::helpForEverySubcommand_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("usage");

    QTest::newRow("users") << QStringList { "users", "--help" } << "COMMAND";
    QTest::newRow("list") << QStringList { "users", "list", "--help" } << "users list";
    QTest::newRow("create") << QStringList { "users", "create", "-h" } << "users create";
    QTest::newRow("set-superuser")
        << QStringList { "users", "set-superuser", "--help" } << "users set-superuser";
    QTest::newRow("reset-password")
        << QStringList { "users", "reset-password", "--help" } << "users reset-password";
    QTest::newRow("rename") << QStringList { "users", "rename", "--help" } << "--change-username";
    QTest::newRow("delete") << QStringList { "users", "delete", "--help" } << "stay";
    QTest::newRow("login") << QStringList { "login", "--help" } << "--remember";
    QTest::newRow("logout") << QStringList { "logout", "--help" } << "--forget-profile";
    QTest::newRow("the profile everywhere")
        << QStringList { "users", "list", "--help" } << "ZENML_PROFILE";
}

void TestCliCommandLine::helpForEverySubcommand()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, usage);

    // No server is needed to read the help.
    const ParseResult result = parse(arguments);
    QCOMPARE(result.outcome, Outcome::ShowText);
    QVERIFY2(result.text.contains(usage), qPrintable(result.text));
    QVERIFY2(result.text.contains(QStringLiteral("Exit status")), qPrintable(result.text));
}

void TestCliCommandLine::onlySubcommandsStartTheCommandLine()
{
    QVERIFY(zenml::cli::isCliSubcommand(QStringLiteral("users")));
    QVERIFY(zenml::cli::isCliSubcommand(QStringLiteral("login")));
    QVERIFY(zenml::cli::isCliSubcommand(QStringLiteral("logout")));
    QVERIFY(!zenml::cli::isCliSubcommand(QStringLiteral("--sandbox")));
    QVERIFY(!zenml::cli::isCliSubcommand(QStringLiteral("--server")));
    QVERIFY(!zenml::cli::isCliSubcommand(QString()));
}

void TestCliCommandLine::csvCells_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("cell");

    QTest::newRow("plain") << "alice"
                           << "alice";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("comma") << "Smith, Jo"
                           << "\"Smith, Jo\"";
    QTest::newRow("quote") << "say \"hi\""
                           << "\"say \"\"hi\"\"\"";
    QTest::newRow("line break") << "a\nb"
                                << "\"a\nb\"";
    QTest::newRow("formula =") << "=HYPERLINK(\"x\")"
                               << "\"'=HYPERLINK(\"\"x\"\")\"";
    QTest::newRow("formula +") << "+1"
                               << "'+1";
    QTest::newRow("formula -") << "-2+3"
                               << "'-2+3";
    QTest::newRow("formula @") << "@SUM(A1)"
                               << "'@SUM(A1)";
    QTest::newRow("at inside") << "a@b.example"
                               << "a@b.example";
    QTest::newRow("NUL") << QStringLiteral("a") + QChar(0) + QStringLiteral("b")
                         << QStringLiteral("a\uFFFDb");
    QTest::newRow("right-to-left override")
        << QStringLiteral("evil\u202Etxt.exe") << QStringLiteral("evil\uFFFDtxt.exe");
}

void TestCliCommandLine::csvCells()
{
    QFETCH(QString, value);
    QFETCH(QString, cell);
    QCOMPARE(zenml::cli::output::csvCell(value), cell);
}

void TestCliCommandLine::terminalSafeText()
{
    // An escape sequence from a display name must not reach the terminal.
    const QString safe = zenml::cli::output::terminalSafe(QStringLiteral("Eve\x1b]0;owned\x07"));
    QVERIFY(!safe.contains(QChar(0x1b)));
    QVERIFY(!safe.contains(QChar(0x07)));
    QVERIFY(safe.startsWith(QStringLiteral("Eve")));

    // Nor a mark that makes the line read backwards; letters of right-to-left scripts stay.
    QCOMPARE(zenml::cli::output::terminalSafe(QStringLiteral("evil\u202Etxt.exe \u05E9\u05DC")),
        QStringLiteral("evil\uFFFDtxt.exe \u05E9\u05DC"));
}

QTEST_GUILESS_MAIN(TestCliCommandLine)
#include "tst_cli_command_line.moc"
