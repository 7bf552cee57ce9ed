#include "sandbox/SandboxCommandLine.h"

#include <QTest>

using namespace zenml::sandbox;

namespace {

QStringList withProgram(const QStringList& arguments)
{
    return QStringList { QStringLiteral("zenml-pro-sandbox") } + arguments;
}

} // namespace

class TestSandboxCommandLine final : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void switches();
    void environment();
    void loopbackHosts_data();
    void loopbackHosts();
    void refusals_data();
    void refusals();
    void helpNamesEverySwitch();
};

void TestSandboxCommandLine::defaults()
{
    SandboxCommandLine commandLine;
    QCOMPARE(commandLine.parse(withProgram({}), QProcessEnvironment()),
        SandboxCommandLine::Outcome::Run);
    const SandboxOptions& options = commandLine.options();
    QCOMPARE(commandLine.host(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(commandLine.port(), quint16(0));
    QVERIFY(options.databasePath.isEmpty());
    QCOMPARE(options.adminUsername, QStringLiteral("admin"));
    QVERIFY(options.adminPassword.isEmpty());
    QCOMPARE(options.tokenTtlSeconds, 3600);
    QCOMPARE(options.defaultPageSize, 100);
    QCOMPARE(options.maxPageSize, 1000);
    QCOMPARE(options.seedCount, 0);
    QCOMPARE(toString(options.expiredPasswordLogin), QStringLiteral("ok"));
    QCOMPARE(options.createStatus, 200);
    QCOMPARE(toString(options.listShape), QStringLiteral("array"));
    QCOMPARE(options.adminInList, true);
    QCOMPARE(toString(options.patchName), QStringLiteral("display"));
    QVERIFY(options.apiKeys.isEmpty());
}

void TestSandboxCommandLine::switches()
{
    SandboxCommandLine commandLine;
    const QStringList arguments = { "--host", "::1", "--port", "8080", "--db", "/tmp/x.sqlite",
        "--token-ttl", "5", "--admin-username", "root", "--admin-password", "pw", "--seed", "100",
        "--seed-random", "7", "--page-size", "20", "--max-page-size", "50", "--api-key",
        "ZENPROKEY_a", "--api-key", "ZENPROKEY_b", "--pbkdf2-rounds", "10",
        "--expired-password-login", "forbidden", "--create-status", "201", "--list-shape",
        "envelope", "--admin-in-list", "no", "--patch-name", "username", "--verbose" };
    QCOMPARE(commandLine.parse(withProgram(arguments), QProcessEnvironment()),
        SandboxCommandLine::Outcome::Run);
    const SandboxOptions& options = commandLine.options();
    QCOMPARE(commandLine.host(), QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(commandLine.port(), quint16(8080));
    QCOMPARE(options.databasePath, QStringLiteral("/tmp/x.sqlite"));
    QCOMPARE(options.tokenTtlSeconds, 5);
    QCOMPARE(options.adminUsername, QStringLiteral("root"));
    QCOMPARE(options.adminPassword, QStringLiteral("pw"));
    QCOMPARE(options.seedCount, 100);
    QCOMPARE(options.seedRandom, 7u);
    QCOMPARE(options.defaultPageSize, 20);
    QCOMPARE(options.maxPageSize, 50);
    QCOMPARE(options.apiKeys, (QStringList { "ZENPROKEY_a", "ZENPROKEY_b" }));
    QCOMPARE(options.passwordIterations, 10);
    QCOMPARE(toString(options.expiredPasswordLogin), QStringLiteral("forbidden"));
    QCOMPARE(options.createStatus, 201);
    QCOMPARE(toString(options.listShape), QStringLiteral("envelope"));
    QCOMPARE(options.adminInList, false);
    QCOMPARE(toString(options.patchName), QStringLiteral("username"));
    QVERIFY(commandLine.verbose());
}

void TestSandboxCommandLine::environment()
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("SANDBOX_ADMIN_PASSWORD"), QStringLiteral("from-env"));
    environment.insert(QStringLiteral("SANDBOX_API_KEY"), QStringLiteral("ZENPROKEY_env"));
    SandboxCommandLine fromEnvironment;
    QCOMPARE(fromEnvironment.parse(withProgram({}), environment), SandboxCommandLine::Outcome::Run);
    QCOMPARE(fromEnvironment.options().adminPassword, QStringLiteral("from-env"));
    QCOMPARE(fromEnvironment.options().apiKeys, QStringList { QStringLiteral("ZENPROKEY_env") });

    // The switch wins over the environment.
    SandboxCommandLine fromSwitch;
    QCOMPARE(fromSwitch.parse(withProgram({ "--admin-password", "switch" }), environment),
        SandboxCommandLine::Outcome::Run);
    QCOMPARE(fromSwitch.options().adminPassword, QStringLiteral("switch"));
}

void TestSandboxCommandLine::loopbackHosts_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("127.0.0.1") << "127.0.0.1";
    QTest::newRow("127.1.2.3") << "127.1.2.3";
    QTest::newRow("::1") << "::1";
    QTest::newRow("localhost") << "localhost";
}

void TestSandboxCommandLine::loopbackHosts()
{
    QFETCH(QString, host);
    SandboxCommandLine commandLine;
    QCOMPARE(commandLine.parse(withProgram({ "--host", host }), QProcessEnvironment()),
        SandboxCommandLine::Outcome::Run);
    QVERIFY(commandLine.host().isLoopback());
}

void TestSandboxCommandLine::refusals_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("any address") << QStringList { "--host", "0.0.0.0" } << "loopback";
    QTest::newRow("lan address") << QStringList { "--host", "192.168.1.10" } << "loopback";
    QTest::newRow("ipv6 any") << QStringList { "--host", "::" } << "loopback";
    QTest::newRow("host name") << QStringList { "--host", "example.com" } << "not an IP address";
    QTest::newRow("port too big") << QStringList { "--port", "70000" } << "--port";
    QTest::newRow("port not a number") << QStringList { "--port", "http" } << "--port";
    QTest::newRow("ttl zero") << QStringList { "--token-ttl", "0" } << "--token-ttl";
    QTest::newRow("negative seed") << QStringList { "--seed", "-1" } << "--seed";
    QTest::newRow("max page size zero")
        << QStringList { "--max-page-size", "0" } << "--max-page-size";
    QTest::newRow("create status") << QStringList { "--create-status", "204" } << "--create-status";
    QTest::newRow("list shape") << QStringList { "--list-shape", "xml" } << "--list-shape";
    QTest::newRow("expired login")
        << QStringList { "--expired-password-login", "maybe" } << "--expired-password-login";
    QTest::newRow("admin in list")
        << QStringList { "--admin-in-list", "true" } << "--admin-in-list";
    QTest::newRow("patch name") << QStringList { "--patch-name", "email" } << "--patch-name";
    QTest::newRow("blank api key") << QStringList { "--api-key", " " } << "--api-key";
    QTest::newRow("unknown switch") << QStringList { "--bogus" } << "bogus";
    QTest::newRow("positional") << QStringList { "serve" } << "serve";
}

void TestSandboxCommandLine::refusals()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    SandboxCommandLine commandLine;
    QCOMPARE(commandLine.parse(withProgram(arguments), QProcessEnvironment()),
        SandboxCommandLine::Outcome::Error);
    QVERIFY2(commandLine.errorString().contains(message), qPrintable(commandLine.errorString()));
}

void TestSandboxCommandLine::helpNamesEverySwitch()
{
    SandboxCommandLine commandLine;
    QCOMPARE(commandLine.parse(withProgram({ "--help" }), QProcessEnvironment()),
        SandboxCommandLine::Outcome::ShowHelp);
    const QString help = commandLine.helpText();
    const QStringList switches = { "--host", "--port", "--db", "--token-ttl", "--admin-username",
        "--admin-password", "--seed", "--seed-random", "--page-size", "--max-page-size",
        "--api-key", "--expired-password-login", "--create-status", "--list-shape",
        "--admin-in-list", "--patch-name", "--version", "SANDBOX_ADMIN_PASSWORD", "new_password",
        "seeded-password" };
    for (const QString& name : switches)
        QVERIFY2(help.contains(name), qPrintable(name));
    SandboxCommandLine version;
    QCOMPARE(version.parse(withProgram({ "--version" }), QProcessEnvironment()),
        SandboxCommandLine::Outcome::ShowVersion);
}

QTEST_GUILESS_MAIN(TestSandboxCommandLine)
#include "tst_sandbox_commandline.moc"
